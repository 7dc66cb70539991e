/*
 * Unit tests: sha.c against the FIPS 180-4 example vectors (NIST's SHA
 * examples: the empty message, "abc", the 448- and 896-bit messages, a
 * million 'a's), fed whole and in awkward pieces, and against coreutils'
 * sha1sum/sha256sum for every length around the padding boundaries and for
 * a fixture file.
 */
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

static const char msg448[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg896[] =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static char *
digest(enum sha_algo algo, const void *data, size_t len)
{
	struct sha_ctx ctx;
	char *hex = xmalloc(sha_hex_len(algo) + 1);

	sha_init(&ctx, algo);
	sha_update(&ctx, data, len);
	sha_final(&ctx, hex);
	return hex;
}

static void
check_digest(enum sha_algo algo, const char *msg, const char *want)
{
	char *got = digest(algo, msg, strlen(msg));

	CHECK_STR(got, want);
	free(got);
}

static void
test_sha1_vectors(void)
{
	check_digest(SHA_1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	check_digest(SHA_1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d");
	check_digest(SHA_1, msg448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	check_digest(SHA_1, msg896, "a49b2446a02c645bf419f995b67091253a04a259");
	CHECK(sha_hex_len(SHA_1) == 40);
}

static void
test_sha256_vectors(void)
{
	check_digest(SHA_256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4"
	    "649b934ca495991b7852b855");
	check_digest(SHA_256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a3"
	    "96177a9cb410ff61f20015ad");
	check_digest(SHA_256, msg448, "248d6a61d20638b8e5c026930c3e6039a33ce4"
	    "5964ff2167f6ecedd419db06c1");
	check_digest(SHA_256, msg896, "cf5b16a778af8380036ce59e7b0492370b249b"
	    "11e8f07a51afac45037afee9d1");
	CHECK(sha_hex_len(SHA_256) == 64);
}

/* A million 'a's, fed in pieces of 1, 63, 64, 65, 127 ... bytes. */
static void
million(enum sha_algo algo, const char *want)
{
	static const size_t pieces[] = { 1, 63, 64, 65, 127, 1000, 7 };
	char *a = xmalloc(1000000), hex[65];
	struct sha_ctx ctx;
	size_t off = 0, i = 0, n;

	memset(a, 'a', 1000000);
	sha_init(&ctx, algo);
	while (off < 1000000) {
		n = pieces[i++ % (sizeof pieces / sizeof *pieces)];
		if (n > 1000000 - off)
			n = 1000000 - off;
		sha_update(&ctx, a + off, n);
		off += n;
	}
	sha_final(&ctx, hex);
	CHECK_STR(hex, want);
	CHECK(ctx.len == 1000000);

	/* And in one piece. */
	free(a);
	a = xmalloc(1000000);
	memset(a, 'a', 1000000);
	{
		char *whole = digest(algo, a, 1000000);

		CHECK_STR(whole, want);
		free(whole);
	}
	free(a);
}

static void
test_million_a(void)
{
	million(SHA_1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	million(SHA_256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e04"
	    "6d39ccc7112cd0");
}

/* What coreutils says of a file: the first word of `tool FILE`. */
static char *
coreutils(const char *tool, const char *path)
{
	char *cmd, line[256], *sp;
	FILE *p;

	xasprintf(&cmd, "%s '%s'", tool, path);
	p = popen(cmd, "r");
	free(cmd);
	if (p == NULL)
		return xstrdup("(popen failed)");
	if (fgets(line, sizeof line, p) == NULL)
		line[0] = '\0';
	pclose(p);
	if ((sp = strchr(line, ' ')) != NULL)
		*sp = '\0';
	return xstrdup(line);
}

static char *
tmpfile_path(const char *name)
{
	const char *dir = getenv("VI_TMP");
	char *path;

	xasprintf(&path, "%s/%s", dir != NULL ? dir : "/tmp", name);
	return path;
}

/*
 * Every length from 0 to 200 bytes crosses the padding cases (the length
 * fits in the last block, or needs another): compare with coreutils.
 */
static void
test_padding_lengths_match_coreutils(void)
{
	unsigned char buf[200];
	char *path = tmpfile_path("sha-len.bin"), *ours, *theirs;
	size_t len, i;
	FILE *f;

	for (i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	for (len = 0; len <= sizeof buf; len++) {
		if ((f = fopen(path, "wb")) == NULL) {
			CHECK(!"cannot write a temporary file");
			break;
		}
		fwrite(buf, 1, len, f);
		fclose(f);

		ours = digest(SHA_256, buf, len);
		theirs = coreutils("sha256sum", path);
		CHECK_STR(ours, theirs);
		free(ours);
		free(theirs);
		ours = digest(SHA_1, buf, len);
		theirs = coreutils("sha1sum", path);
		CHECK_STR(ours, theirs);
		free(ours);
		free(theirs);
		if (unit_case_failed)
			break;
	}
	unlink(path);
	free(path);
}

static void
test_fixture_file_matches_coreutils(void)
{
	const char *top = getenv("VI_TOP");
	char *path, *buf, *ours, *theirs;
	size_t len;
	FILE *f;
	long n;

	xasprintf(&path, "%s/tests/unit/data/ova/web01.ova", top != NULL ? top :
	    ".");
	if ((f = fopen(path, "rb")) == NULL) {
		CHECK(!"cannot open the fixture web01.ova");
		free(path);
		return;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	CHECK(len > 10000);

	ours = digest(SHA_256, buf, len);
	theirs = coreutils("sha256sum", path);
	CHECK(strlen(theirs) == 64);
	CHECK_STR(ours, theirs);
	free(ours);
	free(theirs);
	ours = digest(SHA_1, buf, len);
	theirs = coreutils("sha1sum", path);
	CHECK(strlen(theirs) == 40);
	CHECK_STR(ours, theirs);
	free(ours);
	free(theirs);
	free(buf);
	free(path);
}

/* A context can be reused after sha_init, and algorithms do not mix. */
static void
test_reinit(void)
{
	struct sha_ctx ctx;
	char hex[65];

	sha_init(&ctx, SHA_256);
	sha_update(&ctx, "garbage", 7);
	sha_init(&ctx, SHA_1);
	sha_update(&ctx, "abc", 3);
	sha_final(&ctx, hex);
	CHECK_STR(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

int
main(void)
{
	RUN(test_sha1_vectors);
	RUN(test_sha256_vectors);
	RUN(test_million_a);
	RUN(test_padding_lengths_match_coreutils);
	RUN(test_fixture_file_matches_coreutils);
	RUN(test_reinit);
	return unit_done();
}
