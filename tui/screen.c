/*
 * screen.c: curses set-up, the look of each semantic element from the
 * theme (theme.c), and the terminal's limits (colours, UTF-8, size).
 */
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"

#define MIN_COLS 60
#define MIN_ROWS 10

static struct theme *screen_theme;
static int attrs[EL_COUNT];
static int utf8;
static int colour_started;	/* start_color() ran */
static int default_colours;	/* -1 works as a colour */

/*
 * How many colours to use: none without colour support or with NO_COLOR
 * set and not empty (https://no-color.org).  A direct-colour terminal
 * (COLORS past 256) takes numbers as RGB, not palette entries: it gets the
 * 8 colours that all terminals share.
 */
static int
screen_colours(void)
{
	if (!colour_started || COLORS < 8)
		return 0;
	return COLORS > 256 ? 8 : COLORS;
}

static int
screen_no_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return nc != NULL && *nc != '\0';
}

static int
screen_curses_attr(int a)
{
	int r = A_NORMAL;

	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM)
		r |= A_DIM;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_STANDOUT)
		r |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
#endif
	if (a & THEME_BLINK)
		r |= A_BLINK;
	return r;
}

/*
 * Give every element its curses attribute.  Elements of the same two
 * colours share a colour pair; should the terminal run out of pairs, an
 * element takes its mono look.
 */
static void
screen_apply(const struct theme *t)
{
	struct theme_look look;
	short fgs[EL_COUNT], bgs[EL_COUNT];
	int ncolours = screen_colours(), npairs = 0, el, i, pair;

	for (el = 0; el < EL_COUNT; el++) {
		look = theme_resolve(t, el, ncolours);
		attrs[el] = screen_curses_attr(look.attr);
		if (ncolours == 0 || (look.fg == THEME_DEFAULT &&
		    look.bg == THEME_DEFAULT && default_colours))
			continue;
		if (!default_colours) {
			if (look.fg == THEME_DEFAULT)
				look.fg = COLOR_WHITE;
			if (look.bg == THEME_DEFAULT)
				look.bg = COLOR_BLACK;
		}
		for (i = 0; i < npairs; i++) {
			if (fgs[i] == look.fg && bgs[i] == look.bg)
				break;
		}
		pair = i + 1;
		if (i == npairs) {
			if (pair >= COLOR_PAIRS || init_pair((short)pair,
			    (short)look.fg, (short)look.bg) == ERR) {
				attrs[el] = screen_curses_attr(
				    theme_resolve(t, el, 0).attr);
				continue;
			}
			fgs[npairs] = (short)look.fg;
			bgs[npairs] = (short)look.bg;
			npairs++;
		}
		attrs[el] |= (int)COLOR_PAIR(pair);
	}
	/* Blank cells take the default element's colours. */
	bkgd((chtype)' ' | ((chtype)attrs[EL_DEFAULT] & A_COLOR));
}

/*
 * Start curses with the theme called name (NULL: theme_chosen(), that is
 * --theme, $VIRT_IMPORT_THEME or default).  The theme is loaded first, so
 * a bad one is reported before the terminal is taken over.
 */
int
screen_init(const char *name, char **cause)
{
	struct theme *t;

	setlocale(LC_ALL, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if ((t = theme_load(name != NULL ? name : theme_chosen(),
	    cause)) == NULL)
		return -1;
	if (initscr() == NULL) {
		theme_free(t);
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

	if (has_colors() && !screen_no_color()) {
		start_color();
		colour_started = 1;
		default_colours = use_default_colors() == OK;
	}
	screen_apply(t);
	screen_theme = t;
	return 0;
}

void
screen_end(void)
{
	endwin();
	theme_free(screen_theme);
	screen_theme = NULL;
}

/*
 * Switch to the theme called name; the caller redraws.  On failure the
 * current theme stays.
 */
int
screen_set_theme(const char *name, char **cause)
{
	struct theme *t;

	if ((t = theme_load(name, cause)) == NULL)
		return -1;
	screen_apply(t);
	theme_free(screen_theme);
	screen_theme = t;
	return 0;
}

/* The current theme's name, NULL before screen_init. */
const char *
screen_theme_name(void)
{
	return screen_theme != NULL ? screen_theme->name : NULL;
}

int
screen_attr(enum tui_element el)
{
	return (unsigned)el < EL_COUNT ? attrs[el] : (int)A_NORMAL;
}

/* Below this size the console says so instead of drawing garbage. */
int
screen_too_small(int rows, int cols)
{
	return rows < MIN_ROWS || cols < MIN_COLS;
}

/*
 * Line drawing is UTF-8 only when the locale's character set is: under
 * LANG=C the terminal gets ASCII.
 */
int
screen_utf8(void)
{
	return utf8;
}

/* A glyph under UTF-8, its ASCII stand-in otherwise. */
const char *
screen_glyph(const char *u, const char *ascii)
{
	return utf8 ? u : ascii;
}

const char *
screen_hline(void)
{
	return screen_glyph("\u2500", "-");
}

const char *
screen_vline(void)
{
	return screen_glyph("\u2502", "|");
}
