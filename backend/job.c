/*
 * job.c: one conversion of one VM on one proxy, and the states it may pass
 * through:
 *
 *   queued -> preparing -> converting -> finishing -> done
 *        \         \            \            \-> failed | cancelled
 *
 * Any non-final state may also go to failed or cancelled.  A final state is
 * never left: a retry is a new job.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "backend.h"

static const char *job_state_names[] = {
	[JOB_QUEUED] = "queued",
	[JOB_PREPARING] = "preparing",
	[JOB_CONVERTING] = "converting",
	[JOB_FINISHING] = "finishing",
	[JOB_DONE] = "done",
	[JOB_FAILED] = "failed",
	[JOB_CANCELLED] = "cancelled",
};
#define NSTATES (sizeof job_state_names / sizeof *job_state_names)

struct job *
job_new(const char *id, const char *vm, time_t now)
{
	struct job *job;

	job = xcalloc(1, sizeof *job);
	job->id = xstrdup(id);
	job->vm = xstrdup(vm);
	job->state = JOB_QUEUED;
	job->percent = -1;
	job->created = now;
	return job;
}

void
job_free(struct job *job)
{
	size_t i;

	if (job == NULL)
		return;
	free(job->id);
	free(job->vm);
	free(job->target);
	free(job->proxy);
	free(job->phase);
	free(job->error);
	free(job->run);
	free(job->source);
	free(job->plan);
	for (i = 0; i < job->nproxies; i++)
		free(job->proxies[i]);
	free(job->proxies);
	free(job->source_host);
	free(job->command);
	for (i = 0; i < job->nwarnings; i++)
		free(job->warnings[i]);
	free(job->warnings);
	for (i = 0; i < job->ndisks_out; i++) {
		free(job->disks[i].path);
		free(job->disks[i].format);
	}
	free(job->disks);
	free(job->result);
	free(job);
}

int
job_is_final(enum job_state s)
{
	return s == JOB_DONE || s == JOB_FAILED || s == JOB_CANCELLED;
}

static int
job_may_move(enum job_state from, enum job_state to)
{
	if (job_is_final(from))
		return 0;
	if (to == JOB_FAILED || to == JOB_CANCELLED)
		return 1;
	return to == from + 1;
}

int
job_set_state(struct job *job, enum job_state to, time_t now, char **cause)
{
	if (job->state == to)
		return 0;
	if (!job_may_move(job->state, to)) {
		cause_set(cause, "job %s (VM '%s') cannot go from %s to %s%s",
		    job->id, job->vm, job_state_name(job->state),
		    job_state_name(to), job_is_final(job->state) ?
		    ": it has ended; start a new job to retry" : "");
		return -1;
	}
	if (job->state == JOB_QUEUED)
		job->started = now;
	job->state = to;
	if (job_is_final(to))
		job->ended = now;
	return 0;
}

const char *
job_state_name(enum job_state s)
{
	if ((size_t)s >= NSTATES)
		return "unknown";
	return job_state_names[s];
}

int
job_state_parse(const char *s, enum job_state *out)
{
	size_t i;

	for (i = 0; i < NSTATES; i++) {
		if (strcmp(s, job_state_names[i]) == 0) {
			*out = (enum job_state)i;
			return 0;
		}
	}
	return -1;
}

/*
 * The whole job's percentage, from the disk being copied and its own
 * percentage: disks before it count as whole.  -1 when nothing is known.
 * (A weighting by disk size belongs to the caller, who knows the sizes.)
 */
int
job_overall_percent(const struct job *job)
{
	int pct;

	if (job->state == JOB_DONE)
		return 100;
	if (job->ndisks == 0 || job->disk == 0)
		return -1;
	pct = job->percent < 0 ? 0 : job->percent > 100 ? 100 : job->percent;
	if (job->disk > job->ndisks)
		return 100;
	return (int)(((job->disk - 1) * 100u + (unsigned)pct) / job->ndisks);
}

/* Keep a warning once (virt-v2v may repeat one). */
void
job_add_warning(struct job *job, const char *w)
{
	size_t i;

	for (i = 0; i < job->nwarnings; i++)
		if (strcmp(job->warnings[i], w) == 0)
			return;
	job->warnings = xappend(job->warnings, &job->nwarnings,
	    sizeof *job->warnings);
	job->warnings[job->nwarnings - 1] = xstrdup(w);
}

/* ------------------------------------------------------------ JSON form */

static void
job_jstr(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s != NULL ?
	    json_object_new_string(s) : NULL);
}

static struct json_object *
job_jstrs(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* The job as its record holds it (and `virt-import jobs --json` shows). */
struct json_object *
job_json(const struct job *job)
{
	struct json_object *o, *a, *d;
	size_t i;

	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(JOB_VERSION));
	job_jstr(o, "id", job->id);
	job_jstr(o, "run", job->run);
	job_jstr(o, "source", job->source);
	job_jstr(o, "vm", job->vm);
	job_jstr(o, "target", job->target);
	job_jstr(o, "proxy", job->proxy);
	json_object_object_add(o, "proxies", job_jstrs(job->proxies,
	    job->nproxies));
	job_jstr(o, "state", job_state_name(job->state));
	job_jstr(o, "phase", job->phase);
	json_object_object_add(o, "disk", json_object_new_int((int)job->disk));
	json_object_object_add(o, "disks",
	    json_object_new_int((int)job->ndisks));
	json_object_object_add(o, "percent", json_object_new_int(job->percent));
	json_object_object_add(o, "overall_percent",
	    json_object_new_int(job_overall_percent(job)));
	json_object_object_add(o, "created", json_object_new_int64(
	    (int64_t)job->created));
	json_object_object_add(o, "started", job->started != 0 ?
	    json_object_new_int64((int64_t)job->started) : NULL);
	json_object_object_add(o, "ended", job->ended != 0 ?
	    json_object_new_int64((int64_t)job->ended) : NULL);
	job_jstr(o, "error", job->error);
	json_object_object_add(o, "warnings", job_jstrs(job->warnings,
	    job->nwarnings));
	job_jstr(o, "source_host", job->source_host);
	json_object_object_add(o, "host_limit",
	    json_object_new_int((int)job->host_limit));
	json_object_object_add(o, "size", json_object_new_int64(
	    (int64_t)job->size));
	job_jstr(o, "command", job->command);
	json_object_object_add(o, "remote", json_object_new_boolean(
	    job->remote));
	json_object_object_add(o, "cancel", json_object_new_boolean(
	    job->cancel));
	a = json_object_new_array();
	for (i = 0; i < job->ndisks_out; i++) {
		d = json_object_new_object();
		job_jstr(d, "path", job->disks[i].path);
		job_jstr(d, "format", job->disks[i].format);
		json_object_object_add(d, "virtual_size", json_object_new_int64(
		    (int64_t)job->disks[i].virtual_size));
		json_object_object_add(d, "actual_size", json_object_new_int64(
		    (int64_t)job->disks[i].actual_size));
		json_object_array_add(a, d);
	}
	json_object_object_add(o, "output_disks", a);
	job_jstr(o, "result", job->result);
	json_object_object_add(o, "plan", job->plan != NULL ?
	    json_tokener_parse(job->plan) : NULL);
	return o;
}

static int
job_get(struct json_object *o, const char *key, enum json_type t,
    struct json_object **v)
{
	if (!json_object_object_get_ex(o, key, v) || *v == NULL)
		return 0;
	if (!json_object_is_type(*v, t))
		return -1;
	return 1;
}

static int
job_get_str(struct json_object *o, const char *key, char **out)
{
	struct json_object *v;
	int r;

	if ((r = job_get(o, key, json_type_string, &v)) == 1)
		*out = xstrdup(json_object_get_string(v));
	return r;
}

static int
job_get_int(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v;
	int r;

	if ((r = job_get(o, key, json_type_int, &v)) == 1)
		*out = json_object_get_int64(v);
	return r;
}

static int
job_get_strs(struct json_object *o, const char *key, char ***v, size_t *n)
{
	struct json_object *a, *s;
	size_t i;
	int r;

	if ((r = job_get(o, key, json_type_array, &a)) != 1)
		return r;
	for (i = 0; i < json_object_array_length(a); i++) {
		s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_string))
			return -1;
		*v = xappend(*v, n, sizeof **v);
		(*v)[*n - 1] = xstrdup(json_object_get_string(s));
	}
	return 1;
}

/* A job record back from its JSON; NULL with a cause when it is damaged. */
struct job *
job_parse(const char *text, size_t len, char **cause)
{
	struct json_tokener *tok;
	struct json_object *o, *v, *a, *d;
	struct job *job;
	char *id = NULL, *vm = NULL, *state = NULL;
	int64_t n, ver = 0;
	size_t i;
	int bad = 0;

	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    job_get_int(o, "version", &ver) != 1 || ver != JOB_VERSION ||
	    job_get_str(o, "id", &id) != 1 || job_get_str(o, "vm", &vm) != 1 ||
	    job_get_str(o, "state", &state) != 1) {
		cause_set(cause, ver > JOB_VERSION ? "a newer virt-import wrote "
		    "it: use that one" : "it is not a job record (damaged?)");
		json_object_put(o);
		free(id);
		free(vm);
		free(state);
		return NULL;
	}
	job = job_new(id, vm, 0);
	free(id);
	free(vm);
	if (job_state_parse(state, &job->state) != 0)
		bad = 1;
	free(state);
	bad |= job_get_str(o, "run", &job->run) < 0;
	bad |= job_get_str(o, "source", &job->source) < 0;
	bad |= job_get_str(o, "target", &job->target) < 0;
	bad |= job_get_str(o, "proxy", &job->proxy) < 0;
	bad |= job_get_strs(o, "proxies", &job->proxies, &job->nproxies) < 0;
	bad |= job_get_str(o, "phase", &job->phase) < 0;
	if (job_get_int(o, "disk", &n) == 1 && n >= 0)
		job->disk = (unsigned)n;
	if (job_get_int(o, "disks", &n) == 1 && n >= 0)
		job->ndisks = (unsigned)n;
	if (job_get_int(o, "percent", &n) == 1 && n >= -1 && n <= 100)
		job->percent = (int)n;
	if (job_get_int(o, "created", &n) == 1)
		job->created = (time_t)n;
	if (job_get_int(o, "started", &n) == 1)
		job->started = (time_t)n;
	if (job_get_int(o, "ended", &n) == 1)
		job->ended = (time_t)n;
	bad |= job_get_str(o, "error", &job->error) < 0;
	bad |= job_get_strs(o, "warnings", &job->warnings,
	    &job->nwarnings) < 0;
	bad |= job_get_str(o, "source_host", &job->source_host) < 0;
	if (job_get_int(o, "host_limit", &n) == 1 && n >= 0)
		job->host_limit = (unsigned)n;
	if (job_get_int(o, "size", &n) == 1 && n >= 0)
		job->size = (uint64_t)n;
	bad |= job_get_str(o, "command", &job->command) < 0;
	if (job_get(o, "remote", json_type_boolean, &v) == 1)
		job->remote = json_object_get_boolean(v);
	if (job_get(o, "cancel", json_type_boolean, &v) == 1)
		job->cancel = json_object_get_boolean(v);
	bad |= job_get_str(o, "result", &job->result) < 0;
	if (job_get(o, "output_disks", json_type_array, &a) == 1) {
		for (i = 0; i < json_object_array_length(a); i++) {
			d = json_object_array_get_idx(a, i);
			if (!json_object_is_type(d, json_type_object)) {
				bad = 1;
				continue;
			}
			job->disks = xappend(job->disks, &job->ndisks_out,
			    sizeof *job->disks);
			job_get_str(d, "path", &job->disks[i].path);
			job_get_str(d, "format", &job->disks[i].format);
			if (job_get_int(d, "virtual_size", &n) == 1 && n >= 0)
				job->disks[i].virtual_size = (uint64_t)n;
			if (job_get_int(d, "actual_size", &n) == 1 && n >= 0)
				job->disks[i].actual_size = (uint64_t)n;
		}
	}
	if (job_get(o, "plan", json_type_object, &v) == 1)
		job->plan = xstrdup(json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (bad || !rjob_id_valid(job->id)) {
		cause_set(cause, "a field of it has the wrong type (damaged?)");
		job_free(job);
		return NULL;
	}
	return job;
}
