/*
 * Unit tests: manifest.c over manifests as ovftool (SHA256) and VirtualBox
 * (SHA1, with spaces) write them, with CRLF line ends, odd file names, and
 * broken ones (tests/unit/data/mf/).
 */
#include <stdlib.h>

#include "unit.h"

static char *
fixture(const char *name, size_t *len)
{
	return unit_fixture("mf", name, len);
}

static struct manifest_entry *
parse(const char *name, size_t *n, char **cause)
{
	size_t len;
	char *buf = fixture(name, &len);
	struct manifest_entry *m = manifest_parse(buf, len, n, cause);

	free(buf);
	return m;
}

static void
test_ovftool_sha256(void)
{
	struct manifest_entry *m;
	size_t n;

	m = parse("ovftool-sha256.mf", &n, NULL);
	CHECK(m != NULL && n == 3);
	if (m == NULL || n != 3)
		return;
	CHECK(m[0].algo == SHA_256);
	CHECK_STR(m[0].file, "web01.ovf");
	CHECK_STR(m[0].digest, "2d7a7e09a1f3c58b4d0e6f7a8b9c0d1e2f3a4b5c6d7e8f"
	    "90a1b2c3d4e5f60718");
	/* Upper-case digests come back lower-case. */
	CHECK_STR(m[1].file, "web01-disk1.vmdk");
	CHECK_STR(m[1].digest, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b82"
	    "2cd15d6c15b0f00a08");
	CHECK_STR(m[2].file, "web01-disk2.vmdk");
	manifest_free(m, n);
}

static void
test_virtualbox_sha1(void)
{
	struct manifest_entry *m;
	size_t n;

	m = parse("vbox-sha1.mf", &n, NULL);
	CHECK(m != NULL && n == 2);
	if (m == NULL || n != 2)
		return;
	CHECK(m[0].algo == SHA_1 && m[1].algo == SHA_1);
	CHECK_STR(m[0].file, "ubuntu-20.04.ovf");
	CHECK_STR(m[1].file, "ubuntu-20.04-disk001.vmdk");
	CHECK_STR(m[1].digest, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	manifest_free(m, n);
}

static void
test_crlf_blank_lines_and_odd_names(void)
{
	struct manifest_entry *m;
	size_t n;

	m = parse("crlf.mf", &n, NULL);
	CHECK(m != NULL && n == 3);
	if (m != NULL && n == 3) {
		CHECK_STR(m[0].file, "win2019-dc01.ovf");
		CHECK(strchr(m[0].digest, '\r') == NULL);
		CHECK(strlen(m[2].digest) == 64);
		CHECK_STR(m[2].file, "win2019-dc01-2.nvram");
	}
	manifest_free(m, n);

	/* Parentheses and '=' in names: the line is read from its end. */
	m = parse("odd-names.mf", &n, NULL);
	CHECK(m != NULL && n == 2);
	if (m != NULL && n == 2) {
		CHECK_STR(m[0].file, " disk (copy).vmdk ");
		CHECK(m[0].algo == SHA_256);
		CHECK_STR(m[1].file, "a)=b.vmdk");
		CHECK(m[1].algo == SHA_1);
	}
	manifest_free(m, n);

	m = parse("no-final-newline.mf", &n, NULL);
	CHECK(m != NULL && n == 1);
	manifest_free(m, n);
}

static void
check_fails(const char *name, const char *want)
{
	struct manifest_entry *m;
	char *cause = NULL;
	size_t n = 7;

	m = parse(name, &n, &cause);
	CHECK(m == NULL && n == 0);
	CHECK_CAUSE(name, cause, want);
	free(cause);
}

static void
test_broken_manifests(void)
{
	check_fails("bad-line.mf", "manifest line 3 is not of the form "
	    "'SHA256(file)= digest'");
	check_fails("bad-length.mf", "manifest line 1: the SHA1 digest of "
	    "'web01.ovf' has 64 hex digits instead of 40");
	check_fails("bad-sha512.mf", "manifest line 1 uses SHA512 digests");
	check_fails("bad-no-name.mf", "manifest line 1 names no file");
	check_fails("bad-empty.mf", "the manifest lists no files");
}

static void
test_hostile_bytes(void)
{
	static const char nul[] = "SHA1(a\0b)= da39a3ee5e6b4b0d3255bfef95601890"
	    "afd80709\n";
	static const char shell[] = "SHA1($(reboot) `id`.vmdk)= "
	    "da39a3ee5e6b4b0d3255bfef95601890afd80709";
	struct manifest_entry *m;
	char *cause = NULL;
	size_t n;

	m = manifest_parse(nul, sizeof nul - 1, &n, &cause);
	CHECK(m == NULL && cause != NULL && strstr(cause, "NUL") != NULL);
	free(cause);
	cause = NULL;

	m = manifest_parse("SHA256(x)=", 10, &n, &cause);
	CHECK(m == NULL && cause != NULL);
	free(cause);

	m = manifest_parse("", 0, &n, NULL);
	CHECK(m == NULL && n == 0);

	/* Names stay data, shell syntax and all. */
	m = manifest_parse(shell, strlen(shell), &n, NULL);
	CHECK(m != NULL && n == 1);
	if (m != NULL)
		CHECK_STR(m[0].file, "$(reboot) `id`.vmdk");
	manifest_free(m, n);
}

int
main(void)
{
	RUN(test_ovftool_sha256);
	RUN(test_virtualbox_sha1);
	RUN(test_crlf_blank_lines_and_odd_names);
	RUN(test_broken_manifests);
	RUN(test_hostile_bytes);
	return unit_done();
}
