/*
 * planjson.c: plans as JSON files, the format docs/virt-import-plan.5
 * describes.  A plan file is written by hand as often as by the console, so
 * the parser is strict: an unknown key, a key given twice, a value of the
 * wrong type or out of range is an error that names where it is (a JSON path
 * such as vms[2].networks[0].to) and what to write instead.  A typo that was
 * silently ignored would import a VM to the wrong place.
 *
 * planjson_plan() writes every field the parser reads, so that
 * planjson_parse(planjson_string(p)) gives p back.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backend.h"

#define PJ_SHOW_MAX	64		/* bytes of a user's text shown */
#define PJ_BANDWIDTH_MAX 1000000000000ULL /* 1000G bits/s */
#define PJ_HOST_LIMIT_MAX 1000
#define PJ_DEPTH	64		/* json-c refuses more than 32 levels */

static const char *pj_root_keys[] = { "version", "source", "proxy",
	"destination", "defaults", "limits", "debug", "vms", NULL };
static const char *pj_source_keys[] = { "spec", "provider", "password_file",
	"connections", "verify", "on_proxy", NULL };
static const char *pj_local_keys[] = { "type", "directory", NULL };
static const char *pj_libvirt_keys[] = { "type", "uri", "pool", NULL };
static const char *pj_upload_keys[] = { "type", "engine", "storage_domain",
	"cluster", "ca_file", "password_file", NULL };
static const char *pj_export_keys[] = { "type", "export", NULL };
static const char *pj_defaults_keys[] = { "format", "allocation", "networks",
	"unmapped", "bandwidth", NULL };
static const char *pj_limits_keys[] = { "per_source_host", NULL };
static const char *pj_netmap_keys[] = { "from", "to", "type", NULL };
static const char *pj_unmapped_keys[] = { "to", "type", NULL };
static const char *pj_vm_keys[] = { "name", "target", "proxy", "storage",
	"disks", "format", "allocation", "networks", "nics", "bandwidth",
	NULL };
static const char *pj_disk_keys[] = { "storage", NULL };
static const char *pj_nic_keys[] = { "mac", "to", "type", "ip", NULL };

/*
 * A user's text fit for a one-line message: control characters become '?'
 * and long text is cut, so a hostile key cannot redraw the terminal.
 */
static char *
pj_show(const char *s, size_t len)
{
	char *out;
	size_t i, n = len > PJ_SHOW_MAX ? PJ_SHOW_MAX : len;

	out = xmalloc(n + 4);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* "parent.key", or "key" at the top. */
static char *
pj_join(const char *parent, const char *key)
{
	char *path, *shown;

	shown = pj_show(key, strlen(key));
	xasprintf(&path, "%s%s%s", parent, *parent != '\0' ? "." : "", shown);
	free(shown);
	return path;
}

static const char *
pj_type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "true/false";
	case json_type_double:
		return "a decimal number";
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object {...}";
	case json_type_array:
		return "a list [...]";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

static void
pj_wrong_type(char **cause, const char *parent, const char *key,
    struct json_object *v, const char *want)
{
	char *path = pj_join(parent, key);

	cause_set(cause, "%s: must be %s, not %s", path, want,
	    pj_type_name(v));
	free(path);
}


static int
pj_allowed(const char *key, const char *const *allowed)
{
	size_t i;

	for (i = 0; allowed[i] != NULL; i++) {
		if (strcmp(key, allowed[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Every key of o must be one of allowed: what names the object in the
 * message ("a VM", "a local destination").
 */
static int
pj_keys(struct json_object *o, const char *parent, const char *what,
    const char *const *allowed, char **cause)
{
	const char *best = NULL;
	size_t i, d, bestd = SIZE_MAX;
	char *path, *list = NULL, *tmp;

	json_object_object_foreach(o, key, v) {
		(void)v;
		if (pj_allowed(key, allowed))
			continue;
		for (i = 0; allowed[i] != NULL; i++) {
			d = str_distance(key, allowed[i], PJ_SHOW_MAX);
			if (d < bestd) {
				bestd = d;
				best = allowed[i];
			}
		}
		for (i = 0; allowed[i] != NULL; i++) {
			xasprintf(&tmp, "%s%s%s", list != NULL ? list : "",
			    list != NULL ? ", " : "", allowed[i]);
			free(list);
			list = tmp;
		}
		path = pj_join(parent, key);
		if (bestd <= 2 && bestd < strlen(key))
			cause_set(cause, "%s: unknown key: did you mean '%s'? "
			    "(%s takes %s)", path, best, what, list);
		else
			cause_set(cause, "%s: unknown key: %s takes %s", path,
			    what, list);
		free(path);
		free(list);
		return -1;
	}
	return 0;
}

/* The value under key, NULL when absent or null. */
static struct json_object *
pj_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/*
 * A non-empty string.  Absent or null gives *out NULL, or an error whose
 * hint says what to write when the key is required.
 */
static int
pj_str(struct json_object *o, const char *parent, const char *key,
    const char *required, char **out, char **cause)
{
	struct json_object *v = pj_get(o, key);
	const char *s;
	char *path;
	size_t len;

	*out = NULL;
	if (v == NULL) {
		if (required == NULL)
			return 0;
		path = pj_join(parent, key);
		cause_set(cause, "%s: missing: %s", path, required);
		free(path);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		pj_wrong_type(cause, parent, key, v, "a string in double "
		    "quotes");
		return -1;
	}
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	path = NULL;
	if (len == 0) {
		path = pj_join(parent, key);
		cause_set(cause, "%s: is empty: %s", path, required != NULL ?
		    required : "give a value or leave the key out");
	} else if (strlen(s) != len) {
		path = pj_join(parent, key);
		cause_set(cause, "%s: holds a NUL character (\\u0000): remove "
		    "it", path);
	}
	if (path != NULL) {
		free(path);
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

/* An absolute path (a file here, or a folder on the proxy). */
static int
pj_path(struct json_object *o, const char *parent, const char *key,
    const char *required, char **out, char **cause)
{
	char *path, *shown;

	if (pj_str(o, parent, key, required, out, cause) != 0)
		return -1;
	if (*out == NULL || **out == '/')
		return 0;
	path = pj_join(parent, key);
	shown = pj_show(*out, strlen(*out));
	cause_set(cause, "%s: '%s' is not an absolute path: write it from '/' "
	    "(a plan does not depend on the folder it is run from)", path,
	    shown);
	free(shown);
	free(path);
	free(*out);
	*out = NULL;
	return -1;
}

static int
pj_bool(struct json_object *o, const char *parent, const char *key, int *out,
    char **cause)
{
	struct json_object *v = pj_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_boolean)) {
		pj_wrong_type(cause, parent, key, v, "true or false");
		return -1;
	}
	*out = json_object_get_boolean(v);
	return 0;
}

static int
pj_uint(struct json_object *o, const char *parent, const char *key,
    unsigned min, unsigned max, unsigned *out, char **cause)
{
	struct json_object *v = pj_get(o, key);
	int64_t n;
	char *path;

	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		pj_wrong_type(cause, parent, key, v, "a whole number");
		return -1;
	}
	n = json_object_get_int64(v);
	if (n < (int64_t)min || n > (int64_t)max) {
		path = pj_join(parent, key);
		cause_set(cause, "%s: %" PRId64 " is out of range: use %u to "
		    "%u", path, n, min, max);
		free(path);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/*
 * A value of type t under key (an object or a list), NULL when absent;
 * required says it must be there, shown says what to write.
 */
static int
pj_typed(struct json_object *o, const char *parent, const char *key,
    const char *required, enum json_type t, const char *shown,
    struct json_object **out, char **cause)
{
	struct json_object *v = pj_get(o, key);
	char *path;

	*out = NULL;
	if (v == NULL) {
		if (required == NULL)
			return 0;
		path = pj_join(parent, key);
		cause_set(cause, "%s: missing: %s", path, required);
		free(path);
		return -1;
	}
	if (!json_object_is_type(v, t)) {
		pj_wrong_type(cause, parent, key, v, shown);
		return -1;
	}
	*out = v;
	return 0;
}

static int
pj_obj(struct json_object *o, const char *parent, const char *key,
    const char *required, struct json_object **out, char **cause)
{
	return pj_typed(o, parent, key, required, json_type_object,
	    "an object {...}", out, cause);
}

static int
pj_array(struct json_object *o, const char *parent, const char *key,
    const char *required, struct json_object **out, char **cause)
{
	return pj_typed(o, parent, key, required, json_type_array,
	    "a list [...]", out, cause);
}

/* One of a few words; *out gets its index. */
static int
pj_word(struct json_object *o, const char *parent, const char *key,
    const char *const *words, const char *hint, int *out, char **cause)
{
	char *s, *path, *shown;
	size_t i;

	if (pj_str(o, parent, key, NULL, &s, cause) != 0)
		return -1;
	if (s == NULL)
		return 0;
	for (i = 0; words[i] != NULL; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = (int)i;
			free(s);
			return 0;
		}
	}
	path = pj_join(parent, key);
	shown = pj_show(s, strlen(s));
	cause_set(cause, "%s: '%s' is not %s", path, shown, hint);
	free(shown);
	free(path);
	free(s);
	return -1;
}

static const char *pj_format_words[] = { "raw", "qcow2", NULL };
static const char *pj_alloc_words[] = { "sparse", "preallocated", NULL };
static const char *pj_kind_words[] = { "network", "bridge", NULL };

static int
pj_format(struct json_object *o, const char *parent, enum disk_format *out,
    char **cause)
{
	int i = -1;

	if (pj_word(o, parent, "format", pj_format_words, "a format virt-v2v "
	    "writes: use raw or qcow2", &i, cause) != 0)
		return -1;
	if (i != -1)
		*out = i == 0 ? DISK_FORMAT_RAW : DISK_FORMAT_QCOW2;
	return 0;
}

static int
pj_alloc(struct json_object *o, const char *parent, enum disk_alloc *out,
    char **cause)
{
	int i = -1;

	if (pj_word(o, parent, "allocation", pj_alloc_words, "an allocation: "
	    "use sparse or preallocated", &i, cause) != 0)
		return -1;
	if (i != -1)
		*out = i == 0 ? DISK_ALLOC_SPARSE : DISK_ALLOC_PREALLOCATED;
	return 0;
}

static int
pj_kind(struct json_object *o, const char *parent, enum nic_kind *out,
    char **cause)
{
	int i = -1;

	*out = NIC_NETWORK;
	if (pj_word(o, parent, "type", pj_kind_words, "a kind of target: use "
	    "network (a libvirt or oVirt network) or bridge (a host bridge)",
	    &i, cause) != 0)
		return -1;
	if (i == 1)
		*out = NIC_BRIDGE;
	return 0;
}

/*
 * Bits per second: a whole number, or a string of digits with an optional
 * k, M or G (powers of 1000, as network speeds are counted).
 */
static int
pj_bandwidth(struct json_object *o, const char *parent, uint64_t *out,
    char **cause)
{
	struct json_object *v = pj_get(o, "bandwidth");
	const char *s, *p;
	uint64_t n = 0, mult = 1;
	char *path, *shown;

	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			goto bad;
		n = (uint64_t)json_object_get_int64(v);
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (!isdigit((unsigned char)*s))
			goto bad;
		for (p = s; isdigit((unsigned char)*p); p++) {
			if (n > PJ_BANDWIDTH_MAX)
				goto big;
			n = n * 10 + (uint64_t)(*p - '0');
		}
		switch (*p) {
		case '\0':
			break;
		case 'k':
		case 'K':
			mult = 1000;
			p++;
			break;
		case 'M':
			mult = 1000000;
			p++;
			break;
		case 'G':
			mult = 1000000000;
			p++;
			break;
		default:
			goto bad;
		}
		if (*p != '\0' || (size_t)(p - s) !=
		    (size_t)json_object_get_string_len(v))
			goto bad;
		if (n > PJ_BANDWIDTH_MAX / mult)
			goto big;
		n *= mult;
	} else {
		pj_wrong_type(cause, parent, "bandwidth", v, "bits per second, "
		    "a number or a string such as \"100M\"");
		return -1;
	}
	if (n > PJ_BANDWIDTH_MAX)
		goto big;
	*out = n;
	return 0;

bad:
	path = pj_join(parent, "bandwidth");
	s = json_object_get_string(v);
	shown = pj_show(s, strlen(s));
	cause_set(cause, "%s: '%s' is not a bandwidth: write bits per second "
	    "as a number or with k, M or G (\"100M\" is 100 megabits/s; 0 "
	    "means no limit)", path, shown);
	free(shown);
	free(path);
	return -1;
big:
	path = pj_join(parent, "bandwidth");
	cause_set(cause, "%s: more than 1000G bits/s: write a smaller limit, "
	    "or leave the key out for none", path);
	free(path);
	return -1;
}

/* Is s an address as virt-v2v's --mac ip: takes it ([0-9a-f:.]+)? */
static int
pj_ip_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' &&
		    s[i] != '.')
			return 0;
	}
	return 1;
}

/* "ADDR[,GATEWAY[,PREFIXLEN[,NAMESERVER...]]]", as --mac MAC:ip: takes. */
static int
pj_static_ip(const char *s)
{
	const char *p = s, *end;
	size_t field = 0, len, i;
	unsigned prefix;

	for (;;) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		switch (field) {
		case 0:
			if (!pj_ip_ok(p, len))
				return -1;
			break;
		case 1:
			if (len != 0 && !pj_ip_ok(p, len))
				return -1;
			break;
		case 2:
			if (len > 3)
				return -1;
			prefix = 0;
			for (i = 0; i < len; i++) {
				if (!isdigit((unsigned char)p[i]))
					return -1;
				prefix = prefix * 10 + (unsigned)(p[i] - '0');
			}
			if (prefix > 128)
				return -1;
			break;
		default:
			if (!pj_ip_ok(p, len))
				return -1;
			break;
		}
		if (end == NULL)
			return 0;
		p = end + 1;
		field++;
	}
}

/* A list of {from, to, type} into maps; a network mapped twice is refused. */
static int
pj_netmaps(struct json_object *o, const char *parent, struct netmap **maps,
    size_t *n, char **cause)
{
	struct json_object *arr, *e;
	enum nic_kind kind;
	size_t i, j, len;
	char *base, *path = NULL, *from = NULL, *to = NULL, *shown;
	int rc = -1;

	if (pj_array(o, parent, "networks", NULL, &arr, cause) != 0)
		return -1;
	if (arr == NULL)
		return 0;
	base = pj_join(parent, "networks");
	len = json_object_array_length(arr);
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(arr, i);
		xasprintf(&path, "%s[%zu]", base, i);
		if (e == NULL || !json_object_is_type(e, json_type_object)) {
			cause_set(cause, "%s: must be an object {\"from\": "
			    "..., \"to\": ..., \"type\": ...}, not %s", path,
			    pj_type_name(e));
			goto out;
		}
		if (pj_keys(e, path, "a network mapping", pj_netmap_keys,
		    cause) != 0 ||
		    pj_str(e, path, "from", "give the source network, bridge "
		    "or port group to map", &from, cause) != 0 ||
		    pj_str(e, path, "to", "give the network or bridge it "
		    "becomes at the destination", &to, cause) != 0 ||
		    pj_kind(e, path, &kind, cause) != 0)
			goto out;
		for (j = 0; j < *n; j++) {
			if (strcmp((*maps)[j].from, from) != 0)
				continue;
			shown = pj_show(from, strlen(from));
			cause_set(cause, "%s.from: '%s' is mapped twice in "
			    "this list (also [%zu]): keep one mapping", path,
			    shown, j);
			free(shown);
			goto out;
		}
		plan_map(maps, n, from, to, kind);
		free(from);
		free(to);
		from = to = NULL;
		free(path);
		path = NULL;
	}
	rc = 0;
out:
	free(from);
	free(to);
	free(path);
	free(base);
	return rc;
}

static int
pj_source(struct plan *plan, struct json_object *root, char **cause)
{
	struct json_object *o;
	char *spec = NULL, *provider = NULL, *why = NULL;
	int rc = -1;

	if (pj_obj(root, "", "source", "say where the VMs come from: "
	    "\"source\": {\"spec\": \"vpx://...\"} (virt-import-plan(5))", &o,
	    cause) != 0)
		return -1;
	if (pj_keys(o, "source", "the source", pj_source_keys, cause) != 0 ||
	    pj_str(o, "source", "spec", "give a libvirt URI (vpx://...), "
	    "ova:PATH, vmx:PATH, xml:PATH, dir:PATH, export:PATH or a saved "
	    "provider's name", &spec, cause) != 0)
		return -1;
	if ((plan->source = source_parse(spec, &why)) == NULL) {
		cause_set(cause, "source.spec: %s", why);
		goto out;
	}
	if (pj_str(o, "source", "provider", NULL, &provider, cause) != 0)
		goto out;
	if (provider != NULL) {
		if (plan->source->kind == SOURCE_PROVIDER) {
			cause_set(cause, "source.provider: the spec already "
			    "names a provider: remove provider");
			goto out;
		}
		if (name_valid("source.provider", provider, cause) != 0)
			goto out;
		plan->source->name = provider;
		provider = NULL;
	}
	if (pj_path(o, "source", "password_file", NULL,
	    &plan->source->password_file, cause) != 0)
		goto out;
	if (plan->source->password_file != NULL &&
	    plan->source->kind != SOURCE_LIBVIRT &&
	    plan->source->kind != SOURCE_PROVIDER) {
		cause_set(cause, "source.password_file: %s: sources take no "
		    "password: remove it",
		    source_kind_name(plan->source->kind));
		goto out;
	}
	if (pj_uint(o, "source", "connections", 1, 64,
	    &plan->source->connections, cause) != 0 ||
	    pj_bool(o, "source", "verify", &plan->source->verify, cause) != 0 ||
	    pj_bool(o, "source", "on_proxy", &plan->source_on_proxy,
	    cause) != 0)
		goto out;
	rc = 0;
out:
	free(why);
	free(spec);
	free(provider);
	return rc;
}

/* -o rhv mounts HOST:/PATH itself, or takes a folder mounted already. */
static int
pj_export_ok(const char *s)
{
	const char *sep;

	sep = strstr(s, ":/");
	if (*s == '/')
		return sep == NULL;	/* else virt-v2v would mount it */
	if (sep == NULL || sep == s)
		return 0;
	/* virt-v2v splits at the first ":/": only [v6]: may hold colons. */
	if (*s == '[')
		return sep[-1] == ']' && memchr(s, ']', (size_t)(sep - s)) ==
		    sep - 1;
	return memchr(s, ':', (size_t)(sep - s)) == NULL;
}

static int
pj_destination(struct plan *plan, struct json_object *root, char **cause)
{
	struct destination *d = &plan->dest;
	struct json_object *o;
	const char *const *keys = NULL;
	char *type, *shown;
	const char *what = NULL;

	if (pj_obj(root, "", "destination", "say where converted VMs go: "
	    "\"destination\": {\"type\": \"local\", \"directory\": "
	    "\"/var/tmp\"} (virt-import-plan(5))", &o, cause) != 0)
		return -1;
	if (pj_str(o, "destination", "type", "give local, libvirt, "
	    "ovirt-upload or ovirt-export", &type, cause) != 0)
		return -1;
	if (output_kind_parse(type, &d->kind) != 0) {
		shown = pj_show(type, strlen(type));
		cause_set(cause, "destination.type: '%s' is not a destination: "
		    "use local, libvirt, ovirt-upload or ovirt-export", shown);
		free(shown);
		free(type);
		return -1;
	}
	free(type);
	switch (d->kind) {
	case OUTPUT_LOCAL:
		keys = pj_local_keys;
		what = "a local destination";
		break;
	case OUTPUT_LIBVIRT:
		keys = pj_libvirt_keys;
		what = "a libvirt destination";
		break;
	case OUTPUT_OVIRT_UPLOAD:
		keys = pj_upload_keys;
		what = "an ovirt-upload destination";
		break;
	case OUTPUT_OVIRT_EXPORT:
		keys = pj_export_keys;
		what = "an ovirt-export destination";
		break;
	}
	if (pj_keys(o, "destination", what, keys, cause) != 0)
		return -1;

	switch (d->kind) {
	case OUTPUT_LOCAL:
		return pj_path(o, "destination", "directory", "give the folder "
		    "on the proxy that receives the disks and the libvirt XML",
		    &d->storage, cause);
	case OUTPUT_LIBVIRT:
		if (pj_str(o, "destination", "uri", "give the libvirt URI as "
		    "the proxy reaches it, e.g. qemu:///system", &d->uri,
		    cause) != 0 ||
		    pj_str(o, "destination", "pool", "give the storage pool "
		    "that receives the disks, e.g. default", &d->storage,
		    cause) != 0)
			return -1;
		if (strstr(d->uri, "://") == NULL) {
			shown = pj_show(d->uri, strlen(d->uri));
			cause_set(cause, "destination.uri: '%s' is not a "
			    "libvirt URI: write e.g. qemu:///system", shown);
			free(shown);
			return -1;
		}
		return 0;
	case OUTPUT_OVIRT_UPLOAD:
		if (pj_str(o, "destination", "engine", "give the engine's "
		    "API URL, https://ENGINE/ovirt-engine/api", &d->uri,
		    cause) != 0)
			return -1;
		if (strncmp(d->uri, "https://", 8) != 0 || d->uri[8] == '\0') {
			shown = pj_show(d->uri, strlen(d->uri));
			cause_set(cause, "destination.engine: '%s' is not an "
			    "https:// URL: the engine is reached over TLS: "
			    "write https://ENGINE/ovirt-engine/api", shown);
			free(shown);
			return -1;
		}
		if (pj_str(o, "destination", "storage_domain", "give the "
		    "data storage domain that receives the disks",
		    &d->storage, cause) != 0 ||
		    pj_str(o, "destination", "cluster", NULL, &d->cluster,
		    cause) != 0 ||
		    pj_path(o, "destination", "ca_file", "give the engine's "
		    "CA certificate (PEM), saved on this machine from "
		    "https://ENGINE/ovirt-engine/services/pki-resource?"
		    "resource=ca-certificate&format=X509-PEM-CA: without it "
		    "the engine's identity is not checked", &d->ca_file,
		    cause) != 0 ||
		    pj_path(o, "destination", "password_file", "give a file "
		    "on this machine holding the engine user's password",
		    &d->password_file, cause) != 0)
			return -1;
		return 0;
	case OUTPUT_OVIRT_EXPORT:
		if (pj_str(o, "destination", "export", "give the export "
		    "domain as HOST:/PATH (NFS), or the folder it is mounted "
		    "on at the proxy", &d->storage, cause) != 0)
			return -1;
		if (!pj_export_ok(d->storage)) {
			shown = pj_show(d->storage, strlen(d->storage));
			cause_set(cause, "destination.export: '%s' is neither "
			    "HOST:/PATH nor an absolute path: write it as "
			    "mount(8) takes it (server:/export, no nfs: in "
			    "front)", shown);
			free(shown);
			return -1;
		}
		return 0;
	}
	return 0;
}

static int
pj_defaults(struct plan *plan, struct json_object *root, char **cause)
{
	struct json_object *o, *u;

	if (pj_obj(root, "", "defaults", NULL, &o, cause) != 0)
		return -1;
	if (o == NULL)
		return 0;
	if (pj_keys(o, "defaults", "defaults", pj_defaults_keys, cause) != 0 ||
	    pj_format(o, "defaults", &plan->format, cause) != 0 ||
	    pj_alloc(o, "defaults", &plan->alloc, cause) != 0 ||
	    pj_netmaps(o, "defaults", &plan->netmaps, &plan->nnetmaps,
	    cause) != 0 ||
	    pj_bandwidth(o, "defaults", &plan->bandwidth, cause) != 0 ||
	    pj_obj(o, "defaults", "unmapped", NULL, &u, cause) != 0)
		return -1;
	if (u == NULL)
		return 0;
	if (pj_keys(u, "defaults.unmapped", "unmapped", pj_unmapped_keys,
	    cause) != 0 ||
	    pj_str(u, "defaults.unmapped", "to", "give the network or bridge "
	    "that NICs no mapping names are connected to",
	    &plan->default_network, cause) != 0 ||
	    pj_kind(u, "defaults.unmapped", &plan->default_kind, cause) != 0)
		return -1;
	return 0;
}

/* Per-disk storage: [{"storage": "..."}, null, ...]. */
static int
pj_disks(struct plan_item *it, struct json_object *o, const char *parent,
    char **cause)
{
	struct json_object *arr, *e;
	size_t i, len;
	char *path;

	if (pj_array(o, parent, "disks", NULL, &arr, cause) != 0)
		return -1;
	if (arr == NULL)
		return 0;
	len = json_object_array_length(arr);
	if (len == 0)
		return 0;
	it->disk_storage = xcalloc(len, sizeof *it->disk_storage);
	it->ndisk_storage = len;
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(arr, i);
		if (e == NULL)
			continue;	/* it goes with the VM's storage */
		xasprintf(&path, "%s.disks[%zu]", parent, i);
		if (!json_object_is_type(e, json_type_object)) {
			cause_set(cause, "%s: must be {\"storage\": ...} or "
			    "null, not %s", path, pj_type_name(e));
			free(path);
			return -1;
		}
		if (pj_keys(e, path, "a disk", pj_disk_keys, cause) != 0 ||
		    pj_str(e, path, "storage", NULL, &it->disk_storage[i],
		    cause) != 0) {
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

static int
pj_nics(struct plan_item *it, struct json_object *o, const char *parent,
    char **cause)
{
	struct json_object *arr, *e;
	struct nicmap *nm;
	size_t i, j, len;
	char *path = NULL, *mac = NULL, *shown;
	int rc = -1;

	if (pj_array(o, parent, "nics", NULL, &arr, cause) != 0)
		return -1;
	if (arr == NULL)
		return 0;
	len = json_object_array_length(arr);
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(arr, i);
		free(path);
		xasprintf(&path, "%s.nics[%zu]", parent, i);
		if (e == NULL || !json_object_is_type(e, json_type_object)) {
			cause_set(cause, "%s: must be an object {\"mac\": ..., "
			    "\"to\": ...} or {\"mac\": ..., \"ip\": ...}, not "
			    "%s", path, pj_type_name(e));
			goto out;
		}
		if (pj_keys(e, path, "a NIC", pj_nic_keys, cause) != 0 ||
		    pj_str(e, path, "mac", "give the NIC's MAC address, "
		    "aa:bb:cc:dd:ee:ff", &mac, cause) != 0)
			goto out;
		it->nics = xappend(it->nics, &it->nnics, sizeof *it->nics);
		nm = &it->nics[it->nnics - 1];
		if (mac_normalize(mac, nm->mac) != 0) {
			shown = pj_show(mac, strlen(mac));
			cause_set(cause, "%s.mac: '%s' is not a MAC address: "
			    "write six hex pairs, aa:bb:cc:dd:ee:ff", path,
			    shown);
			free(shown);
			goto out;
		}
		free(mac);
		mac = NULL;
		for (j = 0; j + 1 < it->nnics; j++) {
			if (strcmp(it->nics[j].mac, nm->mac) == 0) {
				cause_set(cause, "%s.mac: %s is also "
				    "nics[%zu]: give each NIC one entry (it "
				    "can hold both to and ip)", path, nm->mac,
				    j);
				goto out;
			}
		}
		if (pj_str(e, path, "to", NULL, &nm->to, cause) != 0 ||
		    pj_kind(e, path, &nm->to_kind, cause) != 0 ||
		    pj_str(e, path, "ip", NULL, &nm->ip, cause) != 0)
			goto out;
		if (nm->to == NULL && nm->ip == NULL) {
			cause_set(cause, "%s: says nothing about the NIC: give "
			    "\"to\" (its network or bridge), \"ip\" (a static "
			    "address), or both", path);
			goto out;
		}
		if (nm->to == NULL && pj_get(e, "type") != NULL) {
			cause_set(cause, "%s.type: a type without \"to\": give "
			    "the network or bridge too", path);
			goto out;
		}
		if (nm->ip != NULL && pj_static_ip(nm->ip) != 0) {
			shown = pj_show(nm->ip, strlen(nm->ip));
			cause_set(cause, "%s.ip: '%s' is not ADDRESS[,GATEWAY"
			    "[,PREFIXLEN[,NAMESERVER...]]]: write e.g. "
			    "192.168.10.21,192.168.10.1,24,192.168.10.2", path,
			    shown);
			free(shown);
			goto out;
		}
	}
	rc = 0;
out:
	free(mac);
	free(path);
	return rc;
}

static int
pj_vm(struct plan *plan, struct json_object *e, const char *path,
    char **cause)
{
	struct plan_item *it, *other;
	char *name, *target, *shown;
	size_t i;

	if (pj_keys(e, path, "a VM", pj_vm_keys, cause) != 0 ||
	    pj_str(e, path, "name", "give the VM's name at the source",
	    &name, cause) != 0)
		return -1;
	if ((other = plan_find(plan, name)) != NULL) {
		shown = pj_show(name, strlen(name));
		cause_set(cause, "%s.name: VM '%s' is listed twice (also "
		    "vms[%zu]): keep one entry", path, shown,
		    (size_t)(other - plan->items));
		free(shown);
		free(name);
		return -1;
	}
	it = plan_add(plan, name, cause);
	free(name);
	if (it == NULL)
		return -1;
	if (pj_str(e, path, "target", NULL, &target, cause) != 0)
		return -1;
	if (target != NULL) {
		free(it->target);
		it->target = target;
		if (strchr(target, '/') != NULL) {
			shown = pj_show(target, strlen(target));
			cause_set(cause, "%s.target: '%s' holds a '/': "
			    "virt-v2v makes file names from it: choose a name "
			    "without one", path, shown);
			free(shown);
			return -1;
		}
	}
	for (i = 0; i + 1 < plan->nitems; i++) {
		if (strcmp(plan->items[i].target, it->target) != 0)
			continue;
		shown = pj_show(it->target, strlen(it->target));
		cause_set(cause, "%s.target: '%s' is also where vms[%zu] goes: "
		    "two VMs cannot share a name at the destination: give one "
		    "a different \"target\"", path, shown, i);
		free(shown);
		return -1;
	}
	if (pj_str(e, path, "proxy", NULL, &it->proxy, cause) != 0)
		return -1;
	if (it->proxy != NULL && name_valid("the name", it->proxy,
	    cause) != 0) {
		cause_prefix(cause, "%s.proxy", path);
		return -1;
	}
	if (pj_str(e, path, "storage", NULL, &it->storage, cause) != 0 ||
	    pj_disks(it, e, path, cause) != 0 ||
	    pj_format(e, path, &it->format, cause) != 0 ||
	    pj_alloc(e, path, &it->alloc, cause) != 0 ||
	    pj_netmaps(e, path, &it->netmaps, &it->nnetmaps, cause) != 0 ||
	    pj_nics(it, e, path, cause) != 0 ||
	    pj_bandwidth(e, path, &it->bandwidth, cause) != 0)
		return -1;
	return 0;
}

static int
pj_plan(struct plan *plan, struct json_object *root, char **cause)
{
	struct json_object *v, *o, *arr;
	size_t i, len;
	int64_t version;
	char *path;
	int rc;

	/* The version first: a newer file should say "update", not "typo". */
	if ((v = pj_get(root, "version")) == NULL) {
		cause_set(cause, "version: missing: write \"version\": %d "
		    "first", PLAN_VERSION);
		return -1;
	}
	if (!json_object_is_type(v, json_type_int)) {
		pj_wrong_type(cause, "", "version", v, "a whole number");
		return -1;
	}
	version = json_object_get_int64(v);
	if (version > PLAN_VERSION) {
		cause_set(cause, "version: %" PRId64 " is newer than this "
		    "virt-import reads (%d): update virt-import", version,
		    PLAN_VERSION);
		return -1;
	}
	if (version != PLAN_VERSION) {
		cause_set(cause, "version: %" PRId64 " is not a plan version: "
		    "write %d", version, PLAN_VERSION);
		return -1;
	}
	if (pj_keys(root, "", "a plan", pj_root_keys, cause) != 0 ||
	    pj_source(plan, root, cause) != 0 ||
	    pj_str(root, "", "proxy", NULL, &plan->proxy, cause) != 0)
		return -1;
	if (plan->proxy != NULL && name_valid("the name", plan->proxy,
	    cause) != 0) {
		cause_prefix(cause, "proxy");
		return -1;
	}
	if (pj_destination(plan, root, cause) != 0 ||
	    pj_defaults(plan, root, cause) != 0 ||
	    pj_obj(root, "", "limits", NULL, &o, cause) != 0)
		return -1;
	if (o != NULL && (pj_keys(o, "limits", "limits", pj_limits_keys,
	    cause) != 0 || pj_uint(o, "limits", "per_source_host", 1,
	    PJ_HOST_LIMIT_MAX, &plan->host_limit, cause) != 0))
		return -1;
	if (pj_bool(root, "", "debug", &plan->debug, cause) != 0 ||
	    pj_array(root, "", "vms", "list the VMs to import: \"vms\": "
	    "[{\"name\": \"web01\"}]", &arr, cause) != 0)
		return -1;
	len = json_object_array_length(arr);
	for (i = 0; i < len; i++) {
		v = json_object_array_get_idx(arr, i);
		xasprintf(&path, "vms[%zu]", i);
		if (v == NULL || !json_object_is_type(v, json_type_object)) {
			cause_set(cause, "%s: must be an object {\"name\": "
			    "...}, not %s", path, pj_type_name(v));
			rc = -1;
		} else
			rc = pj_vm(plan, v, path, cause);
		free(path);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/*
 * json-c keeps the last of two equal keys and says nothing, which would
 * hide a key given twice.  The text is valid JSON by now (json-c read it),
 * so a small scan finds each object's keys; at the object's end they are
 * sorted and a repeat is an error naming its path.
 */
struct pj_key {
	const char	*s;
	size_t		 len;
	char		*owned;
};
struct pj_frame {
	int		 object;
	size_t		 index;		/* of the current array element */
	struct pj_key	*keys;
	size_t		 nkeys;
};

static int
pj_key_cmp(const void *a, const void *b)
{
	const struct pj_key *x = a, *y = b;
	int c;

	c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static void
pj_frame_clear(struct pj_frame *f)
{
	size_t i;

	for (i = 0; i < f->nkeys; i++)
		free(f->keys[i].owned);
	free(f->keys);
	f->keys = NULL;
	f->nkeys = 0;
}

/* The path of frame depth-1, as the messages write it. */
static char *
pj_frames_path(struct pj_frame *st, size_t depth)
{
	struct pj_key *k;
	char *path = xstrdup(""), *tmp, *shown;
	size_t d;

	for (d = 0; d + 1 < depth; d++) {
		if (st[d].object) {
			k = &st[d].keys[st[d].nkeys - 1];
			shown = pj_show(k->s, k->len);
			xasprintf(&tmp, "%s%s%s", path,
			    *path != '\0' ? "." : "", shown);
			free(shown);
		} else
			xasprintf(&tmp, "%s[%zu]", path, st[d].index);
		free(path);
		path = tmp;
	}
	return path;
}

/* A repeated key among the keys of the object frame f closes with. */
static int
pj_dup_check(struct pj_frame *st, size_t depth, char **cause)
{
	struct pj_frame *f = &st[depth - 1];
	struct pj_key *k;
	char *path, *shown;
	size_t j;

	if (!f->object || f->nkeys < 2)
		return 0;
	qsort(f->keys, f->nkeys, sizeof *f->keys, pj_key_cmp);
	for (j = 1; j < f->nkeys; j++) {
		if (pj_key_cmp(&f->keys[j - 1], &f->keys[j]) != 0)
			continue;
		k = &f->keys[j];
		path = pj_frames_path(st, depth);
		shown = pj_show(k->s, k->len);
		cause_set(cause, "%s%s%s: the key is given twice in one "
		    "object: keep one (JSON readers would silently take the "
		    "last)", path, *path != '\0' ? "." : "", shown);
		free(shown);
		free(path);
		return -1;
	}
	return 0;
}

/* Record the key buf[start..end] (quotes included) of frame f. */
static void
pj_key_add(struct pj_frame *f, const char *buf, size_t start, size_t end,
    int escaped)
{
	struct json_object *decoded;
	struct pj_key *k;
	char *raw;

	f->keys = xappend(f->keys, &f->nkeys, sizeof *f->keys);
	k = &f->keys[f->nkeys - 1];
	k->s = buf + start + 1;
	k->len = end - start - 1;
	k->owned = NULL;
	if (!escaped)
		return;
	/* Let json-c undo the escapes: "t\u006f" is "to". */
	raw = xstrndup(buf + start, end - start + 1);
	decoded = json_tokener_parse(raw);
	free(raw);
	if (decoded == NULL)
		return;
	k->len = (size_t)json_object_get_string_len(decoded);
	k->owned = xmalloc(k->len + 1);
	memcpy(k->owned, json_object_get_string(decoded), k->len + 1);
	k->s = k->owned;
	json_object_put(decoded);
}

static int
pj_dupkeys(const char *buf, size_t len, char **cause)
{
	struct pj_frame st[PJ_DEPTH];
	size_t depth = 0, i, j, d;
	char prev = 0;
	int rc = 0, escaped;

	memset(st, 0, sizeof st);
	for (i = 0; i < len && rc == 0; i++) {
		switch (buf[i]) {
		case '{':
		case '[':
			if (depth == PJ_DEPTH)
				goto out;	/* json-c refused it already */
			st[depth].object = buf[i] == '{';
			st[depth].index = 0;
			depth++;
			prev = buf[i];
			break;
		case '}':
		case ']':
			if (depth == 0)
				goto out;
			rc = pj_dup_check(st, depth, cause);
			pj_frame_clear(&st[--depth]);
			prev = buf[i];
			break;
		case ',':
			if (depth > 0 && !st[depth - 1].object)
				st[depth - 1].index++;
			prev = ',';
			break;
		case ':':
			prev = ':';
			break;
		case '"':
			escaped = 0;
			for (j = i + 1; j < len && buf[j] != '"'; j++) {
				if (buf[j] == '\\') {
					escaped = 1;
					j++;
				}
			}
			/* A string right after '{' or ',' is a key. */
			if (depth > 0 && st[depth - 1].object &&
			    (prev == '{' || prev == ','))
				pj_key_add(&st[depth - 1], buf, i, j, escaped);
			i = j;
			prev = '"';
			break;
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			break;
		default:
			prev = 'v';
			break;
		}
	}
out:
	for (d = 0; d < depth; d++)
		pj_frame_clear(&st[d]);
	return rc;
}

/* The offset of the first byte that is not UTF-8, or len. */
static size_t
pj_utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return i;
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, UTF-16 surrogates, past U+10FFFF. */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return i;
		i += n + 1;
	}
	return len;
}

/* Line and column (from 1) of byte off. */
static void
pj_where(const char *buf, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

struct plan *
planjson_parse(const char *buf, size_t len, char **cause)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error err;
	struct plan *plan;
	const char *nul;
	size_t line, col, i, off;

	if (len > PLANJSON_MAX) {
		cause_set(cause, "the plan is larger than 16 MiB: a plan is a "
		    "small text file: check that this is the right file");
		return NULL;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;	/* some editors write a UTF-8 BOM */
		len -= 3;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		pj_where(buf, (size_t)(nul - buf), &line, &col);
		cause_set(cause, "line %zu has a NUL byte: a plan is UTF-8 "
		    "JSON text: check that this is the right file", line);
		return NULL;
	}
	if ((i = pj_utf8_bad((const unsigned char *)buf, len)) != len) {
		pj_where(buf, i, &line, &col);
		cause_set(cause, "line %zu, column %zu: byte 0x%02x is not "
		    "UTF-8: save the plan as UTF-8", line, col,
		    (unsigned char)buf[i]);
		return NULL;
	}
	for (i = 0; i < len && isspace((unsigned char)buf[i]); i++)
		;
	if (i == len) {
		cause_set(cause, "the plan is empty: write a JSON object with "
				 "version, source, destination and vms "
				 "(virt-import-plan(5))");
		return NULL;
	}

	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	err = json_tokener_get_error(tok);
	if (root == NULL || err != json_tokener_success) {
		off = json_tokener_get_parse_end(tok);
		pj_where(buf, off, &line, &col);
		if (off + 1 < len && buf[off] == '/' && (buf[off + 1] == '/' ||
		    buf[off + 1] == '*'))
			cause_set(cause, "line %zu, column %zu: a comment: "
			    "JSON has none: remove it", line, col);
		else if (err == json_tokener_continue)
			cause_set(cause, "the JSON ends early, at line %zu: a "
			    "closing } or ] or \" is missing", line);
		else
			cause_set(cause, "line %zu, column %zu: not valid JSON "
			    "(%s): fix the text there", line, col,
			    json_tokener_error_desc(err));
		json_tokener_free(tok);
		json_object_put(root);
		return NULL;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object)) {
		cause_set(cause, "the plan is %s: it must be one JSON object "
		    "{\"version\": %d, ...}", pj_type_name(root), PLAN_VERSION);
		json_object_put(root);
		return NULL;
	}
	if (pj_dupkeys(buf, len, cause) != 0) {
		json_object_put(root);
		return NULL;
	}
	plan = plan_new();
	if (pj_plan(plan, root, cause) != 0) {
		plan_free(plan);
		plan = NULL;
	}
	json_object_put(root);
	return plan;
}

/* A plan file: read whole (at most PLANJSON_MAX) and parsed. */
struct plan *
planjson_read(const char *path, char **cause)
{
	struct plan *plan;
	struct stat st;
	char *buf;
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		cause_set(cause, "cannot read plan %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, "plan %s is not a file: give the plan's JSON "
		    "file", path);
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > PLANJSON_MAX) {
		cause_set(cause, "plan %s is larger than 16 MiB: a plan is a "
		    "small text file: check that this is the right file", path);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			cause_set(cause, "cannot read plan %s: %s", path,
			    n == 0 ? "it became shorter while read" :
			    strerror(errno));
			close(fd);
			free(buf);
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	if ((plan = planjson_parse(buf, off, cause)) == NULL)
		cause_prefix(cause, "plan %s", path);
	free(buf);
	return plan;
}

static struct json_object *
pj_new_str(const char *s)
{
	return json_object_new_string(s);
}

/* Bits per second as the parser reads it back: "100M", or a number. */
static struct json_object *
pj_new_bandwidth(uint64_t n)
{
	static const struct {
		uint64_t	 mult;
		const char	*suffix;
	} units[] = {
		{ 1000000000, "G" }, { 1000000, "M" }, { 1000, "k" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof units / sizeof *units; i++) {
		if (n % units[i].mult == 0) {
			snprintf(buf, sizeof buf, "%" PRIu64 "%s", n /
			    units[i].mult, units[i].suffix);
			return json_object_new_string(buf);
		}
	}
	return json_object_new_int64((int64_t)n);
}

static struct json_object *
pj_new_netmaps(const struct netmap *maps, size_t n)
{
	struct json_object *arr = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "from", pj_new_str(maps[i].from));
		json_object_object_add(o, "to", pj_new_str(maps[i].to));
		json_object_object_add(o, "type", pj_new_str(
		    pj_kind_words[maps[i].to_kind == NIC_BRIDGE]));
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *
pj_spec(const struct source *src, char **buf)
{
	static const char *prefix[] = {
		[SOURCE_OVA] = "ova:", [SOURCE_VMX] = "vmx:",
		[SOURCE_XML] = "xml:", [SOURCE_DIR] = "dir:",
		[SOURCE_EXPORT] = "export:",
	};

	*buf = NULL;
	switch (src->kind) {
	case SOURCE_LIBVIRT:
	case SOURCE_PROVIDER:
		return src->location;
	case SOURCE_OVA:
	case SOURCE_VMX:
	case SOURCE_XML:
	case SOURCE_DIR:
	case SOURCE_EXPORT:
		xasprintf(buf, "%s%s", prefix[src->kind], src->location);
		return *buf;
	}
	return src->location;
}

static struct json_object *
pj_new_source(const struct plan *plan)
{
	const struct source *src = plan->source;
	struct json_object *o = json_object_new_object();
	char *buf;

	if (src != NULL) {
		json_object_object_add(o, "spec", pj_new_str(pj_spec(src,
		    &buf)));
		free(buf);
		if (src->name != NULL && src->kind != SOURCE_PROVIDER)
			json_object_object_add(o, "provider",
			    pj_new_str(src->name));
		if (src->password_file != NULL)
			json_object_object_add(o, "password_file",
			    pj_new_str(src->password_file));
		if (src->connections != 0)
			json_object_object_add(o, "connections",
			    json_object_new_int((int)src->connections));
		if (src->verify)
			json_object_object_add(o, "verify",
			    json_object_new_boolean(1));
	}
	json_object_object_add(o, "on_proxy",
	    json_object_new_boolean(plan->source_on_proxy));
	return o;
}

static void
pj_add_str(struct json_object *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_object_add(o, key, pj_new_str(s));
}

static struct json_object *
pj_new_destination(const struct destination *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type",
	    pj_new_str(output_kind_name(d->kind)));
	switch (d->kind) {
	case OUTPUT_LOCAL:
		pj_add_str(o, "directory", d->storage);
		break;
	case OUTPUT_LIBVIRT:
		pj_add_str(o, "uri", d->uri);
		pj_add_str(o, "pool", d->storage);
		break;
	case OUTPUT_OVIRT_UPLOAD:
		pj_add_str(o, "engine", d->uri);
		pj_add_str(o, "storage_domain", d->storage);
		pj_add_str(o, "cluster", d->cluster);
		pj_add_str(o, "ca_file", d->ca_file);
		pj_add_str(o, "password_file", d->password_file);
		break;
	case OUTPUT_OVIRT_EXPORT:
		pj_add_str(o, "export", d->storage);
		break;
	}
	return o;
}

static const char *
pj_format_name(enum disk_format f)
{
	return f == DISK_FORMAT_QCOW2 ? "qcow2" : disk_format_name(f);
}

static struct json_object *
pj_new_item(const struct plan *plan, const struct plan_item *it)
{
	struct json_object *o = json_object_new_object(), *arr, *d;
	const struct nicmap *nm;
	size_t i;

	json_object_object_add(o, "name", pj_new_str(it->vm));
	if (!str_eq(it->target, it->vm))
		pj_add_str(o, "target", it->target);
	pj_add_str(o, "proxy", it->proxy);
	pj_add_str(o, "storage", it->storage);
	if (it->ndisk_storage != 0) {
		arr = json_object_new_array();
		for (i = 0; i < it->ndisk_storage; i++) {
			d = NULL;
			if (it->disk_storage[i] != NULL) {
				d = json_object_new_object();
				json_object_object_add(d, "storage",
				    pj_new_str(it->disk_storage[i]));
			}
			json_object_array_add(arr, d);
		}
		json_object_object_add(o, "disks", arr);
	}
	if (it->format != plan->format)
		json_object_object_add(o, "format",
		    pj_new_str(pj_format_name(it->format)));
	if (it->alloc != plan->alloc)
		json_object_object_add(o, "allocation",
		    pj_new_str(pj_alloc_words[it->alloc]));
	if (it->nnetmaps != 0)
		json_object_object_add(o, "networks",
		    pj_new_netmaps(it->netmaps, it->nnetmaps));
	if (it->nnics != 0) {
		arr = json_object_new_array();
		for (i = 0; i < it->nnics; i++) {
			nm = &it->nics[i];
			d = json_object_new_object();
			json_object_object_add(d, "mac", pj_new_str(nm->mac));
			if (nm->to != NULL) {
				json_object_object_add(d, "to",
				    pj_new_str(nm->to));
				json_object_object_add(d, "type", pj_new_str(
				    pj_kind_words[nm->to_kind == NIC_BRIDGE]));
			}
			pj_add_str(d, "ip", nm->ip);
			json_object_array_add(arr, d);
		}
		json_object_object_add(o, "nics", arr);
	}
	if (it->bandwidth != 0)
		json_object_object_add(o, "bandwidth",
		    pj_new_bandwidth(it->bandwidth));
	return o;
}

struct json_object *
planjson_plan(const struct plan *plan)
{
	struct json_object *root = json_object_new_object(), *o, *arr;
	size_t i;

	json_object_object_add(root, "version",
	    json_object_new_int(PLAN_VERSION));
	json_object_object_add(root, "source", pj_new_source(plan));
	pj_add_str(root, "proxy", plan->proxy);
	json_object_object_add(root, "destination",
	    pj_new_destination(&plan->dest));

	o = json_object_new_object();
	json_object_object_add(o, "format",
	    pj_new_str(pj_format_name(plan->format)));
	json_object_object_add(o, "allocation",
	    pj_new_str(pj_alloc_words[plan->alloc]));
	json_object_object_add(o, "networks",
	    pj_new_netmaps(plan->netmaps, plan->nnetmaps));
	if (plan->default_network != NULL) {
		arr = json_object_new_object();
		json_object_object_add(arr, "to",
		    pj_new_str(plan->default_network));
		json_object_object_add(arr, "type", pj_new_str(
		    pj_kind_words[plan->default_kind == NIC_BRIDGE]));
		json_object_object_add(o, "unmapped", arr);
	} else
		json_object_object_add(o, "unmapped", NULL);
	if (plan->bandwidth != 0)
		json_object_object_add(o, "bandwidth",
		    pj_new_bandwidth(plan->bandwidth));
	json_object_object_add(root, "defaults", o);

	if (plan->host_limit != 0) {
		o = json_object_new_object();
		json_object_object_add(o, "per_source_host",
		    json_object_new_int((int)plan->host_limit));
		json_object_object_add(root, "limits", o);
	}
	json_object_object_add(root, "debug",
	    json_object_new_boolean(plan->debug));

	arr = json_object_new_array();
	for (i = 0; i < plan->nitems; i++)
		json_object_array_add(arr, pj_new_item(plan, &plan->items[i]));
	json_object_object_add(root, "vms", arr);
	return root;
}

/* The plan as a file holds it: pretty JSON and a final newline. */
char *
planjson_string(const struct plan *plan)
{
	struct json_object *root = planjson_plan(plan);
	char *text;

	xasprintf(&text, "%s\n", json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}
