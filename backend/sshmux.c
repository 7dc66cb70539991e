/*
 * sshmux.c: many commands at once on one SSH session, driven from the
 * caller's poll() loop.
 *
 * The session is switched to non-blocking mode; each command is an exec
 * channel with its own little state machine (opening, starting, running),
 * stepped whenever the socket is readable or a short tick passes.  Output
 * goes to the command's callbacks as it arrives; the exit status or signal
 * ends it.
 *
 * libssh 0.10 has no keepalive and says nothing when the server stops
 * answering (a SIGSTOPped sshd, a dead route), so liveness is ours: when
 * a command is waiting and nothing at all has come from the server for the
 * idle timeout, the session is declared hung and every command on it fails.
 * Long-running commands started through this engine write a heartbeat to
 * stay inside that timeout (see rjob.c).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "backend.h"

enum sshm_state {
	SSHM_OPENING,		/* channel open sent */
	SSHM_STARTING,		/* exec request sent */
	SSHM_RUNNING,
	SSHM_DONE
};

struct sshm_chan {
	struct sshm		*m;
	ssh_channel		 ch;
	enum sshm_state		 state;
	char			*line;		/* the quoted command */
	struct ssh_channel_callbacks_struct cb;
	int			 got_exit;
	int			 status;
	char			*signal;
	const struct sshm_ops	*ops;
	void			*arg;
};

struct sshm {
	struct sshc		*c;
	ssh_session		 s;
	ssh_event		 ev;		/* handles the session's packets */
	struct sshm_chan	**chans;
	size_t			 nchans;
	unsigned		 idle_ms;	/* hung after this much silence */
	uint64_t		 last_rx;	/* ms, monotonic */
	int			 dead;
	char			*error;
};

static uint64_t
sshm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sshm_on_status(ssh_session s, ssh_channel ch, int status, void *arg)
{
	struct sshm_chan *k = arg;

	(void)s;
	(void)ch;
	k->got_exit = 1;
	k->status = status;
}

static void
sshm_on_signal(ssh_session s, ssh_channel ch, const char *sig, int core,
    const char *msg, const char *lang, void *arg)
{
	struct sshm_chan *k = arg;

	(void)s;
	(void)ch;
	(void)core;
	(void)msg;
	(void)lang;
	k->got_exit = 1;
	k->status = -1;
	free(k->signal);
	k->signal = xstrdup(sig != NULL ? sig : "?");
}

/*
 * An engine on a connected session.  idle_seconds: how long the server may
 * stay silent while a command waits before the session counts as hung.
 */
struct sshm *
sshm_new(struct sshc *c, unsigned idle_seconds)
{
	struct sshm *m;

	m = xcalloc(1, sizeof *m);
	m->c = c;
	m->s = sshc_session(c);
	m->idle_ms = (idle_seconds == 0 ? 30 : idle_seconds) * 1000;
	m->last_rx = sshm_now();
	ssh_set_blocking(m->s, 0);
	if ((m->ev = ssh_event_new()) == NULL ||
	    ssh_event_add_session(m->ev, m->s) != SSH_OK)
		fatalx("ssh_event_new: out of memory");
	return m;
}

static void
sshm_chan_release(struct sshm_chan *k)
{
	if (k->ch != NULL) {
		/*
		 * libssh keeps a channel the server has not closed yet (until
		 * its close comes) and would still call our callbacks, which
		 * live in k, for its exit-status or exit-signal: take them off
		 * before k goes.
		 */
		ssh_remove_channel_callbacks(k->ch, &k->cb);
		if (!k->m->dead && ssh_channel_is_open(k->ch))
			ssh_channel_close(k->ch);
		ssh_channel_free(k->ch);
	}
	free(k->signal);
	free(k->line);
	free(k);
}

/* Free the engine and its commands (without calling their callbacks). */
void
sshm_free(struct sshm *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nchans; i++)
		sshm_chan_release(m->chans[i]);
	free(m->chans);
	free(m->error);
	ssh_event_remove_session(m->ev, m->s);
	ssh_event_free(m->ev);
	if (!m->dead)
		ssh_set_blocking(m->s, 1);
	free(m);
}

struct sshc *
sshm_sshc(struct sshm *m)
{
	return m->c;
}

int
sshm_dead(const struct sshm *m)
{
	return m->dead;
}

const char *
sshm_error(const struct sshm *m)
{
	return m->error;
}

/* The commands that have not ended yet. */
size_t
sshm_count(const struct sshm *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->nchans; i++)
		if (m->chans[i]->state != SSHM_DONE)
			n++;
	return n;
}

/*
 * Start argv on the proxy.  Its output goes to ops->data, its end to
 * ops->done (exactly once, after which the engine frees the command).
 */
struct sshm_chan *
sshm_exec(struct sshm *m, const char *const *argv, const struct sshm_ops *ops,
    void *arg, char **cause)
{
	struct sshm_chan *k;
	char *line;

	if (m->dead) {
		cause_set(cause, "%s", m->error);
		return NULL;
	}
	if ((line = sshc_command(argv, cause)) == NULL)
		return NULL;
	k = xcalloc(1, sizeof *k);
	k->m = m;
	k->line = line;
	k->ops = ops;
	k->arg = arg;
	k->state = SSHM_OPENING;
	if ((k->ch = ssh_channel_new(m->s)) == NULL)
		fatalx("ssh_channel_new: out of memory");
	k->cb.userdata = k;
	k->cb.channel_exit_status_function = sshm_on_status;
	k->cb.channel_exit_signal_function = sshm_on_signal;
	ssh_callbacks_init(&k->cb);
	ssh_set_channel_callbacks(k->ch, &k->cb);
	m->chans = xreallocarray(m->chans, m->nchans + 1, sizeof *m->chans);
	m->chans[m->nchans++] = k;
	/* The idle clock starts with the first command to wait for. */
	if (sshm_count(m) == 1)
		m->last_rx = sshm_now();
	return k;
}

/* Stop waiting for a command: its callbacks are not called again. */
void
sshm_abandon(struct sshm_chan *k)
{
	k->ops = NULL;
}

/* The socket and the events to poll it for. */
int
sshm_fd(const struct sshm *m)
{
	return m->dead ? -1 : ssh_get_fd(m->s);
}

short
sshm_events(const struct sshm *m)
{
	short ev = POLLIN;

	if (!m->dead && (ssh_get_poll_flags(m->s) & SSH_WRITE_PENDING))
		ev |= POLLOUT;
	return ev;
}

/* How long (ms) the caller may sleep before the next sshm_step. */
int
sshm_timeout(const struct sshm *m)
{
	uint64_t now = sshm_now(), due;
	size_t i;
	int busy = 0;

	if (m->dead || sshm_count(m) == 0)
		return -1;
	for (i = 0; i < m->nchans; i++)
		if (m->chans[i]->state != SSHM_RUNNING)
			busy = 1;
	if (busy)
		return 10;
	due = m->last_rx + m->idle_ms;
	if (due <= now)
		return 0;
	return due - now > 1000 ? 1000 : (int)(due - now);
}

static void
sshm_finish(struct sshm_chan *k, const char *error)
{
	struct sshm_exit e;
	const struct sshm_ops *ops = k->ops;

	k->state = SSHM_DONE;
	if (ops == NULL || ops->done == NULL)
		return;
	k->ops = NULL;
	memset(&e, 0, sizeof e);
	e.error = error;
	e.status = k->status;
	e.signal = k->signal;
	ops->done(k->arg, &e);
}

/* The session is dead: hung (the server went silent) or broken. */
static void
sshm_kill(struct sshm *m, int hung, const char *detail)
{
	size_t i;

	if (m->dead)
		return;
	m->dead = 1;
	if (hung)
		xasprintf(&m->error, "%s stopped answering: nothing came for "
		    "%s; check that the host and its sshd are not stalled",
		    sshc_where(m->c), detail);
	else
		xasprintf(&m->error, "the connection to %s broke: %s",
		    sshc_where(m->c), detail);
	for (i = 0; i < m->nchans; i++)
		if (m->chans[i]->state != SSHM_DONE)
			sshm_finish(m->chans[i], m->error);
}

/* Advance one command; 1 if something happened. */
static int
sshm_step_chan(struct sshm *m, struct sshm_chan *k)
{
	char buf[32768];
	int n, stream, rc, moved = 0;

	switch (k->state) {
	case SSHM_OPENING:
		rc = ssh_channel_open_session(k->ch);
		if (rc == SSH_AGAIN)
			return 0;
		if (rc != SSH_OK) {
			sshm_finish(k, ssh_get_error(m->s));
			return 1;
		}
		k->state = SSHM_STARTING;
		/* FALLTHROUGH */
	case SSHM_STARTING:
		rc = ssh_channel_request_exec(k->ch, k->line);
		if (rc == SSH_AGAIN)
			return 1;
		if (rc != SSH_OK) {
			sshm_finish(k, ssh_get_error(m->s));
			return 1;
		}
		ssh_channel_send_eof(k->ch);
		k->state = SSHM_RUNNING;
		moved = 1;
		/* FALLTHROUGH */
	case SSHM_RUNNING:
		for (stream = 0; stream <= 1; stream++) {
			while ((n = ssh_channel_read_nonblocking(k->ch, buf,
			    sizeof buf, stream)) > 0) {
				moved = 1;
				if (k->ops != NULL && k->ops->data != NULL)
					k->ops->data(k->arg, stream, buf,
					    (size_t)n);
				if (k->state == SSHM_DONE || m->dead)
					return 1;
			}
			if (n == SSH_ERROR) {
				sshm_kill(m, 0, ssh_get_error(m->s));
				return 1;
			}
		}
		if ((ssh_channel_is_eof(k->ch) && k->got_exit) ||
		    ssh_channel_is_closed(k->ch)) {
			if (!k->got_exit)
				k->status = ssh_channel_get_exit_status(k->ch);
			sshm_finish(k, NULL);
			return 1;
		}
		return moved;
	case SSHM_DONE:
		break;
	}
	return 0;
}

/*
 * Handle what the server sent.  readable: the caller's poll() saw input on
 * sshm_fd (the server is alive).  Returns -1 once the session is dead
 * (broken or hung): every command on it has had its done callback with
 * the reason, and sshm_error says it.
 */
int
sshm_step(struct sshm *m, int readable)
{
	struct sshm_chan *k;
	size_t i, j;
	uint64_t now;
	int rc;

	if (m->dead)
		return -1;
	now = sshm_now();
	if (readable)
		m->last_rx = now;
	/* Handle the packets that came (exit statuses, window changes). */
	rc = ssh_event_dopoll(m->ev, 0);
	if (rc == SSH_ERROR || !ssh_is_connected(m->s)) {
		sshm_kill(m, 0, ssh_get_error(m->s));
		goto compact;
	}
	for (i = 0; i < m->nchans && !m->dead; i++) {
		if ((k = m->chans[i])->state == SSHM_DONE)
			continue;
		if (sshm_step_chan(m, k))
			m->last_rx = sshm_now();
	}
	if (!m->dead && sshm_count(m) > 0 &&
	    sshm_now() - m->last_rx >= m->idle_ms) {
		char secs[32];

		snprintf(secs, sizeof secs, "%u seconds", m->idle_ms / 1000);
		sshm_kill(m, 1, secs);
	}

compact:
	for (i = j = 0; i < m->nchans; i++) {
		k = m->chans[i];
		if (k->state == SSHM_DONE)
			sshm_chan_release(k);
		else
			m->chans[j++] = k;
	}
	m->nchans = j;
	return m->dead ? -1 : 0;
}

/*
 * Run the engine until no command is left (or the session dies), for
 * callers without a poll loop of their own.  Returns sshm_step's result.
 */
int
sshm_run(struct sshm *m)
{
	struct pollfd pfd;
	int n, t;

	while (!m->dead && sshm_count(m) > 0) {
		pfd.fd = sshm_fd(m);
		pfd.events = sshm_events(m);
		pfd.revents = 0;
		t = sshm_timeout(m);
		n = poll(&pfd, 1, t < 0 ? 1000 : t);
		if (n < 0 && errno != EINTR)
			fatalx("poll: %s", strerror(errno));
		if (sshm_step(m, n > 0 && (pfd.revents & (POLLIN | POLLHUP |
		    POLLERR))) != 0)
			return -1;
	}
	return m->dead ? -1 : 0;
}
