/*
 * xmalloc.c: allocation that never returns NULL.  Running out of memory is
 * not a condition virt-import can report usefully, so it aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fputs("virt-import: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		fatalx("xmalloc: zero size");
	if ((p = malloc(size)) == NULL)
		fatalx("xmalloc: allocating %zu bytes: %s", size, strerror(errno));
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		fatalx("xcalloc: zero size");
	if ((p = calloc(n, size)) == NULL)
		fatalx("xcalloc: allocating %zu * %zu bytes: %s", n, size,
		    strerror(errno));
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		fatalx("xreallocarray: zero size");
	if (n > SIZE_MAX / size)
		fatalx("xreallocarray: %zu * %zu bytes overflows", n, size);
	if ((p = realloc(old, n * size)) == NULL)
		fatalx("xreallocarray: allocating %zu * %zu bytes: %s", n, size,
		    strerror(errno));
	return p;
}

/*
 * Grow an array of *count items of the given size by one zeroed item at the
 * end, and return the (possibly moved) array.  Capacity doubles, so n appends
 * cost O(n); the capacity is derived from the count, not stored.
 */
void *
xappend(void *array, size_t *count, size_t size)
{
	size_t n = *count, cap;
	char *p = array;

	/* Capacity is the next power of two >= n (at least 4). */
	for (cap = 4; cap < n; cap *= 2)
		;
	if (p == NULL || n == cap) {
		if (p != NULL)
			cap *= 2;
		p = xreallocarray(p, cap, size);
	}
	memset(p + n * size, 0, size);
	(*count)++;
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t len)
{
	char *p;

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int n;

	if ((n = vasprintf(ret, fmt, ap)) == -1)
		fatalx("xvasprintf: %s", strerror(errno));
	return n;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}
