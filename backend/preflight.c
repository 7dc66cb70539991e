/*
 * preflight.c: every reason a plan would fail, found before a byte is
 * copied.  preflight_judge() is a pure function of the plan and of facts
 * gathered elsewhere (the VMs from the source, a probe of each proxy, the
 * destination as a proxy sees it: preflight-dest.c), so each rule is tested
 * on its own.  A check that finds nothing wrong says so once; one that
 * finds something says it per thing to fix, naming the VM and what to do.
 * What virt-v2v would refuse only after minutes of work (a clash at the
 * destination, a missing nbdcopy, UEFI without OVMF) is refused here.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"

struct pf_ctx {
	const struct plan	*plan;
	const struct pf_facts	*f;
	const struct pf_dest	*dest;		/* NULL: not inspected */
	struct pf_result	*r;
	size_t			 n;
};

/* What one VM needs: bytes we are sure of, bytes guessed from capacity. */
struct pf_need {
	uint64_t	 sure;
	uint64_t	 guess;
	int		 unknown;	/* a disk of unknown size */
};

/* How virt-v2v reads a VM. */
struct pf_input {
	const char	*token;		/* its --machine-readable capability */
	const char	*what;		/* for the text */
	int		 vmware;	/* vpx/esx: HTTPS through nbdkit curl */
	int		 xen;		/* xen+ssh */
	int		 upload;	/* 1 copied to the proxy first, -1 it
					   would have to be but cannot be */
	int		 ova;		/* an exported copy: never running */
	struct pf_need	 up;		/* bytes the upload puts on the proxy */
};

static void VI_PRINTF(5, 6)
pf_add(struct pf_ctx *x, const char *vm, const char *check,
    enum pf_level level, const char *fmt, ...)
{
	struct pf_result *r;
	va_list ap;

	x->r = xappend(x->r, &x->n, sizeof *x->r);
	r = &x->r[x->n - 1];
	r->vm = vm != NULL ? xstrdup(vm) : NULL;
	r->check = xstrdup(check);
	r->level = level;
	va_start(ap, fmt);
	xvasprintf(&r->text, fmt, ap);
	va_end(ap);
}

/* Append to a growing text, with sep between parts. */
static void VI_PRINTF(3, 4)
pf_cat(char **s, const char *sep, const char *fmt, ...)
{
	char *part, *joined;
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(&part, fmt, ap);
	va_end(ap);
	if (*s == NULL) {
		*s = part;
		return;
	}
	xasprintf(&joined, "%s%s%s", *s, sep, part);
	free(*s);
	free(part);
	*s = joined;
}

static const char *
pf_size(uint64_t bytes, char *buf, size_t len)
{
	return size_human(bytes, buf, len);
}

const char *
pf_level_name(enum pf_level level)
{
	switch (level) {
	case PF_OK:
		return "ok";
	case PF_WARN:
		return "warn";
	case PF_FAIL:
		return "fail";
	}
	return "unknown";
}

void
preflight_free(struct pf_result *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].vm);
		free(r[i].check);
		free(r[i].text);
	}
	free(r);
}

int
preflight_failed(const struct pf_result *r, size_t n)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < n; i++) {
		if (r[i].level == PF_FAIL)
			failed++;
	}
	return failed;
}

static int
pf_ovirt(const struct plan *plan)
{
	return plan->dest.kind == OUTPUT_OVIRT_UPLOAD ||
	    plan->dest.kind == OUTPUT_OVIRT_EXPORT;
}

/* Names as the destination compares them: oVirt ignores case. */
static int
pf_name_eq(const struct plan *plan, const char *a, const char *b)
{
	if (pf_ovirt(plan))
		return strcasecmp(a, b) == 0;
	return strcmp(a, b) == 0;
}

static const char *
pf_storage_word(const struct plan *plan)
{
	switch (plan->dest.kind) {
	case OUTPUT_LOCAL:
		return "folder";
	case OUTPUT_LIBVIRT:
		return "pool";
	case OUTPUT_OVIRT_UPLOAD:
		return "storage domain";
	case OUTPUT_OVIRT_EXPORT:
		return "export domain";
	}
	return "storage";
}

static const char *
pf_where(const struct plan *plan)
{
	switch (plan->dest.kind) {
	case OUTPUT_LOCAL:
		return "in the proxy's folders";
	case OUTPUT_LIBVIRT:
		return plan->dest.uri != NULL ? plan->dest.uri :
		    "the proxy's default libvirt";
	case OUTPUT_OVIRT_UPLOAD:
	case OUTPUT_OVIRT_EXPORT:
		return plan->dest.uri != NULL ? plan->dest.uri : "oVirt";
	}
	return "the destination";
}

static const struct vm *
pf_vm(const struct pf_ctx *x, size_t i)
{
	if (x->f->vms == NULL)
		return NULL;
	return x->f->vms[i];
}

/* A VM whose disks and NICs were read: the other checks can trust it. */
static const struct vm *
pf_vm_detailed(const struct pf_ctx *x, size_t i)
{
	const struct vm *vm = pf_vm(x, i);

	return vm != NULL && vm->detailed ? vm : NULL;
}

static int
pf_dest_reached(const struct pf_ctx *x)
{
	return x->dest != NULL && x->dest->reached == 1;
}

static const struct pf_store *
pf_store_find(const struct pf_ctx *x, const char *name)
{
	size_t i;

	if (!pf_dest_reached(x) || name == NULL)
		return NULL;
	for (i = 0; i < x->dest->nstores; i++) {
		if (str_eq(x->dest->stores[i].name, name))
			return &x->dest->stores[i];
	}
	return NULL;
}

/* Free bytes in storage name: its own entry, else the destination's. */
static int64_t
pf_store_free(const struct pf_ctx *x, const char *name)
{
	const struct pf_store *s;

	if ((s = pf_store_find(x, name)) != NULL)
		return s->usable == 1 ? s->free_bytes : -1;
	if (pf_dest_reached(x) && str_eq(name, x->plan->dest.storage))
		return x->dest->free_bytes;
	return -1;
}

/*
 * What disk d takes at the destination.  Preallocated: its capacity.
 * Sparse: what it holds at the source (virt-v2v copies only used blocks)
 * when the source said so, else its capacity, which may be far too much,
 * hence a guess.
 */
static void
pf_need_disk(const struct disk *d, enum disk_alloc alloc, struct pf_need *need)
{
	if (alloc == DISK_ALLOC_PREALLOCATED) {
		if (d->capacity > 0)
			need->sure += d->capacity;
		else
			need->unknown = 1;
	} else if (d->allocation > 0)
		need->sure += d->allocation;
	else if (d->capacity > 0)
		need->guess += d->capacity;
	else
		need->unknown = 1;
}

/* FAIL when what we are sure of does not fit, WARN when the guess. */
static enum pf_level
pf_fits(const struct pf_need *need, int64_t free_bytes)
{
	if (free_bytes < 0)
		return PF_WARN;
	if (need->sure > (uint64_t)free_bytes)
		return PF_FAIL;
	if (need->sure + need->guess > (uint64_t)free_bytes)
		return PF_WARN;
	return PF_OK;
}

/* ------------------------------------------------------------ the plan */

static int
pf_source_vmware_uri(const struct source *src)
{
	return src->kind == SOURCE_LIBVIRT && source_is_vmware(src);
}

static void
pf_check_plan(struct pf_ctx *x)
{
	const struct plan *plan = x->plan;
	const struct source *src = plan->source;
	int bad = 0;

	if (plan->nitems == 0) {
		pf_add(x, NULL, "plan", PF_FAIL, "the plan has no VMs: add the "
		    "VMs to import");
		bad = 1;
	}
	if (src == NULL) {
		pf_add(x, NULL, "plan", PF_FAIL, "the plan has no source: say "
		    "where the VMs come from");
		return;
	}
	if (src->kind == SOURCE_PROVIDER) {
		pf_add(x, NULL, "plan", PF_FAIL, "the source '%s' is a saved "
		    "provider's name that was not looked up: resolve it before "
		    "the pre-flight", src->location);
		bad = 1;
	} else if (src->kind == SOURCE_LIBVIRT &&
	    strncmp(src->location, "test:", 5) == 0) {
		pf_add(x, NULL, "plan", PF_FAIL, "%s is libvirt's test driver: "
		    "its VMs have no disks virt-v2v could copy: import from a "
		    "real source", src->location);
		bad = 1;
	}
	if (!bad)
		pf_add(x, NULL, "plan", PF_OK, "%zu VM%s from %s %s to %s %s",
		    plan->nitems, plan->nitems == 1 ? "" : "s",
		    source_kind_name(src->kind), src->location,
		    output_kind_name(plan->dest.kind), pf_where(plan));
}

static void
pf_check_credentials(struct pf_ctx *x)
{
	const struct plan *plan = x->plan;
	const struct destination *d = &plan->dest;
	char *ok = NULL;
	int bad = 0;

	if (plan->source != NULL && pf_source_vmware_uri(plan->source)) {
		if (plan->source->password_file == NULL) {
			pf_add(x, NULL, "credentials", PF_FAIL, "%s needs a "
			    "password and virt-v2v cannot ask for one: give "
			    "the source a password file",
			    plan->source->location);
			bad = 1;
		} else if (x->f->source_password < 0) {
			pf_add(x, NULL, "credentials", PF_FAIL, "the source's "
			    "password file %s can be read by other users: run "
			    "'chmod 600 %s' first", plan->source->password_file,
			    plan->source->password_file);
			bad = 1;
		} else if (!x->f->source_password) {
			pf_add(x, NULL, "credentials", PF_FAIL, "the source's "
			    "password file %s is missing, empty or unreadable: "
			    "write the password there (mode 0600)",
			    plan->source->password_file);
			bad = 1;
		} else
			pf_cat(&ok, "; ", "the source's password file is "
			    "readable");
	}
	if (d->kind == OUTPUT_OVIRT_UPLOAD) {
		if (d->password_file == NULL) {
			pf_add(x, NULL, "credentials", PF_FAIL, "oVirt upload "
			    "needs the engine's password: give the destination "
			    "a password file");
			bad = 1;
		} else if (x->f->dest_password < 0) {
			pf_add(x, NULL, "credentials", PF_FAIL, "the oVirt "
			    "password file %s can be read by other users: run "
			    "'chmod 600 %s' first", d->password_file,
			    d->password_file);
			bad = 1;
		} else if (!x->f->dest_password) {
			pf_add(x, NULL, "credentials", PF_FAIL, "the oVirt "
			    "password file %s is missing, empty or unreadable: "
			    "write the engine's password there (mode 0600)",
			    d->password_file);
			bad = 1;
		} else
			pf_cat(&ok, "; ", "the oVirt password file is "
			    "readable");
		if (d->ca_file == NULL) {
			pf_add(x, NULL, "credentials", PF_FAIL, "oVirt upload "
			    "needs the engine's CA certificate (PEM), so that "
			    "the password goes only to the real engine: give "
			    "the destination a CA file (from https://ENGINE/"
			    "ovirt-engine/services/pki-resource?resource="
			    "ca-certificate&format=X509-PEM-CA)");
			bad = 1;
		} else
			pf_cat(&ok, "; ", "CA file %s", d->ca_file);
	}
	if (!bad)
		pf_add(x, NULL, "credentials", PF_OK, "%s",
		    ok != NULL ? ok : "none needed");
	free(ok);
}

static void
pf_check_destination(struct pf_ctx *x)
{
	const struct plan *plan = x->plan;
	const struct destination *d = &plan->dest;
	const struct pf_dest *dest = x->dest;
	const char *kind = output_kind_name(d->kind);
	int bad = 0;

	if (d->kind == OUTPUT_OVIRT_UPLOAD) {
		if (d->uri == NULL) {
			pf_add(x, NULL, "destination", PF_FAIL, "oVirt upload "
			    "needs the engine's API address: set the "
			    "destination's URI to https://ENGINE/ovirt-engine/"
			    "api");
			bad = 1;
		}
		if (d->cluster == NULL)
			pf_add(x, NULL, "destination", PF_WARN, "no oVirt "
			    "cluster is set: virt-v2v puts the VMs in the "
			    "cluster named 'Default', and fails if there is "
			    "none: set the destination's cluster");
	}

	if (dest == NULL) {
		pf_add(x, NULL, "destination", PF_WARN, "the destination (%s) "
		    "was not inspected: target names, free space and UEFI "
		    "support are not checked", kind);
		return;
	}
	if (dest->reached == 0 && !pf_ovirt(plan)) {
		pf_add(x, NULL, "destination", PF_FAIL, "%s",
		    dest->error != NULL ? dest->error : "the destination "
		    "cannot be used");
		return;
	}
	if (dest->reached != 1) {
		pf_add(x, NULL, "destination", PF_WARN, "%s: target names, "
		    "free space and UEFI support are not checked",
		    dest->error != NULL ? dest->error : "the destination "
		    "was not inspected");
		return;
	}
	if (d->kind == OUTPUT_LIBVIRT && dest->kvm == 0) {
		pf_add(x, NULL, "destination", PF_FAIL, "libvirt at %s cannot "
		    "run KVM guests: virt-v2v defines every VM with type "
		    "'kvm', so the VMs would not be defined: use a host with "
		    "KVM", pf_where(plan));
		bad = 1;
	} else if (d->kind == OUTPUT_LIBVIRT && dest->kvm != 1) {
		pf_add(x, NULL, "destination", PF_WARN, "could not tell "
		    "whether libvirt at %s runs KVM guests: virt-v2v defines "
		    "every VM with type 'kvm'", pf_where(plan));
		bad = 1;
	}
	if (!bad) {
		if (d->kind == OUTPUT_LIBVIRT)
			pf_add(x, NULL, "destination", PF_OK, "libvirt at %s: "
			    "%zu VM%s there, KVM guests supported",
			    pf_where(plan), dest->nnames,
			    dest->nnames == 1 ? "" : "s");
		else if (d->kind == OUTPUT_LOCAL)
			pf_add(x, NULL, "destination", PF_OK, "local disk "
			    "images in folders of the proxy");
		else
			pf_add(x, NULL, "destination", PF_OK, "%s %s", kind,
			    pf_where(plan));
	}
}

/* ------------------------------------------------------------ storages */

struct pf_space {
	const char	*name;
	struct pf_need	 need;
	char		*vms;		/* "web01 10 GiB, db 20 GiB" */
	size_t		 nvms;
	char		*unknown;	/* VMs whose size is unknown */
};

static struct pf_space *
pf_space_find(struct pf_space **sp, size_t *n, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*sp)[i].name, name) == 0)
			return &(*sp)[i];
	}
	*sp = xappend(*sp, n, sizeof **sp);
	memset(&(*sp)[*n - 1], 0, sizeof **sp);
	(*sp)[*n - 1].name = name;
	return &(*sp)[*n - 1];
}

/* One VM's share of one storage. */
static void
pf_space_add_vm(struct pf_space *sp, const struct plan *plan,
    const struct plan_item *it, const struct vm *vm)
{
	struct pf_need need = { 0, 0, 0 };
	char h[32];
	size_t k;
	int any = 0;

	for (k = 0; k < vm->ndisks; k++) {
		if (!str_eq(plan_item_storage(plan, it, k), sp->name))
			continue;
		pf_need_disk(&vm->disks[k], it->alloc, &need);
		any = 1;
	}
	if (!any)
		return;
	sp->need.sure += need.sure;
	sp->need.guess += need.guess;
	sp->nvms++;
	if (need.unknown) {
		sp->need.unknown = 1;
		pf_cat(&sp->unknown, ", ", "'%s'", it->vm);
	}
	pf_cat(&sp->vms, ", ", "%s %s", it->vm,
	    pf_size(need.sure + need.guess, h, sizeof h));
}

static void
pf_space_judge(struct pf_ctx *x, const struct pf_space *sp)
{
	const char *word = pf_storage_word(x->plan);
	const struct pf_store *store = pf_store_find(x, sp->name);
	enum pf_level level;
	int64_t free_bytes;
	uint64_t total = sp->need.sure + sp->need.guess, more;
	char f[32], t[32], m[32], *text = NULL;
	const char *s = sp->nvms == 1 ? "" : "s";
	const char *need = sp->nvms == 1 ? "needs" : "need";

	if (store != NULL && store->usable == 0) {
		pf_add(x, NULL, "storage", PF_FAIL, "%s", store->error != NULL ?
		    store->error : "it cannot be used");
		return;
	}
	if (store != NULL && store->usable != 1) {
		pf_add(x, NULL, "storage", PF_WARN, "%s: its free space is not "
		    "checked", store->error != NULL ? store->error : "it was "
		    "not inspected");
		return;
	}
	free_bytes = pf_store_free(x, sp->name);
	pf_size(total, t, sizeof t);
	if (free_bytes < 0) {
		pf_add(x, NULL, "storage", PF_WARN, "the free space in %s '%s' "
		    "is unknown: not checked (the %zu VM%s going there %s "
		    "about %s)", word, sp->name, sp->nvms, s, need, t);
		return;
	}
	pf_size((uint64_t)free_bytes, f, sizeof f);
	more = total > (uint64_t)free_bytes ? total - (uint64_t)free_bytes : 0;
	pf_size(more, m, sizeof m);
	level = pf_fits(&sp->need, free_bytes);
	if (level == PF_FAIL)
		xasprintf(&text, "%s '%s' has %s free but the %zu VM%s going "
		    "there %s about %s (%s): free %s more there, or send "
		    "some VMs to another %s", word, sp->name, f, sp->nvms, s,
		    need, t,
		    sp->vms != NULL ? sp->vms : "", m, word);
	else if (level == PF_WARN)
		xasprintf(&text, "%s '%s' has %s free and the %zu VM%s going "
		    "there may need up to %s (%s; sparse disks whose use is "
		    "unknown count at full size): free %s more there, or send "
		    "some VMs to another %s", word, sp->name, f, sp->nvms, s,
		    t,
		    sp->vms != NULL ? sp->vms : "", m, word);
	else
		xasprintf(&text, "%s '%s': %s free, the %zu VM%s going there "
		    "%s about %s", word, sp->name, f, sp->nvms, s, need, t);
	if (sp->unknown != NULL) {
		pf_cat(&text, "; ", "the size of %s is unknown, so it may not "
		    "fit", sp->unknown);
		if (level == PF_OK)
			level = PF_WARN;
	}
	pf_add(x, NULL, "storage", level, "%s", text);
	free(text);
}

/*
 * Free space per storage: every VM going to one storage counts, since
 * they may all be converted before anyone cleans up.
 */
static void
pf_check_storages(struct pf_ctx *x)
{
	const struct plan *plan = x->plan;
	struct pf_space *sp = NULL, *one;
	const struct plan_item *it;
	const struct vm *vm;
	const char *s;
	size_t nsp = 0, i, k;

	if (!pf_dest_reached(x))
		return;		/* the destination result says why */
	for (i = 0; i < plan->nitems; i++) {
		it = &plan->items[i];
		if ((vm = pf_vm_detailed(x, i)) == NULL || vm->ndisks == 0) {
			if ((s = plan_item_storage(plan, it, 0)) == NULL)
				continue;
			one = pf_space_find(&sp, &nsp, s);
			one->nvms++;
			pf_cat(&one->unknown, ", ", "'%s'", it->vm);
			continue;
		}
		for (k = 0; k < vm->ndisks; k++) {
			if ((s = plan_item_storage(plan, it, k)) != NULL)
				pf_space_find(&sp, &nsp, s);
		}
		for (k = 0; k < nsp; k++)
			pf_space_add_vm(&sp[k], plan, it, vm);
	}
	for (k = 0; k < nsp; k++) {
		pf_space_judge(x, &sp[k]);
		free(sp[k].vms);
		free(sp[k].unknown);
	}
	free(sp);
}

/* ------------------------------------------------------------ each VM */

static int
pf_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* How virt-v2v will read the VM, and what must be copied to the proxy. */
static void
pf_input(const struct plan *plan, const struct vm *vm, struct pf_input *in)
{
	const struct source *src = plan->source;
	const char *file = NULL;
	int raw_exact = 0;
	size_t k;

	memset(in, 0, sizeof *in);
	if (src == NULL)
		return;
	switch (src->kind) {
	case SOURCE_LIBVIRT:
		in->token = "input:libvirt";
		if (source_is_vmware(src)) {
			in->vmware = 1;
			in->what = "VMware over HTTPS";
		} else if (strncmp(src->location, "xen+ssh:", 8) == 0) {
			in->xen = 1;
			in->what = "Xen over SSH";
		} else
			in->what = "libvirt sources";
		return;
	case SOURCE_OVA:
		in->token = "input:ova";
		in->ova = 1;
		break;
	case SOURCE_XML:
		in->token = "input:libvirtxml";
		raw_exact = 1;
		break;
	case SOURCE_VMX:
		in->token = "input:vmx";
		break;
	case SOURCE_DIR:
		if (vm == NULL || (file = vm->origin) == NULL)
			break;
		if (pf_suffix(file, ".ova") || pf_suffix(file, ".ovf")) {
			in->token = "input:ova";
			in->ova = 1;
		} else if (pf_suffix(file, ".xml")) {
			in->token = "input:libvirtxml";
			raw_exact = 1;
		} else if (pf_suffix(file, ".vmx"))
			in->token = "input:vmx";
		break;
	case SOURCE_EXPORT:
	case SOURCE_PROVIDER:
		return;
	}
	if (in->token == NULL)
		return;
	if (strcmp(in->token, "input:ova") == 0)
		in->what = "OVA files";
	else if (strcmp(in->token, "input:libvirtxml") == 0)
		in->what = "libvirt XML files";
	else
		in->what = "VMware .vmx files";

	/* upload.c copies an OVA, or an XML with its disks, byte for byte. */
	if (plan->source_on_proxy)
		return;
	if (src->kind == SOURCE_OVA || src->kind == SOURCE_XML ||
	    (file != NULL && (pf_suffix(file, ".ova") ||
	    pf_suffix(file, ".xml"))))
		in->upload = 1;
	else {
		in->upload = -1;
		return;
	}
	if (vm == NULL || !vm->detailed) {
		in->up.unknown = 1;
		return;
	}
	for (k = 0; k < vm->ndisks; k++) {
		const struct disk *d = &vm->disks[k];

		/* A raw file's size is its capacity; the rest is a guess. */
		if (raw_exact && d->format == DISK_FORMAT_RAW &&
		    d->capacity > 0)
			in->up.sure += d->capacity;
		else if (d->allocation > 0)
			in->up.guess += d->allocation;
		else if (d->capacity > 0)
			in->up.guess += d->capacity;
		else
			in->up.unknown = 1;
	}
}

/* ------------------------------------------------------------ uploads */

struct pf_upload {
	const char	*vm;
	struct pf_need	 need;
};

/* Largest first, as the engine starts them. */
static int
pf_upload_cmp(const void *a, const void *b)
{
	const struct pf_upload *x = a, *y = b;
	uint64_t sx = x->need.sure + x->need.guess;
	uint64_t sy = y->need.sure + y->need.guess;

	return sx < sy ? 1 : sx > sy ? -1 : 0;
}

/*
 * A job's copies stay in the proxy's job folder until its conversion has
 * ended, and a proxy runs up to max_jobs at once, largest first: the
 * largest max_jobs uploads of the VMs going to one named proxy must fit
 * there together.  Each alone is checked with the VM (pf_proxy_eval);
 * this says when they fit one by one but not together, and how many do.
 */
static void
pf_check_uploads(struct pf_ctx *x)
{
	const struct plan *plan = x->plan;
	const struct pf_proxy *pp;
	const struct plan_item *it;
	struct pf_upload *up;
	struct pf_input in;
	struct pf_need sum;
	enum pf_level level;
	const char *name, *jd;
	char *list, f[32], t[32], h[32];
	size_t i, k, n, at_once, fit;
	uint64_t run;

	for (k = 0; k < x->f->nproxies; k++) {
		pp = &x->f->proxies[k];
		if (pp->probe == NULL || pp->probe->job_free < 0 ||
		    pp->max_jobs < 2)
			continue;
		up = xcalloc(plan->nitems + 1, sizeof *up);
		n = 0;
		for (i = 0; i < plan->nitems; i++) {
			it = &plan->items[i];
			name = it->proxy != NULL ? it->proxy : plan->proxy;
			if (name == NULL || !str_eq(name, pp->name))
				continue;
			pf_input(plan, pf_vm(x, i), &in);
			if (in.upload != 1 || in.up.unknown)
				continue;
			up[n].vm = it->vm;
			up[n].need = in.up;
			n++;
		}
		qsort(up, n, sizeof *up, pf_upload_cmp);
		at_once = n < pp->max_jobs ? n : pp->max_jobs;
		memset(&sum, 0, sizeof sum);
		for (i = 0; i < at_once; i++) {
			sum.sure += up[i].need.sure;
			sum.guess += up[i].need.guess;
		}
		level = at_once >= 2 ? pf_fits(&sum, pp->probe->job_free) :
		    PF_OK;
		/* How many of the largest fit together (by what is sure, for
		   a FAIL; with the guesses, for a WARN). */
		for (fit = 0, run = 0; fit < at_once; fit++) {
			run += up[fit].need.sure + (level == PF_WARN ?
			    up[fit].need.guess : 0);
			if (run > (uint64_t)pp->probe->job_free)
				break;
		}
		if (level == PF_OK || fit == 0) {
			/* Fits, or the largest alone does not (said with
			   the VM). */
			free(up);
			continue;
		}
		list = NULL;
		for (i = 0; i < at_once; i++)
			pf_cat(&list, ", ", "%s %s", up[i].vm,
			    pf_size(up[i].need.sure + up[i].need.guess, h,
			    sizeof h));
		jd = pp->probe->job_dir != NULL ? pp->probe->job_dir :
		    "its job folder";
		pf_size(sum.sure + sum.guess, t, sizeof t);
		pf_size((uint64_t)pp->probe->job_free, f, sizeof f);
		pf_add(x, NULL, "proxy", level, "proxy '%s' runs %zu "
		    "conversions at once, and each keeps its copied files in "
		    "%s until it ends: %s %s together (%s), but it has only %s "
		    "free, enough for %zu at once: free space there, or lower "
		    "its max jobs to %zu ('virt-import proxy add %s ... "
		    "--max-jobs %zu --replace'), or put the files on the proxy "
		    "(on_proxy)",
		    pp->name, at_once, jd, level == PF_FAIL ? "that is" :
		    "that may be up to", t, list, f, fit, fit, pp->name, fit);
		free(list);
		free(up);
	}
}

/* "VM 'web01' has no disks" from the inventory's "'web01' has no disks". */
static char *
pf_problem_text(const struct vm *vm, const struct problem *p)
{
	size_t len = strlen(vm->name);
	char *text;

	if (p->text[0] == '\'' && strncmp(p->text + 1, vm->name, len) == 0 &&
	    p->text[len + 1] == '\'')
		xasprintf(&text, "VM %s", p->text);
	else
		xasprintf(&text, "VM '%s': %s", vm->name, p->text);
	return text;
}

static void
pf_check_source(struct pf_ctx *x, size_t i, const struct pf_input *in)
{
	const struct plan *plan = x->plan;
	const struct plan_item *it = &plan->items[i];
	const struct vm *vm = pf_vm(x, i);
	const char *err;
	char *text, h[32];
	size_t k;
	enum pf_level level;
	int bad = 0;

	if (vm == NULL) {
		err = x->f->vm_errors != NULL ? x->f->vm_errors[i] : NULL;
		if (err != NULL)
			pf_add(x, it->vm, "source", PF_FAIL, "VM '%s' could not "
			    "be read from the source: %s", it->vm, err);
		else
			pf_add(x, it->vm, "source", PF_FAIL, "VM '%s' was not "
			    "found in the source: check its name, or read the "
			    "source again", it->vm);
		return;
	}
	for (k = 0; k < vm->nproblems; k++) {
		switch (vm->problems[k].code) {
		case PROBLEM_UNREADABLE:
		case PROBLEM_NO_DISKS:
		case PROBLEM_UNSUPPORTED_DISK:
			level = PF_FAIL;
			break;
		case PROBLEM_SNAPSHOTS:
		case PROBLEM_DUPLICATE_NAME:
			level = PF_WARN;
			break;
		default:
			continue;	/* power and MACs have their checks */
		}
		text = pf_problem_text(vm, &vm->problems[k]);
		pf_add(x, it->vm, "source", level, "%s", text);
		free(text);
		bad = 1;
	}
	if (vm->snapshots > 0 && !vm_has_problem(vm, PROBLEM_SNAPSHOTS)) {
		pf_add(x, it->vm, "source", PF_WARN, "VM '%s' has %u "
		    "snapshot%s: only the current state is converted", it->vm,
		    vm->snapshots, vm->snapshots == 1 ? "" : "s");
		bad = 1;
	}
	if (!vm->detailed) {
		pf_add(x, it->vm, "source", PF_WARN, "VM '%s' was only listed, "
		    "its configuration was not read: its disks, NICs and "
		    "firmware are not checked", it->vm);
		bad = 1;
	}
	if (plan->source != NULL && plan->source->kind == SOURCE_EXPORT) {
		pf_add(x, it->vm, "source", PF_FAIL, "VM '%s' is in an oVirt "
		    "export domain, which virt-v2v cannot read: export it from "
		    "oVirt as an OVA and import that (ova:PATH)", it->vm);
		bad = 1;
	} else if (plan->source != NULL && plan->source->kind == SOURCE_DIR &&
	    in->token == NULL) {
		pf_add(x, it->vm, "source", PF_FAIL, "VM '%s' comes from %s, "
		    "which is not an .ova, .ovf, .vmx or libvirt .xml file "
		    "virt-v2v reads: read the folder again", it->vm,
		    vm->origin != NULL ? vm->origin : "no file of the folder");
		bad = 1;
	} else if (in->upload == -1) {
		pf_add(x, it->vm, "source", PF_FAIL, "VM '%s' comes from "
		    "%s%s%s, which virt-import cannot copy to a proxy (it "
		    "copies OVA files and libvirt XML with disks): put the "
		    "files on the proxy and mark the plan's source as being "
		    "there (on_proxy)", it->vm, plan->source->location,
		    vm->origin != NULL ? "/" : "",
		    vm->origin != NULL ? vm->origin : "");
		bad = 1;
	}
	if (!bad)
		pf_add(x, it->vm, "source", PF_OK, "VM '%s': %zu disk%s (%s), "
		    "%zu NIC%s", it->vm, vm->ndisks, vm->ndisks == 1 ? "" : "s",
		    pf_size(vm_capacity(vm), h, sizeof h), vm->nnics,
		    vm->nnics == 1 ? "" : "s");
}

static void
pf_check_power(struct pf_ctx *x, size_t i, const struct pf_input *in)
{
	const char *name = x->plan->items[i].vm;
	const struct vm *vm = pf_vm(x, i);

	if (vm == NULL)
		return;
	switch (vm->power) {
	case VM_POWER_OFF:
		pf_add(x, name, "power", PF_OK, "VM '%s' is shut off", name);
		break;
	case VM_POWER_RUNNING:
		pf_add(x, name, "power", PF_FAIL, "VM '%s' is running: shut it "
		    "down in the source, then start the import again", name);
		break;
	case VM_POWER_PAUSED:
		pf_add(x, name, "power", PF_FAIL, "VM '%s' is paused: shut it "
		    "down in the source (a paused VM's disks are not "
		    "consistent), then start the import again", name);
		break;
	case VM_POWER_SUSPENDED:
		pf_add(x, name, "power", PF_FAIL, "VM '%s' is suspended: "
		    "resume it and shut it down in the source (its saved "
		    "memory is not converted), then start the import again",
		    name);
		break;
	case VM_POWER_UNKNOWN:
		if (in->ova)
			pf_add(x, name, "power", PF_OK, "VM '%s' is an "
			    "exported copy: nothing to shut down", name);
		else
			pf_add(x, name, "power", PF_WARN, "the power state of "
			    "VM '%s' is unknown: make sure it is shut off in "
			    "the source before the import starts (the disks of "
			    "a running VM change while they are copied)", name);
		break;
	}
}

static void
pf_check_name(struct pf_ctx *x, size_t i)
{
	const struct plan *plan = x->plan;
	const struct plan_item *it = &plan->items[i], *other;
	const struct pf_store *store;
	const char *t = it->target;
	char *cause = NULL;
	size_t j;
	int bad = 0;

	if (t == NULL || name_valid("target name", t, &cause) != 0) {
		pf_add(x, it->vm, "name", PF_FAIL, "VM '%s': %s", it->vm,
		    cause != NULL ? cause : "it has no target name: give it "
		    "one");
		free(cause);
		return;
	}
	for (j = 0; j < plan->nitems; j++) {
		other = &plan->items[j];
		if (j == i || other->target == NULL ||
		    !pf_name_eq(plan, t, other->target))
			continue;
		pf_add(x, it->vm, "name", PF_FAIL, "VMs '%s' and '%s' would "
		    "both be imported as '%s'%s: give one of them another "
		    "target name", it->vm, other->vm, t,
		    strcmp(t, other->target) != 0 ? " (oVirt ignores case)" :
		    "");
		bad = 1;
		break;
	}
	if (!pf_dest_reached(x)) {
		if (!bad)
			pf_add(x, it->vm, "name", PF_OK, "VM '%s' becomes '%s' "
			    "(unique in this import; not checked at the "
			    "destination)", it->vm, t);
		return;
	}
	for (j = 0; j < x->dest->nnames; j++) {
		if (!pf_name_eq(plan, t, x->dest->names[j]))
			continue;
		pf_add(x, it->vm, "name", PF_FAIL, "VM '%s': a VM named '%s' "
		    "already exists at %s: choose another target name, or "
		    "remove the old VM%s", it->vm, x->dest->names[j],
		    pf_where(plan), plan->dest.kind == OUTPUT_LIBVIRT ?
		    " (virsh undefine)" : "");
		bad = 1;
		break;
	}
	store = pf_store_find(x, plan_item_storage(plan, it, 0));
	for (j = 0; store != NULL && j < store->nnames; j++) {
		if (strcmp(t, store->names[j]) != 0)
			continue;
		pf_add(x, it->vm, "name", PF_FAIL, "VM '%s': %s '%s' already "
		    "holds files of a VM named '%s' (%s.xml or %s-sd*), which "
		    "virt-v2v would overwrite: choose another target name, or "
		    "remove them if an earlier import left them", it->vm,
		    pf_storage_word(plan), store->name, t, t, t);
		bad = 1;
		break;
	}
	if (!bad)
		pf_add(x, it->vm, "name", PF_OK, "VM '%s' becomes '%s'", it->vm,
		    t);
}

static const struct nicmap *
pf_nicmap(const struct plan_item *it, const char *mac)
{
	size_t k;

	if (mac[0] == '\0')
		return NULL;
	for (k = 0; k < it->nnics; k++) {
		if (strcasecmp(it->nics[k].mac, mac) == 0)
			return &it->nics[k];
	}
	return NULL;
}

static void
pf_check_network(struct pf_ctx *x, size_t i)
{
	const struct plan *plan = x->plan;
	const struct plan_item *it = &plan->items[i];
	const struct vm *vm = pf_vm_detailed(x, i);
	const struct nicmap *nm;
	const struct netmap *m;
	const struct nic *nic;
	char *ok = NULL, label[40];
	const char *to, *how;
	size_t k, j;
	int bad = 0;

	if (vm == NULL)
		return;
	for (k = 0; k < vm->nnics; k++) {
		nic = &vm->nics[k];
		if (nic->mac[0] != '\0')
			snprintf(label, sizeof label, "NIC %s", nic->mac);
		else
			snprintf(label, sizeof label, "NIC %zu (no MAC)",
			    k + 1);
		to = NULL;
		how = "";
		if ((nm = pf_nicmap(it, nic->mac)) != NULL && nm->to != NULL) {
			to = nm->to;
			how = " (by MAC)";
		} else if (nic->network != NULL && (m = plan_network_for(plan,
		    it, nic->network)) != NULL)
			to = m->to;
		else if (plan->default_network != NULL) {
			to = plan->default_network;
			how = " (default)";
		}
		if (to == NULL && nic->network == NULL) {
			pf_add(x, it->vm, "network", PF_FAIL, "VM '%s' has %s "
			    "on no source network, which no mapping can name: "
			    "map it by its MAC or set a default network",
			    it->vm, label);
			bad = 1;
		} else if (to == NULL) {
			pf_add(x, it->vm, "network", PF_FAIL, "VM '%s' has %s "
			    "on %s '%s', which the plan does not map: add a "
			    "mapping for '%s' or set a default network", it->vm,
			    label, nic->kind == NIC_BRIDGE ? "bridge" :
			    "network", nic->network, nic->network);
			bad = 1;
		} else
			pf_cat(&ok, ", ", "%s '%s' -> '%s'%s", label,
			    nic->network != NULL ? nic->network : "", to, how);
	}
	/* A mapping by MAC for a NIC the VM does not have is a typo. */
	for (j = 0; j < it->nnics; j++) {
		for (k = 0; k < vm->nnics; k++) {
			if (strcasecmp(vm->nics[k].mac, it->nics[j].mac) == 0)
				break;
		}
		if (k < vm->nnics)
			continue;
		pf_add(x, it->vm, "network", PF_FAIL, "VM '%s' has no NIC with "
		    "MAC %s, which the plan maps: correct the MAC or remove "
		    "that mapping", it->vm, it->nics[j].mac);
		bad = 1;
	}
	if (!bad)
		pf_add(x, it->vm, "network", PF_OK, "VM '%s': %s", it->vm,
		    ok != NULL ? ok : "no NICs");
	free(ok);
}

/* Whether MAC is on another NIC of this import; *who says whose. */
static int
pf_mac_shared(const struct pf_ctx *x, size_t i, size_t k, const char **who)
{
	const struct vm *vm = pf_vm_detailed(x, i), *other;
	const char *mac = vm->nics[k].mac;
	size_t j, l;

	for (l = 0; l < vm->nnics; l++) {
		if (l != k && strcmp(vm->nics[l].mac, mac) == 0) {
			*who = NULL;
			return 1;
		}
	}
	for (j = 0; j < x->plan->nitems; j++) {
		if (j == i || (other = pf_vm_detailed(x, j)) == NULL)
			continue;
		for (l = 0; l < other->nnics; l++) {
			if (strcmp(other->nics[l].mac, mac) == 0) {
				*who = x->plan->items[j].vm;
				return 1;
			}
		}
	}
	return 0;
}

static void
pf_check_mac(struct pf_ctx *x, size_t i)
{
	const struct plan_item *it = &x->plan->items[i];
	const struct vm *vm = pf_vm_detailed(x, i);
	const struct problem *p;
	const char *who, *mac;
	char *text;
	size_t k, l;
	int bad = 0, seen;

	if (vm == NULL)
		return;
	for (k = 0; k < vm->nnics; k++) {
		mac = vm->nics[k].mac;
		if (mac[0] == '\0' || !pf_mac_shared(x, i, k, &who))
			continue;
		/* Two NICs of one VM: say it once, at the second. */
		for (l = 0, seen = 0; l < k; l++)
			seen |= strcmp(vm->nics[l].mac, mac) == 0;
		if (seen)
			continue;
		if (who == NULL)
			pf_add(x, it->vm, "mac", PF_FAIL, "VM '%s' has two "
			    "NICs with MAC %s: both would reach the "
			    "destination's network with one address: change "
			    "the MAC of one in the source, or remove that NIC",
			    it->vm, mac);
		else
			pf_add(x, it->vm, "mac", PF_FAIL, "VM '%s' has NIC %s, "
			    "and so does VM '%s' of this import: both would "
			    "reach the destination's network with one address: "
			    "change the MAC in the source, or remove that NIC",
			    it->vm, mac, who);
		bad = 1;
	}
	/* Shared with a VM of the source that stays where it is. */
	for (k = 0; k < vm->nproblems; k++) {
		p = &vm->problems[k];
		if (p->code != PROBLEM_DUPLICATE_MAC)
			continue;
		for (l = 0; l < vm->nnics; l++) {
			if (vm->nics[l].mac[0] != '\0' &&
			    strstr(p->text, vm->nics[l].mac) != NULL)
				break;
		}
		if (l < vm->nnics && pf_mac_shared(x, i, l, &who))
			continue;	/* failed above */
		text = pf_problem_text(vm, p);
		pf_add(x, it->vm, "mac", PF_WARN, "%s (that VM is not in this "
		    "import: the clash matters if both run on one network)",
		    text);
		free(text);
		bad = 1;
	}
	if (!bad)
		pf_add(x, it->vm, "mac", PF_OK, "VM '%s': no MAC is shared",
		    it->vm);
}

static void
pf_check_storage(struct pf_ctx *x, size_t i)
{
	const struct plan *plan = x->plan;
	const struct plan_item *it = &plan->items[i];
	const struct vm *vm = pf_vm_detailed(x, i);
	const char *word = pf_storage_word(plan), *first, *s;
	size_t k, n = vm != NULL && vm->ndisks > 0 ? vm->ndisks : 1;
	int bad = 0;

	first = plan_item_storage(plan, it, 0);
	for (k = 0; k < n; k++) {
		s = plan_item_storage(plan, it, k);
		if (s == NULL || *s == '\0') {
			pf_add(x, it->vm, "storage", PF_FAIL, "VM '%s': disk "
			    "%zu has no %s to go to: choose one for the VM or "
			    "for the whole destination", it->vm, k + 1, word);
			bad = 1;
		} else if (k > 0 && first != NULL && *first != '\0' &&
		    strcmp(s, first) != 0) {
			pf_add(x, it->vm, "storage", PF_FAIL, "VM '%s': disk 1 "
			    "goes to '%s' and disk %zu to '%s', but virt-v2v "
			    "writes all disks of a VM to one %s: choose the "
			    "same one for every disk", it->vm, first, k + 1, s,
			    word);
			bad = 1;
		}
	}
	if (it->format != DISK_FORMAT_RAW && it->format != DISK_FORMAT_QCOW2) {
		pf_add(x, it->vm, "storage", PF_FAIL, "VM '%s': virt-v2v "
		    "writes raw or qcow2 disks, not %s: choose raw or qcow2",
		    it->vm, disk_format_name(it->format));
		bad = 1;
	} else if (plan->dest.kind == OUTPUT_OVIRT_UPLOAD &&
	    it->format != DISK_FORMAT_RAW) {
		pf_add(x, it->vm, "storage", PF_FAIL, "VM '%s': oVirt upload "
		    "takes raw disks only: choose raw (oVirt makes them thin "
		    "itself)", it->vm);
		bad = 1;
	}
	if (plan->dest.kind == OUTPUT_OVIRT_UPLOAD &&
	    it->alloc == DISK_ALLOC_PREALLOCATED) {
		pf_add(x, it->vm, "storage", PF_FAIL, "VM '%s': oVirt upload "
		    "creates sparse disks only: choose sparse, or preallocate "
		    "in oVirt afterwards", it->vm);
		bad = 1;
	}
	if (!bad)
		pf_add(x, it->vm, "storage", PF_OK, "VM '%s': %s to %s '%s' "
		    "(%s, %s)", it->vm, n == 1 ? "its disk" : "all disks", word,
		    first, disk_format_name(it->format),
		    it->alloc == DISK_ALLOC_PREALLOCATED ? "preallocated" :
		    "sparse");
}

static void
pf_check_firmware(struct pf_ctx *x, size_t i)
{
	const struct plan *plan = x->plan;
	const char *name = plan->items[i].vm;
	const struct vm *vm = pf_vm_detailed(x, i);
	const char *note;

	if (vm == NULL)
		return;
	if (vm->firmware != VM_FIRMWARE_UEFI) {
		pf_add(x, name, "firmware", PF_OK, "VM '%s': %s", name,
		    vm->firmware == VM_FIRMWARE_BIOS ? "BIOS" : "firmware not "
		    "stated: virt-v2v finds it in the guest");
		return;
	}
	if (pf_ovirt(plan)) {
		pf_add(x, name, "firmware", PF_WARN, "VM '%s' boots with UEFI: "
		    "its oVirt cluster must support UEFI (Q35 chipset with "
		    "UEFI): check the cluster before the import", name);
		return;
	}
	/* The facts are about x86 firmware (OVMF); others are not known. */
	if (vm->arch != NULL && strcmp(vm->arch, "x86_64") != 0 &&
	    strcmp(vm->arch, "i686") != 0) {
		pf_add(x, name, "firmware", PF_WARN, "VM '%s' boots with UEFI "
		    "on %s: make sure the proxy and the destination have UEFI "
		    "firmware for %s (for aarch64: AAVMF)", name, vm->arch,
		    vm->arch);
		return;
	}
	note = pf_dest_reached(x) && x->dest->uefi_note != NULL ?
	    x->dest->uefi_note : NULL;
	if (!pf_dest_reached(x) || x->dest->uefi < 0)
		pf_add(x, name, "firmware", PF_WARN, "VM '%s' boots with UEFI, "
		    "and whether the proxy and the destination can boot UEFI "
		    "guests is unknown%s%s: make sure ovmf is installed on "
		    "both", name, note != NULL ? ": " : "",
		    note != NULL ? note : "");
	else if (x->dest->uefi == 0)
		pf_add(x, name, "firmware", PF_FAIL, "VM '%s' boots with UEFI, "
		    "but %s: install ovmf on the proxy (virt-v2v looks for "
		    "OVMF there) and on the destination host", name,
		    note != NULL ? note : "UEFI firmware is missing");
	else
		pf_add(x, name, "firmware", PF_OK, "VM '%s': UEFI (%s)", name,
		    note != NULL ? note : "supported");
}

/* The output capability virt-v2v needs; alt is a newer release's name. */
static const char *
pf_output_token(enum output_kind kind, const char **alt, const char **what)
{
	*alt = NULL;
	switch (kind) {
	case OUTPUT_LOCAL:
		*what = "local disk images";
		return "output:local";
	case OUTPUT_LIBVIRT:
		*what = "a libvirt host";
		return "output:libvirt";
	case OUTPUT_OVIRT_UPLOAD:
		*what = "oVirt by upload";
		*alt = "output:ovirt-upload";
		return "output:rhv-upload";
	case OUTPUT_OVIRT_EXPORT:
		*what = "an oVirt export domain";
		return "output:rhv";
	}
	*what = "this destination";
	return "output:local";
}

/*
 * Whether proxy p can run the item: the level, and in *text what it found
 * or what to fix there (without the proxy's name).
 */
static enum pf_level
pf_proxy_eval(struct pf_ctx *x, const struct plan_item *it,
    const struct pf_proxy *p, const struct pf_input *in, char **text)
{
	const struct plan *plan = x->plan;
	const struct probe *pr = p->probe;
	const char *out, *alt, *what, *os, *jd;
	char *fail = NULL, *warn = NULL, f[32], t[32];
	enum pf_level fits;

	*text = NULL;
	if (pr == NULL) {
		xasprintf(text, "cannot be reached: %s", p->error != NULL ?
		    p->error : "it was not probed");
		return PF_FAIL;
	}
	if (pr->version == NULL)
		pf_cat(&fail, "; ", "virt-v2v is not installed: install it");
	else {
		if (in->token != NULL && !probe_has(pr, in->token))
			pf_cat(&fail, "; ", "its virt-v2v cannot read %s (no "
			    "%s): install a newer virt-v2v", in->what,
			    in->token);
		if (in->vmware && !probe_has(pr, "vcenter-https"))
			pf_cat(&fail, "; ", "its virt-v2v cannot read VMware "
			    "over HTTPS (no vcenter-https): install a newer "
			    "virt-v2v");
		if (in->xen && !probe_has(pr, "xen-ssh"))
			pf_cat(&fail, "; ", "its virt-v2v cannot read Xen over "
			    "SSH (no xen-ssh): install a newer virt-v2v");
		out = pf_output_token(plan->dest.kind, &alt, &what);
		if (!probe_has(pr, out) && (alt == NULL || !probe_has(pr, alt)))
			pf_cat(&fail, "; ", "its virt-v2v cannot write to %s "
			    "(no %s): install a newer virt-v2v", what, out);
		/* Removed upstream in 2026: older and newer ones lack it. */
		if ((it->bandwidth != 0 || plan->bandwidth != 0) &&
		    !probe_has(pr, "bandwidth-option"))
			pf_cat(&fail, "; ", "its virt-v2v has no --bandwidth "
			    "(no bandwidth-option): remove the bandwidth limit "
			    "from the plan, or use a virt-v2v that has it");
	}
	if (in->vmware && pr->curl_plugin == 0)
		pf_cat(&fail, "; ", "nbdkit's curl plugin is missing: install "
		    "nbdkit-plugin-curl (virt-v2v reads VMware disks over "
		    "HTTPS with it)");
	if (pr->nbdcopy == NULL)
		pf_cat(&fail, "; ", "nbdcopy is missing: install libnbd-bin "
		    "(without it every conversion fails when the copy starts)");
	if (pr->nbdkit == NULL)
		pf_cat(&fail, "; ", "nbdkit is missing: install nbdkit");
	os = plan_item_storage(plan, it, 0);
	if (plan->dest.kind == OUTPUT_OVIRT_EXPORT && pr->uid > 0 &&
	    os != NULL && strstr(os, ":/") != NULL)
		pf_cat(&fail, "; ", "virt-v2v mounts the export domain %s "
		    "itself, which needs root, but it would run as uid %ld: "
		    "log in to the proxy as root", os, pr->uid);

	if (pr->tmp_free < 0)
		pf_cat(&warn, "; ", "the free space in its temporary folder %s "
		    "is unknown", pr->tmp_dir != NULL ? pr->tmp_dir : "");
	else if (pr->tmp_free < PROBE_TMP_MIN)
		pf_cat(&warn, "; ", "only %s free in %s: virt-v2v needs about "
		    "2 GiB there: free some space there, or point "
		    "VIRT_V2V_TMPDIR at a bigger folder ('virt-import proxy "
		    "add ... --env VIRT_V2V_TMPDIR=DIR --replace')",
		    pf_size((uint64_t)pr->tmp_free, f, sizeof f),
		    pr->tmp_dir != NULL ? pr->tmp_dir : "its temporary folder");

	jd = pr->job_dir != NULL ? pr->job_dir : "its job folder";
	if (in->upload == 1) {
		pf_size(in->up.sure + in->up.guess, t, sizeof t);
		fits = pf_fits(&in->up, pr->job_free);
		if (pr->job_free < 0)
			pf_cat(&warn, "; ", "the free space in %s is unknown, "
			    "so the upload of about %s is not checked", jd, t);
		else if (fits != PF_OK) {
			pf_size((uint64_t)pr->job_free, f, sizeof f);
			pf_cat(fits == PF_FAIL ? &fail : &warn, "; ", "the "
			    "VM's files (%s%s) are copied to %s first, which "
			    "has only %s free: free space there, or put the "
			    "files on the proxy and mark the plan's source as "
			    "being there (on_proxy)",
			    fits == PF_FAIL ? "" : "up to ", t, jd, f);
		} else if (in->up.unknown)
			pf_cat(&warn, "; ", "the size of the VM's files, "
			    "copied to %s first, is unknown", jd);
	}

	if (fail != NULL) {
		*text = fail;
		free(warn);
		return PF_FAIL;
	}
	if (warn != NULL) {
		*text = warn;
		return PF_WARN;
	}
	xasprintf(text, "virt-v2v %s%s%s", pr->version, in->upload == 1 ?
	    ", files copied to " : "", in->upload == 1 ? jd : "");
	return PF_OK;
}

static void
pf_check_proxy(struct pf_ctx *x, size_t i, const struct pf_input *in)
{
	const struct plan *plan = x->plan;
	const struct plan_item *it = &plan->items[i];
	const char *name = it->proxy != NULL ? it->proxy : plan->proxy;
	enum pf_level level, best = PF_FAIL;
	char *text, *good = NULL, *bad = NULL;
	size_t k;

	if (name == NULL) {
		pf_add(x, it->vm, "proxy", PF_FAIL, "VM '%s': no proxy is "
		    "chosen: set the plan's proxy (a proxy's name, or 'any')",
		    it->vm);
		return;
	}
	if (strcmp(name, "any") != 0) {
		for (k = 0; k < x->f->nproxies; k++) {
			if (str_eq(x->f->proxies[k].name, name))
				break;
		}
		if (k == x->f->nproxies) {
			pf_add(x, it->vm, "proxy", PF_FAIL, "VM '%s': proxy "
			    "'%s' was not looked at: check that it is a saved "
			    "proxy (virt-import proxy list)", it->vm, name);
			return;
		}
		level = pf_proxy_eval(x, it, &x->f->proxies[k], in, &text);
		pf_add(x, it->vm, "proxy", level, "VM '%s' on proxy '%s': %s",
		    it->vm, name, text);
		free(text);
		return;
	}

	/* Any proxy will do: it passes when one can run it. */
	if (x->f->nproxies == 0) {
		pf_add(x, it->vm, "proxy", PF_FAIL, "VM '%s': the plan says "
		    "any proxy, but there is none: add one (virt-import proxy "
		    "add)", it->vm);
		return;
	}
	for (k = 0; k < x->f->nproxies; k++) {
		level = pf_proxy_eval(x, it, &x->f->proxies[k], in, &text);
		if (level == PF_FAIL)
			pf_cat(&bad, "; ", "'%s': %s", x->f->proxies[k].name,
			    text);
		else if (level == PF_WARN)
			pf_cat(&good, "; ", "'%s' (%s)", x->f->proxies[k].name,
			    text);
		else
			pf_cat(&good, "; ", "'%s'", x->f->proxies[k].name);
		if (level < best)
			best = level;
		free(text);
	}
	if (best == PF_FAIL)
		pf_add(x, it->vm, "proxy", PF_FAIL, "VM '%s': no proxy can "
		    "convert it: %s", it->vm, bad);
	else
		pf_add(x, it->vm, "proxy", best, "VM '%s' can run on proxy "
		    "%s%s%s", it->vm, good, bad != NULL ? "; not on " : "",
		    bad != NULL ? bad : "");
	free(good);
	free(bad);
}

/*
 * Judge a plan on the facts: *n results, plan-wide first, then each item
 * in plan order, its checks in a fixed order.  facts->vms and
 * facts->vm_errors have one entry per plan item.
 */
struct pf_result *
preflight_judge(const struct plan *plan, const struct pf_facts *facts,
    size_t *n)
{
	struct pf_ctx x;
	struct pf_input in;
	size_t i;

	memset(&x, 0, sizeof x);
	x.plan = plan;
	x.f = facts;
	x.dest = facts->dest;

	pf_check_plan(&x);
	pf_check_credentials(&x);
	pf_check_destination(&x);
	pf_check_storages(&x);
	pf_check_uploads(&x);
	for (i = 0; i < plan->nitems; i++) {
		pf_input(plan, pf_vm(&x, i), &in);
		pf_check_source(&x, i, &in);
		pf_check_power(&x, i, &in);
		pf_check_name(&x, i);
		pf_check_network(&x, i);
		pf_check_mac(&x, i);
		pf_check_storage(&x, i);
		pf_check_firmware(&x, i);
		pf_check_proxy(&x, i, &in);
	}
	*n = x.n;
	return x.r;
}
