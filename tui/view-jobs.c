/*
 * view-jobs.c: the engine's jobs as a live progress table, then the jobs
 * of earlier runs (read from the job store on a worker thread when the
 * view is entered, dimmed), and one job's facts below when asked.
 *
 * The engine reports every change through the job_changed hook, which
 * only marks the job dirty; the loop then draws with partial set and only
 * dirty rows (and running ones, whose clocks move each second) are
 * painted again.  Anything that moves rows (a new job, a scroll, a
 * resize) paints the whole table.
 *
 * Jobs hold no byte counts: the rate is the source size times the
 * percentage copied since this view first saw the copy move, over the
 * time since, and the ETA the same proportion of what is left.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "tui.h"

#define JOBS_FKEY	4
#define DETAILS_ROWS	12
#define DIRTY_MAX	64		/* more: paint everything */
#define MSG_MIN		16		/* columns the message keeps */

struct jobs_coldef {
	const char	*title;
	int		 width;
	int		 prio;		/* dropped from the lowest up */
	int		 right;		/* align right */
};
#define KEEP	100			/* never dropped */
static const struct jobs_coldef jobs_cols[JC_COUNT] = {
	[JC_VM] = { "VM", 16, KEEP, 0 },
	[JC_PROXY] = { "PROXY", 8, 4, 0 },
	[JC_STATE] = { "STATE", 10, 8, 0 },
	[JC_DISK] = { "DISK", 4, 2, 1 },
	[JC_PCT] = { "%", 4, 9, 1 },
	[JC_BAR] = { "", 10, 5, 0 },
	[JC_RATE] = { "RATE", 10, 1, 1 },
	[JC_ETA] = { "ETA", 6, 6, 1 },
	[JC_ELAPSED] = { "ELAPSED", 7, 3, 1 },
	[JC_MSG] = { "LAST MESSAGE", MSG_MIN, KEEP, 0 },
};

/* Where this view first saw a job's copy move, for its rate and ETA. */
struct jobs_sample {
	char		*id;
	int		 pct0;
	int64_t		 t0;
};

struct jobs_row {
	const struct job *job;
	int		 hist;		/* an earlier run's, not the engine's */
};

struct jobs_view {
	struct widget_list	 list;
	char			*cursor_id;	/* the job the cursor is on */
	int			 details;
	int			 list_h;
	struct jobs_row		*rows;
	size_t			 nrows;

	/* Jobs of earlier runs, newest last, as jobstore_list gives them. */
	struct job		**hist;
	size_t			 nhist;
	struct task		*hist_task;
	char			*hist_error;

	/* What changed since the last draw. */
	char			**dirty;
	size_t			 ndirty;
	int			 all_dirty;

	/* What the last draw showed. */
	const struct job	**drawn;	/* per visible row */
	int			 ndrawn;
	size_t			 drawn_nrows;
	size_t			 drawn_top;
	int			 drawn_cols;
	int			 drawn_rows;
	int			 drawn_details;
	int64_t			 drawn_now;

	struct jobs_sample	*samples;
	size_t			 nsamples;

	char			*det_id;	/* the details' output line */
	char			*det_output;
};

static struct jobs_view *
jobs_view(struct tui *tui)
{
	struct jobs_view *v = tui->vdata[JOBS_FKEY];

	if (v == NULL)
		v = tui->vdata[JOBS_FKEY] = xcalloc(1, sizeof *v);
	return v;
}

/* ------------------------------------------------------- pure helpers */

/*
 * Which columns fit in width: the least important go first until the
 * message keeps MSG_MIN columns; widths[JC_MSG] gets what is left.
 */
void
jobs_layout(int width, int *show, int *widths)
{
	int c, used, lowest;

	for (c = 0; c < JC_COUNT; c++) {
		show[c] = 1;
		widths[c] = jobs_cols[c].width;
	}
	for (;;) {
		used = 1;
		for (c = 0; c < JC_COUNT; c++)
			if (show[c] && c != JC_MSG)
				used += widths[c] + 1;
		if (width - used >= MSG_MIN)
			break;
		lowest = -1;
		for (c = 0; c < JC_COUNT; c++) {
			if (show[c] && jobs_cols[c].prio < KEEP &&
			    (lowest == -1 ||
			    jobs_cols[c].prio < jobs_cols[lowest].prio))
				lowest = c;
		}
		if (lowest == -1)
			break;
		show[lowest] = 0;
	}
	widths[JC_MSG] = width - used > 1 ? width - used : 1;
}

/* A span of seconds in at most 6 columns: 45s, 12m05s, 3h07m, 2d04h. */
const char *
jobs_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "%s", "");
	else if (s < 60)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60,
		    s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600,
		    s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
		    s % 86400 / 3600);
	return buf;
}

/* Bytes a second as "12.3 MiB/s"; "" when not known (negative). */
const char *
jobs_rate(double bps, char *buf, size_t len)
{
	char size[16];

	if (bps < 0)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%s/s", size_human((uint64_t)bps, size,
		    sizeof size));
	return buf;
}

/*
 * Bytes a second of a copy of size bytes that went from pct0 % at t0 to
 * pct % now; -1 when that says nothing yet.
 */
double
jobs_speed(uint64_t size, int pct0, int64_t t0, int pct, int64_t now)
{
	if (size == 0 || now <= t0 || pct <= pct0)
		return -1;
	return (double)size * (pct - pct0) / 100.0 / (double)(now - t0);
}

/* Seconds left at the pace from (pct0, t0) to (pct, now); -1 unknown. */
int64_t
jobs_eta(int pct0, int64_t t0, int pct, int64_t now)
{
	if (pct >= 100)
		return 0;
	if (now <= t0 || pct <= pct0 || pct < 0)
		return -1;
	return (now - t0) * (100 - pct) / (pct - pct0);
}

/*
 * text in lines of at most width columns, broken at spaces where one is
 * near; its own line breaks are kept and blank lines dropped.
 */
char **
jobs_wrap(const char *text, int width, size_t *n)
{
	char **lines = NULL, *piece;
	const char *s = text, *end, *brk, *next;

	*n = 0;
	if (width < 1)
		width = 1;
	while (*s != '\0') {
		while (*s == ' ' || *s == '\n')
			s++;
		if (*s == '\0')
			break;
		end = s;
		brk = NULL;
		for (;;) {
			if (*end == '\0' || *end == '\n')
				break;
			next = end + 1;
			while (((unsigned char)*next & 0xc0) == 0x80)
				next++;
			piece = xstrndup(s, (size_t)(next - s));
			if (draw_width(piece) > width) {
				free(piece);
				break;
			}
			free(piece);
			if (*end == ' ')
				brk = end;
			end = next;
		}
		if (*end != '\0' && *end != '\n' && brk != NULL && brk > s)
			end = brk;
		if (end == s)
			end++;		/* wider than the width: cut */
		lines = xappend(lines, n, sizeof *lines);
		lines[*n - 1] = xstrndup(s, (size_t)(end - s));
		s = end;
	}
	return lines;
}

static void
jobs_lines_free(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* ------------------------------------------------------------ rows */

static int
jobs_known(struct tui *tui, const char *id)
{
	return tui->engine != NULL && engine_find(tui->engine, id) != NULL;
}

/*
 * The rows: the engine's jobs in its order, then earlier runs' newest
 * first; the cursor stays on its job.
 */
static void
jobs_build(struct tui *tui, struct jobs_view *v)
{
	size_t i, n = 0, live = 0;

	if (tui->engine != NULL)
		live = engine_njobs(tui->engine);
	free(v->rows);
	v->rows = xcalloc(live + v->nhist + 1, sizeof *v->rows);
	for (i = 0; i < live; i++) {
		v->rows[n].job = engine_job(tui->engine, i);
		v->rows[n++].hist = 0;
	}
	for (i = v->nhist; i > 0; i--) {
		if (jobs_known(tui, v->hist[i - 1]->id))
			continue;
		v->rows[n].job = v->hist[i - 1];
		v->rows[n++].hist = 1;
	}
	v->nrows = n;
	if (v->cursor_id != NULL) {
		for (i = 0; i < n; i++) {
			if (strcmp(v->rows[i].job->id, v->cursor_id) == 0) {
				v->list.cursor = i;
				break;
			}
		}
	}
	widget_list_clamp(&v->list, v->nrows, v->list_h);
}

static struct jobs_view *
jobs_ready(struct tui *tui)
{
	struct jobs_view *v = jobs_view(tui);

	jobs_build(tui, v);
	return v;
}

static const struct jobs_row *
jobs_current(struct jobs_view *v)
{
	return v->nrows > 0 ? &v->rows[v->list.cursor] : NULL;
}

/* After the cursor moved: remember its job. */
static void
jobs_keep_cursor(struct jobs_view *v)
{
	free(v->cursor_id);
	v->cursor_id = v->nrows > 0 ?
	    xstrdup(v->rows[v->list.cursor].job->id) : NULL;
}

static int
jobs_is_dirty(struct jobs_view *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->ndirty; i++)
		if (strcmp(v->dirty[i], id) == 0)
			return 1;
	return 0;
}

static void
jobs_clean(struct jobs_view *v)
{
	size_t i;

	for (i = 0; i < v->ndirty; i++)
		free(v->dirty[i]);
	free(v->dirty);
	v->dirty = NULL;
	v->ndirty = 0;
	v->all_dirty = 0;
}

static struct jobs_sample *
jobs_sample(struct jobs_view *v, const struct job *job, int64_t now)
{
	struct jobs_sample *s = NULL;
	size_t i;
	int pct = job_overall_percent(job);

	for (i = 0; i < v->nsamples; i++)
		if (strcmp(v->samples[i].id, job->id) == 0)
			s = &v->samples[i];
	if (job_is_final(job->state) || pct < 0) {
		if (s != NULL) {
			free(s->id);
			*s = v->samples[--v->nsamples];
		}
		return NULL;
	}
	if (s == NULL) {
		v->samples = xappend(v->samples, &v->nsamples,
		    sizeof *v->samples);
		s = &v->samples[v->nsamples - 1];
		s->id = xstrdup(job->id);
		s->pct0 = pct;
		s->t0 = now;
	} else if (pct < s->pct0) {
		s->pct0 = pct;
		s->t0 = now;
	}
	return s;
}

/* ------------------------------------------------------------ drawing */

static int
jobs_state_attr(const struct job *job)
{
	switch (job->state) {
	case JOB_DONE:
		return screen_attr(EL_JOB_DONE);
	case JOB_FAILED:
		return screen_attr(EL_JOB_FAILED);
	case JOB_CANCELLED:
		return screen_attr(EL_JOB_CANCELLED);
	case JOB_QUEUED:
		return screen_attr(EL_DEFAULT);
	default:
		return screen_attr(EL_JOB_RUNNING);
	}
}

static const char *
jobs_state_word(const struct job *job)
{
	if (job->cancel && !job_is_final(job->state))
		return "cancelling";
	return job_state_name(job->state);
}

/* The message column: the error's first line, the result, or the phase. */
static char *
jobs_message(const struct job *job)
{
	const char *s;

	if (job->state == JOB_FAILED && job->error != NULL)
		s = job->error;
	else if (job->state == JOB_DONE && job->result != NULL)
		s = job->result;
	else if (job->phase != NULL && *job->phase != '\0')
		s = job->phase;
	else if (job->state == JOB_QUEUED)
		s = "waiting for a proxy with room";
	else if (job->error != NULL)
		s = job->error;
	else
		s = "";
	return xstrndup(s, strcspn(s, "\n"));
}

static int
jobs_cell(int y, int x, int c, int w, const char *s, int attr)
{
	char *t;

	if (jobs_cols[c].right) {
		xasprintf(&t, "%*s ", w, s);
		draw_text(y, x, w + 1, t, attr);
		free(t);
	} else {
		draw_text(y, x, w, s, attr);
		draw_text(y, x + w, 1, " ", attr);
	}
	return w + 1;
}

static void
jobs_draw_header(int y, int cols, const int *show, const int *widths)
{
	int x = 0, c, attr = screen_attr(EL_COLUMNS);

	x += draw_text(y, x, 1, " ", attr);
	for (c = 0; c < JC_COUNT; c++) {
		if (show[c])
			x += jobs_cell(y, x, c, widths[c], jobs_cols[c].title,
			    attr);
	}
	if (x < cols)
		draw_text(y, x, cols - x, "", attr);
}

static void
jobs_draw_row(struct tui *tui, struct jobs_view *v, int y, size_t k,
    int cols, const int *show, const int *widths, int64_t now)
{
	const struct jobs_row *r = &v->rows[k];
	const struct job *job = r->job;
	struct jobs_sample *s = NULL;
	char buf[64], *msg;
	int x = 0, c, base, attr, pct = job_overall_percent(job);
	int64_t t;

	if (!r->hist)
		s = jobs_sample(v, job, now);
	if (k == v->list.cursor)
		base = screen_attr(EL_SELECTION);
	else if (r->hist)
		base = screen_attr(EL_DIM);
	else
		base = jobs_state_attr(job);
	x += draw_text(y, x, 1, " ", base);
	for (c = 0; c < JC_COUNT; c++) {
		if (!show[c])
			continue;
		attr = base;
		buf[0] = '\0';
		switch (c) {
		case JC_VM:
			x += jobs_cell(y, x, c, widths[c], job->vm, attr);
			continue;
		case JC_PROXY:
			x += jobs_cell(y, x, c, widths[c], job->proxy != NULL ?
			    job->proxy : "-", attr);
			continue;
		case JC_STATE:
			snprintf(buf, sizeof buf, "%s", jobs_state_word(job));
			break;
		case JC_DISK:
			if (job->disk > 0 && job->ndisks > 0)
				snprintf(buf, sizeof buf, "%u/%u", job->disk,
				    job->ndisks);
			break;
		case JC_PCT:
			if (pct >= 0)
				snprintf(buf, sizeof buf, "%d%%", pct);
			break;
		case JC_BAR:
			if (!r->hist && pct >= 0) {
				draw_bar(y, x, widths[c], pct);
				x += widths[c];
				x += draw_text(y, x, 1, " ", base);
				continue;
			}
			break;
		case JC_RATE:
			if (s != NULL)
				jobs_rate(jobs_speed(job->size, s->pct0, s->t0,
				    pct, now), buf, sizeof buf);
			break;
		case JC_ETA:
			if (s != NULL && pct < 100)
				jobs_duration(jobs_eta(s->pct0, s->t0, pct, now),
				    buf, sizeof buf);
			break;
		case JC_ELAPSED:
			if (job->started != 0) {
				t = (job->ended != 0 ? job->ended : now) -
				    job->started;
				jobs_duration(t, buf, sizeof buf);
			}
			break;
		case JC_MSG:
			msg = jobs_message(job);
			x += jobs_cell(y, x, c, widths[c], msg, attr);
			free(msg);
			continue;
		}
		x += jobs_cell(y, x, c, widths[c], buf, attr);
	}
	if (x < cols)
		draw_text(y, x, cols - x, "", base);
}

static void
jobs_draw_title(struct tui *tui, struct jobs_view *v, int y, int cols)
{
	size_t i, running = 0, queued = 0, ended = 0, earlier = 0;
	char *title, pos[48];
	const struct job *job;
	int pw, attr = screen_attr(EL_TITLE);

	for (i = 0; i < v->nrows; i++) {
		job = v->rows[i].job;
		if (v->rows[i].hist)
			earlier++;
		else if (job->state == JOB_QUEUED)
			queued++;
		else if (job_is_final(job->state))
			ended++;
		else
			running++;
	}
	xasprintf(&title, "Jobs  %zu running  %zu queued  %zu ended%s",
	    running, queued, ended, v->hist_task != NULL ?
	    "  reading earlier runs ..." : "");
	if (v->hist_task == NULL && earlier > 0) {
		char *t = title;

		xasprintf(&title, "%s  %zu from earlier runs", t, earlier);
		free(t);
	}
	draw_text(y, 0, cols, title, attr);
	free(title);
	if (v->nrows > 0) {
		snprintf(pos, sizeof pos, " %zu/%zu ", v->list.cursor + 1,
		    v->nrows);
		pw = draw_width(pos);
		if (pw < cols / 3)
			draw_text(y, cols - pw, pw, pos, attr);
	}
}

static void
jobs_when(time_t t, char *buf, size_t len, int day)
{
	struct tm tm;

	if (t == 0) {
		snprintf(buf, len, "-");
		return;
	}
	localtime_r(&t, &tm);
	if (day)
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(buf, len, "%H:%M:%S", &tm);
}

/* Where the job's plan sends the VM, read once per job shown. */
static const char *
jobs_output(struct jobs_view *v, const struct job *job)
{
	struct plan *plan;
	const char *where;
	char *cause = NULL;

	if (v->det_id != NULL && strcmp(v->det_id, job->id) == 0)
		return v->det_output;
	free(v->det_id);
	free(v->det_output);
	v->det_id = xstrdup(job->id);
	v->det_output = NULL;
	if (job->plan == NULL)
		return NULL;
	if ((plan = planjson_parse(job->plan, strlen(job->plan), &cause)) ==
	    NULL) {
		xasprintf(&v->det_output, "(its plan does not read: %s)",
		    cause);
		free(cause);
		return v->det_output;
	}
	where = plan->dest.storage != NULL ? plan->dest.storage :
	    plan->dest.uri != NULL ? plan->dest.uri : "";
	xasprintf(&v->det_output, "%s %s%s%s", output_kind_name(plan->dest.kind),
	    where, plan->dest.uri != NULL && plan->dest.storage != NULL ?
	    " at " : "", plan->dest.uri != NULL && plan->dest.storage !=
	    NULL ? plan->dest.uri : "");
	plan_free(plan);
	return v->det_output;
}

/* What the user can do about a job, in its state. */
static const char *
jobs_todo(const struct jobs_row *r)
{
	switch (r->job->state) {
	case JOB_QUEUED:
		return "It starts when a proxy has room. c cancels it.";
	case JOB_PREPARING:
	case JOB_CONVERTING:
		return "Enter follows its log. c cancels it.";
	case JOB_FINISHING:
		return "It is reading back the result: let it end.";
	case JOB_DONE:
		return "Enter shows its log.";
	case JOB_FAILED:
		return "Fix the cause (see the log: Enter), then R retries.";
	case JOB_CANCELLED:
		return "R queues it again as a new job. Enter shows its log.";
	}
	return "";
}

struct jobs_line {
	char	*text;
	int	 attr;
};

static void
jobs_add(struct jobs_line **l, size_t *n, int attr, const char *fmt, ...)
    VI_PRINTF(4, 5);

static void
jobs_add(struct jobs_line **l, size_t *n, int attr, const char *fmt, ...)
{
	va_list ap;

	*l = xappend(*l, n, sizeof **l);
	va_start(ap, fmt);
	xvasprintf(&(*l)[*n - 1].text, fmt, ap);
	va_end(ap);
	(*l)[*n - 1].attr = attr;
}

static void
jobs_draw_details(struct tui *tui, struct jobs_view *v,
    const struct jobs_row *r, int y, int rows, int cols, int64_t now)
{
	const struct job *job = r->job;
	struct jobs_line *l = NULL;
	size_t n = 0, i, nw;
	char a[32], b[32], c[32], d[32], e[16], *s, *path, **w;
	const char *out;
	int d_attr = screen_attr(EL_DEFAULT), tw, row;

	draw_fill(y, 0, rows, cols, d_attr);
	draw_hline(y, 0, cols, screen_attr(EL_BORDER));
	if (job->target != NULL && strcmp(job->target, job->vm) != 0)
		xasprintf(&s, " %s %s %s ", job->vm, screen_glyph("\u2192",
		    "->"), job->target);
	else
		xasprintf(&s, " %s ", job->vm);
	tw = draw_width(s);
	if (tw > cols - 4)
		tw = cols - 4;
	draw_text(y, 2, tw, s, screen_attr(EL_TITLE));
	free(s);
	if (2 + tw + 4 + (int)strlen(job->id) <= cols)
		draw_textf(y, 2 + tw + 1, (int)strlen(job->id) + 2,
		    screen_attr(EL_DIM), " %s ", job->id);

	jobs_when(job->created, a, sizeof a, 1);
	jobs_when(job->started, b, sizeof b, 0);
	jobs_when(job->ended, c, sizeof c, 0);
	jobs_add(&l, &n, jobs_state_attr(job), "%s%s  queued %s, ran %s to "
	    "%s", jobs_state_word(job), r->hist ? " (earlier run)" : "", a, b,
	    job->ended != 0 ? c : "now");
	if (job->error != NULL) {
		w = jobs_wrap(job->error, cols - 9, &nw);
		for (i = 0; i < nw && i < 4; i++)
			jobs_add(&l, &n, screen_attr(EL_ERROR), "%s %s",
			    i == 0 ? "error  " : "       ", w[i]);
		jobs_lines_free(w, nw);
	}
	jobs_add(&l, &n, screen_attr(EL_HELP_KEY), "to do   %s", jobs_todo(r));
	jobs_add(&l, &n, d_attr, "source  %s", job->source != NULL ?
	    job->source : "?");
	if ((out = jobs_output(v, job)) != NULL)
		jobs_add(&l, &n, d_attr, "output  %s as '%s'", out,
		    job->target != NULL ? job->target : job->vm);
	if (job->proxy != NULL)
		jobs_add(&l, &n, d_attr, "proxy   %s", job->proxy);
	else if (job->nproxies > 0)
		jobs_add(&l, &n, d_attr, "proxy   not chosen yet: %s%s",
		    job->proxies[0], job->nproxies > 1 ? " or another" : "");
	if (job->ndisks_out > 0) {
		for (i = 0; i < job->ndisks_out; i++)
			jobs_add(&l, &n, d_attr, "disk %zu  %s  %s  %s, %s used",
			    i + 1, job->disks[i].path != NULL ?
			    job->disks[i].path : "?", job->disks[i].format !=
			    NULL ? job->disks[i].format : "?",
			    size_human(job->disks[i].virtual_size, d, sizeof d),
			    size_human(job->disks[i].actual_size, e, sizeof e));
	} else if (job->ndisks > 0)
		jobs_add(&l, &n, d_attr, "disks   %u, %s at the source",
		    job->ndisks, job->size > 0 ? size_human(job->size, d,
		    sizeof d) : "size not known");
	else if (job->size > 0)
		jobs_add(&l, &n, d_attr, "disks   %s at the source",
		    size_human(job->size, d, sizeof d));
	if (job->result != NULL)
		jobs_add(&l, &n, d_attr, "result  %s", job->result);
	if ((path = rjob_log_path(job->id, NULL)) != NULL) {
		jobs_add(&l, &n, d_attr, "log     %s", path);
		free(path);
	}
	if (job->command != NULL)
		jobs_add(&l, &n, d_attr, "command %s", job->command);
	for (i = 0; i < job->nwarnings; i++)
		jobs_add(&l, &n, screen_attr(EL_WARNING), "warning %s",
		    job->warnings[i]);
	for (i = 0, row = 1; i < n; i++) {
		if (row < rows)
			draw_text(y + row++, 1, cols - 1, l[i].text, l[i].attr);
		free(l[i].text);
	}
	free(l);
}

static void
jobs_draw_empty(struct tui *tui, struct jobs_view *v, int y, int cols)
{
	int dim = screen_attr(EL_DIM);

	if (v->hist_task != NULL) {
		draw_text(y, 1, cols - 1, "Reading the jobs of earlier runs ...",
		    dim);
		return;
	}
	draw_text(y, 1, cols - 1, "No jobs: add VMs (2), plan them (3), Start.",
	    dim);
	if (tui->engine == NULL)
		draw_text(y + 1, 1, cols - 1, "The job engine did not start: "
		    "see the status line.", screen_attr(EL_ERROR));
	else if (!engine_driving(tui->engine))
		draw_text(y + 1, 1, cols - 1, "Another virt-import drives the "
		    "jobs: they show here as it reports them.", dim);
	if (v->hist_error != NULL)
		draw_textf(y + 2, 1, cols - 1, screen_attr(EL_ERROR),
		    "Earlier runs could not be read: %s", v->hist_error);
}

static void
view_jobs_draw(struct tui *tui, int y, int rows, int cols, int partial)
{
	struct jobs_view *v = jobs_view(tui);
	int show[JC_COUNT], widths[JC_COUNT], drows = 0, row, full, redo;
	int64_t now = tui_now();
	const struct jobs_row *cur;
	size_t k;

	if (v->details) {
		drows = DETAILS_ROWS;
		if (rows - drows < 6)
			drows = rows - 6;
		if (drows < 3)
			drows = 0;
	}
	v->list_h = rows - 2 - drows;
	jobs_build(tui, v);
	jobs_layout(cols, show, widths);
	cur = jobs_current(v);

	full = !partial || v->all_dirty || v->drawn_cols != cols ||
	    v->drawn_rows != rows || v->drawn_top != v->list.top ||
	    v->drawn_nrows != v->nrows || v->drawn_details != v->details ||
	    v->ndrawn != v->list_h;
	for (row = 0; !full && row < v->list_h; row++) {
		k = v->list.top + (size_t)row;
		if (v->drawn[row] != (k < v->nrows ? v->rows[k].job : NULL))
			full = 1;
	}
	jobs_draw_title(tui, v, y, cols);
	if (full) {
		draw_fill(y + 1, 0, rows - 1, cols, screen_attr(EL_DEFAULT));
		jobs_draw_header(y + 1, cols, show, widths);
		free(v->drawn);
		v->drawn = xcalloc((size_t)v->list_h + 1, sizeof *v->drawn);
		v->ndrawn = v->list_h;
	}
	for (row = 0; row < v->list_h; row++) {
		k = v->list.top + (size_t)row;
		if (k >= v->nrows) {
			v->drawn[row] = NULL;
			continue;
		}
		v->drawn[row] = v->rows[k].job;
		redo = full || jobs_is_dirty(v, v->rows[k].job->id) ||
		    (!v->rows[k].hist && now != v->drawn_now &&
		    !job_is_final(v->rows[k].job->state));
		if (redo)
			jobs_draw_row(tui, v, y + 2 + row, k, cols, show, widths,
			    now);
	}
	if (full && v->nrows == 0)
		jobs_draw_empty(tui, v, y + 2, cols);
	if (drows > 0 && (full || (cur != NULL && (jobs_is_dirty(v,
	    cur->job->id) || (now != v->drawn_now &&
	    !job_is_final(cur->job->state)))))) {
		if (cur != NULL)
			jobs_draw_details(tui, v, cur, y + rows - drows, drows,
			    cols, now);
		else {
			draw_fill(y + rows - drows, 0, drows, cols,
			    screen_attr(EL_DEFAULT));
			draw_hline(y + rows - drows, 0, cols,
			    screen_attr(EL_BORDER));
		}
	}
	v->drawn_cols = cols;
	v->drawn_rows = rows;
	v->drawn_top = v->list.top;
	v->drawn_nrows = v->nrows;
	v->drawn_details = v->details;
	v->drawn_now = now;
	jobs_clean(v);
}

/* ------------------------------------------------------------ history */

struct jobs_hist_load {
	struct tui	*tui;
	struct task	*task;
	struct job	**jobs;
	size_t		 n;
	char		*cause;
};

static void
jobs_hist_work(struct task *t, void *arg)
{
	struct jobs_hist_load *l = arg;
	l->jobs = jobstore_list(&l->n, &l->cause);
}

static void
jobs_hist_event(void *arg, int kind, void *data)
{
	struct jobs_hist_load *l = arg;
	struct jobs_view *v = jobs_view(l->tui);

	if (kind != TASK_END)
		return;
	if (v->hist_task == l->task) {
		jobstore_list_free(v->hist, v->nhist);
		v->hist = l->jobs;
		v->nhist = l->jobs != NULL ? l->n : 0;
		free(v->hist_error);
		v->hist_error = l->cause;
		v->hist_task = NULL;
		v->all_dirty = 1;
		if (l->cause != NULL && l->tui->view == &view_jobs)
			tui_status(l->tui, 1, "earlier runs could not be read: "
			    "%s", l->cause);
	} else {
		jobstore_list_free(l->jobs, l->jobs != NULL ? l->n : 0);
		free(l->cause);
	}
	free(l);
}

static void
jobs_read_history(struct tui *tui, struct jobs_view *v)
{
	struct jobs_hist_load *l;
	char *cause = NULL;

	if (v->hist_task != NULL)
		return;
	l = xcalloc(1, sizeof *l);
	l->tui = tui;
	if ((l->task = task_run(tui->tasks, jobs_hist_work, jobs_hist_event,
	    l, &cause)) == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		free(l);
		return;
	}
	v->hist_task = l->task;
}

static void
view_jobs_enter(struct tui *tui)
{
	struct jobs_view *v = jobs_view(tui);

	jobs_read_history(tui, v);
}

/* -------------------------------------------------------------- hooks */

static void
view_jobs_changed(struct tui *tui, const struct job *job)
{
	struct jobs_view *v = jobs_view(tui);

	if (v->all_dirty || jobs_is_dirty(v, job->id))
		return;
	if (v->ndirty >= DIRTY_MAX) {
		v->all_dirty = 1;
		return;
	}
	v->dirty = xappend(v->dirty, &v->ndirty, sizeof *v->dirty);
	v->dirty[v->ndirty - 1] = xstrdup(job->id);
}

static void
view_jobs_free(struct tui *tui)
{
	struct jobs_view *v = tui->vdata[JOBS_FKEY];
	size_t i;

	if (v == NULL)
		return;
	jobs_clean(v);
	jobstore_list_free(v->hist, v->nhist);
	free(v->hist_error);
	free(v->rows);
	free(v->drawn);
	free(v->cursor_id);
	for (i = 0; i < v->nsamples; i++)
		free(v->samples[i].id);
	free(v->samples);
	free(v->det_id);
	free(v->det_output);
	free(v);
	tui->vdata[JOBS_FKEY] = NULL;
}

/* --------------------------------------------------------------- keys */

static int
jobs_move(struct tui *tui, int key)
{
	struct jobs_view *v = jobs_ready(tui);

	widget_list_key(&v->list, v->nrows, v->list_h, key);
	jobs_keep_cursor(v);
	return TUI_REDRAW;
}


static int
key_log(struct tui *tui)
{
	struct jobs_view *v = jobs_ready(tui);
	const struct jobs_row *r = jobs_current(v);

	if (r == NULL) {
		tui_status(tui, 1, "there is no job to show the log of");
		return TUI_REDRAW;
	}
	jobs_keep_cursor(v);
	view_log_open(tui, r->job->id);
	return TUI_REDRAW;
}

static int
jobs_cancel_answer(struct tui *tui, void *arg, const char *answer)
{
	const char *id = arg;
	const struct job *job;
	char *cause = NULL;

	if (answer == NULL)
		return TUI_REDRAW;
	if (tui->engine == NULL || (job = engine_find(tui->engine, id)) ==
	    NULL) {
		tui_status(tui, 1, "job %s is no longer under way", id);
		return TUI_REDRAW;
	}
	if (engine_cancel(tui->engine, id, &cause) != 0) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return TUI_REDRAW;
	}
	job = engine_find(tui->engine, id);
	if (engine_driving(tui->engine))
		tui_status(tui, 0, "Cancelling VM '%s' (job %s).", job->vm,
		    id);
	else
		tui_status(tui, 0, "Asked the virt-import that drives the jobs "
		    "to cancel VM '%s' (job %s).", job->vm, id);
	return TUI_REDRAW;
}

static int
key_cancel(struct tui *tui)
{
	struct jobs_view *v = jobs_ready(tui);
	const struct jobs_row *r = jobs_current(v);
	const struct job *job;
	char *text;

	if (r == NULL) {
		tui_status(tui, 1, "there is no job to cancel");
		return TUI_REDRAW;
	}
	job = r->job;
	if (r->hist || job_is_final(job->state)) {
		tui_status(tui, 1, "job %s (VM '%s') has already ended: %s",
		    job->id, job->vm, job_state_name(job->state));
		return TUI_REDRAW;
	}
	if (job->cancel) {
		tui_status(tui, 0, "Job %s is being cancelled already.",
		    job->id);
		return TUI_REDRAW;
	}
	if (job->state == JOB_FINISHING) {
		tui_status(tui, 1, "job %s (VM '%s') has converted already and "
		    "is reading back the result: let it end, then remove the "
		    "VM at the destination if it is not wanted", job->id,
		    job->vm);
		return TUI_REDRAW;
	}
	xasprintf(&text, "Cancel the import of VM '%s' (job %s, %s%s%s)? %s",
	    job->vm, job->id, job_state_name(job->state),
	    job->proxy != NULL ? " on " : "", job->proxy != NULL ? job->proxy :
	    "", job->state == JOB_QUEUED ? "It has not started: nothing is "
	    "left behind." : "Its conversion stops and what it wrote so far "
	    "is removed.");
	widget_prompt(tui, PROMPT_CONFIRM, "Cancel job", text, NULL,
	    jobs_cancel_answer, xstrdup(job->id), free);
	free(text);
	return TUI_REDRAW;
}

static int
jobs_retry_answer(struct tui *tui, void *arg, const char *answer)
{
	const char *id = arg;
	struct jobs_view *v = jobs_view(tui);
	const struct job *job;
	char *cause = NULL, *new_id = NULL;

	if (answer == NULL)
		return TUI_REDRAW;
	if (tui->engine == NULL && tui_start_engine(tui) != 0)
		return TUI_REDRAW;
	if (jobretry_queue(tui->engine, id, &new_id, &cause) != 0) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return TUI_REDRAW;
	}
	job = engine_find(tui->engine, new_id);
	tui_status(tui, 0, "Queued VM '%s' again: job %s.", job != NULL ?
	    job->vm : "?", new_id);
	free(v->cursor_id);
	v->cursor_id = new_id;
	return TUI_REDRAW;
}

static int
key_retry(struct tui *tui)
{
	struct jobs_view *v = jobs_ready(tui);
	const struct jobs_row *r = jobs_current(v);
	const struct job *job;
	char *text, *cause = NULL;

	if (r == NULL) {
		tui_status(tui, 1, "there is no job to retry");
		return TUI_REDRAW;
	}
	job = r->job;
	if (jobretry_check(job, &cause) != 0) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return TUI_REDRAW;
	}
	xasprintf(&text, "Import VM '%s' again as a new job, with the plan job "
	    "%s was queued with? Pre-flight is not run again: fix what made "
	    "it %s first.", job->vm, job->id, job_state_name(job->state));
	widget_prompt(tui, PROMPT_CONFIRM, "Retry job", text, NULL,
	    jobs_retry_answer, xstrdup(job->id), free);
	free(text);
	return TUI_REDRAW;
}

static int
key_details(struct tui *tui)
{
	struct jobs_view *v = jobs_view(tui);

	v->details = !v->details;
	return TUI_REDRAW;
}

static int
key_reread(struct tui *tui)
{
	jobs_read_history(tui, jobs_view(tui));
	return TUI_REDRAW;
}

static int
view_jobs_mouse(struct tui *tui, int y, int x, int button)
{
	struct jobs_view *v = jobs_ready(tui);
	size_t row;

	if (button == TUI_MOUSE_WHEEL_UP || button == TUI_MOUSE_WHEEL_DOWN)
		return jobs_move(tui, button == TUI_MOUSE_WHEEL_UP ? KEY_UP :
		    KEY_DOWN);
	if (y < 2 || y >= 2 + v->list_h)
		return 0;
	row = (size_t)(y - 2);
	if (v->list.top + row >= v->nrows)
		return 0;
	v->list.cursor = v->list.top + row;
	jobs_keep_cursor(v);
	if (button == TUI_MOUSE_DOUBLE)
		return key_log(tui);
	return TUI_REDRAW;
}

static const struct tui_key view_jobs_keys[] = {
	TUI_CURSOR_KEYS("job"),
	{ '\r', "Enter", "the job's virt-v2v log, followed", key_log },
	{ 'l', "l", "the job's virt-v2v log, followed", key_log },
	{ 'c', "c", "cancel the job (asks first)", key_cancel },
	{ 'R', "R", "import a failed or cancelled job's VM again (asks first)",
	    key_retry },
	{ 'i', "i", "show or hide the job's details", key_details },
	{ 'r', "r", "read the jobs of earlier runs again", key_reread },
	{ 0, NULL, NULL, NULL }
};

const struct view view_jobs = {
	.name = "jobs",
	.title = "Jobs",
	.fkey = JOBS_FKEY,
	.keys = view_jobs_keys,
	.cursor = jobs_move,
	.enter = view_jobs_enter,
	.draw = view_jobs_draw,
	.mouse = view_jobs_mouse,
	.changes = (const int[]){ 'c', 'R', 0 },
	.job_changed = view_jobs_changed,
	.free = view_jobs_free,
};
