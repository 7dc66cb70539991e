/*
 * tui.c: the console's loop and state.  One poll() waits on the terminal,
 * on a self-pipe that signals write to, on the task queue (inventory reads,
 * proxy checks, pre-flight) and on the engine's own descriptors.  Keys go
 * to a modal box if one shows, else to the current view's key table, else
 * to the global keys; handlers return TUI_* flags and the loop redraws once
 * per turn.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "tui.h"

#define TUI_FDS		3	/* stdin, signals, tasks; then the engine's */
#define TUI_SPIN_MS	150
#define TUI_WATCH_MS	1000	/* saved files looked at once a second */

const struct view *const tui_views[] = {
	&view_sources,
	&view_inventory,
	&view_plan,
	&view_jobs,
	&view_log,
	NULL
};

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
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

/* The time the console shows; VIRT_IMPORT_CLOCK fixes it for tests. */
time_t
tui_now(void)
{
	const char *s = getenv("VIRT_IMPORT_CLOCK");
	char *end;
	long long v;

	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v > 0)
			return (time_t)v;
	}
	return time(NULL);
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

const struct view *
tui_find_view(const char *name)
{
	size_t i;

	for (i = 0; tui_views[i] != NULL; i++) {
		if (strcmp(tui_views[i]->name, name) == 0)
			return tui_views[i];
	}
	return NULL;
}

void
tui_show(struct tui *tui, const struct view *v)
{
	tui->view = v;
	tui->show_help = 0;
	if (v->enter != NULL)
		v->enter(tui);
}

/*
 * The demo (cmd-console.c): the source spec of a real guest to offer, or
 * why there is none.  Set before tui_run.
 */
static char *tui_demo_guest;
static char *tui_demo_why;
static int tui_demo_on;

void
tui_set_demo(const char *guest, const char *why)
{
	tui_demo_on = 1;
	free(tui_demo_guest);
	free(tui_demo_why);
	tui_demo_guest = guest != NULL ? xstrdup(guest) : NULL;
	tui_demo_why = why != NULL ? xstrdup(why) : NULL;
}

/*
 * --read-only (cmd-console.c), set before tui_run: the console watches the
 * jobs (it never drives nor takes over), and its keys that change saved
 * sources, proxies or jobs are refused (a view's changes list).
 */
static int tui_read_only_on;

void
tui_set_read_only(int on)
{
	tui_read_only_on = on;
}

/* In the demo without a real guest: why, and how to get one. */
const char *
tui_demo_note(void)
{
	return tui_demo_on ? tui_demo_why : NULL;
}

/* Is this the demo's lab guest rather than a saved provider? */
int
tui_builtin_provider(const struct provider *p)
{
	return tui_demo_guest != NULL && p->spec != NULL &&
	    strcmp(p->spec, tui_demo_guest) == 0 && p->password_file == NULL;
}

/* What the saved file NAME looks like now: all zero when it is missing. */
static void
tui_saved_stamp(const char *name, struct tui_stamp *ts)
{
	struct stat st;
	char *path;

	memset(ts, 0, sizeof *ts);
	if ((path = store_path(name, NULL)) == NULL)
		return;
	if (stat(path, &st) == 0) {
		ts->dev = st.st_dev;
		ts->ino = st.st_ino;
		ts->size = st.st_size;
		ts->mtime = st.st_mtim;
	}
	free(path);
}

static const char *tui_saved_files[] = { "providers.json", "proxies.json" };

/*
 * Once a second: when another virt-import (a second console, the command
 * line) changed the saved providers or proxies, read them again, unless a
 * form is open (its save reads them anyway).  Files are replaced by rename,
 * so the inode tells a change even within one mtime tick.  1 when read again.
 */
int
tui_watch_saved(struct tui *tui)
{
	struct tui_stamp now;
	struct timespec ts;
	size_t i;
	int changed = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec == tui->saved_checked)
		return 0;
	tui->saved_checked = ts.tv_sec;
	if (view_sources_editing(tui))
		return 0;
	for (i = 0; i < 2; i++) {
		tui_saved_stamp(tui_saved_files[i], &now);
		if (memcmp(&now, &tui->saved_stamp[i], sizeof now) != 0)
			changed = 1;
	}
	if (!changed)
		return 0;
	tui_reload_saved(tui);
	tui_status(tui, 0, "The saved sources or proxies were changed by "
	    "another virt-import: the lists show them now.");
	return 1;
}

/* Saved providers and proxies, read again after a change. */
void
tui_reload_saved(struct tui *tui)
{
	struct proxy **list;
	struct tui_proxy *old = tui->proxies;
	char *cause = NULL;
	size_t i, k, n, nold = tui->nproxies;

	/* Stamps first: a change while reading is seen by the next watch. */
	for (i = 0; i < 2; i++)
		tui_saved_stamp(tui_saved_files[i], &tui->saved_stamp[i]);
	provider_list_free(tui->providers, tui->nproviders);
	tui->providers = NULL;
	tui->nproviders = 0;
	if ((tui->providers = provider_load(&tui->nproviders,
	    &cause)) == NULL && cause != NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		cause = NULL;
	}
	if (tui->providers == NULL)
		tui->providers = xcalloc(1, sizeof *tui->providers);
	/* The demo's real guest, offered beside the saved sources. */
	if (tui_demo_guest != NULL) {
		tui->providers = xreallocarray(tui->providers,
		    tui->nproviders + 1, sizeof *tui->providers);
		memset(&tui->providers[tui->nproviders], 0,
		    sizeof *tui->providers);
		tui->providers[tui->nproviders].name = xstrdup("lab-guest");
		tui->providers[tui->nproviders].spec =
		    xstrdup(tui_demo_guest);
		tui->nproviders++;
	}
	tui->proxies = NULL;
	tui->nproxies = 0;
	if ((list = proxy_load(&n, &cause)) == NULL) {
		if (cause != NULL)
			tui_status(tui, 1, "%s", cause);
		free(cause);
		n = 0;
	}
	/* This machine, "local", is always there (localproxy.c). */
	list = xreallocarray(list, n + 1, sizeof *list);
	list[n++] = proxy_new_local();
	tui->proxies = xcalloc(n + 1, sizeof *tui->proxies);
	for (i = 0; i < n; i++) {
		tui->proxies[i].proxy = list[i];
		/* A check's result stays with the proxy of that name. */
		for (k = 0; k < nold; k++) {
			if (old[k].proxy != NULL &&
			    strcmp(old[k].proxy->name, list[i]->name) == 0) {
				tui->proxies[i].probe = old[k].probe;
				tui->proxies[i].error = old[k].error;
				tui->proxies[i].checking = old[k].checking;
				tui->proxies[i].lost = old[k].lost;
				old[k].probe = NULL;
				old[k].error = NULL;
				old[k].lost = NULL;
			}
		}
	}
	tui->nproxies = n;
	free(list);
	for (k = 0; k < nold; k++) {
		proxy_free(old[k].proxy);
		probe_free(old[k].probe);
		free(old[k].error);
		free(old[k].lost);
	}
	free(old);
}

struct tui_proxy *
tui_proxy(struct tui *tui, const char *name)
{
	size_t i;

	for (i = 0; i < tui->nproxies; i++) {
		if (strcmp(tui->proxies[i].proxy->name, name) == 0)
			return &tui->proxies[i];
	}
	return NULL;
}

/* --------------------------------------------------- reading a source */

struct tui_load {
	struct tui	*tui;
	struct task	*task;
	struct source	*source;	/* a copy the worker owns */
	char		*cause;
};

#define LOAD_PART	1
#define LOAD_ERROR	2

static int
tui_load_part(void *arg, struct inventory *part)
{
	struct task *t = arg;

	task_post(t, LOAD_PART, part);
	return task_cancelled(t);
}

static void
tui_load_work(struct task *t, void *arg)
{
	struct tui_load *l = arg;
	char *cause = NULL;

	if (source_read_each(l->source, tui_load_part, t, &cause) != 0)
		task_post(t, LOAD_ERROR, cause);
}

/* A part replaces the VMs of the same name (the list came first). */
static void
tui_load_merge(struct tui *tui, struct inventory *part)
{
	struct inventory *inv = tui->inv;
	size_t i, k;

	if (inv->nvms == 0) {
		free(inv->vms);
		inv->vms = part->vms;
		inv->nvms = part->nvms;
		part->vms = NULL;
		part->nvms = 0;
		return;
	}
	for (i = 0; i < part->nvms; i++) {
		for (k = 0; k < inv->nvms; k++) {
			if (strcmp(inv->vms[k]->uuid, part->vms[i]->uuid) == 0 &&
			    strcmp(inv->vms[k]->name, part->vms[i]->name) == 0)
				break;
		}
		if (k < inv->nvms) {
			vm_free(inv->vms[k]);
			inv->vms[k] = part->vms[i];
		} else
			inventory_add(inv, part->vms[i]);
		part->vms[i] = NULL;
	}
}

static void
tui_load_event(void *arg, int kind, void *data)
{
	struct tui_load *l = arg;
	struct tui *tui = l->tui;
	struct inventory *part;
	int mine = tui->load_task != NULL && tui->load_task == l->task;

	switch (kind) {
	case LOAD_PART:
		part = data;
		if (mine)
			tui_load_merge(tui, part);
		inventory_free(part);
		break;
	case LOAD_ERROR:
		free(l->cause);
		l->cause = data;
		break;
	case TASK_END:
		if (mine) {
			tui->loading = 0;
			tui->load_task = NULL;
			free(tui->load_error);
			tui->load_error = l->cause;
			l->cause = NULL;
			if (tui->load_error != NULL)
				tui_status(tui, 1, "%s", tui->load_error);
			else {
				inventory_check_macs(tui->inv);
				inventory_check_names(tui->inv);
				tui_status(tui, 0, "%zu VM%s. Space marks, "
				    "Enter adds to the import, ? helps.",
				    tui->inv->nvms,
				    tui->inv->nvms == 1 ? "" : "s");
			}
		}
		source_free(l->source);
		free(l->cause);
		free(l);
		break;
	}
}

/*
 * Show src (taken) and read its VMs on a worker thread: the inventory fills
 * as parts come.  The plan keeps its settings; its VMs, which belonged to
 * the old source, go.
 */
int
tui_open_source(struct tui *tui, struct source *src, const char *label)
{
	struct tui_load *l;
	char *cause = NULL;

	if (tui->load_task != NULL) {
		task_cancel(tui->load_task);
		tui->load_task = NULL;
	}
	while (tui->plan->nitems > 0)
		plan_remove(tui->plan, tui->plan->nitems - 1);
	source_free(tui->plan->source);
	tui->plan->source = src;
	tui->source = src;
	free(tui->source_label);
	tui->source_label = xstrdup(label);
	inventory_free(tui->inv);
	tui->inv = inventory_new();
	free(tui->load_error);
	tui->load_error = NULL;
	preflight_free(tui->pf, tui->npf);
	tui->pf = NULL;
	tui->npf = 0;

	l = xcalloc(1, sizeof *l);
	l->tui = tui;
	l->source = xcalloc(1, sizeof *l->source);
	l->source->kind = src->kind;
	l->source->name = src->name != NULL ? xstrdup(src->name) : NULL;
	l->source->location = xstrdup(src->location);
	l->source->password_file = src->password_file != NULL ?
	    xstrdup(src->password_file) : NULL;
	l->source->connections = src->connections;
	l->source->verify = src->verify;
	tui->loading = 1;
	tui_status(tui, 0, "Reading %s ...", label);
	if ((tui->load_task = task_run(tui->tasks, tui_load_work,
	    tui_load_event, l, &cause)) == NULL) {
		tui->loading = 0;
		tui_status(tui, 1, "%s", cause);
		free(cause);
		source_free(l->source);
		free(l);
		return -1;
	}
	l->task = tui->load_task;
	return 0;
}

/* ------------------------------------------------------------- engine */

static void
tui_job_changed(void *arg, const struct job *job)
{
	struct tui *tui = arg;
	size_t i;

	for (i = 0; tui_views[i] != NULL; i++) {
		if (tui_views[i]->job_changed != NULL)
			tui_views[i]->job_changed(tui, job);
	}
}

static void
tui_job_log(void *arg, const struct job *job, const char *buf, size_t len)
{
	struct tui *tui = arg;
	size_t i;

	for (i = 0; tui_views[i] != NULL; i++) {
		if (tui_views[i]->job_log != NULL)
			tui_views[i]->job_log(tui, job, buf, len);
	}
}

/*
 * Following a proxy's jobs stopped (why) or works again (NULL): the status
 * line says so, and that the conversions go on there, so nobody cancels a
 * job that is fine.  A reconnect may come within a second, so its message
 * keeps the reason of the stop.
 */
static void
tui_proxy_state(void *arg, const char *proxy, const char *why,
    unsigned retry)
{
	struct tui *tui = arg;
	struct tui_proxy *tp = tui_proxy(tui, proxy);

	if (why != NULL) {
		tui_status(tui, 1, "%s: reconnecting in %u s; its conversions "
		    "go on there and no output is lost.", why, retry);
		if (tp != NULL) {
			free(tp->lost);
			tp->lost = xstrdup(why);
		}
		return;
	}
	if (tp != NULL && tp->lost != NULL)
		tui_status(tui, 0, "Proxy '%s': reconnected, following its jobs "
		    "again; no output was lost (%s).", proxy, tp->lost);
	else
		tui_status(tui, 0, "Proxy '%s': reconnected, following its jobs "
		    "again; no output was lost.", proxy);
	if (tp != NULL) {
		free(tp->lost);
		tp->lost = NULL;
	}
}

static const struct engine_ops tui_engine_ops = {
	tui_job_changed,
	tui_job_log,
	tui_proxy_state
};

/*
 * The engine: this console drives the jobs unless another virt-import
 * already does, in which case it watches them and takes over if that one
 * ends.
 */
int
tui_start_engine(struct tui *tui)
{
	char *cause = NULL;

	if (tui->engine != NULL)
		return 0;
	if ((tui->engine = engine_new(tui->read_only ? ENGINE_WATCH :
	    ENGINE_START, &tui_engine_ops, tui, &cause)) == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ drawing */

static void
tui_draw_header(struct tui *tui, int cols)
{
	const struct view *v;
	size_t i;
	int x = 0, w;
	char *s;

	draw_text(0, 0, cols, "", screen_attr(EL_HEADER));
	x += draw_text(0, x, 13, " virt-import ", screen_attr(EL_HEADER));
	for (i = 0; tui_views[i] != NULL && x < cols; i++) {
		v = tui_views[i];
		if (v == &view_log && tui->view != &view_log)
			continue;
		xasprintf(&s, " %d %s ", v->fkey, v->title);
		w = draw_width(s);
		if (x + w > cols)
			w = cols - x;
		x += draw_text(0, x, w, s, screen_attr(v == tui->view ?
		    EL_TAB_CURRENT : EL_TAB));
		free(s);
		x += draw_text(0, x, x < cols ? 1 : 0, " ",
		    screen_attr(EL_HEADER));
	}
	if (tui->read_only && x + 11 <= cols)
		draw_text(0, cols - 11, 11, "read-only ",
		    screen_attr(EL_HEADER));
}

static const char *
tui_spinner(struct tui *tui)
{
	static const char *utf[] = { "\u280b", "\u2819", "\u2839", "\u2838",
	    "\u283c", "\u2834", "\u2826", "\u2827", "\u2807", "\u280f" };
	static const char *ascii[] = { "|", "/", "-", "\\" };

	if (screen_utf8())
		return utf[tui->spin % 10];
	return ascii[tui->spin % 4];
}

/* Work under way that the spinner shows: reads, pre-flight, checks. */
static int
tui_busy(struct tui *tui)
{
	size_t i;

	if (tui->loading || tui->pf_running)
		return 1;
	for (i = 0; i < tui->nproxies; i++) {
		if (tui->proxies[i].checking)
			return 1;
	}
	return 0;
}

/* Jobs under way, for the status line's right end. */
static void
tui_job_counts(struct tui *tui, size_t *running, size_t *queued)
{
	const struct job *j;
	size_t i, n;

	*running = *queued = 0;
	if (tui->engine == NULL)
		return;
	n = engine_njobs(tui->engine);
	for (i = 0; i < n; i++) {
		j = engine_job(tui->engine, i);
		if (j->state == JOB_QUEUED)
			(*queued)++;
		else if (!job_is_final(j->state))
			(*running)++;
	}
}

static void
tui_draw_status(struct tui *tui, int rows, int cols)
{
	char right[96];
	size_t running, queued;
	int rw, attr;

	tui_job_counts(tui, &running, &queued);
	right[0] = '\0';
	if (tui_busy(tui))
		snprintf(right, sizeof right, "%s ", tui_spinner(tui));
	if (running + queued > 0)
		snprintf(right + strlen(right), sizeof right - strlen(right),
		    "%zu running %zu queued ", running, queued);
	if (tui->cmdline != NULL) {
		draw_text(rows - 1, 0, 1, ":", screen_attr(EL_COMMAND));
		widget_edit_draw(tui->cmdline, rows - 1, 1, cols - 1,
		    screen_attr(EL_COMMAND));
		return;
	}
	attr = screen_attr(tui->status_error ? EL_ERROR : EL_STATUS);
	rw = draw_width(right);
	if (rw > cols / 3)
		rw = 0;
	draw_text(rows - 1, 0, cols - rw, tui->status != NULL ? tui->status :
	    "", attr);
	if (rw > 0)
		draw_text(rows - 1, cols - rw, rw, right,
		    screen_attr(EL_STATUS));
}

static void
tui_draw(struct tui *tui, int partial)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	tui->rows = rows;
	tui->cols = cols;
	if (screen_too_small(rows, cols)) {
		erase();
		/* Short lines: they must fit a very small terminal. */
		draw_textf(0, 0, cols, A_BOLD, "Terminal too small: %dx%d.",
		    cols, rows);
		if (rows > 1)
			draw_text(1, 0, cols, "virt-import needs 60x10.",
			    A_NORMAL);
		if (rows > 2)
			draw_text(2, 0, cols, "Enlarge it, or press q.",
			    A_NORMAL);
		refresh();
		return;
	}
	if (tui->prompt != NULL || tui->show_help)
		partial = 0;
	if (!partial)
		erase();
	if (tui->show_help)
		view_help_draw(tui, rows, cols);
	else {
		if (!partial)
			tui_draw_header(tui, cols);
		tui->view->draw(tui, 1, rows - 2, cols, partial);
	}
	if (!tui->show_help)
		tui_draw_status(tui, rows, cols);
	if (tui->prompt != NULL)
		widget_prompt_draw(tui, rows, cols);
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

/* ------------------------------------------------------------- keys */

static int
tui_quit_answer(struct tui *tui, void *arg, const char *answer)
{
	return answer != NULL ? TUI_QUIT : TUI_REDRAW;
}

static int
key_quit(struct tui *tui)
{
	size_t running, queued;

	tui_job_counts(tui, &running, &queued);
	if (running + queued == 0 || tui->engine == NULL ||
	    !engine_driving(tui->engine))
		return TUI_QUIT;
	widget_prompt(tui, PROMPT_CONFIRM, "Quit",
	    "Jobs are under way. Conversions already running carry on on "
	    "their proxies; queued jobs wait until 'virt-import jobs "
	    "--follow' or the console runs again. Quit?", NULL,
	    tui_quit_answer, NULL, NULL);
	return TUI_REDRAW;
}

static int
key_help(struct tui *tui)
{
	tui->show_help = 1;
	tui->help_top = 0;
	return TUI_REDRAW;
}

/* Cursor keys of the views that have a cursor hook. */
static int
tui_move(struct tui *tui, int key)
{
	return tui->view->cursor != NULL ? tui->view->cursor(tui, key) : 0;
}

int tui_move_down(struct tui *tui) { return tui_move(tui, KEY_DOWN); }
int tui_move_up(struct tui *tui) { return tui_move(tui, KEY_UP); }
int tui_move_pgdn(struct tui *tui) { return tui_move(tui, KEY_NPAGE); }
int tui_move_pgup(struct tui *tui) { return tui_move(tui, KEY_PPAGE); }
int tui_move_home(struct tui *tui) { return tui_move(tui, KEY_HOME); }
int tui_move_end(struct tui *tui) { return tui_move(tui, KEY_END); }

static int
key_command(struct tui *tui)
{
	tui->cmdline = widget_edit_new("");
	return TUI_REDRAW;
}

static int
key_refresh(struct tui *tui)
{
	clearok(curscr, TRUE);
	return TUI_REDRAW;
}

static int
tui_key_view(struct tui *tui, int n)
{
	size_t i;

	for (i = 0; tui_views[i] != NULL; i++) {
		if (tui_views[i]->fkey == n) {
			tui_show(tui, tui_views[i]);
			return TUI_REDRAW;
		}
	}
	return TUI_REDRAW;
}

static int key_view1(struct tui *tui) { return tui_key_view(tui, 1); }
static int key_view2(struct tui *tui) { return tui_key_view(tui, 2); }
static int key_view3(struct tui *tui) { return tui_key_view(tui, 3); }
static int key_view4(struct tui *tui) { return tui_key_view(tui, 4); }

/* Keys every view has; a view's own table comes first. */
const struct tui_key tui_global_keys[] = {
	{ '1', "1", "saved sources and proxies", key_view1 },
	{ KEY_F(1), "F1", "saved sources and proxies", key_view1 },
	{ '2', "2", "the source's VMs and the VMs to import", key_view2 },
	{ KEY_F(2), "F2", "the source's VMs and the VMs to import",
	    key_view2 },
	{ '3', "3", "the import plan: networks, storage, pre-flight",
	    key_view3 },
	{ KEY_F(3), "F3", "the import plan: networks, storage, pre-flight",
	    key_view3 },
	{ '4', "4", "jobs and their progress", key_view4 },
	{ KEY_F(4), "F4", "jobs and their progress", key_view4 },
	{ ':', ":", "type a command (:help lists them)", key_command },
	{ '?', "?", "this help", key_help },
	{ 'L' & 0x1f, "C-l", "draw the screen again", key_refresh },
	{ 'q', "q", "quit", key_quit },
	{ 0, NULL, NULL, NULL }
};

static int
tui_cmdline_key(struct tui *tui, int key)
{
	char *line;
	int r, flags;

	r = widget_edit_key(tui->cmdline, key);
	if (r == EDIT_CANCEL) {
		widget_edit_free(tui->cmdline);
		tui->cmdline = NULL;
	} else if (r == EDIT_DONE) {
		line = xstrdup(tui->cmdline->buf);
		widget_edit_free(tui->cmdline);
		tui->cmdline = NULL;
		flags = cmdline_run(tui, line);
		free(line);
		return flags | TUI_REDRAW;
	}
	return TUI_REDRAW;
}

/* Does key change saved state or jobs in view v? */
static int
tui_changes(const struct view *v, int key)
{
	const int *c;

	for (c = v->changes; c != NULL && *c != 0; c++) {
		if (*c == key)
			return 1;
	}
	return 0;
}

static int
tui_key(struct tui *tui, int key)
{
	const struct tui_key *k;
	int flags;

	if (key == KEY_RESIZE)
		return TUI_REDRAW;
	if (screen_too_small(tui->rows, tui->cols))
		return key == 'q' ? TUI_QUIT : 0;
	if (tui->prompt != NULL)
		return widget_prompt_key(tui, key) | TUI_REDRAW;
	if (tui->cmdline != NULL)
		return tui_cmdline_key(tui, key);
	if (tui->show_help)
		return view_help_key(tui, key);
	if (key == KEY_MOUSE) {
		MEVENT me;
		int button = 0;

		if (getmouse(&me) != OK || tui->view->mouse == NULL)
			return 0;
		if (me.bstate & BUTTON1_DOUBLE_CLICKED)
			button = TUI_MOUSE_DOUBLE;
		else if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
			button = TUI_MOUSE_CLICK;
		else if (me.bstate & BUTTON4_PRESSED)
			button = TUI_MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
		else if (me.bstate & BUTTON5_PRESSED)
			button = TUI_MOUSE_WHEEL_DOWN;
#endif
		if (button == 0 || me.y < 1 || me.y >= tui->rows - 1)
			return 0;
		return tui->view->mouse(tui, me.y - 1, me.x, button);
	}
	for (k = tui->view->keys; k != NULL && k->name != NULL; k++) {
		if (k->key != key)
			continue;
		if (tui->read_only && tui_changes(tui->view, key)) {
			tui_status(tui, 1, "This console is read-only "
			    "(--read-only): %s (%s) is not allowed here.",
			    k->name, k->help);
			return TUI_REDRAW | TUI_HANDLED;
		}
		return k->fn(tui) | TUI_HANDLED;
	}
	if (tui->view->key != NULL && (flags = tui->view->key(tui, key)) != 0)
		return flags;
	for (k = tui_global_keys; k->name != NULL; k++) {
		if (k->key == key)
			return k->fn(tui) | TUI_HANDLED;
	}
	tui_status(tui, 1, "That key does nothing here: press ? for the "
	    "keys of this screen.");
	return TUI_REDRAW;
}

/* ------------------------------------------------------------- loop */

static void
tui_free(struct tui *tui)
{
	size_t i;

	if (tui->load_task != NULL)
		task_cancel(tui->load_task);
	tui->load_task = NULL;
	/* Task handlers still run here: they need the views' data. */
	taskq_free(tui->tasks);
	free(tui_demo_guest);
	free(tui_demo_why);
	tui_demo_guest = tui_demo_why = NULL;
	tui_demo_on = 0;
	tui->tasks = NULL;
	engine_free(tui->engine);
	tui->engine = NULL;
	for (i = 0; tui_views[i] != NULL; i++) {
		if (tui_views[i]->free != NULL)
			tui_views[i]->free(tui);
	}
	widget_prompt_free(tui->prompt);
	widget_edit_free(tui->cmdline);
	provider_list_free(tui->providers, tui->nproviders);
	for (i = 0; i < tui->nproxies; i++) {
		proxy_free(tui->proxies[i].proxy);
		probe_free(tui->proxies[i].probe);
		free(tui->proxies[i].error);
		free(tui->proxies[i].lost);
	}
	free(tui->proxies);
	preflight_free(tui->pf, tui->npf);
	plan_free(tui->plan);
	inventory_free(tui->inv);
	free(tui->load_error);
	free(tui->source_label);
	free(tui->status);
}

/*
 * Run the console on src (taken; NULL: start on the saved sources) until
 * the user quits.  Takes over the terminal.
 */
int
tui_run(struct source *src, const char *label, const char *theme,
    char **cause)
{
	struct tui tui;
	struct pollfd *pfd;
	size_t nfd, neng = 0, n, cap = TUI_FDS;
	int flags, key, done = 0, timeout, failed = 0;
	char sig;

	memset(&tui, 0, sizeof tui);
	tui.read_only = tui_read_only_on;
	if (tui_signals(cause) != 0) {
		source_free(src);
		return -1;
	}
	if ((tui.tasks = taskq_new(cause)) == NULL) {
		source_free(src);
		return -1;
	}
	/* Log-ins never prompt on the terminal the screen owns. */
	sshc_use_terminal(0);
	libvirt_use_terminal(0);
	tui.plan = plan_new();
	/* The demo converts on this machine (localproxy.c). */
	if (tui_demo_on)
		tui.plan->proxy = xstrdup("local");
	tui.inv = inventory_new();
	if (screen_init(theme, cause) != 0) {
		source_free(src);
		tui_free(&tui);
		return -1;
	}
	getmaxyx(stdscr, tui.rows, tui.cols);
	tui_reload_saved(&tui);
	tui_start_engine(&tui);
	if (src != NULL) {
		tui.view = &view_inventory;
		tui_open_source(&tui, src, label);
	} else {
		tui.view = &view_sources;
		tui_status(&tui, 0, "Pick a saved source with Enter%s. Press ? "
		    "for help, q to quit.", tui.read_only ? " (read-only: "
		    "nothing is changed from here)" : ", or add one with a");
	}
	if (tui.view->enter != NULL)
		tui.view->enter(&tui);
	tui_draw(&tui, 0);

	pfd = xcalloc(cap, sizeof *pfd);
	while (!done) {
		/* Every session of the engine, however many there are. */
		if (tui.engine != NULL &&
		    (n = TUI_FDS + engine_npollfds(tui.engine)) > cap) {
			cap = n;
			pfd = xreallocarray(pfd, cap, sizeof *pfd);
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = sigpipe[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = taskq_fd(tui.tasks);
		pfd[2].events = POLLIN;
		nfd = TUI_FDS;
		timeout = -1;
		if (tui.engine != NULL) {
			neng = engine_pollfds(tui.engine, pfd + nfd,
			    cap - nfd);
			timeout = engine_timeout(tui.engine);
		}
		if (tui_busy(&tui) &&
		    (timeout < 0 || timeout > TUI_SPIN_MS))
			timeout = TUI_SPIN_MS;
		if (timeout < 0 || timeout > TUI_WATCH_MS)
			timeout = TUI_WATCH_MS;
		if (poll(pfd, nfd + neng, timeout) == -1) {
			if (errno == EINTR)
				continue;
			cause_set(cause, "poll: %s", strerror(errno));
			failed = 1;
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
		if (pfd[2].revents & POLLIN) {
			taskq_dispatch(tui.tasks);
			flags |= TUI_REDRAW;
		}
		if (tui.engine != NULL) {
			engine_dispatch(tui.engine, pfd + nfd, neng);
			flags |= TUI_ROWS;
		}
		if (tui_busy(&tui)) {
			tui.spin++;
			flags |= TUI_ROWS;
		}
		if (tui_watch_saved(&tui))
			flags |= TUI_REDRAW;
		if (pfd[0].revents & (POLLHUP | POLLERR))
			flags |= TUI_QUIT;
		if (pfd[0].revents & POLLIN) {
			while ((key = getch()) != ERR)
				flags |= tui_key(&tui, key);
		}
		if (flags & TUI_QUIT)
			done = 1;
		else if (flags & TUI_REDRAW)
			tui_draw(&tui, 0);
		else if (flags & TUI_ROWS)
			tui_draw(&tui, 1);
	}
	free(pfd);
	screen_end();
	sshc_use_terminal(1);
	libvirt_use_terminal(1);
	/* Each stops at its next step; a connection under way is waited for. */
	if ((n = taskq_running(tui.tasks)) > 0)
		fprintf(stderr, "virt-import: waiting for %zu check%s under "
		    "way to stop (a source listing, a proxy check or "
		    "pre-flight: at most the step each is in)\n", n,
		    n == 1 ? "" : "s");
	tui_free(&tui);
	close(sigpipe[0]);
	close(sigpipe[1]);
	sigpipe[0] = sigpipe[1] = -1;
	return failed ? -1 : 0;
}
