/*
 * draw.c: put text on the screen safely.  Names come from VM sources and
 * may hold anything: control characters and invalid bytes are drawn as '?',
 * wide characters are measured, and nothing is drawn past the given width.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "tui.h"

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
		n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			wc = L'?';
			n = 1;
		}
		if ((w = wcwidth(wc)) < 0 || wc < 0x20 || (wc >= 0x7f &&
		    wc < 0xa0)) {
			wc = L'?';
			w = 1;
		}
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
