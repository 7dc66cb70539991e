/*
 * screen.c: curses set-up, the look of each semantic element, and the
 * terminal's limits (colours, UTF-8, size).
 */
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"

#define MIN_COLS 60
#define MIN_ROWS 10

static int attrs[EL_COUNT];
static int utf8;

/*
 * The built-in look: colours when the terminal has them and NO_COLOR is not
 * set (https://no-color.org), attributes alone otherwise.  Theme files
 * (themes/) replace this table.
 */
static const struct {
	enum tui_element el;
	short		 fg, bg;
	int		 attr;		/* with colour */
	int		 mono;		/* without */
} defaults[] = {
	{ EL_DEFAULT, -1, -1, A_NORMAL, A_NORMAL },
	{ EL_HEADER, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	{ EL_COLUMNS, COLOR_CYAN, -1, A_BOLD, A_UNDERLINE },
	{ EL_SELECTION, COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	{ EL_STATUS, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	{ EL_ERROR, COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
	{ EL_STATE_RUNNING, COLOR_GREEN, -1, A_NORMAL, A_BOLD },
	{ EL_STATE_OFF, -1, -1, A_NORMAL, A_NORMAL },
	{ EL_PROBLEM, COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	{ EL_HELP_KEY, COLOR_CYAN, -1, A_BOLD, A_BOLD },
};

int
screen_init(char **cause)
{
	const char *nc;
	size_t i;
	int colour;

	setlocale(LC_ALL, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (initscr() == NULL) {
		cause_set(cause, "cannot start the console on this terminal: "
		    "check that TERM is set (e.g. TERM=xterm-256color)");
		return -1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);

	nc = getenv("NO_COLOR");
	colour = has_colors() && (nc == NULL || *nc == '\0');
	if (colour) {
		start_color();
		use_default_colors();
	}
	for (i = 0; i < sizeof defaults / sizeof *defaults; i++) {
		if (colour) {
			init_pair((short)(i + 1), defaults[i].fg, defaults[i].bg);
			attrs[defaults[i].el] = (int)COLOR_PAIR(i + 1) |
			    defaults[i].attr;
		} else
			attrs[defaults[i].el] = defaults[i].mono;
	}
	return 0;
}

void
screen_end(void)
{
	endwin();
}

int
screen_attr(enum tui_element el)
{
	return attrs[el];
}

/* Below this size the console says so instead of drawing garbage. */
int
screen_too_small(int rows, int cols)
{
	return rows < MIN_ROWS || cols < MIN_COLS;
}

/* A horizontal line glyph: line drawing under UTF-8, ASCII otherwise. */
const char *
screen_hline(void)
{
	return utf8 ? "\u2500" : "-";
}
