/*
 * preflight-dest.c: the destination as a proxy sees it, for the judge in
 * preflight.c.  virt-v2v runs on the proxy, so its folders, its libvirt
 * URI and its OVMF files are the ones that matter: everything is asked
 * there, with read-only commands through sshc_run (argv words, each
 * quoted).  Pure parsers, tested on output recorded from real commands
 * (tests/unit/data/preflight/), turn the output into facts.
 *
 * What virt-v2v does that this mirrors (output/output_libvirt.ml,
 * output/output.ml, create_libvirt_xml.ml of virt-v2v 2.x):
 *   -o local   writes DIR/NAME-sda... and DIR/NAME.xml; DIR must exist.
 *   -o libvirt refuses an existing domain NAME; wants a pool of type
 *              'dir' whose target path is a directory on the proxy, and
 *              writes PATH/NAME-sda... there itself; defines the VM with
 *              type 'kvm' (only a warning when that fails).
 *   UEFI       both write <loader> with an OVMF file found on the proxy
 *              (and fail without one), which the libvirt host must have.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "backend.h"

/*
 * The x86_64 firmware pairs virt-v2v 2.2 looks for, in its order (from
 * the strings of Debian's /usr/bin/virt-v2v; libguestfs' uefi list).
 */
static const char *const pf_ovmf[][2] = {
	{ "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd" },
	{ "/usr/share/OVMF/OVMF_CODE.secboot.fd",
	    "/usr/share/OVMF/OVMF_VARS.fd" },
	{ "/usr/share/edk2/ovmf/OVMF_CODE.fd",
	    "/usr/share/edk2/ovmf/OVMF_VARS.fd" },
	{ "/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd",
	    "/usr/share/edk2/ovmf/OVMF_VARS.fd" },
	{ "/usr/share/qemu/ovmf-x86_64-code.bin",
	    "/usr/share/qemu/ovmf-x86_64-vars.bin" },
};
#define PF_NOVMF (sizeof pf_ovmf / sizeof pf_ovmf[0])

void
preflight_strings_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
pf_has(char **v, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(v[i]) == len && memcmp(v[i], s, len) == 0)
			return 1;
	}
	return 0;
}

/* Each line once, in order; blank lines (virsh ends with one) skipped. */
char **
preflight_parse_lines(const char *text, size_t *n)
{
	const char *p = text, *end;
	char **v = NULL;
	size_t len;

	*n = 0;
	while (*p != '\0') {
		end = p + strcspn(p, "\n");
		len = (size_t)(end - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0 && !pf_has(v, *n, p, len)) {
			v = xappend(v, n, sizeof *v);
			v[*n - 1] = xstrndup(p, len);
		}
		p = *end == '\n' ? end + 1 : end;
	}
	return v;
}

/*
 * The VM names whose files a folder holds, from `ls -1A`: NAME.xml and
 * NAME-sdX (X one or more letters, no extension) are what virt-v2v writes
 * for NAME, and would overwrite.
 */
char **
preflight_parse_files(const char *text, size_t *n)
{
	char **lines, **v = NULL;
	const char *s;
	size_t nlines, i, len, k;

	*n = 0;
	lines = preflight_parse_lines(text, &nlines);
	for (i = 0; i < nlines; i++) {
		s = lines[i];
		len = strlen(s);
		if (len > 4 && strcmp(s + len - 4, ".xml") == 0)
			len -= 4;
		else {
			/* The last "-sd" followed by letters only. */
			for (k = len; k > 0 && islower((unsigned char)s[k - 1]);
			    k--)
				;
			while (k < len && !(k >= 4 && strncmp(s + k - 3, "-sd",
			    3) == 0))
				k++;
			if (k >= len)
				continue;
			len = k - 3;
		}
		if (!pf_has(v, *n, s, len)) {
			v = xappend(v, n, sizeof *v);
			v[*n - 1] = xstrndup(s, len);
		}
	}
	preflight_strings_free(lines, nlines);
	return v;
}

/* The value of "Key:   value" in virsh's info output, or NULL. */
static char *
pf_field(const char *text, const char *key)
{
	const char *p = text, *v;
	size_t klen = strlen(key);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			v = p + klen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return xstrndup(v, strcspn(v, "\r\n"));
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return NULL;
}

/*
 * `virsh pool-info --bytes POOL`: *active 1 when State is running, and
 * *avail the Available bytes (-1 when absent: an inactive pool has none).
 */
int
preflight_parse_pool_info(const char *text, int *active, int64_t *avail,
    char **cause)
{
	char *state, *a, *end;
	unsigned long long v;

	*active = 0;
	*avail = -1;
	if ((state = pf_field(text, "State")) == NULL) {
		cause_set(cause, "virsh pool-info printed no State");
		return -1;
	}
	*active = strcmp(state, "running") == 0;
	free(state);
	if ((a = pf_field(text, "Available")) != NULL) {
		if (isdigit((unsigned char)a[0])) {
			v = strtoull(a, &end, 10);
			if (*end == '\0' && v <= INT64_MAX)
				*avail = (int64_t)v;
		}
		free(a);
	}
	return 0;
}

static xmlDocPtr
pf_xml(const char *buf, size_t len, const char *what, char **cause)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	if (len == 0 || len > INT32_MAX) {
		cause_set(cause, "%s is empty or too large", what);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		fatalx("xmlNewParserCtxt failed");
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, what, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlFreeParserCtxt(ctxt);
	if (doc == NULL)
		cause_set(cause, "%s is not well-formed XML", what);
	return doc;
}

static xmlNodePtr
pf_child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, (const xmlChar *)name) == 0)
			return n;
	}
	return NULL;
}

static char *
pf_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v;
	char *s;

	if (n == NULL ||
	    (v = xmlGetProp(n, (const xmlChar *)name)) == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static char *
pf_text(xmlNodePtr n)
{
	xmlChar *v;
	char *s;

	if (n == NULL || (v = xmlNodeGetContent(n)) == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

/* `virsh pool-dumpxml POOL`: its type and its target path. */
int
preflight_parse_pool_xml(const char *xml, size_t len, char **type,
    char **path, char **cause)
{
	xmlDocPtr doc;
	xmlNodePtr root;

	*type = *path = NULL;
	if ((doc = pf_xml(xml, len, "the pool's XML", cause)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcmp(root->name, (const xmlChar *)"pool") !=
	    0 || (*type = pf_attr(root, "type")) == NULL) {
		cause_set(cause, "the pool's XML is not a <pool type='...'>");
		xmlFreeDoc(doc);
		return -1;
	}
	*path = pf_text(pf_child(pf_child(root, "target"), "path"));
	xmlFreeDoc(doc);
	return 0;
}

/*
 * `virsh domcapabilities --virttype kvm`: whether libvirt can boot a UEFI
 * guest: 1 when <os> lists firmware 'efi' (automatic selection, libvirt
 * 5.2 and later) or a loader file, 0 when it lists neither, -1 when the
 * XML says nothing either way.  *note says what decided it.
 */
int
preflight_parse_domcaps(const char *xml, size_t len, char **note)
{
	xmlDocPtr doc;
	xmlNodePtr os, n, v;
	char *name, *s, *yes;
	int uefi = -1;

	*note = NULL;
	if ((doc = pf_xml(xml, len, "the domain capabilities", note)) == NULL)
		return -1;
	os = pf_child(xmlDocGetRootElement(doc), "os");
	if (os == NULL) {
		xasprintf(note, "libvirt's domain capabilities say nothing of "
		    "firmware");
		goto out;
	}
	yes = pf_attr(os, "supported");
	if (yes != NULL && strcmp(yes, "no") == 0) {
		free(yes);
		xasprintf(note, "libvirt cannot set the firmware of a guest");
		uefi = 0;
		goto out;
	}
	free(yes);
	for (n = os->children; n != NULL && uefi != 1; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(n->name, (const xmlChar *)"enum") != 0)
			continue;
		name = pf_attr(n, "name");
		if (name != NULL && strcmp(name, "firmware") == 0) {
			for (v = n->children; v != NULL; v = v->next) {
				if (v->type != XML_ELEMENT_NODE)
					continue;
				s = pf_text(v);
				if (s != NULL && strcmp(s, "efi") == 0) {
					xasprintf(note, "libvirt offers UEFI "
					    "firmware");
					uefi = 1;
				}
				free(s);
			}
		}
		free(name);
	}
	if (uefi != 1 && (n = pf_child(os, "loader")) != NULL &&
	    (v = pf_child(n, "value")) != NULL &&
	    (s = pf_text(v)) != NULL) {
		xasprintf(note, "libvirt knows the UEFI loader %s", s);
		free(s);
		uefi = 1;
	}
	if (uefi != 1) {
		xasprintf(note, "libvirt at the destination lists no UEFI "
		    "firmware");
		uefi = 0;
	}
out:
	xmlFreeDoc(doc);
	return uefi;
}

/* Whether libvirt can run KVM guests, from domcapabilities' exit. */
int
preflight_parse_kvm(int status, const char *err)
{
	if (status == 0)
		return 1;
	if (strstr(err, "does not support virt type") != NULL)
		return 0;
	return -1;
}

/*
 * virsh's "error: " lines as one message: "failed to get pool 'x': Storage
 * pool not found: ...".
 */
char *
preflight_parse_virsh_error(const char *err)
{
	const char *p = err, *end;
	char *msg = NULL, *t;
	size_t len;

	while (*p != '\0') {
		end = p + strcspn(p, "\n");
		len = (size_t)(end - p);
		if (len > 7 && strncmp(p, "error: ", 7) == 0) {
			if (msg == NULL)
				msg = xstrndup(p + 7, len - 7);
			else {
				xasprintf(&t, "%s: %.*s", msg, (int)(len - 7),
				    p + 7);
				free(msg);
				msg = t;
			}
		}
		p = *end == '\n' ? end + 1 : end;
	}
	if (msg == NULL) {
		while (*err == ' ' || *err == '\n')
			err++;
		len = strcspn(err, "\n");
		msg = len > 0 ? xstrndup(err, len) : xstrdup("no message");
	}
	return msg;
}

/* The first OVMF pair both of whose files are listed (one a line). */
char *
preflight_parse_ovmf(const char *text)
{
	char **lines;
	size_t n, i;
	char *found = NULL;

	lines = preflight_parse_lines(text, &n);
	for (i = 0; i < PF_NOVMF && found == NULL; i++) {
		if (pf_has(lines, n, pf_ovmf[i][0], strlen(pf_ovmf[i][0])) &&
		    pf_has(lines, n, pf_ovmf[i][1], strlen(pf_ovmf[i][1])))
			found = xstrdup(pf_ovmf[i][0]);
	}
	preflight_strings_free(lines, n);
	return found;
}

/* ------------------------------------------------------------ reading */

/* The public struct first, so preflight_dest_free() finds the rest. */
struct pf_owned {
	struct pf_dest	 d;
	struct pf_store	*stores;
	size_t		 nstores;
	void		**keep;		/* everything d points to */
	size_t		 nkeep;
	struct sshc	*c;
};

static void *
pf_keep(struct pf_owned *o, void *p)
{
	if (p != NULL) {
		o->keep = xappend(o->keep, &o->nkeep, sizeof *o->keep);
		o->keep[o->nkeep - 1] = p;
	}
	return p;
}

static const char *const *
pf_keep_strings(struct pf_owned *o, char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pf_keep(o, v[i]);
	return (const char *const *)pf_keep(o, v);
}

static const char *VI_PRINTF(2, 3)
pf_keepf(struct pf_owned *o, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	return pf_keep(o, s);
}

void
preflight_dest_free(struct pf_dest *d)
{
	struct pf_owned *o = (struct pf_owned *)d;
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nkeep; i++)
		free(o->keep[i]);
	free(o->keep);
	free(o->stores);
	free(o);
}

/* Run argv on the proxy: 0 and *r when it ran, whatever its status. */
static int
pf_run(struct pf_owned *o, const char *const *argv, struct sshc_result *r,
    char **cause)
{
	return sshc_run(o->c, argv, PF_TIMEOUT, r, cause);
}

/* virsh [-c URI] WORDS..., into a NULL-terminated argv of up to 8. */
static void
pf_virsh(const char *argv[8], const char *uri, const char *a,
    const char *b, const char *c, const char *d)
{
	size_t i = 0;

	argv[i++] = "virsh";
	if (uri != NULL) {
		argv[i++] = "-c";
		argv[i++] = uri;
	}
	argv[i++] = a;
	argv[i++] = b;
	argv[i++] = c;
	argv[i++] = d;
	argv[i] = NULL;
}

static struct pf_store *
pf_store_add(struct pf_owned *o, const char *name)
{
	struct pf_store *s;

	o->stores = xappend(o->stores, &o->nstores, sizeof *o->stores);
	s = &o->stores[o->nstores - 1];
	memset(s, 0, sizeof *s);
	s->name = pf_keep(o, xstrdup(name));
	s->usable = 1;
	s->free_bytes = -1;
	return s;
}

/*
 * A folder virt-v2v writes into (what: "folder 'DIR'", or "the folder of
 * pool 'P' (DIR)"): it must be there and writable; the names of the VMs
 * whose files it holds; its free space (df).  todo says what to do when
 * it is missing.
 */
static int
pf_read_dir(struct pf_owned *o, struct pf_store *s, const char *dir,
    const char *what, const char *todo, int df, char **cause)
{
	const char *ls[] = { "sh", "-c", "cd -- \"$1\" 2>/dev/null || exit 3; "
	    "[ -w . ] || exit 4; exec ls -1A", "sh", dir, NULL };
	const char *dfv[] = { "sh", "-c", "cd -- \"$1\" && exec df -P -k .",
	    "sh", dir, NULL };
	struct sshc_result r;
	char **names;
	size_t n;

	if (pf_run(o, ls, &r, cause) != 0)
		return -1;
	if (r.status == 0) {
		names = preflight_parse_files(r.out, &n);
		s->names = pf_keep_strings(o, names, n);
		s->nnames = n;
	} else if (r.status == 3) {
		s->usable = 0;
		s->error = pf_keepf(o, "%s does not exist on %s: %s", what,
		    sshc_where(o->c), todo);
	} else if (r.status == 4) {
		s->usable = 0;
		s->error = pf_keepf(o, "%s on %s is not writable by the "
		    "proxy's user, who runs virt-v2v: change its owner or mode",
		    what, sshc_where(o->c));
	} else {
		s->usable = -1;
		s->error = pf_keepf(o, "cannot list %s on %s: %.200s", what,
		    sshc_where(o->c), r.err_len > 0 ? r.err : "no message");
	}
	sshc_result_free(&r);
	if (s->usable != 1 || !df)
		return 0;
	if (pf_run(o, dfv, &r, cause) != 0)
		return -1;
	if (r.status == 0)
		s->free_bytes = probe_parse_df(r.out, NULL);
	sshc_result_free(&r);
	return 0;
}

/*
 * A libvirt pool: it must exist, be a directory pool whose folder is a
 * folder on the proxy (virt-v2v writes the disks there itself), and be
 * active (the VM's disks are volumes of it).
 */
static int
pf_read_pool(struct pf_owned *o, const char *uri, const char *pool,
    char **cause)
{
	struct pf_store *s = pf_store_add(o, pool);
	struct sshc_result r;
	const char *argv[8];
	char *type = NULL, *path = NULL, *err, *what;
	int active, rc = -1;
	int64_t avail;

	pf_virsh(argv, uri, "pool-dumpxml", "--pool", pool, NULL);
	if (pf_run(o, argv, &r, cause) != 0)
		return -1;
	if (r.status != 0) {
		err = preflight_parse_virsh_error(r.err);
		s->usable = 0;
		s->error = pf_keepf(o, "pool '%s' cannot be used: %s: create "
		    "it (a directory pool), or choose another", pool, err);
		free(err);
		sshc_result_free(&r);
		return 0;
	}
	if (preflight_parse_pool_xml(r.out, r.out_len, &type, &path, NULL) !=
	    0) {
		s->usable = -1;
		s->error = pf_keepf(o, "pool '%s': virsh pool-dumpxml printed "
		    "no pool", pool);
		sshc_result_free(&r);
		return 0;
	}
	sshc_result_free(&r);
	if (strcmp(type, "dir") != 0 || path == NULL) {
		s->usable = 0;
		s->error = pf_keepf(o, "pool '%s' is of type '%s', but "
		    "virt-v2v writes only to directory pools (type 'dir'): "
		    "choose another pool", pool, type);
		goto out;
	}

	xasprintf(&what, "the folder of pool '%s' (%s)", pool, path);
	rc = pf_read_dir(o, s, path, what, "virt-v2v writes the disks "
	    "there itself, so the pool's folder must be on the proxy (or "
	    "shared with it at the same path)", 0, cause);
	free(what);
	if (rc != 0 || s->usable != 1)
		goto out;

	pf_virsh(argv, uri, "pool-info", "--bytes", "--pool", pool);
	if ((rc = pf_run(o, argv, &r, cause)) != 0)
		goto out;
	if (r.status != 0 ||
	    preflight_parse_pool_info(r.out, &active, &avail, NULL) != 0) {
		err = preflight_parse_virsh_error(r.err);
		s->usable = -1;
		s->error = pf_keepf(o, "pool '%s': %s", pool, err);
		free(err);
	} else if (!active) {
		s->usable = 0;
		s->error = pf_keepf(o, "pool '%s' is not active: start it "
		    "(virsh pool-start %s; pool-autostart keeps it so), or "
		    "the imported VMs cannot start", pool, pool);
	} else
		s->free_bytes = avail;
	sshc_result_free(&r);
out:
	free(type);
	free(path);
	return rc;
}

/* Whether the proxy has the OVMF files virt-v2v needs for UEFI guests. */
static int
pf_read_ovmf(struct pf_owned *o, char **found, char **cause)
{
	const char *argv[5 + 2 * PF_NOVMF];
	struct sshc_result r;
	size_t i, n = 0;
	int ran;

	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = "for f; do [ -f \"$f\" ] && printf '%s\\n' \"$f\"; done; "
	    "exit 0";
	argv[n++] = "sh";
	for (i = 0; i < PF_NOVMF; i++) {
		argv[n++] = pf_ovmf[i][0];
		argv[n++] = pf_ovmf[i][1];
	}
	argv[n] = NULL;
	*found = NULL;
	if (pf_run(o, argv, &r, cause) != 0)
		return -1;
	ran = r.status == 0;
	if (ran)
		*found = preflight_parse_ovmf(r.out);
	sshc_result_free(&r);
	return ran ? 0 : 1;
}

/* Every storage the plan names, once, in order of first mention. */
static char **
pf_plan_storages(const struct plan *plan, size_t *n)
{
	const struct plan_item *it;
	const char *s;
	char **v = NULL;
	size_t i, k;

	*n = 0;
	for (i = 0; i <= plan->nitems; i++) {
		it = i < plan->nitems ? &plan->items[i] : NULL;
		for (k = 0; it != NULL && k <= it->ndisk_storage; k++) {
			s = plan_item_storage(plan, it, k);
			if (s != NULL && *s != '\0' && !pf_has(v, *n, s,
			    strlen(s))) {
				v = xappend(v, n, sizeof *v);
				v[*n - 1] = xstrdup(s);
			}
		}
		s = plan->dest.storage;
		if (it == NULL && s != NULL && *s != '\0' &&
		    !pf_has(v, *n, s, strlen(s))) {
			v = xappend(v, n, sizeof *v);
			v[*n - 1] = xstrdup(s);
		}
	}
	return v;
}

static int
pf_read_libvirt(struct pf_owned *o, const struct plan *plan, char **pools,
    size_t npools, char **cause)
{
	const char *uri = plan->dest.uri, *argv[8];
	struct sshc_result r;
	char **names, *err, *note = NULL;
	size_t n, i;

	pf_virsh(argv, uri, "list", "--all", "--name", NULL);
	if (pf_run(o, argv, &r, cause) != 0)
		return -1;
	if (r.status == 127) {
		o->d.reached = -1;
		o->d.error = pf_keepf(o, "virsh is not installed on %s, so "
		    "libvirt at %s was not inspected: install libvirt-clients "
		    "there", sshc_where(o->c), uri != NULL ? uri : "its "
		    "default URI");
		sshc_result_free(&r);
		return 0;
	}
	if (r.status != 0) {
		err = preflight_parse_virsh_error(r.err);
		o->d.reached = 0;
		o->d.error = pf_keepf(o, "libvirt at %s cannot be reached from "
		    "%s: %s: check the URI, and that the proxy may connect",
		    uri != NULL ? uri : "the default URI", sshc_where(o->c),
		    err);
		free(err);
		sshc_result_free(&r);
		return 0;
	}
	names = preflight_parse_lines(r.out, &n);
	o->d.names = pf_keep_strings(o, names, n);
	o->d.nnames = n;
	sshc_result_free(&r);

	for (i = 0; i < npools; i++) {
		if (pf_read_pool(o, uri, pools[i], cause) != 0)
			return -1;
	}

	pf_virsh(argv, uri, "domcapabilities", "--virttype", "kvm", NULL);
	if (pf_run(o, argv, &r, cause) != 0)
		return -1;
	o->d.kvm = preflight_parse_kvm(r.status, r.err);
	if (r.status == 0) {
		o->d.uefi = preflight_parse_domcaps(r.out, r.out_len, &note);
		o->d.uefi_note = pf_keep(o, note);
	}
	sshc_result_free(&r);
	return 0;
}

/*
 * The destination of plan as the proxy behind c sees it.  NULL (and
 * *cause) only when the SSH session fails; a destination that cannot be
 * used or inspected comes back with reached 0 or -1 and the reason.
 * oVirt is not inspected: the engine would need its own API client.
 */
struct pf_dest *
preflight_dest_read(struct sshc *c, const struct plan *plan, char **cause)
{
	struct pf_owned *o;
	const struct pf_store *def;
	char **stores, *ovmf = NULL;
	size_t nstores, i;
	int rc = 0, have;

	o = xcalloc(1, sizeof *o);
	o->c = c;
	o->d.reached = 1;
	o->d.free_bytes = -1;
	o->d.uefi = -1;
	o->d.kvm = -1;
	stores = pf_plan_storages(plan, &nstores);

	switch (plan->dest.kind) {
	case OUTPUT_OVIRT_UPLOAD:
		o->d.reached = -1;
		o->d.error = pf_keepf(o, "the oVirt engine%s%s is not queried "
		    "before the import", plan->dest.uri != NULL ? " at " : "",
		    plan->dest.uri != NULL ? plan->dest.uri : "");
		goto done;
	case OUTPUT_OVIRT_EXPORT:
		o->d.reached = -1;
		o->d.error = pf_keepf(o, "the oVirt export domain is not "
		    "mounted before the import");
		goto done;
	case OUTPUT_LOCAL:
		for (i = 0; i < nstores && rc == 0; i++) {
			char *what;

			xasprintf(&what, "folder '%s'", stores[i]);
			rc = pf_read_dir(o, pf_store_add(o, stores[i]),
			    stores[i], what, "create it there (virt-v2v writes "
			    "the converted disks into it)", 1, cause);
			free(what);
		}
		break;
	case OUTPUT_LIBVIRT:
		rc = pf_read_libvirt(o, plan, stores, nstores, cause);
		break;
	}
	if (rc != 0 || o->d.reached != 1)
		goto done;

	/* UEFI guests need OVMF on the proxy, and libvirt must know it. */
	if ((rc = pf_read_ovmf(o, &ovmf, cause)) < 0)
		goto done;
	have = rc == 0;
	rc = 0;
	if (have && ovmf == NULL) {
		o->d.uefi = 0;
		o->d.uefi_note = pf_keepf(o, "%s has none of the OVMF files "
		    "virt-v2v looks for (/usr/share/OVMF/OVMF_CODE.fd ...)",
		    sshc_where(c));
	} else if (have && plan->dest.kind == OUTPUT_LOCAL) {
		o->d.uefi = 1;
		o->d.uefi_note = pf_keepf(o, "%s has %s", sshc_where(c), ovmf);
	} else if (have && o->d.uefi == 1)
		o->d.uefi_note = pf_keepf(o, "%s has %s; %s", sshc_where(c),
		    ovmf, o->d.uefi_note);
	free(ovmf);

done:
	o->d.stores = o->stores;
	o->d.nstores = o->nstores;
	for (i = 0; i < o->nstores; i++) {
		def = &o->stores[i];
		if (str_eq(def->name, plan->dest.storage) && def->usable == 1)
			o->d.free_bytes = def->free_bytes;
	}
	preflight_strings_free(stores, nstores);
	o->c = NULL;
	if (rc != 0) {
		cause_prefix(cause, "reading the destination on %s",
		    sshc_where(c));
		preflight_dest_free(&o->d);
		return NULL;
	}
	return &o->d;
}
