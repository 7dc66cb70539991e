/*
 * view-help.c: the keys of the current view and the keys of every view,
 * generated from their key tables so help can never list a key that does
 * not exist, nor miss one that does.
 */
#include <string.h>

#include <curses.h>

#include "tui.h"

extern const struct tui_key tui_global_keys[];

struct help_line {
	const char	*section;	/* a heading, or NULL */
	char		 keys[64];
	const char	*help;
};

/* One line per action: keys sharing a handler go together. */
static size_t
help_table(const struct tui_key *keys, struct help_line *out, size_t max)
{
	const struct tui_key *k, *j;
	size_t n = 0;

	for (k = keys; k != NULL && k->name != NULL && n < max; k++) {
		for (j = keys; j < k; j++) {
			if (j->fn == k->fn && strcmp(j->help, k->help) == 0)
				break;
		}
		if (j != k)
			continue;
		memset(&out[n], 0, sizeof out[n]);
		for (j = k; j->name != NULL; j++) {
			if (j->fn != k->fn || strcmp(j->help, k->help) != 0)
				continue;
			if (out[n].keys[0] != '\0')
				strncat(out[n].keys, " ", sizeof out[n].keys -
				    strlen(out[n].keys) - 1);
			strncat(out[n].keys, j->name, sizeof out[n].keys -
			    strlen(out[n].keys) - 1);
		}
		out[n].help = k->help;
		n++;
	}
	return n;
}

static size_t
help_lines(struct tui *tui, struct help_line *out, size_t max)
{
	const char *syntax, *help;
	size_t n = 0, i;

	out[n++] = (struct help_line){ tui->view->title, "", NULL };
	n += help_table(tui->view->keys, out + n, max - n);
	if (n < max)
		out[n++] = (struct help_line){ "Every view", "", NULL };
	n += help_table(tui_global_keys, out + n, max - n);
	if (n < max)
		out[n++] = (struct help_line){ "Commands (type : first)", "",
		    NULL };
	for (i = 0; n < max && cmdline_help(i, &syntax, &help); i++) {
		memset(&out[n], 0, sizeof out[n]);
		strncpy(out[n].keys, syntax, sizeof out[n].keys - 1);
		out[n].help = help;
		n++;
	}
	return n;
}

void
view_help_draw(struct tui *tui, int rows, int cols)
{
	struct help_line lines[256];
	size_t n, i;
	int y = 1, kw = 22;

	draw_textf(0, 0, cols, screen_attr(EL_HEADER), " virt-import  help: %s",
	    tui->view->title);
	n = help_lines(tui, lines, sizeof lines / sizeof *lines);
	if (tui->help_top > (int)n - (rows - 2))
		tui->help_top = (int)n - (rows - 2);
	if (tui->help_top < 0)
		tui->help_top = 0;
	for (i = (size_t)tui->help_top; i < n && y < rows - 1; i++, y++) {
		if (lines[i].section != NULL) {
			draw_text(y, 1, cols - 1, lines[i].section,
			    screen_attr(EL_TITLE));
			continue;
		}
		draw_text(y, 2, kw, lines[i].keys, screen_attr(EL_HELP_KEY));
		draw_text(y, 2 + kw, cols - 2 - kw, lines[i].help,
		    screen_attr(EL_DEFAULT));
	}
	draw_text(rows - 1, 0, cols, (int)n > rows - 2 ?
	    "Up/Down scroll. Any other key goes back." :
	    "Press any key to go back.", screen_attr(EL_STATUS));
}

int
view_help_key(struct tui *tui, int key)
{
	switch (key) {
	case KEY_DOWN:
	case 'j':
		tui->help_top++;
		return TUI_REDRAW;
	case KEY_UP:
	case 'k':
		tui->help_top--;
		return TUI_REDRAW;
	case KEY_NPAGE:
	case ' ':
		tui->help_top += tui->rows - 3;
		return TUI_REDRAW;
	case KEY_PPAGE:
		tui->help_top -= tui->rows - 3;
		return TUI_REDRAW;
	}
	/* Any other key leaves help. */
	tui->show_help = 0;
	return TUI_REDRAW;
}
