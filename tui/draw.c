/*
 * draw.c: put text on the screen safely.  Names come from VM sources and
 * may hold anything: control characters and invalid bytes are drawn as '?',
 * wide characters are measured, and nothing is drawn past the given width.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "tui.h"

static int draw_char(const char *, size_t, mbstate_t *, wchar_t *, size_t *);

/*
 * Draw s at (y, x) in at most width columns, padded with spaces to width.
 * Returns width, the columns the field takes, so callers can lay out
 * fields one after the other.
 */
int
draw_text(int y, int x, int width, const char *s, int attr)
{
	mbstate_t st;
	size_t len, n;
	wchar_t wc;
	int used = 0, w;

	if (width <= 0)
		return 0;
	memset(&st, 0, sizeof st);
	attrset(attr);
	move(y, x);
	len = strlen(s);
	while (len > 0 && used < width) {
		w = draw_char(s, len, &st, &wc, &n);
		if (used + w > width)
			break;
		if (wc < 0x80) {
			addch((chtype)wc);
		} else {
			cchar_t cc;
			wchar_t ws[2] = { wc, L'\0' };

			setcchar(&cc, ws, (attr_t)attr, 0, NULL);
			add_wch(&cc);
		}
		used += w;
		s += n;
		len -= n;
	}
	for (w = used; w < width; w++)
		addch(' ');
	attrset(A_NORMAL);
	return width;
}

/* draw_text for a formatted line. */
int
draw_textf(int y, int x, int width, int attr, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int used;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	used = draw_text(y, x, width, s, attr);
	free(s);
	return used;
}

/*
 * One character of s (len bytes left) as draw_text shows it: *wc gets it,
 * or '?' for an invalid byte or a control character, *n the bytes it
 * took; returns its columns.
 */
static int
draw_char(const char *s, size_t len, mbstate_t *st, wchar_t *wc, size_t *n)
{
	int w;

	*n = mbrtowc(wc, s, len, st);
	if (*n == (size_t)-1 || *n == (size_t)-2 || *n == 0) {
		memset(st, 0, sizeof *st);
		*wc = L'?';
		*n = 1;
	}
	if ((w = wcwidth(*wc)) < 0 || *wc < 0x20 || (*wc >= 0x7f &&
	    *wc < 0xa0)) {
		*wc = L'?';
		w = 1;
	}
	return w;
}

/* The columns s takes on the screen, as draw_text draws it. */
int
draw_width(const char *s)
{
	return draw_skip(s, INT_MAX, NULL);
}

/*
 * Skip cols columns of s: *rest (if not NULL) gets where the rest starts;
 * returns the columns skipped (the width of s when it is shorter).
 */
int
draw_skip(const char *s, int cols, const char **rest)
{
	mbstate_t st;
	size_t len, n;
	wchar_t wc;
	int used = 0;

	memset(&st, 0, sizeof st);
	len = strlen(s);
	while (len > 0 && used < cols) {
		used += draw_char(s, len, &st, &wc, &n);
		s += n;
		len -= n;
	}
	if (rest != NULL)
		*rest = s;
	return used;
}

/* A line of n cells from (y, x), across or down. */
void
draw_hline(int y, int x, int n, int attr)
{
	int i;

	for (i = 0; i < n; i++)
		draw_text(y, x + i, 1, screen_hline(), attr);
}

void
draw_vline(int y, int x, int n, int attr)
{
	int i;

	for (i = 0; i < n; i++)
		draw_text(y + i, x, 1, screen_vline(), attr);
}

/* Blank a rectangle. */
void
draw_fill(int y, int x, int h, int w, int attr)
{
	int i;

	for (i = 0; i < h; i++)
		draw_text(y + i, x, w, "", attr);
}

/* A box with its title in the top line. */
void
draw_box(int y, int x, int h, int w, const char *title, int attr)
{
	if (h < 2 || w < 2)
		return;
	draw_text(y, x, 1, screen_glyph("\u250c", "+"), attr);
	draw_hline(y, x + 1, w - 2, attr);
	draw_text(y, x + w - 1, 1, screen_glyph("\u2510", "+"), attr);
	draw_vline(y + 1, x, h - 2, attr);
	draw_vline(y + 1, x + w - 1, h - 2, attr);
	draw_text(y + h - 1, x, 1, screen_glyph("\u2514", "+"), attr);
	draw_hline(y + h - 1, x + 1, w - 2, attr);
	draw_text(y + h - 1, x + w - 1, 1, screen_glyph("\u2518", "+"), attr);
	if (title != NULL && *title != '\0' && w > 6) {
		char *t;
		int tw;

		xasprintf(&t, " %s ", title);
		tw = draw_width(t);
		if (tw > w - 4)
			tw = w - 4;
		draw_text(y, x + 2, tw, t, screen_attr(EL_TITLE));
		free(t);
	}
}

/*
 * A progress bar of width cells, percent done (-1: unknown, drawn empty).
 * Under UTF-8 the bar has eighth-cell steps; in ASCII, '#' and '.'.
 */
void
draw_bar(int y, int x, int width, int percent)
{
	static const char *eighths[] = { "", "\u258f", "\u258e", "\u258d",
	    "\u258c", "\u258b", "\u258a", "\u2589" };
	int full, part, i, done = screen_attr(EL_PROGRESS_DONE),
	    todo = screen_attr(EL_PROGRESS_TODO);
	long units;

	if (width <= 0)
		return;
	if (percent < 0)
		percent = 0;
	if (percent > 100)
		percent = 100;
	units = (long)width * 8 * percent / 100;
	full = (int)(units / 8);
	part = (int)(units % 8);
	for (i = 0; i < width; i++) {
		if (i < full)
			draw_text(y, x + i, 1, screen_glyph("\u2588", "#"),
			    done);
		else if (i == full && part > 0 && screen_utf8())
			draw_text(y, x + i, 1, eighths[part], done);
		else
			draw_text(y, x + i, 1, screen_utf8() ? " " : ".", todo);
	}
}
