/*
 * unit.c: the unit harness (unit.h).
 */
#include <stdlib.h>

#include "unit.h"

int unit_case_failed;
static int failures;
static char first[1024];

void
unit_fail(const char *file, int line, const char *what)
{
	if (!unit_case_failed)
		snprintf(first, sizeof first, "%s:%d: %s", file, line, what);
	fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
	unit_case_failed = 1;
}

void
unit_run(const char *name, void (*fn)(void))
{
	unit_case_failed = 0;
	fn();
	if (unit_case_failed) {
		printf("FAIL %s: %s\n", name, first);
		failures++;
	} else
		printf("PASS %s\n", name);
	fflush(stdout);
}

int
unit_done(void)
{
	return failures == 0 ? 0 : 1;
}

/*
 * The bytes of tests/unit/data/DIR/NAME (under $VI_TOP, which the runner
 * sets), NUL-terminated; a missing file fails the case and reads as empty.
 */
char *
unit_fixture(const char *dir, const char *name, size_t *len)
{
	const char *top = getenv("VI_TOP");
	char *path, *buf;
	FILE *f;
	long n;

	xasprintf(&path, "%s/tests/unit/data/%s/%s", top != NULL ? top : ".",
	    dir, name);
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0) {
		unit_fail(__FILE__, __LINE__, path);
		if (f != NULL)
			fclose(f);
		free(path);
		*len = 0;
		return xstrdup("");
	}
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	free(path);
	return buf;
}

/* $VI_TOP/tests/unit/data/REL, allocated. */
char *
unit_data_path(const char *rel)
{
	const char *top = getenv("VI_TOP");
	char *path;

	xasprintf(&path, "%s/tests/unit/data/%s", top != NULL ? top : ".", rel);
	return path;
}

/* $VI_TMP/NAME (the runner's per-test directory), allocated. */
char *
unit_tmp_path(const char *name)
{
	const char *dir = getenv("VI_TMP");
	char *path;

	xasprintf(&path, "%s/%s", dir != NULL ? dir : "/tmp", name);
	return path;
}

/* Fail the case unless cause holds want; name says which input it was. */
void
unit_expect_cause(const char *file, int line, const char *name,
    const char *cause, const char *want)
{
	char msg[512];

	if (cause != NULL && strstr(cause, want) != NULL)
		return;
	snprintf(msg, sizeof msg, "%s: '%s' lacks '%s'", name,
	    cause != NULL ? cause : "(null)", want);
	unit_fail(file, line, msg);
}
