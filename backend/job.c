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
	if (job == NULL)
		return;
	free(job->id);
	free(job->vm);
	free(job->target);
	free(job->proxy);
	free(job->phase);
	free(job->error);
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
