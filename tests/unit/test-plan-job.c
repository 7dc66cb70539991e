/* Unit tests: plan.c and job.c. */
#include <stdlib.h>

#include "unit.h"

static void
test_plan_items(void)
{
	struct plan *plan = plan_new();
	struct plan_item *it;
	char *cause = NULL;

	plan->format = DISK_FORMAT_QCOW2;
	it = plan_add(plan, "web01", &cause);
	CHECK(it != NULL);
	CHECK_STR(it->target, "web01");	/* the name is kept unless changed */
	CHECK(it->format == DISK_FORMAT_QCOW2);
	CHECK(plan_add(plan, "web01", &cause) == NULL);
	CHECK(strstr(cause, "already in the plan") != NULL);
	CHECK(plan_add(plan, "db01", NULL) != NULL);
	CHECK(plan->nitems == 2);
	CHECK(plan_find(plan, "db01") == &plan->items[1]);
	CHECK(plan_find(plan, "nope") == NULL);
	free(cause);
	plan_free(plan);
	plan_free(NULL);
}

static void
test_plan_network_mapping(void)
{
	struct plan *plan = plan_new();
	struct plan_item *web, *db;
	const struct netmap *m;

	plan_map(&plan->netmaps, &plan->nnetmaps, "VM Network", "ovirtmgmt",
	    NIC_NETWORK);
	plan_map(&plan->netmaps, &plan->nnetmaps, "DMZ", "br-dmz", NIC_BRIDGE);
	plan_map(&plan->netmaps, &plan->nnetmaps, "VM Network", "prod",
	    NIC_NETWORK);	/* replaces, not duplicates */
	CHECK(plan->nnetmaps == 2);
	web = plan_add(plan, "web01", NULL);
	plan_map(&web->netmaps, &web->nnetmaps, "DMZ", "dmz-web", NIC_NETWORK);
	db = plan_add(plan, "db01", NULL);
	web = plan_find(plan, "web01");	/* plan_add may move items */

	m = plan_network_for(plan, web, "DMZ");
	CHECK(m != NULL && str_eq(m->to, "dmz-web"));	/* item wins */
	m = plan_network_for(plan, db, "DMZ");
	CHECK(m != NULL && str_eq(m->to, "br-dmz") && m->to_kind == NIC_BRIDGE);
	m = plan_network_for(plan, web, "VM Network");
	CHECK(m != NULL && str_eq(m->to, "prod"));
	CHECK(plan_network_for(plan, db, "Backup") == NULL);	/* unmapped */
	plan_free(plan);
}

static void
test_plan_lock(void)
{
	struct plan *plan = plan_new();
	struct plan_item *it = plan_add(plan, "web01", NULL);
	char *cause = NULL;

	CHECK(plan_lock(it, &cause) == 0);
	CHECK(plan_lock(it, &cause) == -1);
	CHECK(strstr(cause, "locked") != NULL);
	plan_unlock(it);
	CHECK(plan_lock(it, NULL) == 0);
	free(cause);
	plan_free(plan);
}

static void
test_job_states(void)
{
	struct job *job = job_new("j1", "web01", 100);
	char *cause = NULL;
	enum job_state s;

	CHECK(job->state == JOB_QUEUED);
	CHECK(job_set_state(job, JOB_CONVERTING, 101, &cause) == -1);
	CHECK(strstr(cause, "queued to converting") != NULL);
	CHECK(job_set_state(job, JOB_PREPARING, 102, NULL) == 0);
	CHECK(job->started == 102);
	CHECK(job_set_state(job, JOB_CONVERTING, 103, NULL) == 0);
	CHECK(job_set_state(job, JOB_CONVERTING, 104, NULL) == 0); /* same */
	CHECK(job_set_state(job, JOB_FAILED, 105, NULL) == 0);
	CHECK(job->ended == 105 && job_is_final(job->state));
	CHECK(job_set_state(job, JOB_DONE, 106, &cause) == -1);
	CHECK(strstr(cause, "start a new job") != NULL);
	CHECK(job_state_parse("finishing", &s) == 0 && s == JOB_FINISHING);
	CHECK(job_state_parse("bogus", &s) == -1);
	CHECK_STR(job_state_name(JOB_CANCELLED), "cancelled");
	free(cause);
	job_free(job);

	job = job_new("j2", "db01", 0);
	CHECK(job_set_state(job, JOB_CANCELLED, 1, NULL) == 0);
	job_free(job);
}

static void
test_job_overall_percent(void)
{
	struct job *job = job_new("j", "vm", 0);

	CHECK(job_overall_percent(job) == -1);
	job->ndisks = 2;
	job->disk = 1;
	job->percent = 50;
	CHECK(job_overall_percent(job) == 25);
	job->disk = 2;
	job->percent = 0;
	CHECK(job_overall_percent(job) == 50);
	job->percent = 100;
	CHECK(job_overall_percent(job) == 100);
	job->percent = 250;	/* a garbled line must not push past 100 */
	CHECK(job_overall_percent(job) == 100);
	job->disk = 3;
	CHECK(job_overall_percent(job) == 100);
	job_free(job);
}

int
main(void)
{
	RUN(test_plan_items);
	RUN(test_plan_network_mapping);
	RUN(test_plan_lock);
	RUN(test_job_states);
	RUN(test_job_overall_percent);
	return unit_done();
}
