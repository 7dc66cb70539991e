/*
 * tui.h: the one header of virt-import's console.  Views render backend
 * objects and turn keys into backend calls; they never own domain data.
 * The console's state (struct tui) holds the backend objects: the source
 * and its inventory, the plan being built, the saved providers and
 * proxies, the engine.  Views keep only where their cursor is.
 */
#ifndef VI_TUI_H
#define VI_TUI_H

#include <sys/types.h>
#include <time.h>

#include "backend.h"

/* What a key handler asks the loop to do next. */
#define TUI_HANDLED	0x1
#define TUI_REDRAW	0x2		/* draw the whole screen again */
#define TUI_QUIT	0x4
#define TUI_ROWS	0x8		/* the view redraws its dirty rows */

/*
 * Semantic screen elements: X(enum, name in theme files, what it is).
 * A theme names meanings, never widgets (virt-import-themes(5)).
 */
#define TUI_ELEMENTS							\
	X(EL_DEFAULT, "default", "ordinary text")			\
	X(EL_HEADER, "header", "the title line at the top")		\
	X(EL_TAB, "tab", "a view's name in the title line")		\
	X(EL_TAB_CURRENT, "tab-current", "the current view's name")	\
	X(EL_COLUMNS, "columns", "column headings")			\
	X(EL_SELECTION, "selection", "the cursor row in the focused "	\
	    "pane")							\
	X(EL_SELECTION_BLUR, "selection-inactive", "the cursor row in "	\
	    "a pane without focus")					\
	X(EL_MARKED, "marked", "rows marked for an action")		\
	X(EL_BORDER, "border", "lines between panes and round boxes")	\
	X(EL_TITLE, "title", "the title of the focused pane or box")	\
	X(EL_TITLE_BLUR, "title-inactive", "the title of another pane")	\
	X(EL_DIM, "dim", "secondary text: units, hints, empty values")	\
	X(EL_STATUS, "status", "the status line")			\
	X(EL_ERROR, "error", "errors, and checks that failed")		\
	X(EL_WARNING, "warning", "warnings")				\
	X(EL_OK, "ok", "checks that passed")				\
	X(EL_STATE_RUNNING, "state-running", "a running VM")		\
	X(EL_STATE_OFF, "state-off", "a VM that is shut off")		\
	X(EL_PROBLEM, "problem", "what may stop a VM's import")		\
	X(EL_HELP_KEY, "help-key", "key names in help and hints")	\
	X(EL_FIELD, "field", "a form field's value")			\
	X(EL_FIELD_FOCUS, "field-focus", "the field being edited")	\
	X(EL_FIELD_LABEL, "field-label", "a form field's name")		\
	X(EL_PROGRESS_DONE, "progress-done", "the done part of a bar")	\
	X(EL_PROGRESS_TODO, "progress-todo", "the rest of a bar")	\
	X(EL_JOB_RUNNING, "job-running", "a job under way")		\
	X(EL_JOB_DONE, "job-done", "a job that finished")		\
	X(EL_JOB_FAILED, "job-failed", "a job that failed")		\
	X(EL_JOB_CANCELLED, "job-cancelled", "a job that was cancelled") \
	X(EL_SEARCH, "search-match", "text that matches a search")	\
	X(EL_COMMAND, "command", "the : command line")

enum tui_element {
#define X(e, n, h) e,
	TUI_ELEMENTS
#undef X
	EL_COUNT
};

struct tui;

/* One key of a view: the help screen is generated from these tables. */
struct tui_key {
	int		  key;
	const char	 *name;		/* as the help screen shows it */
	const char	 *help;
	int		(*fn)(struct tui *);
};

/*
 * A view is a screen of the console (tig's view_ops, tmux's window modes).
 * draw paints rows [top, top + rows) of the whole width; with TUI_ROWS
 * only what changed.  key gets what the key table did not take (text
 * entry); mouse gets clicks inside the view.  Every hook but draw may be
 * NULL.
 */
struct view {
	const char		*name;	/* "inventory": :view NAME, help */
	const char		*title;	/* in the title line */
	int			 fkey;	/* its number: 1..9 switch to it */
	const struct tui_key	*keys;
	const int		*changes; /* its keys that change saved state
					   or jobs (0-ended): refused by a
					   read-only console */
	void	(*enter)(struct tui *);
	void	(*draw)(struct tui *, int, int, int, int);
	int	(*key)(struct tui *, int);
	int	(*cursor)(struct tui *, int);	/* KEY_DOWN ... KEY_END */
	int	(*mouse)(struct tui *, int, int, int);	/* y, x, button */
	void	(*job_changed)(struct tui *, const struct job *);
	void	(*job_log)(struct tui *, const struct job *, const char *,
		    size_t);
	void	(*free)(struct tui *);
};

#define TUI_MOUSE_CLICK		1
#define TUI_MOUSE_DOUBLE	2
#define TUI_MOUSE_WHEEL_UP	3
#define TUI_MOUSE_WHEEL_DOWN	4

/* A saved proxy as the console shows it: the last check's result. */
struct tui_proxy {
	struct proxy	*proxy;
	struct probe	*probe;		/* NULL: not checked */
	char		*error;		/* why the check failed */
	int		 checking;
	char		*lost;		/* why following its jobs stopped */
};

/* The console's state: backend objects, and which view shows. */
struct tui {
	/* The source and its VMs. */
	struct source		*source;
	char			*source_label;
	struct inventory	*inv;
	int			 loading;	/* a read is under way */
	char			*load_error;
	struct task		*load_task;
	int			 read_only;	/* --read-only: watch only */

	/* Saved things, and what their files looked like when read. */
	struct provider		*providers;
	size_t			 nproviders;
	struct tui_proxy	*proxies;
	size_t			 nproxies;
	struct tui_stamp {
		dev_t		 dev;
		ino_t		 ino;
		off_t		 size;
		struct timespec	 mtime;
	}			 saved_stamp[2];
	time_t			 saved_checked;	/* CLOCK_MONOTONIC s */

	/* What to import: items are added from the inventory. */
	struct plan		*plan;
	struct pf_result	*pf;		/* the last pre-flight */
	size_t			 npf;
	int			 pf_running;

	struct engine		*engine;	/* NULL: not started yet */
	struct taskq		*tasks;

	const struct view	*view;		/* the current one */
	const struct view	*back;		/* where Esc goes from help */
	int			 show_help;
	int			 help_top;

	char			*status;	/* last message, or NULL */
	int			 status_error;
	unsigned		 spin;		/* spinner frame */
	int			 rows, cols;

	struct widget_prompt	*prompt;	/* a modal box, or NULL */
	struct widget_edit	*cmdline;	/* ':' being typed, or NULL */

	void			*vdata[16];	/* each view's own, by fkey */
};

extern const struct view *const tui_views[];

/* screen.c */
int screen_init(const char *, char **);
void screen_end(void);
int screen_set_theme(const char *, char **);
const char *screen_theme_name(void);
int screen_attr(enum tui_element);
int screen_too_small(int, int);
const char *screen_hline(void);
const char *screen_vline(void);
const char *screen_glyph(const char *, const char *);
int screen_utf8(void);

/*
 * theme.c: themes, files of one line per element (virt-import-themes(5)).
 * Parsing and loading (theme-load.c) need no terminal; screen.c turns a
 * theme into curses attributes.  Colours are THEME_DEFAULT or 0..255,
 * attributes THEME_* bits, never curses values.
 */
#define THEME_DEFAULT		(-1)	/* the default element's colour */
#define THEME_NEAREST		(-2)	/* no fallback: the nearest colour */
#define THEME_MAX_SIZE		(64 * 1024)
#define THEME_MAX_LINE		1024
#define THEME_NAME_MAX		64

#define THEME_BOLD		0x01
#define THEME_DIM		0x02
#define THEME_UNDERLINE		0x04
#define THEME_REVERSE		0x08
#define THEME_STANDOUT		0x10
#define THEME_ITALIC		0x20
#define THEME_BLINK		0x40

struct theme_look {
	int		 fg;		/* THEME_DEFAULT or 0..255 */
	int		 bg;
	int		 fg_low;	/* below 256 colours: THEME_NEAREST, */
	int		 bg_low;	/* THEME_DEFAULT or 0..15 */
	int		 attr;		/* THEME_* */
};

struct theme {
	char		*name;		/* "default", or the path given */
	char		*origin;	/* its file, or "built-in" */
	int		 colours;	/* 0: "set colors no" */
	int		 colours_set;	/* the line that said, or 0 */
	struct theme_look colour[EL_COUNT];
	struct theme_look mono[EL_COUNT];
	unsigned	 colour_line[EL_COUNT];	/* 0: not set by the file */
	unsigned	 mono_line[EL_COUNT];
};

/* A theme theme_list found: built in, the user's file, or both. */
struct theme_info {
	char		*name;
	char		*path;		/* the user's file, or NULL */
	int		 builtin;
};

struct theme *theme_parse(const char *, size_t, const char *, char **);
void theme_free(struct theme *);
void theme_inherit(struct theme *, const struct theme *);
char *theme_format(const struct theme *);
int theme_element(const char *);		/* -1: no such element */
const char *theme_element_name(enum tui_element);
const char *theme_element_help(enum tui_element);
int theme_degrade(int, int, int *);
struct theme_look theme_resolve(const struct theme *, enum tui_element, int);
/* For messages about words from files, shared with theme-load.c. */
const char *theme_show(const char *, char *, size_t);
char *theme_did_you_mean(const char *, const char *const *, size_t);
char *theme_join(const char *const *, size_t);

/* theme-load.c: built-in themes, the user's, and the one chosen. */
struct theme *theme_load(const char *, char **);
struct theme *theme_load_file(const char *, char **);
int theme_check_file(const char *, char **);
struct theme_info *theme_list(size_t *, char **);
void theme_list_free(struct theme_info *, size_t);
char *theme_user_dir(char **);
void theme_choose(const char *);
const char *theme_chosen(void);

/* draw.c */
int draw_text(int, int, int, const char *, int);
int draw_textf(int, int, int, int, const char *, ...) VI_PRINTF(5, 6);
int draw_width(const char *);
int draw_skip(const char *, int, const char **);
void draw_hline(int, int, int, int);
void draw_vline(int, int, int, int);
void draw_box(int, int, int, int, const char *, int);
void draw_bar(int, int, int, int);
void draw_fill(int, int, int, int, int);

/* tui.c */
int tui_run(struct source *, const char *, const char *, char **);
void tui_set_read_only(int);
void tui_status(struct tui *, int, const char *, ...) VI_PRINTF(3, 4);
void tui_show(struct tui *, const struct view *);
const struct view *tui_find_view(const char *);
time_t tui_now(void);
int tui_open_source(struct tui *, struct source *, const char *);
int tui_start_engine(struct tui *);
void tui_reload_saved(struct tui *);
int tui_watch_saved(struct tui *);
struct tui_proxy *tui_proxy(struct tui *, const char *);
void tui_set_demo(const char *, const char *);
/* Key table entries for a view's cursor hook: cursor keys, one per key. */
int tui_move_down(struct tui *);
int tui_move_up(struct tui *);
int tui_move_pgdn(struct tui *);
int tui_move_pgup(struct tui *);
int tui_move_home(struct tui *);
int tui_move_end(struct tui *);
/* The cursor keys' entries of a key table, for rows called what. */
#define TUI_CURSOR_KEYS(what)						\
	{ KEY_DOWN, "Down", "next " what, tui_move_down },		\
	{ 'j', "j", "next " what, tui_move_down },			\
	{ KEY_UP, "Up", "previous " what, tui_move_up },		\
	{ 'k', "k", "previous " what, tui_move_up },			\
	{ KEY_NPAGE, "PgDn", "next page", tui_move_pgdn },		\
	{ KEY_PPAGE, "PgUp", "previous page", tui_move_pgup },		\
	{ KEY_HOME, "Home", "first " what, tui_move_home },		\
	{ 'g', "g", "first " what, tui_move_home },			\
	{ KEY_END, "End", "last " what, tui_move_end },			\
	{ 'G', "G", "last " what, tui_move_end }
const char *tui_demo_note(void);
int tui_builtin_provider(const struct provider *);

/* cmdline.c: the ':' command line. */
int cmdline_run(struct tui *, const char *);
int cmdline_help(size_t, const char **, const char **);
char **cmdline_split(const char *, size_t *, char **);
void cmdline_free(char **, size_t);

/* widget.c: list cursors, line editing and modal boxes. */
struct widget_list {			/* a cursor over n rows */
	size_t		 cursor;
	size_t		 top;
};
void widget_list_clamp(struct widget_list *, size_t, int);
int widget_list_key(struct widget_list *, size_t, int, int);

struct widget_edit {			/* one line of text being typed */
	char		*buf;		/* UTF-8, NUL-terminated */
	size_t		 len;
	size_t		 pos;		/* byte offset of the cursor */
	size_t		 cap;
	int		 secret;	/* drawn as '*' */
};
struct widget_edit *widget_edit_new(const char *);
void widget_edit_free(struct widget_edit *);
#define EDIT_DONE	1		/* Enter */
#define EDIT_CANCEL	2		/* Esc */
int widget_edit_key(struct widget_edit *, int);
void widget_edit_draw(const struct widget_edit *, int, int, int, int);

/*
 * A modal box over the view: a question with a line to type (TEXT), a
 * yes/no (CONFIRM) or a list to pick from (CHOICE).  done runs on Enter
 * with the answer (the text, "yes", or the chosen line) and on Esc with
 * NULL; it returns TUI_* flags.
 */
enum prompt_kind {
	PROMPT_TEXT,
	PROMPT_CONFIRM,
	PROMPT_CHOICE
};
struct widget_prompt {
	enum prompt_kind	 kind;
	char			*title;
	char			*text;		/* the question, may wrap */
	struct widget_edit	*edit;		/* TEXT */
	char		       **choices;	/* CHOICE */
	size_t			 nchoices;
	struct widget_list	 list;
	int		       (*done)(struct tui *, void *, const char *);
	void			*arg;
	void		       (*arg_free)(void *);
};
void widget_prompt(struct tui *, enum prompt_kind, const char *,
    const char *, const char *, int (*)(struct tui *, void *, const char *),
    void *, void (*)(void *));
void widget_prompt_choices(struct tui *, const char *, const char *,
    const char *const *, size_t, size_t,
    int (*)(struct tui *, void *, const char *), void *, void (*)(void *));
int widget_prompt_key(struct tui *, int);
void widget_prompt_draw(struct tui *, int, int);
void widget_prompt_free(struct widget_prompt *);
char **widget_wrap(const char *, int, size_t *);

/* view-help.c */
void view_help_draw(struct tui *, int, int);
int view_help_key(struct tui *, int);

/* view-sources.c: saved providers and proxies. */
extern const struct view view_sources;
int view_sources_editing(struct tui *);
enum sources_field {			/* a row of the add/edit forms */
	SF_NAME,
	SF_SPEC,			/* providers */
	SF_PASSWORD_FILE,
	SF_CONNECTIONS,
	SF_HOST,			/* proxies */
	SF_PORT,
	SF_USER,
	SF_KEY_FILE,
	SF_SSH_ALIAS,
	SF_JOB_DIR,
	SF_MAX_JOBS,
	SF_KNOWN_HOSTS
};
int sources_provider_set(struct provider *, enum sources_field,
    const char *, char **);
int sources_proxy_set(struct proxy *, enum sources_field, const char *,
    char **);
int sources_proxy_set_env(struct proxy *, size_t, const char *, char **);
struct proxy *sources_proxy_copy(const struct proxy *);

/* view-inventory.c: the source's VMs beside the VMs to import. */
extern const struct view view_inventory;

/* view-plan.c: network mapping, storage, per-VM properties, pre-flight. */
extern const struct view view_plan;

/* view-jobs.c: the live progress table. */
extern const struct view view_jobs;
enum jobs_col {				/* its columns, left to right */
	JC_VM,
	JC_PROXY,
	JC_STATE,
	JC_DISK,
	JC_PCT,
	JC_BAR,
	JC_RATE,
	JC_ETA,
	JC_ELAPSED,
	JC_MSG,
	JC_COUNT
};
void jobs_layout(int, int *, int *);
const char *jobs_duration(int64_t, char *, size_t);
const char *jobs_rate(double, char *, size_t);
double jobs_speed(uint64_t, int, int64_t, int, int64_t);
int64_t jobs_eta(int, int64_t, int, int64_t);
char **jobs_wrap(const char *, int, size_t *);

/* view-log.c: one job's virt-v2v log, followed. */
extern const struct view view_log;
void view_log_open(struct tui *, const char *);
#define LOG_LINE_MAX	4096		/* bytes kept of one line */
#define LOG_LINES_MAX	200000		/* lines kept: the oldest go */
struct log_text {			/* a log cut into lines */
	char		**lines;	/* ended at \n or \r */
	size_t		  n;
	size_t		  cap;
	size_t		  dropped;	/* oldest lines let go */
	char		 *open;		/* the line not ended yet */
	size_t		  openlen;
	size_t		  opencap;
	int		  cut;		/* the open line is over the max */
	int		  last_cr;	/* the last byte was \r */
};
void log_text_feed(struct log_text *, const char *, size_t);
void log_text_merge(struct log_text *, struct log_text *);
void log_text_clear(struct log_text *);
size_t log_text_count(const struct log_text *);
const char *log_text_line(const struct log_text *, size_t);
const char *log_find(const char *, const char *);
const char *log_skip_cols(const char *, int);

#endif
