/*
 * unit.h: a small harness for the unit tier.  Each TEST is a case; CHECK
 * records a failure with its line and goes on, so one run shows every broken
 * assertion.  Output follows the runner's protocol (PASS/FAIL lines).
 */
#ifndef VI_UNIT_H
#define VI_UNIT_H

#include <stdio.h>
#include <string.h>

#include "backend.h"

extern int unit_case_failed;
void unit_fail(const char *, int, const char *);
void unit_run(const char *, void (*)(void));
int unit_done(void);
char *unit_fixture(const char *, const char *, size_t *);
char *unit_data_path(const char *);
char *unit_tmp_path(const char *);
void unit_expect_cause(const char *, int, const char *, const char *,
    const char *);
/* The cause of a refused input names what is wrong: CHECK_CAUSE(file, ...). */
#define CHECK_CAUSE(name, cause, want) \
	unit_expect_cause(__FILE__, __LINE__, (name), (cause), (want))

#define CHECK(cond) do {						\
	if (!(cond))							\
		unit_fail(__FILE__, __LINE__, #cond);			\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (!str_eq(_a, _b)) {						\
		char _m[512];						\
		snprintf(_m, sizeof _m, "%s == %s: \"%s\" != \"%s\"",	\
		    #a, #b, _a ? _a : "(null)", _b ? _b : "(null)");	\
		unit_fail(__FILE__, __LINE__, _m);			\
	}								\
} while (0)

#define RUN(fn) unit_run(#fn, fn)

#endif
