/*
 * embedded.c: look up files compiled into the binary by scripts/embed.
 */
#include <string.h>

#include "backend.h"

struct embedded_file {
	const char		*path;
	const unsigned char	*data;
	size_t			 size;
};
extern const struct embedded_file embedded_files[];

const char *
embedded_find(const char *path, size_t *size)
{
	const struct embedded_file *f;

	for (f = embedded_files; f->path != NULL; f++) {
		if (strcmp(f->path, path) == 0) {
			if (size != NULL)
				*size = f->size;
			return (const char *)f->data;
		}
	}
	return NULL;
}

/* The path of the i-th embedded file, NULL past the last: to list them. */
const char *
embedded_path(size_t i)
{
	const struct embedded_file *f;

	for (f = embedded_files; f->path != NULL; f++) {
		if (i-- == 0)
			return f->path;
	}
	return NULL;
}
