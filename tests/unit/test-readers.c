/*
 * Unit tests: readers.c, the file sources, over OVAs as ovftool and
 * VirtualBox package them, OVF folders, ESXi VM folders, an oVirt export
 * domain and a folder of all of them (tests/unit/data/{ova,vmx,export,dir},
 * binaries by make-fixtures), broken and hostile ones, and archives built
 * here in $VI_TMP.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#define SD	"3b4c5d6e-7f80-4192-a3b4-c5d6e7f80912"

/* Read a source of one VM; NULL (and a failed check) if it is not one. */
static struct vm *
one(struct inventory *inv)
{
	CHECK(inv != NULL && inv->nvms == 1);
	if (inv == NULL || inv->nvms != 1)
		return NULL;
	return inv->vms[0];
}

static void
check_cause(const char *what, const char *cause, const char *want)
{
	char m[1024];

	if (cause == NULL || strstr(cause, want) == NULL) {
		snprintf(m, sizeof m, "%s: '%s' lacks '%s'", what,
		    cause != NULL ? cause : "(null)", want);
		unit_fail(__FILE__, __LINE__, m);
	} else if (cause[strlen(cause) - 1] == '.' ||
	    cause[strlen(cause) - 1] == '\n')
		unit_fail(__FILE__, __LINE__, "a cause ends in '.' or newline");
}

static int
has_problem_text(const struct vm *vm, enum problem_code code,
    const char *text)
{
	size_t i;

	for (i = 0; i < vm->nproblems; i++) {
		if (vm->problems[i].code == code &&
		    strstr(vm->problems[i].text, text) != NULL)
			return 1;
	}
	return 0;
}

/* A ustar archive of n members, written here. */
static void
write_tar(const char *path, const char **names, const char **contents,
    size_t n)
{
	unsigned char h[512], pad[512];
	char num[24];
	size_t i, j, len;
	unsigned sum;
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	memset(pad, 0, sizeof pad);
	for (i = 0; i < n; i++) {
		len = strlen(contents[i]);
		memset(h, 0, sizeof h);
		memcpy(h, names[i], strlen(names[i]));
		memcpy(h + 100, "0000644", 7);
		memcpy(h + 108, "0000000", 7);
		memcpy(h + 116, "0000000", 7);
		snprintf(num, sizeof num, "%011zo", len & 077777777777);
		memcpy(h + 124, num, 12);
		memcpy(h + 136, "14060000547", 11);
		h[156] = '0';
		memcpy(h + 257, "ustar\00000", 8);
		memset(h + 148, ' ', 8);
		for (sum = 0, j = 0; j < 512; j++)
			sum += h[j];
		snprintf((char *)h + 148, 8, "%06o", sum);
		h[155] = ' ';
		fwrite(h, 1, 512, f);
		fwrite(contents[i], 1, len, f);
		fwrite(pad, 1, (512 - len % 512) % 512, f);
	}
	fwrite(pad, 1, 512, f);
	fwrite(pad, 1, 512, f);
	fclose(f);
}

static void
test_ova_ovftool(void)
{
	char *path = unit_data_path("ova/web01.ova"), *cause = NULL;
	struct inventory *inv;
	struct vm *vm;

	inv = ova_read(path, 1, &cause);
	CHECK(cause == NULL);
	if ((vm = one(inv)) != NULL) {
		CHECK_STR(vm->name, "web01");
		CHECK(vm->detailed && vm->vcpus == 2 && vm->memory == 4ULL <<
		    30);
		CHECK(vm->ndisks == 2);
		if (vm->ndisks == 2) {
			/* Paths are member names; sizes from the OVF. */
			CHECK_STR(vm->disks[0].path, "web01-disk1.vmdk");
			CHECK(vm->disks[0].capacity == 1ULL << 20);
			CHECK(vm->disks[0].allocation == 65536);
			CHECK(vm->disks[0].format == DISK_FORMAT_VMDK);
			/* populatedSize 0: the member's size instead. */
			CHECK(vm->disks[1].capacity == 2ULL << 20);
			CHECK(vm->disks[1].allocation == 14336);
		}
		CHECK(vm->nproblems == 0);
	}
	inventory_free(inv);
	free(path);
}

static void
test_ova_virtualbox_sha1(void)
{
	char *path = unit_data_path("ova/vbox-sha1.ova"), *cause = NULL;
	struct inventory *inv;
	struct vm *vm;

	inv = ova_read(path, 1, &cause);
	CHECK(cause == NULL);
	if ((vm = one(inv)) != NULL) {
		CHECK_STR(vm->name, "ubuntu-20.04");
		CHECK(vm->ndisks == 1 && vm->disks[0].capacity == 1ULL << 20);
	}
	inventory_free(inv);
	free(path);
}

static void
test_ova_bad_digest(void)
{
	char *path = unit_data_path("ova/bad-digest.ova"), *cause = NULL;
	struct inventory *inv;

	inv = ova_read(path, 1, &cause);
	CHECK(inv == NULL);
	check_cause("bad-digest.ova", cause, "bad-digest.ova: corrupt OVA: the "
	    "SHA256 checksum of disk 'web01-disk2.vmdk' does not match the "
	    "manifest: download or export it again");
	free(cause);

	/* Without verifying, the same package reads. */
	cause = NULL;
	inv = ova_read(path, 0, &cause);
	CHECK(one(inv) != NULL && cause == NULL);
	inventory_free(inv);
	free(path);
}

static void
test_ova_manifest_cases(void)
{
	static const char *ovf = "<Envelope xmlns=\"http://schemas.dmtf.org/"
	    "ovf/envelope/1\"><VirtualSystem><Name>tiny</Name>"
	    "<VirtualHardwareSection/></VirtualSystem></Envelope>";
	const char *names[3] = { "tiny.ovf", "tiny.mf", "other.mf" };
	const char *contents[3];
	char *path = unit_tmp_path("manifest.ova"), *cause = NULL, *mf;
	struct inventory *inv;
	struct sha_ctx ctx;
	char hex[65];

	/* The right digest of the descriptor: it verifies. */
	sha_init(&ctx, SHA_256);
	sha_update(&ctx, ovf, strlen(ovf));
	sha_final(&ctx, hex);
	xasprintf(&mf, "SHA256(tiny.ovf)= %s\n", hex);
	contents[0] = ovf;
	contents[1] = mf;
	contents[2] = "SHA1(tiny.ovf)= 0000000000000000000000000000000000000000"
	    "\n";
	write_tar(path, names, contents, 3);
	inv = ova_read(path, 1, &cause);
	/* Of two manifests, the one named like the descriptor counts. */
	CHECK(one(inv) != NULL && cause == NULL);
	inventory_free(inv);
	free(mf);

	/* A wrong digest of the descriptor itself. */
	contents[1] = "SHA256(tiny.ovf)= 00000000000000000000000000000000"
	    "00000000000000000000000000000000\n";
	write_tar(path, names, contents, 2);
	inv = ova_read(path, 1, &cause);
	CHECK(inv == NULL);
	check_cause("descriptor digest", cause, "corrupt OVA: the SHA256 "
	    "checksum of 'tiny.ovf' does not match");
	free(cause);
	cause = NULL;

	/* A manifest naming a file the archive does not hold. */
	contents[1] = "SHA1(ghost.vmdk)= 00000000000000000000"
	    "00000000000000000000\n";
	write_tar(path, names, contents, 2);
	inv = ova_read(path, 1, &cause);
	CHECK(inv == NULL);
	check_cause("ghost", cause, "the manifest lists 'ghost.vmdk', which is "
	    "not in the archive");
	free(cause);
	cause = NULL;

	/* A garbled manifest fails verification, not reading. */
	contents[1] = "this is not a manifest\n";
	write_tar(path, names, contents, 2);
	inv = ova_read(path, 1, &cause);
	CHECK(inv == NULL);
	check_cause("garbled", cause, "tiny.mf: manifest line 1");
	free(cause);
	inv = ova_read(path, 0, NULL);
	CHECK(one(inv) != NULL);
	inventory_free(inv);

	unlink(path);
	free(path);
}

/* A package tarred with its folder: names are relative to the OVF. */
static void
test_ova_descriptor_in_a_folder(void)
{
	static const char *ovf = "<Envelope xmlns=\"http://schemas.dmtf.org/"
	    "ovf/envelope/1\" xmlns:ovf=\"http://schemas.dmtf.org/ovf/"
	    "envelope/1\" xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/"
	    "cim-schema/2/CIM_ResourceAllocationSettingData\"><References>"
	    "<File ovf:href=\"d.img\" ovf:id=\"f\"/></References>"
	    "<DiskSection><Disk ovf:diskId=\"d\" ovf:fileRef=\"f\" "
	    "ovf:capacity=\"4096\"/></DiskSection>"
	    "<VirtualSystem ovf:id=\"sub\">"
	    "<VirtualHardwareSection><Item><rasd:ResourceType>17"
	    "</rasd:ResourceType><rasd:HostResource>ovf:/disk/d"
	    "</rasd:HostResource></Item></VirtualHardwareSection>"
	    "</VirtualSystem></Envelope>";
	const char *names[4] = { "pkg/sub.ovf", "pkg/sub.mf", "d.img",
	    "pkg/d.img" };
	const char *contents[4];
	char *path = unit_tmp_path("folder.ova"), *mf, *cause = NULL, hex[65];
	struct inventory *inv;
	struct sha_ctx ctx;
	struct vm *vm;

	sha_init(&ctx, SHA_256);
	sha_update(&ctx, "in the folder", 13);
	sha_final(&ctx, hex);
	xasprintf(&mf, "SHA256(d.img)= %s\n", hex);
	contents[0] = ovf;
	contents[1] = mf;
	contents[2] = "a decoy at the top";
	contents[3] = "in the folder";
	write_tar(path, names, contents, 4);
	inv = ova_read(path, 1, &cause);
	if (cause != NULL)
		unit_fail(__FILE__, __LINE__, cause);
	if ((vm = one(inv)) != NULL) {
		CHECK_STR(vm->name, "sub");
		CHECK(vm->ndisks == 1 && vm->nproblems == 0);
		/* pkg/d.img, 13 bytes, not the 18-byte decoy. */
		CHECK(vm->ndisks == 1 && vm->disks[0].allocation == 13);
	}
	inventory_free(inv);
	free(cause);
	free(mf);
	unlink(path);
	free(path);
}

static void
test_ova_folder(void)
{
	char *dir = unit_data_path("ova/ovfdir"), *ovf = unit_data_path("ova/ovfdir/web01.ovf");
	char *bad = unit_data_path("ova/ovfdir-bad"), *cause = NULL, *want;
	struct inventory *inv;
	struct vm *vm;

	inv = ova_read(dir, 1, &cause);
	CHECK(cause == NULL);
	if ((vm = one(inv)) != NULL && vm->ndisks == 2) {
		xasprintf(&want, "%s/web01-disk2.vmdk", dir);
		CHECK_STR(vm->disks[1].path, want);
		free(want);
		CHECK(vm->disks[1].format == DISK_FORMAT_VMDK);
		CHECK(vm->disks[1].capacity == 2ULL << 20);
		CHECK(vm->disks[1].allocation > 0);	/* the file's blocks */
		CHECK(vm->nproblems == 0);
	}
	inventory_free(inv);

	/* The .ovf itself names the same package. */
	inv = ova_read(ovf, 1, &cause);
	CHECK(one(inv) != NULL && cause == NULL);
	inventory_free(inv);

	inv = ova_read(bad, 1, &cause);
	CHECK(inv == NULL);
	check_cause("ovfdir-bad", cause, "ovfdir-bad/web01.ovf: corrupt OVA: "
	    "the SHA256 checksum of disk 'web01-disk2.vmdk' does not match");
	free(cause);
	cause = NULL;
	inv = ova_read(bad, 0, &cause);
	CHECK(one(inv) != NULL && cause == NULL);
	inventory_free(inv);
	free(dir);
	free(ovf);
	free(bad);

	/* A folder must hold exactly one descriptor. */
	dir = unit_data_path("vmx");
	CHECK(ova_read(dir, 0, &cause) == NULL);
	check_cause("no ovf", cause, "holds no .ovf descriptor");
	free(cause);
	cause = NULL;
	free(dir);
	dir = unit_data_path("ovf");
	CHECK(ova_read(dir, 0, &cause) == NULL);
	check_cause("many ovf", cause, ".ovf descriptors: give the path of "
	    "one of them");
	free(cause);
	free(dir);
}

static void
test_ova_long_names_and_header_sizes(void)
{
	static const char *files[] = { "ova/long-pax.ova", "ova/long-gnu.ova" };
	struct inventory *inv;
	struct vm *vm;
	size_t i;
	char *path;

	for (i = 0; i < 2; i++) {
		path = unit_data_path(files[i]);
		inv = ova_read(path, 1, NULL);
		if ((vm = one(inv)) != NULL) {
			/* The OVF gives neither: the qcow2 header does. */
			CHECK(vm->ndisks == 1 && vm->disks[0].format ==
			    DISK_FORMAT_QCOW2 && vm->disks[0].capacity ==
			    2ULL << 20);
			CHECK(vm->nproblems == 0);
		}
		inventory_free(inv);
		free(path);
	}
}

static void
test_ova_missing_disk(void)
{
	char *path = unit_data_path("ova/missing-disk.ova");
	struct inventory *inv = ova_read(path, 1, NULL);
	struct vm *vm;

	if ((vm = one(inv)) != NULL) {
		CHECK(vm->nproblems == 1);
		CHECK(has_problem_text(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
		    "file 'web01-disk2.vmdk' is not in the OVA"));
	}
	inventory_free(inv);
	free(path);
}

static void
test_ova_hostile(void)
{
	char *path = unit_data_path("ova/hostile.ova"), *cause = NULL;
	struct inventory *inv = ova_read(path, 1, &cause);
	struct vm *vm;

	CHECK(cause == NULL);
	if ((vm = one(inv)) != NULL) {
		CHECK(strstr(vm->name, "$(reboot) `id`\nline2") != NULL);
		CHECK(vm->ndisks == 4);
		if (vm->ndisks == 4) {
			/* Read through the archive: a name, not a path. */
			CHECK_STR(vm->disks[0].path, "disk $(reboot) \"q\" 'x' "
			    "\xc3\xbc.vmdk");
			CHECK(vm->disks[0].allocation == 14336);
			/* ../../etc/passwd: flagged, and neither the member
			 * nor the file on this machine is read for it. */
			CHECK_STR(vm->disks[1].path, "../../etc/passwd");
			CHECK(vm->disks[1].allocation == 0);
			CHECK(vm->disks[1].format == DISK_FORMAT_UNKNOWN);
		}
		CHECK(vm->nproblems == 3);
		CHECK(has_problem_text(vm, PROBLEM_UNSUPPORTED_DISK,
		    "'../../etc/passwd', which is not a file inside the "
		    "package"));
	}
	inventory_free(inv);
	free(path);
}

static void
check_ova_fails(const char *file, const char *want)
{
	char *path = unit_data_path(file), *cause = NULL;
	struct inventory *inv = ova_read(path, 1, &cause);

	CHECK(inv == NULL);
	inventory_free(inv);
	check_cause(file, cause, want);
	free(cause);
	free(path);
}

static void
test_ova_broken(void)
{
	check_ova_fails("ova/truncated.ova", "truncated.ova: the OVA is "
	    "truncated: member 'web01-disk1.vmdk' needs 14336 bytes");
	check_ova_fails("ova/badsum.ova", "badsum.ova: the OVA is corrupt: the "
	    "tar header at byte 9728 is damaged (bad header checksum");
	check_ova_fails("ova/not-a-tar.ova", "not-a-tar.ova: the file is not a "
	    "tar archive, so not an OVA");
	check_ova_fails("ova/two-ovf.ova", "holds 2 .ovf descriptors");
	check_ova_fails("ova/empty.ova", "the archive holds no files");
	check_ova_fails("ova/huge-size.ova", "needs 4611686018427387904 bytes");
	check_ova_fails("ova/no-such.ova", "no-such.ova: No such file or "
	    "directory");
}

static void
test_vmx_folder(void)
{
	char *path = unit_data_path("vmx/web01/web01.vmx"), *dir = unit_data_path("vmx/web01");
	char *want, *cause = NULL;
	struct inventory *inv = vmx_read(path, &cause);
	struct vm *vm;
	struct stat st;

	CHECK(cause == NULL);
	if ((vm = one(inv)) != NULL) {
		CHECK_STR(vm->name, "web01");
		CHECK(vm->ndisks == 2);
		if (vm->ndisks == 2) {
			xasprintf(&want, "%s/web01.vmdk", dir);
			CHECK_STR(vm->disks[0].path, want);
			free(want);
			/* The descriptor's extent: 64 sectors. */
			CHECK(vm->disks[0].format == DISK_FORMAT_VMDK);
			CHECK(vm->disks[0].capacity == 32768);
			xasprintf(&want, "%s/web01-flat.vmdk", dir);
			CHECK(stat(want, &st) == 0 && vm->disks[0].allocation ==
			    (uint64_t)st.st_blocks * 512);
			free(want);
			CHECK(vm->disks[1].capacity == 49152);
		}
		CHECK(vm->nproblems == 0);
	}
	inventory_free(inv);
	free(path);
	free(dir);

	/* Disks on datastores this machine does not have. */
	path = unit_data_path("vmx/esxi70-win2019.vmx");
	inv = vmx_read(path, NULL);
	if ((vm = one(inv)) != NULL) {
		CHECK(vm->nproblems == 2);
		CHECK(has_problem_text(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
		    "nvme0n1: /vmfs/volumes/datastore-ssd01/win2019-dc01/"
		    "win2019-dc01.vmdk is not on this machine"));
		CHECK(vm->ndisks == 2 && vm->disks[0].capacity == 0);
	}
	inventory_free(inv);
	free(path);

	path = unit_data_path("vmx/bad-unterminated.vmx");
	CHECK(vmx_read(path, &cause) == NULL);
	check_cause("bad vmx", cause, "bad-unterminated.vmx: the .vmx is "
	    "malformed: line 2");
	free(cause);
	cause = NULL;
	free(path);
	path = unit_data_path("vmx");
	CHECK(vmx_read(path, &cause) == NULL);
	check_cause("a folder", cause, "is not a file");
	free(cause);
	free(path);
}

static void
test_xml_file(void)
{
	char *xml = unit_tmp_path("domain.xml"), *qcow = unit_data_path("diskimg/tiny.qcow2");
	char *raw = unit_data_path("diskimg/tiny.raw"), *cause = NULL;
	struct inventory *inv;
	struct vm *vm;
	FILE *f;

	f = fopen(xml, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fprintf(f, "<domain type='kvm'>\n"
	    "  <name>local-vm</name>\n"
	    "  <memory unit='MiB'>1024</memory>\n"
	    "  <vcpu>1</vcpu>\n"
	    "  <os><type arch='x86_64'>hvm</type></os>\n"
	    "  <devices>\n"
	    "    <disk type='file' device='disk'>\n"
	    "      <driver name='qemu' type='qcow2'/>\n"
	    "      <source file='%s'/><target dev='vda' bus='virtio'/>\n"
	    "    </disk>\n"
	    "    <disk type='file' device='disk'>\n"
	    "      <driver name='qemu' type='qcow2'/>\n"
	    "      <source file='%s'/><target dev='vdb' bus='virtio'/>\n"
	    "    </disk>\n"
	    "    <disk type='file' device='disk'>\n"
	    "      <source file='/nonexistent/vi-test/disk.img'/>\n"
	    "      <target dev='vdc' bus='virtio'/>\n"
	    "    </disk>\n"
	    "    <disk type='volume' device='disk'>\n"
	    "      <source pool='default' volume='data.img'/>\n"
	    "      <target dev='vdd' bus='virtio'/>\n"
	    "    </disk>\n"
	    "  </devices>\n"
	    "</domain>\n", qcow, raw);
	fclose(f);

	inv = xmlfile_read(xml, &cause);
	CHECK(cause == NULL);
	if ((vm = one(inv)) != NULL) {
		CHECK_STR(vm->name, "local-vm");
		CHECK(vm->ndisks == 4);
		if (vm->ndisks == 4) {
			CHECK(vm->disks[0].format == DISK_FORMAT_QCOW2);
			CHECK(vm->disks[0].capacity == 1ULL << 20);
			CHECK(vm->disks[0].allocation > 0);
			/* Declared qcow2, really raw: the file wins. */
			CHECK(vm->disks[1].format == DISK_FORMAT_RAW);
			CHECK(vm->disks[1].capacity == 40960);
			CHECK(vm->disks[2].capacity == 0);
			CHECK_STR(vm->disks[3].path, "default/data.img");
		}
		CHECK(has_problem_text(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
		    "vdb: the XML says qcow2 but"));
		CHECK(has_problem_text(vm, PROBLEM_UNSUPPORTED_DISK, "disk "
		    "vdc: /nonexistent/vi-test/disk.img is missing"));
		CHECK(vm->nproblems == 2);
	}
	inventory_free(inv);
	unlink(xml);
	free(xml);
	free(qcow);
	free(raw);

	xml = unit_data_path("ovf/vbox61-ubuntu.ovf");
	CHECK(xmlfile_read(xml, &cause) == NULL);
	check_cause("an OVF as XML", cause, "vbox61-ubuntu.ovf: the document "
	    "is not a libvirt domain");
	free(cause);
	free(xml);
}

static void
check_export(const char *rel)
{
	char *path = unit_data_path(rel), *cause = NULL, *want;
	struct inventory *inv = export_read(path, &cause);
	struct vm *vm, *broken;

	CHECK(cause == NULL);
	CHECK(inv != NULL && inv->nvms == 2);
	if (inv == NULL || inv->nvms != 2) {
		inventory_free(inv);
		free(path);
		return;
	}
	vm = inv->vms[0];
	broken = inv->vms[1];
	if (strcmp(vm->name, "rhel8-app01") != 0) {
		vm = inv->vms[1];
		broken = inv->vms[0];
	}
	CHECK_STR(vm->name, "rhel8-app01");
	CHECK(vm->detailed);
	CHECK_STR(vm->uuid, "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a");
	CHECK(vm->ndisks == 2);
	if (vm->ndisks == 2) {
		xasprintf(&want, "/" SD "/images/8f3c2a1e-5b6d-4e7f-9a0b-"
		    "1c2d3e4f5a60/2a7b9c1d-3e4f-4a5b-8c6d-7e8f9a0b1c2d");
		CHECK(vm->disks[0].path != NULL && strstr(vm->disks[0].path,
		    want) != NULL);
		free(want);
		/* Exact sizes from the volumes, not the OVF's GiB. */
		CHECK(vm->disks[0].format == DISK_FORMAT_QCOW2);
		CHECK(vm->disks[0].capacity == 49152);
		CHECK(vm->disks[1].capacity == 3ULL << 20);
	}
	CHECK(vm_has_problem(vm, PROBLEM_SNAPSHOTS));
	CHECK(vm->nproblems == 1);

	/* The VM whose OVF is broken is listed by its id, unreadable. */
	CHECK_STR(broken->name, "6f708192-a3b4-4c5d-8e7f-8091a2b3c4d5");
	CHECK(!broken->detailed);
	CHECK(has_problem_text(broken, PROBLEM_UNREADABLE, "cannot read the "
	    "OVF of this VM: the OVF descriptor is malformed"));
	inventory_free(inv);
	free(path);
}

static void
test_export_domain(void)
{
	char *path, *cause = NULL;

	check_export("export");			/* the mount point */
	check_export("export/" SD);		/* the domain's folder */

	path = unit_data_path("ova");
	CHECK(export_read(path, &cause) == NULL);
	check_cause("not a domain", cause, "is not an oVirt export domain");
	free(cause);
	free(path);
}

static void
test_dir_scan(void)
{
	char *path = unit_data_path("dir"), *cause = NULL;
	struct inventory *inv = dir_read(path, &cause);
	size_t i, web01 = 0, detailed = 0;
	struct vm *broken = NULL;

	CHECK(cause == NULL);
	/*
	 * web01.ova, ubuntu.ova, broken.ova, db01.xml, vmware/web01.vmx,
	 * ovf-export/web01.ovf; not .hidden.ova, inventory.xml, notes.txt,
	 * nor deep/deeper/too-deep.ova.
	 */
	CHECK(inv != NULL && inv->nvms == 6);
	for (i = 0; inv != NULL && i < inv->nvms; i++) {
		if (strcmp(inv->vms[i]->name, "web01") == 0)
			web01++;
		if (strcmp(inv->vms[i]->name, "broken.ova") == 0)
			broken = inv->vms[i];
		if (inv->vms[i]->detailed)
			detailed++;
	}
	CHECK(web01 == 3);
	CHECK(detailed == 5);
	CHECK(inv != NULL && inventory_find(inv, "db01") != NULL &&
	    inventory_find(inv, "ubuntu-20.04") != NULL);
	CHECK(broken != NULL && !broken->detailed && has_problem_text(broken,
	    PROBLEM_UNREADABLE, "broken.ova: the OVA is truncated"));
	inventory_free(inv);
	free(path);

	path = unit_data_path("diskimg");
	CHECK(dir_read(path, &cause) == NULL);
	check_cause("no sources", cause, "holds no .ova, .ovf, .vmx or libvirt "
	    "domain .xml file");
	free(cause);
	cause = NULL;
	free(path);
	path = unit_data_path("no-such-folder");
	CHECK(dir_read(path, &cause) == NULL);
	check_cause("missing", cause, "cannot open folder");
	free(cause);
	free(path);
}

int
main(void)
{
	RUN(test_ova_ovftool);
	RUN(test_ova_virtualbox_sha1);
	RUN(test_ova_bad_digest);
	RUN(test_ova_manifest_cases);
	RUN(test_ova_descriptor_in_a_folder);
	RUN(test_ova_folder);
	RUN(test_ova_long_names_and_header_sizes);
	RUN(test_ova_missing_disk);
	RUN(test_ova_hostile);
	RUN(test_ova_broken);
	RUN(test_vmx_folder);
	RUN(test_xml_file);
	RUN(test_export_domain);
	RUN(test_dir_scan);
	return unit_done();
}
