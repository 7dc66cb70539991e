/*
 * tui.h: the one header of virt-import's console.  Views render backend
 * objects and turn keys into backend calls; they never own domain data.
 */
#ifndef VI_TUI_H
#define VI_TUI_H

#include "backend.h"

/* What a key handler asks the loop to do next. */
#define TUI_HANDLED	0x1
#define TUI_REDRAW	0x2
#define TUI_QUIT	0x4

/* Semantic screen elements; a theme gives each one its look. */
enum tui_element {
	EL_DEFAULT,
	EL_HEADER,
	EL_COLUMNS,
	EL_SELECTION,
	EL_STATUS,
	EL_ERROR,
	EL_STATE_RUNNING,
	EL_STATE_OFF,
	EL_PROBLEM,
	EL_HELP_KEY,
	EL_COUNT
};

struct tui;

struct tui_key {
	int		  key;
	const char	 *name;		/* as the help screen shows it */
	const char	 *help;
	int		(*fn)(struct tui *);
};

/* screen.c */
int screen_init(char **);
void screen_end(void);
int screen_attr(enum tui_element);
int screen_too_small(int, int);
const char *screen_hline(void);

/* draw.c */
int draw_text(int, int, int, const char *, int);
int draw_textf(int, int, int, int, const char *, ...) VI_PRINTF(5, 6);

/* tui.c */
struct tui {
	const char		*source_label;
	struct inventory	*inv;
	size_t			 cursor;
	size_t			 top;
	int			 show_help;
	char			*status;	/* last message, or NULL */
	int			 status_error;
};
int tui_run(const char *, struct inventory *, char **);
void tui_status(struct tui *, int, const char *, ...) VI_PRINTF(3, 4);

/* view-inventory.c */
extern const struct tui_key view_inventory_keys[];
void view_inventory_draw(struct tui *, int, int);

/* view-help.c */
void view_help_draw(struct tui *, const struct tui_key *, int, int);

#endif
