/*
 * Unit tests: plan files (planjson.c) on the example plans of
 * tests/unit/data/plan/: every valid one parses and comes back unchanged
 * through planjson_string(), every broken one is refused with a message that
 * says where and what to do.  Every file there must be listed here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "unit.h"

static const char *valid[] = {
	"local-ova.json", "libvirt-vcenter.json", "ovirt-upload.json",
	"ovirt-export.json", "full.json", "minimal.json", "provider.json",
};

static const struct {
	const char	*file;
	const char	*want;
} bad[] = {
	{ "bad-unknown-key.json", "vms[2].netwrks: unknown key: did you mean "
	    "'networks'? (a VM takes name, target, proxy, storage, disks, "
	    "format, allocation, networks, nics, bandwidth)" },
	{ "bad-unknown-top.json", "vm: unknown key: did you mean 'vms'?" },
	{ "bad-version-newer.json", "version: 2 is newer than this virt-import "
	    "reads (1): update virt-import" },
	{ "bad-version-string.json", "version: must be a whole number, not a "
	    "string" },
	{ "bad-version-missing.json", "version: missing: write \"version\": 1 "
	    "first" },
	{ "bad-local-no-directory.json", "destination.directory: missing: "
	    "give the folder on the proxy" },
	{ "bad-local-relative.json", "destination.directory: 'out' is not an "
	    "absolute path" },
	{ "bad-local-pool.json", "destination.pool: unknown key: a local "
	    "destination takes type, directory" },
	{ "bad-dest-type.json", "destination.type: 'openstack' is not a "
	    "destination: use local, libvirt, ovirt-upload or ovirt-export" },
	{ "bad-libvirt-no-pool.json", "destination.pool: missing: give the "
	    "storage pool" },
	{ "bad-libvirt-uri.json", "destination.uri: 'kvm02' is not a libvirt "
	    "URI" },
	{ "bad-upload-no-ca.json", "destination.ca_file: missing: give the "
	    "engine's CA certificate" },
	{ "bad-upload-http.json", "destination.engine: 'http://engine.example."
	    "com/ovirt-engine/api' is not an https:// URL" },
	{ "bad-upload-no-password.json", "destination.password_file: missing" },
	{ "bad-export-nfs-prefix.json", "destination.export: 'nfs:nfs01."
	    "example.com:/exports/ovirt-export' is neither HOST:/PATH nor an "
	    "absolute path: write it as mount(8) takes it" },
	{ "bad-mac.json", "vms[0].nics[0].mac: '00:50:56:zz:10:01' is not a "
	    "MAC address" },
	{ "bad-mac-twice.json", "vms[0].nics[1].mac: 00:50:56:8a:10:01 is also "
	    "nics[0]" },
	{ "bad-nic-empty.json", "vms[0].nics[0]: says nothing about the NIC" },
	{ "bad-ip.json", "vms[0].nics[0].ip: '10.0.0.5/24' is not ADDRESS"
	    "[,GATEWAY[,PREFIXLEN[,NAMESERVER...]]]" },
	{ "bad-format.json", "defaults.format: 'vmdk' is not a format "
	    "virt-v2v writes: use raw or qcow2" },
	{ "bad-allocation.json", "vms[0].allocation: 'thick' is not an "
	    "allocation: use sparse or preallocated" },
	{ "bad-vm-twice.json", "vms[2].name: VM 'DC0_C0_RP0_VM0' is listed "
	    "twice (also vms[0]): keep one entry" },
	{ "bad-target-twice.json", "vms[1].target: 'app' is also where vms[0] "
	    "goes" },
	{ "bad-target-slash.json", "vms[0].target: '../../etc/web01' holds a "
	    "'/'" },
	{ "bad-key-twice.json", "vms[1].format: the key is given twice in one "
	    "object: keep one" },
	{ "bad-syntax.json", "line 4, column 66: not valid JSON (unexpected "
	    "character): fix the text there" },
	{ "bad-truncated.json", "the JSON ends early, at line 5" },
	{ "bad-nul.json", "line 3 has a NUL byte" },
	{ "bad-utf8.json", "line 3, column 40: byte 0xe9 is not UTF-8: save "
	    "the plan as UTF-8" },
	{ "bad-empty.json", "the plan is empty" },
	{ "bad-not-object.json", "the plan is a list [...]: it must be one "
	    "JSON object" },
	{ "bad-vms-type.json", "vms: must be a list [...], not an object" },
	{ "bad-vm-string.json", "vms[0]: must be an object {\"name\": ...}, "
	    "not a string" },
	{ "bad-source-spec.json", "source.spec: 'https://' is not a source "
	    "virt-import knows" },
	{ "bad-source-password.json", "source.password_file: ova: sources "
	    "take no password: remove it" },
	{ "bad-password-relative.json", "source.password_file: 'esxi01.pw' is "
	    "not an absolute path" },
	{ "bad-connections.json", "source.connections: 500 is out of range: "
	    "use 1 to 64" },
	{ "bad-bandwidth.json", "defaults.bandwidth: '100Mbit' is not a "
	    "bandwidth: write bits per second" },
	{ "bad-bandwidth-huge.json", "vms[0].bandwidth: more than 1000G "
	    "bits/s" },
	{ "bad-network-twice.json", "defaults.networks[2].from: 'VM Network' "
	    "is mapped twice in this list (also [0])" },
	{ "bad-network-kind.json", "defaults.networks[0].type: 'portgroup' is "
	    "not a kind of target: use network" },
	{ "bad-proxy-name.json", "proxy: the name 'conv 01' has the character "
	    "' ' at position 5" },
	{ "bad-limits.json", "limits.per_source_host: 0 is out of range: use "
	    "1 to 1000" },
	{ "bad-debug-type.json", "debug: must be true or false, not a string" },
	{ "bad-name-empty.json", "vms[0].name: is empty: give the VM's name" },
	{ "bad-disks.json", "vms[0].disks[1]: must be {\"storage\": ...} or "
	    "null, not a string" },
	{ "bad-comment.json", "line 2, column 3: a comment: JSON has none: "
	    "remove it" },
	{ "bad-trailing.json", "line 7, column 1: not valid JSON" },
};

static struct plan *
parse_file(const char *name, char **cause)
{
	struct plan *plan;
	char *text;
	size_t len;

	text = unit_fixture("plan", name, &len);
	plan = planjson_parse(text, len, cause);
	free(text);
	return plan;
}

static int
netmaps_eq(const struct netmap *a, size_t na, const struct netmap *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (!str_eq(a[i].from, b[i].from) ||
		    !str_eq(a[i].to, b[i].to) || a[i].to_kind != b[i].to_kind)
			return 0;
	}
	return 1;
}

/* Every field of the model, so a field the writer forgets is caught. */
static int
plan_eq(const struct plan *a, const struct plan *b)
{
	const struct plan_item *x, *y;
	size_t i, j;

	if ((a->source == NULL) != (b->source == NULL))
		return 0;
	if (a->source != NULL && (a->source->kind != b->source->kind ||
	    !str_eq(a->source->name, b->source->name) ||
	    !str_eq(a->source->location, b->source->location) ||
	    !str_eq(a->source->password_file, b->source->password_file) ||
	    a->source->connections != b->source->connections ||
	    a->source->verify != b->source->verify))
		return 0;
	if (a->source_on_proxy != b->source_on_proxy ||
	    !str_eq(a->proxy, b->proxy) || a->dest.kind != b->dest.kind ||
	    !str_eq(a->dest.uri, b->dest.uri) ||
	    !str_eq(a->dest.storage, b->dest.storage) ||
	    !str_eq(a->dest.cluster, b->dest.cluster) ||
	    !str_eq(a->dest.ca_file, b->dest.ca_file) ||
	    !str_eq(a->dest.password_file, b->dest.password_file) ||
	    !netmaps_eq(a->netmaps, a->nnetmaps, b->netmaps, b->nnetmaps) ||
	    !str_eq(a->default_network, b->default_network) ||
	    (a->default_network != NULL && a->default_kind !=
	    b->default_kind) ||
	    a->format != b->format || a->alloc != b->alloc ||
	    a->bandwidth != b->bandwidth || a->host_limit != b->host_limit ||
	    a->debug != b->debug || a->nitems != b->nitems)
		return 0;
	for (i = 0; i < a->nitems; i++) {
		x = &a->items[i];
		y = &b->items[i];
		if (!str_eq(x->vm, y->vm) || !str_eq(x->target, y->target) ||
		    !str_eq(x->proxy, y->proxy) ||
		    !str_eq(x->storage, y->storage) ||
		    x->ndisk_storage != y->ndisk_storage ||
		    x->format != y->format || x->alloc != y->alloc ||
		    x->bandwidth != y->bandwidth ||
		    !netmaps_eq(x->netmaps, x->nnetmaps, y->netmaps,
		    y->nnetmaps) || x->nnics != y->nnics ||
		    x->locked != y->locked)
			return 0;
		for (j = 0; j < x->ndisk_storage; j++) {
			if (!str_eq(x->disk_storage[j], y->disk_storage[j]))
				return 0;
		}
		for (j = 0; j < x->nnics; j++) {
			if (strcmp(x->nics[j].mac, y->nics[j].mac) != 0 ||
			    !str_eq(x->nics[j].to, y->nics[j].to) ||
			    !str_eq(x->nics[j].ip, y->nics[j].ip) ||
			    (x->nics[j].to != NULL && x->nics[j].to_kind !=
			    y->nics[j].to_kind))
				return 0;
		}
	}
	return 1;
}

/* parse(string(p)) == p, and writing it again gives the same text. */
static void
check_round_trip(const char *name, const struct plan *plan)
{
	struct plan *again;
	char *text, *text2, *cause = NULL;

	text = planjson_string(plan);
	again = planjson_parse(text, strlen(text), &cause);
	if (again == NULL) {
		CHECK_CAUSE(name, cause, "(round trip parses)");
		fprintf(stderr, "%s\n", text);
		free(cause);
		free(text);
		return;
	}
	if (!plan_eq(plan, again)) {
		unit_fail(__FILE__, __LINE__, name);
		fprintf(stderr, "%s\n", text);
	}
	text2 = planjson_string(again);
	CHECK_STR(text2, text);
	free(text2);
	free(text);
	plan_free(again);
}

static void
test_valid_plans(void)
{
	struct plan *plan;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof valid / sizeof *valid; i++) {
		cause = NULL;
		plan = parse_file(valid[i], &cause);
		if (plan == NULL) {
			CHECK_CAUSE(valid[i], cause, "(parses)");
			free(cause);
			continue;
		}
		CHECK(cause == NULL);
		check_round_trip(valid[i], plan);
		plan_free(plan);
	}
}

/* What each example says, read back field by field. */
static void
test_plan_fields(void)
{
	struct plan *p;
	const struct plan_item *it;
	const struct netmap *m;

	p = parse_file("local-ova.json", NULL);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK(p->source->kind == SOURCE_OVA);
		CHECK_STR(p->source->location,
		    "/var/tmp/virt-import/uploads/web01.ova");
		CHECK(p->source_on_proxy);
		CHECK_STR(p->proxy, "lab");
		CHECK(p->dest.kind == OUTPUT_LOCAL);
		CHECK_STR(p->dest.storage, "/var/tmp/converted");
		CHECK(p->format == DISK_FORMAT_QCOW2);
		CHECK(p->alloc == DISK_ALLOC_SPARSE);	/* the default */
		CHECK(p->nitems == 1 && p->items[0].format ==
		    DISK_FORMAT_QCOW2);	/* from the defaults */
		CHECK_STR(p->items[0].target, "web01-kvm");
		CHECK(p->default_network == NULL && !p->debug);
	}
	plan_free(p);

	p = parse_file("libvirt-vcenter.json", NULL);
	CHECK(p != NULL && p->nitems == 3);
	if (p != NULL && p->nitems == 3) {
		CHECK(p->source->kind == SOURCE_LIBVIRT);
		CHECK_STR(p->source->password_file,
		    "/root/.config/virt-import/vcenter.pw");
		CHECK(p->source->connections == 4 && !p->source->verify);
		CHECK(!p->source_on_proxy);
		CHECK(p->dest.kind == OUTPUT_LIBVIRT);
		CHECK_STR(p->dest.uri, "qemu:///system");
		CHECK_STR(p->dest.storage, "default");
		CHECK(p->nnetmaps == 2);
		CHECK_STR(p->default_network, "quarantine");
		CHECK(p->default_kind == NIC_NETWORK);
		CHECK(p->bandwidth == 200000000);
		CHECK(p->host_limit == 4);
		CHECK_STR(p->items[0].target, "DC0_C0_RP0_VM0");
		CHECK(p->items[1].bandwidth == 50000000);
		it = &p->items[2];
		CHECK_STR(it->proxy, "kvm02");
		CHECK_STR(plan_item_storage(p, it, 1), "fast-ssd");
		CHECK_STR(plan_item_storage(p, &p->items[0], 0), "default");
		m = plan_network_for(p, it, "VM Network");
		CHECK(m != NULL && str_eq(m->to, "br0") &&
		    m->to_kind == NIC_BRIDGE);
		m = plan_network_for(p, &p->items[0], "DMZ");
		CHECK(m != NULL && str_eq(m->to, "br-dmz"));
		CHECK(it->nnics == 1);
		CHECK_STR(it->nics[0].mac, "00:50:56:ac:01:02");
		CHECK_STR(it->nics[0].to, "backup");
		CHECK(it->nics[0].ip == NULL);
	}
	plan_free(p);

	p = parse_file("ovirt-upload.json", NULL);
	CHECK(p != NULL && p->nitems == 2);
	if (p != NULL && p->nitems == 2) {
		CHECK(p->dest.kind == OUTPUT_OVIRT_UPLOAD);
		CHECK_STR(p->dest.uri,
		    "https://engine.example.com/ovirt-engine/api");
		CHECK_STR(p->dest.storage, "data-fc01");
		CHECK_STR(p->dest.cluster, "Production");
		CHECK_STR(p->dest.ca_file,
		    "/etc/pki/ovirt-engine/engine-ca.pem");
		CHECK_STR(p->dest.password_file,
		    "/root/.config/virt-import/engine.pw");
		CHECK(p->format == DISK_FORMAT_RAW);
		CHECK_STR(p->items[0].nics[0].ip,
		    "10.20.0.11,10.20.0.1,24,10.20.0.11,10.20.0.12");
		CHECK(p->items[0].nics[0].to == NULL);
		CHECK(p->items[1].bandwidth == 100000000);
	}
	plan_free(p);

	p = parse_file("ovirt-export.json", NULL);
	CHECK(p != NULL && p->nitems == 2);
	if (p != NULL && p->nitems == 2) {
		CHECK(p->source->kind == SOURCE_DIR);
		CHECK(p->dest.kind == OUTPUT_OVIRT_EXPORT);
		CHECK_STR(p->dest.storage,
		    "nfs01.example.com:/exports/ovirt-export");
		CHECK(p->alloc == DISK_ALLOC_PREALLOCATED);
		CHECK(p->items[0].alloc == DISK_ALLOC_PREALLOCATED);
		CHECK(p->items[1].alloc == DISK_ALLOC_SPARSE);
		CHECK(p->items[1].format == DISK_FORMAT_QCOW2);
		CHECK(p->proxy == NULL);
	}
	plan_free(p);

	p = parse_file("full.json", NULL);
	CHECK(p != NULL && p->nitems == 3);
	if (p != NULL && p->nitems == 3) {
		CHECK_STR(p->source->name, "paris-vc");
		CHECK(p->source->verify && p->source->connections == 8);
		CHECK(p->debug && p->host_limit == 20);
		CHECK(p->bandwidth == 1000000000);
		CHECK(p->default_kind == NIC_BRIDGE);
		it = &p->items[0];
		CHECK_STR(it->vm, "O'Brien's \"desktop\" $(reboot) `id`");
		CHECK(it->ndisk_storage == 3 && it->disk_storage[1] == NULL);
		CHECK(it->format == DISK_FORMAT_RAW);
		CHECK(it->bandwidth == 12500000);
		CHECK(it->nnics == 2);
		CHECK_STR(it->nics[0].mac, "00:50:56:8a:10:01");
		CHECK(it->nics[0].to_kind == NIC_BRIDGE);
		CHECK_STR(it->nics[1].ip, "192.168.10.21,192.168.10.1,24");
		CHECK_STR(it->nics[1].to, "mgmt");
		CHECK_STR(p->items[1].vm, "-rf");
		CHECK_STR(p->items[2].vm, "ファイルサーバ");
		CHECK(p->items[2].bandwidth == 1234567);
		m = plan_network_for(p, NULL, "VLAN 120 – Büro");
		CHECK(m != NULL && str_eq(m->to, "br120"));
	}
	plan_free(p);

	p = parse_file("provider.json", NULL);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK(p->source->kind == SOURCE_PROVIDER);
		CHECK_STR(p->source->name, "paris-vc");
		CHECK(p->nitems == 0);
		CHECK_STR(p->default_network, "default");
		CHECK(p->default_kind == NIC_NETWORK);	/* type defaults */
	}
	plan_free(p);
}

static void
test_bad_plans(void)
{
	struct plan *plan;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		plan = parse_file(bad[i].file, &cause);
		CHECK(plan == NULL);
		plan_free(plan);
		CHECK_CAUSE(bad[i].file, cause, bad[i].want);
		/* One line, no full stop: the front end adds context. */
		CHECK(cause == NULL || (strchr(cause, '\n') == NULL &&
		    cause[strlen(cause) - 1] != '.'));
		free(cause);
		/* Without a cause the verdict is the same. */
		plan = parse_file(bad[i].file, NULL);
		CHECK(plan == NULL);
		plan_free(plan);
	}
}

/* A new example file must be added to a table above, or this fails. */
static void
test_every_file_listed(void)
{
	struct dirent *de;
	char *path = unit_data_path("plan"), msg[300];
	size_t i, files = 0;
	int found;
	DIR *d;

	if ((d = opendir(path)) == NULL) {
		unit_fail(__FILE__, __LINE__, path);
		free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		files++;
		found = 0;
		for (i = 0; i < sizeof valid / sizeof *valid; i++)
			found |= strcmp(de->d_name, valid[i]) == 0;
		for (i = 0; i < sizeof bad / sizeof *bad; i++)
			found |= strcmp(de->d_name, bad[i].file) == 0;
		if (!found) {
			snprintf(msg, sizeof msg, "%s is in no table",
			    de->d_name);
			unit_fail(__FILE__, __LINE__, msg);
		}
	}
	closedir(d);
	free(path);
	CHECK(files == sizeof valid / sizeof *valid + sizeof bad /
	    sizeof *bad);
}

/* A plan the console would build, with every field and hostile text. */
static void
test_round_trip_built(void)
{
	static const char *hostile[] = {
		"web01", "-rf", "a b", "O'Brien \"q\"", "$(reboot)", "`id`",
		"line\nbreak", "tab\there", "ctl\x01\x7f", "ünïcödé 名前",
		"back\\slash", "semi;colon|pipe&", "a:b:c", "/slash/../x",
	};
	struct plan *p = plan_new();
	struct plan_item *it;
	char *text, *cause = NULL;
	size_t i;

	p->source = source_parse("vpx://u%40d@vc/DC/C/h?no_verify=1", NULL);
	p->source->password_file = xstrdup("/pw/with space/'q'");
	p->source->name = xstrdup("vc-1");
	p->source_on_proxy = 1;
	p->proxy = xstrdup("any");
	p->dest.kind = OUTPUT_OVIRT_UPLOAD;
	p->dest.uri = xstrdup("https://e/ovirt-engine/api");
	p->dest.storage = xstrdup("sd \"1\"");
	p->dest.cluster = xstrdup("C:1");
	p->dest.ca_file = xstrdup("/ca=1.pem");
	p->dest.password_file = xstrdup("/pw");
	p->default_network = xstrdup("line\nbreak");
	p->default_kind = NIC_BRIDGE;
	p->bandwidth = 1;
	p->host_limit = 1000;
	p->debug = 1;
	for (i = 0; i < sizeof hostile / sizeof *hostile; i++)
		plan_map(&p->netmaps, &p->nnetmaps, hostile[i], hostile[
		    (i + 1) % (sizeof hostile / sizeof *hostile)],
		    (i & 1) ? NIC_BRIDGE : NIC_NETWORK);
	for (i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		it = plan_add(p, hostile[i], NULL);
		if (it == NULL)
			continue;
		if (i % 3 == 0) {
			free(it->target);
			xasprintf(&it->target, "t%zu-%s", i, i == 0 ? "x" :
			    "n\"q\"");
		}
		if (strchr(it->target, '/') != NULL) {
			free(it->target);
			it->target = xstrdup("no-slash");
		}
		it->format = (i & 1) ? DISK_FORMAT_QCOW2 : DISK_FORMAT_RAW;
		it->alloc = (i & 2) ? DISK_ALLOC_PREALLOCATED :
		    DISK_ALLOC_SPARSE;
		it->bandwidth = (uint64_t)i * 999999;	/* mixes the forms */
		if (i == 4) {
			it->proxy = xstrdup("kvm-02");
			it->storage = xstrdup("pool 'x'");
			it->ndisk_storage = 3;
			it->disk_storage = xcalloc(3, sizeof *it->disk_storage);
			it->disk_storage[2] = xstrdup("other");
			plan_map(&it->netmaps, &it->nnetmaps, "$(x)", "`y`",
			    NIC_BRIDGE);
			it->nics = xcalloc(2, sizeof *it->nics);
			it->nnics = 2;
			strcpy(it->nics[0].mac, "52:54:00:00:00:01");
			it->nics[0].to = xstrdup("n:1");
			it->nics[0].to_kind = NIC_BRIDGE;
			strcpy(it->nics[1].mac, "52:54:00:00:00:02");
			it->nics[1].ip = xstrdup("fe80::1,,64");
		}
	}
	check_round_trip("built plan", p);

	/* Items of the default format and allocation name neither. */
	text = planjson_string(p);
	CHECK(strstr(text, "\"bandwidth\":1") != NULL ||
	    strstr(text, "\"bandwidth\": 1") != NULL);
	CHECK(strstr(text, "\\/") == NULL);	/* paths stay readable */
	free(text);
	plan_free(p);

	/* The smallest plan the parser takes, written back. */
	text = xstrdup("{\"version\":1,\"source\":{\"spec\":\"ova:/a.ova\"},"
	    "\"destination\":{\"type\":\"local\",\"directory\":\"/o\"},"
	    "\"vms\":[]}");
	p = planjson_parse(text, strlen(text), &cause);
	CHECK(p != NULL && cause == NULL);
	if (p != NULL)
		check_round_trip("smallest", p);
	plan_free(p);
	free(text);
}

static void
test_bandwidth_forms(void)
{
	static const struct {
		const char	*json;
		uint64_t	 bps;
		const char	*written;
	} cases[] = {
		{ "0", 0, NULL },
		{ "\"0\"", 0, NULL },
		{ "1500", 1500, "1500" },
		{ "1234", 1234, "1234" },
		{ "\"100k\"", 100000, "\"100k\"" },
		{ "\"100K\"", 100000, "\"100k\"" },
		{ "\"2500M\"", 2500000000ULL, "\"2500M\"" },
		{ "\"10G\"", 10000000000ULL, "\"10G\"" },
		{ "\"1000G\"", 1000000000000ULL, "\"1000G\"" },
	};
	static const char *refused[] = {
		"-1", "1.5", "\"\"", "\"G\"", "\"1g\"", "\"1 G\"", "\"1GG\"",
		"\"1001G\"", "\"+5\"", "true", "\"0x10\"", "1000000000001",
		"\"1\\u0000G\"",
	};
	struct plan *p;
	char *text, *out, *cause, want[64];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		xasprintf(&text, "{\"version\":1,\"source\":{\"spec\":\"ova:/a"
		    ".ova\"},\"destination\":{\"type\":\"local\",\"directory\":"
		    "\"/o\"},\"defaults\":{\"bandwidth\":%s},\"vms\":[]}",
		    cases[i].json);
		cause = NULL;
		p = planjson_parse(text, strlen(text), &cause);
		CHECK_CAUSE(cases[i].json, p != NULL ? "parsed" : cause,
		    "parsed");
		if (p != NULL) {
			CHECK(p->bandwidth == cases[i].bps);
			out = planjson_string(p);
			if (cases[i].written == NULL)
				CHECK(strstr(out, "bandwidth") == NULL);
			else {
				snprintf(want, sizeof want, "\"bandwidth\":%s",
				    cases[i].written);
				if (strstr(out, want) == NULL) {
					snprintf(want, sizeof want,
					    "\"bandwidth\": %s",
					    cases[i].written);
					CHECK_CAUSE(cases[i].json, out, want);
				}
			}
			free(out);
		}
		plan_free(p);
		free(cause);
		free(text);
	}
	for (i = 0; i < sizeof refused / sizeof *refused; i++) {
		xasprintf(&text, "{\"version\":1,\"source\":{\"spec\":\"ova:/a"
		    ".ova\"},\"destination\":{\"type\":\"local\",\"directory\":"
		    "\"/o\"},\"vms\":[{\"name\":\"x\",\"bandwidth\":%s}]}",
		    refused[i]);
		cause = NULL;
		p = planjson_parse(text, strlen(text), &cause);
		CHECK(p == NULL);
		plan_free(p);
		CHECK_CAUSE(refused[i], cause, "vms[0].bandwidth: ");
		free(cause);
		free(text);
	}
}

/* The start of a plan that is fine so far: a local destination. */
#define HEAD "{\"version\":1,\"source\":{\"spec\":\"ova:/a\"}," \
	"\"destination\":{\"type\":\"local\",\"directory\":\"/o\"}"
#define EXPORT_HEAD "{\"version\":1,\"source\":{\"spec\":\"ova:/a\"}," \
	"\"destination\":{\"type\":\"ovirt-export\",\"export\":"

static void
test_messages(void)
{
	static const struct {
		const char	*json;
		const char	*want;
	} cases[] = {
		/* A hostile key is shown without its control characters. */
		{ "{\"version\":1,\"\\u001b[2Jx\":1}",
		    "?[2Jx: unknown key: a plan takes version" },
		/* Duplicates are found below the top, under their path. */
		{ HEAD ",\"defaults\":{\"networks\":[{\"from\":\"a\","
		    "\"to\":\"b\",\"t\\u006f\":\"c\"}]}}",
		    "defaults.networks[0].to: the key is given twice" },
		{ "{\"version\":1,\"version\":1}",
		    "version: the key is given twice" },
		/* A NUL inside a string value. */
		{ "{\"version\":1,\"source\":{\"spec\":\"ova:/a\\u0000\"}}",
		    "source.spec: holds a NUL character" },
		{ "{\"version\":1,\"source\":{\"spec\":\"x\",\"provider\":"
		    "\"y\"}}",
		    "source.provider: the spec already names a provider" },
		{ "{\"version\":0}",
		    "version: 0 is not a plan version: write 1" },
		{ "{\"version\":1e3}",
		    "version: must be a whole number, not a decimal number" },
		{ "{\"version\":1,\"source\":{\"spec\":\"ova:/a\"}}",
		    "destination: missing: say where converted VMs go" },
		{ HEAD "}", "vms: missing: list the VMs to import" },
		{ "{\"version\":1}", "source: missing" },
		/* Not UTF-8: overlong '/', a UTF-16 surrogate, a cut one. */
		{ "{\"version\":1,\"\xc0\xaf\":1}",
		    "line 1, column 15: byte 0xc0 is not UTF-8" },
		{ "{\"v\":\"\xed\xa0\x80\"}", "column 7: byte 0xed" },
		{ "{\"v\":\"\xe2\x82", "column 7: byte 0xe2" },
		{ "{\"v\":\"\xf4\x90\x80\x80\"}", "column 7: byte 0xf4" },
		/* virt-v2v would mount "/mnt/e" from a server "/mnt/e". */
		{ EXPORT_HEAD "\"/mnt/e:/x\"}}",
		    "destination.export: '/mnt/e:/x' is neither" },
		{ EXPORT_HEAD "\"[fe80::1]:/e\"},\"vms\":[{\"name\":\"a\","
		    "\"nics\":[{\"mac\":\"52:54:00:00:00:01\",\"ip\":"
		    "\"1.2.3.4\",\"type\":\"bridge\"}]}]}",
		    "vms[0].nics[0].type: a type without \"to\"" },
		{ HEAD ",\"vms\":[{\"name\":\"a\",\"proxy\":\"-x\"}]}",
		    "vms[0].proxy: the name '-x' must start with a letter" },
		{ HEAD ",\"vms\":[{\"name\":\"a\",\"nics\":[{\"mac\":"
		    "\"52:54:00:00:00:01\",\"ip\":\"1.2.3.4,,129\"}]}]}",
		    "vms[0].nics[0].ip: '1.2.3.4,,129' is not" },
		{ HEAD ",\"defaults\":{\"unmapped\":{\"type\":\"bridge\"}},"
		    "\"vms\":[]}", "defaults.unmapped.to: missing" },
		{ HEAD ",\"defaults\":{\"networks\":[{\"from\":\"a\",\"to\":"
		    "\"b\",\"tpye\":\"x\"}]},\"vms\":[]}",
		    "defaults.networks[0].tpye: unknown key: did you mean "
		    "'type'?" },
	};
	struct plan *p;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		cause = NULL;
		p = planjson_parse(cases[i].json, strlen(cases[i].json),
		    &cause);
		CHECK(p == NULL);
		plan_free(p);
		CHECK_CAUSE(cases[i].json, cause, cases[i].want);
		free(cause);
	}
}

static void
test_read_files(void)
{
	struct plan *p;
	char *path, *cause = NULL, *big;
	int fd;

	path = unit_data_path("plan/full.json");
	p = planjson_read(path, &cause);
	CHECK(p != NULL && cause == NULL && p->nitems == 3);
	plan_free(p);
	free(path);

	path = unit_data_path("plan/bad-unknown-key.json");
	CHECK(planjson_read(path, &cause) == NULL);
	CHECK_CAUSE("prefixed", cause, "/bad-unknown-key.json: vms[2].netwrks");
	CHECK(cause != NULL && strncmp(cause, "plan ", 5) == 0);
	free(cause);
	cause = NULL;
	free(path);

	path = unit_data_path("plan/no-such.json");
	CHECK(planjson_read(path, &cause) == NULL);
	CHECK_CAUSE("missing", cause, "No such file or directory");
	free(cause);
	cause = NULL;
	free(path);

	path = unit_data_path("plan");
	CHECK(planjson_read(path, &cause) == NULL);
	CHECK_CAUSE("folder", cause, "is not a file");
	free(cause);
	cause = NULL;
	free(path);

	/* A huge file is refused by its size, before it is read. */
	path = unit_tmp_path("huge-plan.json");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd != -1 && ftruncate(fd, PLANJSON_MAX + 1) == 0);
	if (fd != -1)
		close(fd);
	CHECK(planjson_read(path, &cause) == NULL);
	CHECK_CAUSE("huge", cause, "is larger than 16 MiB");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	path = unit_tmp_path("plan-fifo");
	unlink(path);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(planjson_read(path, &cause) == NULL);	/* does not block */
	CHECK_CAUSE("fifo", cause, "is not a file");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* The same limit on bytes in memory. */
	big = xmalloc(PLANJSON_MAX + 1);
	memset(big, ' ', PLANJSON_MAX + 1);
	CHECK(planjson_parse(big, PLANJSON_MAX + 1, &cause) == NULL);
	CHECK_CAUSE("huge bytes", cause, "larger than 16 MiB");
	free(cause);
	free(big);
}

/* The examples of docs/virt-import-plan.5 are plans the parser takes. */
static void
test_man_examples(void)
{
	const char *top = getenv("VI_TOP");
	struct plan *p;
	char *path, *text, *line, *save = NULL, *cause, *example = NULL, *tmp;
	size_t len, examples = 0;
	FILE *f;
	long n;

	xasprintf(&path, "%s/docs/virt-import-plan.5", top != NULL ? top : ".");
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0) {
		unit_fail(__FILE__, __LINE__, path);
		if (f != NULL)
			fclose(f);
		free(path);
		return;
	}
	rewind(f);
	text = xmalloc((size_t)n + 1);
	len = fread(text, 1, (size_t)n, f);
	text[len] = '\0';
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, ".Bd -literal -offset indent") == 0) {
			example = xstrdup("");
			continue;
		}
		if (example == NULL)
			continue;
		if (strcmp(line, ".Ed") != 0) {
			xasprintf(&tmp, "%s%s\n", example, line);
			free(example);
			example = tmp;
			continue;
		}
		examples++;
		cause = NULL;
		p = planjson_parse(example, strlen(example), &cause);
		CHECK_CAUSE(example, p != NULL ? "parsed" : cause, "parsed");
		if (p != NULL)
			check_round_trip("man example", p);
		plan_free(p);
		free(cause);
		free(example);
		example = NULL;
	}
	CHECK(examples == 4);	/* one per destination */
	free(example);
	free(text);
	free(path);
}

int
main(void)
{
	RUN(test_valid_plans);
	RUN(test_plan_fields);
	RUN(test_bad_plans);
	RUN(test_every_file_listed);
	RUN(test_round_trip_built);
	RUN(test_bandwidth_forms);
	RUN(test_messages);
	RUN(test_read_files);
	RUN(test_man_examples);
	return unit_done();
}
