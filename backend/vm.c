/*
 * vm.c: one virtual machine as its source describes it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"

struct vm *
vm_new(const char *name)
{
	struct vm *vm;

	vm = xcalloc(1, sizeof *vm);
	vm->name = xstrdup(name);
	return vm;
}

void
vm_free(struct vm *vm)
{
	size_t i;

	if (vm == NULL)
		return;
	for (i = 0; i < vm->ndisks; i++) {
		free(vm->disks[i].path);
		free(vm->disks[i].datastore);
		free(vm->disks[i].target);
		free(vm->disks[i].bus);
	}
	for (i = 0; i < vm->nnics; i++) {
		free(vm->nics[i].network);
		free(vm->nics[i].model);
	}
	for (i = 0; i < vm->nproblems; i++)
		free(vm->problems[i].text);
	free(vm->disks);
	free(vm->nics);
	free(vm->problems);
	free(vm->name);
	free(vm->arch);
	free(vm->os);
	free(vm->origin);
	free(vm);
}

struct disk *
vm_add_disk(struct vm *vm)
{
	vm->disks = xappend(vm->disks, &vm->ndisks, sizeof *vm->disks);
	return &vm->disks[vm->ndisks - 1];
}

struct nic *
vm_add_nic(struct vm *vm)
{
	vm->nics = xappend(vm->nics, &vm->nnics, sizeof *vm->nics);
	return &vm->nics[vm->nnics - 1];
}

void
vm_add_problem(struct vm *vm, enum problem_code code, const char *fmt, ...)
{
	struct problem *p;
	va_list ap;

	vm->problems = xappend(vm->problems, &vm->nproblems,
	    sizeof *vm->problems);
	p = &vm->problems[vm->nproblems - 1];
	p->code = code;
	va_start(ap, fmt);
	xvasprintf(&p->text, fmt, ap);
	va_end(ap);
}

int
vm_has_problem(const struct vm *vm, enum problem_code code)
{
	size_t i;

	for (i = 0; i < vm->nproblems; i++) {
		if (vm->problems[i].code == code)
			return 1;
	}
	return 0;
}

/* Sum of the disks' virtual sizes: what a conversion must write. */
uint64_t
vm_capacity(const struct vm *vm)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < vm->ndisks; i++)
		sum += vm->disks[i].capacity;
	return sum;
}

/* How people read a power state, and its one-word form for JSON. */
static const struct {
	const char	*name;
	const char	*token;
} vm_powers[] = {
	[VM_POWER_UNKNOWN] = { "unknown", "unknown" },
	[VM_POWER_OFF] = { "shut off", "shutoff" },
	[VM_POWER_RUNNING] = { "running", "running" },
	[VM_POWER_PAUSED] = { "paused", "paused" },
	[VM_POWER_SUSPENDED] = { "suspended", "suspended" },
};

const char *
vm_power_name(enum vm_power p)
{
	if ((size_t)p >= sizeof vm_powers / sizeof *vm_powers)
		return "unknown";
	return vm_powers[p].name;
}

const char *
vm_power_token(enum vm_power p)
{
	if ((size_t)p >= sizeof vm_powers / sizeof *vm_powers)
		return "unknown";
	return vm_powers[p].token;
}

const char *
vm_firmware_name(enum vm_firmware f)
{
	switch (f) {
	case VM_FIRMWARE_BIOS:
		return "bios";
	case VM_FIRMWARE_UEFI:
		return "uefi";
	case VM_FIRMWARE_UNKNOWN:
		break;
	}
	return "unknown";
}

static const char *disk_format_names[] = {
	[DISK_FORMAT_UNKNOWN] = "unknown",
	[DISK_FORMAT_RAW] = "raw",
	[DISK_FORMAT_QCOW2] = "qcow2",
	[DISK_FORMAT_VMDK] = "vmdk",
	[DISK_FORMAT_VHD] = "vhd",
	[DISK_FORMAT_VDI] = "vdi",
};

const char *
disk_format_name(enum disk_format f)
{
	if ((size_t)f >= sizeof disk_format_names / sizeof *disk_format_names)
		return "unknown";
	return disk_format_names[f];
}

/* Parse a format name as libvirt, OVF and qemu-img spell it. */
enum disk_format
disk_format_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return DISK_FORMAT_UNKNOWN;
	for (i = 1; i < sizeof disk_format_names / sizeof *disk_format_names;
	    i++) {
		if (strcasecmp(s, disk_format_names[i]) == 0)
			return (enum disk_format)i;
	}
	if (strcasecmp(s, "vpc") == 0)
		return DISK_FORMAT_VHD;
	return DISK_FORMAT_UNKNOWN;
}

const char *
problem_code_name(enum problem_code c)
{
	switch (c) {
	case PROBLEM_RUNNING:
		return "running";
	case PROBLEM_DUPLICATE_MAC:
		return "duplicate-mac";
	case PROBLEM_UNSUPPORTED_DISK:
		return "unsupported-disk";
	case PROBLEM_SNAPSHOTS:
		return "snapshots";
	case PROBLEM_NO_DISKS:
		return "no-disks";
	case PROBLEM_UNREADABLE:
		return "unreadable";
	case PROBLEM_DUPLICATE_NAME:
		return "duplicate-name";
	}
	return "unknown";
}
