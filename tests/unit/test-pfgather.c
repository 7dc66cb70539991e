/*
 * Unit tests: pfgather, the facts pre-flight judges.  Password files are
 * judged without being read; the proxies a plan may use come once each,
 * "any" meaning every saved one; and gathering from a real folder source
 * with a proxy that is not saved gives the VM found, the VM not found, the
 * proxy's error and a destination not inspected, which the judge refuses.
 * The pool names virsh lists, from its recorded output.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char *
write_file(const char *name, size_t size)
{
	char *path = unit_tmp_path(name);
	FILE *f;
	size_t i;

	if ((f = fopen(path, "w")) == NULL)
		return path;
	for (i = 0; i < size; i++)
		fputc('x', f);
	fclose(f);
	return path;
}

static void
test_readable(void)
{
	char *empty = write_file("pfg-empty", 0);
	char *ok = write_file("pfg-ok", 12);
	char *big = write_file("pfg-big", 65537);
	char *dir = unit_tmp_path("pfg-dir");
	char *unreadable = write_file("pfg-unreadable", 12);

	mkdir(dir, 0700);
	chmod(ok, 0600);
	chmod(unreadable, 0);
	CHECK(pfgather_readable(NULL) == 0);
	CHECK(pfgather_readable("/nonexistent/password") == 0);
	CHECK(pfgather_readable(empty) == 0);
	CHECK(pfgather_readable(ok) == 1);
	chmod(ok, 0640);
	CHECK(pfgather_readable(ok) == -1);
	chmod(ok, 0604);
	CHECK(pfgather_readable(ok) == -1);
	chmod(ok, 0600);
	CHECK(pfgather_readable(big) == 0);
	CHECK(pfgather_readable(dir) == 0);
	/* root reads anything: only check as a user. */
	if (geteuid() != 0)
		CHECK(pfgather_readable(unreadable) == 0);
	free(empty);
	free(ok);
	free(big);
	free(dir);
	free(unreadable);
}

static void
save_proxy(const char *name)
{
	struct proxy *p = proxy_new(name);
	char *cause = NULL;

	p->host = xstrdup("192.0.2.1");
	p->user = xstrdup("v2v");
	if (proxy_add(p, 1, NULL, &cause) != 0) {
		unit_fail(__FILE__, __LINE__, cause);
		free(cause);
	}
	proxy_free(p);
}

static void
test_proxy_names(void)
{
	struct plan *plan = plan_new();
	char *dir = unit_tmp_path("pfg-config"), **names;
	size_t n, i;

	mkdir(dir, 0700);
	setenv("XDG_CONFIG_HOME", dir, 1);

	/* Nothing saved, nothing named: no proxy. */
	pfgather_proxy_names(plan, &names, &n);
	CHECK(n == 0);
	free(names);

	save_proxy("alpha");
	save_proxy("beta");
	plan_add(plan, "vm1", NULL);
	plan_add(plan, "vm2", NULL);
	plan_add(plan, "vm3", NULL);
	plan->items[0].proxy = xstrdup("beta");
	plan->items[2].proxy = xstrdup("beta");
	/* No plan proxy: any saved one; beta is named first, once. */
	pfgather_proxy_names(plan, &names, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(names[0], "beta");
		CHECK_STR(names[1], "alpha");
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);

	/* A plan proxy that is not saved is still named: its check fails. */
	plan->proxy = xstrdup("gamma");
	pfgather_proxy_names(plan, &names, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(names[0], "beta");
		CHECK_STR(names[1], "gamma");
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	plan_free(plan);
	unsetenv("XDG_CONFIG_HOME");
	free(dir);
}

static void
test_gather_unreachable(void)
{
	struct plan *plan = plan_new();
	struct pf_gather f;
	struct pf_result *r;
	char *dir = unit_tmp_path("pfg-config2"), *data, *cause = NULL;
	size_t n, i;
	int found_proxy = 0;

	mkdir(dir, 0700);
	setenv("XDG_CONFIG_HOME", dir, 1);
	data = unit_data_path("dir");
	xasprintf(&cause, "dir:%s", data);
	plan->source = source_parse(cause, NULL);
	free(cause);
	cause = NULL;
	CHECK(plan->source != NULL);
	plan->proxy = xstrdup("nowhere");
	plan->dest.storage = xstrdup("/var/tmp");
	plan_add(plan, "db01", NULL);
	plan_add(plan, "no-such-vm", NULL);

	pfgather_run(plan, NULL, NULL, NULL, &f);
	CHECK(f.nitems == 2);
	CHECK(f.vms[0] != NULL && strcmp(f.vms[0]->name, "db01") == 0);
	CHECK(f.vms[1] == NULL && f.vm_errors[1] != NULL &&
	    strstr(f.vm_errors[1], "no VM named 'no-such-vm'") != NULL);
	CHECK(f.nproxies == 1 && f.facts.nproxies == 1);
	CHECK(f.proxies[0].probe == NULL);
	CHECK_STR(f.proxies[0].name, "nowhere");
	CHECK(f.proxies[0].error != NULL &&
	    strstr(f.proxies[0].error, "no proxy named 'nowhere'") != NULL);
	CHECK(f.dest == NULL && f.facts.dest == &f.nodest);
	CHECK(f.nodest.reached == -1);
	CHECK_STR(f.nodest.error, "no proxy could be reached to look at it");
	CHECK(f.facts.source_password == 0 && f.facts.dest_password == 0);

	/* The judge refuses it: the VM not found and the proxy. */
	r = preflight_judge(plan, &f.facts, &n);
	CHECK(preflight_failed(r, n) > 0);
	for (i = 0; i < n; i++) {
		if (r[i].level == PF_FAIL && strcmp(r[i].check, "proxy") == 0)
			found_proxy = 1;
	}
	CHECK(found_proxy);
	preflight_free(r, n);
	pfgather_free(&f);
	CHECK(f.vms == NULL && f.nitems == 0);
	plan_free(plan);
	unsetenv("XDG_CONFIG_HOME");
	free(data);
	free(dir);
}

/* Recorded from virsh 9.0.0 (tests/unit/data/preflight/README). */
static void
test_parse_pool_names(void)
{
	char *text, **v;
	size_t len, n;

	text = unit_fixture("preflight", "virsh-pool-list-lab.out", &len);
	v = pfgather_parse_pool_names(text, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(v[0], "lab-pool");
		CHECK_STR(v[1], "lab-pool2");
	}
	preflight_strings_free(v, n);
	free(text);
	text = unit_fixture("preflight", "virsh-pool-list-name.out", &len);
	v = pfgather_parse_pool_names(text, &n);
	CHECK(n == 1);
	if (n == 1)
		CHECK_STR(v[0], "default-pool");
	preflight_strings_free(v, n);
	free(text);
	v = pfgather_parse_pool_names("", &n);
	CHECK(n == 0 && v == NULL);
	/* A space inside a name stays; CRLF and padding go. */
	v = pfgather_parse_pool_names("my pool   \r\n\n  \nb", &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(v[0], "my pool");
		CHECK_STR(v[1], "b");
	}
	preflight_strings_free(v, n);
}

int
main(void)
{
	RUN(test_parse_pool_names);
	RUN(test_readable);
	RUN(test_proxy_names);
	RUN(test_gather_unreachable);
	return unit_done();
}
