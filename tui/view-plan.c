/*
 * view-plan.c: the import plan as one scrolling form: where the VMs go
 * (destination), the batch's defaults, the network mapping, each VM's
 * name, storage and properties, and the last pre-flight's results.  Rows
 * are built from tui->plan on every draw; the view keeps only its cursor,
 * the pools it listed and what the last pre-flight saw at the destination.
 * Edits are checked with the plan file's own parser (planjson_parse) or
 * the judge's rules (name_valid), and change nothing when refused.
 * Pre-flight (pfgather + preflight_judge) and pool listings run on tasks:
 * they SSH to a proxy.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>
#include <json-c/json.h>

#include "tui.h"

#define PV_LABEL	24		/* columns of a row's label */

enum pv_kind {
	R_HEAD,			/* a section's title */
	R_FIELD,		/* label and value; Enter edits */
	R_TEXT,			/* a line of text */
	R_BLANK
};

enum pv_field {
	F_NONE,
	F_KIND,
	F_DIR,
	F_URI,
	F_POOL,
	F_ENGINE,
	F_DOMAIN,
	F_CLUSTER,
	F_CA,
	F_PASSWORD,
	F_EXPORT,
	F_FORMAT,
	F_ALLOC,
	F_PROXY,
	F_BANDWIDTH,
	F_NET,
	F_DEFNET,
	F_TARGET,
	F_STORAGE,
	F_DISK,
	F_IFORMAT,
	F_IALLOC,
	F_IPROXY,
	F_INET,
	F_PF
};

struct pv_row {
	enum pv_kind	 kind;
	enum pv_field	 field;
	size_t		 item;
	size_t		 disk;
	char		*net;		/* F_NET, F_INET: the source network */
	char		*label;
	char		*value;
	int		 el;		/* the value's element */
	int		 indent;
};

struct pv_store {			/* free space the last pre-flight saw */
	char		*name;
	int64_t		 free_bytes;
};

struct plan_view {
	struct pv_row	*rows;
	size_t		 nrows;
	size_t		 cursor;	/* a row: a field if there is one */
	size_t		 top;
	int		 height;

	/* The field under the cursor, found again when rows come and go. */
	enum pv_field	 cur_field;
	size_t		 cur_item;
	size_t		 cur_disk;
	char		*cur_net;

	/* Pools listed from a proxy, for the libvirt URI in pools_uri. */
	struct pf_pool	*pools;
	size_t		 npools;
	char		*pools_uri;
	char		*pools_error;
	struct task	*pool_task;

	/* The running pre-flight, and what the last one saw. */
	struct task	*pf_task;
	char		*pf_plan;	/* the plan it judged, as JSON */
	char	       **dest_names;	/* VMs already at the destination */
	size_t		 ndest_names;
	struct pv_store	*stores;
	size_t		 nstores;
};

static struct plan_view *
pv_get(struct tui *tui)
{
	struct plan_view *v = tui->vdata[3];

	if (v == NULL)
		v = tui->vdata[3] = xcalloc(1, sizeof *v);
	return v;
}

static const char *
pv_key(const struct vm *vm)
{
	return vm->origin != NULL ? vm->origin : vm->name;
}

/* The inventory's VM of a plan item (the item names its file or name). */
static const struct vm *
pv_vm(const struct tui *tui, const struct plan_item *it)
{
	size_t i;

	for (i = 0; i < tui->inv->nvms; i++) {
		if (strcmp(pv_key(tui->inv->vms[i]), it->vm) == 0)
			return tui->inv->vms[i];
	}
	return NULL;
}

static const char *
pv_vm_name(const struct tui *tui, const struct plan_item *it)
{
	const struct vm *vm = pv_vm(tui, it);

	return vm != NULL ? vm->name : it->vm;
}

/* A plan change: the last pre-flight no longer says anything about it. */
static void
pv_changed(struct tui *tui)
{
	preflight_free(tui->pf, tui->npf);
	tui->pf = NULL;
	tui->npf = 0;
}

static const char *
pv_kind_label(enum output_kind k)
{
	switch (k) {
	case OUTPUT_LOCAL:
		return "local directory";
	case OUTPUT_LIBVIRT:
		return "libvirt";
	case OUTPUT_OVIRT_UPLOAD:
		return "oVirt (upload to a data domain)";
	case OUTPUT_OVIRT_EXPORT:
		return "oVirt export domain";
	}
	return "?";
}

static const char *
pv_format_label(enum disk_format f)
{
	return f == DISK_FORMAT_QCOW2 ? "qcow2" : "raw";
}

static const char *
pv_alloc_label(enum disk_alloc a)
{
	return a == DISK_ALLOC_PREALLOCATED ? "preallocated" : "sparse";
}

/* Free space of a pool or folder, when known: " (N free)" or "". */
static void
pv_free_note(struct plan_view *v, const char *name, char *buf, size_t len)
{
	char size[16];
	size_t i;

	buf[0] = '\0';
	if (name == NULL)
		return;
	for (i = 0; i < v->npools; i++) {
		if (strcmp(v->pools[i].name, name) == 0 &&
		    v->pools[i].free_bytes >= 0) {
			snprintf(buf, len, "  (%s free)", size_human(
			    (uint64_t)v->pools[i].free_bytes, size,
			    sizeof size));
			return;
		}
	}
	for (i = 0; i < v->nstores; i++) {
		if (strcmp(v->stores[i].name, name) == 0 &&
		    v->stores[i].free_bytes >= 0) {
			snprintf(buf, len, "  (%s free)", size_human(
			    (uint64_t)v->stores[i].free_bytes, size,
			    sizeof size));
			return;
		}
	}
}

/* Another item with this target, or NULL (oVirt ignores case). */
static const struct plan_item *
pv_clash(const struct plan *plan, size_t self, const char *target)
{
	size_t i;
	int ovirt = plan->dest.kind == OUTPUT_OVIRT_UPLOAD ||
	    plan->dest.kind == OUTPUT_OVIRT_EXPORT;

	for (i = 0; i < plan->nitems; i++) {
		if (i == self || plan->items[i].target == NULL)
			continue;
		if (ovirt ? strcasecmp(plan->items[i].target, target) == 0 :
		    strcmp(plan->items[i].target, target) == 0)
			return &plan->items[i];
	}
	return NULL;
}

static int
pv_at_dest(struct plan_view *v, const char *target)
{
	size_t i;

	for (i = 0; i < v->ndest_names; i++) {
		if (strcmp(v->dest_names[i], target) == 0)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------- rows */

static void
pv_rows_free(struct plan_view *v)
{
	size_t i;

	for (i = 0; i < v->nrows; i++) {
		free(v->rows[i].net);
		free(v->rows[i].label);
		free(v->rows[i].value);
	}
	free(v->rows);
	v->rows = NULL;
	v->nrows = 0;
}

static struct pv_row *
pv_add(struct plan_view *v, enum pv_kind kind, enum pv_field field,
    const char *label, const char *value, int el)
{
	struct pv_row *r;

	v->rows = xappend(v->rows, &v->nrows, sizeof *v->rows);
	r = &v->rows[v->nrows - 1];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->field = field;
	r->label = xstrdup(label != NULL ? label : "");
	r->value = xstrdup(value != NULL ? value : "");
	r->el = el;
	return r;
}

static struct pv_row *VI_PRINTF(5, 6)
pv_addf(struct plan_view *v, enum pv_field field, const char *label, int el,
    const char *fmt, ...)
{
	struct pv_row *r;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	r = pv_add(v, R_FIELD, field, label, s, el);
	free(s);
	return r;
}

/* A field's value, or a dim "(not set: ...)" saying what it needs. */
static struct pv_row *
pv_field(struct plan_view *v, enum pv_field field, const char *label,
    const char *value, const char *unset)
{
	if (value != NULL)
		return pv_add(v, R_FIELD, field, label, value, EL_FIELD);
	return pv_add(v, R_FIELD, field, label, unset, EL_DIM);
}

static void
pv_rows_destination(struct tui *tui, struct plan_view *v)
{
	const struct destination *d = &tui->plan->dest;
	char note[48];

	pv_add(v, R_HEAD, F_NONE, "Destination", NULL, EL_TITLE);
	pv_add(v, R_FIELD, F_KIND, "Output", pv_kind_label(d->kind), EL_FIELD);
	switch (d->kind) {
	case OUTPUT_LOCAL:
		pv_free_note(v, d->storage, note, sizeof note);
		if (d->storage != NULL)
			pv_addf(v, F_DIR, "Directory (proxy's)", EL_FIELD,
			    "%s%s", d->storage, note);
		else
			pv_field(v, F_DIR, "Directory (proxy's)", NULL,
			    "(not set: Enter gives it)");
		break;
	case OUTPUT_LIBVIRT:
		pv_field(v, F_URI, "URI (from the proxy)", d->uri,
		    "(not set: e.g. qemu:///system)");
		pv_free_note(v, d->storage, note, sizeof note);
		if (d->storage != NULL)
			pv_addf(v, F_POOL, "Storage pool", EL_FIELD, "%s%s",
			    d->storage, note);
		else
			pv_field(v, F_POOL, "Storage pool", NULL,
			    v->npools > 0 ? "(not set: Enter lists the pools)" :
			    "(not set: l lists the pools)");
		if (v->pool_task != NULL)
			pv_add(v, R_TEXT, F_NONE, NULL, "Listing the pools ...",
			    EL_DIM);
		else if (v->pools_error != NULL)
			pv_add(v, R_TEXT, F_NONE, NULL, v->pools_error,
			    EL_ERROR);
		break;
	case OUTPUT_OVIRT_UPLOAD:
		pv_field(v, F_ENGINE, "Engine API URL", d->uri,
		    "(not set: https://ENGINE/ovirt-engine/api)");
		pv_field(v, F_DOMAIN, "Storage domain", d->storage,
		    "(not set)");
		pv_field(v, F_CLUSTER, "Cluster", d->cluster,
		    "(the engine's default)");
		pv_field(v, F_CA, "Engine CA file (here)", d->ca_file,
		    "(not set: the engine's CA, PEM)");
		pv_field(v, F_PASSWORD, "Password file (here)",
		    d->password_file, "(not set: a file holding it)");
		break;
	case OUTPUT_OVIRT_EXPORT:
		pv_field(v, F_EXPORT, "Export domain", d->storage,
		    "(not set: HOST:/PATH or a mounted folder)");
		break;
	}
}


/* Saved proxies: "any" picks among them, never the built-in local. */
static size_t
pv_nsaved(const struct tui *tui)
{
	size_t i, n = 0;

	for (i = 0; i < tui->nproxies; i++) {
		if (!tui->proxies[i].proxy->local ||
		    strcmp(tui->proxies[i].proxy->name, "local") != 0)
			n++;
	}
	return n;
}

static void
pv_rows_defaults(struct tui *tui, struct plan_view *v)
{
	const struct plan *plan = tui->plan;
	struct tui_proxy *tp;
	char bw[32];

	pv_add(v, R_BLANK, F_NONE, NULL, NULL, EL_DEFAULT);
	pv_add(v, R_HEAD, F_NONE, "Batch defaults", NULL, EL_TITLE);
	pv_add(v, R_FIELD, F_FORMAT, "Disk format",
	    pv_format_label(plan->format), EL_FIELD);
	pv_add(v, R_FIELD, F_ALLOC, "Allocation", pv_alloc_label(plan->alloc),
	    EL_FIELD);
	if (plan->proxy == NULL || strcmp(plan->proxy, "any") == 0)
		pv_addf(v, F_PROXY, "Proxy", pv_nsaved(tui) > 0 ? EL_FIELD :
		    EL_ERROR, "any saved proxy (%zu)%s", pv_nsaved(tui),
		    pv_nsaved(tui) == 0 ? ": save one in view 1, or pick "
		    "local" : "");
	else {
		tp = tui_proxy(tui, plan->proxy);
		pv_addf(v, F_PROXY, "Proxy", tp != NULL ? EL_FIELD : EL_ERROR,
		    "%s%s", plan->proxy, tp == NULL ? " (not saved)" :
		    tp->error != NULL ? " (its last check failed)" : "");
	}
	if (plan->bandwidth == 0)
		pv_add(v, R_FIELD, F_BANDWIDTH, "Bandwidth", "unlimited",
		    EL_FIELD);
	else {
		if (plan->bandwidth % 1000000 == 0)
			snprintf(bw, sizeof bw, "%lluM bits/s",
			    (unsigned long long)(plan->bandwidth / 1000000));
		else
			snprintf(bw, sizeof bw, "%llu bits/s",
			    (unsigned long long)plan->bandwidth);
		pv_add(v, R_FIELD, F_BANDWIDTH, "Bandwidth", bw, EL_FIELD);
	}
}

static const char *
pv_kind_word(enum nic_kind k)
{
	return k == NIC_BRIDGE ? "bridge" : "network";
}

/* Source networks of the plan's VMs, once each, in order of first NIC. */
static char **
pv_networks(struct tui *tui, enum nic_kind **kinds, size_t *n)
{
	const struct vm *vm;
	char **v = NULL;
	size_t i, k, j;

	*n = 0;
	*kinds = NULL;
	for (i = 0; i < tui->plan->nitems; i++) {
		if ((vm = pv_vm(tui, &tui->plan->items[i])) == NULL)
			continue;
		for (k = 0; k < vm->nnics; k++) {
			if (vm->nics[k].network == NULL)
				continue;
			for (j = 0; j < *n; j++) {
				if (strcmp(v[j], vm->nics[k].network) == 0)
					break;
			}
			if (j < *n)
				continue;
			v = xreallocarray(v, *n + 1, sizeof *v);
			*kinds = xreallocarray(*kinds, *n + 1, sizeof **kinds);
			v[*n] = xstrdup(vm->nics[k].network);
			(*kinds)[*n] = vm->nics[k].kind;
			(*n)++;
		}
	}
	return v;
}

static void
pv_rows_networks(struct tui *tui, struct plan_view *v)
{
	const struct plan *plan = tui->plan;
	const struct netmap *m;
	enum nic_kind *kinds;
	struct pv_row *r;
	char **nets, *label;
	size_t n, i;

	pv_add(v, R_BLANK, F_NONE, NULL, NULL, EL_DEFAULT);
	pv_add(v, R_HEAD, F_NONE, "Networks", NULL, EL_TITLE);
	nets = pv_networks(tui, &kinds, &n);
	if (n == 0)
		pv_add(v, R_TEXT, F_NONE, NULL, "The VMs to import have no "
		    "NICs on a network (or are still being read).", EL_DIM);
	for (i = 0; i < n; i++) {
		xasprintf(&label, "%s %s", pv_kind_word(kinds[i]), nets[i]);
		m = plan_network_for(plan, NULL, nets[i]);
		if (m != NULL)
			r = pv_addf(v, F_NET, label, EL_FIELD, "%s %s %s",
			    screen_glyph("\u2192", "->"),
			    pv_kind_word(m->to_kind), m->to);
		else if (plan->default_network != NULL)
			r = pv_addf(v, F_NET, label, EL_DIM, "%s %s %s "
			    "(unmapped: the default)",
			    screen_glyph("\u2192", "->"),
			    pv_kind_word(plan->default_kind),
			    plan->default_network);
		else
			r = pv_add(v, R_FIELD, F_NET, label, "unmapped: map "
			    "it, or set a default below", EL_ERROR);
		r->net = nets[i];
		free(label);
	}
	free(nets);
	free(kinds);
	if (plan->default_network != NULL)
		pv_addf(v, F_DEFNET, "Unmapped NICs go to", EL_FIELD, "%s %s",
		    pv_kind_word(plan->default_kind), plan->default_network);
	else
		pv_add(v, R_FIELD, F_DEFNET, "Unmapped NICs go to",
		    "(nowhere: each must be mapped)", EL_DIM);
}

/* The VM's own mapping of network from, or NULL (the batch's applies). */
static const struct netmap *
netmap_find_item(const struct plan_item *it, const char *from)
{
	size_t i;

	for (i = 0; i < it->nnetmaps; i++) {
		if (strcmp(it->netmaps[i].from, from) == 0)
			return &it->netmaps[i];
	}
	return NULL;
}

/* A VM's own network mappings: each of its networks, or the batch's. */
static void
pv_rows_item_networks(struct tui *tui, struct plan_view *v, size_t i,
    const struct vm *vm)
{
	const struct plan *plan = tui->plan;
	const struct plan_item *it = &plan->items[i];
	const struct netmap *m;
	struct pv_row *r;
	char *label;
	size_t k, j;

	for (k = 0; vm != NULL && k < vm->nnics; k++) {
		if (vm->nics[k].network == NULL)
			continue;
		for (j = 0; j < k; j++) {
			if (vm->nics[j].network != NULL && strcmp(
			    vm->nics[j].network, vm->nics[k].network) == 0)
				break;
		}
		if (j < k)
			continue;	/* one row a network */
		xasprintf(&label, "  %s %s", pv_kind_word(vm->nics[k].kind),
		    vm->nics[k].network);
		m = netmap_find_item(it, vm->nics[k].network);
		if (m != NULL)
			r = pv_addf(v, F_INET, label, EL_FIELD, "%s %s %s",
			    screen_glyph("\u2192", "->"),
			    pv_kind_word(m->to_kind), m->to);
		else
			r = pv_add(v, R_FIELD, F_INET, label, "(the batch's)",
			    EL_DIM);
		r->item = i;
		r->net = xstrdup(vm->nics[k].network);
		free(label);
	}
}

static void
pv_rows_items(struct tui *tui, struct plan_view *v)
{
	const struct plan *plan = tui->plan;
	const struct plan_item *it, *other;
	const struct vm *vm;
	struct pv_row *r;
	const char *s;
	char note[48], cap[16], *label, *head;
	size_t i, k;

	pv_add(v, R_BLANK, F_NONE, NULL, NULL, EL_DEFAULT);
	pv_add(v, R_HEAD, F_NONE, "VMs: name, storage, properties", NULL,
	    EL_TITLE);
	for (i = 0; i < plan->nitems; i++) {
		it = &plan->items[i];
		vm = pv_vm(tui, it);
		xasprintf(&head, "%s %s", screen_glyph("\u25aa", "*"),
		    pv_vm_name(tui, it));
		pv_add(v, R_TEXT, F_NONE, NULL, head, EL_TITLE_BLUR);
		free(head);

		other = pv_clash(plan, i, it->target);
		r = pv_add(v, R_FIELD, F_TARGET, "Name at destination",
		    it->target, other != NULL || pv_at_dest(v, it->target) ?
		    EL_ERROR : EL_FIELD);
		r->item = i;
		if (other != NULL) {
			xasprintf(&label, "%s also the name of '%s': give one "
			    "of them another", screen_glyph("\u26a0", "!"),
			    pv_vm_name(tui, other));
			r = pv_add(v, R_TEXT, F_NONE, NULL, label, EL_ERROR);
			r->indent = PV_LABEL;
			free(label);
		}
		if (pv_at_dest(v, it->target)) {
			xasprintf(&label, "%s a VM of this name is already at "
			    "the destination", screen_glyph("\u26a0", "!"));
			r = pv_add(v, R_TEXT, F_NONE, NULL, label, EL_ERROR);
			r->indent = PV_LABEL;
			free(label);
		}

		s = it->storage;
		pv_free_note(v, s != NULL ? s : plan->dest.storage, note,
		    sizeof note);
		if (s != NULL)
			r = pv_addf(v, F_STORAGE, "Storage", EL_FIELD, "%s%s",
			    s, note);
		else if (plan->dest.storage != NULL)
			r = pv_addf(v, F_STORAGE, "Storage", EL_DIM, "%s (the "
			    "destination's)%s", plan->dest.storage, note);
		else
			r = pv_add(v, R_FIELD, F_STORAGE, "Storage",
			    "(the destination's, not set)", EL_DIM);
		r->item = i;
		for (k = 0; vm != NULL && k < vm->ndisks; k++) {
			s = plan_item_storage(plan, it, k);
			pv_free_note(v, s, note, sizeof note);
			xasprintf(&label, "  disk %zu %s %s", k + 1,
			    vm->disks[k].target != NULL ? vm->disks[k].target :
			    "", vm->disks[k].capacity > 0 ? size_human(
			    vm->disks[k].capacity, cap, sizeof cap) : "");
			r = pv_addf(v, F_DISK, label, k < it->ndisk_storage &&
			    it->disk_storage[k] != NULL ? EL_FIELD : EL_DIM,
			    "%s%s", s != NULL ? s : "(not set)", note);
			r->item = i;
			r->disk = k;
			free(label);
		}
		r = pv_add(v, R_FIELD, F_IFORMAT, "Disk format",
		    pv_format_label(it->format), it->format == plan->format ?
		    EL_DIM : EL_FIELD);
		r->item = i;
		r = pv_add(v, R_FIELD, F_IALLOC, "Allocation",
		    pv_alloc_label(it->alloc), it->alloc == plan->alloc ?
		    EL_DIM : EL_FIELD);
		r->item = i;
		if (it->proxy != NULL)
			r = pv_add(v, R_FIELD, F_IPROXY, "Proxy", it->proxy,
			    tui_proxy(tui, it->proxy) != NULL ? EL_FIELD :
			    EL_ERROR);
		else
			r = pv_add(v, R_FIELD, F_IPROXY, "Proxy",
			    "(the batch's)", EL_DIM);
		r->item = i;
		pv_rows_item_networks(tui, v, i, vm);
	}
}

/* Split text into lines of at most width columns, at spaces. */
static char **
pv_wrap(const char *text, int width, size_t *n)
{
	char **lines = NULL, *probe;
	const char *s = text, *end, *brk, *next;

	*n = 0;
	if (width < 8)
		width = 8;
	while (*s != '\0') {
		end = s;
		brk = NULL;
		for (;;) {
			if (*end == '\0')
				break;
			next = end + 1;
			while (((unsigned char)*next & 0xc0) == 0x80)
				next++;
			probe = xstrndup(s, (size_t)(next - s));
			if (draw_width(probe) > width) {
				free(probe);
				break;
			}
			free(probe);
			if (*end == ' ')
				brk = end;
			end = next;
		}
		if (*end != '\0' && brk != NULL)
			end = brk;
		if (end == s)
			end++;
		lines = xappend(lines, n, sizeof *lines);
		lines[*n - 1] = xstrndup(s, (size_t)(end - s));
		s = end;
		while (*s == ' ')
			s++;
	}
	return lines;
}

static void
pv_rows_preflight(struct tui *tui, struct plan_view *v, int cols)
{
	const struct pf_result *r;
	struct pv_row *row;
	char **lines, *s;
	size_t i, k, n, fails;
	int el;

	pv_add(v, R_BLANK, F_NONE, NULL, NULL, EL_DEFAULT);
	pv_add(v, R_HEAD, F_NONE, "Pre-flight", NULL, EL_TITLE);
	if (tui->pf_running) {
		pv_add(v, R_TEXT, F_NONE, NULL, "Checking the source, the "
		    "proxies and the destination ...", EL_DIM);
		return;
	}
	if (tui->pf == NULL) {
		pv_add(v, R_TEXT, F_NONE, NULL, "Not checked since the last "
		    "change: p checks the plan before anything is copied.",
		    EL_DIM);
		return;
	}
	fails = (size_t)preflight_failed(tui->pf, tui->npf);
	if (fails > 0)
		pv_addf(v, F_PF, "", EL_ERROR, "%zu problem%s: fix the lines "
		    "marked FAIL, then p checks again", fails, fails == 1 ?
		    "" : "s");
	else
		pv_addf(v, F_PF, "", EL_OK, "Every check passed: S starts "
		    "the import");
	for (i = 0; i < tui->npf; i++) {
		r = &tui->pf[i];
		el = r->level == PF_OK ? EL_OK : r->level == PF_WARN ?
		    EL_WARNING : EL_ERROR;
		lines = pv_wrap(r->text, cols - 19, &n);
		for (k = 0; k < n; k++) {
			if (k == 0) {
				xasprintf(&s, "%-4s %-11s %s", r->level ==
				    PF_OK ? "ok" : r->level == PF_WARN ?
				    "warn" : "FAIL", r->check, lines[k]);
				row = pv_add(v, R_FIELD, F_PF, NULL, s, el);
				free(s);
			} else
				row = pv_add(v, R_TEXT, F_NONE, NULL, lines[k],
				    el);
			row->indent = k == 0 ? 1 : 18;
			free(lines[k]);
		}
		free(lines);
	}
}

static void
pv_build(struct tui *tui, struct plan_view *v, int cols)
{
	pv_rows_free(v);
	if (tui->plan->nitems == 0) {
		pv_add(v, R_TEXT, F_NONE, NULL, "No VMs to import: press 2 and "
		    "add some (Space marks, Enter adds).", EL_DIM);
		pv_add(v, R_BLANK, F_NONE, NULL, NULL, EL_DEFAULT);
	}
	pv_rows_destination(tui, v);
	pv_rows_defaults(tui, v);
	if (tui->plan->nitems > 0) {
		pv_rows_networks(tui, v);
		pv_rows_items(tui, v);
		pv_rows_preflight(tui, v, cols);
	}
}

/* Put the cursor on a field: the nearest one at or after it, else before. */
static void
pv_clamp(struct plan_view *v)
{
	size_t i;

	if (v->nrows == 0) {
		v->cursor = v->top = 0;
		return;
	}
	if (v->cursor >= v->nrows)
		v->cursor = v->nrows - 1;
	for (i = v->cursor; i < v->nrows; i++) {
		if (v->rows[i].kind == R_FIELD) {
			v->cursor = i;
			goto scroll;
		}
	}
	for (i = v->cursor + 1; i-- > 0;) {
		if (v->rows[i].kind == R_FIELD) {
			v->cursor = i;
			break;
		}
	}
scroll:
	if (v->height <= 0)
		return;
	if (v->cursor < v->top)
		v->top = v->cursor;
	/* Show the section's title above its first field. */
	if (v->cursor == v->top && v->top > 0 &&
	    v->rows[v->top - 1].kind == R_HEAD)
		v->top--;
	if (v->cursor >= v->top + (size_t)v->height)
		v->top = v->cursor - (size_t)v->height + 1;
	/* Rows below the last field (wrapped text) come into view too. */
	if (v->top + (size_t)v->height > v->nrows)
		v->top = v->nrows > (size_t)v->height ? v->nrows -
		    (size_t)v->height : 0;
	if (v->cursor < v->top)
		v->top = v->cursor;
}

/* The cursor's row again after a rebuild: the same field, if it is still
   there (pre-flight's lines go by position). */
static void
pv_refind(struct plan_view *v)
{
	const struct pv_row *r;
	size_t i;

	if (v->cur_field == F_NONE || v->cur_field == F_PF)
		return;
	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		if (r->kind == R_FIELD && r->field == v->cur_field &&
		    r->item == v->cur_item && r->disk == v->cur_disk &&
		    str_eq(r->net, v->cur_net)) {
			v->cursor = i;
			return;
		}
	}
}

static void
pv_remember(struct plan_view *v)
{
	const struct pv_row *r;

	free(v->cur_net);
	v->cur_net = NULL;
	v->cur_field = F_NONE;
	if (v->cursor >= v->nrows || v->rows[v->cursor].kind != R_FIELD)
		return;
	r = &v->rows[v->cursor];
	v->cur_field = r->field;
	v->cur_item = r->item;
	v->cur_disk = r->disk;
	v->cur_net = r->net != NULL ? xstrdup(r->net) : NULL;
}

/* Rows built afresh, the cursor on its field and remembered. */
static void
pv_layout(struct tui *tui, struct plan_view *v, int cols)
{
	pv_build(tui, v, cols);
	pv_refind(v);
	pv_clamp(v);
	pv_remember(v);
}

static struct plan_view *
pv_ready(struct tui *tui)
{
	struct plan_view *v = pv_get(tui);

	pv_layout(tui, v, tui->cols > 0 ? tui->cols : 80);
	return v;
}

/* ------------------------------------------------------------ drawing */

static void
view_plan_draw(struct tui *tui, int y, int rows, int cols, int partial)
{
	struct plan_view *v = pv_get(tui);
	const struct pv_row *r;
	char *title;
	size_t k;
	int row, x, lw, sel, attr;

	v->height = rows - 1;
	pv_layout(tui, v, cols);
	draw_fill(y, 0, rows, cols, screen_attr(EL_DEFAULT));
	xasprintf(&title, "Import plan  %zu VM%s%s", tui->plan->nitems,
	    tui->plan->nitems == 1 ? "" : "s", tui->source_label != NULL ?
	    "  from " : "");
	x = draw_text(y, 0, draw_width(title), title, screen_attr(EL_TITLE));
	free(title);
	if (tui->source_label != NULL)
		draw_text(y, x, cols - x, tui->source_label,
		    screen_attr(EL_TITLE));
	lw = cols >= 70 ? PV_LABEL : cols / 3;
	for (row = 0; row < v->height; row++) {
		k = v->top + (size_t)row;
		if (k >= v->nrows)
			break;
		r = &v->rows[k];
		sel = k == v->cursor && r->kind == R_FIELD;
		switch (r->kind) {
		case R_BLANK:
			break;
		case R_HEAD:
			x = draw_text(y + 1 + row, 0, draw_width(r->label) + 1,
			    r->label, screen_attr(r->el));
			draw_hline(y + 1 + row, x, cols - x,
			    screen_attr(EL_BORDER));
			break;
		case R_TEXT:
			draw_text(y + 1 + row, r->indent + 1, cols - r->indent -
			    1, r->value, screen_attr(r->el));
			break;
		case R_FIELD:
			if (r->field == F_PF) {
				attr = sel ? screen_attr(EL_SELECTION) :
				    screen_attr(r->el);
				draw_text(y + 1 + row, r->indent + 1, cols -
				    r->indent - 1, r->value, attr);
				break;
			}
			attr = screen_attr(sel ? EL_SELECTION :
			    EL_FIELD_LABEL);
			draw_text(y + 1 + row, 0, 2, sel ? screen_glyph(
			    "\u25b8", ">") : "", attr);
			draw_text(y + 1 + row, 2, lw - 3, r->label, attr);
			draw_text(y + 1 + row, lw, cols - lw, r->value,
			    screen_attr(sel ? EL_FIELD_FOCUS : r->el));
			break;
		}
	}
	/* More below or above: say so in the title line's right end. */
	if (v->nrows > (size_t)v->height) {
		char pos[32];
		int pw;

		snprintf(pos, sizeof pos, " %s%s ", v->top > 0 ?
		    screen_glyph("\u2191", "^") : " ", v->top +
		    (size_t)v->height < v->nrows ? screen_glyph("\u2193", "v") :
		    " ");
		pw = draw_width(pos);
		draw_text(y, cols - pw, pw, pos, screen_attr(EL_TITLE));
	}
}

/* ------------------------------------------------------------ checking */

/*
 * Check an edit with the plan file's parser: a plan of only what is
 * edited (dest, defaults or one VM; NULL: a stand-in), parsed as if read
 * from a file.  Returns that plan to take the value from, or NULL with
 * *cause (its JSON path left out: the form names the field).
 */
static struct plan *
pv_parse(struct json_object *dest, struct json_object *defaults,
    struct json_object *vm, char **cause)
{
	struct json_object *root = json_object_new_object(), *o, *a;
	struct plan *plan;
	const char *text, *p;
	char *why = NULL;

	json_object_object_add(root, "version", json_object_new_int(
	    PLAN_VERSION));
	o = json_object_new_object();
	json_object_object_add(o, "spec", json_object_new_string("dir:/"));
	json_object_object_add(root, "source", o);
	if (dest == NULL) {
		dest = json_object_new_object();
		json_object_object_add(dest, "type",
		    json_object_new_string("local"));
		json_object_object_add(dest, "directory",
		    json_object_new_string("/"));
	}
	json_object_object_add(root, "destination", dest);
	if (defaults != NULL)
		json_object_object_add(root, "defaults", defaults);
	a = json_object_new_array();
	if (vm != NULL)
		json_object_array_add(a, vm);
	json_object_object_add(root, "vms", a);
	text = json_object_to_json_string(root);
	plan = planjson_parse(text, strlen(text), &why);
	json_object_put(root);
	if (plan == NULL) {
		/* "destination.directory: 'x' is not ...": keep the reason. */
		p = why != NULL ? strstr(why, ": ") : NULL;
		if (p != NULL && memchr(why, ' ', (size_t)(p - why)) == NULL)
			cause_set(cause, "%s", p + 2);
		else
			cause_set(cause, "%s", why != NULL ? why : "refused");
		free(why);
	}
	return plan;
}

static struct json_object *
pv_obj(const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct json_object *o = json_object_new_object();

	if (k1 != NULL)
		json_object_object_add(o, k1, json_object_new_string(v1));
	if (k2 != NULL)
		json_object_object_add(o, k2, json_object_new_string(v2));
	return o;
}

static void
pv_set(char **p, const char *s)
{
	free(*p);
	*p = s != NULL ? xstrdup(s) : NULL;
}

/* ------------------------------------------------------------ editing */

struct pv_edit {
	enum pv_field	 field;
	size_t		 item;
	size_t		 disk;
	char		*net;
	char		*label;
};

static void
pv_edit_free(void *p)
{
	struct pv_edit *e = p;

	if (e == NULL)
		return;
	free(e->net);
	free(e->label);
	free(e);
}

static struct pv_edit *
pv_edit_new(const struct pv_row *r)
{
	struct pv_edit *e = xcalloc(1, sizeof *e);

	e->field = r->field;
	e->item = r->item;
	e->disk = r->disk;
	e->net = r->net != NULL ? xstrdup(r->net) : NULL;
	e->label = xstrdup(r->label);
	return e;
}

static struct pv_edit *
pv_edit_copy(const struct pv_edit *o)
{
	struct pv_edit *e = xcalloc(1, sizeof *e);

	*e = *o;
	e->net = o->net != NULL ? xstrdup(o->net) : NULL;
	e->label = xstrdup(o->label);
	return e;
}

static int pv_text_done(struct tui *, void *, const char *);

/* Refused: say why, and ask again with what was typed. */
static int
pv_refuse(struct tui *tui, const struct pv_edit *e, const char *typed,
    const char *why)
{
	char *text;

	tui_status(tui, 1, "%s: %s", e->label, why);
	xasprintf(&text, "%s\n\nNot changed: %s. Esc keeps the old value.",
	    e->label, why);
	widget_prompt(tui, PROMPT_TEXT, "Edit", text, typed, pv_text_done,
	    pv_edit_copy(e), pv_edit_free);
	free(text);
	return TUI_REDRAW;
}

static void pv_list_pools(struct tui *);

/* Check a destination field by the plan parser and take its value. */
static int
pv_dest_text(struct tui *tui, const struct pv_edit *e, const char *text)
{
	struct destination *d = &tui->plan->dest;
	struct json_object *o = NULL;
	struct plan *p;
	char *cause = NULL;
	const char *t = *text != '\0' ? text : NULL;

	switch (e->field) {
	case F_DIR:
		o = pv_obj("type", "local", "directory", text);
		break;
	case F_URI:
		o = pv_obj("type", "libvirt", "uri", text);
		json_object_object_add(o, "pool", json_object_new_string("p"));
		break;
	case F_POOL:
		o = pv_obj("type", "libvirt", "uri", "qemu:///system");
		json_object_object_add(o, "pool", json_object_new_string(text));
		break;
	case F_ENGINE:
	case F_DOMAIN:
	case F_CLUSTER:
	case F_CA:
	case F_PASSWORD:
		o = pv_obj("type", "ovirt-upload", "engine", e->field ==
		    F_ENGINE ? text : "https://engine/ovirt-engine/api");
		json_object_object_add(o, "storage_domain",
		    json_object_new_string(e->field == F_DOMAIN ? text : "d"));
		json_object_object_add(o, "ca_file", json_object_new_string(
		    e->field == F_CA ? text : "/ca.pem"));
		json_object_object_add(o, "password_file",
		    json_object_new_string(e->field == F_PASSWORD ? text :
		    "/password"));
		if (e->field == F_CLUSTER && t != NULL)
			json_object_object_add(o, "cluster",
			    json_object_new_string(text));
		break;
	case F_EXPORT:
		o = pv_obj("type", "ovirt-export", "export", text);
		break;
	default:
		return TUI_REDRAW;
	}
	if (e->field == F_CLUSTER && t == NULL) {
		/* Empty: the engine's default cluster. */
		json_object_put(o);
		pv_set(&d->cluster, NULL);
		pv_changed(tui);
		return TUI_REDRAW;
	}
	if ((p = pv_parse(o, NULL, NULL, &cause)) == NULL) {
		pv_refuse(tui, e, text, cause);
		free(cause);
		return TUI_REDRAW;
	}
	switch (e->field) {
	case F_DIR:
	case F_POOL:
	case F_DOMAIN:
	case F_EXPORT:
		pv_set(&d->storage, p->dest.storage);
		break;
	case F_URI:
	case F_ENGINE:
		pv_set(&d->uri, p->dest.uri);
		break;
	case F_CLUSTER:
		pv_set(&d->cluster, p->dest.cluster);
		break;
	case F_CA:
		pv_set(&d->ca_file, p->dest.ca_file);
		break;
	case F_PASSWORD:
		pv_set(&d->password_file, p->dest.password_file);
		break;
	default:
		break;
	}
	plan_free(p);
	pv_changed(tui);
	tui_status(tui, 0, "%s: %s.", e->label, text);
	if (e->field == F_URI)
		pv_list_pools(tui);
	return TUI_REDRAW;
}

/* Storage of a VM or one disk: empty goes back to the default. */
static int
pv_storage_text(struct tui *tui, const struct pv_edit *e, const char *text)
{
	struct plan *plan = tui->plan;
	struct plan_item *it;
	struct json_object *o;
	struct plan *p;
	char *cause = NULL;
	size_t k;

	if (e->item >= plan->nitems)
		return TUI_REDRAW;
	it = &plan->items[e->item];
	if (*text != '\0') {
		/* A folder is the proxy's absolute path, as the plan says. */
		if (plan->dest.kind == OUTPUT_LOCAL) {
			o = pv_obj("type", "local", "directory", text);
			p = pv_parse(o, NULL, NULL, &cause);
		} else {
			o = pv_obj("name", "vm", "storage", text);
			p = pv_parse(NULL, NULL, o, &cause);
		}
		if (p == NULL) {
			pv_refuse(tui, e, text, cause);
			free(cause);
			return TUI_REDRAW;
		}
		plan_free(p);
	}
	if (e->field == F_STORAGE)
		pv_set(&it->storage, *text != '\0' ? text : NULL);
	else {
		if (e->disk >= it->ndisk_storage) {
			it->disk_storage = xreallocarray(it->disk_storage,
			    e->disk + 1, sizeof *it->disk_storage);
			for (k = it->ndisk_storage; k <= e->disk; k++)
				it->disk_storage[k] = NULL;
			it->ndisk_storage = e->disk + 1;
		}
		pv_set(&it->disk_storage[e->disk], *text != '\0' ? text :
		    NULL);
	}
	pv_changed(tui);
	return TUI_REDRAW;
}

static int
pv_target_text(struct tui *tui, const struct pv_edit *e, const char *text)
{
	struct plan *plan = tui->plan;
	const struct plan_item *other;
	char *cause = NULL, *why;

	if (e->item >= plan->nitems)
		return TUI_REDRAW;
	/* The judge's own rule for target names (preflight.c). */
	if (name_valid("the name", text, &cause) != 0) {
		pv_refuse(tui, e, text, cause);
		free(cause);
		return TUI_REDRAW;
	}
	if ((other = pv_clash(plan, e->item, text)) != NULL) {
		xasprintf(&why, "VM '%s' is imported as '%s' already: two VMs "
		    "cannot share a name at the destination; give another",
		    pv_vm_name(tui, other), text);
		pv_refuse(tui, e, text, why);
		free(why);
		return TUI_REDRAW;
	}
	pv_set(&plan->items[e->item].target, text);
	pv_changed(tui);
	if (pv_at_dest(pv_get(tui), text))
		tui_status(tui, 1, "A VM named '%s' is already at the "
		    "destination: choose another name, or remove it there.",
		    text);
	else
		tui_status(tui, 0, "'%s' will be imported as '%s'.",
		    pv_vm_name(tui, &plan->items[e->item]), text);
	return TUI_REDRAW;
}

static int
pv_bandwidth_text(struct tui *tui, const struct pv_edit *e, const char *text)
{
	struct json_object *o;
	struct plan *p;
	char *cause = NULL;

	o = json_object_new_object();
	json_object_object_add(o, "bandwidth", json_object_new_string(
	    *text != '\0' ? text : "0"));
	if ((p = pv_parse(NULL, o, NULL, &cause)) == NULL) {
		pv_refuse(tui, e, text, cause);
		free(cause);
		return TUI_REDRAW;
	}
	tui->plan->bandwidth = p->bandwidth;
	plan_free(p);
	pv_changed(tui);
	return TUI_REDRAW;
}

/* "NAME" is a network, "bridge:NAME" a bridge; checked by the parser. */
/* Drop the mapping of network from from a list. */
static void
pv_unmap(struct netmap **maps, size_t *n, const char *from)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*maps)[i].from, from) != 0)
			continue;
		free((*maps)[i].from);
		free((*maps)[i].to);
		memmove(&(*maps)[i], &(*maps)[i + 1], (*n - i - 1) *
		    sizeof **maps);
		(*n)--;
		return;
	}
}

static int
pv_network_text(struct tui *tui, const struct pv_edit *e, const char *text)
{
	struct plan *plan = tui->plan;
	struct json_object *d, *a, *m;
	struct plan *p;
	const char *to = text;
	char *cause = NULL;
	enum nic_kind kind = NIC_NETWORK;

	if (strncmp(text, "bridge:", 7) == 0) {
		kind = NIC_BRIDGE;
		to = text + 7;
	} else if (strncmp(text, "network:", 8) == 0)
		to = text + 8;
	if (*text == '\0' && e->field == F_DEFNET) {
		pv_set(&plan->default_network, NULL);
		pv_changed(tui);
		return TUI_REDRAW;
	}
	if (*text == '\0' && e->field == F_INET) {
		/* The batch's mapping applies again. */
		if (e->item < plan->nitems)
			pv_unmap(&plan->items[e->item].netmaps,
			    &plan->items[e->item].nnetmaps, e->net);
		pv_changed(tui);
		return TUI_REDRAW;
	}
	if (*text == '\0' && e->field == F_NET) {
		/* No mapping: the default network, if any, takes it. */
		pv_unmap(&plan->netmaps, &plan->nnetmaps, e->net);
		pv_changed(tui);
		return TUI_REDRAW;
	}
	d = json_object_new_object();
	if (e->field == F_NET || e->field == F_INET) {
		a = json_object_new_array();
		m = pv_obj("from", e->net, "to", to);
		json_object_object_add(m, "type", json_object_new_string(
		    pv_kind_word(kind)));
		json_object_array_add(a, m);
		json_object_object_add(d, "networks", a);
	} else {
		m = pv_obj("to", to, "type", pv_kind_word(kind));
		json_object_object_add(d, "unmapped", m);
	}
	if ((p = pv_parse(NULL, d, NULL, &cause)) == NULL) {
		pv_refuse(tui, e, text, cause);
		free(cause);
		return TUI_REDRAW;
	}
	if (e->field == F_NET) {
		plan_map(&plan->netmaps, &plan->nnetmaps, e->net,
		    p->netmaps[0].to, p->netmaps[0].to_kind);
		tui_status(tui, 0, "NICs on %s go to %s %s.", e->net,
		    pv_kind_word(kind), to);
	} else if (e->field == F_INET) {
		if (e->item < plan->nitems) {
			plan_map(&plan->items[e->item].netmaps,
			    &plan->items[e->item].nnetmaps, e->net,
			    p->netmaps[0].to, p->netmaps[0].to_kind);
			tui_status(tui, 0, "VM '%s': its NICs on %s go to %s "
			    "%s.", pv_vm_name(tui, &plan->items[e->item]),
			    e->net, pv_kind_word(kind), to);
		}
	} else {
		pv_set(&plan->default_network, p->default_network);
		plan->default_kind = p->default_kind;
	}
	plan_free(p);
	pv_changed(tui);
	return TUI_REDRAW;
}

static int
pv_text_done(struct tui *tui, void *arg, const char *text)
{
	struct pv_edit *e = arg;

	if (text == NULL)
		return TUI_REDRAW;	/* Esc: nothing changes */
	switch (e->field) {
	case F_TARGET:
		return pv_target_text(tui, e, text);
	case F_STORAGE:
	case F_DISK:
		return pv_storage_text(tui, e, text);
	case F_BANDWIDTH:
		return pv_bandwidth_text(tui, e, text);
	case F_NET:
	case F_INET:
	case F_DEFNET:
		return pv_network_text(tui, e, text);
	default:
		return pv_dest_text(tui, e, text);
	}
}

static void
pv_ask(struct tui *tui, const struct pv_row *r, const char *help,
    const char *value)
{
	char *text;

	xasprintf(&text, "%s\n\n%s", r->label, help);
	widget_prompt(tui, PROMPT_TEXT, "Edit", text, value, pv_text_done,
	    pv_edit_new(r), pv_edit_free);
	free(text);
}

#define OTHER_NAME	"another name ..."
#define OTHER_POOL	"a pool not listed ..."

/* A choice from a list; the answer is one of the lines shown. */
static int
pv_choice_done(struct tui *tui, void *arg, const char *answer)
{
	struct pv_edit *e = arg;
	struct plan *plan = tui->plan;
	struct plan_item *it = e->item < plan->nitems ? &plan->items[e->item] :
	    NULL;
	enum output_kind k;
	enum disk_format f;
	enum disk_alloc a;
	struct pv_row row;
	const char *s;
	char *name;
	size_t i;

	if (answer == NULL)
		return TUI_REDRAW;
	memset(&row, 0, sizeof row);
	row.field = e->field;
	row.item = e->item;
	row.disk = e->disk;
	row.net = e->net;
	row.label = e->label;
	switch (e->field) {
	case F_KIND:
		for (k = OUTPUT_LOCAL; k <= OUTPUT_OVIRT_EXPORT; k++) {
			if (strcmp(answer, pv_kind_label(k)) != 0 ||
			    k == plan->dest.kind)
				continue;
			/* A folder is no pool: the kind's fields start over. */
			plan->dest.kind = k;
			pv_set(&plan->dest.storage, NULL);
			pv_set(&plan->dest.uri, NULL);
			pv_changed(tui);
			tui_status(tui, 0, "Output: %s. Set its fields below.",
			    answer);
		}
		break;
	case F_FORMAT:
	case F_IFORMAT:
		f = strcmp(answer, "qcow2") == 0 ? DISK_FORMAT_QCOW2 :
		    DISK_FORMAT_RAW;
		if (e->field == F_IFORMAT && it != NULL)
			it->format = f;
		else if (e->field == F_FORMAT) {
			/* VMs that followed the default keep following it. */
			for (i = 0; i < plan->nitems; i++) {
				if (plan->items[i].format == plan->format)
					plan->items[i].format = f;
			}
			plan->format = f;
		}
		pv_changed(tui);
		break;
	case F_ALLOC:
	case F_IALLOC:
		a = strcmp(answer, "preallocated") == 0 ?
		    DISK_ALLOC_PREALLOCATED : DISK_ALLOC_SPARSE;
		if (e->field == F_IALLOC && it != NULL)
			it->alloc = a;
		else if (e->field == F_ALLOC) {
			for (i = 0; i < plan->nitems; i++) {
				if (plan->items[i].alloc == plan->alloc)
					plan->items[i].alloc = a;
			}
			plan->alloc = a;
		}
		pv_changed(tui);
		break;
	case F_PROXY:
	case F_IPROXY:
		name = NULL;
		for (i = 0; i < tui->nproxies; i++) {
			if (strcmp(answer, tui->proxies[i].proxy->name) == 0)
				name = tui->proxies[i].proxy->name;
		}
		if (e->field == F_PROXY)
			pv_set(&plan->proxy, name);
		else if (it != NULL)
			pv_set(&it->proxy, name);
		pv_changed(tui);
		break;
	case F_POOL:
	case F_STORAGE:
	case F_DISK:
		if (strcmp(answer, OTHER_POOL) == 0) {
			pv_ask(tui, &row, "The pool's name, as virsh pool-list "
			    "shows it on the proxy.", NULL);
			break;
		}
		s = answer;
		name = xstrndup(s, strcspn(s, " "));
		for (i = 0; i < pv_get(tui)->npools; i++) {
			/* Names with spaces: the listed one that begins so. */
			if (strncmp(answer, pv_get(tui)->pools[i].name,
			    strlen(pv_get(tui)->pools[i].name)) == 0) {
				free(name);
				name = xstrdup(pv_get(tui)->pools[i].name);
				break;
			}
		}
		if (e->field == F_POOL) {
			pv_set(&plan->dest.storage, name);
			pv_changed(tui);
		} else
			pv_storage_text(tui, e, strcmp(answer, "(the default)")
			    == 0 ? "" : name);
		free(name);
		break;
	case F_NET:
	case F_INET:
	case F_DEFNET:
		if (strcmp(answer, OTHER_NAME) == 0) {
			pv_ask(tui, &row, "A network of the destination, or "
			    "bridge:NAME for a host bridge.", NULL);
			break;
		}
		if (strncmp(answer, "unmapped", 8) == 0 ||
		    strncmp(answer, "nowhere", 7) == 0 ||
		    strcmp(answer, "(the batch's)") == 0)
			return pv_network_text(tui, e, "");
		if (strncmp(answer, "network ", 8) == 0)
			return pv_network_text(tui, e, answer + 8);
		if (strncmp(answer, "bridge ", 7) == 0) {
			xasprintf(&name, "bridge:%s", answer + 7);
			pv_network_text(tui, e, name);
			free(name);
		}
		break;
	default:
		break;
	}
	return TUI_REDRAW;
}

static void
pv_choose(struct tui *tui, const struct pv_row *r, const char *text,
    char **choices, size_t n, size_t cur)
{
	size_t i;

	widget_prompt_choices(tui, "Choose", text,
	    (const char *const *)choices, n, cur, pv_choice_done,
	    pv_edit_new(r), pv_edit_free);
	for (i = 0; i < n; i++)
		free(choices[i]);
	free(choices);
}

static char **
pv_choices_add(char **v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strcmp(v[i], s) == 0)
			return v;
	}
	v = xreallocarray(v, *n + 1, sizeof *v);
	v[(*n)++] = xstrdup(s);
	return v;
}

static int
pv_edit_choice(struct tui *tui, struct plan_view *v, const struct pv_row *r)
{
	struct plan *plan = tui->plan;
	const struct plan_item *it = r->item < plan->nitems ?
	    &plan->items[r->item] : NULL;
	enum output_kind k;
	char **c = NULL, *s, size[16];
	size_t n = 0, cur = 0, i;

	switch (r->field) {
	case F_KIND:
		for (k = OUTPUT_LOCAL; k <= OUTPUT_OVIRT_EXPORT; k++) {
			if (k == plan->dest.kind)
				cur = n;
			c = pv_choices_add(c, &n, pv_kind_label(k));
		}
		pv_choose(tui, r, "Where the converted VMs go.", c, n, cur);
		return 1;
	case F_FORMAT:
	case F_IFORMAT:
		c = pv_choices_add(c, &n, "raw");
		c = pv_choices_add(c, &n, "qcow2");
		cur = strcmp(r->value, "qcow2") == 0;
		pv_choose(tui, r, "The converted disks' format.", c, n, cur);
		return 1;
	case F_ALLOC:
	case F_IALLOC:
		c = pv_choices_add(c, &n, "sparse");
		c = pv_choices_add(c, &n, "preallocated");
		cur = strcmp(r->value, "preallocated") == 0;
		pv_choose(tui, r, "Sparse disks take only what is written; "
		    "preallocated ones their whole size at once.", c, n, cur);
		return 1;
	case F_PROXY:
	case F_IPROXY:
		c = pv_choices_add(c, &n, r->field == F_PROXY ?
		    "any saved proxy" : "(the batch's)");
		for (i = 0; i < tui->nproxies; i++) {
			const char *name = tui->proxies[i].proxy->name;

			if ((r->field == F_PROXY &&
			    str_eq(plan->proxy, name)) || (it != NULL &&
			    r->field == F_IPROXY && str_eq(it->proxy, name)))
				cur = n;
			c = pv_choices_add(c, &n, name);
		}
		pv_choose(tui, r, tui->nproxies == 0 ? "No proxy is saved: "
		    "add one in view 1." : "The proxy that runs virt-v2v.", c,
		    n, cur);
		return 1;
	case F_POOL:
	case F_STORAGE:
	case F_DISK:
		if (plan->dest.kind != OUTPUT_LIBVIRT || v->npools == 0)
			return 0;
		if (r->field != F_POOL)
			c = pv_choices_add(c, &n, "(the default)");
		for (i = 0; i < v->npools; i++) {
			const struct pf_pool *p = &v->pools[i];

			xasprintf(&s, "%s  %s%s%s%s", p->name, p->type != NULL ?
			    p->type : "?", p->active ? "" : ", inactive",
			    p->free_bytes >= 0 ? ", free " : "",
			    p->free_bytes >= 0 ? size_human(
			    (uint64_t)p->free_bytes, size, sizeof size) : "");
			if (str_eq(plan->dest.storage, p->name) &&
			    r->field == F_POOL)
				cur = n;
			c = pv_choices_add(c, &n, s);
			free(s);
		}
		c = pv_choices_add(c, &n, OTHER_POOL);
		pv_choose(tui, r, "The pool that receives the disks (virt-v2v "
		    "writes only to directory pools).", c, n, cur);
		return 1;
	case F_NET:
	case F_INET:
	case F_DEFNET:
		if (r->field == F_INET)
			c = pv_choices_add(c, &n, "(the batch's)");
		c = pv_choices_add(c, &n, "network default");
		for (i = 0; i < plan->nnetmaps; i++) {
			xasprintf(&s, "%s %s", pv_kind_word(
			    plan->netmaps[i].to_kind), plan->netmaps[i].to);
			c = pv_choices_add(c, &n, s);
			free(s);
		}
		if (plan->default_network != NULL) {
			xasprintf(&s, "%s %s", pv_kind_word(plan->default_kind),
			    plan->default_network);
			c = pv_choices_add(c, &n, s);
			free(s);
		}
		c = pv_choices_add(c, &n, OTHER_NAME);
		if (r->field != F_INET)
			c = pv_choices_add(c, &n, r->field == F_NET ?
			    "unmapped (the default, if set)" :
			    "nowhere (each NIC must be mapped)");
		pv_choose(tui, r, r->field == F_NET ? "Where NICs on this "
		    "source network go." : r->field == F_INET ? "Where this "
		    "VM's NICs on this network go (for this VM only)." :
		    "Where NICs that no mapping names go.", c, n, 0);
		return 1;
	default:
		return 0;
	}
}

static int
key_edit(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);
	const struct plan *plan = tui->plan;
	const struct pv_row *r;
	const struct plan_item *it;
	const char *value = NULL, *help = "";

	if (v->nrows == 0 || v->rows[v->cursor].kind != R_FIELD)
		return TUI_REDRAW;
	r = &v->rows[v->cursor];
	it = r->item < plan->nitems ? &plan->items[r->item] : NULL;
	if (r->field == F_PF) {
		tui_status(tui, 0, "Fix what a FAIL line says above, then p "
		    "checks again.");
		return TUI_REDRAW;
	}
	if (pv_edit_choice(tui, v, r))
		return TUI_REDRAW;
	switch (r->field) {
	case F_DIR:
		value = plan->dest.storage;
		help = "The folder on the proxy that receives the disks and "
		    "the libvirt XML (an absolute path; it must exist).";
		break;
	case F_URI:
		value = plan->dest.uri;
		help = "The libvirt URI as the proxy reaches it, e.g. "
		    "qemu:///system.";
		break;
	case F_POOL:
		value = plan->dest.storage;
		help = "The storage pool that receives the disks (l lists "
		    "the pools from the proxy).";
		break;
	case F_ENGINE:
		value = plan->dest.uri;
		help = "https://ENGINE/ovirt-engine/api";
		break;
	case F_DOMAIN:
		value = plan->dest.storage;
		help = "The data storage domain that receives the disks.";
		break;
	case F_CLUSTER:
		value = plan->dest.cluster;
		help = "The oVirt cluster; empty: the engine's default.";
		break;
	case F_CA:
		value = plan->dest.ca_file;
		help = "The engine's CA certificate (PEM), a file on this "
		    "machine.";
		break;
	case F_PASSWORD:
		value = plan->dest.password_file;
		help = "A file on this machine holding the engine user's "
		    "password (the password itself is never typed here).";
		break;
	case F_EXPORT:
		value = plan->dest.storage;
		help = "The export domain: HOST:/PATH (NFS), or the folder it "
		    "is mounted on at the proxy.";
		break;
	case F_BANDWIDTH:
		help = "Bits per second per conversion: a number, or with k, M "
		    "or G (100M). 0 or empty: no limit.";
		break;
	case F_TARGET:
		value = it != NULL ? it->target : NULL;
		help = "The VM's name at the destination: letters, digits, "
		    "'.', '_' or '-'.";
		break;
	case F_STORAGE:
		value = it != NULL ? it->storage : NULL;
		help = plan->dest.kind == OUTPUT_LOCAL ? "A folder on the "
		    "proxy for this VM's disks; empty: the destination's." :
		    "Where this VM's disks go; empty: the destination's.";
		break;
	case F_DISK:
		value = it != NULL && r->disk < it->ndisk_storage ?
		    it->disk_storage[r->disk] : NULL;
		help = "Where this disk goes; empty: the VM's storage.";
		break;
	default:
		return TUI_REDRAW;
	}
	pv_ask(tui, r, help, value);
	return TUI_REDRAW;
}

/* d: a field back to its default, where it has one. */
static int
key_clear(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);
	const struct pv_row *r;
	struct pv_edit *e;

	if (v->nrows == 0 || v->rows[v->cursor].kind != R_FIELD)
		return TUI_REDRAW;
	r = &v->rows[v->cursor];
	switch (r->field) {
	case F_STORAGE:
	case F_DISK:
	case F_NET:
	case F_INET:
	case F_DEFNET:
	case F_BANDWIDTH:
	case F_CLUSTER:
		e = pv_edit_new(r);
		pv_text_done(tui, e, "");
		pv_edit_free(e);
		tui_status(tui, 0, "%s: back to the default.", r->label);
		break;
	case F_IPROXY:
		if (r->item < tui->plan->nitems) {
			pv_set(&tui->plan->items[r->item].proxy, NULL);
			pv_changed(tui);
		}
		break;
	default:
		tui_status(tui, 1, "This field has no default: Enter changes "
		    "it.");
		break;
	}
	return TUI_REDRAW;
}

/* ------------------------------------------------------------ pools */

struct pv_pools {
	struct tui	*tui;
	struct task	*task;
	char		*proxy;
	char		*uri;
	struct pf_pool	*pools;
	size_t		 npools;
	char		*cause;
};

static void
pv_pools_work(struct task *t, void *arg)
{
	struct pv_pools *l = arg;
	struct proxy *p;
	struct sshc *c;

	if ((p = proxy_find(l->proxy, &l->cause)) == NULL)
		return;
	if ((c = sshc_connect(p, NULL, &l->cause)) != NULL) {
		pfgather_pools(c, l->uri, &l->pools, &l->npools, &l->cause);
		sshc_close(c);
	}
	proxy_free(p);
}

static void
pv_pools_event(void *arg, int kind, void *data)
{
	struct pv_pools *l = arg;
	struct tui *tui = l->tui;
	struct plan_view *v = pv_get(tui);

	if (kind != TASK_END)
		return;
	if (v->pool_task == l->task) {
		v->pool_task = NULL;
		pfgather_pools_free(v->pools, v->npools);
		v->pools = NULL;
		v->npools = 0;
		free(v->pools_error);
		v->pools_error = NULL;
		if (l->cause != NULL) {
			v->pools_error = l->cause;
			l->cause = NULL;
			tui_status(tui, 1, "%s", v->pools_error);
		} else {
			v->pools = l->pools;
			v->npools = l->npools;
			l->pools = NULL;
			l->npools = 0;
			tui_status(tui, 0, "%zu pool%s on %s: Enter on the "
			    "pool chooses.", v->npools,
			    v->npools == 1 ? "" : "s", l->proxy);
		}
		free(v->pools_uri);
		v->pools_uri = l->uri;
		l->uri = NULL;
	}
	pfgather_pools_free(l->pools, l->npools);
	free(l->proxy);
	free(l->uri);
	free(l->cause);
	free(l);
}

/* The proxy a look at the destination goes through: the plan's, or the
   first saved. */
static const char *
pv_look_proxy(struct tui *tui)
{
	if (tui->plan->proxy != NULL && strcmp(tui->plan->proxy, "any") != 0)
		return tui->plan->proxy;
	return tui->nproxies > 0 ? tui->proxies[0].proxy->name : NULL;
}

static void
pv_list_pools(struct tui *tui)
{
	struct plan_view *v = pv_get(tui);
	struct pv_pools *l;
	const char *proxy = pv_look_proxy(tui);
	char *cause = NULL;

	if (tui->plan->dest.kind != OUTPUT_LIBVIRT)
		return;
	if (proxy == NULL) {
		tui_status(tui, 1, "The pools are listed from a proxy: save "
		    "one in view 1 first.");
		return;
	}
	l = xcalloc(1, sizeof *l);
	l->tui = tui;
	l->proxy = xstrdup(proxy);
	l->uri = tui->plan->dest.uri != NULL ? xstrdup(tui->plan->dest.uri) :
	    NULL;
	if ((l->task = task_run(tui->tasks, pv_pools_work, pv_pools_event, l,
	    &cause)) == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		free(l->proxy);
		free(l->uri);
		free(l);
		return;
	}
	v->pool_task = l->task;
	tui_status(tui, 0, "Listing the pools of %s on %s ...", l->uri != NULL ?
	    l->uri : "libvirt", l->proxy);
}

static int
key_pools(struct tui *tui)
{
	if (tui->plan->dest.kind != OUTPUT_LIBVIRT) {
		tui_status(tui, 1, "Pools are libvirt's: set the output to "
		    "libvirt first.");
		return TUI_REDRAW;
	}
	pv_list_pools(tui);
	return TUI_REDRAW;
}

/* ------------------------------------------------------------ pre-flight */

struct pv_pf {
	struct tui	*tui;
	struct task	*task;
	struct plan	*plan;		/* the worker's copy */
	char		*json;		/* the plan as it was when checked */
	struct pf_result *r;
	size_t		 n;
	char	       **names;		/* VMs already at the destination */
	size_t		 nnames;
	struct pv_store	*stores;
	size_t		 nstores;
	char		*cause;		/* the source could not be resolved */
};

static int
pv_pf_stop(void *arg)
{
	return task_cancelled(arg);
}

static void
pv_pf_work(struct task *t, void *arg)
{
	struct pv_pf *l = arg;
	struct pf_gather f;
	const struct pf_dest *d;
	size_t i;

	if (source_resolve(l->plan->source, &l->cause) != 0)
		return;
	pfgather_run(l->plan, NULL, pv_pf_stop, t, &f);
	if (task_cancelled(t)) {
		/* The console quits: nothing to judge. */
		l->cause = xstrdup("pre-flight was stopped");
		pfgather_free(&f);
		return;
	}
	l->r = preflight_judge(l->plan, &f.facts, &l->n);
	d = f.facts.dest;
	if (d != NULL && d->reached == 1) {
		l->names = xcalloc(d->nnames + 1, sizeof *l->names);
		for (i = 0; i < d->nnames; i++)
			l->names[i] = xstrdup(d->names[i]);
		l->nnames = d->nnames;
		l->stores = xcalloc(d->nstores + 1, sizeof *l->stores);
		for (i = 0; i < d->nstores; i++) {
			l->stores[i].name = xstrdup(d->stores[i].name);
			l->stores[i].free_bytes = d->stores[i].free_bytes;
		}
		l->nstores = d->nstores;
	}
	pfgather_free(&f);
}

static void
pv_stores_free(struct pv_store *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i].name);
	free(s);
}

/* One result saying why there was nothing to judge. */
static struct pf_result *
pv_pf_one(const char *check, const char *text)
{
	struct pf_result *r = xcalloc(1, sizeof *r);

	r->check = xstrdup(check);
	r->level = PF_FAIL;
	r->text = xstrdup(text);
	return r;
}

static void pv_cursor_to_preflight(struct tui *);

static void
pv_pf_event(void *arg, int kind, void *data)
{
	struct pv_pf *l = arg;
	struct tui *tui = l->tui;
	struct plan_view *v = pv_get(tui);
	char *now;
	size_t fails;

	if (kind != TASK_END)
		return;
	if (v->pf_task == l->task) {
		v->pf_task = NULL;
		tui->pf_running = 0;
		now = planjson_string(tui->plan);
		if (strcmp(now, l->json) != 0)
			tui_status(tui, 1, "The plan changed while it was "
			    "checked: p checks it again.");
		else {
			pv_changed(tui);
			if (l->cause != NULL) {
				tui->pf = pv_pf_one("source", l->cause);
				tui->npf = 1;
			} else {
				tui->pf = l->r;
				tui->npf = l->n;
				l->r = NULL;
				l->n = 0;
			}
			free(v->pf_plan);
			v->pf_plan = l->json;
			l->json = NULL;
			preflight_strings_free(v->dest_names, v->ndest_names);
			v->dest_names = l->names;
			v->ndest_names = l->nnames;
			l->names = NULL;
			l->nnames = 0;
			pv_stores_free(v->stores, v->nstores);
			v->stores = l->stores;
			v->nstores = l->nstores;
			l->stores = NULL;
			l->nstores = 0;
			fails = (size_t)preflight_failed(tui->pf, tui->npf);
			if (fails > 0)
				tui_status(tui, 1, "Pre-flight: %zu problem%s, "
				    "shown at the end of the plan.", fails,
				    fails == 1 ? "" : "s");
			else
				tui_status(tui, 0, "Pre-flight passed: S "
				    "starts the import.");
			/* Its results in view, where p was pressed. */
			if (tui->view == &view_plan)
				pv_cursor_to_preflight(tui);
		}
		free(now);
	}
	preflight_free(l->r, l->n);
	preflight_strings_free(l->names, l->nnames);
	pv_stores_free(l->stores, l->nstores);
	plan_free(l->plan);
	free(l->json);
	free(l->cause);
	free(l);
}

/* The last row of the plan: where pre-flight's results begin. */
static void
pv_cursor_to_preflight(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);
	size_t i;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == R_HEAD &&
		    strcmp(v->rows[i].label, "Pre-flight") == 0) {
			/* Its title at the top, its results below. */
			v->cursor = i;
			v->top = i;
			if (v->height > 0 && v->nrows > (size_t)v->height &&
			    v->top > v->nrows - (size_t)v->height)
				v->top = v->nrows - (size_t)v->height;
			pv_clamp(v);
			pv_remember(v);
			return;
		}
	}
}

static int
key_preflight(struct tui *tui)
{
	struct plan_view *v = pv_get(tui);
	struct pv_pf *l;
	struct plan *copy;
	char *cause = NULL, *json;

	if (tui->plan->nitems == 0) {
		tui_status(tui, 1, "No VMs to import: press 2 and add some.");
		return TUI_REDRAW;
	}
	if (v->pf_task != NULL) {
		tui_status(tui, 0, "Pre-flight is already running.");
		return TUI_REDRAW;
	}
	/* The worker's own copy, as a plan file would give it. */
	json = planjson_string(tui->plan);
	if ((copy = planjson_parse(json, strlen(json), &cause)) == NULL) {
		pv_changed(tui);
		tui->pf = pv_pf_one("plan", cause);
		tui->npf = 1;
		free(v->pf_plan);
		v->pf_plan = json;
		free(cause);
		tui_status(tui, 1, "The plan is not complete: see the end of "
		    "the plan.");
		pv_cursor_to_preflight(tui);
		return TUI_REDRAW;
	}
	l = xcalloc(1, sizeof *l);
	l->tui = tui;
	l->plan = copy;
	l->json = json;
	if ((l->task = task_run(tui->tasks, pv_pf_work, pv_pf_event, l,
	    &cause)) == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		plan_free(copy);
		free(json);
		free(l);
		return TUI_REDRAW;
	}
	v->pf_task = l->task;
	pv_changed(tui);
	tui->pf_running = 1;
	tui_status(tui, 0, "Pre-flight: checking the source, the proxies and "
	    "the destination ...");
	pv_cursor_to_preflight(tui);
	return TUI_REDRAW;
}

/* ------------------------------------------------------------ start */

static int
pv_start_answer(struct tui *tui, void *arg, const char *answer)
{
	struct plan *plan = tui->plan;
	const struct vm **vms;
	char *cause = NULL, **ids = NULL;
	size_t i, n;

	if (answer == NULL)
		return TUI_REDRAW;
	if (tui_start_engine(tui) != 0)
		return TUI_REDRAW;
	vms = xcalloc(plan->nitems + 1, sizeof *vms);
	for (i = 0; i < plan->nitems; i++)
		vms[i] = pv_vm(tui, &plan->items[i]);
	if (engine_queue(tui->engine, plan, (const struct vm *const *)vms,
	    &ids, &cause) != 0) {
		tui_status(tui, 1, "Nothing was started: %s", cause);
		free(cause);
		free(vms);
		return TUI_REDRAW;
	}
	free(vms);
	for (n = 0; ids[n] != NULL; n++)
		free(ids[n]);
	free(ids);
	/* Queued: they are the jobs' now, not the plan's. */
	while (plan->nitems > 0)
		plan_remove(plan, plan->nitems - 1);
	pv_changed(tui);
	tui_status(tui, 0, "%zu import%s queued.", n, n == 1 ? "" : "s");
	tui_show(tui, &view_jobs);
	return TUI_REDRAW;
}

static int
key_start(struct tui *tui)
{
	struct plan_view *v = pv_get(tui);
	char *text, *now;
	size_t fails;
	int same;

	if (tui->plan->nitems == 0) {
		tui_status(tui, 1, "No VMs to import: press 2 and add some.");
		return TUI_REDRAW;
	}
	if (tui->pf_running) {
		tui_status(tui, 1, "Pre-flight is still checking: wait for its "
		    "results.");
		return TUI_REDRAW;
	}
	now = planjson_string(tui->plan);
	same = v->pf_plan != NULL && strcmp(now, v->pf_plan) == 0;
	free(now);
	if (tui->pf == NULL || !same) {
		tui_status(tui, 1, "Not started: the plan has not been checked "
		    "since it changed; p runs pre-flight.");
		return TUI_REDRAW;
	}
	if ((fails = (size_t)preflight_failed(tui->pf, tui->npf)) > 0) {
		tui_status(tui, 1, "Not started: pre-flight found %zu "
		    "problem%s; fix the lines marked FAIL, then p.", fails,
		    fails == 1 ? "" : "s");
		pv_cursor_to_preflight(tui);
		return TUI_REDRAW;
	}
	xasprintf(&text, "Start %zu import%s on %s?", tui->plan->nitems,
	    tui->plan->nitems == 1 ? "" : "s", tui->plan->proxy != NULL ?
	    tui->plan->proxy : "any saved proxy");
	widget_prompt(tui, PROMPT_CONFIRM, "Start", text, NULL,
	    pv_start_answer, NULL, NULL);
	free(text);
	return TUI_REDRAW;
}

/* ------------------------------------------------------------ moving */

static int
pv_move(struct tui *tui, int dir, size_t count)
{
	struct plan_view *v = pv_ready(tui);
	size_t i = v->cursor, moved = 0, last = v->cursor;

	while (moved < count) {
		if (dir > 0 ? i + 1 >= v->nrows : i == 0)
			break;
		i = dir > 0 ? i + 1 : i - 1;
		if (v->rows[i].kind == R_FIELD) {
			last = i;
			moved++;
		}
	}
	if (last == v->cursor && dir > 0 && v->height > 0) {
		/* No field below: scroll to the rows that are left. */
		if (v->top + (size_t)v->height < v->nrows)
			v->top++;
		return TUI_REDRAW;
	}
	if (last == v->cursor && dir < 0 && v->top > 0) {
		v->top--;
		return TUI_REDRAW;
	}
	v->cursor = last;
	pv_clamp(v);
	pv_remember(v);
	return TUI_REDRAW;
}

static int key_down(struct tui *tui) { return pv_move(tui, 1, 1); }
static int key_up(struct tui *tui) { return pv_move(tui, -1, 1); }

static int
key_pgdn(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);

	return pv_move(tui, 1, v->height > 2 ? (size_t)v->height / 2 : 1);
}

static int
key_pgup(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);

	return pv_move(tui, -1, v->height > 2 ? (size_t)v->height / 2 : 1);
}

static int
key_home(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);

	v->cursor = 0;
	v->top = 0;
	pv_clamp(v);
	v->top = 0;
	pv_remember(v);
	return TUI_REDRAW;
}

static int
key_end(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);

	v->cursor = v->nrows > 0 ? v->nrows - 1 : 0;
	pv_clamp(v);
	if (v->height > 0 && v->nrows > (size_t)v->height)
		v->top = v->nrows - (size_t)v->height;
	pv_remember(v);
	return TUI_REDRAW;
}

/* Tab: the first field of the next section. */
static int
key_section(struct tui *tui)
{
	struct plan_view *v = pv_ready(tui);
	size_t i;

	for (i = v->cursor + 1; i < v->nrows; i++) {
		if (v->rows[i].kind == R_HEAD)
			break;
	}
	if (i >= v->nrows)
		i = 0;
	v->cursor = i;
	pv_clamp(v);
	pv_remember(v);
	return TUI_REDRAW;
}

static int
view_plan_mouse(struct tui *tui, int y, int x, int button)
{
	struct plan_view *v = pv_ready(tui);
	size_t k;

	if (button == TUI_MOUSE_WHEEL_UP || button == TUI_MOUSE_WHEEL_DOWN)
		return pv_move(tui, button == TUI_MOUSE_WHEEL_UP ? -1 : 1, 1);
	if (y < 1)
		return 0;
	k = v->top + (size_t)(y - 1);
	if (k >= v->nrows || v->rows[k].kind != R_FIELD)
		return 0;
	v->cursor = k;
	pv_remember(v);
	if (button == TUI_MOUSE_DOUBLE)
		return key_edit(tui);
	return TUI_REDRAW;
}

static void
view_plan_enter(struct tui *tui)
{
	struct plan_view *v = pv_get(tui);

	/* A libvirt destination's pools, once per URI. */
	if (tui->plan->dest.kind == OUTPUT_LIBVIRT && v->pool_task == NULL &&
	    v->npools == 0 && v->pools_error == NULL)
		pv_list_pools(tui);
}

static void
view_plan_free(struct tui *tui)
{
	struct plan_view *v = tui->vdata[3];

	if (v == NULL)
		return;
	pv_rows_free(v);
	free(v->cur_net);
	pfgather_pools_free(v->pools, v->npools);
	free(v->pools_uri);
	free(v->pools_error);
	free(v->pf_plan);
	preflight_strings_free(v->dest_names, v->ndest_names);
	pv_stores_free(v->stores, v->nstores);
	free(v);
	tui->vdata[3] = NULL;
}

static const struct tui_key view_plan_keys[] = {
	{ KEY_DOWN, "Down", "next field", key_down },
	{ 'j', "j", "next field", key_down },
	{ KEY_UP, "Up", "previous field", key_up },
	{ 'k', "k", "previous field", key_up },
	{ KEY_NPAGE, "PgDn", "half a page down", key_pgdn },
	{ KEY_PPAGE, "PgUp", "half a page up", key_pgup },
	{ KEY_HOME, "Home", "the first field", key_home },
	{ 'g', "g", "the first field", key_home },
	{ KEY_END, "End", "the end (pre-flight's results)", key_end },
	{ 'G', "G", "the end (pre-flight's results)", key_end },
	{ '\t', "Tab", "the next section", key_section },
	{ '\r', "Enter", "change the field (Esc in the box changes nothing)",
	    key_edit },
	{ 'e', "e", "change the field", key_edit },
	{ 'd', "d", "put the field back to its default", key_clear },
	{ KEY_DC, "Del", "put the field back to its default", key_clear },
	{ 'l', "l", "list the libvirt destination's pools (from the proxy)",
	    key_pools },
	{ 'p', "p", "pre-flight: check the plan before anything is copied",
	    key_preflight },
	{ 'S', "S", "start the import (after a pre-flight with no FAIL)",
	    key_start },
	{ 0, NULL, NULL, NULL }
};

const struct view view_plan = {
	.name = "plan",
	.title = "Plan",
	.fkey = 3,
	.keys = view_plan_keys,
	.enter = view_plan_enter,
	.draw = view_plan_draw,
	.mouse = view_plan_mouse,
	.changes = (const int[]){ 'S', 0 },
	.free = view_plan_free,
};
