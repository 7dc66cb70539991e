/*
 * upload.c: copy files to a proxy over SFTP (libssh 0.10): an OVA, or a
 * libvirt domain XML and its disk files, for virt-v2v to read there.
 *
 * A file is written to NAME.part (mode 0600, in folders made 0700) and
 * renamed to NAME only once the proxy's own sha256sum of it matches the
 * sha256 of the bytes read here.  A .part that a broken connection left is
 * continued from its size; the local prefix is hashed again, so the final
 * check covers every byte, and when that check fails the copy starts over
 * from the first byte, once.  A NAME already there with the same size and
 * sha256 is not copied again; one with other content is never replaced.
 *
 * libssh 0.10's blocking SFTP calls wait forever for a server that stops
 * answering (the session timeout bounds only each poll, and the SFTP
 * reader polls again), so a watchdog thread shuts the socket down after
 * the idle timeout: the call in progress then fails like any broken
 * connection, and the .part stays for the next attempt.
 *
 * Names are data: they reach the SFTP server as strings and sha256sum as
 * one quoted argv word (sshc_run), never through a shell line built here.
 * Disk names taken from an XML keep every byte; only their last component
 * is used, and names that are empty, "." or "..", or that collide, are
 * refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "backend.h"

#define UPLOAD_WRITE_MAX	(255 * 1024)	/* OpenSSH: 256 KiB messages */
#define UPLOAD_WRITE_MIN	(32 * 1024)	/* what every server takes */
#define UPLOAD_READ_WRITES	4		/* writes per local read */
#define UPLOAD_TICK_MS		250		/* between progress calls */
#define UPLOAD_NAME_MAX		250		/* NAME.part within 255 */
#define UPLOAD_XML_MAX		(16 * 1024 * 1024)
#define UPLOAD_SUM_RATE		(20 * 1024 * 1024) /* B/s sha256sum reads */

/* Shuts the socket down when the proxy is silent for too long. */
struct upload_watch {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 fd;
	uint64_t	 idle_ms;
	uint64_t	 last;		/* ms, monotonic: the last sign of life */
	int		 armed;
	int		 stop;
	int		 fired;
};

struct upload {
	struct sshc		*c;
	ssh_session		 s;
	sftp_session		 sftp;
	size_t			 wmax;		/* bytes per SFTP write */
	struct upload_progress	*pg;
	unsigned		 timeout;	/* s */
	struct upload_watch	 watch;
	int			 watching;
	int			 gone;		/* see upload_gone */
	int			 full;		/* the last copy filled its folder */
	uint64_t		 tick;		/* ms of the last progress */
};

static uint64_t
upload_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *
upload_watch_main(void *arg)
{
	struct upload_watch *w = arg;
	struct timespec ts;
	uint64_t now, due;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		now = upload_now();
		due = w->armed ? w->last + w->idle_ms : now + w->idle_ms;
		if (w->armed && now >= due) {
			/* The call in progress sees the socket close. */
			w->fired = 1;
			shutdown(w->fd, SHUT_RDWR);
			break;
		}
		ts.tv_sec = (time_t)(due / 1000);
		ts.tv_nsec = (long)(due % 1000) * 1000000;
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void
upload_watch_start(struct upload_watch *w, int fd, unsigned seconds)
{
	pthread_condattr_t ca;

	memset(w, 0, sizeof *w);
	w->fd = fd;
	w->idle_ms = (uint64_t)seconds * 1000;
	w->last = upload_now();
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, upload_watch_main, w) != 0)
		fatalx("pthread_create: cannot start a thread");
}

static void
upload_watch_stop(struct upload_watch *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

/* The proxy answered (or a call starts): the idle time starts again. */
static void
upload_kick(struct upload *u)
{
	pthread_mutex_lock(&u->watch.lock);
	u->watch.armed = 1;
	u->watch.last = upload_now();
	pthread_mutex_unlock(&u->watch.lock);
}

/* A command that watches itself (sshc_run) runs: no watching. */
static void
upload_pause(struct upload *u)
{
	pthread_mutex_lock(&u->watch.lock);
	u->watch.armed = 0;
	pthread_mutex_unlock(&u->watch.lock);
}

static int
upload_fired(struct upload *u)
{
	int fired;

	pthread_mutex_lock(&u->watch.lock);
	fired = u->watch.fired;
	pthread_mutex_unlock(&u->watch.lock);
	return fired;
}

/*
 * The connection (or its SFTP channel) is gone, broken or silent: nothing
 * more can be done on it.  Once gone, always gone.
 */
static int
upload_gone(struct upload *u)
{
	if (upload_fired(u) || !ssh_is_connected(u->s) ||
	    ssh_get_error_code(u->s) == SSH_FATAL)
		u->gone = 1;
	return u->gone;
}

/* Why the last SFTP call failed, as the end of a cause. */
static char *
upload_why(struct upload *u)
{
	char *why;

	if (upload_fired(u)) {
		xasprintf(&why, "%s stopped answering: nothing came for %u "
		    "seconds", sshc_where(u->c), u->timeout);
		return why;
	}
	if (upload_gone(u)) {
		xasprintf(&why, "the connection to %s broke (%s)",
		    sshc_where(u->c), ssh_get_error(u->s));
		return why;
	}
	switch (sftp_get_error(u->sftp)) {
	case SSH_FX_NO_SUCH_FILE:
		return xstrdup("there is no such file or folder on the proxy");
	case SSH_FX_PERMISSION_DENIED:
		return xstrdup("permission denied on the proxy: choose a "
		    "folder its user can write (--to)");
	case SSH_FX_FILE_ALREADY_EXISTS:
		return xstrdup("it already exists on the proxy");
	case SSH_FX_FAILURE:
		xasprintf(&why, "the SFTP server of %s failed (%s): is its "
		    "disk full? (proxy check shows free space)",
		    sshc_where(u->c), ssh_get_error(u->s));
		return why;
	default:
		xasprintf(&why, "SFTP error on %s: %s", sshc_where(u->c),
		    ssh_get_error(u->s));
		return why;
	}
}

static void
upload_sftp_cause(struct upload *u, char **cause, const char *fmt, ...)
    VI_PRINTF(3, 4);

static void
upload_sftp_cause(struct upload *u, char **cause, const char *fmt, ...)
{
	va_list ap;
	char *what, *why;

	va_start(ap, fmt);
	xvasprintf(&what, fmt, ap);
	va_end(ap);
	why = upload_why(u);
	cause_set(cause, "%s: %s", what, why);
	free(what);
	free(why);
}

static void
upload_tell(struct upload *u, const char *label, uint64_t done,
    uint64_t total, int force)
{
	uint64_t now;

	if (u->pg == NULL || u->pg->fn == NULL)
		return;
	now = upload_now();
	if (!force && now - u->tick < UPLOAD_TICK_MS)
		return;
	u->tick = now;
	u->pg->fn(u->pg->arg, label, done, total);
}

/* Start SFTP on the session, with the watchdog. */
static int
upload_begin(struct upload *u, struct sshc *c, struct upload_progress *pg,
    char **cause)
{
	memset(u, 0, sizeof *u);
	u->c = c;
	u->s = sshc_session(c);
	u->pg = pg;
	u->timeout = pg != NULL && pg->timeout != 0 ? pg->timeout :
	    UPLOAD_TIMEOUT;
	upload_watch_start(&u->watch, sshc_fd(c), u->timeout);
	u->watching = 1;
	upload_kick(u);
	if ((u->sftp = sftp_new(u->s)) == NULL) {
		if (upload_gone(u))
			upload_sftp_cause(u, cause, "cannot start SFTP");
		else
			cause_set(cause, "%s has no SFTP server (%s): enable "
			    "the sftp Subsystem in its sshd_config",
			    sshc_where(c), ssh_get_error(u->s));
		return -1;
	}
	if (sftp_init(u->sftp) != SSH_OK) {
		upload_sftp_cause(u, cause, "cannot start SFTP on %s",
		    sshc_where(c));
		return -1;
	}
	/*
	 * libssh 0.10 sends a write whole, in one SFTP message; OpenSSH's
	 * server (known by its extensions) takes messages of 256 KiB, any
	 * server 32 KiB.
	 */
	if (sftp_extension_supported(u->sftp, "posix-rename@openssh.com",
	    "1") || sftp_extension_supported(u->sftp, "limits@openssh.com",
	    "1"))
		u->wmax = UPLOAD_WRITE_MAX;
	else
		u->wmax = UPLOAD_WRITE_MIN;
	return 0;
}

static void
upload_end(struct upload *u)
{
	if (u->sftp != NULL) {
		upload_kick(u);
		sftp_free(u->sftp);
		u->sftp = NULL;
	}
	if (u->watching) {
		upload_watch_stop(&u->watch);
		u->watching = 0;
	}
}

/* A folder on the proxy and its parents (made 0700 when missing). */
static int
upload_mkdirs(struct upload *u, const char *dir, char **cause)
{
	sftp_attributes a;
	char *path, *p, save;
	int type, rc = -1;

	if (dir[0] != '/') {
		cause_set(cause, "'%s' is not an absolute path: give the folder "
		    "on the proxy from /", dir);
		return -1;
	}
	path = xstrdup(dir);
	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		save = *p;
		*p = '\0';
		if (p[-1] != '/') {
			upload_kick(u);
			if ((a = sftp_stat(u->sftp, path)) != NULL) {
				type = a->type;
				sftp_attributes_free(a);
				if (type != SSH_FILEXFER_TYPE_DIRECTORY) {
					cause_set(cause, "%s on the proxy is "
					    "not a folder: choose another "
					    "folder with --to", path);
					goto out;
				}
			} else if (upload_gone(u) ||
			    sftp_get_error(u->sftp) != SSH_FX_NO_SUCH_FILE) {
				upload_sftp_cause(u, cause, "cannot look at %s",
				    path);
				goto out;
			} else {
				upload_kick(u);
				if (sftp_mkdir(u->sftp, path, 0700) != 0 &&
				    (upload_gone(u) || sftp_get_error(u->sftp)
				    != SSH_FX_FILE_ALREADY_EXISTS)) {
					upload_sftp_cause(u, cause, "cannot "
					    "create the folder %s on the proxy",
					    path);
					goto out;
				}
			}
		}
		*p = save;
		if (save == '\0')
			break;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

/* The hex digest in sha256sum's output ("HASH  NAME", "\HASH  NAME"). */
int
upload_parse_sum(const char *out, char hex[65], char **cause)
{
	const char *p = out;
	size_t i;

	if (*p == '\\')
		p++;
	for (i = 0; i < 64; i++) {
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f'))) {
			cause_set(cause, "sha256sum printed no sha256: '%.80s'",
			    out);
			return -1;
		}
	}
	if (p[64] != ' ') {
		cause_set(cause, "sha256sum printed no sha256: '%.80s'", out);
		return -1;
	}
	memcpy(hex, p, 64);
	hex[64] = '\0';
	return 0;
}

/* The proxy's sha256 of a file, from its own sha256sum. */
static int
upload_remote_sum(struct upload *u, const char *path, uint64_t size,
    char hex[65], char **cause)
{
	const char *argv[] = { "sha256sum", "--", path, NULL };
	struct sshc_result r;
	uint64_t t;
	size_t n;

	/* sha256sum is silent until it is done: allow for its reading. */
	t = u->timeout + size / UPLOAD_SUM_RATE;
	if (t > 7 * 86400)
		t = 7 * 86400;
	upload_pause(u);
	if (sshc_run(u->c, argv, (unsigned)t, &r, cause) != 0) {
		cause_prefix(cause, "cannot check the sha256 of %s on the proxy",
		    path);
		return -1;
	}
	if (r.status != 0) {
		if (r.status == 127)
			cause_set(cause, "%s has no sha256sum to check the copy: "
			    "install coreutils there", sshc_where(u->c));
		else {
			n = strcspn(r.err, "\n");
			cause_set(cause, "sha256sum %s failed on the proxy "
			    "(status %d%s%.*s)", path, r.status,
			    n > 0 ? ": " : "", (int)(n > 200 ? 200 : n), r.err);
		}
		sshc_result_free(&r);
		return -1;
	}
	if (upload_parse_sum(r.out, hex, cause) != 0) {
		cause_prefix(cause, "checking %s on the proxy", path);
		sshc_result_free(&r);
		return -1;
	}
	sshc_result_free(&r);
	return 0;
}

/*
 * Hash bytes [0, upto) of the local file into sha (of size bytes; progress
 * shows the bytes read).  The proxy is not waited on meanwhile.
 */
static int
upload_hash_local(struct upload *u, int fd, const char *label, uint64_t upto,
    uint64_t size, struct sha_ctx *sha, unsigned char *buf, size_t bufsize,
    char **cause)
{
	uint64_t off = 0;
	size_t n;

	upload_pause(u);
	while (off < upto) {
		n = upto - off > bufsize ? bufsize : (size_t)(upto - off);
		if (pread_full(fd, buf, n, off) != 0) {
			cause_set(cause, "cannot read %s: %s", label, errno != 0 ?
			    strerror(errno) : "it became shorter while being "
			    "read");
			return -1;
		}
		sha_update(sha, buf, n);
		off += n;
		upload_tell(u, label, off, size, 0);
	}
	return 0;
}

/* Remove a file on the proxy; missing is fine. */
static int
upload_unlink(struct upload *u, const char *path, char **cause)
{
	upload_kick(u);
	if (sftp_unlink(u->sftp, path) == 0)
		return 0;
	if (!upload_gone(u) && sftp_get_error(u->sftp) == SSH_FX_NO_SUCH_FILE)
		return 0;
	upload_sftp_cause(u, cause, "cannot remove %s on the proxy", path);
	return -1;
}

/*
 * After a failed write of part: when its folder on the proxy has less room
 * than the need bytes still to come, say so (OpenSSH's SFTP server reports
 * a full disk only as a "Failure") and return 1.  The caller then removes
 * the .part: kept, it would leave the proxy's disk full under the
 * conversions running there.
 */
static int
upload_full(struct upload *u, const char *part, uint64_t need,
    const char *label, char **cause)
{
	sftp_statvfs_t st;
	uint64_t avail, total;
	char *dir, *slash, a[16], b[16], t[16];

	if (upload_gone(u) || sftp_get_error(u->sftp) != SSH_FX_FAILURE ||
	    !sftp_extension_supported(u->sftp, "statvfs@openssh.com", "2"))
		return 0;
	dir = xstrdup(part);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	upload_kick(u);
	if ((st = sftp_statvfs(u->sftp, dir)) == NULL) {
		free(dir);
		return 0;
	}
	avail = st->f_bavail * st->f_frsize;
	total = st->f_blocks * st->f_frsize;
	sftp_statvfs_free(st);
	if (avail >= need) {
		free(dir);
		return 0;
	}
	u->full = 1;
	cause_set(cause, "copying %s to %s: the proxy's folder %s is full (%s "
	    "free of %s, %s more to copy), so the partial copy is removed to "
	    "give the space back: free space there, or %s", label,
	    part, dir, size_human(avail, a, sizeof a), size_human(total, t,
	    sizeof t), size_human(need, b, sizeof b), u->pg != NULL &&
	    u->pg->room != NULL ? u->pg->room : "give the proxy a job folder "
	    "with room (proxy add --job-dir)");
	free(dir);
	return 1;
}

/*
 * Copy bytes [from, size) of fd to part on the proxy (created when from is
 * 0), hashing bytes [0, size) into sha.  *at tells how far the proxy's copy
 * got when it fails.
 */
static int
upload_copy(struct upload *u, int fd, const char *label, const char *part,
    uint64_t from, uint64_t size, struct sha_ctx *sha, uint64_t *sent,
    uint64_t *at, char **cause)
{
	unsigned char *buf;
	size_t bufsize = u->wmax * UPLOAD_READ_WRITES, n, k, w;
	uint64_t off = from;
	sftp_file f;
	ssize_t got;
	int rc = -1;

	*at = from;
	buf = xmalloc(bufsize);
	if (upload_hash_local(u, fd, label, from, size, sha, buf, bufsize,
	    cause) != 0)
		goto out;
	upload_kick(u);
	if (from == 0)
		f = sftp_open(u->sftp, part, O_WRONLY | O_CREAT | O_EXCL, 0600);
	else
		f = sftp_open(u->sftp, part, O_WRONLY, 0);
	if (f == NULL) {
		upload_sftp_cause(u, cause, "cannot create %s", part);
		goto out;
	}
	if (from != 0 && sftp_seek64(f, from) != 0) {
		upload_sftp_cause(u, cause, "cannot seek in %s", part);
		goto close;
	}
	upload_tell(u, label, off, size, 1);
	while (off < size) {
		n = size - off > bufsize ? bufsize : (size_t)(size - off);
		upload_pause(u);	/* a slow local disk is not the proxy */
		if (pread_full(fd, buf, n, off) != 0) {
			cause_set(cause, "cannot read %s: %s", label, errno != 0 ?
			    strerror(errno) : "it became shorter while being "
			    "copied");
			goto close;
		}
		sha_update(sha, buf, n);
		for (k = 0; k < n; k += w) {
			w = n - k > u->wmax ? u->wmax : n - k;
			upload_kick(u);
			got = sftp_write(f, buf + k, w);
			if (got != (ssize_t)w) {
				if (upload_full(u, part, size - (off + k),
				    label, cause))
					goto close;
				upload_sftp_cause(u, cause, "copying %s to %s",
				    label, part);
				goto close;
			}
			*sent += w;
			*at = off + k + w;
		}
		off += n;
		upload_tell(u, label, off, size, 0);
	}
	rc = 0;
close:
	upload_kick(u);
	if (sftp_close(f) != SSH_NO_ERROR && rc == 0) {
		upload_sftp_cause(u, cause, "cannot finish writing %s", part);
		rc = -1;
	}
out:
	free(buf);
	return rc;
}

static char *
upload_join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *s;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		len = 0;
	xasprintf(&s, "%.*s/%s", (int)len, dir, name);
	return s;
}

/* A file name for the proxy: one component, not too long. */
static int
upload_name_check(const char *name, const char *from, char **cause)
{
	if (*name == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strchr(name, '/') != NULL) {
		cause_set(cause, "%s gives no usable file name ('%s'): name the "
		    "file itself", from, name);
		return -1;
	}
	if (strlen(name) > UPLOAD_NAME_MAX) {
		cause_set(cause, "the name of %s is longer than %d bytes, too "
		    "long for a file on the proxy: rename it", from,
		    UPLOAD_NAME_MAX);
		return -1;
	}
	return 0;
}

/* Copy an open local file (size bytes) to dir/name; fills res. */
static int
upload_fd(struct upload *u, int fd, uint64_t size, const char *label,
    const char *dir, const char *name, struct upload_result *res,
    char **cause)
{
	struct sha_ctx sha;
	sftp_attributes a;
	unsigned char *buf = NULL;
	char *final, *part, *tail, there[65], a1[16], a2[16];
	uint64_t have, from = 0, at = 0, t0 = upload_now();
	int rc = -1, type, attempt;

	memset(res, 0, sizeof *res);
	res->local = xstrdup(label);
	final = upload_join(dir, name);
	xasprintf(&part, "%s.part", final);
	res->remote = xstrdup(final);
	res->size = size;

	/* The file already there: the same one, or another never replaced. */
	upload_kick(u);
	if ((a = sftp_lstat(u->sftp, final)) != NULL) {
		type = a->type;
		have = a->size;
		sftp_attributes_free(a);
		if (type != SSH_FILEXFER_TYPE_REGULAR || have != size) {
			cause_set(cause, "%s already exists on the proxy and is "
			    "not this file (%s): remove it there, or upload to "
			    "another folder with --to", final,
			    type != SSH_FILEXFER_TYPE_REGULAR ? "not a regular "
			    "file" : "another size");
			goto out;
		}
		buf = xmalloc(UPLOAD_WRITE_MAX);
		sha_init(&sha, SHA_256);
		if (upload_hash_local(u, fd, label, size, size, &sha, buf,
		    UPLOAD_WRITE_MAX, cause) != 0)
			goto out;
		sha_final(&sha, res->sha256);
		if (upload_remote_sum(u, final, size, there, cause) != 0)
			goto out;
		if (strcmp(there, res->sha256) != 0) {
			cause_set(cause, "%s already exists on the proxy with "
			    "other content (sha256 %s, not %s): remove it there, "
			    "or upload to another folder with --to", final,
			    there, res->sha256);
			goto out;
		}
		res->skipped = 1;
		upload_tell(u, label, size, size, 1);
		rc = 0;
		goto out;
	}
	if (upload_gone(u) || sftp_get_error(u->sftp) != SSH_FX_NO_SUCH_FILE) {
		upload_sftp_cause(u, cause, "cannot look at %s", final);
		goto out;
	}

	/* A .part of an earlier attempt: continue it when it can fit. */
	upload_kick(u);
	if ((a = sftp_lstat(u->sftp, part)) != NULL) {
		type = a->type;
		from = a->size;
		sftp_attributes_free(a);
		if (type != SSH_FILEXFER_TYPE_REGULAR) {
			cause_set(cause, "%s on the proxy is not a regular file: "
			    "remove it there", part);
			goto out;
		}
		if (from > size || from == 0) {
			if (upload_unlink(u, part, cause) != 0)
				goto out;
			from = 0;
		}
	} else if (upload_gone(u) ||
	    sftp_get_error(u->sftp) != SSH_FX_NO_SUCH_FILE) {
		upload_sftp_cause(u, cause, "cannot look at %s", part);
		goto out;
	}
	res->resumed = from != 0;
	res->resumed_at = from;

	for (attempt = 0;; attempt++) {
		sha_init(&sha, SHA_256);
		u->full = 0;
		if (upload_copy(u, fd, label, part, from, size, &sha,
		    &res->sent, &at, cause) != 0) {
			if (u->full && upload_unlink(u, part, NULL) != 0 &&
			    cause != NULL) {
				xasprintf(&tail, "%s (removing %s failed too: "
				    "remove it there)", *cause, part);
				free(*cause);
				*cause = tail;
			}
			if (upload_gone(u) && cause != NULL) {
				size_human(at, a1, sizeof a1);
				size_human(size, a2, sizeof a2);
				xasprintf(&tail, "%s: the %s copied of %s stay in "
				    "%s on the proxy; run the same upload again "
				    "to continue from there", *cause, a1, a2,
				    part);
				free(*cause);
				*cause = tail;
			}
			goto out;
		}
		sha_final(&sha, res->sha256);
		if (upload_remote_sum(u, part, size, there, cause) != 0)
			goto out;
		if (strcmp(there, res->sha256) == 0)
			break;
		if (upload_unlink(u, part, cause) != 0)
			goto out;
		if (from == 0 || attempt > 0) {
			cause_set(cause, "the copy of %s on the proxy has sha256 "
			    "%s, not %s as here, so it was removed: check the "
			    "proxy's disk and memory, then upload again", label,
			    there, res->sha256);
			goto out;
		}
		/* The continued .part was not what we had sent: again. */
		res->restarted = 1;
		from = 0;
	}
	upload_kick(u);
	if (sftp_rename(u->sftp, part, final) != 0) {
		upload_sftp_cause(u, cause, "cannot rename %s to %s", part,
		    final);
		goto out;
	}
	upload_tell(u, label, size, size, 1);
	rc = 0;
out:
	res->msec = upload_now() - t0;
	free(buf);
	free(final);
	free(part);
	return rc;
}

/* Open a local file to copy: a regular file, with its size. */
static int
upload_open_local(const char *path, uint64_t *size, char **cause)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cause_set(cause, "cannot open %s: %s: check the path", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, "%s is not a regular file: upload copies files "
		    "(an .ova, disk images)", path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

void
upload_result_clear(struct upload_result *r)
{
	if (r == NULL)
		return;
	free(r->local);
	free(r->remote);
	memset(r, 0, sizeof *r);
}

void
upload_results_free(struct upload_result *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		upload_result_clear(&r[i]);
	free(r);
}

/*
 * Copy one local file to remote_dir/remote_name on the proxy (see the top
 * of this file).  res (may be NULL) says what was done.
 */
int
upload_file(struct sshc *c, const char *local, const char *remote_dir,
    const char *remote_name, struct upload_progress *pg,
    struct upload_result *res, char **cause)
{
	struct upload_result mine;
	struct upload u;
	uint64_t size;
	int fd, rc = -1;

	if (res == NULL)
		res = &mine;
	memset(res, 0, sizeof *res);
	if (upload_name_check(remote_name, local, cause) != 0)
		return -1;
	if ((fd = upload_open_local(local, &size, cause)) == -1)
		return -1;
	if (upload_begin(&u, c, pg, cause) == 0 &&
	    upload_mkdirs(&u, remote_dir, cause) == 0)
		rc = upload_fd(&u, fd, size, local, remote_dir, remote_name,
		    res, cause);
	upload_end(&u);
	close(fd);
	if (res == &mine)
		upload_result_clear(&mine);
	return rc;
}

/* The last component of a path, as it is. */
static const char *
upload_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/*
 * The names paths get on the proxy: each one's last component, byte for
 * byte.  NULL (with a cause) when one is unusable or two would collide (a
 * name, or a name and another's .part).
 */
char **
upload_names(const char *const *paths, size_t n, char **cause)
{
	char **names;
	size_t i, j, a, b;

	names = xcalloc(n + 1, sizeof *names);
	for (i = 0; i < n; i++) {
		names[i] = xstrdup(upload_base(paths[i]));
		if (upload_name_check(names[i], paths[i], cause) != 0)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			if (i == j)
				continue;
			a = strlen(names[i]);
			b = strlen(names[j]);
			if ((i < j && strcmp(names[i], names[j]) == 0) ||
			    (a == b + 5 && strncmp(names[i], names[j], b) == 0 &&
			    strcmp(names[i] + b, ".part") == 0)) {
				cause_set(cause, "%s and %s would collide as "
				    "'%s' on the proxy: rename one of them",
				    paths[j], paths[i], names[i]);
				goto fail;
			}
		}
	}
	return names;

fail:
	upload_names_free(names, n);
	return NULL;
}

void
upload_names_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}


/* Point every converted disk's <source file> at its copy. */
static int
upload_xml_disks(xmlNode *root, const char *const *from,
    const char *const *to, size_t n, char **cause)
{
	xmlNode *devs, *dn, *src;
	char *dev, *type, *file, *tgt;
	size_t i;
	int rc = 0;

	if (!domxml_is(root, "domain")) {
		cause_set(cause, "the document is not a libvirt domain: its top "
		    "element is <%s>, not <domain>", (const char *)root->name);
		return -1;
	}
	devs = domxml_child(root, "devices");
	for (dn = devs != NULL ? devs->children : NULL; dn != NULL && rc == 0;
	    dn = dn->next) {
		if (!domxml_is(dn, "disk"))
			continue;
		dev = domxml_attr(dn, "device");
		type = domxml_attr(dn, "type");
		src = domxml_child(dn, "source");
		file = domxml_attr(src, "file");
		tgt = domxml_attr(domxml_child(dn, "target"), "dev");
		/* As domxml.c: CD-ROMs and floppies are not converted. */
		if (dev != NULL && strcmp(dev, "disk") != 0 &&
		    strcmp(dev, "lun") != 0)
			;
		else if (type != NULL && strcmp(type, "file") != 0) {
			cause_set(cause, "disk %s is of type '%s', not a file: "
			    "upload copies disk files only", tgt != NULL ? tgt :
			    "?", type);
			rc = -1;
		} else if (file == NULL) {
			cause_set(cause, "disk %s has no source file: attach "
			    "its image, or remove the disk", tgt != NULL ? tgt :
			    "?");
			rc = -1;
		} else {
			for (i = 0; i < n; i++)
				if (strcmp(from[i], file) == 0)
					break;
			if (i == n) {
				cause_set(cause, "disk %s (%s) is not among the "
				    "files copied", tgt != NULL ? tgt : "?",
				    file);
				rc = -1;
			} else
				xmlSetProp(src, (const xmlChar *)"file",
				    (const xmlChar *)to[i]);
		}
		free(dev);
		free(type);
		free(file);
		free(tgt);
	}
	return rc;
}

/*
 * The domain XML with each disk whose <source file> is from[i] pointing at
 * to[i] instead; everything else kept.  A pure function: the document is
 * parsed as domxml.c parses it (no network, no DTD loading; a DOCTYPE,
 * whose entities the proxy would expand, is refused) and libxml2 escapes
 * the new values.  Every converted disk must be a file among from[];
 * returns the new document (and its length), or NULL with a cause.
 */
char *
upload_xml_rewrite(const char *buf, size_t len, const char *const *from,
    const char *const *to, size_t n, size_t *outlen, char **cause)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNode *root;
	xmlChar *mem = NULL;
	char *out = NULL;
	int size = 0;

	if (len == 0 || len > INT32_MAX) {
		cause_set(cause, "the domain XML is %s", len == 0 ? "empty" :
		    "too large");
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		fatalx("xmlNewParserCtxt failed");
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, "domain.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		cause_set(cause, "the domain XML is malformed");
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	if ((root = xmlDocGetRootElement(doc)) == NULL)
		cause_set(cause, "the domain XML has no element");
	else if (doc->intSubset != NULL || doc->extSubset != NULL)
		cause_set(cause, "the domain XML has a DOCTYPE, which libvirt "
		    "never writes and the proxy would read again: remove it");
	else if (upload_xml_disks(root, from, to, n, cause) == 0) {
		xmlDocDumpMemory(doc, &mem, &size);
		if (mem == NULL || size <= 0)
			fatalx("xmlDocDumpMemory failed");
		out = xmalloc((size_t)size + 1);
		memcpy(out, mem, (size_t)size);
		out[size] = '\0';
		*outlen = (size_t)size;
		xmlFree(mem);
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return out;
}

/* A disk that needs no other file: no qcow2 backing, no VMDK extents. */
static int
upload_self_contained(const char *path, const char *dev, char **cause)
{
	static const char desc[] = "# Disk DescriptorFile";
	unsigned char h[32];
	uint64_t backing = 0;
	ssize_t n;
	int fd, i;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;	/* upload_open_local says why */
	n = pread(fd, h, sizeof h, 0);
	close(fd);
	if (n >= 16 && memcmp(h, "QFI\xfb", 4) == 0) {
		for (i = 8; i < 16; i++)
			backing = backing << 8 | h[i];
		if (backing != 0) {
			cause_set(cause, "disk %s (%s) is a qcow2 overlay on a "
			    "backing file, which would not be copied: flatten "
			    "it first (qemu-img convert -O qcow2)", dev, path);
			return -1;
		}
	}
	if (n >= (ssize_t)sizeof desc - 1 &&
	    memcmp(h, desc, sizeof desc - 1) == 0) {
		cause_set(cause, "disk %s (%s) is a VMDK descriptor whose extents "
		    "are other files, which would not be copied: convert it "
		    "to one file first (qemu-img convert)", dev, path);
		return -1;
	}
	return 0;
}

static char *
upload_read_small(const char *path, size_t max, size_t *len, char **cause)
{
	struct stat st;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cause_set(cause, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max) {
		cause_set(cause, "%s is not a regular file of at most %zu MiB",
		    path, max >> 20);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	if (pread_full(fd, buf, (size_t)st.st_size, 0) != 0) {
		cause_set(cause, "cannot read %s: %s", path, errno != 0 ?
		    strerror(errno) : "it became shorter");
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	buf[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return buf;
}

/* A libvirt XML and its disks: what to copy, checked before any copy. */
struct upload_plan {
	char		**paths;	/* local disk files, then the XML */
	int		 *fds;
	uint64_t	 *sizes;
	size_t		  n;
	char		**names;	/* on the proxy */
	char		 *xml;		/* the rewritten XML */
	size_t		  xml_len;
};

static void
upload_plan_free(struct upload_plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		free(pl->paths[i]);
		if (pl->fds != NULL && pl->fds[i] != -1)
			close(pl->fds[i]);
	}
	free(pl->paths);
	free(pl->fds);
	free(pl->sizes);
	upload_names_free(pl->names, pl->n);
	free(pl->xml);
	memset(pl, 0, sizeof *pl);
}

static int
upload_plan_xml(struct upload_plan *pl, const char *path, const char *dir,
    char **cause)
{
	struct vm *vm = NULL;
	const char *dev;
	char *buf, **to = NULL;
	size_t len, i, j, ndisks;
	int rc = -1;

	memset(pl, 0, sizeof *pl);
	if ((buf = upload_read_small(path, UPLOAD_XML_MAX, &len, cause)) ==
	    NULL)
		return -1;
	if ((vm = domxml_parse(buf, len, cause)) == NULL) {
		cause_prefix(cause, "%s", path);
		goto out;
	}
	pl->paths = xcalloc(vm->ndisks + 1, sizeof *pl->paths);
	for (i = 0; i < vm->ndisks; i++) {
		const struct disk *d = &vm->disks[i];

		dev = d->target != NULL ? d->target : "?";
		if (d->path == NULL || d->path[0] != '/') {
			cause_set(cause, "%s: disk %s (%s) is not a file with an "
			    "absolute path: upload copies disk files only", path,
			    dev, d->path != NULL ? d->path : "no source");
			goto out;
		}
		if (upload_self_contained(d->path, dev, cause) != 0)
			goto out;
		/* A file two disks name is copied once. */
		for (j = 0; j < pl->n; j++)
			if (strcmp(pl->paths[j], d->path) == 0)
				break;
		if (j == pl->n)
			pl->paths[pl->n++] = xstrdup(d->path);
	}
	ndisks = pl->n;
	pl->paths[pl->n++] = xstrdup(path);
	pl->fds = xcalloc(pl->n, sizeof *pl->fds);
	pl->sizes = xcalloc(pl->n, sizeof *pl->sizes);
	for (i = 0; i < pl->n; i++)
		pl->fds[i] = -1;
	if ((pl->names = upload_names((const char *const *)pl->paths, pl->n,
	    cause)) == NULL)
		goto out;
	for (i = 0; i < ndisks; i++) {
		if ((pl->fds[i] = upload_open_local(pl->paths[i],
		    &pl->sizes[i], cause)) == -1)
			goto out;
	}
	to = xcalloc(ndisks + 1, sizeof *to);
	for (i = 0; i < ndisks; i++)
		to[i] = upload_join(dir, pl->names[i]);
	if ((pl->xml = upload_xml_rewrite(buf, len,
	    (const char *const *)pl->paths, (const char *const *)to, ndisks,
	    &pl->xml_len, cause)) == NULL) {
		cause_prefix(cause, "%s", path);
		goto out;
	}
	/* The new XML goes from memory, through the same checked copy. */
	if ((pl->fds[ndisks] = memfd_create("virt-import-xml", MFD_CLOEXEC)) ==
	    -1 || write(pl->fds[ndisks], pl->xml, pl->xml_len) !=
	    (ssize_t)pl->xml_len) {
		cause_set(cause, "cannot hold the rewritten XML: %s",
		    strerror(errno));
		goto out;
	}
	pl->sizes[ndisks] = pl->xml_len;
	rc = 0;
out:
	if (to != NULL)
		for (i = 0; to[i] != NULL; i++)
			free(to[i]);
	free(to);
	vm_free(vm);
	free(buf);
	if (rc != 0)
		upload_plan_free(pl);
	return rc;
}

/*
 * Copy a source to remote_dir on the proxy: "ova:PATH" (the file) or
 * "xml:PATH" (every disk file the domain XML names, then the XML with its
 * disks pointing at the copies).  *res gets one result per file, in the
 * order copied (the XML last).
 */
int
upload_source(struct sshc *c, const char *spec, const char *remote_dir,
    struct upload_progress *pg, struct upload_result **res, size_t *n,
    char **cause)
{
	struct upload_plan pl;
	struct upload u;
	struct upload_result *out;
	const char *path;
	size_t i;
	int rc = -1;

	*res = NULL;
	*n = 0;
	memset(&pl, 0, sizeof pl);
	if (remote_dir[0] != '/') {
		cause_set(cause, "'%s' is not an absolute path: give the folder "
		    "on the proxy from /", remote_dir);
		return -1;
	}
	if (strncmp(spec, "ova:", 4) == 0 && spec[4] != '\0') {
		path = spec + 4;
		pl.paths = xcalloc(1, sizeof *pl.paths);
		pl.fds = xcalloc(1, sizeof *pl.fds);
		pl.sizes = xcalloc(1, sizeof *pl.sizes);
		pl.paths[0] = xstrdup(path);
		pl.fds[0] = -1;
		pl.n = 1;
		if ((pl.names = upload_names((const char *const *)pl.paths, 1,
		    cause)) == NULL ||
		    (pl.fds[0] = upload_open_local(path, &pl.sizes[0],
		    cause)) == -1) {
			upload_plan_free(&pl);
			return -1;
		}
	} else if (strncmp(spec, "xml:", 4) == 0 && spec[4] != '\0') {
		if (upload_plan_xml(&pl, spec + 4, remote_dir, cause) != 0)
			return -1;
	} else {
		cause_set(cause, "'%s' is not a source to upload: give "
		    "ova:PATH (an OVA file) or xml:PATH (a libvirt domain XML "
		    "and its disk files)", spec);
		return -1;
	}

	out = xcalloc(pl.n, sizeof *out);
	if (upload_begin(&u, c, pg, cause) == 0 &&
	    upload_mkdirs(&u, remote_dir, cause) == 0) {
		for (i = 0; i < pl.n; i++) {
			if (upload_fd(&u, pl.fds[i], pl.sizes[i], pl.paths[i],
			    remote_dir, pl.names[i], &out[i], cause) != 0)
				break;
		}
		if (i == pl.n)
			rc = 0;
		else
			upload_result_clear(&out[i]);
	}
	upload_end(&u);
	if (rc == 0) {
		*res = out;
		*n = pl.n;
	} else
		upload_results_free(out, pl.n);
	upload_plan_free(&pl);
	return rc;
}
