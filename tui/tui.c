/*
 * tui.c: the console's loop.  One poll() waits on the terminal and on a
 * self-pipe that the resize signal writes to; later the backend's own file
 * descriptors join the same poll set.  Keys go to the current view's key
 * table; handlers return TUI_* flags and the loop redraws once per turn.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>

#include "tui.h"

static int sigpipe[2] = { -1, -1 };

static void
tui_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(sigpipe[1], &c, 1) == -1) {
		/* The pipe is full: a wake-up is already pending. */
	}
	errno = saved;
}

static int
tui_signals(char **cause)
{
	struct sigaction sa;
	int i;

	if (pipe(sigpipe) != 0) {
		cause_set(cause, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		fcntl(sigpipe[i], F_SETFL, fcntl(sigpipe[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

void
tui_status(struct tui *tui, int error, const char *fmt, ...)
{
	va_list ap;

	free(tui->status);
	va_start(ap, fmt);
	xvasprintf(&tui->status, fmt, ap);
	va_end(ap);
	tui->status_error = error;
}

static void
tui_draw(struct tui *tui)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	erase();
	if (screen_too_small(rows, cols)) {
		/* Short lines: they must fit a very small terminal. */
		draw_textf(0, 0, cols, A_BOLD, "Terminal too small: %dx%d.",
		    cols, rows);
		if (rows > 1)
			draw_text(1, 0, cols, "virt-import needs 60x10.",
			    A_NORMAL);
		if (rows > 2)
			draw_text(2, 0, cols, "Enlarge it, or press q.",
			    A_NORMAL);
	} else if (tui->show_help)
		view_help_draw(tui, view_inventory_keys, rows, cols);
	else
		view_inventory_draw(tui, rows, cols);
	refresh();
}

static void
tui_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

static int
tui_key(struct tui *tui, int key)
{
	const struct tui_key *k;

	if (tui->show_help) {
		/* Any key leaves help; q still quits. */
		tui->show_help = 0;
		return key == 'q' ? TUI_QUIT : TUI_REDRAW;
	}
	for (k = view_inventory_keys; k->name != NULL; k++) {
		if (k->key == key)
			return k->fn(tui) | TUI_HANDLED;
	}
	if (key == KEY_RESIZE)
		return TUI_REDRAW;
	tui_status(tui, 1, "That key does nothing here: press ? for the "
	    "keys of this screen.");
	return TUI_REDRAW;
}

/* Run the console until the user quits.  Takes over the terminal. */
int
tui_run(const char *label, struct inventory *inv, char **cause)
{
	struct tui tui;
	struct pollfd pfd[2];
	int flags, key, done = 0;
	char sig;

	memset(&tui, 0, sizeof tui);
	tui.source_label = label;
	tui.inv = inv;
	if (tui_signals(cause) != 0)
		return -1;
	if (screen_init(cause) != 0)
		return -1;
	tui_status(&tui, 0, "%zu VM%s. Press ? for help, q to quit.",
	    inv->nvms, inv->nvms == 1 ? "" : "s");
	tui_draw(&tui);

	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = sigpipe[0];
	pfd[1].events = POLLIN;
	while (!done) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			cause_set(cause, "poll: %s", strerror(errno));
			break;
		}
		flags = 0;
		if (pfd[1].revents & POLLIN) {
			while (read(sigpipe[0], &sig, 1) == 1) {
				if (sig == SIGWINCH) {
					tui_resize();
					flags |= TUI_REDRAW;
				} else
					flags |= TUI_QUIT;
			}
		}
		if (pfd[0].revents & (POLLHUP | POLLERR))
			flags |= TUI_QUIT;
		if (pfd[0].revents & POLLIN) {
			while ((key = getch()) != ERR)
				flags |= tui_key(&tui, key);
		}
		if (flags & TUI_QUIT)
			done = 1;
		else if (flags & TUI_REDRAW)
			tui_draw(&tui);
	}
	screen_end();
	free(tui.status);
	close(sigpipe[0]);
	close(sigpipe[1]);
	return done ? 0 : -1;
}
