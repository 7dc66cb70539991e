/*
 * view-help.c: the keys of a screen, generated from its key table so the
 * help can never list a key that does not exist.
 */
#include <string.h>

#include <curses.h>

#include "tui.h"

void
view_help_draw(struct tui *tui, const struct tui_key *keys, int rows,
    int cols)
{
	const struct tui_key *k, *j;
	char names[64];
	int y = 2;

	draw_text(0, 0, cols, " virt-import  help: inventory",
	    screen_attr(EL_HEADER));
	for (k = keys; k->name != NULL && y < rows - 1; k++) {
		/* One line per action: keys sharing a handler go together. */
		for (j = keys; j < k; j++) {
			if (j->fn == k->fn)
				break;
		}
		if (j != k)
			continue;
		names[0] = '\0';
		for (j = k; j->name != NULL; j++) {
			if (j->fn != k->fn)
				continue;
			if (names[0] != '\0')
				strncat(names, " ", sizeof names -
				    strlen(names) - 1);
			strncat(names, j->name, sizeof names - strlen(names) - 1);
		}
		draw_text(y, 2, 14, names, screen_attr(EL_HELP_KEY));
		draw_text(y, 16, cols - 16, k->help, screen_attr(EL_DEFAULT));
		y++;
	}
	draw_text(rows - 1, 0, cols, "Press any key to go back.",
	    screen_attr(EL_STATUS));
}
