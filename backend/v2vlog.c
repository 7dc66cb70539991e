/*
 * v2vlog.c: virt-v2v's output turned into progress, a pure parser.
 *
 * A remote job runs `virt-v2v --machine-readable ... >>log 2>&1`, so the
 * bytes are stdout and stderr in one stream: each status message comes
 * twice, first as a JSON object on one line ({ "message": ..., "type":
 * "message" }), then as its human twin `[  12.3] Text`; warnings and the
 * fatal error also come both ways; nbdcopy redraws `<spinner> NN% [***---]`
 * on stderr with \r.  Bytes arrive in whatever pieces the connection gives,
 * so the parser keeps a partial line between calls and does everything a
 * line at a time: one byte per call gives the same result as all at once.
 *
 * Nothing here trusts the stream: a line is cut at V2VLOG_LINE_MAX, texts at
 * V2VLOG_TEXT_MAX, warnings at V2VLOG_WARNINGS_MAX, and every kept string is
 * valid UTF-8 without control characters, so a front end can show it.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "backend.h"

#define V2VLOG_LINE_MAX		(64 * 1024)	/* longer lines are cut */
#define V2VLOG_TEXT_MAX		(16 * 1024)	/* an error or a warning */
#define V2VLOG_WARNINGS_MAX	64
#define V2VLOG_BLANKS_MAX	8		/* inside an error's text */

/*
 * in_error: 0 no error being read; n > 0 reading the lines that follow
 * `virt-v2v: error:`, with n - 1 blank lines seen and not yet added (so
 * the text never ends in blank lines); -1 the error came as a JSON event,
 * which is the whole text: human lines no longer change it.
 */
#define V2VLOG_ERROR_JSON	(-1)

static const char v2vlog_error_prefix[] = "virt-v2v: error: ";
static const char v2vlog_warning_prefix[] = "virt-v2v: warning: ";
static const char v2vlog_boilerplate[] =
    "If reporting bugs, run virt-v2v with debugging enabled";

struct v2vlog *
v2vlog_new(void)
{
	struct v2vlog *l;

	l = xcalloc(1, sizeof *l);
	l->phase = xstrdup("");
	l->percent = -1;
	l->cap = 256;
	l->line = xmalloc(l->cap);
	return l;
}

void
v2vlog_free(struct v2vlog *l)
{
	size_t i;

	if (l == NULL)
		return;
	free(l->phase);
	free(l->error);
	free(l->helper);
	for (i = 0; i < l->nwarnings; i++)
		free(l->warnings[i]);
	free(l->warnings);
	free(l->line);
	free(l);
}

/* Length of the valid UTF-8 character at s (n bytes left), 0 if not. */
static size_t
v2vlog_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * Length of the terminal escape sequence at s, 0 if none: virt-v2v colours
 * its messages with --colours or on a terminal, and the colour must not hide
 * a status line from the matching below.
 */
static size_t
v2vlog_csi_len(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || s[0] != '\033' || s[1] != '[')
		return 0;
	for (i = 2; i < n && i < 32; i++) {
		if (s[i] >= 0x40 && s[i] <= 0x7e)
			return i + 1;
		if (s[i] < 0x20 || s[i] > 0x3f)
			return 0;
	}
	return 0;
}

/*
 * A copy of n bytes at s that is safe to show: valid UTF-8 kept, escape
 * sequences dropped, every other control character or invalid byte a '?',
 * tabs a space, newlines kept only when nl (else a space), no blanks at the
 * end, at most V2VLOG_TEXT_MAX bytes of input read.
 */
static char *
v2vlog_clean(const char *s, size_t n, int nl)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out;
	size_t i, o = 0, k;

	if (n > V2VLOG_TEXT_MAX)
		n = V2VLOG_TEXT_MAX;
	out = xmalloc(n + 1);
	for (i = 0; i < n; i += k) {
		k = 1;
		if (u[i] == '\n')
			out[o++] = nl ? '\n' : ' ';
		else if (u[i] == '\t')
			out[o++] = ' ';
		else if (u[i] == '\033' && (k = v2vlog_csi_len(s + i,
		    n - i)) != 0)
			continue;
		else if (u[i] < 0x20 || u[i] == 0x7f) {
			k = 1;
			out[o++] = '?';
		} else if ((k = v2vlog_utf8_len(u + i, n - i)) == 0) {
			k = 1;
			out[o++] = '?';
		} else if (k == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0) {
			/* C1 controls (U+0080-U+009F): terminals obey them. */
			out[o++] = '?';
		} else {
			memcpy(out + o, s + i, k);
			o += k;
		}
	}
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\n'))
		o--;
	out[o] = '\0';
	return out;
}

/* Whether the n bytes at s begin with the string p. */
static int
v2vlog_prefix(const char *s, size_t n, const char *p)
{
	size_t plen = strlen(p);

	return n >= plen && memcmp(s, p, plen) == 0;
}

static int
v2vlog_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A whole number of at most 3 digits at *s (n bytes left), the pointer
 * moved past it; -1 if there is none.
 */
static int
v2vlog_number(const char **s, const char *end)
{
	const char *p = *s;
	int v = 0;

	if (p == end || !v2vlog_isdigit(*p))
		return -1;
	while (p < end && v2vlog_isdigit(*p)) {
		if (p - *s == 3)
			return -1;
		v = v * 10 + (*p - '0');
		p++;
	}
	*s = p;
	return v;
}

/* Take text as the phase; "Copying disk N/M" also moves the disk. */
static int
v2vlog_set_phase(struct v2vlog *l, const char *s, size_t n)
{
	static const char copying[] = "Copying disk ";
	const char *p, *end = s + n;
	char *text;
	unsigned long d, m;
	int bits = 0;

	text = v2vlog_clean(s, n, 0);
	if (*text == '\0') {
		free(text);
		return 0;
	}
	if (strcmp(text, l->phase) != 0) {
		free(l->phase);
		l->phase = text;
		bits |= V2VLOG_PHASE;
	} else
		free(text);

	/* virt-v2v 1.x added " to PATH" after N/M. */
	if (v2vlog_prefix(s, n, copying)) {
		p = s + sizeof copying - 1;
		d = m = 0;
		while (p < end && v2vlog_isdigit(*p) && d < 100000)
			d = d * 10 + (unsigned long)(*p++ - '0');
		if (p < end && *p == '/') {
			p++;
			while (p < end && v2vlog_isdigit(*p) && m < 100000)
				m = m * 10 + (unsigned long)(*p++ - '0');
		}
		if (d >= 1 && m >= d && m < 100000 &&
		    (p == end || *p == ' ') &&
		    (d != l->disk || m != l->ndisks)) {
			l->disk = (unsigned)d;
			l->ndisks = (unsigned)m;
			bits |= V2VLOG_DISK;
			if (l->percent != 0) {
				l->percent = 0;
				bits |= V2VLOG_PERCENT;
			}
		}
	}
	if (strcmp(l->phase, "Creating output metadata") == 0 && !l->copied) {
		l->copied = 1;
		bits |= V2VLOG_PERCENT;
	}
	return bits;
}

/*
 * A warning, unless the same text is there already: the human twin of a
 * JSON warning is its first line.
 */
static int
v2vlog_add_warning(struct v2vlog *l, const char *s, size_t n)
{
	char *text;
	const char *w;
	size_t i, tlen;

	text = v2vlog_clean(s, n, 1);
	tlen = strlen(text);
	for (i = 0; i < l->nwarnings; i++) {
		w = l->warnings[i];
		if (strncmp(w, text, tlen) == 0 &&
		    (w[tlen] == '\0' || w[tlen] == '\n'))
			break;
	}
	if (tlen == 0 || i != l->nwarnings ||
	    l->nwarnings == V2VLOG_WARNINGS_MAX) {
		free(text);
		return 0;
	}
	l->warnings = xappend(l->warnings, &l->nwarnings,
	    sizeof *l->warnings);
	l->warnings[l->nwarnings - 1] = text;
	return V2VLOG_WARNING;
}

/* Replace the error's text. */
static int
v2vlog_set_error(struct v2vlog *l, const char *s, size_t n)
{
	char *text;

	text = v2vlog_clean(s, n, 1);
	if (l->error != NULL && strcmp(l->error, text) == 0) {
		free(text);
		return 0;
	}
	free(l->error);
	l->error = text;
	return V2VLOG_ERROR;
}

/* One more line of the error virt-v2v is printing. */
static int
v2vlog_error_line(struct v2vlog *l, const char *s, size_t n)
{
	char *text, *joined;
	size_t blanks = (size_t)l->in_error - 1, len, i;

	text = v2vlog_clean(s, n, 1);
	if (*text == '\0') {
		free(text);
		if (blanks < V2VLOG_BLANKS_MAX)
			l->in_error++;
		return 0;
	}
	len = strlen(l->error);
	if (len + blanks + 1 + strlen(text) > V2VLOG_TEXT_MAX) {
		/* Enough of it: the rest would only cost memory. */
		free(text);
		l->in_error = 0;
		return 0;
	}
	joined = xmalloc(len + blanks + 1 + strlen(text) + 1);
	memcpy(joined, l->error, len);
	for (i = 0; i < blanks + 1; i++)
		joined[len + i] = '\n';
	strcpy(joined + len + blanks + 1, text);
	free(text);
	free(l->error);
	l->error = joined;
	l->in_error = 1;
	return V2VLOG_ERROR;
}

/*
 * A JSON event line.  -1 if the line is not one (it is then ignored: a
 * line that starts with '{' is nothing else virt-v2v prints).
 */
static int
v2vlog_json(struct v2vlog *l, const char *s, size_t n, int *bits)
{
	struct json_tokener *tok;
	struct json_object *o, *msg, *type;
	const char *t, *m;
	size_t end;
	int mlen;

	if (n > V2VLOG_LINE_MAX)
		return -1;
	if ((tok = json_tokener_new()) == NULL)
		fatalx("json_tokener_new: out of memory");
	o = json_tokener_parse_ex(tok, s, (int)n);
	end = json_tokener_get_parse_end(tok);
	if (o == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success) {
		json_tokener_free(tok);
		json_object_put(o);
		return -1;
	}
	json_tokener_free(tok);
	while (end < n && (s[end] == ' ' || s[end] == '\t'))
		end++;
	if (end != n || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "message", &msg) ||
	    !json_object_object_get_ex(o, "type", &type) ||
	    !json_object_is_type(msg, json_type_string) ||
	    !json_object_is_type(type, json_type_string)) {
		json_object_put(o);
		return -1;
	}
	t = json_object_get_string(type);
	m = json_object_get_string(msg);
	mlen = json_object_get_string_len(msg);
	if (strcmp(t, "message") == 0)
		*bits |= v2vlog_set_phase(l, m, (size_t)mlen);
	else if (strcmp(t, "warning") == 0)
		*bits |= v2vlog_add_warning(l, m, (size_t)mlen);
	else if (strcmp(t, "error") == 0 && l->in_error != V2VLOG_ERROR_JSON) {
		/* The event holds the whole text: it replaces the human one. */
		*bits |= v2vlog_set_error(l, m, (size_t)mlen);
		l->in_error = V2VLOG_ERROR_JSON;
	}
	/* "info" is a remark, not a phase. */
	json_object_put(o);
	return 0;
}

/* A status line, `[  12.3] Text`: its text and elapsed time, -1 if not. */
static int
v2vlog_status(struct v2vlog *l, const char *s, size_t n, int *bits)
{
	const char *p = s + 1, *end = s + n;
	unsigned long tenths = 0;
	double secs;

	if (n < 5 || s[0] != '[')
		return -1;
	while (p < end && *p == ' ')
		p++;
	if (p == end || !v2vlog_isdigit(*p))
		return -1;
	/* virt-v2v prints %6.1f; a kernel's [    0.000000] is not one. */
	while (p < end && v2vlog_isdigit(*p) && tenths < 100000000)
		tenths = tenths * 10 + (unsigned long)(*p++ - '0');
	if (end - p < 4 || p[0] != '.' || !v2vlog_isdigit(p[1]) ||
	    p[2] != ']' || p[3] != ' ')
		return -1;
	/* Whole tenths, so 148.2 reads as the double the literal is. */
	tenths = tenths * 10 + (unsigned long)(p[1] - '0');
	secs = tenths / 10.0;
	p += 4;
	if (secs != l->elapsed) {
		l->elapsed = secs;
		*bits |= V2VLOG_PHASE;
	}
	*bits |= v2vlog_set_phase(l, p, (size_t)(end - p));
	return 0;
}

/*
 * A progress bar: nbdcopy's `<spinner> NN% [****----]` (the spinner one
 * glyph, '█' at 100%), or virt-v2v 1.x's `    (50.00/100%)`.  The percent,
 * -1 if the line is not a bar.
 */
static int
v2vlog_bar(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *q;
	int v;

	while (end > p && end[-1] == ' ')
		end--;
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '(') {
		p++;
		if ((v = v2vlog_number(&p, end)) < 0)
			return -1;
		if (p < end && *p == '.') {
			for (p++; p < end && v2vlog_isdigit(*p); p++)
				;
		}
		if (end - p != 6 || memcmp(p, "/100%)", 6) != 0)
			return -1;
		return v > 100 ? -1 : v;
	}

	/* The spinner: one glyph, up to 4 bytes that are not blanks. */
	for (q = p; q < end && *q != ' ' && q - p < 4; q++)
		;
	if (q == p || q == end || *q != ' ')
		return -1;
	while (q < end && *q == ' ')
		q++;
	if ((v = v2vlog_number(&q, end)) < 0 || v > 100)
		return -1;
	if (end - q < 4 || memcmp(q, "% [", 3) != 0 || end[-1] != ']')
		return -1;
	for (q += 3; q < end - 1; q++) {
		if (*q != '*' && *q != '-' && *q != '#' && *q != '=' &&
		    *q != ' ')
			return -1;
	}
	return v;
}

/*
 * An error of the helpers virt-v2v runs ("nbdkit: file.0: error: pwrite: No
 * space left on device", "nbdcopy: write at offset N failed: ..."): virt-v2v
 * itself then often says no more than "nbdcopy command failed, see earlier
 * error messages".
 */
static int
v2vlog_helper_error(const char *s, size_t n)
{
	if (v2vlog_prefix(s, n, "nbdkit: "))
		return memmem(s, n, "error: ", 7) != NULL;
	if (v2vlog_prefix(s, n, "nbdcopy: "))
		return memmem(s, n, " failed", 7) != NULL ||
		    memmem(s, n, "error", 5) != NULL;
	return 0;
}

/*
 * The failure as a user should read it: virt-v2v's error, then the first
 * error a helper printed when virt-v2v's text does not hold it, and what
 * to do when that was a full disk.  NULL when there was no error.
 */
char *
v2vlog_error_text(const struct v2vlog *l)
{
	char *s;

	if (l->error == NULL)
		return NULL;
	if (l->helper == NULL || strstr(l->error, l->helper) != NULL)
		return xstrdup(l->error);
	xasprintf(&s, "%s (its helpers said first: %s%s)", l->error,
	    l->helper, strstr(l->helper, "No space left on device") != NULL ?
	    ": a folder of the destination, or the proxy's temporary folder "
	    "(VIRT_V2V_TMPDIR), is full: free space there, then import the "
	    "VM again" : "");
	return s;
}

/* One whole line, without its end: the bits of what changed. */
static int
v2vlog_line(struct v2vlog *l, char *s, size_t n)
{
	size_t i, o, k, off;
	int bits = 0, pct;

	/* Colours off first, so a coloured status line still matches. */
	for (i = o = 0; i < n; i += k) {
		if (s[i] == '\033' && (k = v2vlog_csi_len(s + i, n - i)) != 0)
			continue;
		k = 1;
		s[o++] = s[i];
	}
	n = o;
	for (off = 0; off < n && (s[off] == ' ' || s[off] == '\t'); off++)
		;

	if (l->in_error > 0) {
		if (v2vlog_prefix(s, n, v2vlog_boilerplate)) {
			l->in_error = 0;
			return 0;
		}
		/*
		 * Anything virt-v2v prints on its own also ends the text (with
		 * -v there is no boilerplate, only more output).
		 */
		if ((off < n && s[off] == '{') || (n > 0 && s[0] == '[') ||
		    v2vlog_prefix(s, n, "virt-v2v: ") ||
		    v2vlog_prefix(s, n, "libguestfs: ") ||
		    v2vlog_prefix(s, n, "nbdkit: "))
			l->in_error = 0;
		else
			return v2vlog_error_line(l, s, n);
	}

	if (l->helper == NULL && v2vlog_helper_error(s, n))
		l->helper = v2vlog_clean(s, n, 0);
	if (off < n && s[off] == '{') {
		v2vlog_json(l, s + off, n - off, &bits);
		return bits;
	}
	if (v2vlog_status(l, s, n, &bits) == 0)
		return bits;
	if (v2vlog_prefix(s, n, v2vlog_error_prefix)) {
		/* After a JSON error its human twin adds nothing. */
		if (l->in_error == V2VLOG_ERROR_JSON)
			return 0;
		k = sizeof v2vlog_error_prefix - 1;
		bits |= v2vlog_set_error(l, s + k, n - k);
		l->in_error = 1;
		return bits;
	}
	if (v2vlog_prefix(s, n, v2vlog_warning_prefix)) {
		k = sizeof v2vlog_warning_prefix - 1;
		return v2vlog_add_warning(l, s + k, n - k);
	}
	if ((pct = v2vlog_bar(s, n)) >= 0 && pct != l->percent) {
		l->percent = pct;
		bits |= V2VLOG_PERCENT;
	}
	return bits;
}

/* Keep n more bytes of the current line; a full line is handled and cut. */
static int
v2vlog_keep(struct v2vlog *l, const char *s, size_t n)
{
	size_t room;
	int bits = 0;

	while (n > 0 && !l->skip) {
		room = V2VLOG_LINE_MAX - l->len;
		if (room > n)
			room = n;
		if (l->len + room > l->cap) {
			while (l->cap < l->len + room)
				l->cap *= 2;
			if (l->cap > V2VLOG_LINE_MAX)
				l->cap = V2VLOG_LINE_MAX;
			l->line = xreallocarray(l->line, l->cap, 1);
		}
		memcpy(l->line + l->len, s, room);
		l->len += room;
		s += room;
		n -= room;
		if (l->len == V2VLOG_LINE_MAX) {
			/*
			 * What fits is read now and the rest of the line
			 * dropped, so memory stays bounded whatever comes.
			 */
			bits |= v2vlog_line(l, l->line, l->len);
			l->len = 0;
			l->skip = 1;
		}
	}
	return bits;
}

int
v2vlog_feed(struct v2vlog *l, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl, *cr;
	int bits = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		cr = memchr(p, '\r', (size_t)((nl != NULL ? nl : end) - p));
		if (cr != NULL)
			nl = cr;
		if (nl == NULL) {
			bits |= v2vlog_keep(l, p, (size_t)(end - p));
			break;
		}
		bits |= v2vlog_keep(l, p, (size_t)(nl - p));
		if (!l->skip)
			bits |= v2vlog_line(l, l->line, l->len);
		l->len = 0;
		l->skip = 0;
		p = nl + 1;
	}
	return bits;
}

int
v2vlog_end(struct v2vlog *l)
{
	int bits = 0;

	if (l->len > 0 && !l->skip)
		bits = v2vlog_line(l, l->line, l->len);
	l->len = 0;
	l->skip = 0;
	if (l->in_error > 0)
		l->in_error = 0;
	return bits;
}

int
v2vlog_percent(const struct v2vlog *l)
{
	int pct;

	if (l->copied)
		return 100;
	if (l->ndisks == 0 || l->disk == 0)
		return -1;
	if (l->disk > l->ndisks)
		return 100;
	pct = l->percent < 0 ? 0 : l->percent > 100 ? 100 : l->percent;
	return (int)(((l->disk - 1) * 100u + (unsigned)pct) / l->ndisks);
}
