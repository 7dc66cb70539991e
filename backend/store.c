/*
 * store.c: the user's small state files (providers.json, proxies.json):
 * read whole, replaced atomically (temporary file, fsync, rename) with mode
 * 0600, and changed under an flock so that two virt-import processes never
 * lose each other's changes or see half a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backend.h"

/* $XDG_CONFIG_HOME/virt-import/NAME. */
char *
store_path(const char *name, char **cause)
{
	char *dir, *path;

	if ((dir = path_config_dir(cause)) == NULL)
		return NULL;
	xasprintf(&path, "%s/%s", dir, name);
	free(dir);
	return path;
}

/*
 * The answer when an edit of the saved WHAT name is saved: 0 if the record
 * it started from is still saved (found) as it was (same), else -1 and a
 * cause saying another virt-import changed or removed it meanwhile.
 */
int
store_unchanged(const char *what, const char *name, int found, int same,
    char **cause)
{
	if (found && same)
		return 0;
	if (found)
		cause_set(cause, "%s '%s' was changed by another virt-import "
		    "while you edited it, so nothing was saved: leave the form "
		    "and edit it again to start from its new settings", what,
		    name);
	else
		cause_set(cause, "%s '%s' was removed by another virt-import "
		    "while you edited it, so nothing was saved: add it again if "
		    "it is still wanted", what, name);
	return -1;
}

/* Take the lock of NAME (NAME.lock beside it); the fd to close, or -1. */
int
store_lock(const char *name, char **cause)
{
	char *lock, *path;
	int fd;

	if ((path = store_path(name, cause)) == NULL)
		return -1;
	xasprintf(&lock, "%s.lock", path);
	free(path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || flock(fd, LOCK_EX) != 0) {
		cause_set(cause, "cannot lock %s: %s", lock, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	free(lock);
	return fd;
}

/*
 * The text of the file at path, NUL-terminated; "" when it does not exist
 * yet.  A file larger than max bytes, or not a regular file, is refused.
 */
char *
store_read_path(const char *path, size_t max, char **cause)
{
	char *text, big[32];
	struct stat st;
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return xstrdup("");
		cause_set(cause, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max) {
		cause_set(cause, "%s is not a virt-import file (not a file, or "
		    "larger than %s): move it away", path,
		    size_human(max, big, sizeof big));
		close(fd);
		return NULL;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size &&
	    (n = read(fd, text + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	text[off] = '\0';
	return text;
}

/*
 * The text of NAME, NUL-terminated; "" when it does not exist yet.  *pathp,
 * if not NULL, gets the file's path for messages.
 */
char *
store_read(const char *name, char **pathp, char **cause)
{
	char *path, *text;

	if ((path = store_path(name, cause)) == NULL)
		return NULL;
	text = store_read_path(path, 16 * 1024 * 1024, cause);
	if (text != NULL && pathp != NULL)
		*pathp = path;
	else
		free(path);
	return text;
}

/* Replace the file at path with text: all of it or, on any failure, none. */
int
store_write_path(const char *path, const char *text, char **cause)
{
	static atomic_uint serial;
	char *tmp;
	size_t len = strlen(text);
	int fd, rc = -1;

	/* Unique to this write: threads of one process may write at once. */
	xasprintf(&tmp, "%s.tmp.%ld.%u", path, (long)getpid(),
	    atomic_fetch_add(&serial, 1));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		cause_set(cause, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		cause_set(cause, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		cause_set(cause, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

/* Replace the store NAME with text: all of it or, on any failure, none. */
int
store_write(const char *name, const char *text, char **cause)
{
	char *path;
	int rc;

	if ((path = store_path(name, cause)) == NULL)
		return -1;
	rc = store_write_path(path, text, cause);
	free(path);
	return rc;
}

/*
 * Parse a store's text: a JSON object with "version": version and an array
 * under key.  Returns the root (put it when done) with *list pointing into
 * it, or NULL with a cause naming what is wrong.
 */
struct json_object *
store_parse(const char *text, int version, const char *key,
    struct json_object **list, char **cause)
{
	struct json_tokener *tok;
	struct json_object *root, *v;

	tok = json_tokener_new();
	root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		cause_set(cause, "it is not valid JSON (%s at byte %zu)",
		    json_tokener_error_desc(json_tokener_get_error(tok)),
		    json_tokener_get_parse_end(tok));
		json_tokener_free(tok);
		json_object_put(root);
		return NULL;
	}
	json_tokener_free(tok);
	if (!json_object_object_get_ex(root, "version", &v) ||
	    json_object_get_int(v) != version ||
	    !json_object_object_get_ex(root, key, list) ||
	    !json_object_is_type(*list, json_type_array)) {
		cause_set(cause, "it is not a version %d %s file", version, key);
		json_object_put(root);
		return NULL;
	}
	return root;
}
