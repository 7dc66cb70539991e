/*
 * Unit tests for the local side of remote jobs: ids, remote folders,
 * secret names, and the job record (saved atomically, read back, damaged).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend.h"
#include "unit.h"

static void
test_ids(void)
{
	char *id = rjob_new_id(), *id2 = rjob_new_id();

	CHECK(rjob_id_valid(id));
	CHECK(strlen(id) == strlen("20261123-201909-3dcd67e0464f"));
	CHECK(strcmp(id, id2) != 0);
	CHECK(!rjob_id_valid(""));
	CHECK(!rjob_id_valid("../x"));
	CHECK(!rjob_id_valid("a/b"));
	CHECK(!rjob_id_valid("A"));
	CHECK(!rjob_id_valid("x y"));
	CHECK(!rjob_id_valid("$(reboot)"));
	free(id);
	free(id2);
}

static void
test_remote_dir(void)
{
	struct proxy *p = proxy_new("lab");
	char *d, *s;

	d = rjob_remote_dir(p, "j1");
	CHECK_STR(d, "/var/tmp/virt-import/j1");
	free(d);
	free(p->job_dir);
	p->job_dir = xstrdup("/srv/jobs/");
	d = rjob_remote_dir(p, "j1");
	CHECK_STR(d, "/srv/jobs/j1");
	s = rjob_secret_path(d, "pw");
	CHECK_STR(s, "/srv/jobs/j1/secrets/pw");
	free(s);
	free(d);
	proxy_free(p);
}

static void
test_secret_names(void)
{
	char *cause = NULL;

	CHECK(rjob_secret_name_valid("vcenter.pw", &cause));
	CHECK(!rjob_secret_name_valid("../pw", &cause));
	CHECK(cause != NULL);
	free(cause);
	cause = NULL;
	CHECK(!rjob_secret_name_valid("", &cause));
	free(cause);
}

static void
test_record_round_trip(void)
{
	struct rjob j, *r, **v;
	char *cause = NULL, *dir, *path;
	size_t n;
	FILE *f;

	dir = unit_tmp_path("rjob-state");
	setenv("XDG_STATE_HOME", dir, 1);
	mkdir(dir, 0700);
	memset(&j, 0, sizeof j);
	j.id = xstrdup("20261123-000000-000000000001");
	j.proxy = xstrdup("lab");
	j.dir = xstrdup("/var/tmp/virt-import/20261123-000000-000000000001");
	j.command = xstrdup("'printf' '%s' 'it'\\''s \"q\" $(x)'");
	j.pid = 4242;
	j.starttime = xstrdup("123456");
	j.mode = xstrdup("setsid");
	j.state = RJOB_FAILED;
	j.rc = 3;
	j.created = 1700000000;
	j.ended = 1700000100;
	CHECK(rjob_save(&j, &cause) == 0);
	r = rjob_load(j.id, &cause);
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_STR(r->proxy, "lab");
		CHECK_STR(r->command, j.command);
		CHECK(r->pid == 4242);
		CHECK_STR(r->starttime, "123456");
		CHECK(r->state == RJOB_FAILED);
		CHECK(r->rc == 3);
		CHECK(r->ended == 1700000100);
		rjob_free(r);
	}
	v = rjob_list(&n, &cause);
	CHECK(v != NULL && n == 1);
	rjob_list_free(v, n);

	/* A damaged record is refused with what to do, and skipped by list. */
	xasprintf(&path, "%s/virt-import/jobs/%s/job.json", dir, j.id);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("{\"version\": 1, \"id\": 7}", f);
		fclose(f);
	}
	CHECK(rjob_load(j.id, &cause) == NULL);
	CHECK_CAUSE("damaged job.json", cause, "remove the job's folder");
	free(cause);
	cause = NULL;
	v = rjob_list(&n, &cause);
	CHECK(v != NULL && n == 0);
	rjob_list_free(v, n);
	CHECK(rjob_load("20200101-000000-000000000000", &cause) == NULL);
	CHECK_CAUSE("missing job", cause, "there is no job");
	free(cause);
	free(path);
	free(j.id);
	free(j.proxy);
	free(j.dir);
	free(j.command);
	free(j.starttime);
	free(j.mode);
	free(dir);
}

int
main(void)
{
	RUN(test_ids);
	RUN(test_remote_dir);
	RUN(test_secret_names);
	RUN(test_record_round_trip);
	return unit_done();
}
