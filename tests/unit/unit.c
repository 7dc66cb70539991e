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
