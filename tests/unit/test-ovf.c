/*
 * Unit tests: ovf.c over descriptors in the forms ESXi/vCenter (ovftool),
 * VirtualBox (OVF 1.0 and 2.0) and oVirt export domains write, and over
 * broken, hostile and incomplete ones (tests/unit/data/ovf/).
 */
#include <stdlib.h>

#include "unit.h"

static char *
fixture(const char *name, size_t *len)
{
	return unit_fixture("ovf", name, len);
}

static struct vm *
parse(const char *name, char **cause)
{
	size_t len;
	char *buf = fixture(name, &len);
	struct vm *vm = ovf_parse(buf, len, cause);

	free(buf);
	return vm;
}

static void
test_esxi67_ovftool(void)
{
	struct vm *vm = parse("vmware-esxi67-web01.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "web01");
	CHECK(vm->detailed);
	CHECK(vm->power == VM_POWER_OFF);
	CHECK(vm->memory == 4096ULL << 20);
	CHECK(vm->vcpus == 2);
	CHECK(vm->firmware == VM_FIRMWARE_BIOS);
	CHECK_STR(vm->os, "centos7_64Guest");
	CHECK(vm->uuid[0] == '\0');
	/* The CD-ROM (type 15) is not a disk. */
	CHECK(vm->ndisks == 2);
	if (vm->ndisks == 2) {
		CHECK_STR(vm->disks[0].path, "web01-disk1.vmdk");
		CHECK(vm->disks[0].format == DISK_FORMAT_VMDK);
		CHECK(vm->disks[0].capacity == 40ULL << 30);
		CHECK(vm->disks[0].allocation == 3917479936ULL);
		CHECK_STR(vm->disks[0].bus, "scsi");
		CHECK_STR(vm->disks[0].target, "sda");
		CHECK_STR(vm->disks[1].path, "web01-disk2.vmdk");
		CHECK(vm->disks[1].capacity == 100ULL << 30);
		CHECK_STR(vm->disks[1].target, "sdb");
		CHECK(vm->disks[1].datastore == NULL);
	}
	CHECK(vm->nnics == 1);
	if (vm->nnics == 1) {
		CHECK_STR(vm->nics[0].network, "VM Network");
		CHECK(vm->nics[0].kind == NIC_BRIDGE);
		CHECK_STR(vm->nics[0].model, "vmxnet3");
		CHECK_STR(vm->nics[0].mac, "00:50:56:ab:10:01");
	}
	CHECK(vm->nproblems == 0);
	vm_free(vm);
}

static void
test_vcenter70_efi_nvme(void)
{
	struct vm *vm = parse("vmware-vcenter70-win2019.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "win2019-dc01");
	CHECK(vm->memory == 16ULL << 30);
	CHECK(vm->vcpus == 8);
	CHECK(vm->firmware == VM_FIRMWARE_UEFI);
	CHECK_STR(vm->os, "windows2019srv_64Guest");
	/* The NVRAM file is in References but is not a disk. */
	CHECK(vm->ndisks == 1);
	if (vm->ndisks == 1) {
		CHECK_STR(vm->disks[0].bus, "nvme");
		CHECK_STR(vm->disks[0].target, "nvme0n1");
		CHECK(vm->disks[0].capacity == 80ULL << 30);
		CHECK(vm->disks[0].allocation == 20ULL << 30);
	}
	CHECK(vm->nnics == 2);
	if (vm->nnics == 2) {
		CHECK_STR(vm->nics[0].network, "DPortGroup-Prod");
		CHECK_STR(vm->nics[0].model, "e1000e");
		CHECK_STR(vm->nics[0].mac, "");		/* not exported */
		CHECK_STR(vm->nics[1].network, "VM Network");
		CHECK_STR(vm->nics[1].model, "vmxnet3");
	}
	CHECK(vm->nproblems == 0);
	vm_free(vm);
}

static void
test_virtualbox_ovf10(void)
{
	struct vm *vm = parse("vbox61-ubuntu.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	/* VirtualBox writes no <Name>: the system's ovf:id is its name. */
	CHECK_STR(vm->name, "ubuntu-20.04");
	CHECK_STR(vm->uuid, "9f6a2c3e-8b1d-4f0a-b2c3-d4e5f6a7b8c9");
	CHECK(vm->memory == 2048ULL << 20);
	CHECK(vm->vcpus == 2);
	CHECK(vm->firmware == VM_FIRMWARE_BIOS);
	CHECK_STR(vm->os, "Ubuntu_64");
	CHECK(vm->ndisks == 1);
	if (vm->ndisks == 1) {
		CHECK_STR(vm->disks[0].path, "ubuntu-20.04-disk001.vmdk");
		CHECK(vm->disks[0].capacity == 26843545600ULL);	/* bytes */
		CHECK_STR(vm->disks[0].bus, "sata");
		CHECK_STR(vm->disks[0].target, "sda");
	}
	CHECK(vm->nnics == 1);
	if (vm->nnics == 1) {
		CHECK_STR(vm->nics[0].network, "NAT");
		CHECK_STR(vm->nics[0].model, "e1000");
		/* From the enabled adapter of vbox:Machine. */
		CHECK_STR(vm->nics[0].mac, "08:00:27:c3:a1:b2");
	}
	vm_free(vm);
}

static void
test_virtualbox_ovf20(void)
{
	struct vm *vm = parse("vbox70-debian-ovf20.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "debian12");
	CHECK(vm->firmware == VM_FIRMWARE_UEFI);
	CHECK(vm->vcpus == 4);
	CHECK(vm->memory == 4096ULL << 20);
	CHECK_STR(vm->os, "Debian12_64");
	/* StorageItem and EthernetPortItem, in their own namespaces. */
	CHECK(vm->ndisks == 2);
	if (vm->ndisks == 2) {
		CHECK_STR(vm->disks[0].path, "debian12-disk001.vmdk");
		CHECK_STR(vm->disks[1].path, "debian12-disk002.vmdk");
		CHECK(vm->disks[1].capacity == 5ULL << 30);
		CHECK_STR(vm->disks[1].target, "sdb");
	}
	CHECK(vm->nnics == 1);
	if (vm->nnics == 1) {
		CHECK_STR(vm->nics[0].network, "Bridged");
		CHECK_STR(vm->nics[0].model, "virtio");
		CHECK_STR(vm->nics[0].mac, "08:00:27:4f:1a:2b");
	}
	CHECK(vm->nproblems == 0);
	vm_free(vm);
}

static void
test_ovirt_export(void)
{
	struct vm *vm = parse("ovirt44-export-rhel8.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "rhel8-app01");
	CHECK_STR(vm->uuid, "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a");
	CHECK(vm->memory == 4096ULL << 20);
	CHECK(vm->vcpus == 2);
	CHECK(vm->firmware == VM_FIRMWARE_UEFI);	/* BiosType 3: OVMF */
	CHECK_STR(vm->os, "rhel_8x64");
	/* Only the active volumes the Items name; sizes are in GiB. */
	CHECK(vm->ndisks == 2);
	if (vm->ndisks == 2) {
		CHECK_STR(vm->disks[0].path, "8f3c2a1e-5b6d-4e7f-9a0b-"
		    "1c2d3e4f5a60/2a7b9c1d-3e4f-4a5b-8c6d-7e8f9a0b1c2d");
		CHECK(vm->disks[0].format == DISK_FORMAT_QCOW2);
		CHECK(vm->disks[0].capacity == 20ULL << 30);
		CHECK(vm->disks[0].allocation == 1ULL << 30);
		CHECK_STR(vm->disks[0].bus, "scsi");
		CHECK_STR(vm->disks[1].bus, "virtio");
		CHECK(vm->disks[1].capacity == 50ULL << 30);
	}
	CHECK(vm->nnics == 1);
	if (vm->nnics == 1) {
		CHECK(vm->nics[0].kind == NIC_NETWORK);
		CHECK_STR(vm->nics[0].network, "ovirtmgmt");
		CHECK_STR(vm->nics[0].model, "virtio");
		CHECK_STR(vm->nics[0].mac, "56:6f:7a:8b:00:01");
	}
	CHECK(vm->snapshots == 1);
	CHECK(vm_has_problem(vm, PROBLEM_SNAPSHOTS));
	CHECK(vm->nproblems == 1);
	vm_free(vm);
}

static void
test_deployment_options(void)
{
	struct vm *vm = parse("appliance-deployment.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	/* The default configuration, "small": 4 vCPUs and 8 GiB. */
	CHECK(vm->vcpus == 4);
	CHECK(vm->memory == 8ULL << 30);
	CHECK(vm->ndisks == 1 && vm->disks[0].capacity == 20ULL << 30);
	CHECK(vm->nnics == 1 && str_eq(vm->nics[0].model, "pcnet"));
	CHECK_STR(vm->os, "other4xLinux64Guest");
	vm_free(vm);
}

static void
test_namespaces_not_prefixes(void)
{
	struct vm *vm = parse("namespace-prefixes.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "prefixed");
	CHECK_STR(vm->os, "cim:102");
	/* The decoys in other namespaces are ignored. */
	CHECK(vm->vcpus == 1);
	CHECK(vm->memory == 512ULL << 20);
	CHECK(vm->ndisks == 1);
	if (vm->ndisks == 1) {
		CHECK_STR(vm->disks[0].path, "prefixed-disk1.vmdk");
		CHECK(vm->disks[0].capacity == 8ULL << 30);
	}
	vm_free(vm);
}

static void
test_hostile_names_kept_as_data(void)
{
	struct vm *vm = parse("hostile-names.ovf", NULL);
	size_t i, unsafe = 0;

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "O'Brien \"quoted\" $(reboot) `id`\nline2; rm -rf "
	    "~ \xc3\x9cn\xc3\xaf\x63\xc3\xb8\x64\xc3\xa9 "
	    "\xe6\x97\xa5\xe6\x9c\xac");
	CHECK_STR(vm->os, "$(id)");
	CHECK(vm->ndisks == 4);
	if (vm->ndisks == 4) {
		CHECK_STR(vm->disks[0].path, "disk $(reboot) \"q\" 'x' "
		    "\xc3\xbc.vmdk");
		CHECK_STR(vm->disks[1].path, "../../etc/passwd");
		CHECK_STR(vm->disks[2].path, "/etc/shadow");
	}
	CHECK(vm->nnics == 1 && str_eq(vm->nics[0].network,
	    "VLAN 10 \"prod\" $(halt) \xc3\xbc"));
	/* Files outside the package are problems: ../, absolute, a URL. */
	for (i = 0; i < vm->nproblems; i++) {
		if (vm->problems[i].code == PROBLEM_UNSUPPORTED_DISK &&
		    strstr(vm->problems[i].text, "not a file inside the "
		    "package") != NULL)
			unsafe++;
	}
	CHECK(unsafe == 3);
	CHECK(vm->nproblems == 3);
	vm_free(vm);
}

static void
test_incomplete_exports(void)
{
	struct vm *vm = parse("problem-disks.ovf", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK(vm->ndisks == 4);
	CHECK(vm->nproblems == 3);
	if (vm->nproblems == 3) {
		CHECK(strstr(vm->problems[0].text, "disk 'Hard disk 2' names "
		    "file 'file2', which the OVF's References do not list") !=
		    NULL);
		CHECK(strstr(vm->problems[1].text, "disk 'Hard disk 3' has no "
		    "file") != NULL);
		CHECK(strstr(vm->problems[2].text, "ovf:/disk/vmdisk9, which "
		    "the OVF does not describe") != NULL);
	}
	if (vm->ndisks == 4) {
		CHECK_STR(vm->disks[0].path, "app-disk1.vmdk");
		CHECK(vm->disks[1].path == NULL);
		CHECK(vm->disks[1].capacity == 20ULL << 30);
	}
	vm_free(vm);

	vm = parse("problem-no-disks.ovf", NULL);
	CHECK(vm != NULL && vm->ndisks == 0 &&
	    vm_has_problem(vm, PROBLEM_NO_DISKS));
	vm_free(vm);
}

static void
check_fails(const char *name, const char *want)
{
	char *cause = NULL;
	struct vm *vm = parse(name, &cause);

	CHECK(vm == NULL);
	vm_free(vm);
	CHECK_CAUSE(name, cause, want);
	free(cause);
}

static void
test_broken_documents(void)
{
	check_fails("bad-malformed.ovf", "the OVF descriptor is malformed at "
	    "line 8: Opening and ending tag mismatch");
	check_fails("bad-not-envelope.ovf", "its top element is <domain>, not "
	    "<Envelope>");
	check_fails("bad-wrong-namespace.ovf", "its <Envelope> is in namespace "
	    "'urn:example:not-ovf'");
	check_fails("bad-no-system.ovf", "the OVF describes no virtual "
	    "machine");
	check_fails("bad-vapp.ovf", "a vApp of 2 virtual machines ('shop-web', "
	    "'shop-db', ...)");
	check_fails("bad-memory.ovf", "'greedy': the memory size '99999999 "
	    "byte * 2^40' is not a size");
	check_fails("bad-vcpus.ovf", "'cpuless': the CPU count 'two'");
	CHECK(ovf_parse("", 0, NULL) == NULL);
	{
		/* Thousands of disk items would make lookups quadratic. */
		char *big = xmalloc(5000 * 160 + 1024), *p = big, *cause = NULL;
		int i;

		p += sprintf(p, "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/"
		    "envelope/1\" xmlns:r=\"http://schemas.dmtf.org/wbem/"
		    "wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\">"
		    "<VirtualSystem><Name>big</Name><VirtualHardwareSection>");
		for (i = 0; i < 5000; i++)
			p += sprintf(p, "<Item><r:ResourceType>17</r:ResourceType>"
			    "<r:Parent>%d</r:Parent></Item>", i);
		p += sprintf(p, "</VirtualHardwareSection></VirtualSystem>"
		    "</Envelope>");
		CHECK(ovf_parse(big, (size_t)(p - big), &cause) == NULL);
		CHECK(cause != NULL && strstr(cause, "more than 4096") != NULL);
		free(cause);
		free(big);
	}
}

static void
test_no_entities(void)
{
	/* External entities are never fetched: the DTD is refused. */
	check_fails("bad-xxe.ovf", "declares a DTD");
	/* Nested entities are stopped before they grow. */
	check_fails("bad-billion-laughs.ovf", "malformed");
}

/* Every OVF fixture that parses keeps the invariants views rely on. */
static void
test_every_descriptor_invariants(void)
{
	static const char *files[] = {
		"vmware-esxi67-web01.ovf", "vmware-vcenter70-win2019.ovf",
		"vbox61-ubuntu.ovf", "vbox70-debian-ovf20.ovf",
		"ovirt44-export-rhel8.ovf", "appliance-deployment.ovf",
		"namespace-prefixes.ovf", "hostile-names.ovf",
	};
	struct vm *vm;
	size_t i, j;

	for (i = 0; i < sizeof files / sizeof *files; i++) {
		vm = parse(files[i], NULL);
		CHECK(vm != NULL);
		if (vm == NULL)
			continue;
		CHECK(vm->name[0] != '\0' && vm->detailed && vm->vcpus > 0 &&
		    vm->memory > 0 && vm->ndisks > 0);
		for (j = 0; j < vm->ndisks; j++)
			CHECK(vm->disks[j].path != NULL &&
			    vm->disks[j].capacity > 0);
		vm_free(vm);
	}
}

int
main(void)
{
	RUN(test_esxi67_ovftool);
	RUN(test_vcenter70_efi_nvme);
	RUN(test_virtualbox_ovf10);
	RUN(test_virtualbox_ovf20);
	RUN(test_ovirt_export);
	RUN(test_deployment_options);
	RUN(test_namespaces_not_prefixes);
	RUN(test_hostile_names_kept_as_data);
	RUN(test_incomplete_exports);
	RUN(test_broken_documents);
	RUN(test_no_entities);
	RUN(test_every_descriptor_invariants);
	return unit_done();
}
