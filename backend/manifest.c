/*
 * manifest.c: OVA manifests (.mf), one digest per file of the package.
 *
 * ovftool writes "SHA256(web01-disk1.vmdk)= 3a7b...", older exports use
 * SHA1, and VirtualBox writes "SHA1 (disk.vmdk) = ...".  Lines may end in
 * CRLF when the package passed through Windows.  The line is read from its
 * end, where the digest is plain hex, so a file name may itself hold
 * parentheses or '='.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"

void
manifest_free(struct manifest_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(entries[i].file);
		free(entries[i].digest);
	}
	free(entries);
}

/* One line, without its end of line; 1 if blank, 0 if read, -1 if not. */
static int
manifest_line(const char *line, size_t len, unsigned lineno,
    struct manifest_entry *e, char **cause)
{
	const char *p = line, *end = line + len, *open, *close, *hex;
	size_t alen, hlen, i;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	if (p == end)
		return 1;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
		cause_set(cause, "manifest line %u holds a NUL byte: the "
		    "manifest is corrupt, export the OVA again", lineno);
		return -1;
	}

	/* From the end: the digest, '=', then ')'. */
	for (hex = end; hex > p && isxdigit((unsigned char)hex[-1]); hex--)
		;
	hlen = (size_t)(end - hex);
	close = hex;
	while (close > p && (close[-1] == ' ' || close[-1] == '\t'))
		close--;
	if (hlen == 0 || close == p || close[-1] != '=')
		goto malformed;
	close--;
	while (close > p && (close[-1] == ' ' || close[-1] == '\t'))
		close--;
	if (close == p || close[-1] != ')')
		goto malformed;
	close--;

	/* From the start: the algorithm and '('. */
	for (open = p; open < close && isalnum((unsigned char)*open); open++)
		;
	alen = (size_t)(open - p);
	while (open < close && (*open == ' ' || *open == '\t'))
		open++;
	if (alen == 0 || open >= close || *open != '(')
		goto malformed;
	if (alen == 4 && strncasecmp(p, "SHA1", 4) == 0)
		e->algo = SHA_1;
	else if (alen == 6 && strncasecmp(p, "SHA256", 6) == 0)
		e->algo = SHA_256;
	else {
		cause_set(cause, "manifest line %u uses %.*s digests, which "
		    "virt-import cannot check: export with SHA256 or SHA1 "
		    "(ovftool --shaAlgorithm=SHA256), or read the OVA without "
		    "verifying it", lineno, (int)alen, p);
		return -1;
	}
	open++;
	if (open == close) {
		cause_set(cause, "manifest line %u names no file: the manifest "
		    "is corrupt, export the OVA again", lineno);
		return -1;
	}
	if (hlen != sha_hex_len(e->algo)) {
		cause_set(cause, "manifest line %u: the %s digest of '%.*s' "
		    "has %zu hex digits instead of %zu: the manifest is "
		    "corrupt, export the OVA again", lineno,
		    e->algo == SHA_1 ? "SHA1" : "SHA256", (int)(close - open),
		    open, hlen, sha_hex_len(e->algo));
		return -1;
	}
	e->file = xstrndup(open, (size_t)(close - open));
	e->digest = xstrndup(hex, hlen);
	for (i = 0; i < hlen; i++)
		e->digest[i] = (char)tolower((unsigned char)e->digest[i]);
	return 0;

malformed:
	cause_set(cause, "manifest line %u is not of the form "
	    "'SHA256(file)= digest': the manifest is corrupt, export the OVA "
	    "again", lineno);
	return -1;
}

/*
 * Parse len bytes of manifest.  Returns the entries (*n of them), or NULL
 * with a cause naming the first bad line.  A manifest without a single
 * digest is an error too: there is nothing it could vouch for.
 */
struct manifest_entry *
manifest_parse(const char *buf, size_t len, size_t *n, char **cause)
{
	struct manifest_entry *entries = NULL, e;
	const char *p = buf, *end = buf + len, *nl;
	unsigned lineno = 0;
	int rc;

	*n = 0;
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		memset(&e, 0, sizeof e);
		rc = manifest_line(p, (size_t)(nl - p), lineno, &e, cause);
		if (rc < 0) {
			manifest_free(entries, *n);
			*n = 0;
			return NULL;
		}
		if (rc == 0) {
			entries = xappend(entries, n, sizeof *entries);
			entries[*n - 1] = e;
		}
		p = nl + (nl < end ? 1 : 0);
	}
	if (*n == 0) {
		cause_set(cause, "the manifest lists no files: export the OVA "
		    "again, or read it without verifying");
		return NULL;
	}
	return entries;
}
