/*
 * Unit tests: diskimg.c on headers built here and on images qemu-img made
 * (tests/unit/data/diskimg/, by make-fixtures): qcow2 v2 and v3, VMDK
 * stream-optimised and text descriptors with flat and zero extents, VDI,
 * dynamic and fixed VHD, raw; and on files that are not images at all.
 * The expected sizes are what `qemu-img info` reports for the same files
 * (for the fixed VHD, which qemu-img takes for raw, the footer's size).
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char *
data_path(const char *name)
{
	const char *top = getenv("VI_TOP");
	char *path;

	xasprintf(&path, "%s/tests/unit/data/diskimg/%s", top != NULL ? top :
	    ".", name);
	return path;
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static void
put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void
test_header_qcow2(void)
{
	unsigned char h[512];
	enum disk_format f;
	uint64_t size;

	memset(h, 0, sizeof h);
	memcpy(h, "QFI\xfb", 4);
	put_be(h + 4, 3, 4);
	put_be(h + 24, 80ULL << 30, 8);
	CHECK(diskimg_probe_header(h, sizeof h, 196608, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_QCOW2 && size == 80ULL << 30);

	put_be(h + 4, 2, 4);
	CHECK(diskimg_probe_header(h, sizeof h, 196608, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_QCOW2);

	/* qcow version 1 has its size in the same place, but is no qcow2. */
	put_be(h + 4, 1, 4);
	CHECK(diskimg_probe_header(h, sizeof h, 196608, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_UNKNOWN && size == 80ULL << 30);

	put_be(h + 4, 7, 4);
	CHECK(diskimg_probe_header(h, sizeof h, 196608, &f, &size) == -1);
	CHECK(f == DISK_FORMAT_QCOW2);

	put_be(h + 4, 3, 4);
	CHECK(diskimg_probe_header(h, 31, 31, &f, &size) == -1);
	CHECK(f == DISK_FORMAT_QCOW2 && size == 0);
}

static void
test_header_vmdk_vdi_vhd(void)
{
	unsigned char h[512];
	enum disk_format f;
	uint64_t size;

	memset(h, 0, sizeof h);
	memcpy(h, "KDMV", 4);
	put_le(h + 4, 3, 4);
	put_le(h + 12, 83886080, 8);		/* sectors: 40 GiB */
	CHECK(diskimg_probe_header(h, sizeof h, 70000, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_VMDK && size == 40ULL << 30);
	put_le(h + 12, UINT64_MAX / 256, 8);	/* overflows in bytes */
	CHECK(diskimg_probe_header(h, sizeof h, 70000, &f, &size) == -1);
	CHECK(diskimg_probe_header(h, 19, 19, &f, &size) == -1);

	memset(h, 0, sizeof h);
	memcpy(h, "COWD", 4);
	put_le(h + 12, 2097152, 4);		/* ESX 2: 1 GiB */
	CHECK(diskimg_probe_header(h, sizeof h, 70000, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_VMDK && size == 1ULL << 30);

	memset(h, 0, sizeof h);
	memcpy(h, "<<< Oracle VM VirtualBox Disk Image >>>\n", 40);
	put_le(h + 64, 0xbeda107f, 4);
	put_le(h + 368, 25ULL << 30, 8);
	CHECK(diskimg_probe_header(h, sizeof h, 70000, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_VDI && size == 25ULL << 30);
	CHECK(diskimg_probe_header(h, 300, 300, &f, &size) == -1);

	memset(h, 0, sizeof h);
	memcpy(h, "conectix", 8);
	put_be(h + 48, 127ULL << 30, 8);
	CHECK(diskimg_probe_header(h, sizeof h, 70000, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_VHD && size == 127ULL << 30);
}

static void
test_header_descriptor_and_raw(void)
{
	static const char desc[] =
	    "# Disk DescriptorFile\r\nversion=1\r\ncreateType=\"vmfs\"\r\n"
	    "RW 83886080 VMFS \"a-flat.vmdk\"\r\nRDONLY 2048 SPARSE "
	    "\"a-s001.vmdk\"\r\nNOACCESS 2048 ZERO\r\n";
	static const char bare[] = "version=1\ncreateType=\"monolithicFlat\"\n"
	    "RW 100 FLAT \"b.vmdk\" 0\n";
	static const char garbled[] = "# Disk DescriptorFile\nRW -5 FLAT "
	    "\"x\"\n";
	static const char none[] = "# Disk DescriptorFile\nversion=1\n";
	enum disk_format f;
	uint64_t size;

	CHECK(diskimg_probe_header((const unsigned char *)desc, strlen(desc),
	    strlen(desc), &f, &size) == 0);
	CHECK(f == DISK_FORMAT_VMDK && size == (83886080ULL + 4096) * 512);

	/* Without the comment line, createType= still tells it. */
	CHECK(diskimg_probe_header((const unsigned char *)bare, strlen(bare),
	    strlen(bare), &f, &size) == 0);
	CHECK(f == DISK_FORMAT_VMDK && size == 100 * 512);

	/* Only a whole descriptor counts: part of a bigger file is raw. */
	CHECK(diskimg_probe_header((const unsigned char *)bare, strlen(bare),
	    1ULL << 30, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_RAW && size == 1ULL << 30);

	CHECK(diskimg_probe_header((const unsigned char *)garbled,
	    strlen(garbled), strlen(garbled), &f, &size) == -1);
	CHECK(f == DISK_FORMAT_VMDK);
	CHECK(diskimg_probe_header((const unsigned char *)none, strlen(none),
	    strlen(none), &f, &size) == -1);

	/* Anything else is raw, as large as the file, even nothing. */
	CHECK(diskimg_probe_header((const unsigned char *)"\xeb\x63\x90", 3,
	    10737418240ULL, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_RAW && size == 10737418240ULL);
	CHECK(diskimg_probe_header(NULL, 0, 0, &f, &size) == 0);
	CHECK(f == DISK_FORMAT_RAW && size == 0);
}

static void
check_probe(const char *name, enum disk_format format, uint64_t capacity)
{
	char *path = data_path(name), *cause = NULL, m[512];
	struct disk d;
	struct stat st;

	memset(&d, 0, sizeof d);
	if (diskimg_probe(path, &d, &cause) != 0) {
		snprintf(m, sizeof m, "%s: %s", name, cause);
		unit_fail(__FILE__, __LINE__, m);
	} else if (d.format != format || d.capacity != capacity) {
		snprintf(m, sizeof m, "%s: %s %llu, not %s %llu", name,
		    disk_format_name(d.format), (unsigned long long)d.capacity,
		    disk_format_name(format), (unsigned long long)capacity);
		unit_fail(__FILE__, __LINE__, m);
	} else if (strstr(name, ".vmdk") == NULL ||
	    format != DISK_FORMAT_VMDK || strcmp(name, "stream.vmdk") == 0) {
		/* Allocation: the file's own blocks. */
		CHECK(stat(path, &st) == 0 &&
		    d.allocation == (uint64_t)st.st_blocks * 512);
	}
	free(cause);
	free(path);
}

static void
test_probe_qemu_img_files(void)
{
	check_probe("tiny.qcow2", DISK_FORMAT_QCOW2, 1ULL << 20);
	check_probe("tiny-v2.qcow2", DISK_FORMAT_QCOW2, 3ULL << 20);
	check_probe("stream.vmdk", DISK_FORMAT_VMDK, 3ULL << 20);
	check_probe("tiny.vdi", DISK_FORMAT_VDI, 2ULL << 20);
	check_probe("dynamic.vhd", DISK_FORMAT_VHD, 1079296);	/* CHS */
	check_probe("fixed.vhd", DISK_FORMAT_VHD, 34816);
	check_probe("tiny.raw", DISK_FORMAT_RAW, 40960);
	check_probe("flat.vmdk", DISK_FORMAT_VMDK, 32768);
	check_probe("flat-flat.vmdk", DISK_FORMAT_RAW, 32768);
	check_probe("multi.vmdk", DISK_FORMAT_VMDK, 4096 * 512);
	check_probe("no-header-descriptor.vmdk", DISK_FORMAT_VMDK, 32768);
	check_probe("notes.txt", DISK_FORMAT_RAW, 29);
}

/* A descriptor's allocation is its extents'. */
static void
test_descriptor_allocation(void)
{
	char *path = data_path("multi.vmdk");
	char *e1 = data_path("multi-f001.vmdk");
	char *e2 = data_path("multi-f002.vmdk");
	struct stat s1, s2;
	struct disk d;

	memset(&d, 0, sizeof d);
	CHECK(diskimg_probe(path, &d, NULL) == 0);
	CHECK(stat(e1, &s1) == 0 && stat(e2, &s2) == 0);
	CHECK(d.allocation == (uint64_t)(s1.st_blocks + s2.st_blocks) * 512);
	CHECK(d.allocation > 0);
	free(path);
	free(e1);
	free(e2);
}

static void
check_probe_fails(const char *path, const char *want)
{
	struct disk d;
	char *cause = NULL, m[512];

	memset(&d, 0, sizeof d);
	d.capacity = 12345;
	CHECK(diskimg_probe(path, &d, &cause) == -1);
	CHECK(d.capacity == 12345 && d.format == DISK_FORMAT_UNKNOWN);
	if (cause == NULL || strstr(cause, want) == NULL) {
		snprintf(m, sizeof m, "%s: '%s' lacks '%s'", path,
		    cause != NULL ? cause : "(null)", want);
		unit_fail(__FILE__, __LINE__, m);
	}
	free(cause);
}

static void
test_probe_refuses(void)
{
	const char *tmp = getenv("VI_TMP");
	char *p, *fifo;

	p = data_path("short.qcow2");
	check_probe_fails(p, "looks like a qcow2 image but its header is "
	    "damaged");
	free(p);
	p = data_path("bad-extent.vmdk");
	check_probe_fails(p, "its descriptor is damaged");
	free(p);
	p = data_path("missing-extent.vmdk");
	check_probe_fails(p, "its extent 'missing-extent-flat.vmdk' is "
	    "missing");
	free(p);
	p = data_path("escaping-extent.vmdk");
	check_probe_fails(p, "extent '../../../../etc/hostname' is not in its "
	    "folder");
	free(p);
	p = data_path("no-such-image.qcow2");
	check_probe_fails(p, "cannot open disk image");
	free(p);
	p = data_path("");
	check_probe_fails(p, "is not a disk image");
	free(p);

	/* A FIFO would block a reader that opened it blindly. */
	xasprintf(&fifo, "%s/disk.fifo", tmp != NULL ? tmp : "/tmp");
	unlink(fifo);
	CHECK(mkfifo(fifo, 0600) == 0);
	check_probe_fails(fifo, "is not a disk image");
	unlink(fifo);
	free(fifo);
}

int
main(void)
{
	RUN(test_header_qcow2);
	RUN(test_header_vmdk_vdi_vhd);
	RUN(test_header_descriptor_and_raw);
	RUN(test_probe_qemu_img_files);
	RUN(test_descriptor_allocation);
	RUN(test_probe_refuses);
	return unit_done();
}
