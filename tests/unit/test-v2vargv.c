/*
 * Unit tests: the virt-v2v command of a plan item (v2vargv.c).  The VMs are
 * the ones the readers make of the recorded sources in tests/unit/data
 * (domain XML from libvirt's ESX and QEMU drivers, a VMware OVA and VMX, a
 * folder of them), so NIC kinds, MACs and file origins are what a real
 * source gives.  Each case compares the whole argv, word for word.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"

#define VPX "vpx://svc%40vsphere.local@vcenter.example.com/DC0/DC0_C0/" \
	"DC0_C0_H0?no_verify=1"

/* Compare argv with the words after name, which end with NULL. */
static void
check_argv(const char *name, char **argv, ...)
{
	const char *want;
	char msg[1024];
	va_list ap;
	size_t i = 0;

	if (argv == NULL) {
		snprintf(msg, sizeof msg, "%s: no argv", name);
		unit_fail(__FILE__, __LINE__, msg);
		return;
	}
	va_start(ap, argv);
	for (;;) {
		want = va_arg(ap, const char *);
		if (!str_eq(argv[i], want)) {
			snprintf(msg, sizeof msg, "%s: word %zu is \"%s\", not "
			    "\"%s\"", name, i, argv[i] != NULL ? argv[i] :
			    "(end)", want != NULL ? want : "(end)");
			unit_fail(__FILE__, __LINE__, msg);
			break;
		}
		if (want == NULL)
			break;
		i++;
	}
	va_end(ap);
	if (unit_case_failed) {
		for (i = 0; argv[i] != NULL; i++)
			fprintf(stderr, "    [%zu] %s\n", i, argv[i]);
	}
}

static struct vm *
vm_from_xml(const char *file)
{
	struct vm *vm;
	char *text;
	size_t len;

	text = unit_fixture("domxml", file, &len);
	vm = domxml_parse(text, len, NULL);
	free(text);
	CHECK(vm != NULL);
	return vm;
}

/* The one VM of a file source. */
static struct vm *
vm_from(struct inventory *inv)
{
	struct vm *vm = NULL;

	CHECK(inv != NULL && inv->nvms == 1);
	if (inv != NULL && inv->nvms == 1) {
		vm = inv->vms[0];
		inv->nvms = 0;
	}
	inventory_free(inv);
	return vm;
}

static struct plan *
plan_with(const char *spec, enum output_kind kind, const char *storage)
{
	struct plan *p = plan_new();

	p->source = source_parse(spec, NULL);
	CHECK(p->source != NULL);
	p->dest.kind = kind;
	p->dest.storage = storage != NULL ? xstrdup(storage) : NULL;
	return p;
}

/* argv must be refused with a cause holding want. */
static void
check_refused(const char *name, const struct plan *p,
    const struct plan_item *it, const struct vm *vm,
    const struct v2v_where *where, const char *want)
{
	char **argv, *cause = NULL;

	argv = v2v_argv(p, it, vm, where, &cause);
	CHECK(argv == NULL);
	v2v_argv_free(argv);
	CHECK_CAUSE(name, cause, want);
	CHECK(cause == NULL || strchr(cause, '\n') == NULL);
	free(cause);
	argv = v2v_argv(p, it, vm, where, NULL);
	CHECK(argv == NULL);
	v2v_argv_free(argv);
}

/* vCenter through libvirt's ESX driver: its NICs are bridges. */
static void
test_vcenter_local(void)
{
	struct plan *p = plan_with(VPX, OUTPUT_LOCAL, "/var/tmp/converted");
	struct vm *vm = vm_from_xml("test-web01.xml");
	struct v2v_where where = { .source_password =
	    "/var/tmp/virt-import/20261124T101500Z-a1b2c3d4e5f6/secrets/"
	    "source-password" };
	struct plan_item *it;
	char **argv;

	p->source->password_file = xstrdup("/root/.config/virt-import/vc.pw");
	plan_map(&p->netmaps, &p->nnetmaps, "VM Network", "default",
	    NIC_NETWORK);
	it = plan_add(p, "web01", NULL);
	argv = v2v_argv(p, it, vm, &where, NULL);
	/* A bridge to a network is no --bridge nor --network: by MAC. */
	check_argv("vcenter", argv, "virt-v2v", "-i", "libvirt", "-ic", VPX,
	    "-ip", where.source_password, "-o", "local", "-os",
	    "/var/tmp/converted", "-of", "raw", "-oa", "sparse", "--mac",
	    "00:50:56:8a:10:01:network:default", "--machine-readable", "--",
	    "web01", NULL);
	v2v_argv_free(argv);

	/* To a bridge it is --bridge, named as the source names it. */
	plan_map(&p->netmaps, &p->nnetmaps, "VM Network", "br0", NIC_BRIDGE);
	it->format = DISK_FORMAT_QCOW2;
	it->alloc = DISK_ALLOC_PREALLOCATED;
	argv = v2v_argv(p, it, vm, &where, NULL);
	check_argv("vcenter bridge", argv, "virt-v2v", "-i", "libvirt", "-ic",
	    VPX, "-ip", where.source_password, "-o", "local", "-os",
	    "/var/tmp/converted", "-of", "qcow2", "-oa", "preallocated",
	    "--bridge", "VM Network:br0", "--machine-readable", "--", "web01",
	    NULL);
	v2v_argv_free(argv);

	/* The password file stays here unless the job copied it. */
	check_refused("no -ip", p, it, vm, NULL, "the source's password file "
	    "has no copy on the proxy");
	vm_free(vm);
	plan_free(p);
}

/* KVM over SSH to libvirt, every common option on. */
static void
test_kvm_libvirt_options(void)
{
	struct plan *p = plan_with("qemu+ssh://root@kvm01.example.com/system",
	    OUTPUT_LIBVIRT, "default");
	struct vm *vm = vm_from_xml("qemu-lab-src1.xml");
	const char *env[] = { "LIBGUESTFS_BACKEND=direct",
	    "LIBGUESTFS_BACKEND_SETTINGS=force_tcg", "VIRT_V2V_TMPDIR=/var/tmp",
	    NULL };
	struct v2v_where where = { .env = env };
	struct plan_item *it;
	char **argv;

	p->dest.uri = xstrdup("qemu:///system");
	p->bandwidth = 100000000;
	p->debug = 1;
	plan_map(&p->netmaps, &p->nnetmaps, "lab-net", "default", NIC_NETWORK);
	it = plan_add(p, "lab-src1", NULL);
	free(it->target);
	it->target = xstrdup("lab-src1-kvm");
	argv = v2v_argv(p, it, vm, &where, NULL);
	check_argv("kvm", argv, "env", "LIBGUESTFS_BACKEND=direct",
	    "LIBGUESTFS_BACKEND_SETTINGS=force_tcg", "VIRT_V2V_TMPDIR=/var/tmp",
	    "virt-v2v", "-i", "libvirt", "-ic",
	    "qemu+ssh://root@kvm01.example.com/system", "-o", "libvirt", "-oc",
	    "qemu:///system", "-os", "default", "-of", "raw", "-oa", "sparse",
	    "-on", "lab-src1-kvm", "--network", "lab-net:default",
	    "--bandwidth", "100000000", "-v", "-x", "--machine-readable", "--",
	    "lab-src1", NULL);
	v2v_argv_free(argv);

	/* The item's bandwidth wins; no -oc when the plan names no URI. */
	it->bandwidth = 5000;
	p->debug = 0;
	free(p->dest.uri);
	p->dest.uri = NULL;
	free(it->target);
	it->target = xstrdup("lab-src1");
	argv = v2v_argv(p, it, vm, NULL, NULL);
	check_argv("kvm item bandwidth", argv, "virt-v2v", "-i", "libvirt",
	    "-ic", "qemu+ssh://root@kvm01.example.com/system", "-o", "libvirt",
	    "-os", "default", "-of", "raw", "-oa", "sparse", "--network",
	    "lab-net:default", "--bandwidth", "5000", "--machine-readable",
	    "--", "lab-src1", NULL);
	v2v_argv_free(argv);

	/* An empty env list is no env(1) at all. */
	env[0] = NULL;
	argv = v2v_argv(p, it, vm, &where, NULL);
	CHECK(argv != NULL && strcmp(argv[0], "virt-v2v") == 0);
	v2v_argv_free(argv);
	vm_free(vm);
	plan_free(p);
}

/* An OVA the job uploaded, to oVirt by its API. */
static void
test_ova_ovirt_upload(void)
{
	char *path = unit_data_path("ova/web01.ova");
	struct plan *p = plan_with("ova:/srv/ova/web01.ova",
	    OUTPUT_OVIRT_UPLOAD, "data-fc01");
	struct vm *vm = vm_from(ova_read(path, 0, NULL));
	struct v2v_where where = {
		.input = "/var/tmp/virt-import/uploads/web01.ova",
		.dest_password = "/var/tmp/virt-import/J1/secrets/engine-pw",
		.dest_ca = "/var/tmp/virt-import/J1/secrets/engine-ca.pem",
	};
	struct plan_item *it;
	char **argv;

	free(path);
	p->dest.uri = xstrdup("https://engine.example.com/ovirt-engine/api");
	p->dest.cluster = xstrdup("Production");
	p->default_network = xstrdup("ovirtmgmt");
	p->default_kind = NIC_BRIDGE;
	it = plan_add(p, "web01", NULL);
	argv = v2v_argv(p, it, vm, &where, NULL);
	/* The OVA's name is virt-v2v's guess: -on always. */
	check_argv("ova upload", argv, "virt-v2v", "-i", "ova", "-o",
	    "rhv-upload", "-oc", "https://engine.example.com/ovirt-engine/api",
	    "-op", where.dest_password,
	    "-oo", "rhv-cafile=/var/tmp/virt-import/J1/secrets/engine-ca.pem",
	    "-oo", "rhv-verifypeer=true", "-oo", "rhv-cluster=Production",
	    "-os", "data-fc01", "-of", "raw", "-oa", "sparse", "-on", "web01",
	    "--bridge", ":ovirtmgmt", "--machine-readable", "--", where.input,
	    NULL);
	v2v_argv_free(argv);

	/* Without an upload, the plan's path; no cluster: oVirt's Default. */
	free(p->dest.cluster);
	p->dest.cluster = NULL;
	where.input = NULL;
	argv = v2v_argv(p, it, vm, &where, NULL);
	check_argv("ova path", argv, "virt-v2v", "-i", "ova", "-o",
	    "rhv-upload", "-oc", "https://engine.example.com/ovirt-engine/api",
	    "-op", where.dest_password,
	    "-oo", "rhv-cafile=/var/tmp/virt-import/J1/secrets/engine-ca.pem",
	    "-oo", "rhv-verifypeer=true", "-os", "data-fc01", "-of", "raw",
	    "-oa", "sparse", "-on", "web01", "--bridge", ":ovirtmgmt",
	    "--machine-readable", "--", "/srv/ova/web01.ova", NULL);
	v2v_argv_free(argv);

	/* What virt-v2v documents rhv-upload cannot do. */
	it->format = DISK_FORMAT_QCOW2;
	check_refused("upload qcow2", p, it, vm, &where, "oVirt upload takes "
	    "raw disks only");
	it->format = DISK_FORMAT_RAW;
	it->alloc = DISK_ALLOC_PREALLOCATED;
	check_refused("upload preallocated", p, it, vm, &where, "oVirt upload "
	    "creates sparse disks only");
	it->alloc = DISK_ALLOC_SPARSE;
	where.dest_password = NULL;
	check_refused("upload no -op", p, it, vm, &where, "the oVirt password "
	    "file has no copy on the proxy");
	where.dest_password = "/pw";
	where.dest_ca = NULL;
	check_refused("upload no CA", p, it, vm, &where, "without it virt-v2v "
	    "would send the password to an engine it did not check");
	where.dest_ca = "/ca";
	free(p->dest.uri);
	p->dest.uri = NULL;
	check_refused("upload no engine", p, it, vm, &where,
	    "the plan names no oVirt engine");
	vm_free(vm);
	plan_free(p);
}

/* A libvirt XML to an oVirt export domain; -on only when renamed. */
static void
test_xml_ovirt_export(void)
{
	char *path = unit_data_path("domxml/qemu-lab-src1.xml"), *spec;
	struct plan *p;
	struct vm *vm = vm_from(xmlfile_read(path, NULL));
	struct plan_item *it;
	char **argv;

	xasprintf(&spec, "xml:%s", path);
	p = plan_with(spec, OUTPUT_OVIRT_EXPORT,
	    "nfs01.example.com:/exports/ovirt-export");
	free(spec);
	it = plan_add(p, "lab-src1", NULL);
	argv = v2v_argv(p, it, vm, NULL, NULL);
	/* Unmapped and no default: virt-v2v keeps the name (pre-flight). */
	check_argv("xml export", argv, "virt-v2v", "-i", "libvirtxml", "-o",
	    "rhv", "-os", "nfs01.example.com:/exports/ovirt-export", "-of",
	    "raw", "-oa", "sparse", "--machine-readable", "--", path, NULL);
	v2v_argv_free(argv);
	free(path);
	vm_free(vm);
	plan_free(p);
}

static void
test_vmx(void)
{
	char *path = unit_data_path("vmx/web01/web01.vmx"), *spec;
	struct vm *vm = vm_from(vmx_read(path, NULL));
	struct plan *p;
	struct plan_item *it;
	char **argv;

	xasprintf(&spec, "vmx:%s", path);
	p = plan_with(spec, OUTPUT_LOCAL, "/var/tmp/out");
	free(spec);
	plan_map(&p->netmaps, &p->nnetmaps, "VM Network", "default",
	    NIC_NETWORK);
	it = plan_add(p, "web01", NULL);
	argv = v2v_argv(p, it, vm, NULL, NULL);
	check_argv("vmx", argv, "virt-v2v", "-i", "vmx", "-o", "local", "-os",
	    "/var/tmp/out", "-of", "raw", "-oa", "sparse", "-on", "web01",
	    "--mac", "00:0c:29:2f:3a:01:network:default", "--machine-readable",
	    "--", path, NULL);
	v2v_argv_free(argv);
	free(path);
	vm_free(vm);
	plan_free(p);
}

/* A folder of sources: each VM's own file says which input reads it. */
static void
test_dir_origins(void)
{
	static const struct {
		const char	*origin;
		const char	*input;
		const char	*arg;		/* under the folder */
	} want[] = {
		{ "web01.ova", "ova", "/web01.ova" },
		{ "db01.xml", "libvirtxml", "/db01.xml" },
		{ "ubuntu.ova", "ova", "/ubuntu.ova" },
		{ "vmware/web01.vmx", "vmx", "/vmware/web01.vmx" },
		{ "ovf-export/web01.ovf", "ova", "/ovf-export" },
	};
	char *path = unit_data_path("dir"), *spec, *arg;
	struct inventory *inv = dir_read(path, NULL);
	struct plan *p;
	struct plan_item it;
	struct v2v_where where = { 0 };
	char **argv;
	size_t i, j, seen = 0;

	CHECK(inv != NULL);
	xasprintf(&spec, "dir:%s", path);
	p = plan_with(spec, OUTPUT_LOCAL, "/var/tmp/out");
	free(spec);
	memset(&it, 0, sizeof it);
	it.format = DISK_FORMAT_RAW;
	for (i = 0; inv != NULL && i < inv->nvms; i++) {
		for (j = 0; j < sizeof want / sizeof *want; j++) {
			if (str_eq(inv->vms[i]->origin, want[j].origin))
				break;
		}
		if (j == sizeof want / sizeof *want)
			continue;	/* broken.ova: pre-flight's */
		seen++;
		it.vm = inv->vms[i]->name;
		it.target = inv->vms[i]->name;
		argv = v2v_argv(p, &it, inv->vms[i], NULL, NULL);
		xasprintf(&arg, "%s%s", path, want[j].arg);
		CHECK(argv != NULL && str_eq(argv[1], "-i") &&
		    str_eq(argv[2], want[j].input));
		for (j = 0; argv != NULL && argv[j] != NULL; j++)
			;
		CHECK(j >= 2 && str_eq(argv[j - 2], "--"));
		CHECK_CAUSE(inv->vms[i]->origin, j >= 1 ? argv[j - 1] : NULL,
		    arg);
		CHECK(j >= 1 && strcmp(argv[j - 1], arg) == 0);
		free(arg);
		v2v_argv_free(argv);
	}
	CHECK(seen == sizeof want / sizeof *want);

	/* An uploaded copy is named by its path on the proxy. */
	for (i = 0; inv != NULL && i < inv->nvms; i++) {
		if (str_eq(inv->vms[i]->origin, "ovf-export/web01.ovf"))
			break;
	}
	if (inv != NULL && i < inv->nvms) {
		where.input = "/var/tmp/virt-import/uploads/x/web01.ovf";
		it.vm = it.target = inv->vms[i]->name;
		argv = v2v_argv(p, &it, inv->vms[i], &where, NULL);
		check_argv("ovf upload", argv, "virt-v2v", "-i", "ova", "-o",
		    "local", "-os", "/var/tmp/out", "-of", "raw", "-oa",
		    "sparse", "-on", "web01", "--machine-readable", "--",
		    "/var/tmp/virt-import/uploads/x", NULL);
		v2v_argv_free(argv);
	}
	inventory_free(inv);
	free(path);
	plan_free(p);
}

/* Words built from hostile names stay whole and are never options. */
static void
test_hostile_names(void)
{
	static const char *evil = "-rf $(reboot) `id` 'q' \"d\"\nnext ü";
	struct plan *p = plan_with("qemu:///system", OUTPUT_LOCAL,
	    "/var/tmp/o u t");
	struct vm *vm = vm_new(evil);
	struct plan_item *it;
	struct nic *n;
	char **argv;

	n = vm_add_nic(vm);
	strcpy(n->mac, "52:54:00:00:00:01");
	n->kind = NIC_NETWORK;
	n->network = xstrdup("net 'one' $(x)");
	n = vm_add_nic(vm);
	strcpy(n->mac, "52:54:00:00:00:02");
	n->kind = NIC_NETWORK;
	n->network = xstrdup("vlan:20");	/* ':' cannot go by name */
	n = vm_add_nic(vm);
	strcpy(n->mac, "52:54:00:00:00:03");
	n->kind = NIC_BRIDGE;
	n->network = xstrdup("-br0");
	plan_map(&p->netmaps, &p->nnetmaps, "net 'one' $(x)", "a:b",
	    NIC_NETWORK);
	plan_map(&p->netmaps, &p->nnetmaps, "vlan:20", "v20", NIC_NETWORK);
	plan_map(&p->netmaps, &p->nnetmaps, "-br0", "--help", NIC_BRIDGE);
	it = plan_add(p, evil, NULL);
	free(it->target);
	it->target = xstrdup("--help");	/* an option's argument: safe */
	argv = v2v_argv(p, it, vm, NULL, NULL);
	check_argv("hostile", argv, "virt-v2v", "-i", "libvirt", "-ic",
	    "qemu:///system", "-o", "local", "-os", "/var/tmp/o u t", "-of",
	    "raw", "-oa", "sparse", "-on", "--help", "--network",
	    "net 'one' $(x):a:b", "--mac", "52:54:00:00:00:02:network:v20",
	    "--bridge", "-br0:--help", "--machine-readable", "--", evil, NULL);
	v2v_argv_free(argv);

	/* Without its MAC the ':' NIC cannot be mapped at all. */
	vm->nics[1].mac[0] = '\0';
	check_refused("colon no mac", p, it, vm, NULL, "NIC 2 (network "
	    "'vlan:20') must go to network 'v20', which virt-v2v can only do "
	    "by the NIC's MAC, and it has none");
	strcpy(vm->nics[1].mac, "52:54:00:00:00:02");

	/* A line break would end --mac's pattern early. */
	plan_map(&p->netmaps, &p->nnetmaps, "vlan:20", "v20\nx", NIC_NETWORK);
	check_refused("mac newline", p, it, vm, NULL, "whose name holds a line "
	    "break, which virt-v2v's --mac cannot take");
	plan_map(&p->netmaps, &p->nnetmaps, "vlan:20", "v20", NIC_NETWORK);

	/* But a line break by name is one word, and fine. */
	plan_map(&p->netmaps, &p->nnetmaps, "net 'one' $(x)", "l1\nl2",
	    NIC_NETWORK);
	argv = v2v_argv(p, it, vm, NULL, NULL);
	CHECK(argv != NULL && argv[16] != NULL &&
	    strcmp(argv[16], "net 'one' $(x):l1\nl2") == 0);
	v2v_argv_free(argv);

	free(it->target);
	it->target = xstrdup("../escape");
	check_refused("target slash", p, it, vm, NULL, "'../escape' cannot be "
	    "its name at the destination");
	free(it->target);
	it->target = xstrdup("");
	check_refused("target empty", p, it, vm, NULL, "cannot be its name");
	vm_free(vm);
	plan_free(p);
}

/* Each mapping once; the item's MACs first and exempt from the rest. */
static void
test_network_mappings(void)
{
	struct plan *p = plan_with("qemu+ssh://root@kvm01/system",
	    OUTPUT_LOCAL, "/o");
	struct vm *vm = vm_new("app01");
	struct plan_item *it;
	struct nic *n;
	char **argv;
	size_t i;

	for (i = 0; i < 5; i++) {
		n = vm_add_nic(vm);
		snprintf(n->mac, sizeof n->mac, "52:54:00:00:00:1%zu", i);
		n->kind = i < 3 ? NIC_NETWORK : NIC_BRIDGE;
		n->network = xstrdup(i < 2 ? "prod" : i == 2 ? "backup" :
		    "br-old");
	}
	plan_map(&p->netmaps, &p->nnetmaps, "prod", "prod-kvm", NIC_NETWORK);
	p->default_network = xstrdup("quarantine:1");
	p->default_kind = NIC_NETWORK;
	it = plan_add(p, "app01", NULL);
	argv = v2v_argv(p, it, vm, NULL, NULL);
	/* backup: default by name; br-old (bridge): by MAC, each once. */
	check_argv("mappings", argv, "virt-v2v", "-i", "libvirt", "-ic",
	    "qemu+ssh://root@kvm01/system", "-o", "local", "-os", "/o", "-of",
	    "raw", "-oa", "sparse", "--network", "prod:prod-kvm", "--network",
	    ":quarantine:1", "--mac", "52:54:00:00:00:13:network:quarantine:1",
	    "--mac", "52:54:00:00:00:14:network:quarantine:1",
	    "--machine-readable", "--", "app01", NULL);
	v2v_argv_free(argv);

	/* The item's mapping and its per-MAC choices win. */
	plan_map(&it->netmaps, &it->nnetmaps, "prod", "br-prod", NIC_BRIDGE);
	it->nics = xcalloc(2, sizeof *it->nics);
	it->nnics = 2;
	strcpy(it->nics[0].mac, "52:54:00:00:00:10");
	it->nics[0].to = xstrdup("mgmt");
	it->nics[0].to_kind = NIC_NETWORK;
	it->nics[0].ip = xstrdup("10.0.0.10,10.0.0.1,24,10.0.0.2");
	strcpy(it->nics[1].mac, "52:54:00:00:00:13");
	it->nics[1].ip = xstrdup("10.0.0.13");	/* still mapped by name */
	p->default_kind = NIC_BRIDGE;
	free(p->default_network);
	p->default_network = xstrdup("br-q");
	argv = v2v_argv(p, it, vm, NULL, NULL);
	check_argv("item wins", argv, "virt-v2v", "-i", "libvirt", "-ic",
	    "qemu+ssh://root@kvm01/system", "-o", "local", "-os", "/o", "-of",
	    "raw", "-oa", "sparse", "--mac", "52:54:00:00:00:10:network:mgmt",
	    "--mac", "52:54:00:00:00:10:ip:10.0.0.10,10.0.0.1,24,10.0.0.2",
	    "--mac", "52:54:00:00:00:13:ip:10.0.0.13",
	    "--mac", "52:54:00:00:00:11:bridge:br-prod",
	    "--mac", "52:54:00:00:00:12:bridge:br-q",
	    "--bridge", ":br-q", "--machine-readable", "--", "app01", NULL);
	v2v_argv_free(argv);

	/* Two entries for one MAC, and a static address with a newline. */
	strcpy(it->nics[1].mac, "52:54:00:00:00:10");
	check_refused("mac twice", p, it, vm, NULL, "MAC 52:54:00:00:00:10 has "
	    "two entries");
	strcpy(it->nics[1].mac, "52:54:00:00:00:13");
	free(it->nics[1].ip);
	it->nics[1].ip = xstrdup("10.0.0.13\n");
	check_refused("ip newline", p, it, vm, NULL, "holds a line break");
	free(it->nics[1].ip);
	it->nics[1].ip = xstrdup("10.0.0.13");

	/* Two NICs with one MAC that would go to two places. */
	strcpy(vm->nics[2].mac, "52:54:00:00:00:11");
	check_refused("shared mac", p, it, vm, NULL, "two NICs share MAC "
	    "52:54:00:00:00:11 but would go to 'bridge:br-prod' and "
	    "'bridge:br-q'");

	/* No MAC, kinds differ: nothing virt-v2v could be told. */
	strcpy(vm->nics[2].mac, "");
	free(vm->nics[2].network);
	vm->nics[2].network = NULL;	/* unnamed: the default applies */
	check_refused("no mac", p, it, vm, NULL, "NIC 3 (network '') must go "
	    "to bridge 'br-q'");
	vm_free(vm);
	plan_free(p);
}

/* One VM's disks all go where -os says. */
static void
test_disk_storage(void)
{
	struct plan *p = plan_with(VPX, OUTPUT_LIBVIRT, "default");
	struct vm *vm = vm_from_xml("test-web01.xml");	/* 2 disks */
	struct v2v_where where = { .source_password = "/pw" };
	struct plan_item *it;
	char **argv;

	it = plan_add(p, "web01", NULL);
	it->storage = xstrdup("fast");
	it->ndisk_storage = 3;
	it->disk_storage = xcalloc(3, sizeof *it->disk_storage);
	it->disk_storage[0] = xstrdup("fast");
	it->disk_storage[2] = xstrdup("slow");	/* no third disk */
	argv = v2v_argv(p, it, vm, &where, NULL);
	check_argv("storage", argv, "virt-v2v", "-i", "libvirt", "-ic", VPX,
	    "-ip", "/pw", "-o", "libvirt", "-os", "fast", "-of", "raw", "-oa",
	    "sparse", "--machine-readable", "--", "web01", NULL);
	v2v_argv_free(argv);

	it->disk_storage[1] = xstrdup("slow");
	check_refused("split disks", p, it, vm, &where, "disk 1 goes to 'fast' "
	    "and disk 2 to 'slow': virt-v2v writes all disks of a VM to one "
	    "place");
	vm_free(vm);
	plan_free(p);
}

static void
test_refusals(void)
{
	struct plan *p = plan_with("test:///default", OUTPUT_LOCAL, "/o");
	struct vm *vm = vm_from_xml("test-web01.xml");
	const char *env[] = { "LIBGUESTFS_BACKEND=direct", NULL, NULL };
	struct v2v_where where = { .env = env };
	struct plan_item *it;

	it = plan_add(p, "web01", NULL);
	check_refused("test driver", p, it, vm, NULL, "test:///default is "
	    "libvirt's test driver");

	source_free(p->source);
	p->source = source_parse("demo", NULL);
	check_refused("provider", p, it, vm, NULL, "is a provider's name not "
	    "looked up yet");

	source_free(p->source);
	p->source = NULL;
	check_refused("no source", p, it, vm, NULL, "the plan has no source");
	p->source = source_parse("qemu:///system", NULL);
	check_refused("no vm", p, it, NULL, NULL, "VM 'web01' was not read "
	    "from the source");

	free(p->dest.storage);
	p->dest.storage = NULL;
	check_refused("no folder", p, it, vm, NULL, "the plan names no output "
	    "folder");
	p->dest.kind = OUTPUT_LIBVIRT;
	check_refused("no pool", p, it, vm, NULL, "names no storage pool");
	p->dest.storage = xstrdup("default");
	it->format = DISK_FORMAT_VMDK;
	check_refused("vmdk", p, it, vm, NULL, "virt-v2v writes raw or qcow2 "
	    "disks, not vmdk");
	it->format = DISK_FORMAT_RAW;

	env[1] = "1BAD=x";
	check_refused("env digit", p, it, vm, &where, "environment word "
	    "'1BAD=x' is not NAME=VALUE");
	env[1] = "A-B=x";
	check_refused("env dash", p, it, vm, &where, "'A-B=x'");
	env[1] = "NOVALUE";
	check_refused("env no =", p, it, vm, &where, "'NOVALUE'");
	env[1] = "=x";
	check_refused("env empty name", p, it, vm, &where, "'=x'");
	env[1] = "-i=x";
	check_refused("env option", p, it, vm, &where, "'-i=x'");

	/* dir: sources need the VM's file, and one virt-v2v reads. */
	source_free(p->source);
	p->source = source_parse("dir:/srv/exports", NULL);
	check_refused("dir no origin", p, it, vm, NULL,
	    "VM 'web01' has no file in folder /srv/exports");
	vm->origin = xstrdup("notes.txt");
	check_refused("dir txt", p, it, vm, NULL, "comes from notes.txt, which "
	    "is not an .ova, .ovf, .vmx or libvirt .xml file");
	vm_free(vm);
	plan_free(p);
}

/* An oVirt export domain: only a file made from the VM is converted. */
static void
test_export_domain(void)
{
	char *path = unit_data_path("export"), *spec, **argv;
	struct inventory *inv = export_read(path, NULL);
	struct v2v_where where = { 0 };
	struct plan *p;
	struct plan_item *it;
	struct vm *vm;

	CHECK(inv != NULL && inv->nvms > 0);
	if (inv == NULL || inv->nvms == 0) {
		inventory_free(inv);
		free(path);
		return;
	}
	vm = inv->vms[0];
	xasprintf(&spec, "export:%s", path);
	p = plan_with(spec, OUTPUT_LOCAL, "/o");
	free(spec);
	it = plan_add(p, vm->name, NULL);
	check_refused("export", p, it, vm, NULL, "is in an oVirt export "
	    "domain, which virt-v2v cannot read");
	where.input = "/x/master/vms/a/a.ovf";	/* oVirt's own OVF */
	check_refused("export ovf", p, it, vm, &where, "export it from oVirt "
	    "as an OVA");
	where.input = "/var/tmp/virt-import/uploads/web01.ova";
	argv = v2v_argv(p, it, vm, &where, NULL);
	check_argv("export as ova", argv, "virt-v2v", "-i", "ova", "-o",
	    "local", "-os", "/o", "-of", "raw", "-oa", "sparse", "-on",
	    vm->name, "--machine-readable", "--", where.input, NULL);
	v2v_argv_free(argv);
	inventory_free(inv);
	free(path);
	plan_free(p);
}

int
main(void)
{
	RUN(test_vcenter_local);
	RUN(test_kvm_libvirt_options);
	RUN(test_ova_ovirt_upload);
	RUN(test_xml_ovirt_export);
	RUN(test_vmx);
	RUN(test_dir_origins);
	RUN(test_hostile_names);
	RUN(test_network_mappings);
	RUN(test_disk_storage);
	RUN(test_refusals);
	RUN(test_export_domain);
	return unit_done();
}
