/* Unit tests: vm.c, inventory.c, source.c, proxy.c. */
#include <stdlib.h>

#include "unit.h"

static struct vm *
vm_with_mac(const char *name, const char *mac)
{
	struct vm *vm = vm_new(name);
	struct nic *nic = vm_add_nic(vm);

	CHECK(mac_normalize(mac, nic->mac) == 0);
	nic->network = xstrdup("VM Network");
	return vm;
}

static void
test_vm_disks_and_problems(void)
{
	struct vm *vm = vm_new("web01");
	struct disk *d;

	d = vm_add_disk(vm);
	d->capacity = 10ULL << 30;
	d->path = xstrdup("[datastore1] web01/web01.vmdk");
	d = vm_add_disk(vm);
	d->capacity = 5ULL << 30;
	CHECK(vm->ndisks == 2);
	CHECK(vm_capacity(vm) == 15ULL << 30);
	CHECK(!vm_has_problem(vm, PROBLEM_RUNNING));
	vm_add_problem(vm, PROBLEM_RUNNING, "'%s' is running", vm->name);
	CHECK(vm_has_problem(vm, PROBLEM_RUNNING));
	CHECK_STR(vm->problems[0].text, "'web01' is running");
	CHECK_STR(vm_power_name(VM_POWER_OFF), "shut off");
	CHECK_STR(vm_firmware_name(VM_FIRMWARE_UEFI), "uefi");
	vm_free(vm);
	vm_free(NULL);
}

static void
test_disk_format_names(void)
{
	CHECK(disk_format_parse("QCOW2") == DISK_FORMAT_QCOW2);
	CHECK(disk_format_parse("vmdk") == DISK_FORMAT_VMDK);
	CHECK(disk_format_parse("vpc") == DISK_FORMAT_VHD);
	CHECK(disk_format_parse("floppy") == DISK_FORMAT_UNKNOWN);
	CHECK(disk_format_parse(NULL) == DISK_FORMAT_UNKNOWN);
	CHECK_STR(disk_format_name(DISK_FORMAT_RAW), "raw");
	CHECK_STR(disk_format_name((enum disk_format)99), "unknown");
}

static void
test_inventory_duplicate_macs(void)
{
	struct inventory *inv = inventory_new();
	struct vm *a, *b, *c;

	/* vcsim gives every VM 00:0c:29:33:34:38: the real-world case. */
	a = inventory_add(inv, vm_with_mac("a", "00:0c:29:33:34:38"));
	b = inventory_add(inv, vm_with_mac("b", "00:0C:29:33:34:38"));
	c = inventory_add(inv, vm_with_mac("c", "52:54:00:00:00:01"));
	CHECK(inventory_find(inv, "b") == b);
	CHECK(inventory_find(inv, "nope") == NULL);
	CHECK(inventory_check_macs(inv) == 2);
	CHECK(vm_has_problem(a, PROBLEM_DUPLICATE_MAC));
	CHECK(vm_has_problem(b, PROBLEM_DUPLICATE_MAC));
	CHECK(!vm_has_problem(c, PROBLEM_DUPLICATE_MAC));
	CHECK(strstr(a->problems[0].text, "'b'") != NULL);
	CHECK(strstr(b->problems[0].text, "'a'") != NULL);
	/* Checking again adds nothing twice. */
	inventory_check_macs(inv);
	CHECK(a->nproblems == 1);
	inventory_free(inv);
}

static void
test_inventory_duplicate_names(void)
{
	struct inventory *inv = inventory_new();
	struct vm *a, *b, *c;

	a = inventory_add(inv, vm_new("web01"));
	a->origin = xstrdup("web01.ova");
	b = inventory_add(inv, vm_new("web01"));
	b->origin = xstrdup("vmware/web01.vmx");
	c = inventory_add(inv, vm_new("web02"));
	CHECK(inventory_check_names(inv) == 2);
	CHECK(vm_has_problem(a, PROBLEM_DUPLICATE_NAME));
	CHECK(vm_has_problem(b, PROBLEM_DUPLICATE_NAME));
	CHECK(!vm_has_problem(c, PROBLEM_DUPLICATE_NAME));
	/* Each names the other's file, so the user knows which to rename. */
	CHECK(strstr(a->problems[0].text, "vmware/web01.vmx") != NULL ||
	    strstr(a->problems[0].text, "web01.ova") != NULL);
	CHECK(strcmp(a->problems[0].text, b->problems[0].text) != 0);
	CHECK(inventory_check_names(inv) == 0);	/* flagged once */
	inventory_free(inv);
}

static void
test_source_parse_kinds(void)
{
	static const struct {
		const char	*spec;
		enum source_kind kind;
		const char	*location;
		int		 vmware;
	} ok[] = {
		{ "vpx://admin%40vsphere.local@vc.example.com/DC/Cluster/esx1"
		    "?no_verify=1", SOURCE_LIBVIRT, NULL, 1 },
		{ "esx://root@esx1?no_verify=1", SOURCE_LIBVIRT, NULL, 1 },
		{ "xen+ssh://root@xenhost", SOURCE_LIBVIRT, NULL, 0 },
		{ "qemu+ssh://root@kvm/system", SOURCE_LIBVIRT, NULL, 0 },
		{ "qemu:///system", SOURCE_LIBVIRT, NULL, 0 },
		{ "test:///default", SOURCE_LIBVIRT, NULL, 0 },
		{ "ova:/srv/in/web 01.ova", SOURCE_OVA, "/srv/in/web 01.ova", 1 },
		{ "vmx:/vmfs/volumes/ds/vm/vm.vmx", SOURCE_VMX,
		    "/vmfs/volumes/ds/vm/vm.vmx", 1 },
		{ "xml:guest.xml", SOURCE_XML, "guest.xml", 0 },
		{ "dir:/srv/vms", SOURCE_DIR, "/srv/vms", 0 },
		{ "export:/mnt/export", SOURCE_EXPORT, "/mnt/export", 0 },
		{ "vcenter-prod", SOURCE_PROVIDER, "vcenter-prod", 0 },
	};
	struct source *src;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof *ok; i++) {
		src = source_parse(ok[i].spec, &cause);
		CHECK(src != NULL);
		if (src == NULL)
			continue;
		CHECK(src->kind == ok[i].kind);
		CHECK_STR(src->location, ok[i].location != NULL ?
		    ok[i].location : ok[i].spec);
		CHECK(source_is_vmware(src) == ok[i].vmware);
		source_free(src);
	}
	CHECK(cause == NULL);
}

static void
test_source_parse_errors(void)
{
	static const char *bad[] = {
		"", "http://vc/sdk", "ova:", "dir:", "c:\\vms", "web 01",
		"$(reboot)", "a/b", "qemu+ssh://host\n/system",
	};
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK(source_parse(bad[i], &cause) == NULL);
		/* Every refusal says what would have been accepted. */
		CHECK(cause != NULL && (strstr(cause, "ova:PATH") != NULL ||
		    strstr(cause, "write ") != NULL));
	}
	CHECK(source_parse(NULL, NULL) == NULL);
	free(cause);
}

static void
test_proxy_validate(void)
{
	struct proxy *p = proxy_new("lab");
	char *cause = NULL;

	CHECK(proxy_validate(p, &cause) == -1);	/* no host yet */
	CHECK(strstr(cause, "no host") != NULL);
	p->host = xstrdup("127.0.0.1");
	CHECK(proxy_validate(p, &cause) == 0);
	p->port = 70000;
	CHECK(proxy_validate(p, &cause) == -1);
	CHECK(strstr(cause, "65535") != NULL);
	p->port = 2222;
	p->max_jobs = 0;
	CHECK(proxy_validate(p, &cause) == -1);
	p->max_jobs = 4;
	free(p->host);
	p->host = xstrdup("-oProxyCommand=sh");
	CHECK(proxy_validate(p, &cause) == -1);
	free(p->host);
	p->host = xstrdup("h;reboot");
	CHECK(proxy_validate(p, &cause) == -1);
	free(p->host);
	p->host = xstrdup("proxy1.example.com");
	free(p->job_dir);
	p->job_dir = xstrdup("relative/dir");
	CHECK(proxy_validate(p, &cause) == -1);
	proxy_free(p);

	p = proxy_new_local();
	CHECK(p->local && proxy_validate(p, NULL) == 0);
	proxy_free(p);
	free(cause);
}

static void
test_inventory_sort(void)
{
	static const char *in[] = { "web02", "$(reboot)", "DB01", "db01",
	    "d\xc3\xa9p\xc3\xb4t", "app" };
	static const char *want[] = { "$(reboot)", "app", "DB01", "db01",
	    "d\xc3\xa9p\xc3\xb4t", "web02" };
	struct inventory *inv = inventory_new();
	size_t i;

	for (i = 0; i < 6; i++)
		inventory_add(inv, vm_new(in[i]));
	inventory_sort(inv);
	for (i = 0; i < 6; i++)
		CHECK_STR(inv->vms[i]->name, want[i]);
	inventory_free(inv);
}

int
main(void)
{
	RUN(test_vm_disks_and_problems);
	RUN(test_disk_format_names);
	RUN(test_inventory_duplicate_macs);
	RUN(test_inventory_sort);
	RUN(test_inventory_duplicate_names);
	RUN(test_source_parse_kinds);
	RUN(test_source_parse_errors);
	RUN(test_proxy_validate);
	return unit_done();
}
