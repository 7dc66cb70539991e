/*
 * hostkey.c: why sshc_connect() refused a proxy's host key, read back from
 * its message.  The console asks the admin about an unknown key and must
 * then accept exactly the fingerprint it showed (as `proxy check
 * --accept-host-key FP` does); sshc reports the key only in its message, so
 * this is the one place that reads it, and it gives nothing unless the
 * fingerprint is a complete SHA256 one.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define HOSTKEY_B64_LEN	43		/* SHA-256, unpadded base64 */

void
hostkey_refusal_clear(struct hostkey_refusal *r)
{
	free(r->fingerprint);
	free(r->type);
	free(r->host);
	memset(r, 0, sizeof *r);
}

/* "SHA256:" and 43 base64 characters at s, ending there: its length. */
static size_t
hostkey_fingerprint_len(const char *s)
{
	size_t n;

	if (strncmp(s, "SHA256:", 7) != 0)
		return 0;
	n = strspn(s + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/");
	if (n != HOSTKEY_B64_LEN)
		return 0;
	return 7 + n;
}

/* host:port of "... (user@host:port)" ending at end, or NULL. */
static char *
hostkey_host(const char *start, const char *end)
{
	const char *at;

	for (at = end; at > start && at[-1] != '@' && at[-1] != '('; at--)
		continue;
	if (at == start || at == end || memchr(at, ':', (size_t)(end - at)) ==
	    NULL)
		return NULL;
	return xstrndup(at, (size_t)(end - at));
}

/*
 * Fill r from a cause sshc_connect() (or probe_run()) gave: HOSTKEY_UNKNOWN
 * or HOSTKEY_CHANGED with the key's fingerprint, type and host:port, or
 * HOSTKEY_OTHER (r empty) for every other failure.
 */
enum hostkey_state
hostkey_parse_refusal(const char *cause, struct hostkey_refusal *r)
{
	static const char unknown[] = ") is not a known host: its ";
	static const char unknown_fp[] = " key has the fingerprint ";
	static const char changed[] = ") has CHANGED (now ";
	const char *p, *type, *fp;
	size_t n;

	memset(r, 0, sizeof *r);
	if ((p = strstr(cause, unknown)) != NULL) {
		type = p + strlen(unknown);
		if ((fp = strstr(type, unknown_fp)) == NULL)
			return HOSTKEY_OTHER;
		r->type = xstrndup(type, (size_t)(fp - type));
		fp += strlen(unknown_fp);
		r->state = HOSTKEY_UNKNOWN;
	} else if ((p = strstr(cause, changed)) != NULL) {
		type = p + strlen(changed);
		if ((fp = strchr(type, ' ')) == NULL)
			return HOSTKEY_OTHER;
		r->type = xstrndup(type, (size_t)(fp - type));
		fp++;
		r->state = HOSTKEY_CHANGED;
	} else
		return HOSTKEY_OTHER;
	if ((n = hostkey_fingerprint_len(fp)) == 0 ||
	    (r->host = hostkey_host(cause, p)) == NULL) {
		hostkey_refusal_clear(r);
		return HOSTKEY_OTHER;
	}
	r->fingerprint = xstrndup(fp, n);
	return r->state;
}
