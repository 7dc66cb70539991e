/*
 * view-log.c: one job's virt-v2v log, as the local copy holds it, then
 * followed as it grows.  Not on a number key: the jobs view opens it, and
 * Esc (or 4) goes back there.
 *
 * What the file holds is read on a worker thread (a log with -v -x runs
 * to tens of megabytes) up to the size it had when the read began; the
 * bytes the engine hands the job_log hook meanwhile (written to the file
 * after that size) wait, and follow once the read is in.  A console that
 * only watches another virt-import's jobs gets no bytes from the hook: it
 * reads the file's new end when the job changes, and once a second.
 *
 * Lines end at \n or \r (nbdcopy redraws its bar with \r), as 'virt-import
 * log' prints them.  Long lines are cut at the screen's edge, never
 * wrapped: Left and Right scroll sideways, and a mark in the last column
 * says a line goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curses.h>

#include "tui.h"

#define LOG_VDATA	5
#define LOG_CHUNK	65536
#define LOG_POLL	1		/* s between reads when watching */
#define LOG_SIDE	8		/* columns a sideways scroll moves */
#define NO_MATCH	((size_t)-1)

struct log_view {
	char		*id;
	char		*vm;
	char		*state;		/* as the record said, when the
					   engine does not know the job */
	struct log_text	 text;
	size_t		 dropped_seen;

	struct task	*task;		/* a read of the file under way */
	uint64_t	 off;		/* bytes of the file held */
	char		*pending;	/* hook bytes while reading */
	size_t		 npending;
	int		 synced;	/* hook bytes go straight in */
	int64_t		 read_at;	/* when the file was last read */
	char		*error;

	size_t		 top;		/* first line shown */
	int		 left;		/* columns scrolled sideways */
	int		 follow;
	int		 text_h;
	char		*search;
	size_t		 match;		/* line of the current match */
	int		 changed;	/* to paint in a partial draw */
};

static struct log_view *
log_view(struct tui *tui)
{
	struct log_view *v = tui->vdata[LOG_VDATA];

	if (v == NULL) {
		v = tui->vdata[LOG_VDATA] = xcalloc(1, sizeof *v);
		v->match = NO_MATCH;
	}
	return v;
}

/* ---------------------------------------------------------- log_text */

static void
log_push(struct log_text *t, char *line)
{
	size_t k, i;

	if (t->n == LOG_LINES_MAX) {
		/* A quarter at a time, so this is rare. */
		k = LOG_LINES_MAX / 4;
		for (i = 0; i < k; i++)
			free(t->lines[i]);
		memmove(t->lines, t->lines + k, (t->n - k) * sizeof *t->lines);
		t->n -= k;
		t->dropped += k;
	}
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->lines = xreallocarray(t->lines, t->cap, sizeof *t->lines);
	}
	t->lines[t->n++] = line;
}

/* Add bytes to the open line, up to LOG_LINE_MAX (the rest is cut). */
static void
log_open_add(struct log_text *t, const char *s, size_t len)
{
	if (t->openlen + len > LOG_LINE_MAX) {
		len = LOG_LINE_MAX - t->openlen;
		t->cut = 1;
	}
	if (t->openlen + len + 1 > t->opencap) {
		while (t->openlen + len + 1 > t->opencap)
			t->opencap = t->opencap == 0 ? 128 : t->opencap * 2;
		t->open = xreallocarray(t->open, t->opencap, 1);
	}
	memcpy(t->open + t->openlen, s, len);
	t->openlen += len;
	t->open[t->openlen] = '\0';
}

static void
log_end_line(struct log_text *t)
{
	log_push(t, xstrndup(t->open != NULL ? t->open : "", t->openlen));
	t->openlen = 0;
	if (t->open != NULL)
		t->open[0] = '\0';
	t->cut = 0;
}

/* Cut bytes into lines; \r\n ends one line, not two. */
void
log_text_feed(struct log_text *t, const char *buf, size_t len)
{
	size_t i = 0, start;

	while (i < len) {
		if (t->last_cr && buf[i] == '\n') {
			t->last_cr = 0;
			i++;
			continue;
		}
		start = i;
		while (i < len && buf[i] != '\n' && buf[i] != '\r')
			i++;
		if (i > start) {
			t->last_cr = 0;
			if (!t->cut)
				log_open_add(t, buf + start, i - start);
		}
		if (i < len) {
			t->last_cr = buf[i] == '\r';
			log_end_line(t);
			i++;
		}
	}
}

/*
 * Append src (fed from an empty open line, with dst's last_cr) to dst:
 * src's first line continues dst's open one.  src is emptied.
 */
void
log_text_merge(struct log_text *dst, struct log_text *src)
{
	size_t i;

	dst->dropped += src->dropped;
	if (src->n == 0) {
		if (src->openlen > 0 && !dst->cut)
			log_open_add(dst, src->open, src->openlen);
		dst->cut |= src->cut;
	} else {
		if (!dst->cut)
			log_open_add(dst, src->lines[0], strlen(src->lines[0]));
		free(src->lines[0]);
		log_end_line(dst);
		for (i = 1; i < src->n; i++)
			log_push(dst, src->lines[i]);
		src->n = 0;
		dst->openlen = 0;
		if (src->openlen > 0)
			log_open_add(dst, src->open, src->openlen);
		dst->cut = src->cut;
	}
	dst->last_cr = src->last_cr;
	src->n = 0;
	log_text_clear(src);
}

void
log_text_clear(struct log_text *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->lines[i]);
	free(t->lines);
	free(t->open);
	memset(t, 0, sizeof *t);
}

/* Lines to show: the ended ones and the open one if it has anything. */
size_t
log_text_count(const struct log_text *t)
{
	return t->n + (t->openlen > 0 ? 1 : 0);
}

const char *
log_text_line(const struct log_text *t, size_t i)
{
	if (i < t->n)
		return t->lines[i];
	if (i == t->n && t->openlen > 0)
		return t->open;
	return "";
}

/* The first place needle is in line, in any case; NULL: nowhere. */
const char *
log_find(const char *line, const char *needle)
{
	if (needle == NULL || *needle == '\0')
		return NULL;
	return strcasestr(line, needle);
}

/*
 * s after its first cols columns as draw_text measures them; a wide
 * character cut by the edge is skipped whole.
 */
const char *
log_skip_cols(const char *s, int cols)
{
	const char *rest;

	draw_skip(s, cols, &rest);
	return rest;
}

/* ------------------------------------------------------------ reading */

struct log_read {
	struct tui	*tui;
	struct task	*task;
	char		*id;
	char		*path;
	uint64_t	 from;
	uint64_t	 to;
	int		 want_job;	/* the engine does not know it */
	struct job	*job;
	struct log_text	 text;
	char		*cause;
};

static void
log_read_work(struct task *t, void *arg)
{
	struct log_read *r = arg;
	char *buf;
	uint64_t at;
	size_t want;
	ssize_t n;
	int fd;

	if (r->want_job)
		r->job = jobstore_load(r->id, NULL);
	if (r->to <= r->from)
		return;
	if ((fd = open(r->path, O_RDONLY | O_CLOEXEC)) == -1) {
		cause_set(&r->cause, "cannot read %s: %s", r->path,
		    strerror(errno));
		return;
	}
	buf = xmalloc(LOG_CHUNK);
	for (at = r->from; at < r->to && !task_cancelled(t); at += (size_t)n) {
		want = r->to - at > LOG_CHUNK ? LOG_CHUNK : (size_t)(r->to - at);
		if ((n = pread(fd, buf, want, (off_t)at)) <= 0) {
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n < 0)
				cause_set(&r->cause, "cannot read %s: %s",
				    r->path, strerror(errno));
			/* Shorter than it was: what is there will do. */
			r->to = at;
			break;
		}
		log_text_feed(&r->text, buf, (size_t)n);
	}
	free(buf);
	close(fd);
}

static void
log_adjust(struct log_view *v)
{
	size_t d = v->text.dropped - v->dropped_seen;

	v->dropped_seen = v->text.dropped;
	v->top = v->top > d ? v->top - d : 0;
	if (v->match != NO_MATCH)
		v->match = v->match >= d ? v->match - d : NO_MATCH;
}

static void
log_read_event(void *arg, int kind, void *data)
{
	struct log_read *r = arg;
	struct tui *tui = r->tui;
	struct log_view *v = log_view(tui);

	if (kind != TASK_END)
		return;
	if (v->task == r->task && v->id != NULL &&
	    strcmp(v->id, r->id) == 0) {
		v->task = NULL;
		if (r->job != NULL) {
			free(v->vm);
			v->vm = xstrdup(r->job->vm);
			free(v->state);
			v->state = xstrdup(job_state_name(r->job->state));
		}
		if (r->cause != NULL) {
			free(v->error);
			v->error = r->cause;
			r->cause = NULL;
		} else {
			log_text_merge(&v->text, &r->text);
			v->off = r->to;
		}
		if (v->npending > 0) {
			log_text_feed(&v->text, v->pending, v->npending);
			v->off += v->npending;
		}
		free(v->pending);
		v->pending = NULL;
		v->npending = 0;
		v->synced = tui->engine != NULL &&
		    engine_driving(tui->engine) && v->error == NULL;
		log_adjust(v);
		v->changed = 1;
	}
	log_text_clear(&r->text);
	job_free(r->job);
	free(r->cause);
	free(r->id);
	free(r->path);
	free(r);
}

/*
 * Read what the file holds past what this view has, up to its size now;
 * hook bytes that come meanwhile wait in pending.
 */
static void
log_catch_up(struct tui *tui, struct log_view *v)
{
	struct log_read *r;
	struct stat sb;
	char *path, *cause = NULL;
	uint64_t size = 0;

	if (v->task != NULL || v->id == NULL)
		return;
	v->read_at = tui_now();
	if ((path = rjob_log_path(v->id, &cause)) == NULL) {
		free(v->error);
		v->error = cause;
		v->changed = 1;
		return;
	}
	if (stat(path, &sb) == 0)
		size = (uint64_t)sb.st_size;
	if (size <= v->off && v->vm != NULL) {
		free(path);
		v->synced = tui->engine != NULL && engine_driving(tui->engine);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->tui = tui;
	r->id = xstrdup(v->id);
	r->path = path;
	r->from = v->off;
	r->to = size;
	r->want_job = v->vm == NULL;
	r->text.last_cr = v->text.last_cr;
	if ((r->task = task_run(tui->tasks, log_read_work, log_read_event, r,
	    &cause)) == NULL) {
		free(v->error);
		v->error = cause;
		free(r->id);
		free(r->path);
		free(r);
		return;
	}
	v->task = r->task;
	v->synced = 0;
}

static void
log_reset(struct log_view *v)
{
	free(v->id);
	free(v->vm);
	free(v->state);
	free(v->pending);
	free(v->error);
	log_text_clear(&v->text);
	v->id = v->vm = v->state = v->pending = v->error = NULL;
	v->npending = 0;
	v->dropped_seen = 0;
	v->task = NULL;		/* its result is dropped when it comes */
	v->off = 0;
	v->synced = 0;
	v->top = 0;
	v->left = 0;
	v->follow = 1;
	v->match = NO_MATCH;
}

/* Show job id's log, from where it was if it was shown last. */
void
view_log_open(struct tui *tui, const char *id)
{
	struct log_view *v = log_view(tui);
	const struct job *job;

	if (v->id == NULL || strcmp(v->id, id) != 0 || v->error != NULL) {
		log_reset(v);
		v->id = xstrdup(id);
		if (tui->engine != NULL &&
		    (job = engine_find(tui->engine, id)) != NULL)
			v->vm = xstrdup(job->vm);
	}
	tui_show(tui, &view_log);
	log_catch_up(tui, v);
}

/* -------------------------------------------------------------- hooks */

static void
view_log_changed(struct tui *tui, const struct job *job)
{
	struct log_view *v = log_view(tui);

	if (v->id == NULL || strcmp(v->id, job->id) != 0)
		return;
	v->changed = 1;
	if (tui->engine != NULL && !engine_driving(tui->engine))
		log_catch_up(tui, v);
}

static void
view_log_bytes(struct tui *tui, const struct job *job, const char *buf,
    size_t len)
{
	struct log_view *v = log_view(tui);

	if (v->id == NULL || strcmp(v->id, job->id) != 0)
		return;
	if (v->task != NULL) {
		v->pending = xreallocarray(v->pending, v->npending + len + 1, 1);
		memcpy(v->pending + v->npending, buf, len);
		v->npending += len;
		return;
	}
	if (!v->synced) {
		/* The bytes are in the file already: read up to its end. */
		log_catch_up(tui, v);
		return;
	}
	log_text_feed(&v->text, buf, len);
	v->off += len;
	log_adjust(v);
	v->changed = 1;
}

/* ------------------------------------------------------------ drawing */

/* One line from column v->left, search matches marked. */
static void
log_draw_line(struct log_view *v, int y, int cols, const char *line)
{
	const char *s = log_skip_cols(line, v->left), *m, *end;
	int x = 0, w, d = screen_attr(EL_DEFAULT), hit = screen_attr(EL_SEARCH);
	size_t nlen = v->search != NULL ? strlen(v->search) : 0;
	char *seg;

	while (*s != '\0' && x < cols) {
		m = log_find(s, v->search);
		end = m != NULL ? m : s + strlen(s);
		if (end > s) {
			seg = xstrndup(s, (size_t)(end - s));
			w = draw_width(seg);
			if (w > cols - x)
				w = cols - x;
			x += draw_text(y, x, w, seg, d);
			free(seg);
		}
		if (m == NULL || x >= cols)
			break;
		seg = xstrndup(m, nlen);
		w = draw_width(seg);
		if (w > cols - x)
			w = cols - x;
		x += draw_text(y, x, w, seg, hit);
		free(seg);
		s = m + nlen;
	}
	if (x < cols)
		draw_text(y, x, cols - x, "", d);
	if (draw_width(line) > v->left + cols && cols > 1)
		draw_text(y, cols - 1, 1, screen_glyph("\u203a", ">"),
		    screen_attr(EL_DIM));
}

static void
log_draw_title(struct tui *tui, struct log_view *v, int y, int cols,
    size_t count)
{
	const struct job *job = NULL;
	const char *state = v->state;
	char *title, pos[64];
	int pw, attr = screen_attr(EL_TITLE);

	if (tui->engine != NULL && v->id != NULL &&
	    (job = engine_find(tui->engine, v->id)) != NULL)
		state = job_state_name(job->state);
	xasprintf(&title, "%s  job %s  %s  %s", v->vm != NULL ? v->vm :
	    "?", v->id != NULL ? v->id : "-", state != NULL ? state : "",
	    v->follow ? "following" : "paused: G follows");
	draw_text(y, 0, cols, title, attr);
	free(title);
	if (count > 0) {
		snprintf(pos, sizeof pos, " %zu-%zu/%zu ", v->top + 1,
		    v->top + (size_t)v->text_h < count ? v->top +
		    (size_t)v->text_h : count, count);
		pw = draw_width(pos);
		if (pw < cols / 3)
			draw_text(y, cols - pw, pw, pos, attr);
	}
}

static void
log_clamp(struct log_view *v, size_t count)
{
	size_t last = count > (size_t)v->text_h ? count - (size_t)v->text_h :
	    0;

	if (v->follow || v->top > last)
		v->top = last;
}

static void
view_log_draw(struct tui *tui, int y, int rows, int cols, int partial)
{
	struct log_view *v = log_view(tui);
	size_t count = log_text_count(&v->text), k;
	int row, dim = screen_attr(EL_DIM);

	if (v->id != NULL && v->task == NULL && tui->engine != NULL &&
	    !engine_driving(tui->engine) && tui_now() - v->read_at >= LOG_POLL)
		log_catch_up(tui, v);
	if (partial && !v->changed && v->text_h == rows - 1)
		return;
	v->changed = 0;
	v->text_h = rows - 1;
	log_clamp(v, count);
	log_draw_title(tui, v, y, cols, count);
	for (row = 0; row < v->text_h; row++) {
		k = v->top + (size_t)row;
		if (k < count)
			log_draw_line(v, y + 1 + row, cols,
			    log_text_line(&v->text, k));
		else
			draw_text(y + 1 + row, 0, cols, "",
			    screen_attr(EL_DEFAULT));
	}
	if (v->id == NULL)
		draw_text(y + 1, 1, cols - 1, "No job chosen: pick one in the "
		    "jobs view (4) and press Enter.", dim);
	else if (v->error != NULL)
		draw_textf(y + 1 + (count < (size_t)v->text_h ? (int)count : 0),
		    1, cols - 1, screen_attr(EL_ERROR), "%s", v->error);
	else if (count == 0)
		draw_text(y + 1, 1, cols - 1, v->task != NULL ? "Reading the "
		    "log ..." : "Nothing in the log yet: it fills once the "
		    "conversion starts on its proxy.", dim);
}

/* --------------------------------------------------------------- keys */

static int
log_scroll(struct tui *tui, long by)
{
	struct log_view *v = log_view(tui);
	size_t count = log_text_count(&v->text);
	size_t last = count > (size_t)v->text_h ? count - (size_t)v->text_h :
	    0;

	if (by < 0) {
		v->follow = 0;
		v->top = v->top > (size_t)-by ? v->top - (size_t)-by : 0;
	} else if (!v->follow)
		v->top = v->top + (size_t)by < last ? v->top + (size_t)by :
		    last;
	return TUI_REDRAW;
}

static long
log_page(struct tui *tui)
{
	struct log_view *v = log_view(tui);

	return v->text_h > 1 ? v->text_h - 1 : 1;
}

static int key_down(struct tui *tui) { return log_scroll(tui, 1); }
static int key_up(struct tui *tui) { return log_scroll(tui, -1); }
static int key_pgdn(struct tui *tui) { return log_scroll(tui, log_page(tui)); }
static int key_pgup(struct tui *tui) { return log_scroll(tui, -log_page(tui)); }

static int
key_home(struct tui *tui)
{
	struct log_view *v = log_view(tui);

	v->follow = 0;
	v->top = 0;
	return TUI_REDRAW;
}

static int
key_end(struct tui *tui)
{
	struct log_view *v = log_view(tui);

	v->follow = 1;
	tui_status(tui, 0, "Following the log.");
	return TUI_REDRAW;
}

static int
key_left(struct tui *tui)
{
	struct log_view *v = log_view(tui);

	v->left = v->left > LOG_SIDE ? v->left - LOG_SIDE : 0;
	return TUI_REDRAW;
}

static int
key_right(struct tui *tui)
{
	struct log_view *v = log_view(tui);

	if (v->left < LOG_LINE_MAX)
		v->left += LOG_SIDE;
	return TUI_REDRAW;
}

static int
key_back(struct tui *tui)
{
	tui_show(tui, &view_jobs);
	return TUI_REDRAW;
}

/* Bring line k's match into view, the line a third down the screen. */
static void
log_show_match(struct tui *tui, struct log_view *v, size_t k)
{
	const char *line = log_text_line(&v->text, k), *m;
	char *head;
	int col, w = tui->cols > 8 ? tui->cols : 8;

	v->match = k;
	v->follow = 0;
	v->top = k > (size_t)(v->text_h / 3) ? k - (size_t)(v->text_h / 3) : 0;
	if ((m = log_find(line, v->search)) != NULL) {
		head = xstrndup(line, (size_t)(m - line));
		col = draw_width(head);
		free(head);
		if (col < v->left || col + (int)strlen(v->search) >=
		    v->left + w - 1)
			v->left = col > w / 3 ? col - w / 3 : 0;
	}
}

/*
 * The next (dir 1) or previous (-1) line with the search in it, from the
 * current match, or from the top of the screen for a new search.
 */
static int
log_search(struct tui *tui, int dir)
{
	struct log_view *v = log_view(tui);
	size_t count = log_text_count(&v->text), i, k, from;

	if (v->search == NULL) {
		tui_status(tui, 1, "no search yet: / searches the log");
		return TUI_REDRAW;
	}
	if (count == 0) {
		tui_status(tui, 1, "the log is empty");
		return TUI_REDRAW;
	}
	if (v->match != NO_MATCH && v->match < count)
		from = dir > 0 ? v->match + 1 : v->match + count - 1;
	else
		from = v->top < count ? v->top : 0;
	for (i = 0; i < count; i++) {
		k = dir > 0 ? (from + i) % count : (from + count - i) % count;
		if (log_find(log_text_line(&v->text, k), v->search) == NULL)
			continue;
		log_show_match(tui, v, k);
		if (dir > 0 ? from + i >= count : (from % count) < i)
			tui_status(tui, 0, "'%s' at line %zu (the search went "
			    "round the end).", v->search, k + 1);
		else
			tui_status(tui, 0, "'%s' at line %zu. n: next, N: "
			    "previous.", v->search, k + 1);
		return TUI_REDRAW;
	}
	v->match = NO_MATCH;
	tui_status(tui, 1, "'%s' is not in the log", v->search);
	return TUI_REDRAW;
}

static int
log_search_done(struct tui *tui, void *arg, const char *text)
{
	struct log_view *v = log_view(tui);

	if (text == NULL)
		return TUI_REDRAW;
	free(v->search);
	v->search = NULL;
	v->match = NO_MATCH;
	if (*text == '\0') {
		tui_status(tui, 0, "Search cleared.");
		return TUI_REDRAW;
	}
	v->search = xstrdup(text);
	return log_search(tui, 1);
}

static int
key_search(struct tui *tui)
{
	widget_prompt(tui, PROMPT_TEXT, "Search the log", "Find this text "
	    "(any case) from the top of the screen down. Empty clears the "
	    "search.", NULL, log_search_done, NULL, NULL);
	return TUI_REDRAW;
}

static int key_next(struct tui *tui) { return log_search(tui, 1); }
static int key_prev(struct tui *tui) { return log_search(tui, -1); }

static void
view_log_free(struct tui *tui)
{
	struct log_view *v = tui->vdata[LOG_VDATA];

	if (v == NULL)
		return;
	log_reset(v);
	free(v->search);
	free(v);
	tui->vdata[LOG_VDATA] = NULL;
}

static const struct tui_key view_log_keys[] = {
	{ KEY_DOWN, "Down", "scroll down a line", key_down },
	{ 'j', "j", "scroll down a line", key_down },
	{ KEY_UP, "Up", "scroll up a line (stops following)", key_up },
	{ 'k', "k", "scroll up a line (stops following)", key_up },
	{ KEY_NPAGE, "PgDn", "next page", key_pgdn },
	{ KEY_PPAGE, "PgUp", "previous page (stops following)", key_pgup },
	{ KEY_HOME, "Home", "the top (stops following)", key_home },
	{ 'g', "g", "the top (stops following)", key_home },
	{ KEY_END, "End", "the end, and follow what comes", key_end },
	{ 'G', "G", "the end, and follow what comes", key_end },
	{ KEY_LEFT, "Left", "scroll long lines back", key_left },
	{ KEY_RIGHT, "Right", "scroll long lines on", key_right },
	{ '/', "/", "search (any case)", key_search },
	{ 'n', "n", "next match", key_next },
	{ 'N', "N", "previous match", key_prev },
	{ 27, "Esc", "back to the jobs", key_back },
	{ 0, NULL, NULL, NULL }
};

const struct view view_log = {
	.name = "log",
	.title = "Log",
	.fkey = LOG_VDATA,
	.keys = view_log_keys,
	.draw = view_log_draw,
	.job_changed = view_log_changed,
	.job_log = view_log_bytes,
	.free = view_log_free,
};
