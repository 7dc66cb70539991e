/*
 * plan.c: what to import, where to, and how.  The console builds a plan in
 * its forms; the command line reads one from a file; both run the same one.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

struct plan *
plan_new(void)
{
	struct plan *plan;

	plan = xcalloc(1, sizeof *plan);
	plan->dest.kind = OUTPUT_LOCAL;
	plan->format = DISK_FORMAT_RAW;
	plan->alloc = DISK_ALLOC_SPARSE;
	return plan;
}

static void
netmaps_free(struct netmap *maps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(maps[i].from);
		free(maps[i].to);
	}
	free(maps);
}

static void
plan_item_clear(struct plan_item *it)
{
	size_t j;

	free(it->vm);
	free(it->target);
	free(it->proxy);
	free(it->storage);
	for (j = 0; j < it->ndisk_storage; j++)
		free(it->disk_storage[j]);
	free(it->disk_storage);
	netmaps_free(it->netmaps, it->nnetmaps);
	for (j = 0; j < it->nnics; j++) {
		free(it->nics[j].to);
		free(it->nics[j].ip);
	}
	free(it->nics);
}

/* Take item i out of the plan; the others keep their order. */
void
plan_remove(struct plan *plan, size_t i)
{
	if (i >= plan->nitems)
		return;
	plan_item_clear(&plan->items[i]);
	memmove(&plan->items[i], &plan->items[i + 1],
	    (plan->nitems - i - 1) * sizeof *plan->items);
	plan->nitems--;
}

void
plan_free(struct plan *plan)
{
	size_t i;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->nitems; i++)
		plan_item_clear(&plan->items[i]);
	free(plan->items);
	netmaps_free(plan->netmaps, plan->nnetmaps);
	source_free(plan->source);
	free(plan->proxy);
	free(plan->default_network);
	free(plan->dest.uri);
	free(plan->dest.storage);
	free(plan->dest.cluster);
	free(plan->dest.ca_file);
	free(plan->dest.password_file);
	free(plan);
}

/*
 * Add a source VM to the plan with the plan's defaults.  A VM is in a plan
 * once: importing it twice in one batch would race for one target name.
 * The returned item stays valid until the next plan_add().
 */
struct plan_item *
plan_add(struct plan *plan, const char *vm, char **cause)
{
	struct plan_item *it;

	if (plan_find(plan, vm) != NULL) {
		cause_set(cause, "VM '%s' is already in the plan: edit its "
		    "entry instead of adding it again", vm);
		return NULL;
	}
	plan->items = xappend(plan->items, &plan->nitems, sizeof *plan->items);
	it = &plan->items[plan->nitems - 1];
	it->vm = xstrdup(vm);
	it->target = xstrdup(vm);
	it->format = plan->format;
	it->alloc = plan->alloc;
	return it;
}

struct plan_item *
plan_find(struct plan *plan, const char *vm)
{
	size_t i;

	for (i = 0; i < plan->nitems; i++) {
		if (strcmp(plan->items[i].vm, vm) == 0)
			return &plan->items[i];
	}
	return NULL;
}

/* Map source network `from` to `to`, replacing an earlier mapping. */
void
plan_map(struct netmap **maps, size_t *n, const char *from, const char *to,
    enum nic_kind kind)
{
	struct netmap *m = NULL;
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*maps)[i].from, from) == 0) {
			m = &(*maps)[i];
			free(m->to);
			break;
		}
	}
	if (m == NULL) {
		*maps = xappend(*maps, n, sizeof **maps);
		m = &(*maps)[*n - 1];
		m->from = xstrdup(from);
	}
	m->to = xstrdup(to);
	m->to_kind = kind;
}

static const struct netmap *
netmap_find(const struct netmap *maps, size_t n, const char *from)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(maps[i].from, from) == 0)
			return &maps[i];
	}
	return NULL;
}

/*
 * Where a source network goes for this item: the item's own mapping wins
 * over the plan's.  NULL means unmapped: then plan->default_network applies
 * if set, and pre-flight refuses the item if not.
 */
const struct netmap *
plan_network_for(const struct plan *plan, const struct plan_item *it,
    const char *from)
{
	const struct netmap *m = NULL;

	if (it != NULL)
		m = netmap_find(it->netmaps, it->nnetmaps, from);
	if (m == NULL)
		m = netmap_find(plan->netmaps, plan->nnetmaps, from);
	return m;
}

/* The seed flow's "add locked": a VM being converted is not touched. */
int
plan_lock(struct plan_item *it, char **cause)
{
	if (it->locked) {
		cause_set(cause, "VM '%s' is locked by a running import: wait "
		    "for it to finish or cancel it", it->vm);
		return -1;
	}
	it->locked = 1;
	return 0;
}

void
plan_unlock(struct plan_item *it)
{
	it->locked = 0;
}

const char *
output_kind_name(enum output_kind k)
{
	switch (k) {
	case OUTPUT_LOCAL:
		return "local";
	case OUTPUT_LIBVIRT:
		return "libvirt";
	case OUTPUT_OVIRT_UPLOAD:
		return "ovirt-upload";
	case OUTPUT_OVIRT_EXPORT:
		return "ovirt-export";
	}
	return "unknown";
}

int
output_kind_parse(const char *s, enum output_kind *out)
{
	static const enum output_kind kinds[] = { OUTPUT_LOCAL,
	    OUTPUT_LIBVIRT, OUTPUT_OVIRT_UPLOAD, OUTPUT_OVIRT_EXPORT };
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		if (strcmp(s, output_kind_name(kinds[i])) == 0) {
			*out = kinds[i];
			return 0;
		}
	}
	return -1;
}

/*
 * The storage disk i (source order) of an item goes to: its own entry,
 * else the item's, else the destination's.
 */
const char *
plan_item_storage(const struct plan *plan, const struct plan_item *it,
    size_t i)
{
	if (i < it->ndisk_storage && it->disk_storage[i] != NULL)
		return it->disk_storage[i];
	if (it->storage != NULL)
		return it->storage;
	return plan->dest.storage;
}
