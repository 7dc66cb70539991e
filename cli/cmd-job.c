/*
 * cmd-job.c: virt-import proxy job start|follow|list|log|cancel|remove:
 * commands run on a proxy as jobs that outlive the SSH connection.
 *
 * follow keeps one SSH session per proxy, one follower channel per job on
 * it, all stepped from one poll() loop; when a session breaks or the proxy
 * goes silent it reconnects (with backoff, for --retry-for seconds) and
 * every job continues from the last byte of its log already copied here.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

#define JOB_USAGE "usage: virt-import proxy job start NAME [--secret " \
	"KEY=FILE]... [--accept-host-key SHA256:...] -- COMMAND [ARG...] | " \
	"follow ID... [--timeout S] [--retry-for S] | list [--json] | " \
	"log ID | cancel ID | remove ID"

#define JOB_SECRET_MAX	(64 * 1024)

static int
job_seconds(const char *opt, const char *arg, unsigned *out)
{
	char *end;
	long v;

	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v < 1 || v > 86400)
		return cli_error("%s takes 1 to 86400 seconds, not '%s'", opt,
		    arg);
	*out = (unsigned)v;
	return 0;
}

/* Read a secret file whole; NULL with a cause when it cannot be. */
static char *
job_read_secret(const char *path, size_t *len, char **cause)
{
	struct stat sb;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) != 0) {
		cause_set(cause, "cannot read the secret file %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > JOB_SECRET_MAX) {
		cause_set(cause, "the secret file %s is not a regular file of "
		    "at most %d bytes", path, JOB_SECRET_MAX);
		close(fd);
		return NULL;
	}
	if (secret_file_check("secret file", path, fd, cause) != 0) {
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	if (pread_full(fd, buf, (size_t)sb.st_size, 0) != 0) {
		cause_set(cause, "cannot read the secret file %s: %s", path,
		    strerror(errno));
		close(fd);
		free(buf);
		return NULL;
	}
	close(fd);
	*len = (size_t)sb.st_size;
	return buf;
}

/* word with every "{secret:KEY}" replaced by the secret's remote path. */
static char *
job_substitute(const char *word, const char *dir, struct rjob_secret *sec,
    size_t nsec, char **cause)
{
	char *out = xstrdup(""), *t, *path, *key;
	const char *p = word, *s, *e;
	size_t i;

	while ((s = strstr(p, "{secret:")) != NULL) {
		if ((e = strchr(s, '}')) == NULL)
			break;
		key = xstrndup(s + 8, (size_t)(e - s - 8));
		for (i = 0; i < nsec; i++)
			if (strcmp(sec[i].name, key) == 0)
				break;
		if (i == nsec) {
			cause_set(cause, "the command names {secret:%s}, but "
			    "no --secret %s=FILE was given", key, key);
			free(key);
			free(out);
			return NULL;
		}
		free(key);
		path = rjob_secret_path(dir, sec[i].name);
		xasprintf(&t, "%s%.*s%s", out, (int)(s - p), p, path);
		free(path);
		free(out);
		out = t;
		p = e + 1;
	}
	xasprintf(&t, "%s%s", out, p);
	free(out);
	return t;
}

static int
job_start(int argc, char **argv)
{
	struct rjob_secret *sec = NULL;
	char **bufs = NULL;
	struct proxy *p = NULL;
	struct sshc *c = NULL;
	struct rjob *j = NULL;
	const char *accept = NULL;
	char **words = NULL, *cause = NULL, *id = NULL, *dir = NULL, *eq;
	size_t nsec = 0, i, n = 0;
	int k, rc = 1;

	/* NAME, options, "--", the command (its words never parse). */
	if (argc < 2)
		return cli_error("%s", JOB_USAGE) + 1;
	for (k = 2; k < argc && strcmp(argv[k], "--") != 0; k++) {
		if (strcmp(argv[k], "--accept-host-key") == 0 && k + 1 < argc)
			accept = argv[++k];
		else if (strcmp(argv[k], "--secret") == 0 && k + 1 < argc) {
			k++;
			if ((eq = strchr(argv[k], '=')) == NULL) {
				cli_error("--secret takes KEY=FILE, not '%s'",
				    argv[k]);
				rc = 2;
				goto out;
			}
			*eq = '\0';
			sec = xreallocarray(sec, nsec + 1, sizeof *sec);
			bufs = xreallocarray(bufs, nsec + 1, sizeof *bufs);
			memset(&sec[nsec], 0, sizeof *sec);
			sec[nsec].name = argv[k];
			bufs[nsec] = NULL;
			nsec++;
			if (!rjob_secret_name_valid(argv[k], &cause) ||
			    (bufs[nsec - 1] = job_read_secret(eq + 1,
			    &sec[nsec - 1].len, &cause)) == NULL)
				goto fail;
			sec[nsec - 1].data = bufs[nsec - 1];
			for (i = 0; i + 1 < nsec; i++)
				if (strcmp(sec[i].name, argv[k]) == 0) {
					cause_set(&cause, "--secret %s is given "
					    "twice", argv[k]);
					goto fail;
				}
		} else {
			cli_error("proxy job start: unknown option '%s' (the "
			    "command goes after --)", argv[k]);
			rc = 2;
			goto out;
		}
	}
	if (k + 1 >= argc) {
		cli_error("%s", JOB_USAGE);
		rc = 2;
		goto out;
	}
	if ((p = proxy_find(argv[1], &cause)) == NULL)
		goto fail;
	id = rjob_new_id();
	dir = rjob_remote_dir(p, id);
	n = (size_t)(argc - k - 1);
	words = xcalloc(n + 1, sizeof *words);
	for (i = 0; i < n; i++)
		if ((words[i] = job_substitute(argv[k + 1 + i], dir, sec, nsec,
		    &cause)) == NULL)
			goto fail;
	if ((c = sshc_connect(p, accept, &cause)) == NULL)
		goto fail;
	if ((j = rjob_start(c, p, id, (const char *const *)words, sec, nsec,
	    NULL, &cause)) == NULL)
		goto fail;
	printf("%s\n", j->id);
	rc = 0;
	goto out;
fail:
	rc = cli_fail(cause);
out:
	for (i = 0; i < nsec; i++) {
		if (bufs[i] != NULL) {
			explicit_bzero(bufs[i], sec[i].len);
			free(bufs[i]);
		}
	}
	free(bufs);
	free(sec);
	if (words != NULL)
		for (i = 0; i < n; i++)
			free(words[i]);
	free(words);
	rjob_free(j);
	sshc_close(c);
	proxy_free(p);
	free(dir);
	free(id);
	return rc;
}

/* ------------------------------------------------------------- following */

struct fproxy {
	struct proxy	*p;
	struct sshc	*c;
	struct sshm	*m;
	time_t		 retry_at;
	unsigned	 backoff;
	time_t		 down_since;	/* 0: not down */
	char		*last_error;
	int		 was_up;
};

struct fjob {
	struct rjob		*j;
	struct fproxy		*fp;
	struct rjob_follow	*f;
	int			 ended;
	int			 broken;	/* cannot be followed */
};

struct follow {
	struct fjob	*jobs;
	size_t		 njobs;
	struct fproxy	*proxies;
	size_t		 nproxies;
	int		 stream;	/* one job: its log to stdout */
	unsigned	 idle;
	unsigned	 retry_for;
	int		 failed;
};

static void
follow_log(void *arg, struct rjob *j, const char *buf, size_t n)
{
	struct follow *fw = arg;

	(void)j;
	if (fw->stream) {
		fwrite(buf, 1, n, stdout);
		fflush(stdout);
	}
}

static struct fjob *
follow_find(struct follow *fw, struct rjob *j)
{
	size_t i;

	for (i = 0; i < fw->njobs; i++)
		if (fw->jobs[i].j == j)
			return &fw->jobs[i];
	return NULL;
}

static void
follow_end(void *arg, struct rjob *j, int ended, const char *error)
{
	struct follow *fw = arg;
	struct fjob *fj = follow_find(fw, j);

	rjob_follow_free(fj->f);
	fj->f = NULL;
	if (ended) {
		fj->ended = 1;
		if (!fw->stream) {
			printf("%s %s", j->id, rjob_state_name(j->state));
			if (j->state != RJOB_LOST)
				printf(" %d", j->rc);
			printf("\n");
			fflush(stdout);
		}
		return;
	}
	/* A dead session is retried; anything else ends this job's follow. */
	if (fj->fp->m != NULL && sshm_dead(fj->fp->m))
		return;
	cli_error("job %s: %s", j->id, error);
	fj->broken = 1;
}

static const struct rjob_follow_ops follow_ops = { follow_log, follow_end };

static void
follow_down(struct follow *fw, struct fproxy *fp, const char *reason)
{
	time_t now = time(NULL);
	char *why = xstrdup(reason);	/* it may live in fp->m */

	if (fp->m != NULL)
		sshm_free(fp->m);
	fp->m = NULL;
	sshc_close(fp->c);
	fp->c = NULL;
	if (fp->down_since == 0)
		fp->down_since = now;
	if (fp->last_error == NULL || strcmp(fp->last_error, why) != 0) {
		cli_error("%s; %s", why, now - fp->down_since <
		    (time_t)fw->retry_for ? "reconnecting" : "giving up");
		free(fp->last_error);
		fp->last_error = xstrdup(why);
	}
	fp->backoff = fp->backoff == 0 ? 1 : fp->backoff * 2;
	if (fp->backoff > 10)
		fp->backoff = 10;
	fp->retry_at = now + fp->backoff;
	free(why);
}

/* Does fp have a job still to follow? */
static int
follow_wanted(struct follow *fw, struct fproxy *fp)
{
	size_t i;

	for (i = 0; i < fw->njobs; i++)
		if (fw->jobs[i].fp == fp && !fw->jobs[i].ended &&
		    !fw->jobs[i].broken)
			return 1;
	return 0;
}

static void
follow_connect(struct follow *fw, struct fproxy *fp)
{
	struct fjob *fj;
	char *cause = NULL;
	size_t i;

	if ((fp->c = sshc_connect(fp->p, NULL, &cause)) == NULL) {
		follow_down(fw, fp, cause);
		free(cause);
		return;
	}
	fp->m = sshm_new(fp->c, fw->idle);
	if (fp->was_up)
		cli_error("reconnected to proxy '%s': following from the last "
		    "byte read", fp->p->name);
	fp->was_up = 1;
	fp->down_since = 0;
	fp->backoff = 0;
	free(fp->last_error);
	fp->last_error = NULL;
	for (i = 0; i < fw->njobs; i++) {
		fj = &fw->jobs[i];
		if (fj->fp != fp || fj->ended || fj->broken)
			continue;
		fj->f = rjob_follow_start(fp->m, fj->j, fw->idle / 4 > 0 ?
		    fw->idle / 4 : 1, &follow_ops, fw, &cause);
		if (fj->f == NULL) {
			cli_error("job %s: %s", fj->j->id, cause);
			free(cause);
			cause = NULL;
			fj->broken = 1;
		}
	}
}

static void
follow_loop(struct follow *fw)
{
	struct pollfd *pfd;
	struct fproxy *fp;
	time_t now;
	size_t i, k;
	int t, tmin, busy;

	pfd = xcalloc(fw->nproxies, sizeof *pfd);
	for (;;) {
		now = time(NULL);
		busy = 0;
		tmin = 1000;
		for (i = 0; i < fw->nproxies; i++) {
			fp = &fw->proxies[i];
			if (!follow_wanted(fw, fp)) {
				if (fp->m != NULL) {
					sshm_free(fp->m);
					fp->m = NULL;
					sshc_close(fp->c);
					fp->c = NULL;
				}
				continue;
			}
			busy = 1;
			if (fp->m == NULL && fp->down_since != 0 &&
			    now - fp->down_since >= (time_t)fw->retry_for) {
				cli_error("gave up on proxy '%s' after %u s: "
				    "the jobs run on there; follow them again "
				    "later", fp->p->name, fw->retry_for);
				for (k = 0; k < fw->njobs; k++)
					if (fw->jobs[k].fp == fp)
						fw->jobs[k].broken = 1;
				continue;
			}
			if (fp->m == NULL && now >= fp->retry_at)
				follow_connect(fw, fp);
		}
		if (!busy)
			break;
		for (i = 0; i < fw->nproxies; i++) {
			fp = &fw->proxies[i];
			pfd[i].fd = -1;
			pfd[i].revents = 0;
			if (fp->m == NULL)
				continue;
			pfd[i].fd = sshm_fd(fp->m);
			pfd[i].events = sshm_events(fp->m);
			t = sshm_timeout(fp->m);
			if (t >= 0 && t < tmin)
				tmin = t;
		}
		if (poll(pfd, fw->nproxies, tmin) < 0 && errno != EINTR)
			fatalx("poll: %s", strerror(errno));
		for (i = 0; i < fw->nproxies; i++) {
			fp = &fw->proxies[i];
			if (fp->m == NULL)
				continue;
			if (sshm_step(fp->m, (pfd[i].revents & (POLLIN |
			    POLLHUP | POLLERR)) != 0) != 0)
				follow_down(fw, fp, sshm_error(fp->m));
		}
	}
	free(pfd);
}

/* Print what the local copy of a job's log already holds. */
static void
follow_catch_up(struct rjob *j)
{
	char buf[65536], *path, *cause = NULL;
	ssize_t n;
	int fd;

	if ((path = rjob_log_path(j->id, &cause)) == NULL) {
		free(cause);
		return;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		while ((n = read(fd, buf, sizeof buf)) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		close(fd);
	}
	fflush(stdout);
	free(path);
}

static int
job_follow(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "retry-for", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct follow fw;
	struct fjob *fj;
	char *cause = NULL;
	size_t i, k;
	int c, rc = 0;

	memset(&fw, 0, sizeof fw);
	fw.idle = 30;
	fw.retry_for = 600;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (job_seconds("--timeout", optarg, &fw.idle) != 0)
				return 2;
			break;
		case 'r':
			if (job_seconds("--retry-for", optarg,
			    &fw.retry_for) != 0)
				return 2;
			break;
		default:
			return cli_error("%s", JOB_USAGE) + 1;
		}
	}
	if (optind >= argc)
		return cli_error("%s", JOB_USAGE) + 1;
	fw.njobs = (size_t)(argc - optind);
	fw.jobs = xcalloc(fw.njobs, sizeof *fw.jobs);
	fw.proxies = xcalloc(fw.njobs, sizeof *fw.proxies);
	for (i = 0; i < fw.njobs; i++) {
		fj = &fw.jobs[i];
		if ((fj->j = rjob_load(argv[optind + i], &cause)) == NULL) {
			rc = cli_fail(cause);
			goto out;
		}
		for (k = 0; k < fw.nproxies; k++)
			if (strcmp(fw.proxies[k].p->name, fj->j->proxy) == 0)
				break;
		if (k == fw.nproxies) {
			if ((fw.proxies[k].p = proxy_find(fj->j->proxy,
			    &cause)) == NULL) {
				rc = cli_fail(cause);
				goto out;
			}
			fw.nproxies++;
		}
		fj->fp = &fw.proxies[k];
	}
	fw.stream = fw.njobs == 1;
	for (i = 0; i < fw.njobs; i++) {
		fj = &fw.jobs[i];
		if (fw.stream)
			follow_catch_up(fj->j);
		if (fj->j->state != RJOB_RUNNING) {
			fj->ended = 1;
			if (!fw.stream)
				printf("%s %s\n", fj->j->id,
				    rjob_state_name(fj->j->state));
		}
	}
	follow_loop(&fw);
	for (i = 0; i < fw.njobs; i++) {
		fj = &fw.jobs[i];
		if (!fj->ended)
			rc = 1;
		else if (fw.stream)
			rc = fj->j->state == RJOB_LOST ? 1 :
			    fj->j->state == RJOB_CANCELLED ? 130 :
			    fj->j->rc >= 0 && fj->j->rc < 256 ? fj->j->rc : 1;
		else if (fj->j->state != RJOB_DONE)
			rc = 1;
		if (fw.stream && fj->ended && fj->j->state == RJOB_LOST)
			cli_error("job %s: %s", fj->j->id, fj->j->error);
	}
out:
	for (i = 0; i < fw.njobs; i++) {
		rjob_follow_free(fw.jobs[i].f);
		rjob_free(fw.jobs[i].j);
	}
	for (i = 0; i < fw.nproxies; i++) {
		sshm_free(fw.proxies[i].m);
		sshc_close(fw.proxies[i].c);
		proxy_free(fw.proxies[i].p);
		free(fw.proxies[i].last_error);
	}
	free(fw.jobs);
	free(fw.proxies);
	return rc;
}

/* ------------------------------------------------------------ the others */

static int
job_list(int argc, char **argv)
{
	struct json_object *root, *arr, *o;
	struct rjob **v;
	char *cause = NULL, when[32];
	size_t n, i;
	int json = argc == 2 && strcmp(argv[1], "--json") == 0;
	struct tm tm;
	time_t t;

	if (argc > 2 || (argc == 2 && !json))
		return cli_error("usage: virt-import proxy job list [--json]")
		    + 1;
	if ((v = rjob_list(&n, &cause)) == NULL)
		return cli_fail(cause);
	if (json) {
		root = json_object_new_object();
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "id",
			    json_object_new_string(v[i]->id));
			json_object_object_add(o, "proxy",
			    json_object_new_string(v[i]->proxy));
			json_object_object_add(o, "state",
			    json_object_new_string(rjob_state_name(
			    v[i]->state)));
			json_object_object_add(o, "rc", v[i]->state ==
			    RJOB_RUNNING || v[i]->state == RJOB_LOST ? NULL :
			    json_object_new_int(v[i]->rc));
			json_object_object_add(o, "remote_dir",
			    json_object_new_string(v[i]->dir));
			json_object_object_add(o, "command",
			    json_object_new_string(v[i]->command));
			json_object_object_add(o, "created",
			    json_object_new_int64(v[i]->created));
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "jobs", arr);
		cli_print_json(root);
	} else {
		printf("%-30s %-12s %-10s %4s %-16s %s\n", "ID", "PROXY",
		    "STATE", "RC", "STARTED", "COMMAND");
		for (i = 0; i < n; i++) {
			t = (time_t)v[i]->created;
			localtime_r(&t, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
			printf("%-30s %-12s %-10s ", v[i]->id, v[i]->proxy,
			    rjob_state_name(v[i]->state));
			if (v[i]->state == RJOB_RUNNING ||
			    v[i]->state == RJOB_LOST)
				printf("%4s ", "-");
			else
				printf("%4d ", v[i]->rc);
			printf("%-16s ", when);
			cli_print_safe(stdout, v[i]->command, 0);
			fputc('\n', stdout);
		}
	}
	rjob_list_free(v, n);
	return 0;
}

static int
job_log(int argc, char **argv)
{
	struct rjob *j;
	char *cause = NULL;

	if (argc != 2)
		return cli_error("usage: virt-import proxy job log ID") + 1;
	if ((j = rjob_load(argv[1], &cause)) == NULL)
		return cli_fail(cause);
	follow_catch_up(j);
	rjob_free(j);
	return 0;
}

static int
job_cancel(int argc, char **argv)
{
	struct rjob *j;
	struct proxy *p = NULL;
	struct sshc *c = NULL;
	static char follow_word[] = "follow";
	char *cause = NULL;
	char *fargv[3];
	int rc;

	if (argc != 2)
		return cli_error("usage: virt-import proxy job cancel ID") + 1;
	if ((j = rjob_load(argv[1], &cause)) == NULL)
		return cli_fail(cause);
	if (j->state != RJOB_RUNNING) {
		printf("job %s already ended: %s\n", j->id,
		    rjob_state_name(j->state));
		rjob_free(j);
		return 0;
	}
	if ((p = proxy_find(j->proxy, &cause)) == NULL ||
	    (c = sshc_connect(p, NULL, &cause)) == NULL ||
	    rjob_cancel(c, j, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	sshc_close(c);
	c = NULL;
	/* Read the rest of its log and its final state. */
	fargv[0] = follow_word;
	fargv[1] = j->id;
	fargv[2] = NULL;
	if (freopen("/dev/null", "w", stdout) == NULL)
		fatalx("freopen: %s", strerror(errno));
	rc = job_follow(2, fargv);
	if (rc == 130)
		rc = 0;	/* cancelled: what was asked */
out:
	sshc_close(c);
	proxy_free(p);
	rjob_free(j);
	return rc;
}

static int
job_remove(int argc, char **argv)
{
	struct rjob *j;
	struct proxy *p = NULL;
	struct sshc *c = NULL;
	char *cause = NULL;
	int rc = 0;

	if (argc != 2)
		return cli_error("usage: virt-import proxy job remove ID") + 1;
	if ((j = rjob_load(argv[1], &cause)) == NULL)
		return cli_fail(cause);
	if (j->state == RJOB_RUNNING) {
		rjob_free(j);
		return cli_error("job %s is running: cancel it first",
		    argv[1]);
	}
	if ((p = proxy_find(j->proxy, &cause)) == NULL ||
	    (c = sshc_connect(p, NULL, &cause)) == NULL ||
	    rjob_remove(c, j, &cause) != 0)
		rc = cli_fail(cause);
	sshc_close(c);
	proxy_free(p);
	rjob_free(j);
	return rc;
}

int
proxy_job_cmd(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "start") == 0)
		return job_start(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "follow") == 0)
		return job_follow(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return job_list(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "log") == 0)
		return job_log(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "cancel") == 0)
		return job_cancel(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "remove") == 0)
		return job_remove(argc - 1, argv + 1);
	return cli_error("%s", JOB_USAGE) + 1;
}
