/* Unit tests: job records (job.c), their store (jobstore.c), the source
 * host the engine limits on, and convert.c's read-back parsers. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "unit.h"

static struct job *
sample_job(void)
{
	struct job *job;

	job = job_new("20261123-101500-0a1b2c3d4e5f", "web 'O'Brien' $(x)", 1000);
	job->run = xstrdup("20261123-101500-ffeeddccbbaa");
	job->source = xstrdup("vpx://admin%40vsphere.local@vc/DC/host");
	job->target = xstrdup("web-kvm");
	job->proxy = xstrdup("conv1");
	job->proxies = xcalloc(2, sizeof *job->proxies);
	job->proxies[0] = xstrdup("conv1");
	job->proxies[1] = xstrdup("conv2");
	job->nproxies = 2;
	job->state = JOB_CONVERTING;
	job->phase = xstrdup("Copying disk 2/3");
	job->disk = 2;
	job->ndisks = 3;
	job->percent = 40;
	job->started = 1010;
	job->source_host = xstrdup("vc");
	job->host_limit = 20;
	job->size = 42ULL * 1024 * 1024 * 1024;
	job->command = xstrdup("'virt-v2v' '-i' 'libvirt'");
	job_add_warning(job, "no virtio drivers\nfor this guest");
	job_add_warning(job, "no virtio drivers\nfor this guest");
	job_add_warning(job, "second");
	job->remote = 1;
	job->plan = xstrdup("{\"version\":1,\"vms\":[{\"name\":\"web\"}]}");
	job->disks = xcalloc(1, sizeof *job->disks);
	job->disks[0].path = xstrdup("/var/lib/libvirt/images/web-kvm-sda");
	job->disks[0].format = xstrdup("qcow2");
	job->disks[0].virtual_size = 1ULL << 34;
	job->disks[0].actual_size = 123456789;
	job->ndisks_out = 1;
	job->result = xstrdup("domain defined");
	return job;
}

static char *
job_text(const struct job *job)
{
	struct json_object *o = job_json(job);
	char *s = xstrdup(json_object_to_json_string(o));

	json_object_put(o);
	return s;
}

static void
test_job_round_trip(void)
{
	struct job *job = sample_job(), *back;
	char *a, *b, *cause = NULL;

	CHECK(job->nwarnings == 2);	/* a repeated warning is kept once */
	a = job_text(job);
	back = job_parse(a, strlen(a), &cause);
	CHECK(back != NULL);
	if (back != NULL) {
		b = job_text(back);
		CHECK_STR(a, b);
		free(b);
		CHECK_STR(back->vm, "web 'O'Brien' $(x)");
		CHECK(back->size == 42ULL * 1024 * 1024 * 1024);
		CHECK(back->ndisks_out == 1 &&
		    back->disks[0].actual_size == 123456789);
		CHECK(job_overall_percent(back) == (100 + 40) / 3);
		CHECK(back->remote && !back->cancel);
	}
	free(a);
	free(cause);
	job_free(back);
	job_free(job);
}

static void
test_job_damaged(void)
{
	static const char *bad[] = {
		"",
		"[]",
		"{\"version\":1}",
		"{\"version\":2,\"id\":\"20261123-101500-0a1b2c3d4e5f\","
		    "\"vm\":\"a\",\"state\":\"queued\"}",
		"{\"version\":1,\"id\":\"20261123-101500-0a1b2c3d4e5f\","
		    "\"vm\":\"a\",\"state\":\"sleeping\"}",
		"{\"version\":1,\"id\":\"../../etc\",\"vm\":\"a\","
		    "\"state\":\"queued\"}",
		"{\"version\":1,\"id\":\"20261123-101500-0a1b2c3d4e5f\","
		    "\"vm\":\"a\",\"state\":\"queued\",\"proxy\":7}",
		"{\"version\":1,\"id\":\"20261123-101500-0a1b2c3d4e5f\","
		    "\"vm\":\"a\",\"state\":\"queued\",\"warnings\":[1]}",
		"{\"version\":1,\"id\":\"20261123-101500-0a1b2c3d4e5f\","
		    "\"vm\":\"a\",\"state\":\"queued\"",
	};
	struct job *job;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		job = job_parse(bad[i], strlen(bad[i]), &cause);
		CHECK(job == NULL);
		CHECK(cause != NULL);
		job_free(job);
		free(cause);
	}
	cause = NULL;
	job = job_parse(bad[3], strlen(bad[3]), &cause);
	CHECK(cause != NULL && strstr(cause, "newer virt-import") != NULL);
	free(cause);
}

static void
test_jobstore(void)
{
	struct job *job = sample_job(), *back, **v;
	char *dir, *cause = NULL, **ids;
	size_t n, i;
	int fd, fd2;

	dir = unit_tmp_path("engine-state");
	setenv("XDG_STATE_HOME", dir, 1);
	ids = jobstore_active(&n, &cause);
	CHECK(ids != NULL && n == 0);
	free(ids);
	CHECK(jobstore_save(job, &cause) == 0);
	CHECK(jobstore_activate(job->id, 1, &cause) == 0);
	back = jobstore_load(job->id, &cause);
	CHECK(back != NULL && back->state == JOB_CONVERTING);
	job_free(back);
	ids = jobstore_active(&n, &cause);
	CHECK(ids != NULL && n == 1 && strcmp(ids[0], job->id) == 0);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	v = jobstore_list(&n, &cause);
	CHECK(v != NULL && n == 1);
	jobstore_list_free(v, n);

	CHECK(!jobstore_cancel_requested(job->id));
	CHECK(jobstore_request_cancel(job->id, &cause) == 0);
	CHECK(jobstore_cancel_requested(job->id));
	CHECK(jobstore_activate(job->id, 0, &cause) == 0);
	CHECK(jobstore_activate(job->id, 0, &cause) == 0);	/* again */
	ids = jobstore_active(&n, &cause);
	CHECK(ids != NULL && n == 0);
	free(ids);

	/* One driver: a second lock (another open file) is refused. */
	fd = jobstore_driver_lock(&cause);
	CHECK(fd >= 0);
	fd2 = jobstore_driver_lock(&cause);
	CHECK(fd2 == -1);
	close(fd);
	fd2 = jobstore_driver_lock(&cause);
	CHECK(fd2 >= 0);
	close(fd2);

	/* Unknown, bad and damaged ids. */
	back = jobstore_load("20261123-101500-000000000000", &cause);
	CHECK(back == NULL);
	CHECK_CAUSE("unknown job", cause, "no import job");
	free(cause);
	cause = NULL;
	back = jobstore_load("../x", &cause);
	CHECK(back == NULL);
	CHECK_CAUSE("bad id", cause, "not a job id");
	free(cause);
	cause = NULL;
	{
		char *path = jobstore_path(job->id, "import.json", 0, NULL);
		FILE *f = fopen(path, "w");

		fputs("{\"version\":1,", f);
		fclose(f);
		back = jobstore_load(job->id, &cause);
		CHECK(back == NULL);
		CHECK_CAUSE("damaged", cause, "damaged");
		free(path);
	}
	free(cause);
	job_free(job);
	free(dir);
}

static void
test_source_host(void)
{
	static const struct {
		const char *spec, *host;
	} cases[] = {
		{ "vpx://admin%40vsphere.local@vc.example.com/DC/host?no_verify=1",
		    "vc.example.com" },
		{ "esx://root@10.0.0.5:8443/?no_verify=1", "10.0.0.5" },
		{ "xen+ssh://root@[fe80::1]/", "[fe80::1]" },
		{ "qemu+ssh://root@kvm1:2222/system", "kvm1" },
		{ "qemu:///system", NULL },
		{ "ova:/srv/x.ova", NULL },
	};
	struct source *s;
	char *h, *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		s = source_parse(cases[i].spec, &cause);
		CHECK(s != NULL);
		if (s == NULL)
			continue;
		h = engine_source_host(s);
		CHECK_STR(h, cases[i].host);
		free(h);
		source_free(s);
	}
	free(cause);
}

static void
test_read_back(void)
{
	struct job_disk d;
	char *text, *cause = NULL;
	size_t len;

	memset(&d, 0, sizeof d);
	text = unit_fixture("convert", "qemu-img-info-qcow2.json", &len);
	CHECK(convert_parse_qemu_img(text, len, &d, &cause) == 0);
	CHECK(d.virtual_size == 67108864 && d.actual_size == 3411968);
	CHECK_STR(d.format, "qcow2");
	free(text);
	text = unit_fixture("convert", "qemu-img-info-raw.json", &len);
	CHECK(convert_parse_qemu_img(text, len, &d, &cause) == 0);
	CHECK(d.virtual_size == 104857600 && d.actual_size == 2097152);
	CHECK_STR(d.format, "raw");
	free(text);
	free(d.format);
	memset(&d, 0, sizeof d);
	text = unit_fixture("convert", "virsh-vol-info.txt", &len);
	CHECK(convert_parse_vol_info(text, &d, &cause) == 0);
	CHECK(d.virtual_size == 67108864 && d.actual_size == 200704);
	free(text);
	CHECK(convert_parse_qemu_img("{}", 2, &d, &cause) == -1);
	CHECK_CAUSE("no size", cause, "virtual size");
	free(cause);
	cause = NULL;
	CHECK(convert_parse_qemu_img("not json", 8, &d, &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(convert_parse_vol_info("Capacity: 5 bytes\n", &d, &cause) == -1);
	CHECK_CAUSE("no allocation", cause, "allocation");
	free(cause);
}

int
main(void)
{
	RUN(test_job_round_trip);
	RUN(test_job_damaged);
	RUN(test_jobstore);
	RUN(test_source_host);
	RUN(test_read_back);
	return unit_done();
}
