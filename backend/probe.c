/*
 * probe.c: what a proxy can convert.  probe_run() runs a few read-only
 * commands over SSH (virt-v2v --machine-readable and --version, command -v,
 * nbdkit --dump-config, df, /proc/loadavg, id, sudo -n); pure parsers turn
 * their output into facts, and probe_judge() turns facts into a verdict per
 * source and output kind that says what to install when one is missing.
 * virt-v2v's own capability list decides what it can read and write, as
 * vdsm and virt-p2v decide.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define PROBE_TIMEOUT	60	/* seconds of silence before we give up */

/* One token a line; blank lines skipped.  -1 when there is none at all. */
int
probe_parse_caps(const char *text, char ***caps, size_t *n, char **cause)
{
	const char *p = text, *end;
	size_t len;

	*caps = NULL;
	*n = 0;
	while (*p != '\0') {
		end = p + strcspn(p, "\n");
		len = (size_t)(end - p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		if (len > 0) {
			*caps = xappend(*caps, n, sizeof **caps);
			(*caps)[*n - 1] = xstrndup(p, len);
		}
		p = *end == '\n' ? end + 1 : end;
	}
	if (*n == 0 || strcmp((*caps)[0], "virt-v2v") != 0) {
		cause_set(cause, "virt-v2v --machine-readable printed no "
		    "capability list: this virt-v2v is too old (1.28 or later "
		    "is needed)");
		while (*n > 0)
			free((*caps)[--*n]);
		free(*caps);
		*caps = NULL;
		return -1;
	}
	return 0;
}

int
probe_has(const struct probe *pr, const char *token)
{
	size_t i;

	for (i = 0; i < pr->ncaps; i++) {
		if (strcmp(pr->caps[i], token) == 0)
			return 1;
	}
	return 0;
}

/* "virt-v2v 2.2.0" -> "2.2.0"; NULL when it is not that. */
char *
probe_parse_version(const char *text)
{
	size_t len;

	if (strncmp(text, "virt-v2v ", 9) != 0)
		return NULL;
	text += 9;
	len = strcspn(text, " \t\r\n");
	if (len == 0 || !isdigit((unsigned char)*text))
		return NULL;
	return xstrndup(text, len);
}

static int
probe_number(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Bytes available from `df -P -k DIR`: the data line holds the device
 * (which may contain spaces), total, used, available, "N%", the mount
 * point (which may too).  Find the three numbers before the percentage.
 */
int64_t
probe_parse_df(const char *text, char **cause)
{
	const char *line, *p, *w[64];
	size_t wl[64], nw, i;
	uint64_t total, used, avail;

	if ((line = strchr(text, '\n')) == NULL ||
	    strncmp(text, "Filesystem", 10) != 0)
		goto bad;
	line++;
	nw = 0;
	for (p = line; *p != '\0' && *p != '\n' && nw < 64;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		w[nw] = p;
		while (*p != '\0' && *p != '\n' && *p != ' ' && *p != '\t')
			p++;
		wl[nw] = (size_t)(p - w[nw]);
		nw++;
	}
	for (i = 1; i + 3 < nw; i++) {
		if (wl[i + 3] < 2 || w[i + 3][wl[i + 3] - 1] != '%')
			continue;
		if (probe_number(w[i], wl[i], &total) == 0 &&
		    probe_number(w[i + 1], wl[i + 1], &used) == 0 &&
		    probe_number(w[i + 2], wl[i + 2], &avail) == 0 &&
		    avail <= INT64_MAX / 1024)
			return (int64_t)(avail * 1024);
	}
bad:
	cause_set(cause, "df printed no POSIX (-P) output");
	return -1;
}

/* The three load averages of /proc/loadavg. */
int
probe_parse_loadavg(const char *text, double load[3], char **cause)
{
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		errno = 0;
		load[i] = strtod(text, &end);
		if (end == text || errno != 0 || load[i] < 0 ||
		    (*end != ' ' && i < 2)) {
			cause_set(cause, "/proc/loadavg is not three load "
			    "averages");
			load[0] = load[1] = load[2] = -1;
			return -1;
		}
		text = end;
	}
	return 0;
}

long
probe_parse_uid(const char *text, char **cause)
{
	uint64_t v;
	size_t len = strcspn(text, "\n");

	if (probe_number(text, len, &v) != 0 || v > 0x7fffffff ||
	    (text[len] == '\n' && text[len + 1] != '\0')) {
		cause_set(cause, "id -u did not print a user ID");
		return -1;
	}
	return (long)v;
}

/* sudo -n true: 1 runs without a password, 0 asks for one, -1 no sudo. */
int
probe_parse_sudo(int status, const char *err)
{
	if (status == 0)
		return 1;
	if (status == 127 || strstr(err, "not found") != NULL)
		return -1;
	return 0;
}

/* The path `command -v A B ...` printed for name, or NULL. */
char *
probe_parse_command_v(const char *text, const char *name)
{
	const char *p = text, *end, *base;
	size_t len, nlen = strlen(name);

	while (*p != '\0') {
		end = p + strcspn(p, "\n");
		len = (size_t)(end - p);
		base = p + len;
		while (base > p && base[-1] != '/')
			base--;
		if (*p == '/' && (size_t)(p + len - base) == nlen &&
		    memcmp(base, name, nlen) == 0)
			return xstrndup(p, len);
		p = *end == '\n' ? end + 1 : end;
	}
	return NULL;
}

/* plugindir= of nbdkit --dump-config. */
char *
probe_parse_plugindir(const char *text)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "plugindir=/", 11) == 0)
			return xstrndup(p + 10, strcspn(p + 10, "\n"));
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return NULL;
}

/* Whether text has a line that is exactly line. */
int
probe_parse_has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t len = strlen(line);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, line, len) == 0 &&
		    (p[len] == '\n' || p[len] == '\0'))
			return 1;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

struct probe *
probe_new(void)
{
	struct probe *pr;

	pr = xcalloc(1, sizeof *pr);
	pr->job_free = pr->tmp_free = -1;
	pr->load[0] = pr->load[1] = pr->load[2] = -1;
	pr->uid = -1;
	pr->sudo = -1;
	return pr;
}

static void
probe_items_free(struct probe_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(items[i].name);
		free(items[i].text);
	}
	free(items);
}

void
probe_free(struct probe *pr)
{
	size_t i;

	if (pr == NULL)
		return;
	free(pr->fingerprint);
	free(pr->version);
	for (i = 0; i < pr->ncaps; i++)
		free(pr->caps[i]);
	free(pr->caps);
	free(pr->nbdcopy);
	free(pr->nbdkit);
	free(pr->job_dir);
	free(pr->tmp_dir);
	probe_items_free(pr->checks, pr->nchecks);
	probe_items_free(pr->verdicts, pr->nverdicts);
	free(pr);
}

static void __attribute__((format(printf, 5, 0)))
probe_vadd(struct probe_item **items, size_t *n, enum probe_level level,
    const char *name, const char *fmt, va_list ap)
{
	struct probe_item *it;

	*items = xappend(*items, n, sizeof **items);
	it = &(*items)[*n - 1];
	it->name = xstrdup(name);
	it->level = level;
	xvasprintf(&it->text, fmt, ap);
}

/* One line of what was found. */
static void VI_PRINTF(4, 5)
probe_check(struct probe *pr, enum probe_level level, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	probe_vadd(&pr->checks, &pr->nchecks, level, name, fmt, ap);
	va_end(ap);
}

/* One verdict: can this proxy handle a kind, and if not, what to do. */
static void VI_PRINTF(4, 5)
probe_verdict(struct probe *pr, enum probe_level level, const char *kind,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	probe_vadd(&pr->verdicts, &pr->nverdicts, level, kind, fmt, ap);
	va_end(ap);
}

static void
probe_space(struct probe *pr, const char *name, const char *dir,
    int64_t bytes)
{
	char h[32];

	if (dir == NULL)
		dir = "?";
	if (bytes < 0) {
		probe_check(pr, PROBE_WARN, name, "%s: free space unknown "
		    "(df failed there)", dir);
		return;
	}
	size_human((uint64_t)bytes, h, sizeof h);
	if (bytes < PROBE_TMP_MIN)
		probe_check(pr, PROBE_WARN, name, "%s: only %s free: virt-v2v "
		    "needs about 2 GiB there; free some space or set "
		    "VIRT_V2V_TMPDIR on the proxy", dir, h);
	else
		probe_check(pr, PROBE_OK, name, "%s: %s free", dir, h);
}

static const char *
probe_user(const struct probe *pr)
{
	if (pr->uid == 0)
		return " (root)";
	if (pr->sudo == 1)
		return ", sudo without a password";
	if (pr->sudo == 0)
		return ", sudo asks for a password";
	return ", no sudo";
}

/*
 * The verdicts: a pure function of the facts, so the rules are tested on
 * recorded output.  A kind fails when virt-v2v cannot do it at all, and is
 * a warning when it can but something around it (space) may stop it.
 */
void
probe_judge(struct probe *pr)
{
	static const struct {
		const char	*kind;
		const char	*token;
		const char	*what;
	} simple[] = {
		{ "xen", "xen-ssh", "Xen over SSH (xen+ssh://)" },
		{ "ova", "input:ova", "OVA files" },
		{ "vmx", "input:vmx", "VMware .vmx files" },
		{ "libvirtxml", "input:libvirtxml", "libvirt XML files" },
		{ "libvirt", "input:libvirt", "libvirt sources" },
		{ "output:local", "output:local", "local disk images" },
		{ "output:libvirt", "output:libvirt", "a libvirt host" },
		{ "output:rhv", "output:rhv", "an oVirt export domain" },
		{ "output:rhv-upload", "output:rhv-upload", "oVirt by upload" },
	};
	const char *block = NULL, *why = "", *kind, *how;
	enum probe_level base = PROBE_OK;
	size_t i;
	int https, vddk;

	probe_items_free(pr->checks, pr->nchecks);
	probe_items_free(pr->verdicts, pr->nverdicts);
	pr->checks = pr->verdicts = NULL;
	pr->nchecks = pr->nverdicts = 0;

	/* The capability lines. */
	if (pr->version != NULL)
		probe_check(pr, PROBE_OK, "virt-v2v", "version %s, %zu "
		    "capabilities", pr->version, pr->ncaps);
	else
		probe_check(pr, PROBE_FAIL, "virt-v2v", "not found: install "
		    "virt-v2v on the proxy");
	for (i = 0; i < pr->ncaps; i++) {
		if (strcmp(pr->caps[i], "virt-v2v") != 0)
			probe_check(pr, PROBE_OK, "capability", "%s",
			    pr->caps[i]);
	}
	if (pr->nbdcopy != NULL)
		probe_check(pr, PROBE_OK, "nbdcopy", "%s", pr->nbdcopy);
	else
		probe_check(pr, PROBE_FAIL, "nbdcopy", "not found: install "
		    "libnbd-bin on the proxy (without it every conversion "
		    "fails when the copy starts)");
	if (pr->nbdkit != NULL)
		probe_check(pr, PROBE_OK, "nbdkit", "%s%s%s", pr->nbdkit,
		    pr->curl_plugin ? ", curl plugin" : "",
		    pr->vddk_plugin ? ", vddk plugin" : "");
	else
		probe_check(pr, PROBE_FAIL, "nbdkit", "not found: install "
		    "nbdkit on the proxy");
	probe_space(pr, "job space", pr->job_dir, pr->job_free);
	probe_space(pr, "temp space", pr->tmp_dir, pr->tmp_free);
	if (pr->load[0] >= 0)
		probe_check(pr, PROBE_OK, "load", "%.2f %.2f %.2f", pr->load[0],
		    pr->load[1], pr->load[2]);
	if (pr->uid >= 0)
		probe_check(pr, PROBE_OK, "user", "uid %ld%s", pr->uid,
		    probe_user(pr));

	/* What blocks every kind, and what only warns. */
	if (pr->version == NULL)
		block = "install virt-v2v on the proxy";
	else if (pr->ncaps == 0)
		block = "this virt-v2v has no --machine-readable: install "
		    "virt-v2v 2.0 or later on the proxy";
	else if (pr->nbdcopy == NULL)
		block = "install libnbd-bin on the proxy (virt-v2v needs "
		    "nbdcopy)";
	else if (pr->nbdkit == NULL)
		block = "install nbdkit on the proxy";
	if (pr->tmp_free >= 0 && pr->tmp_free < PROBE_TMP_MIN) {
		base = PROBE_WARN;
		why = "; little temporary space: free some, or set "
		    "VIRT_V2V_TMPDIR on the proxy";
	}

	/* VMware: HTTPS needs nbdkit's curl plugin, VDDK its vddk plugin. */
	https = probe_has(pr, "vcenter-https") && pr->curl_plugin;
	vddk = probe_has(pr, "vddk") && pr->vddk_plugin;
	if (https && vddk)
		how = "over HTTPS or VDDK";
	else if (https)
		how = "over HTTPS (VDDK would be faster: install it with "
		    "nbdkit's vddk plugin)";
	else
		how = "over VDDK";
	for (i = 0; i < 2; i++) {
		kind = i == 0 ? "vpx" : "esx";
		if (block != NULL)
			probe_verdict(pr, PROBE_FAIL, kind, "%s", block);
		else if (!https && !vddk)
			probe_verdict(pr, PROBE_FAIL, kind, "no way to read "
			    "VMware disks: install nbdkit-plugin-curl (HTTPS), "
			    "or VDDK with nbdkit's vddk plugin");
		else
			probe_verdict(pr, base, kind, "%s%s", how, why);
	}
	for (i = 0; i < sizeof simple / sizeof simple[0]; i++) {
		kind = simple[i].kind;
		if (block != NULL)
			probe_verdict(pr, PROBE_FAIL, kind, "%s", block);
		else if (!probe_has(pr, simple[i].token))
			probe_verdict(pr, PROBE_FAIL, kind, "this virt-v2v "
			    "cannot handle %s (no %s): install a newer "
			    "virt-v2v", simple[i].what, simple[i].token);
		else
			probe_verdict(pr, base, kind, "%s%s", simple[i].what,
			    why);
	}
}

/* Run argv; its stdout when it exits 0 (or any status with anystatus). */
static char *
probe_cmd(struct sshc *c, const char *const *argv, int *status, char **err,
    char **cause)
{
	struct sshc_result r;
	char *out;

	if (sshc_run(c, argv, PROBE_TIMEOUT, &r, cause) != 0)
		return NULL;
	if (status != NULL)
		*status = r.status;
	if (err != NULL)
		*err = xstrdup(r.err);
	out = r.out;
	r.out = NULL;
	sshc_result_free(&r);
	return out;
}

static int64_t
probe_df(struct sshc *c, const char *dir, char **cause)
{
	/* The nearest existing directory: the job directory may not yet. */
	const char *argv[] = { "sh", "-c", "d=$1; while [ ! -d \"$d\" ]; "
	    "do d=$(dirname \"$d\"); done; exec df -P -k \"$d\"", "sh", dir,
	    NULL };
	char *out;
	int64_t v;
	int st;

	if ((out = probe_cmd(c, argv, &st, NULL, cause)) == NULL)
		return -2;
	v = st == 0 ? probe_parse_df(out, NULL) : -1;
	free(out);
	return v;
}

/* Probe a proxy over SSH (accept: a host key fingerprint, or NULL). */
struct probe *
probe_run(const struct proxy *p, const char *accept, char **cause)
{
	static const char *const caps[] = { "virt-v2v", "--machine-readable",
	    NULL };
	static const char *const version[] = { "virt-v2v", "--version", NULL };
	static const char *const cmdv[] = { "sh", "-c",
	    "for c in nbdcopy nbdkit; do command -v \"$c\"; done; exit 0",
	    NULL };
	static const char *const dump[] = { "nbdkit", "--dump-config", NULL };
	const char *tmpenv[] = { "env", NULL, "sh", "-c",
	    "printf '%s\\n' \"${VIRT_V2V_TMPDIR:-/var/tmp}\"", NULL };
	static const char *const load[] = { "cat", "/proc/loadavg", NULL };
	static const char *const id[] = { "id", "-u", NULL };
	static const char *const sudo[] = { "sudo", "-n", "true", NULL };
	const char *ls[] = { "ls", NULL, NULL };
	struct sshc *c;
	struct probe *pr;
	char *out = NULL, *err = NULL, *dir;
	size_t i;
	int st;

	if ((c = sshc_connect(p, accept, cause)) == NULL)
		return NULL;
	pr = probe_new();
	pr->fingerprint = xstrdup(sshc_fingerprint(c));
	pr->job_dir = xstrdup(p->job_dir);

	if ((out = probe_cmd(c, caps, &st, NULL, cause)) == NULL)
		goto fail;
	if (st == 0 && probe_parse_caps(out, &pr->caps, &pr->ncaps, NULL) != 0)
		pr->ncaps = 0;
	free(out);
	if ((out = probe_cmd(c, version, &st, NULL, cause)) == NULL)
		goto fail;
	if (st == 0)
		pr->version = probe_parse_version(out);
	free(out);

	if ((out = probe_cmd(c, cmdv, NULL, NULL, cause)) == NULL)
		goto fail;
	pr->nbdcopy = probe_parse_command_v(out, "nbdcopy");
	pr->nbdkit = probe_parse_command_v(out, "nbdkit");
	free(out);
	if (pr->nbdkit != NULL) {
		if ((out = probe_cmd(c, dump, &st, NULL, cause)) == NULL)
			goto fail;
		dir = st == 0 ? probe_parse_plugindir(out) : NULL;
		free(out);
		if (dir != NULL) {
			ls[1] = dir;
			out = probe_cmd(c, ls, &st, NULL, cause);
			free(dir);
			if (out == NULL)
				goto fail;
			pr->curl_plugin = probe_parse_has_line(out,
			    "nbdkit-curl-plugin.so");
			pr->vddk_plugin = probe_parse_has_line(out,
			    "nbdkit-vddk-plugin.so");
			free(out);
		}
	}

	if ((pr->job_free = probe_df(c, p->job_dir, cause)) == -2)
		goto fail;
	/* The proxy's own VIRT_V2V_TMPDIR (proxy add --env) wins. */
	for (i = 0; i < p->nenv; i++)
		if (strncmp(p->env[i], "VIRT_V2V_TMPDIR=", 16) == 0)
			tmpenv[1] = p->env[i];
	if ((out = probe_cmd(c, tmpenv[1] != NULL ? tmpenv : tmpenv + 2, &st,
	    NULL, cause)) == NULL)
		goto fail;
	out[strcspn(out, "\n")] = '\0';
	pr->tmp_dir = xstrdup(*out == '/' ? out : "/var/tmp");
	free(out);
	if ((pr->tmp_free = probe_df(c, pr->tmp_dir, cause)) == -2)
		goto fail;

	if ((out = probe_cmd(c, load, &st, NULL, cause)) == NULL)
		goto fail;
	if (st == 0)
		probe_parse_loadavg(out, pr->load, NULL);
	free(out);
	if ((out = probe_cmd(c, id, &st, NULL, cause)) == NULL)
		goto fail;
	if (st == 0)
		pr->uid = probe_parse_uid(out, NULL);
	free(out);
	if ((out = probe_cmd(c, sudo, &st, &err, cause)) == NULL)
		goto fail;
	pr->sudo = probe_parse_sudo(st, err);
	free(out);
	free(err);

	sshc_close(c);
	probe_judge(pr);
	return pr;

fail:
	cause_prefix(cause, "probing proxy '%s'", p->name);
	sshc_close(c);
	probe_free(pr);
	return NULL;
}
