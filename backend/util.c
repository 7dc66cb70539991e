/*
 * util.c: small checks and formatting shared by the backend.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

/*
 * A name virt-import stores or passes on (provider, proxy, job): 1 to 64
 * characters from [A-Za-z0-9._-], starting with a letter or a digit.  Such a
 * name is safe as a file name and as a word on a command line.
 */
int
name_valid(const char *what, const char *name, char **cause)
{
	size_t i, len = strlen(name);

	if (len == 0) {
		cause_set(cause, "%s is empty: give a name of letters, digits, "
		    "'.', '_' or '-'", what);
		return -1;
	}
	if (len > 64) {
		cause_set(cause, "%s '%.64s...' is longer than 64 characters: "
		    "choose a shorter one", what, name);
		return -1;
	}
	if (!isalnum((unsigned char)name[0]) || (unsigned char)name[0] > 127) {
		cause_set(cause, "%s '%s' must start with a letter or a digit",
		    what, name);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 128 && (isalnum(c) || c == '.' || c == '_' || c == '-'))
			continue;
		cause_set(cause, "%s '%s' has the character '%c' at position "
		    "%zu: use only letters, digits, '.', '_' or '-'", what, name,
		    isprint(c) ? c : '?', i + 1);
		return -1;
	}
	return 0;
}

/*
 * A file holding a password, a private key or another secret ("what") must
 * be a regular file that only its owner can read: one that the group or
 * others can read has already leaked, and using it quietly would hide that
 * (OpenSSH refuses such a key file too).  fd is the open file when the
 * caller has one (then what is checked is what is read), else -1.
 */
int
secret_file_check(const char *what, const char *path, int fd,
    char **cause)
{
	struct stat st;

	if ((fd != -1 ? fstat(fd, &st) : stat(path, &st)) != 0) {
		cause_set(cause, "cannot use the %s %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		cause_set(cause, "the %s %s is not a file", what, path);
		return -1;
	}
	if (st.st_mode & 077) {
		cause_set(cause, "the %s %s can be read by other users: run "
		    "'chmod 600 %s' first", what, path, path);
		return -1;
	}
	return 0;
}

/* Normalise a MAC address to lower-case colon form.  0 on success. */
int
mac_normalize(const char *in, char out[18])
{
	size_t i, o = 0;
	int digits = 0;
	char sep = 0;

	for (i = 0; in[i] != '\0'; i++) {
		unsigned char c = (unsigned char)in[i];

		if (isxdigit(c)) {
			if (o >= 17 || digits == 2)
				return -1;
			out[o++] = (char)tolower(c);
			digits++;
		} else if (c == ':' || c == '-') {
			if (digits != 2 || (sep != 0 && sep != c) || o >= 17)
				return -1;
			sep = (char)c;
			out[o++] = ':';
			digits = 0;
		} else
			return -1;
	}
	if (o != 17 || digits != 2)
		return -1;
	out[o] = '\0';
	return 0;
}

int
uuid_valid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t i, d = 0;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (d < 4 && (int)i == dash[d]) {
			if (s[i] != '-')
				return 0;
			d++;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* Format bytes as "512 B", "1.5 KiB" ... "2.0 TiB" into buf. */
const char *
size_human(uint64_t bytes, char *buf, size_t len)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
mkdir_p(const char *path, mode_t mode, char **cause)
{
	char *copy, *p;

	copy = xstrdup(path);
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(copy, mode) != 0 && errno != EEXIST)
		goto fail;
	free(copy);
	return 0;
fail:
	cause_set(cause, "cannot create directory %s: %s", copy,
	    strerror(errno));
	free(copy);
	return -1;
}

/*
 * $ENV/virt-import, or $HOME/FALLBACK/virt-import when ENV is not an
 * absolute path (the XDG base directory rules), created 0700.
 */
static char *
path_xdg_dir(const char *env, const char *fallback, char **cause)
{
	const char *base = getenv(env), *home = getenv("HOME");
	char *dir;

	if (base != NULL && base[0] == '/')
		xasprintf(&dir, "%s/virt-import", base);
	else if (home != NULL && home[0] == '/')
		xasprintf(&dir, "%s/%s/virt-import", home, fallback);
	else {
		cause_set(cause, "neither %s nor HOME is set to an absolute "
		    "path: set HOME", env);
		return NULL;
	}
	if (mkdir_p(dir, 0700, cause) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Logs, jobs and plans: $XDG_STATE_HOME/virt-import (~/.local/state). */
char *
path_state_dir(char **cause)
{
	return path_xdg_dir("XDG_STATE_HOME", ".local/state", cause);
}

/* Providers, proxies, themes: $XDG_CONFIG_HOME/virt-import (~/.config). */
char *
path_config_dir(char **cause)
{
	return path_xdg_dir("XDG_CONFIG_HOME", ".config", cause);
}

/*
 * Is name a relative path that stays below its folder: not empty, not
 * absolute, no empty, "." or ".." component?  Used for names that come from
 * files (OVF references, manifest entries, tar members) before they are
 * matched or opened.
 */
int
path_inside(const char *name)
{
	const char *p = name, *slash;
	size_t len;

	if (*name == '\0' || *name == '/')
		return 0;
	for (;;) {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (slash == NULL)
			return 1;
		p = slash + 1;
	}
}

/* Read exactly len bytes at off: 0, or -1 with errno (0 at end of file). */
int
pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/*
 * Levenshtein distance, case-blind, for "did you mean"; SIZE_MAX when
 * either word is longer than max (at most STR_DISTANCE_MAX).
 */
size_t
str_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, up, best;
	size_t row[STR_DISTANCE_MAX + 1];

	if (max > STR_DISTANCE_MAX)
		max = STR_DISTANCE_MAX;
	if (la > max || lb > max)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cur = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			best = up < row[j - 1] ? up + 1 : row[j - 1] + 1;
			row[j] = cur < best ? cur : best;
			prev = up;
		}
	}
	return row[lb];
}
