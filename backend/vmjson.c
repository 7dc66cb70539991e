/*
 * vmjson.c: the JSON form of VMs and inventories that `virt-import list
 * --json` and `inspect --json` print.  Scripts depend on it: fields are only
 * ever added, never renamed or retyped, and "version" changes when that
 * promise must be broken.  docs/json.md describes every field.
 */
#include <json-c/json.h>

#include "backend.h"

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static struct json_object *
u64_or_null(uint64_t v)
{
	/* 0 means unknown in the model; JSON says so with null. */
	return v != 0 ? json_object_new_int64((int64_t)v) : NULL;
}

static struct json_object *
vmjson_disk(const struct disk *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "path", str_or_null(d->path));
	json_object_object_add(o, "datastore", str_or_null(d->datastore));
	json_object_object_add(o, "target", str_or_null(d->target));
	json_object_object_add(o, "bus", str_or_null(d->bus));
	json_object_object_add(o, "format",
	    json_object_new_string(disk_format_name(d->format)));
	json_object_object_add(o, "capacity_bytes", u64_or_null(d->capacity));
	json_object_object_add(o, "allocation_bytes",
	    u64_or_null(d->allocation));
	return o;
}

static struct json_object *
vmjson_nic(const struct nic *n)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "mac", n->mac[0] != '\0' ?
	    json_object_new_string(n->mac) : NULL);
	json_object_object_add(o, "kind", json_object_new_string(
	    n->kind == NIC_NETWORK ? "network" : "bridge"));
	json_object_object_add(o, "network", str_or_null(n->network));
	json_object_object_add(o, "model", str_or_null(n->model));
	return o;
}

struct json_object *
vmjson_vm(const struct vm *vm)
{
	struct json_object *o = json_object_new_object(), *a, *p;
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(vm->name));
	json_object_object_add(o, "uuid", vm->uuid[0] != '\0' ?
	    json_object_new_string(vm->uuid) : NULL);
	json_object_object_add(o, "power",
	    json_object_new_string(vm_power_token(vm->power)));
	json_object_object_add(o, "detailed",
	    json_object_new_boolean(vm->detailed));
	json_object_object_add(o, "memory_bytes", u64_or_null(vm->memory));
	json_object_object_add(o, "vcpus", vm->vcpus != 0 ?
	    json_object_new_int((int)vm->vcpus) : NULL);
	json_object_object_add(o, "firmware",
	    json_object_new_string(vm_firmware_name(vm->firmware)));
	json_object_object_add(o, "arch", str_or_null(vm->arch));
	json_object_object_add(o, "os", str_or_null(vm->os));
	json_object_object_add(o, "origin", str_or_null(vm->origin));
	json_object_object_add(o, "snapshots",
	    json_object_new_int((int)vm->snapshots));
	json_object_object_add(o, "capacity_bytes",
	    u64_or_null(vm_capacity(vm)));

	a = json_object_new_array();
	for (i = 0; i < vm->ndisks; i++)
		json_object_array_add(a, vmjson_disk(&vm->disks[i]));
	json_object_object_add(o, "disks", a);
	a = json_object_new_array();
	for (i = 0; i < vm->nnics; i++)
		json_object_array_add(a, vmjson_nic(&vm->nics[i]));
	json_object_object_add(o, "nics", a);
	a = json_object_new_array();
	for (i = 0; i < vm->nproblems; i++) {
		p = json_object_new_object();
		json_object_object_add(p, "code", json_object_new_string(
		    problem_code_name(vm->problems[i].code)));
		json_object_object_add(p, "text",
		    json_object_new_string(vm->problems[i].text));
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "problems", a);
	return o;
}

struct json_object *
vmjson_source(const struct source *src)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "kind",
	    json_object_new_string(source_kind_name(src->kind)));
	json_object_object_add(o, "location", str_or_null(src->location));
	json_object_object_add(o, "provider", str_or_null(src->name));
	return o;
}

struct json_object *
vmjson_inventory(const struct source *src, const struct inventory *inv)
{
	struct json_object *o = json_object_new_object(), *a;
	size_t i;

	json_object_object_add(o, "version",
	    json_object_new_int(VMJSON_VERSION));
	json_object_object_add(o, "source", vmjson_source(src));
	a = json_object_new_array();
	for (i = 0; i < inv->nvms; i++)
		json_object_array_add(a, vmjson_vm(inv->vms[i]));
	json_object_object_add(o, "vms", a);
	return o;
}
