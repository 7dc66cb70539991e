/*
 * inventory.c: the VMs one source holds, and the checks that need all of
 * them at once.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"

struct inventory *
inventory_new(void)
{
	return xcalloc(1, sizeof(struct inventory));
}

void
inventory_free(struct inventory *inv)
{
	size_t i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nvms; i++)
		vm_free(inv->vms[i]);
	free(inv->vms);
	free(inv);
}

/* Take ownership of vm and return it. */
struct vm *
inventory_add(struct inventory *inv, struct vm *vm)
{
	inv->vms = xappend(inv->vms, &inv->nvms, sizeof *inv->vms);
	inv->vms[inv->nvms - 1] = vm;
	return vm;
}

struct vm *
inventory_find(const struct inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++) {
		if (strcmp(inv->vms[i]->name, name) == 0)
			return inv->vms[i];
	}
	return NULL;
}

struct mac_ref {
	const char	*mac;
	struct vm	*vm;
};

static int
mac_ref_cmp(const void *a, const void *b)
{
	const struct mac_ref *x = a, *y = b;

	return strcmp(x->mac, y->mac);
}

static void
flag_duplicate(struct vm *vm, const char *mac, const struct vm *other)
{
	size_t i;

	/* One problem per MAC, however many VMs share it. */
	for (i = 0; i < vm->nproblems; i++) {
		if (vm->problems[i].code == PROBLEM_DUPLICATE_MAC &&
		    strstr(vm->problems[i].text, mac) != NULL)
			return;
	}
	vm_add_problem(vm, PROBLEM_DUPLICATE_MAC,
	    "MAC %s is also used by '%s': give one of them a new MAC in the "
	    "plan, or the two will clash on the destination network", mac,
	    other->name);
}

/*
 * Flag every VM that has a MAC another VM (or another NIC of the same VM)
 * also has: copied as they are, both would end up on one network with one
 * address.  Sorting makes this O(n log n) over all NICs of the inventory.
 * Returns the number of NICs involved.
 */
size_t
inventory_check_macs(struct inventory *inv)
{
	struct mac_ref *refs = NULL;
	size_t i, j, n = 0, flagged = 0;

	for (i = 0; i < inv->nvms; i++) {
		for (j = 0; j < inv->vms[i]->nnics; j++) {
			if (inv->vms[i]->nics[j].mac[0] == '\0')
				continue;
			refs = xappend(refs, &n, sizeof *refs);
			refs[n - 1].mac = inv->vms[i]->nics[j].mac;
			refs[n - 1].vm = inv->vms[i];
		}
	}
	if (n > 1)
		qsort(refs, n, sizeof *refs, mac_ref_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(refs[i].mac, refs[j].mac) == 0;
		    j++)
			;
		if (j - i < 2)
			continue;
		flagged += j - i;
		for (size_t k = i; k < j; k++) {
			const struct vm *other = refs[k == i ? i + 1 : i].vm;
			flag_duplicate(refs[k].vm, refs[k].mac, other);
		}
	}
	free(refs);
	return flagged;
}

static int
vm_name_cmp(const void *a, const void *b)
{
	const struct vm *x = *(struct vm *const *)a, *y = *(struct vm *const *)b;
	int c;

	/* Case-insensitive first, bytes to break ties: a stable order. */
	if ((c = strcasecmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

/* Order the VMs by name, whatever order the source listed them in. */
void
inventory_sort(struct inventory *inv)
{
	if (inv->nvms > 1)
		qsort(inv->vms, inv->nvms, sizeof *inv->vms, vm_name_cmp);
}

/*
 * Flag VMs that share a name with another VM of the same source (a folder
 * can hold web01 as an OVA and as a .vmx): imported as they are, both would
 * claim one name at the destination.  Returns the number of VMs flagged.
 */
size_t
inventory_check_names(struct inventory *inv)
{
	size_t i, j, flagged = 0;
	struct vm *vm, *other;

	inventory_sort(inv);
	for (i = 0; i < inv->nvms; i = j) {
		for (j = i + 1; j < inv->nvms &&
		    strcmp(inv->vms[i]->name, inv->vms[j]->name) == 0; j++)
			;
		if (j - i < 2)
			continue;
		for (size_t k = i; k < j; k++) {
			vm = inv->vms[k];
			other = inv->vms[k == i ? i + 1 : i];
			if (vm_has_problem(vm, PROBLEM_DUPLICATE_NAME))
				continue;
			vm_add_problem(vm, PROBLEM_DUPLICATE_NAME, "'%s' is also "
			    "the name of the VM in %s: give one of them a new "
			    "name in the plan", vm->name, other->origin != NULL ?
			    other->origin : "another file");
			flagged++;
		}
	}
	return flagged;
}
