/*
 * Unit tests: domxml.c over domain XML recorded from real libvirt drivers
 * (the test driver serving the demo inventory, the lab's QEMU libvirtd) and
 * over broken and hostile documents.
 */
#include <stdlib.h>

#include "unit.h"

static char *
fixture(const char *name, size_t *len)
{
	return unit_fixture("domxml", name, len);
}

static struct vm *
parse(const char *name, char **cause)
{
	size_t len;
	char *buf = fixture(name, &len);
	struct vm *vm = domxml_parse(buf, len, cause);

	free(buf);
	return vm;
}

static void
test_vmware_guest(void)
{
	struct vm *vm = parse("test-web01.xml", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "web01");
	CHECK_STR(vm->uuid, "564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a01");
	CHECK(vm->memory == 4ULL << 30);
	CHECK(vm->vcpus == 2);
	CHECK(vm->firmware == VM_FIRMWARE_BIOS);
	CHECK_STR(vm->arch, "x86_64");
	CHECK(vm->detailed);
	CHECK(vm->ndisks == 2);
	CHECK_STR(vm->disks[0].path, "[datastore1] web01/web01.vmdk");
	CHECK_STR(vm->disks[0].datastore, "datastore1");
	CHECK_STR(vm->disks[0].target, "sda");
	CHECK_STR(vm->disks[0].bus, "scsi");
	CHECK(vm->disks[0].format == DISK_FORMAT_VMDK);
	CHECK(vm->nnics == 1);
	CHECK_STR(vm->nics[0].mac, "00:50:56:8a:10:01");
	CHECK(vm->nics[0].kind == NIC_BRIDGE);	/* an ESX port group */
	CHECK_STR(vm->nics[0].network, "VM Network");
	CHECK_STR(vm->nics[0].model, "vmxnet3");
	CHECK(vm->nproblems == 0);
	vm_free(vm);
}

static void
test_xen_guest(void)
{
	struct vm *vm = parse("test-xen-mail01.xml", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK(vm->ndisks == 2);
	CHECK_STR(vm->disks[0].path, "/dev/vg_xen/mail01-disk");
	CHECK_STR(vm->disks[0].bus, "xen");
	CHECK(vm->disks[0].datastore == NULL);
	CHECK(vm->nnics == 1 && str_eq(vm->nics[0].network, "xenbr0"));
	vm_free(vm);
}

static void
test_uefi_guest(void)
{
	struct vm *vm = parse("test-kvm-uefi-win2019.xml", NULL);

	CHECK(vm != NULL && vm->firmware == VM_FIRMWARE_UEFI);
	vm_free(vm);
}

static void
test_qemu_lab_guest(void)
{
	struct vm *vm = parse("qemu-lab-src2.xml", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK_STR(vm->name, "lab-src2");
	CHECK(vm->memory == 512ULL << 20);
	CHECK(vm->ndisks == 2);
	CHECK(vm->disks[0].format == DISK_FORMAT_QCOW2);
	CHECK(vm->disks[1].format == DISK_FORMAT_RAW);
	CHECK(vm->nnics == 2);
	CHECK(vm->nics[0].kind == NIC_NETWORK);
	CHECK_STR(vm->nics[1].network, "lab-net2");
	CHECK_STR(vm->nics[1].model, "virtio");
	vm_free(vm);
}

static void
test_hostile_names_kept_as_data(void)
{
	struct vm *vm;

	vm = parse("test-__reboot_.xml", NULL);
	CHECK(vm != NULL && str_eq(vm->name, "$(reboot)"));
	vm_free(vm);
	vm = parse("test-O_Brien_s_desktop.xml", NULL);
	CHECK(vm != NULL && str_eq(vm->name, "O'Brien's desktop"));
	vm_free(vm);
	vm = parse("test-d__p__t-__.xml", NULL);
	CHECK(vm != NULL && str_eq(vm->name, "d\xc3\xa9p\xc3\xb4t-\xc3\xbc"));
	vm_free(vm);
	vm = parse("kvm-mixed.xml", NULL);
	CHECK(vm != NULL && str_eq(vm->name, "mixed \"quotes\" & 'more'"));
	vm_free(vm);
}

static void
test_mixed_devices(void)
{
	struct vm *vm = parse("kvm-mixed.xml", NULL);

	CHECK(vm != NULL);
	if (vm == NULL)
		return;
	CHECK(vm->memory == 2ULL << 30);
	CHECK(vm->vcpus == 3);
	CHECK(vm->firmware == VM_FIRMWARE_UEFI);	/* pflash loader */
	CHECK_STR(vm->arch, "aarch64");
	CHECK_STR(vm->os, "http://debian.org/debian/12");
	CHECK(vm->ndisks == 3);				/* the CD-ROM is not */
	CHECK_STR(vm->disks[0].path, "images/mixed-root.qcow2");
	CHECK_STR(vm->disks[0].datastore, "images");
	CHECK_STR(vm->disks[1].path, "pool/image");
	CHECK(vm->nproblems == 2);		/* rbd disk, disk without source */
	CHECK(vm_has_problem(vm, PROBLEM_UNSUPPORTED_DISK));
	CHECK(strstr(vm->problems[0].text, "rbd") != NULL);
	CHECK(strstr(vm->problems[1].text, "vdc has no source") != NULL);
	CHECK(vm->nnics == 2);
	CHECK_STR(vm->nics[0].mac, "52:54:00:aa:bb:cc");
	CHECK_STR(vm->nics[0].network, "eth0");
	CHECK_STR(vm->nics[1].mac, "");		/* invalid MAC dropped */
	vm_free(vm);
}

static void
test_broken_documents(void)
{
	static const struct {
		const char	*file;
		const char	*says;
	} bad[] = {
		{ "bad-truncated.xml", "malformed at line" },
		{ "bad-not-domain.xml", "not a libvirt domain" },
		{ "bad-memory-overflow.xml", "is not a size" },
		{ "bad-memory-unit.xml", "furlongs" },
		{ "bad-vcpu.xml", "not a CPU count" },
		{ "bad-no-name.xml", "no <name>" },
	};
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK(parse(bad[i].file, &cause) == NULL);
		CHECK(cause != NULL && strstr(cause, bad[i].says) != NULL);
		if (cause != NULL && strstr(cause, bad[i].says) == NULL)
			fprintf(stderr, "  %s: %s\n", bad[i].file, cause);
	}
	CHECK(domxml_parse("", 0, &cause) == NULL);
	CHECK(strstr(cause, "empty") != NULL);
	CHECK(domxml_parse("<domain>", 8, NULL) == NULL);
	free(cause);
}

static void
test_no_external_entities(void)
{
	char *cause = NULL;
	struct vm *vm = parse("bad-xxe.xml", &cause);

	/* The entity must never be fetched: its name stays empty or unknown. */
	if (vm != NULL) {
		CHECK(strstr(vm->name, "\n") == NULL && vm->name[0] == '\0');
		vm_free(vm);
	} else
		CHECK(cause != NULL);
	free(cause);
}

static void
test_every_recorded_domain_parses(void)
{
	static const char *files[] = {
		"qemu-lab-src1.xml", "qemu-lab-src2.xml", "test-db01.xml",
		"test-Finance_App__prod_.xml", "test-web02.xml",
		"test-xen-legacy-hvm.xml",
	};
	char *cause = NULL;
	struct vm *vm;
	size_t i;

	for (i = 0; i < sizeof files / sizeof *files; i++) {
		vm = parse(files[i], &cause);
		CHECK(vm != NULL && vm->ndisks > 0 && vm->memory > 0 &&
		    vm->vcpus > 0 && uuid_valid(vm->uuid));
		vm_free(vm);
	}
	CHECK(cause == NULL);
}

/* Recorded from libvirt's ESX driver talking to the lab's vCenter. */
static void
test_vcenter_guests(void)
{
	struct vm *vm;
	size_t i;

	vm = parse("vpx-DC0_C0_RP0_VM2.xml", NULL);
	CHECK(vm != NULL);
	if (vm != NULL) {
		CHECK(vm->ndisks == 2);
		CHECK_STR(vm->disks[0].datastore, "LocalDS_0");
		CHECK(vm->disks[0].format == DISK_FORMAT_VMDK);
		/* libvirt 9.0 names the SCSI and the SATA disk both sda. */
		CHECK_STR(vm->disks[1].bus, "sata");
		CHECK(vm->nnics == 1);
		CHECK(vm->nics[0].kind == NIC_NETWORK);
		CHECK_STR(vm->nics[0].network, "dvportgroup-13");
		CHECK_STR(vm->nics[0].mac, "00:0c:29:33:34:38");
	}
	vm_free(vm);

	vm = parse("vpx-DC0_C0_RP0_VM1.xml", NULL);
	CHECK(vm != NULL && vm->firmware == VM_FIRMWARE_UEFI && vm->vcpus == 4);
	vm_free(vm);

	vm = parse("vpx-web_01__O_Brien____reboot_______n____100_.xml", NULL);
	CHECK(vm != NULL);
	if (vm != NULL) {
		CHECK(strncmp(vm->name, "web/01 \"O'Brien\" $(reboot) & ", 27) == 0);
		for (i = 0; vm->name[i] != '\0'; i++)
			CHECK(vm->name[i] != '\n');
		CHECK(vm->ndisks == 2);
	}
	vm_free(vm);
}

int
main(void)
{
	RUN(test_vmware_guest);
	RUN(test_xen_guest);
	RUN(test_uefi_guest);
	RUN(test_qemu_lab_guest);
	RUN(test_hostile_names_kept_as_data);
	RUN(test_mixed_devices);
	RUN(test_broken_documents);
	RUN(test_no_external_entities);
	RUN(test_every_recorded_domain_parses);
	RUN(test_vcenter_guests);
	return unit_done();
}
