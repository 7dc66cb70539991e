/*
 * Unit tests: vmx.c over .vmx files as ESXi 6.7/7.0 and Workstation write
 * them, and over hostile and broken ones (tests/unit/data/vmx/).
 */
#include <stdlib.h>

#include "unit.h"

static char *
fixture(const char *name, size_t *len)
{
	return unit_fixture("vmx", name, len);
}

static struct vm *
parse(const char *name, char **cause)
{
	size_t len;
	char *buf = fixture(name, &len);
	struct vm *vm = vmx_parse(buf, len, cause);

	free(buf);
	return vm;
}

static struct vm *
parse_text(const char *text, char **cause)
{
	return vmx_parse(text, strlen(text), cause);
}

static void
test_esxi67(void)
{
	struct vm *vm = parse("web01/web01.vmx", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "web01");
	CHECK(vm->detailed);
	/* memSize: keys are case-insensitive. */
	CHECK(vm->memory == 4096ULL << 20);
	CHECK(vm->vcpus == 2);
	CHECK(vm->firmware == VM_FIRMWARE_BIOS);
	CHECK_STR(vm->uuid, "564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a01");
	CHECK_STR(vm->os, "centos7-64");
	/* The ISO on sata0:0 is a CD-ROM, not a disk. */
	CHECK(vm->ndisks == 2);
	if (vm->ndisks == 2) {
		CHECK_STR(vm->disks[0].path, "web01.vmdk");
		CHECK_STR(vm->disks[0].bus, "scsi");
		CHECK_STR(vm->disks[0].target, "sda");
		CHECK(vm->disks[0].format == DISK_FORMAT_VMDK);
		CHECK(vm->disks[0].datastore == NULL);
		CHECK_STR(vm->disks[1].path, "web01_1.vmdk");
		CHECK_STR(vm->disks[1].target, "sdb");
	}
	CHECK(vm->nnics == 1);
	if (vm->nnics == 1) {
		CHECK_STR(vm->nics[0].network, "VM Network");
		CHECK(vm->nics[0].kind == NIC_BRIDGE);
		CHECK_STR(vm->nics[0].model, "vmxnet3");
		CHECK_STR(vm->nics[0].mac, "00:0c:29:2f:3a:01");
	}
	CHECK(vm->nproblems == 0);
	vm_free(vm);
}

static void
test_esxi70_efi_nvme_static_mac(void)
{
	struct vm *vm = parse("esxi70-win2019.vmx", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "win2019-dc01");
	CHECK(vm->firmware == VM_FIRMWARE_UEFI);
	CHECK(vm->vcpus == 8);
	CHECK(vm->memory == 16ULL << 30);
	CHECK_STR(vm->uuid, "421c5a3e-8b77-d219-6f0a-112233445566");
	/* NVMe disks; the SCSI disk sits on a controller that is off. */
	CHECK(vm->ndisks == 2);
	if (vm->ndisks == 2) {
		CHECK_STR(vm->disks[0].bus, "nvme");
		CHECK_STR(vm->disks[0].target, "nvme0n1");
		CHECK_STR(vm->disks[0].datastore, "datastore-ssd01");
		CHECK_STR(vm->disks[1].target, "nvme0n2");
		CHECK_STR(vm->disks[1].datastore, "datastore-hdd02");
		CHECK_STR(vm->disks[1].path, "/vmfs/volumes/datastore-hdd02/"
		    "win2019-dc01/win2019-dc01_1.vmdk");
	}
	/* ethernet2 is not present; ethernet0's static address wins. */
	CHECK(vm->nnics == 2);
	if (vm->nnics == 2) {
		CHECK_STR(vm->nics[0].mac, "00:50:56:3f:00:12");
		CHECK_STR(vm->nics[0].model, "e1000e");
		CHECK_STR(vm->nics[0].network, "DPortGroup-Prod");
		CHECK_STR(vm->nics[1].mac, "00:50:56:9a:7b:01");
	}
	vm_free(vm);
}

static void
test_workstation_windows_1252(void)
{
	struct vm *vm = parse("workstation-cp1252.vmx", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	/* "Büro-PC € Größe" in windows-1252, converted to UTF-8. */
	CHECK_STR(vm->name, "B\xc3\xbcro-PC \xe2\x82\xac Gr\xc3\xb6\xc3\x9f"
	    "e");
	CHECK(vm->ndisks == 1);
	if (vm->ndisks == 1) {
		CHECK_STR(vm->disks[0].path, "B\xc3\xbcro-PC.vmdk");
		CHECK_STR(vm->disks[0].bus, "ide");
		CHECK_STR(vm->disks[0].target, "hda");
	}
	CHECK(vm->nnics == 1);
	if (vm->nnics == 1) {
		CHECK_STR(vm->nics[0].network, "nat");	/* no port group */
		CHECK_STR(vm->nics[0].mac, "00:0c:29:ab:cd:ef");
	}
	vm_free(vm);
}

static void
test_hostile_quoting(void)
{
	struct vm *vm = parse("hostile.vmx", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "O'Brien \"quoted\" $(reboot) `id`\nline2 | "
	    "\xc3\xbcn\xc3\xaf\x63\xc3\xb8\x64\xc3\xa9 "
	    "\xe6\x97\xa5\xe6\x9c\xac");
	CHECK(vm->ndisks == 1 && str_eq(vm->disks[0].path,
	    "disk $(rm -rf ~) \"x\".vmdk"));
	CHECK(vm->nnics == 1);
	if (vm->nnics == 1) {
		CHECK_STR(vm->nics[0].network, "VLAN 10 $(halt) \"prod\"");
		CHECK_STR(vm->nics[0].mac, "");		/* "not-a-mac" */
	}
	vm_free(vm);
}

static void
test_syntax(void)
{
	struct vm *vm;

	/* Unquoted values, comments after values, last duplicate wins. */
	vm = parse_text("displayName = first\n"
	    "  displayname=\"second\"   # renamed\n"
	    "memsize = 512\n"
	    "numvcpus = \"4\"\n"
	    "firmware = \"EFI\"\n"
	    "uuid.bios = \"not a uuid\"\n"
	    "ethernet1.present = \"TRUE\"\n"
	    "ethernet0.present = \"true\"\n"
	    "ethernet0.networkName = \"zero\"\n"
	    "ethernet1.networkName = \"one\"\n"
	    "ide0:1.present = \"TRUE\"\n"
	    "ide0:1.fileName = \"slave.vmdk\"\n"
	    "scsi1:8.present = \"TRUE\"\n"
	    "scsi1:8.fileName = \"high.vmdk\"\n"
	    "sata0:2.present = \"TRUE\"\n"
	    "sata0:2.fileName = \"raw.img\"\n"
	    "sata0:2.deviceType = \"rawDisk\"\n", NULL);
	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "second");
	CHECK(vm->memory == 512ULL << 20);
	CHECK(vm->vcpus == 4);
	CHECK(vm->firmware == VM_FIRMWARE_UEFI);
	CHECK_STR(vm->uuid, "");
	/* NICs in ethernetN order, disks by bus (SCSI, SATA, IDE). */
	CHECK(vm->nnics == 2 && str_eq(vm->nics[0].network, "zero") &&
	    str_eq(vm->nics[1].network, "one"));
	CHECK(vm->ndisks == 3);
	if (vm->ndisks == 3) {
		/* scsi1:8: 15 units a controller, unit 7 skipped: 22, sdw. */
		CHECK_STR(vm->disks[0].target, "sdw");
		CHECK_STR(vm->disks[1].target, "sdc");
		CHECK(vm->disks[1].format == DISK_FORMAT_UNKNOWN);
		CHECK_STR(vm->disks[2].target, "hdb");
	}
	vm_free(vm);

	/* Defaults: one vCPU, BIOS; no disks is a problem. */
	vm = parse_text("displayName = \"bare\"\n", NULL);
	CHECK(vm != NULL && vm->vcpus == 1 && vm->firmware ==
	    VM_FIRMWARE_BIOS && vm->memory == 0 && vm->ndisks == 0 &&
	    vm_has_problem(vm, PROBLEM_NO_DISKS));
	vm_free(vm);

	/* A present disk without a file. */
	vm = parse_text("displayName = \"x\"\nscsi0:0.present = \"TRUE\"\n",
	    NULL);
	CHECK(vm != NULL && vm->ndisks == 1 && vm->disks[0].path == NULL &&
	    vm_has_problem(vm, PROBLEM_UNSUPPORTED_DISK));
	vm_free(vm);
}

static void
test_target_names(void)
{
	char *t;

	t = vmx_target("scsi", 0, 0);
	CHECK_STR(t, "sda");
	free(t);
	t = vmx_target("scsi", 0, 8);
	CHECK_STR(t, "sdh");
	free(t);
	t = vmx_target("scsi", 3, 15);
	CHECK_STR(t, "sdbh");		/* 3 * 15 + 14 = 59 */
	free(t);
	CHECK(vmx_target("scsi", 0, 7) == NULL);
	t = vmx_target("sata", 1, 0);
	CHECK_STR(t, "sdae");		/* 30 */
	free(t);
	t = vmx_target("ide", 1, 1);
	CHECK_STR(t, "hdd");
	free(t);
	CHECK(vmx_target("ide", 0, 2) == NULL);
	t = vmx_target("nvme", 2, 3);
	CHECK_STR(t, "nvme2n4");
	free(t);
	CHECK(vmx_target("floppy", 0, 0) == NULL);
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
test_broken_files(void)
{
	check_fails("bad-unterminated.vmx", "the .vmx is malformed: line 2: "
	    "the value of displayName has no closing quote");
	check_fails("bad-trailing.vmx", "line 3: text after the value of "
	    "displayName");
	check_fails("bad-no-equals.vmx", "line 3 is not of the form key = "
	    "\"value\"");
	check_fails("bad-memsize.vmx", "memsize \"4 GB\" is not a size in MiB");
	check_fails("bad-no-name.vmx", "the .vmx has no displayName");
	check_fails("bad-nul.vmx", "holds a NUL byte");
	check_fails("bad-encoding.vmx", "no-such-charset-9");
	CHECK(vmx_parse("", 0, NULL) == NULL);
	{
		/* Far more settings than any VM has, all of them disks. */
		char *big = xmalloc(12000 * 40), *p = big, *cause = NULL;
		int i;

		p += sprintf(p, "displayName = \"big\"\n");
		for (i = 0; i < 12000; i++)
			p += sprintf(p, "sata%d:%d.present = \"TRUE\"\n",
			    i / 1000, i % 1000);
		CHECK(vmx_parse(big, (size_t)(p - big), &cause) == NULL);
		CHECK(cause != NULL && strstr(cause, "more than 10000 "
		    "settings") != NULL);
		free(cause);
		free(big);
	}
	CHECK(vmx_parse("a\0b = \"c\"\n", 10, NULL) == NULL);
}

int
main(void)
{
	RUN(test_esxi67);
	RUN(test_esxi70_efi_nvme_static_mac);
	RUN(test_workstation_windows_1252);
	RUN(test_hostile_quoting);
	RUN(test_syntax);
	RUN(test_target_names);
	RUN(test_broken_files);
	return unit_done();
}
