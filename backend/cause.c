/*
 * cause.c: the error convention.  A function that fails for a reason the
 * user must hear returns -1 or NULL and stores a message in *cause, when the
 * caller passed somewhere to put it.  Callers add context on the way up with
 * cause_prefix(), so the front end prints one line that reads from the
 * outside in: "plan web01: disk 2: no storage pool chosen: pick one in ...".
 */
#include <stdlib.h>

#include "backend.h"

void
cause_set(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause == NULL)
		return;
	free(*cause);
	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
}

void
cause_prefix(char **cause, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *old;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&prefix, fmt, ap);
	va_end(ap);
	old = *cause;
	xasprintf(cause, "%s: %s", prefix, old != NULL ? old : "unknown error");
	free(prefix);
	free(old);
}
