/*
 * engine.c: runs conversion jobs: queues a plan's VMs, starts them on
 * proxies within their limits, follows their logs, finishes and cleans up,
 * and carries on after a crash.
 *
 * One process drives (it holds jobstore's engine.lock); any other one (a
 * second console, `virt-import jobs`) watches the records the driver
 * writes, leaves cancel requests, and takes over the lock when the driver
 * dies.  The engine owns no loop: the caller polls engine_pollfds() with
 * engine_timeout() and calls engine_dispatch(), so the console, the
 * command line and a test can each drive it.
 *
 * Blocking steps (connecting, inspecting the source, uploads, starting,
 * reading back, cleaning up) run on worker threads, each with its own SSH
 * connection and its own copy of the job; they hand their result back
 * through a pipe and only this loop's thread touches jobs.  Logs are
 * followed on one SSH session per proxy (rjob_follow on sshmux).
 *
 * Scheduling: queued jobs go largest first, to the proxy (of those the job
 * may use) with the fewest conversions, within each proxy's max_jobs and
 * the job's per-source-host limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backend.h"

#define ENGINE_TICK_MS		250
#define ENGINE_SAVE_EVERY	1	/* s between progress saves */
#define ENGINE_IDLE		30	/* s a proxy may stay silent (unless
					   VIRT_IMPORT_IDLE_TIMEOUT says) */
#define ENGINE_HEARTBEAT	5	/* s between a follower's signs (at
					   most a quarter of the idle time) */
#define ENGINE_BACKOFF_MAX	30	/* s between reconnects */
#define ENGINE_CHANNELS		8	/* followers a session: OpenSSH's
					   MaxSessions is 10 by default */
#define ENGINE_START_TRIES	3	/* more starts after a lost connection */
#define ENGINE_START_WAIT	5	/* s before the first; x3 each time */

enum task_kind {
	TASK_CONNECT,
	TASK_START,
	TASK_FINISH,
	TASK_CLEAN,
};

struct eproxy;
struct econn;
struct ejob;

struct task {
	enum task_kind	 kind;
	struct engine	*e;
	struct ejob	*ej;		/* NULL for TASK_CONNECT */
	struct econn	*ec;
	struct job	*job;		/* the worker's own copy */
	char		*proxy;		/* its name */
	int		 cancel;	/* TASK_CLEAN */
	int		 partial;

	int		 rc;
	char		*cause;
	int		 again;		/* TASK_START: may simply be retried */
	struct sshc	*c;		/* TASK_CONNECT */
	struct rjob	*rj;		/* TASK_START */
	struct job_disk	*disks;		/* TASK_FINISH */
	size_t		 ndisks;
	char		*result;

	pthread_mutex_t	 lock;		/* upload progress, for the loop */
	char		*file;
	uint64_t	 done;
	uint64_t	 total;
	int		 moved;
};

/* One SSH session to a proxy, following up to ENGINE_CHANNELS jobs. */
struct econn {
	struct eproxy	*ep;
	struct sshc	*c;
	struct sshm	*m;
	int		 connecting;
	size_t		 nfollow;
};

struct eproxy {
	char		*name;
	struct econn  **conns;
	size_t		 nconns;
	time_t		 retry_at;
	unsigned	 backoff;
	char		*error;
	int		 told;		/* ops->proxy heard of error */
};

struct ejob {
	struct job	*job;
	struct eproxy	*ep;
	struct rjob	*rj;
	struct rjob_follow *f;
	struct econn	*ec;		/* the session f runs on */
	struct v2vlog	*log;
	struct task	*busy;		/* its worker, if one runs */
	time_t		 start_at;	/* its start is tried again then */
	unsigned	 starts;	/* starts tried again so far */
	int		 active;	/* listed in active/ */
	int		 dirty;		/* progress not saved yet */
	time_t		 saved;
	struct timespec	 mtime;		/* watching: of its record */
};

struct engine {
	int		 flags;
	int		 lockfd;	/* >= 0: this process drives */
	const struct engine_ops *ops;
	void		*arg;
	int		 pipe[2];	/* workers -> loop */
	size_t		 workers;	/* running */
	struct ejob    **jobs;
	size_t		 njobs;
	struct eproxy  **proxies;
	size_t		 nproxies;
	struct econn  **pollmap;	/* econn of each pollfd after the first */
	size_t		 npollmap;
	struct timespec	 next_tick;
	unsigned	 idle;		/* s a proxy may stay silent */
	unsigned	 heartbeat;	/* s between a follower's signs */
};

static void engine_save(struct engine *, struct ejob *);
static void engine_remote_ended(struct engine *, struct ejob *);
static void engine_spawn(struct engine *, struct ejob *, enum task_kind,
    int, int);

static const struct rjob_follow_ops engine_follow_ops;

/* ------------------------------------------------------------- helpers */

static struct timespec
engine_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static long
engine_ms_until(struct timespec t)
{
	struct timespec now = engine_now();

	return (t.tv_sec - now.tv_sec) * 1000 +
	    (t.tv_nsec - now.tv_nsec) / 1000000;
}

static void
engine_changed(struct engine *e, struct ejob *ej)
{
	if (e->ops != NULL && e->ops->changed != NULL)
		e->ops->changed(e->arg, ej->job);
}

/*
 * Following on ep stopped (why) or, with why NULL, works again: told once
 * each way, so "works again" is never heard without the stop before it.
 */
static void
engine_proxy_changed(struct engine *e, struct eproxy *ep, const char *why)
{
	if (why == NULL && !ep->told)
		return;
	ep->told = why != NULL;
	if (e->ops != NULL && e->ops->proxy != NULL)
		e->ops->proxy(e->arg, ep->name, why, ep->backoff);
}

static struct ejob *
engine_ejob(struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->njobs; i++)
		if (strcmp(e->jobs[i]->job->id, id) == 0)
			return e->jobs[i];
	return NULL;
}

static struct eproxy *
engine_eproxy(struct engine *e, const char *name)
{
	struct eproxy *ep;
	size_t i;

	for (i = 0; i < e->nproxies; i++)
		if (strcmp(e->proxies[i]->name, name) == 0)
			return e->proxies[i];
	ep = xcalloc(1, sizeof *ep);
	ep->name = xstrdup(name);
	e->proxies = xappend(e->proxies, &e->nproxies, sizeof *e->proxies);
	e->proxies[e->nproxies - 1] = ep;
	return ep;
}

/* A deep copy for a worker: through the record's own JSON. */
static struct job *
engine_job_copy(const struct job *job)
{
	struct json_object *o = job_json(job);
	const char *s = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN);
	struct job *copy;

	if ((copy = job_parse(s, strlen(s), NULL)) == NULL)
		fatalx("job %s: its record does not read back", job->id);
	json_object_put(o);
	return copy;
}

static void
engine_set_phase(struct ejob *ej, const char *phase)
{
	if (ej->job->phase != NULL && strcmp(ej->job->phase, phase) == 0)
		return;
	free(ej->job->phase);
	ej->job->phase = xstrdup(phase);
	ej->dirty = 1;
}

/* Move a job on; saved and reported. */
static void
engine_move(struct engine *e, struct ejob *ej, enum job_state to)
{
	char *cause = NULL;

	if (job_set_state(ej->job, to, time(NULL), &cause) != 0) {
		/* Only a driver bug gets here: record it, do not stop. */
		free(ej->job->error);
		ej->job->error = cause;
		ej->job->state = JOB_FAILED;
	}
	engine_save(e, ej);
}

static void
engine_fail(struct engine *e, struct ejob *ej, const char *error)
{
	if (ej->job->error == NULL)
		ej->job->error = xstrdup(error);
	engine_move(e, ej, JOB_FAILED);
}

static void
engine_save(struct engine *e, struct ejob *ej)
{
	char *cause = NULL;

	if (e->lockfd >= 0 && jobstore_save(ej->job, &cause) != 0) {
		/* The job goes on; its record will be written next time. */
		free(cause);
		ej->dirty = 1;
	} else {
		ej->dirty = 0;
		ej->saved = time(NULL);
	}
	engine_changed(e, ej);
}

static void
engine_deactivate(struct engine *e, struct ejob *ej)
{
	char *cause = NULL;

	if (e->lockfd < 0 || !ej->active)
		return;
	if (jobstore_activate(ej->job->id, 0, &cause) == 0)
		ej->active = 0;
	free(cause);
}

/* ------------------------------------------------------------- workers */

/* Upload progress, from the worker: kept for the loop's next tick. */
static void
engine_upload_progress(void *arg, const char *file, uint64_t done,
    uint64_t total)
{
	struct task *t = arg;

	pthread_mutex_lock(&t->lock);
	if (t->file == NULL || strcmp(t->file, file) != 0) {
		free(t->file);
		t->file = xstrdup(file);
	}
	t->done = done;
	t->total = total;
	t->moved = 1;
	pthread_mutex_unlock(&t->lock);
}

/* Show a start's upload as the job's phase. */
static void
engine_upload_phase(struct ejob *ej)
{
	struct task *t = ej->busy;
	const char *base;
	char *phase = NULL, a[16], b[16];

	pthread_mutex_lock(&t->lock);
	if (t->moved) {
		base = strrchr(t->file, '/');
		xasprintf(&phase, "Copying %s to the proxy: %s of %s",
		    base != NULL ? base + 1 : t->file,
		    size_human(t->done, a, sizeof a),
		    size_human(t->total, b, sizeof b));
		t->moved = 0;
	}
	pthread_mutex_unlock(&t->lock);
	if (phase != NULL) {
		engine_set_phase(ej, phase);
		free(phase);
	}
}

static void *
engine_worker(void *arg)
{
	struct task *t = arg;
	struct upload_progress pg;
	struct proxy *p;
	ssize_t w;

	if ((p = proxy_find(t->proxy, &t->cause)) == NULL)
		t->rc = -1;
	else switch (t->kind) {
	case TASK_CONNECT:
		t->c = sshc_connect(p, NULL, &t->cause);
		t->rc = t->c != NULL ? 0 : -1;
		break;
	case TASK_START:
		memset(&pg, 0, sizeof pg);
		pg.fn = engine_upload_progress;
		pg.arg = t;
		t->rj = convert_start(t->job, p, &pg, &t->again, &t->cause);
		t->rc = t->rj != NULL ? 0 : -1;
		break;
	case TASK_FINISH:
		t->rc = convert_finish(t->job, p, &t->disks, &t->ndisks,
		    &t->result, &t->cause);
		break;
	case TASK_CLEAN:
		t->rc = convert_clean(t->job, p, t->cancel, t->partial,
		    &t->cause);
		break;
	}
	proxy_free(p);
	do
		w = write(t->e->pipe[1], &t, sizeof t);
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)sizeof t)
		fatalx("engine: cannot hand a result back: %s",
		    strerror(errno));
	return NULL;
}

static void
engine_task_free(struct task *t)
{
	size_t i;

	job_free(t->job);
	free(t->proxy);
	free(t->cause);
	sshc_close(t->c);
	rjob_free(t->rj);
	for (i = 0; i < t->ndisks; i++) {
		free(t->disks[i].path);
		free(t->disks[i].format);
	}
	free(t->disks);
	free(t->result);
	free(t->file);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static void
engine_run_task(struct engine *e, struct task *t)
{
	pthread_attr_t attr;
	pthread_t th;

	pthread_mutex_init(&t->lock, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, engine_worker, t) != 0)
		fatalx("engine: cannot start a worker thread");
	pthread_attr_destroy(&attr);
	e->workers++;
}

static void
engine_spawn(struct engine *e, struct ejob *ej, enum task_kind kind,
    int cancel, int partial)
{
	struct task *t;

	t = xcalloc(1, sizeof *t);
	t->kind = kind;
	t->e = e;
	t->ej = ej;
	t->job = engine_job_copy(ej->job);
	t->proxy = xstrdup(ej->job->proxy);
	t->cancel = cancel;
	t->partial = partial;
	ej->busy = t;
	engine_run_task(e, t);
}

/* A new session to ep, made by a worker. */
static void
engine_connect(struct engine *e, struct eproxy *ep)
{
	struct econn *ec;
	struct task *t;

	ec = xcalloc(1, sizeof *ec);
	ec->ep = ep;
	ec->connecting = 1;
	ep->conns = xappend(ep->conns, &ep->nconns, sizeof *ep->conns);
	ep->conns[ep->nconns - 1] = ec;
	t = xcalloc(1, sizeof *t);
	t->kind = TASK_CONNECT;
	t->e = e;
	t->ec = ec;
	t->proxy = xstrdup(ep->name);
	engine_run_task(e, t);
}

static void
engine_conn_free(struct econn *ec)
{
	struct eproxy *ep = ec->ep;
	size_t i;

	for (i = 0; i < ep->nconns; i++) {
		if (ep->conns[i] == ec) {
			ep->conns[i] = ep->conns[--ep->nconns];
			break;
		}
	}
	if (ec->m != NULL)
		sshm_free(ec->m);
	sshc_close(ec->c);
	free(ec);
}

/* ------------------------------------------------------------ following */

static void
engine_follow_log(void *arg, struct rjob *rj, const char *buf, size_t n)
{
	struct engine *e = arg;
	struct ejob *ej = engine_ejob(e, rj->id);
	struct job *job;
	int what;
	size_t i;

	if (ej == NULL)
		return;
	job = ej->job;
	what = v2vlog_feed(ej->log, buf, n);
	if (what & V2VLOG_PHASE)
		engine_set_phase(ej, ej->log->phase);
	if (what & (V2VLOG_DISK | V2VLOG_PERCENT)) {
		job->disk = ej->log->disk;
		job->ndisks = ej->log->ndisks;
		job->percent = ej->log->percent;
		ej->dirty = 1;
	}
	if (what & V2VLOG_WARNING) {
		for (i = 0; i < ej->log->nwarnings; i++)
			job_add_warning(job, ej->log->warnings[i]);
		ej->dirty = 1;
	}
	if (what & V2VLOG_ERROR)
		ej->dirty = 1;
	if (e->ops != NULL && e->ops->log != NULL)
		e->ops->log(e->arg, job, buf, n);
	if (what != 0)
		engine_changed(e, ej);
}

/* virt-v2v's own words for a failure, or its exit status. */
static char *
engine_v2v_error(struct ejob *ej)
{
	char *s;

	v2vlog_end(ej->log);
	if (ej->log->error != NULL)
		return v2vlog_error_text(ej->log);
	if (ej->rj->state == RJOB_LOST)
		return xstrdup(ej->rj->error != NULL ? ej->rj->error :
		    "the conversion's process vanished");
	xasprintf(&s, "virt-v2v exited with status %d without an error "
	    "message: see the log", ej->rj->rc);
	return s;
}

static void
engine_follow_end(void *arg, struct rjob *rj, int ended, const char *error)
{
	struct engine *e = arg;
	struct ejob *ej = engine_ejob(e, rj->id);
	int dead = 0;

	if (ej == NULL)
		return;
	rjob_follow_free(ej->f);
	ej->f = NULL;
	if (ej->ec != NULL) {
		dead = ej->ec->m != NULL && sshm_dead(ej->ec->m);
		ej->ec->nfollow--;
		ej->ec = NULL;
	}
	if (!ended) {
		/* The session died (it is retried) or following failed. */
		if (!dead) {
			free(ej->ep->error);
			ej->ep->error = xstrdup(error);
		}
		return;
	}
	if (ej->busy != NULL || job_is_final(ej->job->state))
		return;		/* a cancel is under way: it decides */
	engine_remote_ended(e, ej);
}

static const struct rjob_follow_ops engine_follow_ops = {
	engine_follow_log, engine_follow_end
};

/* A session failed: its followers stop; a new one is made after a pause. */
static void
engine_conn_down(struct engine *e, struct econn *ec, const char *why)
{
	struct eproxy *ep = ec->ep;
	char *reason = xstrdup(why != NULL ? why : "the connection failed");
	size_t i;

	/* Followers first: they abandon their channels on the session. */
	for (i = 0; i < e->njobs; i++) {
		if (e->jobs[i]->ec == ec) {
			rjob_follow_free(e->jobs[i]->f);
			e->jobs[i]->f = NULL;
			e->jobs[i]->ec = NULL;
		}
	}
	for (i = 0; i < e->npollmap; i++)
		if (e->pollmap[i] == ec)
			e->pollmap[i] = NULL;
	engine_conn_free(ec);
	free(ep->error);
	ep->error = reason;
	ep->backoff = ep->backoff == 0 ? 1 : ep->backoff * 2;
	if (ep->backoff > ENGINE_BACKOFF_MAX)
		ep->backoff = ENGINE_BACKOFF_MAX;
	ep->retry_at = time(NULL) + ep->backoff;
	engine_proxy_changed(e, ep, ep->error);
}

/*
 * Follow every converting job of ep that has no follower yet, on sessions
 * with room, making new sessions as needed (not while ep backs off).
 */
static void
engine_follow(struct engine *e, struct eproxy *ep)
{
	struct econn *ec;
	struct ejob *ej;
	char *cause;
	size_t i, k, room, want = 0, coming = 0;

	for (i = 0; i < e->njobs; i++) {
		ej = e->jobs[i];
		if (ej->ep != ep || ej->f != NULL || ej->rj == NULL ||
		    ej->busy != NULL || ej->job->state != JOB_CONVERTING)
			continue;
		ec = NULL;
		for (k = 0; k < ep->nconns; k++) {
			if (ep->conns[k]->m != NULL &&
			    ep->conns[k]->nfollow < ENGINE_CHANNELS) {
				ec = ep->conns[k];
				break;
			}
		}
		if (ec == NULL) {
			want++;
			continue;
		}
		cause = NULL;
		ej->f = rjob_follow_start(ec->m, ej->rj, e->heartbeat,
		    &engine_follow_ops, e, &cause);
		if (ej->f == NULL) {
			/* Tried again after a pause, not every tick. */
			free(ep->error);
			ep->error = cause;
			ep->retry_at = time(NULL) + ENGINE_HEARTBEAT;
			continue;
		}
		ej->ec = ec;
		ec->nfollow++;
	}
	for (k = 0; k < ep->nconns; k++)
		if (ep->conns[k]->connecting)
			coming++;
	room = coming * ENGINE_CHANNELS;
	while (want > room && time(NULL) >= ep->retry_at) {
		engine_connect(e, ep);
		room += ENGINE_CHANNELS;
	}
}

/* ------------------------------------------------------------ results */

static void
engine_start_done(struct engine *e, struct ejob *ej, struct task *t)
{
	unsigned wait, i;
	char *s;

	/*
	 * The connection failed or dropped before anything could run on the
	 * proxy: the job keeps its place and its uploads (continued from
	 * their .part) and starts again in a while, a few times.
	 */
	if (t->rc != 0 && t->again && !ej->job->cancel &&
	    ej->starts < ENGINE_START_TRIES) {
		wait = ENGINE_START_WAIT;
		for (i = 0; i < ej->starts; i++)
			wait *= 3;
		ej->starts++;
		ej->start_at = time(NULL) + wait;
		xasprintf(&s, "%s: starting again in %u s (try %u of %u)",
		    t->cause, wait, ej->starts + 1, ENGINE_START_TRIES + 1);
		engine_set_phase(ej, s);
		free(s);
		engine_save(e, ej);
		return;
	}
	if (t->rc != 0) {
		free(ej->job->error);
		ej->job->error = t->cause;
		t->cause = NULL;
		if (ej->starts > 0) {
			xasprintf(&s, "%s (the start was tried %u times)",
			    ej->job->error, ej->starts + 1);
			free(ej->job->error);
			ej->job->error = s;
		}
		engine_move(e, ej, ej->job->cancel ? JOB_CANCELLED : JOB_FAILED);
		engine_spawn(e, ej, TASK_CLEAN, 0, 0);
		return;
	}
	ej->rj = t->rj;
	t->rj = NULL;
	ej->job->remote = 1;
	free(ej->job->command);
	ej->job->command = xstrdup(ej->rj->command);
	if (ej->job->cancel) {
		engine_move(e, ej, JOB_CANCELLED);
		engine_spawn(e, ej, TASK_CLEAN, 1, 1);
		return;
	}
	engine_set_phase(ej, "Started on the proxy");
	engine_move(e, ej, JOB_CONVERTING);
	engine_follow(e, ej->ep);
}

static void
engine_finish_done(struct engine *e, struct ejob *ej, struct task *t)
{
	if (t->rc != 0) {
		free(ej->job->error);
		ej->job->error = t->cause;
		t->cause = NULL;
		engine_move(e, ej, JOB_FAILED);
		engine_spawn(e, ej, TASK_CLEAN, 0, 1);
		return;
	}
	ej->job->disks = t->disks;
	ej->job->ndisks_out = t->ndisks;
	t->disks = NULL;
	t->ndisks = 0;
	free(ej->job->result);
	ej->job->result = t->result;
	t->result = NULL;
	engine_set_phase(ej, "Done");
	engine_move(e, ej, JOB_DONE);
	engine_spawn(e, ej, TASK_CLEAN, 0, 0);
}

static void
engine_clean_done(struct engine *e, struct ejob *ej, struct task *t)
{
	char *s;

	if (t->rc != 0) {
		xasprintf(&s, "%s%sleftovers could not be removed: %s",
		    ej->job->error != NULL ? ej->job->error : "",
		    ej->job->error != NULL ? "; " : "", t->cause);
		free(ej->job->error);
		ej->job->error = s;
	}
	if (t->cancel || (ej->job->cancel && !job_is_final(ej->job->state)))
		engine_move(e, ej, JOB_CANCELLED);
	else
		engine_save(e, ej);
	engine_deactivate(e, ej);
}

static void
engine_connect_done(struct engine *e, struct task *t)
{
	struct econn *ec = t->ec;
	struct eproxy *ep = ec->ep;

	ec->connecting = 0;
	if (t->rc != 0) {
		engine_conn_down(e, ec, t->cause);
		return;
	}
	ec->c = t->c;
	t->c = NULL;
	ec->m = sshm_new(ec->c, e->idle);
	ep->backoff = 0;
	free(ep->error);
	ep->error = NULL;
	engine_proxy_changed(e, ep, NULL);
	engine_follow(e, ep);
}

static void
engine_results(struct engine *e)
{
	struct task *t;
	struct ejob *ej;
	ssize_t n;

	for (;;) {
		n = read(e->pipe[0], &t, sizeof t);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof t)
			return;
		e->workers--;
		ej = t->ej;
		if (ej != NULL)
			ej->busy = NULL;
		switch (t->kind) {
		case TASK_CONNECT:
			engine_connect_done(e, t);
			break;
		case TASK_START:
			engine_start_done(e, ej, t);
			break;
		case TASK_FINISH:
			engine_finish_done(e, ej, t);
			break;
		case TASK_CLEAN:
			engine_clean_done(e, ej, t);
			break;
		}
		engine_task_free(t);
	}
}

/* ------------------------------------------------------------- adopting */

/* Feed the local copy of a job's log to a fresh parser (after a restart). */
static void
engine_replay_log(struct ejob *ej)
{
	char buf[65536], *path;
	ssize_t n;
	int fd;

	if ((path = rjob_log_path(ej->job->id, NULL)) == NULL)
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		while ((n = read(fd, buf, sizeof buf)) > 0)
			v2vlog_feed(ej->log, buf, (size_t)n);
		close(fd);
	}
	free(path);
}

/* The remote job ended (seen by its follower, or found on a restart). */
static void
engine_remote_ended(struct engine *e, struct ejob *ej)
{
	struct rjob *rj = ej->rj;

	switch (rj->state) {
	case RJOB_DONE:
		v2vlog_end(ej->log);
		engine_set_phase(ej, "Reading back the result");
		engine_move(e, ej, JOB_FINISHING);
		engine_spawn(e, ej, TASK_FINISH, 0, 0);
		break;
	case RJOB_CANCELLED:
		engine_move(e, ej, JOB_CANCELLED);
		engine_spawn(e, ej, TASK_CLEAN, 0, 1);
		break;
	default:
		free(ej->job->error);
		ej->job->error = engine_v2v_error(ej);
		engine_move(e, ej, JOB_FAILED);
		engine_spawn(e, ej, TASK_CLEAN, 0, 1);
		break;
	}
}

/*
 * Take a job on as its driver, from whatever state its record holds: the
 * step that was under way when the last driver stopped is done again (each
 * one can be).
 */
static void
engine_adopt(struct engine *e, struct ejob *ej)
{
	struct job *job = ej->job;
	char *cause = NULL;

	v2vlog_free(ej->log);
	ej->log = v2vlog_new();
	if (job->proxy != NULL)
		ej->ep = engine_eproxy(e, job->proxy);
	if (ej->rj == NULL && job->proxy != NULL &&
	    (job->remote || job->state == JOB_PREPARING)) {
		if ((ej->rj = rjob_load(job->id, &cause)) != NULL)
			job->remote = 1;
		free(cause);
		cause = NULL;
	}
	if (ej->rj != NULL)
		engine_replay_log(ej);
	if (job_is_final(job->state)) {
		/* Ended, but its clean-up had not finished. */
		if (job->proxy == NULL)
			engine_deactivate(e, ej);
		else
			engine_spawn(e, ej, TASK_CLEAN, 0,
			    job->state != JOB_DONE);
		return;
	}
	if (job->cancel && job->state == JOB_QUEUED) {
		engine_move(e, ej, JOB_CANCELLED);
		engine_deactivate(e, ej);
		return;
	}
	if (job->cancel && job->state != JOB_FINISHING &&
	    job->proxy != NULL) {
		engine_spawn(e, ej, TASK_CLEAN, job->remote, 1);
		return;
	}
	switch (job->state) {
	case JOB_PREPARING:
		if (ej->rj == NULL) {
			engine_spawn(e, ej, TASK_START, 0, 0);
			break;
		}
		engine_move(e, ej, JOB_CONVERTING);
		/* FALLTHROUGH */
	case JOB_CONVERTING:
		if (ej->rj == NULL) {
			engine_fail(e, ej, "the record of its remote job is "
			    "missing here: the conversion may still run on the "
			    "proxy; look in its job directory");
			engine_deactivate(e, ej);
		} else if (ej->rj->state != RJOB_RUNNING)
			engine_remote_ended(e, ej);
		break;
	case JOB_FINISHING:
		engine_spawn(e, ej, TASK_FINISH, 0, 0);
		break;
	default:
		break;
	}
}

static struct ejob *
engine_track(struct engine *e, struct job *job)
{
	struct ejob *ej;

	ej = xcalloc(1, sizeof *ej);
	ej->job = job;
	ej->active = 1;
	ej->log = v2vlog_new();
	e->jobs = xappend(e->jobs, &e->njobs, sizeof *e->jobs);
	e->jobs[e->njobs - 1] = ej;
	return ej;
}

static int
engine_mtime(const char *id, struct timespec *ts)
{
	struct stat sb;
	char *path;
	int rc;

	if ((path = jobstore_path(id, "import.json", 0, NULL)) == NULL)
		return -1;
	rc = stat(path, &sb);
	free(path);
	if (rc != 0)
		return -1;
	*ts = sb.st_mtim;
	return 0;
}

/*
 * Read the active list again: new jobs are tracked (and adopted by a
 * driver); a watcher reloads the records that changed.
 */
static void
engine_rescan(struct engine *e)
{
	struct ejob *ej;
	struct job *job;
	struct timespec ts;
	char **ids, *cause = NULL;
	size_t n, i, k;
	int found;

	if ((ids = jobstore_active(&n, &cause)) == NULL) {
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		ej = engine_ejob(e, ids[i]);
		if (ej != NULL && e->lockfd >= 0)
			continue;
		if (engine_mtime(ids[i], &ts) != 0)
			continue;
		if (ej != NULL && ts.tv_sec == ej->mtime.tv_sec &&
		    ts.tv_nsec == ej->mtime.tv_nsec)
			continue;
		if ((job = jobstore_load(ids[i], &cause)) == NULL) {
			free(cause);
			cause = NULL;
			continue;
		}
		if (ej == NULL) {
			ej = engine_track(e, job);
			ej->mtime = ts;
			if (e->lockfd >= 0)
				engine_adopt(e, ej);
			else
				engine_changed(e, ej);
		} else {
			job_free(ej->job);
			ej->job = job;
			ej->mtime = ts;
			engine_changed(e, ej);
		}
	}
	/* Watching: jobs that left the list have their last record read. */
	for (k = 0; k < e->njobs && e->lockfd < 0; k++) {
		ej = e->jobs[k];
		if (!ej->active)
			continue;
		for (found = 0, i = 0; i < n && !found; i++)
			found = strcmp(ids[i], ej->job->id) == 0;
		if (found)
			continue;
		ej->active = 0;
		if ((job = jobstore_load(ej->job->id, &cause)) != NULL) {
			job_free(ej->job);
			ej->job = job;
		}
		free(cause);
		cause = NULL;
		engine_changed(e, ej);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* A watcher whose driver died takes over. */
static void
engine_take_over(struct engine *e)
{
	struct job *job;
	char *cause = NULL;
	size_t i;
	int fd;

	if ((fd = jobstore_driver_lock(&cause)) < 0) {
		free(cause);
		return;
	}
	e->lockfd = fd;
	for (i = 0; i < e->njobs; i++) {
		if (!e->jobs[i]->active)
			continue;
		if ((job = jobstore_load(e->jobs[i]->job->id, &cause)) !=
		    NULL) {
			job_free(e->jobs[i]->job);
			e->jobs[i]->job = job;
		}
		free(cause);
		cause = NULL;
		engine_adopt(e, e->jobs[i]);
	}
}

/* ----------------------------------------------------------- scheduling */

static int
engine_running(enum job_state s)
{
	return s == JOB_PREPARING || s == JOB_CONVERTING || s == JOB_FINISHING;
}

static unsigned
engine_count(struct engine *e, const char *proxy, const char *host)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < e->njobs; i++) {
		const struct job *j = e->jobs[i]->job;

		if (!engine_running(j->state))
			continue;
		if (proxy != NULL && str_eq(j->proxy, proxy))
			n++;
		else if (host != NULL && str_eq(j->source_host, host))
			n++;
	}
	return n;
}

static int
engine_cmp_queued(const struct ejob *a, const struct ejob *b)
{
	if (a->job->size != b->job->size)
		return a->job->size > b->job->size ? -1 : 1;
	return strcmp(a->job->id, b->job->id);
}

/* Start queued jobs while proxies and source hosts have room. */
static void
engine_schedule(struct engine *e)
{
	struct proxy **list;
	struct ejob *best, *ej;
	const struct proxy *p, *pick;
	char *cause = NULL;
	size_t n, i, k, l;
	unsigned used, least;

	if (!(e->flags & ENGINE_START))
		return;
	for (i = 0; i < e->njobs; i++)
		if (e->jobs[i]->job->state == JOB_QUEUED)
			break;
	if (i == e->njobs)
		return;
	if ((list = proxy_load(&n, &cause)) == NULL) {
		free(cause);
		return;
	}
	for (;;) {
		best = NULL;
		pick = NULL;
		for (i = 0; i < e->njobs; i++) {
			ej = e->jobs[i];
			if (ej->job->state != JOB_QUEUED || ej->busy != NULL ||
			    ej->job->cancel)
				continue;
			if (best != NULL && engine_cmp_queued(ej, best) > 0)
				continue;
			if (ej->job->source_host != NULL &&
			    ej->job->host_limit > 0 && engine_count(e, NULL,
			    ej->job->source_host) >= ej->job->host_limit)
				continue;
			p = NULL;
			least = 0;
			for (k = 0; k < ej->job->nproxies; k++) {
				for (l = 0; l < n; l++)
					if (strcmp(list[l]->name,
					    ej->job->proxies[k]) == 0)
						break;
				if (l == n)
					continue;
				used = engine_count(e, list[l]->name, NULL);
				if (used >= list[l]->max_jobs)
					continue;
				if (p == NULL || used < least) {
					p = list[l];
					least = used;
				}
			}
			if (p == NULL)
				continue;
			best = ej;
			pick = p;
		}
		if (best == NULL)
			break;
		free(best->job->proxy);
		best->job->proxy = xstrdup(pick->name);
		best->ep = engine_eproxy(e, pick->name);
		engine_set_phase(best, "Preparing");
		engine_move(e, best, JOB_PREPARING);
		engine_spawn(e, best, TASK_START, 0, 0);
	}
	proxy_list_free(list, n);
}

/* ----------------------------------------------------------------- tick */

static void
engine_tick(struct engine *e)
{
	struct eproxy *ep;
	struct econn *ec;
	struct ejob *ej;
	char *cause = NULL;
	time_t now = time(NULL);
	size_t i, k, n;

	if (e->lockfd < 0 && !(e->flags & ENGINE_WATCH))
		engine_take_over(e);
	engine_rescan(e);
	if (e->lockfd < 0)
		return;
	for (i = 0; i < e->njobs; i++) {
		ej = e->jobs[i];
		if (ej->active && !ej->job->cancel &&
		    !job_is_final(ej->job->state) &&
		    jobstore_cancel_requested(ej->job->id) &&
		    engine_cancel(e, ej->job->id, &cause) != 0) {
			free(cause);
			cause = NULL;
		}
		if (ej->start_at != 0 && ej->busy == NULL &&
		    (ej->job->cancel || now >= ej->start_at)) {
			ej->start_at = 0;
			if (!ej->job->cancel &&
			    ej->job->state == JOB_PREPARING) {
				engine_set_phase(ej, "Starting again");
				engine_spawn(e, ej, TASK_START, 0, 0);
			}
		}
		if (ej->busy != NULL && ej->busy->kind == TASK_START) {
			engine_upload_phase(ej);
			if (ej->dirty)
				engine_changed(e, ej);
		}
		if (ej->dirty && now - ej->saved >= ENGINE_SAVE_EVERY)
			engine_save(e, ej);
	}
	engine_schedule(e);
	for (k = 0; k < e->nproxies; k++) {
		ep = e->proxies[k];
		engine_follow(e, ep);
		/* Sessions nobody follows on any more are closed. */
		for (i = 0; i < ep->nconns;) {
			ec = ep->conns[i];
			if (!ec->connecting && ec->nfollow == 0) {
				for (n = 0; n < e->npollmap; n++)
					if (e->pollmap[n] == ec)
						e->pollmap[n] = NULL;
				engine_conn_free(ec);
			} else
				i++;
		}
	}
}

/* ------------------------------------------------------------------ API */

struct engine *
engine_new(int flags, const struct engine_ops *ops, void *arg, char **cause)
{
	struct engine *e;
	const char *s;
	char *end;
	long v;
	int fd;

	if (flags & ENGINE_WATCH)
		fd = -1;
	else if ((fd = jobstore_driver_lock(cause)) == -2)
		return NULL;
	e = xcalloc(1, sizeof *e);
	e->flags = flags;
	/* A slow link may need longer; a test, shorter. */
	e->idle = ENGINE_IDLE;
	if ((s = getenv("VIRT_IMPORT_IDLE_TIMEOUT")) != NULL && *s != '\0') {
		v = strtol(s, &end, 10);
		if (*end == '\0' && v >= 2 && v <= 3600)
			e->idle = (unsigned)v;
	}
	e->heartbeat = e->idle / 4 < ENGINE_HEARTBEAT ? e->idle / 4 :
	    ENGINE_HEARTBEAT;
	if (e->heartbeat == 0)
		e->heartbeat = 1;
	e->lockfd = fd;
	e->ops = ops;
	e->arg = arg;
	if (pipe2(e->pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		fatalx("pipe: %s", strerror(errno));
	/* Workers block on a full pipe rather than lose a result. */
	fcntl(e->pipe[1], F_SETFL, 0);
	engine_rescan(e);
	e->next_tick = engine_now();
	return e;
}

int
engine_driving(const struct engine *e)
{
	return e->lockfd >= 0;
}

void
engine_free(struct engine *e)
{
	struct pollfd pfd;
	size_t i;

	if (e == NULL)
		return;
	/* Workers hold pointers into the engine: let them finish. */
	while (e->workers > 0) {
		pfd.fd = e->pipe[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, -1) > 0)
			engine_results(e);
	}
	for (i = 0; i < e->njobs; i++) {
		rjob_follow_free(e->jobs[i]->f);
		if (e->jobs[i]->dirty && e->lockfd >= 0)
			jobstore_save(e->jobs[i]->job, NULL);
		job_free(e->jobs[i]->job);
		rjob_free(e->jobs[i]->rj);
		v2vlog_free(e->jobs[i]->log);
		free(e->jobs[i]);
	}
	free(e->jobs);
	for (i = 0; i < e->nproxies; i++) {
		while (e->proxies[i]->nconns > 0)
			engine_conn_free(e->proxies[i]->conns[0]);
		free(e->proxies[i]->conns);
		free(e->proxies[i]->name);
		free(e->proxies[i]->error);
		free(e->proxies[i]);
	}
	free(e->proxies);
	free(e->pollmap);
	close(e->pipe[0]);
	close(e->pipe[1]);
	if (e->lockfd >= 0)
		close(e->lockfd);
	free(e);
}

/* The jobs this engine knows: active ones, and those it saw end. */
struct job *
engine_job(const struct engine *e, size_t i)
{
	return i < e->njobs ? e->jobs[i]->job : NULL;
}

size_t
engine_njobs(const struct engine *e)
{
	return e->njobs;
}

const struct job *
engine_find(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->njobs; i++)
		if (strcmp(e->jobs[i]->job->id, id) == 0)
			return e->jobs[i]->job;
	return NULL;
}

/* Is the job over: final, and its clean-up done? */
int
engine_settled(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->njobs; i++)
		if (strcmp(e->jobs[i]->job->id, id) == 0)
			return job_is_final(e->jobs[i]->job->state) &&
			    !e->jobs[i]->active && e->jobs[i]->busy == NULL;
	return 1;
}

/* Why following on proxy name stalls (NULL: it does not). */
const char *
engine_proxy_error(const struct engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nproxies; i++)
		if (strcmp(e->proxies[i]->name, name) == 0)
			return e->proxies[i]->error;
	return NULL;
}

size_t
engine_pollfds(struct engine *e, struct pollfd *pfd, size_t max)
{
	struct econn *ec;
	size_t n = 0, i, k;

	if (max == 0)
		return 0;
	pfd[n].fd = e->pipe[0];
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	e->npollmap = 0;
	for (i = 0; i < e->nproxies; i++) {
		for (k = 0; k < e->proxies[i]->nconns && n < max; k++) {
			ec = e->proxies[i]->conns[k];
			if (ec->m == NULL)
				continue;
			pfd[n].fd = sshm_fd(ec->m);
			pfd[n].events = sshm_events(ec->m);
			pfd[n++].revents = 0;
			e->pollmap = xreallocarray(e->pollmap, n - 1,
			    sizeof *e->pollmap);
			e->pollmap[n - 2] = ec;
			e->npollmap = n - 1;
		}
	}
	return n;
}

/*
 * How many pollfds engine_pollfds fills at most now: its pipe and one per
 * session.  A caller sizes its array with it on every turn: with 8 jobs a
 * session, 500 jobs need 63 sessions, and a session left out of poll()
 * never reads what its followers print.
 */
size_t
engine_npollfds(const struct engine *e)
{
	size_t n = 1, i, k;

	for (i = 0; i < e->nproxies; i++)
		for (k = 0; k < e->proxies[i]->nconns; k++)
			n += e->proxies[i]->conns[k]->m != NULL;
	return n;
}

int
engine_timeout(const struct engine *e)
{
	long t = engine_ms_until(e->next_tick);
	int s;
	size_t i, k;

	if (t < 0)
		t = 0;
	for (i = 0; i < e->nproxies; i++) {
		for (k = 0; k < e->proxies[i]->nconns; k++) {
			if (e->proxies[i]->conns[k]->m == NULL)
				continue;
			s = sshm_timeout(e->proxies[i]->conns[k]->m);
			if (s >= 0 && s < t)
				t = s;
		}
	}
	return (int)t;
}

void
engine_dispatch(struct engine *e, const struct pollfd *pfd, size_t n)
{
	struct econn *ec;
	size_t i;

	/* Sessions first: results may close some (pollmap says which). */
	for (i = 0; i < e->npollmap && i + 1 < n; i++) {
		if ((ec = e->pollmap[i]) == NULL || ec->m == NULL ||
		    pfd[i + 1].fd != sshm_fd(ec->m))
			continue;
		if (sshm_step(ec->m, (pfd[i + 1].revents & (POLLIN | POLLHUP |
		    POLLERR)) != 0) != 0)
			engine_conn_down(e, ec, sshm_error(ec->m));
	}
	e->npollmap = 0;
	if (n > 0 && (pfd[0].revents & POLLIN))
		engine_results(e);
	if (engine_ms_until(e->next_tick) <= 0) {
		engine_tick(e);
		e->next_tick = engine_now();
		e->next_tick.tv_nsec += ENGINE_TICK_MS * 1000000L;
		if (e->next_tick.tv_nsec >= 1000000000L) {
			e->next_tick.tv_sec++;
			e->next_tick.tv_nsec -= 1000000000L;
		}
	}
}

/*
 * Cancel a job.  A driver stops it now (the remote job is killed and its
 * partial output removed by a worker); anyone else leaves a request the
 * driver acts on within a tick.
 */
int
engine_cancel(struct engine *e, const char *id, char **cause)
{
	struct ejob *ej = engine_ejob(e, id);
	const struct job *job;
	struct job *loaded = NULL;

	job = ej != NULL ? ej->job : (loaded = jobstore_load(id, cause));
	if (job == NULL)
		return -1;
	if (job_is_final(job->state)) {
		cause_set(cause, "job %s (VM '%s') has already ended: %s", id,
		    job->vm, job_state_name(job->state));
		job_free(loaded);
		return -1;
	}
	if (job->state == JOB_FINISHING) {
		cause_set(cause, "job %s (VM '%s') has converted already and is "
		    "reading back the result: let it end, then remove the VM "
		    "at the destination if it is not wanted", id, job->vm);
		job_free(loaded);
		return -1;
	}
	job_free(loaded);
	if (e->lockfd < 0 || ej == NULL)
		return jobstore_request_cancel(id, cause);
	if (ej->job->cancel)
		return 0;
	ej->job->cancel = 1;
	engine_set_phase(ej, "Cancelling");
	engine_save(e, ej);
	if (ej->busy != NULL)
		return 0;	/* its start decides when it returns */
	if (ej->job->state == JOB_QUEUED) {
		engine_move(e, ej, JOB_CANCELLED);
		engine_deactivate(e, ej);
		return 0;
	}
	engine_spawn(e, ej, TASK_CLEAN, ej->job->remote, 1);
	return 0;
}

/* ------------------------------------------------------------- queueing */

/* The host of a source URI (vpx://user@HOST:port/...), for its limit. */
char *
engine_source_host(const struct source *src)
{
	const char *p, *end, *at;

	if (src->kind != SOURCE_LIBVIRT ||
	    (p = strstr(src->location, "://")) == NULL)
		return NULL;
	p += 3;
	end = p + strcspn(p, "/?");
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL)
		p = at + 1;
	if (*p == '[')
		end = memchr(p, ']', (size_t)(end - p)) != NULL ?
		    (const char *)memchr(p, ']', (size_t)(end - p)) + 1 : end;
	else if (memchr(p, ':', (size_t)(end - p)) != NULL)
		end = memchr(p, ':', (size_t)(end - p));
	if (end == p)
		return NULL;
	return xstrndup(p, (size_t)(end - p));
}

/* Is VM vm of source src in a job that has not ended? */
static const char *
engine_locked(struct engine *e, const char *src, const char *vm,
    struct job **active, size_t nactive)
{
	size_t i;

	for (i = 0; e != NULL && i < e->njobs; i++) {
		const struct job *j = e->jobs[i]->job;

		if (!job_is_final(j->state) && str_eq(j->source, src) &&
		    strcmp(j->vm, vm) == 0)
			return j->id;
	}
	for (i = 0; i < nactive; i++) {
		if (!job_is_final(active[i]->state) &&
		    str_eq(active[i]->source, src) &&
		    strcmp(active[i]->vm, vm) == 0)
			return active[i]->id;
	}
	return NULL;
}

/*
 * The plan's VMs that are in jobs not ended (this engine's, or any
 * process's active ones): -1 and a cause naming each with its job and
 * saying how to carry them on, or to import one again.
 */
static int
engine_check_locked(struct engine *e, const struct plan *plan, char **cause)
{
	struct job **active = NULL, *job;
	const char *lock, *first = NULL, *them;
	char **aids, *list = NULL, *s, *how;
	size_t i, naids, nactive = 0, nlocked = 0;
	int fd, driven;

	if ((aids = jobstore_active(&naids, cause)) == NULL)
		return -1;
	for (i = 0; i < naids; i++) {
		if ((job = jobstore_load(aids[i], NULL)) != NULL) {
			active = xappend(active, &nactive, sizeof *active);
			active[nactive - 1] = job;
		}
		free(aids[i]);
	}
	free(aids);
	for (i = 0; i < plan->nitems; i++) {
		lock = engine_locked(e, plan->source->location,
		    plan->items[i].vm, active, nactive);
		if (lock == NULL)
			continue;
		if (first == NULL)
			first = lock;
		xasprintf(&s, "%s%s'%s' (job %s)", list != NULL ? list : "",
		    list != NULL ? ", " : "", plan->items[i].vm, lock);
		free(list);
		list = s;
		nlocked++;
	}
	if (nlocked == 0) {
		jobstore_list_free(active, nactive);
		return 0;
	}
	/* Nobody drives them (their virt-import was killed): say so. */
	if (e != NULL && e->lockfd >= 0)
		driven = 1;
	else if ((fd = jobstore_driver_lock(NULL)) >= 0) {
		close(fd);
		driven = 0;
	} else
		driven = 1;
	them = nlocked == 1 ? "it" : "them";
	if (driven)
		xasprintf(&how, "follow %s with 'virt-import jobs --follow'",
		    them);
	else
		xasprintf(&how, "no virt-import drives %s now (the one that "
		    "started %s stopped): 'virt-import jobs --follow' carries "
		    "%s on to the end", them, them, them);
	cause_set(cause, "VM%s %s %s locked: %s importing %s, and nothing of "
	    "this plan was queued; %s ('virt-import log %s --follow' shows "
	    "one); to import %s again, 'virt-import cancel' %s first",
	    nlocked == 1 ? "" : "s", list, nlocked == 1 ? "is" : "are",
	    nlocked == 1 ? "its job is" : "their jobs are", them, how, first,
	    nlocked == 1 ? "it" : "one", nlocked == 1 ? "the job" : "its job");
	free(how);
	free(list);
	jobstore_list_free(active, nactive);
	return -1;
}

/*
 * Refuse a plan that names a VM in a job that has not ended, before
 * anything looks at it: a second run of a batch whose virt-import was
 * killed neither judges nor starts anything (pre-flight would take the
 * running jobs' partial output for a name clash).
 */
int
engine_check_plan(const struct plan *plan, char **cause)
{
	return engine_check_locked(NULL, plan, cause);
}

/*
 * Queue every VM of a plan (checked by pre-flight before) as one job each.
 * vms: each item's inspected VM (for its size), or NULL.  All or nothing:
 * a VM already in a running job refuses the whole batch.  *ids gets the new
 * job ids (NULL-terminated).
 */
int
engine_queue(struct engine *e, const struct plan *plan,
    const struct vm *const *vms, char ***ids, char **cause)
{
	struct json_object *root, *one, *arr, *only;
	struct proxy **list = NULL;
	struct job **jobs, *job;
	const struct plan_item *it;
	const char *pname;
	char *run, *text;
	size_t i, k, n = 0;
	int rc = -1, qlock;

	*ids = NULL;
	if (plan->nitems == 0) {
		cause_set(cause, "the plan has no VMs: add some to its \"vms\"");
		return -1;
	}
	/* What runs now, also in other processes' batches: the queue's lock
	   is held from the check until this batch's jobs are active. */
	if ((qlock = jobstore_queue_lock(cause)) == -1)
		return -1;
	if (engine_check_locked(e, plan, cause) != 0) {
		close(qlock);
		return -1;
	}

	run = rjob_new_id();
	root = planjson_plan(plan);
	jobs = xcalloc(plan->nitems, sizeof *jobs);
	for (i = 0; i < plan->nitems; i++) {
		it = &plan->items[i];
		job = jobs[i] = job_new(run, it->vm, time(NULL));
		free(job->id);
		job->id = rjob_new_id();
		for (k = 0; k < i; k++)	/* one second, 48 random bits */
			if (strcmp(jobs[k]->id, job->id) == 0)
				fatalx("engine: job ids collided");
		job->run = xstrdup(run);
		job->source = xstrdup(plan->source->location);
		job->target = xstrdup(it->target);
		job->source_host = engine_source_host(plan->source);
		job->host_limit = plan->host_limit != 0 ? plan->host_limit :
		    source_is_vmware(plan->source) ? PLAN_VMWARE_HOST_LIMIT : 0;
		job->size = vms != NULL && vms[i] != NULL ?
		    vm_capacity(vms[i]) : 0;
		pname = it->proxy != NULL ? it->proxy : plan->proxy;
		if (pname == NULL || strcmp(pname, "any") == 0) {
			if (list == NULL && (list = proxy_load(&n, cause)) ==
			    NULL)
				goto out;
			for (k = 0; k < n; k++) {
				job->proxies = xappend(job->proxies,
				    &job->nproxies, sizeof *job->proxies);
				job->proxies[job->nproxies - 1] =
				    xstrdup(list[k]->name);
			}
			if (n == 0) {
				cause_set(cause, "the plan says any proxy, but "
				    "none is saved: add one with 'virt-import "
				    "proxy add'");
				goto out;
			}
		} else {
			job->proxies = xcalloc(1, sizeof *job->proxies);
			job->proxies[0] = xstrdup(pname);
			job->nproxies = 1;
		}
		/* The job's plan: the batch's, with this VM only. */
		one = NULL;
		if (json_object_deep_copy(root, &one, NULL) != 0 ||
		    !json_object_object_get_ex(root, "vms", &arr) ||
		    !json_object_is_type(arr, json_type_array))
			fatalx("engine: the plan's JSON has no vms");
		only = json_object_new_array();
		json_object_array_add(only, json_object_get(
		    json_object_array_get_idx(arr, i)));
		json_object_object_add(one, "vms", only);
		job->plan = xstrdup(json_object_to_json_string_ext(one,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(one);
	}
	text = xstrdup(json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = jobstore_save_plan(run, text, cause);
	free(text);
	if (rc != 0)
		goto out;
	/* Records first, then the active marks: a half-queued batch is
	   removed again, so it never starts in part. */
	for (i = 0; i < plan->nitems && rc == 0; i++)
		rc = jobstore_save(jobs[i], cause);
	for (k = 0; k < plan->nitems && rc == 0; k++)
		rc = jobstore_activate(jobs[k]->id, 1, cause);
	if (rc != 0) {
		for (k = 0; k < plan->nitems; k++)
			jobstore_activate(jobs[k]->id, 0, NULL);
		goto out;
	}
	*ids = xcalloc(plan->nitems + 1, sizeof **ids);
	for (i = 0; i < plan->nitems; i++) {
		(*ids)[i] = xstrdup(jobs[i]->id);
		engine_track(e, jobs[i]);
		jobs[i] = NULL;
		if (e->lockfd >= 0)
			engine_changed(e, e->jobs[e->njobs - 1]);
	}
	/* Started by the next tick, once the caller knows the ids. */
out:
	close(qlock);
	for (i = 0; i < plan->nitems; i++)
		job_free(jobs[i]);
	free(jobs);
	free(run);
	json_object_put(root);
	proxy_list_free(list, n);
	return rc;
}
