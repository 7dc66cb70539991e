/*
 * Unit tests: pre-flight.  The destination parsers on output recorded from
 * real commands (tests/unit/data/preflight/, README there), and the judge's
 * rules on plans and facts built here: each rule is made to fail, warn and
 * pass, with the text a user reads.
 */
#include <stdlib.h>

#include "unit.h"

/* ------------------------------------------------------------ parsers */

static void
test_parse_lines(void)
{
	char *text, **v;
	size_t len, n;

	text = unit_fixture("preflight", "virsh-list.out", &len);
	v = preflight_parse_lines(text, &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(v[0], "lab-src1");
		CHECK_STR(v[1], "lab-src2");
	}
	preflight_strings_free(v, n);
	free(text);
	v = preflight_parse_lines("", &n);
	CHECK(n == 0 && v == NULL);
	v = preflight_parse_lines("a\r\n\na\nb", &n);
	CHECK(n == 2);
	if (n == 2)
		CHECK_STR(v[1], "b");
	preflight_strings_free(v, n);
}

static void
test_parse_files(void)
{
	char *text, **v;
	size_t len, n;

	/* NAME.xml and NAME-sdX are virt-v2v's; the rest is not. */
	text = unit_fixture("preflight", "ls-folder.out", &len);
	v = preflight_parse_files(text, &n);
	CHECK(n == 4);
	if (n == 4) {
		CHECK_STR(v[0], ".hidden");
		CHECK_STR(v[1], "db");
		CHECK_STR(v[2], "my vm");
		CHECK_STR(v[3], "web01");
	}
	preflight_strings_free(v, n);
	free(text);
	text = unit_fixture("preflight", "ls-pool.out", &len);
	v = preflight_parse_files(text, &n);
	CHECK(n == 0);
	preflight_strings_free(v, n);
	free(text);
	v = preflight_parse_files("-sda\nx-sd\nx-sdA\na-b-sdaa\n.xml\n", &n);
	CHECK(n == 1);
	if (n == 1)
		CHECK_STR(v[0], "a-b");
	preflight_strings_free(v, n);
}

static void
test_parse_pool(void)
{
	char *text, *type, *path, *cause = NULL;
	size_t len;
	int64_t avail;
	int active;

	text = unit_fixture("preflight", "virsh-pool-info.out", &len);
	CHECK(preflight_parse_pool_info(text, &active, &avail, NULL) == 0);
	CHECK(active == 1);
	CHECK(avail == 248718422016LL);
	free(text);
	text = unit_fixture("preflight", "virsh-pool-info-inactive.out", &len);
	CHECK(preflight_parse_pool_info(text, &active, &avail, NULL) == 0);
	CHECK(active == 0);
	CHECK(avail == -1);
	free(text);
	text = unit_fixture("preflight", "virsh-pool-info-missing.out", &len);
	CHECK(preflight_parse_pool_info(text, &active, &avail, &cause) == -1);
	CHECK_CAUSE("pool-info missing", cause, "no State");
	free(cause);
	free(text);
	/* Without --bytes the sizes have units: not taken as bytes. */
	CHECK(preflight_parse_pool_info("State:          running\nAvailable:"
	    "      231.64 GiB\n", &active, &avail, NULL) == 0);
	CHECK(active == 1 && avail == -1);

	text = unit_fixture("preflight", "virsh-pool-dumpxml.out", &len);
	CHECK(preflight_parse_pool_xml(text, len, &type, &path, NULL) == 0);
	CHECK_STR(type, "dir");
	CHECK_STR(path, "/tmp/vi-pf-kLKb/pool");
	free(type);
	free(path);
	free(text);
	text = unit_fixture("preflight", "virsh-pool-dumpxml-inactive.out",
	    &len);
	CHECK(preflight_parse_pool_xml(text, len, &type, &path, NULL) == 0);
	CHECK_STR(path, "/tmp/vi-pf-kLKb/pool2");
	free(type);
	free(path);
	free(text);
	text = unit_fixture("preflight", "virsh-pool-dumpxml-netfs.out", &len);
	CHECK(preflight_parse_pool_xml(text, len, &type, &path, NULL) == 0);
	CHECK_STR(type, "netfs");
	free(type);
	free(path);
	free(text);
	text = unit_fixture("preflight", "virsh-pool-dumpxml-missing.out",
	    &len);
	cause = NULL;
	CHECK(preflight_parse_pool_xml(text, len, &type, &path, &cause) == -1);
	CHECK(type == NULL && path == NULL && cause != NULL);
	free(cause);
	free(text);
	cause = NULL;
	CHECK(preflight_parse_pool_xml("<volume/>", 9, &type, &path, &cause) ==
	    -1);
	CHECK_CAUSE("not a pool", cause, "<pool type=");
	free(cause);
}

static void
test_parse_virsh_error(void)
{
	char *text, *msg;
	size_t len;

	text = unit_fixture("preflight", "virsh-pool-info-missing.err", &len);
	msg = preflight_parse_virsh_error(text);
	CHECK_STR(msg, "failed to get pool 'nosuch': Storage pool not found: "
	    "no storage pool with matching name 'nosuch'");
	free(msg);
	free(text);
	text = unit_fixture("preflight", "virsh-list-bad-uri.err", &len);
	msg = preflight_parse_virsh_error(text);
	CHECK_STR(msg, "failed to connect to the hypervisor: no connection "
	    "driver available for bogus:///x");
	free(msg);
	free(text);
	msg = preflight_parse_virsh_error("sh: 1: virsh: not found\n");
	CHECK_STR(msg, "sh: 1: virsh: not found");
	free(msg);
	msg = preflight_parse_virsh_error("");
	CHECK_STR(msg, "no message");
	free(msg);
}

static void
test_parse_domcaps(void)
{
	const char *xml;
	char *text, *note;
	size_t len;

	/* The lab's libvirtd without OVMF: a loader, but no file for it. */
	text = unit_fixture("preflight", "virsh-domcaps-kvm.out", &len);
	CHECK(preflight_parse_domcaps(text, len, &note) == 0);
	CHECK_CAUSE("no ovmf", note, "lists no UEFI firmware");
	free(note);
	free(text);
	/* ... and with OVMF's files in qemu.conf's nvram list. */
	text = unit_fixture("preflight", "virsh-domcaps-kvm-ovmf.out", &len);
	CHECK(preflight_parse_domcaps(text, len, &note) == 1);
	CHECK_CAUSE("ovmf", note, "OVMF_CODE_4M.fd");
	free(note);
	free(text);
	/* Firmware autoselection (descriptors), as libvirt 5.2+ prints it. */
	xml = "<domainCapabilities><os supported='yes'><enum name='firmware'>"
	    "<value>bios</value><value>efi</value></enum><loader "
	    "supported='yes'/></os></domainCapabilities>";
	CHECK(preflight_parse_domcaps(xml, strlen(xml), &note) == 1);
	free(note);
	xml = "<domainCapabilities><os supported='no'/></domainCapabilities>";
	CHECK(preflight_parse_domcaps(xml, strlen(xml), &note) == 0);
	free(note);
	xml = "<domainCapabilities><path>/x</path></domainCapabilities>";
	CHECK(preflight_parse_domcaps(xml, strlen(xml), &note) == -1);
	free(note);
	CHECK(preflight_parse_domcaps("<a>", 3, &note) == -1);
	CHECK(note != NULL);
	free(note);
	CHECK(preflight_parse_domcaps("", 0, &note) == -1);
	free(note);
}

static void
test_parse_kvm(void)
{
	char *text;
	size_t len;

	text = unit_fixture("preflight", "virsh-domcaps-xen.err", &len);
	CHECK(preflight_parse_kvm(1, text) == 0);
	free(text);
	text = unit_fixture("preflight", "virsh-domcaps-test.err", &len);
	CHECK(preflight_parse_kvm(1, text) == -1);
	free(text);
	CHECK(preflight_parse_kvm(0, "") == 1);
}

static void
test_parse_ovmf_df(void)
{
	char *text, *found;
	size_t len;

	text = unit_fixture("preflight", "ovmf-none.out", &len);
	CHECK(preflight_parse_ovmf(text) == NULL);
	free(text);
	/* Our own script's output: one existing file a line. */
	found = preflight_parse_ovmf("/usr/share/OVMF/OVMF_CODE.secboot.fd\n"
	    "/usr/share/OVMF/OVMF_VARS.fd\n");
	CHECK_STR(found, "/usr/share/OVMF/OVMF_CODE.secboot.fd");
	free(found);
	found = preflight_parse_ovmf("/usr/share/OVMF/OVMF_CODE.fd\n");
	CHECK(found == NULL);		/* no VARS template: not enough */
	found = preflight_parse_ovmf("/usr/share/OVMF/OVMF_CODE_4M.fd\n"
	    "/usr/share/OVMF/OVMF_VARS_4M.fd\n");
	CHECK(found == NULL);		/* virt-v2v 2.2 does not look there */

	text = unit_fixture("preflight", "df-folder.out", &len);
	CHECK(probe_parse_df(text, NULL) == 79698060LL * 1024);
	free(text);
}

/* ------------------------------------------------------------ the judge */

#define GIB (1024ULL * 1024 * 1024)

struct world {
	struct plan	*plan;
	struct vm	*vms[4];
	const char	*errors[4];
	struct probe	*probe;
	struct pf_proxy	 proxies[3];
	struct pf_store	 stores[2];
	const char	*names[4];
	struct pf_dest	 dest;
	struct pf_facts	 facts;
	struct pf_result *r;
	size_t		 n;
};

static struct probe *
recorded_probe(void)
{
	struct probe *pr = probe_new();
	char *text;
	size_t len;

	text = unit_fixture("probe", "machine-readable-2.2.0.txt", &len);
	CHECK(probe_parse_caps(text, &pr->caps, &pr->ncaps, NULL) == 0);
	free(text);
	text = unit_fixture("probe", "version-2.2.0.txt", &len);
	pr->version = probe_parse_version(text);
	free(text);
	text = unit_fixture("probe", "command-v.txt", &len);
	pr->nbdcopy = probe_parse_command_v(text, "nbdcopy");
	pr->nbdkit = probe_parse_command_v(text, "nbdkit");
	free(text);
	text = unit_fixture("probe", "nbdkit-plugins.txt", &len);
	pr->curl_plugin = probe_parse_has_line(text, "nbdkit-curl-plugin.so");
	free(text);
	pr->job_dir = xstrdup("/var/tmp/virt-import");
	pr->tmp_dir = xstrdup("/var/tmp");
	pr->job_free = pr->tmp_free = 50 * (int64_t)GIB;
	pr->uid = 0;
	return pr;
}

static struct vm *
mkvm(const char *name, uint64_t cap, uint64_t alloc, const char *mac,
    const char *net)
{
	struct vm *vm = vm_new(name);
	struct disk *d;
	struct nic *nic;

	vm->power = VM_POWER_OFF;
	vm->firmware = VM_FIRMWARE_BIOS;
	vm->detailed = 1;
	d = vm_add_disk(vm);
	d->path = xstrdup("/images/disk");
	d->format = DISK_FORMAT_QCOW2;
	d->capacity = cap;
	d->allocation = alloc;
	if (mac != NULL) {
		nic = vm_add_nic(vm);
		snprintf(nic->mac, sizeof nic->mac, "%s", mac);
		nic->network = xstrdup(net);
	}
	return vm;
}

/*
 * A plan that passes everything: VMs from a libvirt host over SSH to the
 * lab's pool, proxy 'lab' probed from recorded output.
 */
static void
world_init(struct world *w, size_t nvms)
{
	static const char *macs[] = { "52:54:00:00:00:01",
	    "52:54:00:00:00:02", "52:54:00:00:00:03", "52:54:00:00:00:04" };
	static const char *vmnames[] = { "web01", "db", "cache", "mail" };
	size_t i;

	memset(w, 0, sizeof *w);
	w->plan = plan_new();
	w->plan->source = source_parse("qemu+ssh://root@kvm1/system", NULL);
	w->plan->proxy = xstrdup("lab");
	w->plan->dest.kind = OUTPUT_LIBVIRT;
	w->plan->dest.uri = xstrdup("qemu:///system");
	w->plan->dest.storage = xstrdup("default");
	plan_map(&w->plan->netmaps, &w->plan->nnetmaps, "default", "prod",
	    NIC_NETWORK);
	for (i = 0; i < nvms; i++) {
		plan_add(w->plan, vmnames[i], NULL);
		w->vms[i] = mkvm(vmnames[i], 20 * GIB, 4 * GIB, macs[i],
		    "default");
	}
	w->probe = recorded_probe();
	w->proxies[0].name = "lab";
	w->proxies[0].probe = w->probe;
	w->names[0] = "old-vm";
	w->stores[0].name = "default";
	w->stores[0].usable = 1;
	w->stores[0].free_bytes = 100 * (int64_t)GIB;
	w->dest.reached = 1;
	w->dest.names = w->names;
	w->dest.nnames = 1;
	w->dest.free_bytes = -1;
	w->dest.uefi = 1;
	w->dest.kvm = 1;
	w->dest.stores = w->stores;
	w->dest.nstores = 1;
	w->facts.vms = (const struct vm *const *)w->vms;
	w->facts.vm_errors = w->errors;
	w->facts.proxies = w->proxies;
	w->facts.nproxies = 1;
	w->facts.dest = &w->dest;
}

static void
world_judge(struct world *w)
{
	preflight_free(w->r, w->n);
	w->r = preflight_judge(w->plan, &w->facts, &w->n);
}

static void
world_free(struct world *w)
{
	size_t i;

	preflight_free(w->r, w->n);
	for (i = 0; i < 4; i++)
		vm_free(w->vms[i]);
	probe_free(w->probe);
	plan_free(w->plan);
}

/* The one result of (vm, check) at level, or NULL (and a failed case). */
static const struct pf_result *
find(const struct world *w, const char *vm, const char *check,
    enum pf_level level, int line)
{
	const struct pf_result *hit = NULL;
	char msg[256];
	size_t i, n = 0;

	for (i = 0; i < w->n; i++) {
		if (str_eq(w->r[i].vm, vm) && strcmp(w->r[i].check, check) ==
		    0 && w->r[i].level == level) {
			hit = &w->r[i];
			n++;
		}
	}
	if (n != 1) {
		snprintf(msg, sizeof msg, "%zu results %s/%s/%s", n,
		    vm != NULL ? vm : "(plan)", check, pf_level_name(level));
		unit_fail(__FILE__, line, msg);
		for (i = 0; i < w->n; i++)
			fprintf(stderr, "    %s %s %s: %s\n",
			    w->r[i].vm != NULL ? w->r[i].vm : "-",
			    w->r[i].check, pf_level_name(w->r[i].level),
			    w->r[i].text);
		return NULL;
	}
	return hit;
}

static size_t
nfound(const struct world *w, const char *vm, const char *check,
    enum pf_level level)
{
	size_t i, n = 0;

	for (i = 0; i < w->n; i++)
		n += str_eq(w->r[i].vm, vm) && strcmp(w->r[i].check, check) ==
		    0 && w->r[i].level == level;
	return n;
}

#define FIND(w, vm, check, level) find((w), (vm), (check), (level), __LINE__)
/* The one result of (vm, check) at level whose text holds want. */
static void
text_is(const struct world *w, const char *vm, const char *check,
    enum pf_level level, const char *want, int line)
{
	char msg[512];
	size_t i, n = 0;

	for (i = 0; i < w->n; i++)
		n += str_eq(w->r[i].vm, vm) && strcmp(w->r[i].check, check) ==
		    0 && w->r[i].level == level &&
		    strstr(w->r[i].text, want) != NULL;
	if (n == 1)
		return;
	snprintf(msg, sizeof msg, "%zu results %s/%s/%s with '%s'", n,
	    vm != NULL ? vm : "(plan)", check, pf_level_name(level), want);
	unit_fail(__FILE__, line, msg);
	for (i = 0; i < w->n; i++)
		fprintf(stderr, "    %s %s %s: %s\n", w->r[i].vm != NULL ?
		    w->r[i].vm : "-", w->r[i].check,
		    pf_level_name(w->r[i].level), w->r[i].text);
}

#define TEXT(w, vm, check, level, want) \
	text_is((w), (vm), (check), (level), (want), __LINE__)

static size_t
count(const struct world *w, enum pf_level level)
{
	size_t i, n = 0;

	for (i = 0; i < w->n; i++)
		n += w->r[i].level == level;
	return n;
}

static void
test_judge_clean(void)
{
	static const char *order[][2] = {
		{ NULL, "plan" }, { NULL, "credentials" },
		{ NULL, "destination" }, { NULL, "storage" },
		{ "web01", "source" }, { "web01", "power" },
		{ "web01", "name" }, { "web01", "network" },
		{ "web01", "mac" }, { "web01", "storage" },
		{ "web01", "firmware" }, { "web01", "proxy" },
		{ "db", "source" },
	};
	struct world w;
	struct pf_result *again;
	size_t i, n;

	world_init(&w, 2);
	world_judge(&w);
	CHECK(preflight_failed(w.r, w.n) == 0);
	CHECK(count(&w, PF_WARN) == 0);
	CHECK(w.n == 4 + 2 * 8);
	for (i = 0; i < sizeof order / sizeof order[0] && i < w.n; i++) {
		CHECK_STR(w.r[i].vm, order[i][0]);
		CHECK_STR(w.r[i].check, order[i][1]);
	}
	TEXT(&w, NULL, "storage", PF_OK, "pool 'default': 100 GiB free, the "
	    "2 VMs going there need about 8.0 GiB");
	TEXT(&w, "web01", "network", PF_OK, "NIC 52:54:00:00:00:01 'default' "
	    "-> 'prod'");
	TEXT(&w, "web01", "proxy", PF_OK, "VM 'web01' on proxy 'lab': "
	    "virt-v2v 2.2.0");
	/* Pure: the same facts give the same results. */
	again = preflight_judge(w.plan, &w.facts, &n);
	CHECK(n == w.n);
	for (i = 0; i < n && i < w.n; i++) {
		CHECK(again[i].level == w.r[i].level);
		CHECK_STR(again[i].text, w.r[i].text);
	}
	preflight_free(again, n);
	world_free(&w);
}

static void
test_judge_plan(void)
{
	struct world w;

	world_init(&w, 0);
	world_judge(&w);
	TEXT(&w, NULL, "plan", PF_FAIL, "the plan has no VMs");
	world_free(&w);

	world_init(&w, 1);
	source_free(w.plan->source);
	w.plan->source = source_parse("test:///default", NULL);
	world_judge(&w);
	TEXT(&w, NULL, "plan", PF_FAIL, "libvirt's test driver");
	world_free(&w);
}

static void
test_judge_power_source(void)
{
	struct world w;

	world_init(&w, 3);
	w.vms[0]->power = VM_POWER_RUNNING;
	w.vms[1]->power = VM_POWER_UNKNOWN;
	vm_free(w.vms[2]);
	w.vms[2] = NULL;
	w.errors[2] = "no domain named 'cache' on qemu+ssh://root@kvm1/system";
	world_judge(&w);
	TEXT(&w, "web01", "power", PF_FAIL, "VM 'web01' is running: shut it "
	    "down in the source, then start the import again");
	TEXT(&w, "db", "power", PF_WARN, "power state of VM 'db' is unknown");
	TEXT(&w, "cache", "source", PF_FAIL, "VM 'cache' could not be read "
	    "from the source: no domain named 'cache'");
	/* Nothing else is said of a VM that is not there but its name. */
	CHECK(FIND(&w, "cache", "name", PF_OK) != NULL);
	CHECK(FIND(&w, "cache", "proxy", PF_OK) != NULL);
	CHECK(preflight_failed(w.r, w.n) == 2);
	world_free(&w);

	/* Problems the inventory found. */
	world_init(&w, 2);
	vm_add_problem(w.vms[0], PROBLEM_NO_DISKS, "'web01' has no disks: "
	    "there is nothing to convert");
	vm_add_problem(w.vms[1], PROBLEM_SNAPSHOTS, "'db' has 2 snapshots: "
	    "only the current state is converted");
	w.vms[1]->snapshots = 2;
	world_judge(&w);
	TEXT(&w, "web01", "source", PF_FAIL, "VM 'web01' has no disks: there "
	    "is nothing to convert");
	TEXT(&w, "db", "source", PF_WARN, "VM 'db' has 2 snapshots: only the "
	    "current state is converted");
	world_free(&w);

	/* An OVA is a stopped copy; a .vmx from a local folder cannot go. */
	world_init(&w, 1);
	source_free(w.plan->source);
	w.plan->source = source_parse("ova:/data/web01.ova", NULL);
	w.vms[0]->power = VM_POWER_UNKNOWN;
	world_judge(&w);
	TEXT(&w, "web01", "power", PF_OK, "exported copy");
	source_free(w.plan->source);
	w.plan->source = source_parse("vmx:/data/web01/web01.vmx", NULL);
	world_judge(&w);
	TEXT(&w, "web01", "power", PF_WARN, "make sure it is shut off");
	TEXT(&w, "web01", "source", PF_FAIL, "which virt-import cannot copy to "
	    "a proxy");
	w.plan->source_on_proxy = 1;
	world_judge(&w);
	CHECK(FIND(&w, "web01", "source", PF_OK) != NULL);
	world_free(&w);
}

static void
test_judge_names(void)
{
	struct world w;

	world_init(&w, 3);
	free(w.plan->items[0].target);
	w.plan->items[0].target = xstrdup("web 01");
	free(w.plan->items[2].target);
	w.plan->items[2].target = xstrdup("db");
	w.names[0] = "Web01";
	w.names[1] = "old";
	w.dest.nnames = 2;
	world_judge(&w);
	TEXT(&w, "web01", "name", PF_FAIL, "VM 'web01': target name 'web 01' "
	    "has the character ' ' at position 4");
	TEXT(&w, "db", "name", PF_FAIL, "VMs 'db' and 'cache' would both be "
	    "imported as 'db': give one of them another target name");
	TEXT(&w, "cache", "name", PF_FAIL, "VMs 'cache' and 'db'");

	/* libvirt names are case-sensitive, oVirt's are not. */
	free(w.plan->items[0].target);
	w.plan->items[0].target = xstrdup("web01");
	free(w.plan->items[2].target);
	w.plan->items[2].target = xstrdup("DB");
	world_judge(&w);
	TEXT(&w, "web01", "name", PF_OK, "VM 'web01' becomes 'web01'");
	CHECK(FIND(&w, "db", "name", PF_OK) != NULL);
	w.names[1] = "web01";
	world_judge(&w);
	TEXT(&w, "web01", "name", PF_FAIL, "a VM named 'web01' already exists "
	    "at qemu:///system: choose another target name, or remove the old "
	    "VM (virsh undefine)");
	w.plan->dest.kind = OUTPUT_OVIRT_UPLOAD;
	world_judge(&w);
	TEXT(&w, "db", "name", PF_FAIL, "would both be imported as 'db' "
	    "(oVirt ignores case)");
	/* oVirt is not inspected: a warning, and names unchecked there. */
	w.dest.reached = -1;
	w.dest.error = "the oVirt engine at https://e/ovirt-engine/api is not "
	    "queried before the import";
	world_judge(&w);
	TEXT(&w, NULL, "destination", PF_WARN, "is not queried before the "
	    "import: target names, free space and UEFI support are not "
	    "checked");
	TEXT(&w, "web01", "name", PF_OK, "not checked at the destination");
	world_free(&w);

	/* A folder holding files of the same name. */
	world_init(&w, 1);
	w.plan->dest.kind = OUTPUT_LOCAL;
	free(w.plan->dest.storage);
	w.plan->dest.storage = xstrdup("/srv/vms");
	w.stores[0].name = "/srv/vms";
	w.names[0] = "db";
	w.names[1] = "web01";
	w.stores[0].names = w.names;
	w.stores[0].nnames = 2;
	w.dest.nnames = 0;
	world_judge(&w);
	TEXT(&w, "web01", "name", PF_FAIL, "folder '/srv/vms' already holds "
	    "files of a VM named 'web01' (web01.xml or web01-sd*), which "
	    "virt-v2v would overwrite");
	/* The folder is not there: the destination fails. */
	w.dest.reached = 0;
	w.dest.error = "folder '/srv/vms' does not exist on proxy 'lab'";
	world_judge(&w);
	TEXT(&w, NULL, "destination", PF_FAIL, "does not exist");
	world_free(&w);
}

static void
test_judge_network(void)
{
	struct world w;
	struct plan_item *it;
	struct nic *nic;

	world_init(&w, 2);
	free(w.vms[1]->nics[0].network);
	w.vms[1]->nics[0].network = xstrdup("DMZ");
	world_judge(&w);
	TEXT(&w, "db", "network", PF_FAIL, "VM 'db' has NIC 52:54:00:00:00:02 "
	    "on network 'DMZ', which the plan does not map: add a mapping for "
	    "'DMZ' or set a default network");

	/* The item's own map, a MAC's, and the default all count. */
	it = &w.plan->items[1];
	plan_map(&it->netmaps, &it->nnetmaps, "DMZ", "dmz", NIC_NETWORK);
	nic = vm_add_nic(w.vms[1]);
	snprintf(nic->mac, sizeof nic->mac, "52:54:00:00:00:12");
	nic->network = xstrdup("backup");
	nic->kind = NIC_BRIDGE;
	world_judge(&w);
	TEXT(&w, "db", "network", PF_FAIL, "on bridge 'backup'");
	it->nics = xcalloc(2, sizeof *it->nics);
	it->nnics = 2;
	snprintf(it->nics[0].mac, sizeof it->nics[0].mac, "52:54:00:00:00:12");
	it->nics[0].to = xstrdup("br-backup");
	it->nics[0].to_kind = NIC_BRIDGE;
	snprintf(it->nics[1].mac, sizeof it->nics[1].mac, "52:54:00:00:00:99");
	it->nics[1].to = xstrdup("x");
	world_judge(&w);
	TEXT(&w, "db", "network", PF_FAIL, "VM 'db' has no NIC with MAC "
	    "52:54:00:00:00:99, which the plan maps: correct the MAC or remove "
	    "that mapping");
	it->nnics = 1;
	world_judge(&w);
	TEXT(&w, "db", "network", PF_OK, "NIC 52:54:00:00:00:02 'DMZ' -> "
	    "'dmz', NIC 52:54:00:00:00:12 'backup' -> 'br-backup' (by MAC)");
	it->nnics = 2;		/* freed with the plan */
	free(w.vms[0]->nics[0].network);
	w.vms[0]->nics[0].network = xstrdup("other");
	w.plan->default_network = xstrdup("prod");
	world_judge(&w);
	TEXT(&w, "web01", "network", PF_OK, "'other' -> 'prod' (default)");
	world_free(&w);
}

static void
test_judge_mac(void)
{
	struct world w;
	struct nic *nic;

	world_init(&w, 3);
	snprintf(w.vms[1]->nics[0].mac, sizeof w.vms[1]->nics[0].mac, "%s",
	    w.vms[0]->nics[0].mac);
	nic = vm_add_nic(w.vms[2]);
	snprintf(nic->mac, sizeof nic->mac, "%s", w.vms[2]->nics[0].mac);
	nic->network = xstrdup("default");
	/* The inventory also saw web01's MAC on db, and cache's elsewhere. */
	vm_add_problem(w.vms[0], PROBLEM_DUPLICATE_MAC, "MAC 52:54:00:00:00:01 "
	    "is also used by 'db': give one of them a new MAC");
	vm_add_problem(w.vms[2], PROBLEM_DUPLICATE_MAC, "MAC 52:54:00:00:00:03 "
	    "is also used by 'mail': give one of them a new MAC");
	world_judge(&w);
	TEXT(&w, "web01", "mac", PF_FAIL, "VM 'web01' has NIC "
	    "52:54:00:00:00:01, and so does VM 'db' of this import: both would "
	    "reach the destination's network with one address: change the MAC "
	    "in the source, or remove that NIC");
	TEXT(&w, "db", "mac", PF_FAIL, "so does VM 'web01'");
	TEXT(&w, "cache", "mac", PF_FAIL, "VM 'cache' has two NICs with MAC "
	    "52:54:00:00:00:03");
	CHECK(nfound(&w, "web01", "mac", PF_WARN) == 0);
	world_free(&w);

	world_init(&w, 1);
	vm_add_problem(w.vms[0], PROBLEM_DUPLICATE_MAC, "MAC 52:54:00:00:00:01 "
	    "is also used by 'mail': give one of them a new MAC");
	world_judge(&w);
	TEXT(&w, "web01", "mac", PF_WARN, "VM 'web01': MAC 52:54:00:00:00:01 "
	    "is also used by 'mail': give one of them a new MAC (that VM is "
	    "not in this import");
	world_free(&w);
}

static void
test_judge_storage(void)
{
	struct world w;
	struct plan_item *it;

	world_init(&w, 2);
	/* Each fits, both do not: 4+4 GiB in use, 6 GiB free. */
	w.stores[0].free_bytes = 6 * (int64_t)GIB;
	world_judge(&w);
	TEXT(&w, NULL, "storage", PF_FAIL, "pool 'default' has 6.0 GiB free "
	    "but the 2 VMs going there need about 8.0 GiB (web01 4.0 GiB, db "
	    "4.0 GiB): free 2.0 GiB more there, or send some VMs to another "
	    "pool");
	/* Preallocated counts the capacity. */
	w.stores[0].free_bytes = 30 * (int64_t)GIB;
	w.plan->items[0].alloc = DISK_ALLOC_PREALLOCATED;
	world_judge(&w);
	TEXT(&w, NULL, "storage", PF_OK, "the 2 VMs going there need about "
	    "24 GiB");
	w.plan->items[1].alloc = DISK_ALLOC_PREALLOCATED;
	world_judge(&w);
	CHECK(FIND(&w, NULL, "storage", PF_FAIL) != NULL);
	/* Sparse with unknown use: only a warning. */
	w.plan->items[0].alloc = w.plan->items[1].alloc = DISK_ALLOC_SPARSE;
	w.vms[0]->disks[0].allocation = 0;
	w.vms[1]->disks[0].allocation = 0;
	world_judge(&w);
	TEXT(&w, NULL, "storage", PF_WARN, "may need up to 40 GiB");
	/* Unknown free space, a pool that cannot be used. */
	w.stores[0].free_bytes = -1;
	world_judge(&w);
	TEXT(&w, NULL, "storage", PF_WARN, "the free space in pool 'default' "
	    "is unknown");
	w.stores[0].usable = 0;
	w.stores[0].error = "pool 'default' is not active: start it";
	world_judge(&w);
	TEXT(&w, NULL, "storage", PF_FAIL, "pool 'default' is not active");
	world_free(&w);

	/* Per VM: a storage, one for all disks, a format virt-v2v writes. */
	world_init(&w, 1);
	free(w.plan->dest.storage);
	w.plan->dest.storage = NULL;
	world_judge(&w);
	TEXT(&w, "web01", "storage", PF_FAIL, "VM 'web01': disk 1 has no pool "
	    "to go to: choose one for the VM or for the whole destination");
	it = &w.plan->items[0];
	it->storage = xstrdup("default");
	vm_add_disk(w.vms[0])->capacity = GIB;
	it->disk_storage = xcalloc(2, sizeof *it->disk_storage);
	it->ndisk_storage = 2;
	it->disk_storage[1] = xstrdup("fast");
	world_judge(&w);
	TEXT(&w, "web01", "storage", PF_FAIL, "VM 'web01': disk 1 goes to "
	    "'default' and disk 2 to 'fast', but virt-v2v writes all disks of "
	    "a VM to one pool");
	free(it->disk_storage[1]);
	it->disk_storage[1] = NULL;
	it->format = DISK_FORMAT_VMDK;
	world_judge(&w);
	TEXT(&w, "web01", "storage", PF_FAIL, "writes raw or qcow2 disks");
	it->format = DISK_FORMAT_QCOW2;
	w.plan->dest.kind = OUTPUT_OVIRT_UPLOAD;
	world_judge(&w);
	TEXT(&w, "web01", "storage", PF_FAIL, "oVirt upload takes raw disks "
	    "only");
	world_free(&w);
}

static void
test_judge_firmware(void)
{
	struct world w;

	world_init(&w, 1);
	w.vms[0]->firmware = VM_FIRMWARE_UEFI;
	world_judge(&w);
	CHECK(FIND(&w, "web01", "firmware", PF_OK) != NULL);
	w.dest.uefi = 0;
	w.dest.uefi_note = "proxy 'lab' has none of the OVMF files virt-v2v "
	    "looks for";
	world_judge(&w);
	TEXT(&w, "web01", "firmware", PF_FAIL, "VM 'web01' boots with UEFI, "
	    "but proxy 'lab' has none of the OVMF files virt-v2v looks for: "
	    "install ovmf on the proxy");
	w.dest.uefi = -1;
	world_judge(&w);
	CHECK(FIND(&w, "web01", "firmware", PF_WARN) != NULL);
	w.dest.uefi = 0;
	w.vms[0]->arch = xstrdup("aarch64");
	world_judge(&w);
	TEXT(&w, "web01", "firmware", PF_WARN, "for aarch64: AAVMF");
	w.plan->dest.kind = OUTPUT_OVIRT_EXPORT;
	world_judge(&w);
	TEXT(&w, "web01", "firmware", PF_WARN, "oVirt cluster must support "
	    "UEFI");
	world_free(&w);
}

static void
test_judge_destination(void)
{
	struct world w;

	world_init(&w, 1);
	w.dest.kvm = 0;
	world_judge(&w);
	TEXT(&w, NULL, "destination", PF_FAIL, "libvirt at qemu:///system "
	    "cannot run KVM guests");
	w.dest.kvm = 1;
	w.dest.reached = 0;
	w.dest.error = "libvirt at qemu:///system cannot be reached from proxy "
	    "'lab': failed to connect to the hypervisor";
	world_judge(&w);
	TEXT(&w, NULL, "destination", PF_FAIL, "cannot be reached");
	CHECK(nfound(&w, NULL, "storage", PF_OK) == 0);
	w.facts.dest = NULL;
	world_judge(&w);
	TEXT(&w, NULL, "destination", PF_WARN, "was not inspected");
	world_free(&w);
}

static void
test_judge_credentials(void)
{
	struct world w;

	world_init(&w, 1);
	source_free(w.plan->source);
	w.plan->source = source_parse("vpx://admin@vc/DC/host1?no_verify=1",
	    NULL);
	world_judge(&w);
	TEXT(&w, NULL, "credentials", PF_FAIL, "needs a password");
	w.plan->source->password_file = xstrdup("/home/u/.vc-password");
	world_judge(&w);
	TEXT(&w, NULL, "credentials", PF_FAIL, "the source's password file "
	    "/home/u/.vc-password is missing, empty or unreadable");
	w.facts.source_password = -1;
	world_judge(&w);
	TEXT(&w, NULL, "credentials", PF_FAIL, "the source's password file "
	    "/home/u/.vc-password can be read by other users: run 'chmod 600 "
	    "/home/u/.vc-password' first");
	w.facts.source_password = 1;
	world_judge(&w);
	CHECK(FIND(&w, NULL, "credentials", PF_OK) != NULL);
	/* The proxy needs nbdkit's curl plugin for VMware. */
	CHECK(FIND(&w, "web01", "proxy", PF_OK) != NULL);
	w.probe->curl_plugin = 0;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "nbdkit's curl plugin is missing");
	world_free(&w);

	world_init(&w, 1);
	w.plan->dest.kind = OUTPUT_OVIRT_UPLOAD;
	w.plan->items[0].format = DISK_FORMAT_RAW;
	world_judge(&w);
	TEXT(&w, NULL, "credentials", PF_FAIL, "oVirt upload needs the "
	    "engine's password");
	TEXT(&w, NULL, "credentials", PF_FAIL, "CA certificate");
	TEXT(&w, NULL, "destination", PF_WARN, "no oVirt cluster is set");
	w.plan->dest.password_file = xstrdup("/home/u/.ovirt");
	w.plan->dest.ca_file = xstrdup("/home/u/ca.pem");
	w.plan->dest.cluster = xstrdup("c1");
	w.facts.dest_password = 1;
	world_judge(&w);
	CHECK(FIND(&w, NULL, "credentials", PF_OK) != NULL);
	world_free(&w);
}

static void
test_judge_proxy(void)
{
	struct world w;
	struct probe *bad;

	world_init(&w, 1);
	free(w.probe->nbdcopy);
	w.probe->nbdcopy = NULL;
	w.probe->tmp_free = GIB;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "VM 'web01' on proxy 'lab': "
	    "nbdcopy is missing: install libnbd-bin");
	w.probe->nbdcopy = xstrdup("/usr/bin/nbdcopy");
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_WARN, "only 1.0 GiB free in /var/tmp");
	w.probe->tmp_free = 50 * (int64_t)GIB;

	/* A bandwidth limit needs a virt-v2v that has --bandwidth: 2.2.0
	   has it; upstream removed it in 2026. */
	w.plan->bandwidth = 100000000;
	world_judge(&w);
	CHECK(probe_has(w.probe, "bandwidth-option"));
	CHECK(FIND(&w, "web01", "proxy", PF_OK) != NULL);
	{
		size_t k;

		for (k = 0; k < w.probe->ncaps; k++)
			if (strcmp(w.probe->caps[k], "bandwidth-option") == 0)
				w.probe->caps[k][0] = 'X';
	}
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "no --bandwidth (no "
	    "bandwidth-option): remove the bandwidth limit from the plan");
	w.plan->bandwidth = 0;
	w.plan->items[0].bandwidth = 100000000;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "no --bandwidth");
	w.plan->items[0].bandwidth = 0;
	world_judge(&w);
	CHECK(FIND(&w, "web01", "proxy", PF_OK) != NULL);

	/* Not reached, not known. */
	w.proxies[0].probe = NULL;
	w.proxies[0].error = "connection refused";
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "VM 'web01' on proxy 'lab': cannot "
	    "be reached: connection refused");
	free(w.plan->proxy);
	w.plan->proxy = xstrdup("nowhere");
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "proxy 'nowhere' was not looked "
	    "at");

	/* Any: one that qualifies is enough, and it is named. */
	free(w.plan->proxy);
	w.plan->proxy = xstrdup("any");
	bad = probe_new();
	bad->version = xstrdup("2.2.0");
	w.proxies[1].name = "old";
	w.proxies[1].probe = bad;
	w.proxies[2].name = "lab2";
	w.proxies[2].probe = w.probe;
	w.facts.nproxies = 3;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_OK, "VM 'web01' can run on proxy 'lab2'; "
	    "not on 'lab': cannot be reached");
	w.proxies[2].probe = NULL;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "no proxy can convert it: 'lab': "
	    "cannot be reached: connection refused; 'old': its virt-v2v cannot "
	    "read libvirt sources (no input:libvirt)");
	probe_free(bad);
	world_free(&w);

	/* A local XML is copied to the job folder first: it must fit. */
	world_init(&w, 1);
	source_free(w.plan->source);
	w.plan->source = source_parse("xml:/data/web01.xml", NULL);
	w.vms[0]->disks[0].format = DISK_FORMAT_RAW;
	w.vms[0]->disks[0].capacity = 60 * GIB;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "the VM's files (60 GiB) are "
	    "copied to /var/tmp/virt-import first, which has only 50 GiB free");
	w.vms[0]->disks[0].format = DISK_FORMAT_QCOW2;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_OK, "files copied to "
	    "/var/tmp/virt-import");
	w.vms[0]->disks[0].allocation = 0;
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_WARN, "(up to 60 GiB)");
	/* Output modes come from the capabilities. */
	w.plan->dest.kind = OUTPUT_OVIRT_EXPORT;
	w.probe->uid = 1000;
	free(w.plan->dest.storage);
	w.plan->dest.storage = xstrdup("nfs.example:/export");
	world_judge(&w);
	TEXT(&w, "web01", "proxy", PF_FAIL, "mounts the export domain "
	    "nfs.example:/export itself, which needs root");
	world_free(&w);
}

/*
 * Three VMs of a folder of libvirt XMLs, copied to proxy 'lab' (50 GiB
 * free in its job folder): each 20 GiB fits alone, three at once do not.
 */
static void
test_judge_uploads(void)
{
	static const char *names[] = { "web01", "db", "cache" };
	struct world w;
	char path[64];
	size_t i;

	world_init(&w, 3);
	source_free(w.plan->source);
	w.plan->source = source_parse("dir:/images", NULL);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/images/%s.xml", names[i]);
		w.vms[i]->origin = xstrdup(path);
		w.vms[i]->disks[0].format = DISK_FORMAT_RAW;
		w.vms[i]->disks[0].capacity = (20 + i) * GIB;
	}
	w.plan->dest.kind = OUTPUT_LOCAL;
	w.proxies[0].max_jobs = 3;
	world_judge(&w);
	TEXT(&w, NULL, "proxy", PF_FAIL, "proxy 'lab' runs 3 conversions at "
	    "once, and each keeps its copied files in /var/tmp/virt-import "
	    "until it ends: that is 63 GiB together (cache 22 GiB, db 21 GiB, "
	    "web01 20 GiB), but it has only 50 GiB free, enough for 2 at "
	    "once: free space there, or lower its max jobs to 2 "
	    "('virt-import proxy add lab ... --max-jobs 2 --replace'), or put "
	    "the files on the proxy (on_proxy)");
	for (i = 0; i < 3; i++)
		CHECK(nfound(&w, names[i], "proxy", PF_OK) == 1);

	/* Two at once fit: nothing more to say. */
	w.proxies[0].max_jobs = 2;
	world_judge(&w);
	CHECK(nfound(&w, NULL, "proxy", PF_FAIL) == 0);
	CHECK(nfound(&w, NULL, "proxy", PF_WARN) == 0);

	/* Sizes that are only guesses (qcow2: what it holds) warn. */
	w.proxies[0].max_jobs = 3;
	for (i = 0; i < 3; i++) {
		w.vms[i]->disks[0].format = DISK_FORMAT_QCOW2;
		w.vms[i]->disks[0].allocation = 20 * GIB;
	}
	world_judge(&w);
	CHECK(nfound(&w, NULL, "proxy", PF_FAIL) == 0);
	TEXT(&w, NULL, "proxy", PF_WARN, "that may be up to 60 GiB together");

	/* The largest alone does not fit: said with that VM only. */
	w.vms[0]->disks[0].allocation = 60 * GIB;
	world_judge(&w);
	CHECK(nfound(&w, NULL, "proxy", PF_FAIL) == 0);
	CHECK(nfound(&w, NULL, "proxy", PF_WARN) == 0);
	TEXT(&w, "web01", "proxy", PF_WARN, "are copied to "
	    "/var/tmp/virt-import first, which has only 50 GiB free");

	/* Copied to 'any' proxy, or max jobs unknown: not judged here. */
	w.vms[0]->disks[0].allocation = 20 * GIB;
	w.proxies[0].max_jobs = 0;
	world_judge(&w);
	CHECK(nfound(&w, NULL, "proxy", PF_WARN) == 0);
	w.proxies[0].max_jobs = 3;
	free(w.plan->proxy);
	w.plan->proxy = xstrdup("any");
	world_judge(&w);
	CHECK(nfound(&w, NULL, "proxy", PF_WARN) == 0);
	world_free(&w);
}

static void
test_levels(void)
{
	struct pf_result r[3];

	CHECK_STR(pf_level_name(PF_OK), "ok");
	CHECK_STR(pf_level_name(PF_WARN), "warn");
	CHECK_STR(pf_level_name(PF_FAIL), "fail");
	memset(r, 0, sizeof r);
	r[0].level = PF_FAIL;
	r[1].level = PF_WARN;
	r[2].level = PF_FAIL;
	CHECK(preflight_failed(r, 3) == 2);
	CHECK(preflight_failed(r, 0) == 0);
	preflight_free(NULL, 0);
	preflight_dest_free(NULL);
}

int
main(void)
{
	RUN(test_parse_lines);
	RUN(test_parse_files);
	RUN(test_parse_pool);
	RUN(test_parse_virsh_error);
	RUN(test_parse_domcaps);
	RUN(test_parse_kvm);
	RUN(test_parse_ovmf_df);
	RUN(test_judge_clean);
	RUN(test_judge_plan);
	RUN(test_judge_power_source);
	RUN(test_judge_names);
	RUN(test_judge_network);
	RUN(test_judge_mac);
	RUN(test_judge_storage);
	RUN(test_judge_firmware);
	RUN(test_judge_destination);
	RUN(test_judge_credentials);
	RUN(test_judge_proxy);
	RUN(test_judge_uploads);
	RUN(test_levels);
	return unit_done();
}
