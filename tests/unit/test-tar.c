/*
 * Unit tests: tar.c, one header at a time (blocks built here) and whole
 * archives: OVAs written by GNU tar in ustar, pax and GNU formats, by
 * Python's tarfile, and broken ones (tests/unit/data/ova/, made by
 * make-fixtures), plus sparse archives made here whose members are far
 * larger than anything a test could read.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

/* A header block: name, size, type, magic; the checksum computed. */
static void
block(unsigned char *b, const char *name, unsigned long long size, char type,
    int gnu)
{
	unsigned sum = 0;
	size_t i;

	memset(b, 0, 512);
	memcpy(b, name, strlen(name) < 100 ? strlen(name) : 100);
	memcpy(b + 100, "0000644", 7);
	memcpy(b + 108, "0000000", 7);
	memcpy(b + 116, "0000000", 7);
	if (size < 077777777777ULL)
		snprintf((char *)b + 124, 12, "%011llo", size);
	else {
		b[124] = 0x80;
		for (i = 0; i < 8; i++)
			b[135 - i] = (unsigned char)(size >> (8 * i));
	}
	memcpy(b + 136, "14060000547", 11);
	b[156] = (unsigned char)type;
	memcpy(b + 257, gnu ? "ustar  " : "ustar\00000", 8);
	memset(b + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	b[155] = ' ';
}

static char *
data_path(const char *name)
{
	char *rel, *path;

	xasprintf(&rel, "ova/%s", name);
	path = unit_data_path(rel);
	free(rel);
	return path;
}

/* tar_index over a fixture; *n entries or NULL with *cause. */
static struct tar_entry *
index_of(const char *name, size_t *n, char **cause)
{
	char *path = data_path(name);
	struct tar_entry *e;
	int fd;

	*n = 0;
	if ((fd = open(path, O_RDONLY)) < 0) {
		unit_fail(__FILE__, __LINE__, path);
		free(path);
		return NULL;
	}
	e = tar_index(fd, n, cause);
	close(fd);
	free(path);
	return e;
}

static void
test_header_ustar(void)
{
	unsigned char b[512];
	struct tar_entry e;
	char *cause = NULL;

	block(b, "web01.ovf", 9021, '0', 0);
	CHECK(tar_header_parse(b, &e, &cause) == 0);
	CHECK_STR(e.name, "web01.ovf");
	CHECK(e.size == 9021);
	CHECK(e.type == '0');
	CHECK(e.offset == 0);
	free(e.name);

	/* A NUL type flag is a file, as in pre-POSIX tars. */
	block(b, "old.vmdk", 0, '\0', 0);
	CHECK(tar_header_parse(b, &e, &cause) == 0);
	CHECK(e.type == '0');
	free(e.name);

	/* POSIX splits long paths into prefix and name. */
	block(b, "disk1.vmdk", 512, '0', 0);
	memcpy(b + 345, "exports/2021", 12);
	memset(b + 148, ' ', 8);
	{
		unsigned sum = 0;
		size_t i;

		for (i = 0; i < 512; i++)
			sum += b[i];
		snprintf((char *)b + 148, 8, "%06o", sum);
		b[155] = ' ';
	}
	CHECK(tar_header_parse(b, &e, &cause) == 0);
	CHECK_STR(e.name, "exports/2021/disk1.vmdk");
	free(e.name);
	CHECK(cause == NULL);
}

static void
test_header_gnu_base256(void)
{
	unsigned char b[512];
	struct tar_entry e;
	char *cause = NULL;

	/* 9 GiB does not fit in 11 octal digits: GNU writes base-256. */
	block(b, "big-disk1.vmdk", 9ULL << 30, '0', 1);
	CHECK(b[124] == 0x80);
	CHECK(tar_header_parse(b, &e, &cause) == 0);
	CHECK(e.size == 9ULL << 30);
	free(e.name);

	/* GNU headers keep other fields where POSIX has its prefix. */
	block(b, "gnu.vmdk", 1, '0', 1);
	CHECK(tar_header_parse(b, &e, &cause) == 0);
	CHECK_STR(e.name, "gnu.vmdk");
	free(e.name);

	/* A negative base-256 number is no size. */
	block(b, "neg.vmdk", 1, '0', 1);
	memset(b + 124, 0xff, 12);
	memset(b + 148, ' ', 8);
	{
		unsigned sum = 0;
		size_t i;

		for (i = 0; i < 512; i++)
			sum += b[i];
		snprintf((char *)b + 148, 8, "%06o", sum);
		b[155] = ' ';
	}
	CHECK(tar_header_parse(b, &e, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "size") != NULL);
	free(cause);
}

static void
test_header_errors(void)
{
	unsigned char b[512];
	struct tar_entry e;
	char *cause = NULL;

	memset(b, 0, sizeof b);
	CHECK(tar_header_parse(b, &e, &cause) == 1);	/* end of archive */
	CHECK(cause == NULL);

	block(b, "web01.ovf", 100, '0', 0);
	b[0] = 'W';			/* changed after the checksum */
	CHECK(tar_header_parse(b, &e, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "checksum") != NULL);
	free(cause);
	cause = NULL;

	memset(b, 'x', sizeof b);		/* no tar at all */
	CHECK(tar_header_parse(b, &e, &cause) == -1);
	CHECK_STR(cause, "not a tar header");
	free(cause);
	cause = NULL;

	block(b, "web01.ovf", 100, '0', 0);
	memcpy(b + 124, "12x45670000", 11);	/* garbled size */
	memset(b + 148, ' ', 8);
	{
		unsigned sum = 0;
		size_t i;

		for (i = 0; i < 512; i++)
			sum += b[i];
		snprintf((char *)b + 148, 8, "%06o", sum);
		b[155] = ' ';
	}
	CHECK(tar_header_parse(b, &e, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "size") != NULL);
	free(cause);

	/* NULL cause is allowed. */
	memset(b, 'x', sizeof b);
	CHECK(tar_header_parse(b, &e, NULL) == -1);
}

/* Old tars summed the header as signed chars: both sums are accepted. */
static void
test_header_signed_checksum(void)
{
	unsigned char b[512];
	struct tar_entry e;
	int sum = 0;
	size_t i;

	block(b, "caf\xc3\xa9.vmdk", 5, '0', 0);
	memset(b + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += (signed char)b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	b[155] = ' ';
	CHECK(tar_header_parse(b, &e, NULL) == 0);
	CHECK_STR(e.name, "caf\xc3\xa9.vmdk");
	free(e.name);
}

static void
test_index_ovftool_ova(void)
{
	struct tar_entry *e;
	char *cause = NULL, *path = data_path("web01.ova"), *dir;
	unsigned char head[8];
	struct stat st;
	size_t n, i;
	int fd;

	e = index_of("web01.ova", &n, &cause);
	CHECK(e != NULL && n == 4);
	CHECK(cause == NULL);
	if (e == NULL || n != 4) {
		free(path);
		tar_entries_free(e, n);
		return;
	}
	CHECK_STR(e[0].name, "web01.ovf");
	CHECK_STR(e[1].name, "web01.mf");
	CHECK_STR(e[2].name, "web01-disk1.vmdk");
	CHECK_STR(e[3].name, "web01-disk2.vmdk");
	CHECK(e[0].offset == 512);

	/* Sizes are the files' own; offsets point at their first bytes. */
	xasprintf(&dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	fd = open(path, O_RDONLY);
	for (i = 0; i < n; i++) {
		char *f;

		CHECK(e[i].type == '0');
		CHECK(e[i].offset % 512 == 0);
		xasprintf(&f, "%s/ovfdir/%s", dir, e[i].name);
		CHECK(stat(f, &st) == 0 && (uint64_t)st.st_size == e[i].size);
		free(f);
		CHECK(pread(fd, head, sizeof head, (off_t)e[i].offset) ==
		    (ssize_t)sizeof head);
		if (i == 0)
			CHECK(memcmp(head, "<?xml", 5) == 0);
		else if (i == 1)
			CHECK(memcmp(head, "SHA256(", 7) == 0);
		else
			CHECK(memcmp(head, "KDMV", 4) == 0);
	}
	close(fd);
	free(dir);
	free(path);
	tar_entries_free(e, n);
}

static void
test_index_long_names(void)
{
	static const char *longname = "appliance-with-a-very-long-name-"
	    "exported-by-a-build-pipeline-that-puts-everything-in-the-file-"
	    "name-disk1.qcow2";
	static const char *files[] = { "long-pax.ova", "long-gnu.ova" };
	struct tar_entry *e;
	size_t n, i;

	CHECK(strlen(longname) > 100);
	for (i = 0; i < 2; i++) {
		e = index_of(files[i], &n, NULL);
		CHECK(e != NULL && n == 2);
		if (e != NULL && n == 2) {
			CHECK_STR(e[0].name, "long.ovf");
			CHECK_STR(e[1].name, longname);
			CHECK(e[1].size > 512 && e[1].offset % 512 == 0);
		}
		tar_entries_free(e, n);
	}
}

static void
test_index_hostile_names_are_data(void)
{
	struct tar_entry *e;
	size_t n;

	e = index_of("hostile.ova", &n, NULL);
	CHECK(e != NULL && n == 3);
	if (e != NULL && n == 3) {
		CHECK_STR(e[0].name, "hostile.ovf");
		/* Non-ASCII: a pax path= record. */
		CHECK_STR(e[1].name, "disk $(reboot) \"q\" 'x' \xc3\xbc.vmdk");
		CHECK_STR(e[2].name, "../../etc/passwd");
		CHECK(e[2].size == 36);
	}
	tar_entries_free(e, n);
}

static void
check_index_fails(const char *file, const char *want1, const char *want2)
{
	struct tar_entry *e;
	char *cause = NULL;
	size_t n = 99;

	e = index_of(file, &n, &cause);
	CHECK(e == NULL && n == 0);
	CHECK(cause != NULL);
	if (cause != NULL) {
		if (strstr(cause, want1) == NULL || strstr(cause, want2) ==
		    NULL) {
			char m[512];

			snprintf(m, sizeof m, "%s: '%s' lacks '%s' or '%s'",
			    file, cause, want1, want2);
			unit_fail(__FILE__, __LINE__, m);
		}
		CHECK(cause[strlen(cause) - 1] != '.');
	}
	free(cause);
	tar_entries_free(e, n);
}

static void
test_index_broken_archives(void)
{
	check_index_fails("truncated.ova", "the OVA is truncated: member "
	    "'web01-disk1.vmdk' needs 14336 bytes", "copy it again");
	check_index_fails("badsum.ova", "the OVA is corrupt: the tar header at "
	    "byte ", "checksum");
	check_index_fails("not-a-tar.ova", "not a tar archive", "not an OVA");
	check_index_fails("empty.ova", "holds no files", "not an OVA");
	check_index_fails("huge-size.ova", "needs 4611686018427387904 bytes",
	    "but the file ends at byte 14336");
}

/* Write blocks, then make the file size bytes long (sparse). */
static char *
sparse_archive(const char *name, const unsigned char *blocks, size_t len,
    unsigned long long size)
{
	char *path = unit_tmp_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, blocks, len) == (ssize_t)len);
		CHECK(ftruncate(fd, (off_t)size) == 0);
		close(fd);
	}
	return path;
}

/*
 * A terabyte member: indexing must seek over it, never read it (reading
 * would take hours, and the runner's timeout would fail the test first).
 */
static void
test_index_seeks_over_data(void)
{
	unsigned long long tb = 1ULL << 40;
	unsigned char b[3 * 512];
	struct tar_entry *e;
	char *path, *cause = NULL;
	struct timespec t0, t1;
	size_t n;
	int fd;

	memset(b, 0, sizeof b);
	block(b, "ovf.ovf", 10, '0', 0);
	memcpy(b + 512, "<Envelope/>", 10);
	block(b + 1024, "huge.vmdk", tb, '0', 1);
	path = sparse_archive("tb.ova", b, sizeof b, 1536 + tb + 1024);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open(path, O_RDONLY);
	e = tar_index(fd, &n, &cause);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(e != NULL && n == 2);
	if (e != NULL && n == 2) {
		CHECK_STR(e[1].name, "huge.vmdk");
		CHECK(e[1].size == tb);
		CHECK(e[1].offset == 1536);
	}
	CHECK(t1.tv_sec - t0.tv_sec < 5);
	CHECK(cause == NULL);
	tar_entries_free(e, n);
	unlink(path);
	free(path);
}

/* pax: path= and size= from an 'x' header apply to the next member. */
static void
test_index_pax_records(void)
{
	static const char recs[] =
	    "30 mtime=1623663687.123456789\n"
	    "23 size=10995116277760\n"
	    "58 path=./a/pax/path/that/is/not/in/the/ustar/header.vmdk\n";
	unsigned char b[4 * 512];
	struct tar_entry *e;
	char *path, *cause = NULL;
	size_t n;
	int fd;

	CHECK(strlen(recs) == 30 + 23 + 58);
	memset(b, 0, sizeof b);
	block(b, "PaxHeaders.0/header.vmdk", strlen(recs), 'x', 0);
	memcpy(b + 512, recs, strlen(recs));
	block(b + 1024, "header.vmdk", 0, '0', 0);
	/* 10 TiB of data, then the end. */
	path = sparse_archive("pax.ova", b, 1536, 1536 + 10995116277760ULL +
	    1024);
	fd = open(path, O_RDONLY);
	e = tar_index(fd, &n, &cause);
	close(fd);
	CHECK(e != NULL && n == 1);
	if (e != NULL && n == 1) {
		CHECK_STR(e[0].name, "a/pax/path/that/is/not/in/the/ustar/"
		    "header.vmdk");		/* and without its "./" */
		CHECK(e[0].size == 10995116277760ULL);
		CHECK(e[0].offset == 1536);
	}
	if (cause != NULL)
		unit_fail(__FILE__, __LINE__, cause);
	tar_entries_free(e, n);
	unlink(path);
	free(path);

	/* A record whose length lies. */
	memset(b, 0, sizeof b);
	block(b, "PaxHeaders.0/x", 20, 'x', 0);
	memcpy(b + 512, "99 path=liar.vmdk\n\n\n", 20);
	block(b + 1024, "x", 0, '0', 0);
	path = sparse_archive("pax-bad.ova", b, 2048, 2048);
	fd = open(path, O_RDONLY);
	e = tar_index(fd, &n, &cause);
	close(fd);
	CHECK(e == NULL && cause != NULL && strstr(cause, "pax") != NULL);
	free(cause);
	unlink(path);
	free(path);
}

/* An archive that simply stops after a member, without end blocks. */
static void
test_index_without_end_blocks(void)
{
	unsigned char b[2 * 512];
	struct tar_entry *e;
	char *path;
	size_t n;
	int fd;

	memset(b, 0, sizeof b);
	block(b, "web01.ovf", 3, '0', 0);
	memcpy(b + 512, "abc", 3);
	path = sparse_archive("noend.ova", b, sizeof b, sizeof b);
	fd = open(path, O_RDONLY);
	e = tar_index(fd, &n, NULL);
	close(fd);
	CHECK(e != NULL && n == 1 && e[0].size == 3);
	tar_entries_free(e, n);

	/* A file shorter than a header is no archive. */
	{
		char *p2 = unit_tmp_path("short.ova"), *cause = NULL;

		fd = open(p2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(write(fd, "hello\n", 6) == 6);
		close(fd);
		fd = open(p2, O_RDONLY);
		e = tar_index(fd, &n, &cause);
		close(fd);
		CHECK(e == NULL && cause != NULL && strstr(cause, "is 6 bytes, "
		    "too short for a tar archive") != NULL);
		free(cause);
		unlink(p2);
		free(p2);
	}

	/* But one that stops inside a header is truncated. */
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(write(fd, "ustar", 5) == 5);
	close(fd);
	{
		char *cause = NULL;

		fd = open(path, O_RDONLY);
		e = tar_index(fd, &n, &cause);
		close(fd);
		CHECK(e == NULL && cause != NULL &&
		    strstr(cause, "ends inside the header at byte 1024") !=
		    NULL);
		free(cause);
	}
	unlink(path);
	free(path);
}

int
main(void)
{
	RUN(test_header_ustar);
	RUN(test_header_gnu_base256);
	RUN(test_header_errors);
	RUN(test_header_signed_checksum);
	RUN(test_index_ovftool_ova);
	RUN(test_index_long_names);
	RUN(test_index_hostile_names_are_data);
	RUN(test_index_broken_archives);
	RUN(test_index_seeks_over_data);
	RUN(test_index_pax_records);
	RUN(test_index_without_end_blocks);
	return unit_done();
}
