/*
 * jobretry.c: a failed or cancelled job queued again.  A final state is
 * never left (job.c), so a retry is a new job: the same VM with the plan
 * the old job was queued with (its record keeps that plan, with this VM
 * only), through engine_queue like any batch, so the VM's lock and the
 * proxies' limits apply as for a first run.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define JOBRETRY_STAMP	15	/* "YYYYmmdd-HHMMSS" of a job id */

/*
 * Can a job in this state be queued again?  0, or -1 with a cause that
 * says why not.
 */
int
jobretry_check(const struct job *job, char **cause)
{
	if (!job_is_final(job->state)) {
		cause_set(cause, "VM '%s' is still %s (job %s): cancel it "
		    "first to start it again", job->vm,
		    job_state_name(job->state), job->id);
		return -1;
	}
	if (job->state == JOB_DONE) {
		cause_set(cause, "VM '%s' was done: the VM is at the "
		    "destination (job %s); to import it again, remove it there "
		    "and add it to a new plan", job->vm, job->id);
		return -1;
	}
	return 0;
}

/*
 * A later job of the same VM (same source) takes the VM's story on: once
 * it is done the VM is at the destination, and while it is failed it is
 * the one to retry (its plan is the newer).  0, or -1 with a cause naming
 * it.  Ids start with the second they were made, so only those from the
 * job's own second on are read.
 */
static int
jobretry_newer(const struct job *job, char **cause)
{
	struct job *o;
	char **ids;
	size_t i, n;
	int rc = 0, later;

	if (job->source == NULL || (ids = jobstore_all(&n, cause)) == NULL)
		return job->source == NULL ? 0 : -1;
	for (i = n; i > 0 && rc == 0; i--) {
		if (strncmp(ids[i - 1], job->id, JOBRETRY_STAMP) < 0)
			break;
		if (strcmp(ids[i - 1], job->id) == 0 ||
		    (o = jobstore_load(ids[i - 1], NULL)) == NULL)
			continue;
		if (!str_eq(o->source, job->source) ||
		    strcmp(o->vm, job->vm) != 0 || o->created < job->created) {
			job_free(o);
			continue;
		}
		/* Of the same second: the larger id counts as the later. */
		later = o->created > job->created || strcmp(o->id, job->id) > 0;
		if (o->state == JOB_DONE) {
			cause_set(cause, "VM '%s' was imported since, by job %s: "
			    "it is at the destination; to import it again, "
			    "remove it there and add it to a new plan", job->vm,
			    o->id);
			rc = -1;
		} else if (!job_is_final(o->state)) {
			cause_set(cause, "VM '%s' is in job %s now (%s): follow "
			    "that one ('virt-import log %s --follow')", job->vm,
			    o->id, job_state_name(o->state), o->id);
			rc = -1;
		} else if (later) {
			cause_set(cause, "VM '%s' was queued again since, as job "
			    "%s (%s): retry that one", job->vm, o->id,
			    job_state_name(o->state));
			rc = -1;
		}
		job_free(o);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

/*
 * Queue the VM of job id again as a new job; *new_id gets its id.  The
 * old job stays as it ended, for its log and its error.
 */
int
jobretry_queue(struct engine *e, const char *id, char **new_id,
    char **cause)
{
	const struct job *known;
	struct job *loaded = NULL;
	const struct job *job;
	struct plan *plan = NULL;
	struct vm *vm = NULL;
	struct disk *d;
	const struct vm *vms[1];
	char **ids = NULL;
	size_t i;
	int rc = -1;

	*new_id = NULL;
	if ((known = engine_find(e, id)) != NULL)
		job = known;
	else if ((job = loaded = jobstore_load(id, cause)) == NULL)
		return -1;
	if (jobretry_check(job, cause) != 0 || jobretry_newer(job, cause) != 0)
		goto out;
	if (job->plan == NULL) {
		cause_set(cause, "job %s (VM '%s') keeps no plan to queue it "
		    "again with: add the VM to a new plan", job->id, job->vm);
		goto out;
	}
	if ((plan = planjson_parse(job->plan, strlen(job->plan), cause)) ==
	    NULL) {
		cause_prefix(cause, "the plan job %s was queued with", id);
		goto out;
	}
	if (plan->nitems != 1) {
		cause_set(cause, "the plan job %s was queued with has %zu VMs, "
		    "not one (damaged?): add the VM to a new plan", id,
		    plan->nitems);
		goto out;
	}
	/*
	 * engine_queue takes the VMs only for their size (the largest start
	 * first): the old job's is the size the source gave then.
	 */
	vm = vm_new(job->vm);
	d = vm_add_disk(vm);
	d->capacity = job->size;
	vms[0] = vm;
	if (engine_queue(e, plan, vms, &ids, cause) != 0)
		goto out;
	*new_id = ids[0];
	for (i = 1; ids[i] != NULL; i++)
		free(ids[i]);
	free(ids);
	rc = 0;
out:
	vm_free(vm);
	plan_free(plan);
	job_free(loaded);
	return rc;
}
