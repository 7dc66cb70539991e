/*
 * rjob.c: remote jobs on a proxy that outlive the SSH connection.
 *
 * Each job has its own directory under the proxy's job directory:
 *
 *	pid		"PID STARTTIME" of the job's leader (starttime: field 22
 *			of /proc/PID/stat, so a reused PID is not taken for it)
 *	log		the command's stdout and stderr
 *	rc		its exit status, written (by rename) once it ended
 *	cancelled	present when the job was cancelled
 *	secrets/	0600 files the command reads by path; removed at the end
 *	work/		the command's working directory (removed on cancel)
 *
 * The leader is started detached from the connection: with systemd-run
 * where the proxy runs systemd (and we are root), else with setsid.  A
 * follower command streams the log from a byte offset (the size of our
 * local copy, so a reconnect continues exactly where the last byte was
 * written: nothing lost, nothing twice) and says on stderr when the job
 * ended ("rc N"), when its leader vanished ("lost"), and every few seconds
 * that it is alive (the engine's liveness check needs traffic).
 *
 * The local record of a job ($XDG_STATE_HOME/virt-import/jobs/ID/job.json,
 * beside the local copy of its log) is replaced atomically.  Every word of
 * every remote command is quoted by sshc_command; the scripts below take
 * their data as positional parameters only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "backend.h"

#define RJOB_VERSION	1

/* $1 leader script, $2 job dir, $3... the command. */
static const char rjob_start_sh[] =
"umask 077\n"
"leader=$1 d=$2\n"
"shift 2\n"
"cd \"$d\" || exit 2\n"
"mkdir -p work || exit 2\n"
"if [ -d /run/systemd/system ] && [ \"$(id -u)\" = 0 ] &&\n"
"    command -v systemd-run >/dev/null 2>&1; then\n"
"\tmode=systemd-run\n"
"\tsystemd-run --quiet --collect --unit=\"virt-import-job-${d##*/}\" \\\n"
"\t    --property=KillMode=control-group -- /bin/sh -c \"$leader\" sh \\\n"
"\t    \"$PWD\" \"$@\" </dev/null >/dev/null 2>start.err\n"
"else\n"
"\tmode=setsid\n"
"\tsetsid -f /bin/sh -c \"$leader\" sh \"$PWD\" \"$@\" \\\n"
"\t    </dev/null >/dev/null 2>start.err\n"
"fi || { cat start.err >&2; exit 2; }\n"
"i=0\n"
"while [ ! -s pid ]; do\n"
"\ti=$((i + 1))\n"
"\tif [ $i -gt 200 ]; then\n"
"\t\techo \"the job did not start within 20 s\" >&2\n"
"\t\tcat start.err >&2\n"
"\t\texit 2\n"
"\tfi\n"
"\tsleep 0.1\n"
"done\n"
"printf '%s %s\\n' \"$(cat pid)\" \"$mode\"\n";

/* The leader: $1 job dir, $2... the command. */
static const char rjob_leader_sh[] =
"cd \"$1\" || exit 2\n"
"shift\n"
"trap '' HUP\n"
"f22() { set -f; set -- $1; echo \"${20}\"; }\n"
"st=$(cat /proc/$$/stat) || exit 2\n"
"st=$(f22 \"${st##*) }\")\n"
"printf '%s %s\\n' \"$$\" \"$st\" >pid.tmp && mv -f pid.tmp pid || exit 2\n"
"trap ': >cancelled' TERM INT\n"
"(cd work || exit 2\n"
" if [ -r ../env ]; then\n"
"\twhile IFS= read -r kv; do\n"
"\t\texport \"$kv\" || { echo \"virt-import: cannot set ${kv%%=*}\" >&2; exit 2; }\n"
"\tdone <../env\n"
" fi\n"
" exec \"$@\") </dev/null >>log 2>&1 &\n"
"c=$!\n"
"wait \"$c\"\n"
"rc=$?\n"
"while kill -0 \"$c\" 2>/dev/null; do wait \"$c\"; rc=$?; done\n"
"rm -rf secrets env\n"
"[ -e cancelled ] && rm -rf work\n"
"printf '%s\\n' \"$rc\" >rc.tmp && mv -f rc.tmp rc\n";

/* Shared by the follower and cancel: is the leader still there? */
#define RJOB_ALIVE_SH \
"alive() {\n" \
"\t[ -r pid ] || return 0\n" \
"\tread -r p s <pid || return 0\n" \
"\t{ read -r t </proc/\"$p\"/stat; } 2>/dev/null || return 1\n" \
"\tset -f\n" \
"\tset -- ${t##*) }\n" \
"\t[ \"$1\" != Z ] && [ \"${20}\" = \"$s\" ]\n" \
"}\n"

/*
 * $1 job dir, $2 offset, $3 heartbeat seconds.  It looks every 250 ms
 * while the log grows and backs off to every 2 s (at most the heartbeat)
 * while it is idle: a conversion is mostly idle, and each look starts
 * processes on the proxy (stat, sleep), for every job followed there.
 */
static const char rjob_follow_sh[] =
"cd \"$1\" 2>/dev/null || { echo nojob >&2; exit 0; }\n"
"off=$2 hb=$3 n=0 d=250 max=$(($3 * 1000))\n"
"[ $max -gt 2000 ] && max=2000\n"
"[ $max -lt 250 ] && max=250\n"
RJOB_ALIVE_SH
"while :; do\n"
"\tfin=0\n"
"\t[ -e rc ] && fin=1\n"
"\tsize=$(stat -c %s log 2>/dev/null || echo 0)\n"
"\tif [ \"$size\" -gt \"$off\" ]; then\n"
"\t\tdd if=log iflag=skip_bytes,count_bytes skip=\"$off\" \\\n"
"\t\t    count=$((size - off)) bs=64K status=none || exit 4\n"
"\t\toff=$size n=0 d=0\n"
"\telif [ \"$size\" -lt \"$off\" ]; then\n"
"\t\techo \"shrunk $size\" >&2\n"
"\t\texit 0\n"
"\tfi\n"
"\tif [ $fin = 1 ]; then\n"
"\t\t[ -e cancelled ] && echo cancelled >&2\n"
"\t\techo \"rc $(cat rc)\" >&2\n"
"\t\texit 0\n"
"\tfi\n"
"\tif ! alive; then\n"
"\t\t[ -e rc ] && continue\n"
"\t\techo lost >&2\n"
"\t\texit 0\n"
"\tfi\n"
"\td=$((d * 2)); [ $d -lt 250 ] && d=250; [ $d -gt $max ] && d=$max\n"
"\tn=$((n + d))\n"
"\tif [ $n -ge $((hb * 1000)) ]; then echo alive >&2; n=0; fi\n"
"\tsleep $((d / 1000)).$((d % 1000 / 100))$((d % 100 / 10))\n"
"done\n";

/* $1 job dir. */
static const char rjob_cancel_sh[] =
"cd \"$1\" 2>/dev/null || { echo \"the job's directory is gone\" >&2; exit 3; }\n"
"[ -e rc ] && { echo finished; exit 0; }\n"
": >cancelled\n"
RJOB_ALIVE_SH
"p=\n"
"[ -r pid ] && read -r p s <pid\n"
"if [ -n \"$p\" ] && alive; then kill -s TERM -- \"-$p\" 2>/dev/null; fi\n"
"i=0\n"
"while [ ! -e rc ] && [ $i -lt 100 ] && [ -n \"$p\" ] && alive; do\n"
"\tsleep 0.1\n"
"\ti=$((i + 1))\n"
"done\n"
"if [ ! -e rc ] && [ -n \"$p\" ] && alive; then\n"
"\tkill -s KILL -- \"-$p\" 2>/dev/null\n"
"fi\n"
"i=0\n"
"while [ ! -e rc ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done\n"
"if [ ! -e rc ]; then\n"
"\trm -rf secrets work\n"
"\tprintf '137\\n' >rc.tmp && mv -f rc.tmp rc\n"
"fi\n"
"echo cancelled\n";

static const char *const rjob_state_names[] = {
	"running", "done", "failed", "cancelled", "lost"
};

const char *
rjob_state_name(enum rjob_state s)
{
	return rjob_state_names[s];
}

void
rjob_free(struct rjob *j)
{
	if (j == NULL)
		return;
	free(j->id);
	free(j->proxy);
	free(j->dir);
	free(j->command);
	free(j->starttime);
	free(j->mode);
	free(j->error);
	free(j);
}

/* A new job id: the UTC time and 48 random bits, [0-9a-z-] only. */
char *
rjob_new_id(void)
{
	unsigned char r[6];
	char stamp[32], *id;
	struct tm tm;
	time_t now = time(NULL);

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		fatalx("getrandom: %s", strerror(errno));
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	xasprintf(&id, "%s-%02x%02x%02x%02x%02x%02x", stamp, r[0], r[1], r[2],
	    r[3], r[4], r[5]);
	return id;
}

int
rjob_id_valid(const char *id)
{
	size_t i;

	if (id == NULL || id[0] == '\0' || strlen(id) > 64)
		return 0;
	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'z') || id[i] == '-'))
			return 0;
	return 1;
}

/* The remote directory of job id on proxy p. */
char *
rjob_remote_dir(const struct proxy *p, const char *id)
{
	char *d;
	size_t n = strlen(p->job_dir);

	xasprintf(&d, "%.*s/%s", (int)(n > 1 && p->job_dir[n - 1] == '/' ?
	    n - 1 : n), p->job_dir, id);
	return d;
}

/* Where a secret of a job lives on the proxy. */
char *
rjob_secret_path(const char *dir, const char *name)
{
	char *s;

	xasprintf(&s, "%s/secrets/%s", dir, name);
	return s;
}

int
rjob_secret_name_valid(const char *name, char **cause)
{
	return name_valid("secret", name, cause) == 0;
}

/* $XDG_STATE_HOME/virt-import/jobs[/id[/file]], made as needed. */
static char *
rjob_local(const char *id, const char *file, int make, char **cause)
{
	return jobstore_path(id, file, make, cause);
}

char *
rjob_log_path(const char *id, char **cause)
{
	return rjob_local(id, "log", 0, cause);
}

int
rjob_save(const struct rjob *j, char **cause)
{
	struct json_object *o;
	char *path;
	int rc;

	if ((path = rjob_local(j->id, "job.json", 1, cause)) == NULL)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(RJOB_VERSION));
	json_object_object_add(o, "id", json_object_new_string(j->id));
	json_object_object_add(o, "proxy", json_object_new_string(j->proxy));
	json_object_object_add(o, "remote_dir", json_object_new_string(j->dir));
	json_object_object_add(o, "command",
	    json_object_new_string(j->command));
	json_object_object_add(o, "pid", json_object_new_int64(j->pid));
	json_object_object_add(o, "starttime", json_object_new_string(
	    j->starttime != NULL ? j->starttime : ""));
	json_object_object_add(o, "mode", json_object_new_string(
	    j->mode != NULL ? j->mode : ""));
	json_object_object_add(o, "state",
	    json_object_new_string(rjob_state_name(j->state)));
	json_object_object_add(o, "rc", j->state == RJOB_RUNNING ||
	    j->state == RJOB_LOST ? NULL : json_object_new_int(j->rc));
	json_object_object_add(o, "error", j->error != NULL ?
	    json_object_new_string(j->error) : NULL);
	json_object_object_add(o, "created",
	    json_object_new_int64(j->created));
	json_object_object_add(o, "ended", j->ended != 0 ?
	    json_object_new_int64(j->ended) : NULL);
	rc = store_write_path(path, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), cause);
	json_object_put(o);
	free(path);
	return rc;
}

static char *
rjob_jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

struct rjob *
rjob_load(const char *id, char **cause)
{
	struct json_object *o, *v;
	struct rjob *j;
	char *path, *text, *st;
	size_t i;

	if (!rjob_id_valid(id)) {
		cause_set(cause, "'%s' is not a job id: run 'virt-import proxy "
		    "job list' to see them", id);
		return NULL;
	}
	if ((path = rjob_local(id, "job.json", 0, cause)) == NULL)
		return NULL;
	if ((text = store_read_path(path, 1024 * 1024, cause)) == NULL) {
		free(path);
		return NULL;
	}
	if (*text == '\0' && access(path, F_OK) != 0) {
		cause_set(cause, "there is no job '%s': run 'virt-import proxy "
		    "job list' to see them", id);
		free(text);
		free(path);
		return NULL;
	}
	o = json_tokener_parse(text);
	free(text);
	j = xcalloc(1, sizeof *j);
	if (o == NULL || !json_object_object_get_ex(o, "version", &v) ||
	    json_object_get_int(v) != RJOB_VERSION ||
	    (j->id = rjob_jstr(o, "id")) == NULL || strcmp(j->id, id) != 0 ||
	    (j->proxy = rjob_jstr(o, "proxy")) == NULL ||
	    (j->dir = rjob_jstr(o, "remote_dir")) == NULL ||
	    (j->command = rjob_jstr(o, "command")) == NULL ||
	    (st = rjob_jstr(o, "state")) == NULL) {
		cause_set(cause, "%s is damaged: remove the job's folder", path);
		json_object_put(o);
		rjob_free(j);
		free(path);
		return NULL;
	}
	for (i = 0; i < sizeof rjob_state_names / sizeof *rjob_state_names;
	    i++)
		if (strcmp(st, rjob_state_names[i]) == 0)
			j->state = (enum rjob_state)i;
	free(st);
	j->starttime = rjob_jstr(o, "starttime");
	j->mode = rjob_jstr(o, "mode");
	j->error = rjob_jstr(o, "error");
	if (json_object_object_get_ex(o, "pid", &v))
		j->pid = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "rc", &v) && v != NULL)
		j->rc = json_object_get_int(v);
	if (json_object_object_get_ex(o, "created", &v))
		j->created = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "ended", &v) && v != NULL)
		j->ended = json_object_get_int64(v);
	json_object_put(o);
	free(path);
	return j;
}

/* Every local job record, oldest first; damaged ones are skipped. */
struct rjob **
rjob_list(size_t *n, char **cause)
{
	struct rjob **v = NULL, *j;
	char **ids, *ignored;
	size_t i, nids;

	*n = 0;
	if ((ids = jobstore_all(&nids, cause)) == NULL)
		return NULL;
	for (i = 0; i < nids; i++) {
		ignored = NULL;
		if ((j = rjob_load(ids[i], &ignored)) != NULL) {
			v = xappend(v, n, sizeof *v);
			v[*n - 1] = j;
		}
		free(ignored);
		free(ids[i]);
	}
	free(ids);
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	return v;
}

void
rjob_list_free(struct rjob **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rjob_free(v[i]);
	free(v);
}

/* ------------------------------------------------------------- starting */

static int
rjob_sftp_error(sftp_session sf, struct sshc *c, const char *what,
    const char *path, char **cause)
{
	cause_set(cause, "cannot %s %s on %s: %s (sftp error %d)", what, path,
	    sshc_where(c), ssh_get_error(sshc_session(c)),
	    sf != NULL ? sftp_get_error(sf) : -1);
	return -1;
}

/* mkdir -p over SFTP: new folders 0700; the last one must be new. */
static int
rjob_sftp_mkdirs(sftp_session sf, struct sshc *c, const char *path,
    char **cause)
{
	char *p = xstrdup(path), *s;
	int rc = -1;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (sftp_mkdir(sf, p, 0700) != 0 &&
		    sftp_get_error(sf) != SSH_FX_FILE_ALREADY_EXISTS &&
		    sftp_get_error(sf) != SSH_FX_FAILURE) {
			rjob_sftp_error(sf, c, "make the folder", p, cause);
			goto out;
		}
		*s = '/';
	}
	if (sftp_mkdir(sf, p, 0700) != 0) {
		rjob_sftp_error(sf, c, "make the job folder", p, cause);
		goto out;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

/* Write len bytes to a new 0600 file path over SFTP. */
static int
rjob_put_file(sftp_session sf, struct sshc *c, const char *path,
    const char *data, size_t len, char **cause)
{
	sftp_file f;
	size_t off;
	ssize_t n;

	f = sftp_open(sf, path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (f == NULL) {
		rjob_sftp_error(sf, c, "create", path, cause);
		return -1;
	}
	for (off = 0; off < len; off += (size_t)n) {
		n = sftp_write(f, data + off, len - off);
		if (n <= 0)
			break;
	}
	if (sftp_close(f) != 0 || off != len) {
		rjob_sftp_error(sf, c, "write", path, cause);
		return -1;
	}
	return 0;
}

/*
 * Write the secrets into dir/secrets/ (0700) as 0600 files, created new,
 * over SFTP: they never pass through a command line.  env (NAME=VALUE
 * words, or NULL) goes to dir/env the same way, one a line, for the
 * leader to export to the command only: a proxy's --env is not shown in
 * its process list either.
 */
static int
rjob_put_secrets(struct sshc *c, const char *dir,
    const struct rjob_secret *sec, size_t nsec, const char *const *env,
    char **cause)
{
	sftp_session sf;
	char *sd, *path, *text = NULL, *s;
	size_t i;
	int rc = -1;

	if ((sf = sftp_new(sshc_session(c))) == NULL || sftp_init(sf) != 0) {
		rjob_sftp_error(sf, c, "start SFTP for", dir, cause);
		if (sf != NULL)
			sftp_free(sf);
		return -1;
	}
	if (rjob_sftp_mkdirs(sf, c, dir, cause) != 0)
		goto out;
	if (env != NULL && env[0] != NULL) {
		for (i = 0; env[i] != NULL; i++) {
			xasprintf(&s, "%s%s\n", text != NULL ? text : "",
			    env[i]);
			free(text);
			text = s;
		}
		xasprintf(&path, "%s/env", dir);
		i = rjob_put_file(sf, c, path, text, strlen(text), cause);
		free(path);
		free(text);
		if (i != 0)
			goto out;
	}
	if (nsec == 0) {
		rc = 0;
		goto out;
	}
	xasprintf(&sd, "%s/secrets", dir);
	if (sftp_mkdir(sf, sd, 0700) != 0) {
		rjob_sftp_error(sf, c, "make", sd, cause);
		free(sd);
		goto out;
	}
	free(sd);
	for (i = 0; i < nsec; i++) {
		path = rjob_secret_path(dir, sec[i].name);
		if (rjob_put_file(sf, c, path, sec[i].data, sec[i].len,
		    cause) != 0) {
			free(path);
			goto out;
		}
		free(path);
	}
	rc = 0;
out:
	sftp_free(sf);
	return rc;
}

/* Remove a job's remote folder (best effort: used to undo a failed start). */
static void
rjob_remote_rm(struct sshc *c, const char *dir)
{
	const char *argv[] = { "rm", "-rf", "--", dir, NULL };
	struct sshc_result r;
	char *cause = NULL;

	if (sshc_run(c, argv, 30, &r, &cause) == 0)
		sshc_result_free(&r);
	free(cause);
}

/*
 * Start argv as job id on the proxy c is connected to: its folder made, the
 * secrets and env (NAME=VALUE words for argv only, or NULL) written, the
 * leader detached.  The record is saved locally.
 */
struct rjob *
rjob_start(struct sshc *c, const struct proxy *p, const char *id,
    const char *const *argv, const struct rjob_secret *sec, size_t nsec,
    const char *const *env, char **cause)
{
	struct sshc_result r;
	struct rjob *j;
	const char **cmd;
	char *dir, *line, stbuf[32], modebuf[32];
	size_t n, i;
	long long pid;

	if (!rjob_id_valid(id)) {
		cause_set(cause, "'%s' is not a job id", id);
		return NULL;
	}
	for (n = 0; argv[n] != NULL; n++)
		;
	if (n == 0) {
		cause_set(cause, "a job needs a command");
		return NULL;
	}
	if ((line = sshc_command(argv, cause)) == NULL)
		return NULL;
	dir = rjob_remote_dir(p, id);
	if (rjob_put_secrets(c, dir, sec, nsec, env, cause) != 0) {
		rjob_remote_rm(c, dir);
		free(dir);
		free(line);
		return NULL;
	}
	cmd = xreallocarray(NULL, n + 7, sizeof *cmd);
	cmd[0] = "sh";
	cmd[1] = "-c";
	cmd[2] = rjob_start_sh;
	cmd[3] = "sh";
	cmd[4] = rjob_leader_sh;
	cmd[5] = dir;
	for (i = 0; i < n; i++)
		cmd[6 + i] = argv[i];
	cmd[6 + n] = NULL;
	if (sshc_run(c, cmd, 60, &r, cause) != 0) {
		free(cmd);
		rjob_remote_rm(c, dir);
		free(dir);
		free(line);
		return NULL;
	}
	free(cmd);
	if (r.status != 0 || sscanf(r.out, "%lld %31s %31s", &pid, stbuf,
	    modebuf) != 3 || pid <= 1) {
		cause_set(cause, "the job could not start on %s: %.*s",
		    sshc_where(c), (int)(r.err_len > 500 ? 500 : r.err_len),
		    r.err_len > 0 ? r.err : "no answer from its start script");
		sshc_result_free(&r);
		rjob_remote_rm(c, dir);
		free(dir);
		free(line);
		return NULL;
	}
	sshc_result_free(&r);
	j = xcalloc(1, sizeof *j);
	j->id = xstrdup(id);
	j->proxy = xstrdup(p->name);
	j->dir = dir;
	j->command = line;
	j->pid = pid;
	j->starttime = xstrdup(stbuf);
	j->mode = xstrdup(modebuf);
	j->state = RJOB_RUNNING;
	j->created = time(NULL);
	if (rjob_save(j, cause) != 0) {
		/* Not recorded: nobody could follow or cancel it. */
		rjob_cancel(c, j, NULL);
		rjob_remote_rm(c, dir);
		rjob_free(j);
		return NULL;
	}
	return j;
}

/* ------------------------------------------------------------ following */

struct rjob_follow {
	struct rjob		*j;
	int			 fd;		/* local log, append */
	char			 line[1024];	/* stderr, a line at a time */
	size_t			 linelen;
	int			 got_rc;
	int			 rc;
	int			 cancelled;
	int			 lost;
	char			*remote_error;
	char			*local_error;
	struct sshm_chan	*ch;
	const struct rjob_follow_ops *ops;
	void			*arg;
};

static void
rjob_follow_line(struct rjob_follow *f, const char *s)
{
	int v;

	if (strcmp(s, "alive") == 0)
		return;
	if (sscanf(s, "rc %d", &v) == 1) {
		f->got_rc = 1;
		f->rc = v;
	} else if (strcmp(s, "cancelled") == 0)
		f->cancelled = 1;
	else if (strcmp(s, "lost") == 0)
		f->lost = 1;
	else if (strcmp(s, "nojob") == 0) {
		free(f->remote_error);
		xasprintf(&f->remote_error, "its folder %s is gone from the "
		    "proxy", f->j->dir);
	} else if (f->remote_error == NULL)
		f->remote_error = xstrdup(s);
}

static void
rjob_follow_data(void *arg, int stream, const char *buf, size_t n)
{
	struct rjob_follow *f = arg;
	size_t i, done;
	ssize_t w;

	if (stream == 0) {
		if (f->local_error != NULL)
			return;
		for (done = 0; done < n; done += (size_t)w) {
			w = write(f->fd, buf + done, n - done);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				xasprintf(&f->local_error, "cannot write the "
				    "local copy of the log of job %s: %s",
				    f->j->id, strerror(errno));
				return;
			}
		}
		f->j->log_read += n;
		if (f->ops->log != NULL)
			f->ops->log(f->arg, f->j, buf, n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || f->linelen == sizeof f->line - 1) {
			f->line[f->linelen] = '\0';
			rjob_follow_line(f, f->line);
			f->linelen = 0;
			if (buf[i] == '\n')
				continue;
		}
		f->line[f->linelen++] = buf[i];
	}
}

static void
rjob_follow_done(void *arg, const struct sshm_exit *e)
{
	struct rjob_follow *f = arg;
	struct rjob *j = f->j;
	char *error = NULL, *ignored = NULL;
	int ended = 0;

	f->ch = NULL;
	if (f->linelen > 0) {
		f->line[f->linelen] = '\0';
		rjob_follow_line(f, f->line);
		f->linelen = 0;
	}
	if (f->local_error != NULL)
		error = xstrdup(f->local_error);
	else if (e->error != NULL)
		error = xstrdup(e->error);
	else if (f->got_rc) {
		j->rc = f->rc;
		j->state = f->cancelled ? RJOB_CANCELLED : f->rc == 0 ?
		    RJOB_DONE : RJOB_FAILED;
		ended = 1;
	} else if (f->lost) {
		j->state = RJOB_LOST;
		free(j->error);
		xasprintf(&j->error, "the job's process on the proxy is gone "
		    "without an exit status (the proxy rebooted, or it was "
		    "killed)");
		ended = 1;
	} else
		xasprintf(&error, "following job %s failed on the proxy "
		    "(status %d): %s", j->id, e->status,
		    f->remote_error != NULL ? f->remote_error : "no message");
	if (ended) {
		j->ended = time(NULL);
		if (rjob_save(j, &ignored) != 0) {
			error = ignored;
			ignored = NULL;
		}
	}
	free(ignored);
	f->ops->end(f->arg, j, ended, error);
	free(error);
}

static const struct sshm_ops rjob_follow_sshm = {
	rjob_follow_data, rjob_follow_done
};

/*
 * Follow job j on engine m: the log from where the local copy ends, then
 * the job's end.  ops->end is called once: ended (the job's state is final
 * and saved) or with the error that stopped following (the job runs on;
 * follow it again on a new connection).  heartbeat: seconds between the
 * follower's signs of life, less than the engine's idle timeout.
 */
struct rjob_follow *
rjob_follow_start(struct sshm *m, struct rjob *j, unsigned heartbeat,
    const struct rjob_follow_ops *ops, void *arg, char **cause)
{
	struct rjob_follow *f;
	struct stat sb;
	char *path, off[32], hb[16];
	const char *argv[8];

	if ((path = rjob_local(j->id, "log", 1, cause)) == NULL)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->j = j;
	f->ops = ops;
	f->arg = arg;
	f->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (f->fd == -1 || fstat(f->fd, &sb) != 0) {
		cause_set(cause, "cannot open %s: %s", path, strerror(errno));
		if (f->fd != -1)
			close(f->fd);
		free(f);
		free(path);
		return NULL;
	}
	/* One writer of the local copy, or bytes would be copied twice. */
	if (flock(f->fd, LOCK_EX | LOCK_NB) != 0) {
		cause_set(cause, "job %s is being followed by another "
		    "virt-import: wait for it, or stop that one", j->id);
		close(f->fd);
		free(f);
		free(path);
		return NULL;
	}
	free(path);
	j->log_read = (uint64_t)sb.st_size;
	snprintf(off, sizeof off, "%llu", (unsigned long long)sb.st_size);
	snprintf(hb, sizeof hb, "%u", heartbeat == 0 ? 1 : heartbeat);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = rjob_follow_sh;
	argv[3] = "sh";
	argv[4] = j->dir;
	argv[5] = off;
	argv[6] = hb;
	argv[7] = NULL;
	if ((f->ch = sshm_exec(m, argv, &rjob_follow_sshm, f, cause)) == NULL) {
		close(f->fd);
		free(f);
		return NULL;
	}
	return f;
}

/* Free a follower once its end was reported (or abandon a running one). */
void
rjob_follow_free(struct rjob_follow *f)
{
	if (f == NULL)
		return;
	if (f->ch != NULL)
		sshm_abandon(f->ch);
	close(f->fd);
	free(f->remote_error);
	free(f->local_error);
	free(f);
}

/* ------------------------------------------------------------ cancelling */

/*
 * Cancel job j: SIGTERM to its process group, SIGKILL after 10 s, its
 * secrets and working folder removed.  0 when the job is over (cancelled,
 * or it had finished before); the record is updated.
 */
int
rjob_cancel(struct sshc *c, struct rjob *j, char **cause)
{
	const char *argv[] = { "sh", "-c", rjob_cancel_sh, "sh", j->dir, NULL };
	struct sshc_result r;

	if (sshc_run(c, argv, 60, &r, cause) != 0)
		return -1;
	if (r.status != 0) {
		cause_set(cause, "cannot cancel job %s on %s: %.*s", j->id,
		    sshc_where(c), (int)(r.err_len > 300 ? 300 : r.err_len),
		    r.err);
		sshc_result_free(&r);
		return -1;
	}
	sshc_result_free(&r);
	return 0;
}

/* Remove a finished job: its folder on the proxy and its local record. */
int
rjob_remove(struct sshc *c, struct rjob *j, char **cause)
{
	char *dir, *f;
	const char *files[] = { "job.json", "log", NULL };
	size_t i;

	if (j->state == RJOB_RUNNING) {
		cause_set(cause, "job %s is running: cancel it first", j->id);
		return -1;
	}
	if (c != NULL)
		rjob_remote_rm(c, j->dir);
	for (i = 0; files[i] != NULL; i++) {
		if ((f = rjob_local(j->id, files[i], 0, cause)) == NULL)
			return -1;
		if (unlink(f) != 0 && errno != ENOENT) {
			cause_set(cause, "cannot remove %s: %s", f,
			    strerror(errno));
			free(f);
			return -1;
		}
		free(f);
	}
	if ((dir = rjob_local(j->id, NULL, 0, cause)) == NULL)
		return -1;
	if (rmdir(dir) != 0 && errno != ENOENT) {
		cause_set(cause, "cannot remove %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	return 0;
}
