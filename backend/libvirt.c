/*
 * libvirt.c: libvirt connections for the backend.  libvirt prints warnings
 * and errors on stderr by default, which would land on the curses screen;
 * here they go to a log file and to the caller's cause instead.
 */
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backend.h"

static void
libvirt_quiet(void *opaque, virErrorPtr err)
{
	/* Errors reach the user through cause, never through stderr. */
	(void)opaque;
	(void)err;
}

/*
 * Call once, before any thread touches libvirt.  logfile, if not NULL, gets
 * libvirt's own warnings (LIBVIRT_LOG_OUTPUTS in the environment wins).
 */
void
libvirt_init(const char *logfile)
{
	char *outputs;

	if (getenv("LIBVIRT_LOG_OUTPUTS") == NULL) {
		if (logfile != NULL)
			xasprintf(&outputs, "3:file:%s", logfile);
		else
			outputs = xstrdup("4:file:/dev/null");
		setenv("LIBVIRT_LOG_OUTPUTS", outputs, 1);
		free(outputs);
	}
	virSetErrorFunc(NULL, libvirt_quiet);
	if (virInitialize() != 0)
		fatalx("libvirt failed to initialise");
}

const char *
libvirt_last_error(void)
{
	const char *msg = virGetLastErrorMessage();

	return msg != NULL ? msg : "unknown libvirt error";
}

static enum vm_power
libvirt_power(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return VM_POWER_RUNNING;
	case VIR_DOMAIN_PAUSED:
		return VM_POWER_PAUSED;
	case VIR_DOMAIN_PMSUSPENDED:
		return VM_POWER_SUSPENDED;
	case VIR_DOMAIN_SHUTOFF:
	case VIR_DOMAIN_CRASHED:
	case VIR_DOMAIN_SHUTDOWN:
		return VM_POWER_OFF;
	default:
		return VM_POWER_UNKNOWN;
	}
}

/*
 * List a libvirt source: every domain, active and inactive, with the facts
 * one ListAllDomains plus a GetInfo on each handle gives (never a lookup by
 * name per VM: that is quadratic on ESX).  Full configurations are read
 * later, only for the VMs the user looks at.
 */
struct inventory *
libvirt_list(const char *uri, char **cause)
{
	virConnectPtr conn;
	virDomainPtr *doms = NULL;
	struct inventory *inv;
	int i, n;

	conn = virConnectOpenReadOnly(uri);
	if (conn == NULL) {
		cause_set(cause, "cannot connect to %s: %s", uri,
		    libvirt_last_error());
		return NULL;
	}
	n = virConnectListAllDomains(conn, &doms, 0);
	if (n < 0) {
		cause_set(cause, "cannot list the VMs of %s: %s", uri,
		    libvirt_last_error());
		virConnectClose(conn);
		return NULL;
	}

	inv = inventory_new();
	for (i = 0; i < n; i++) {
		virDomainInfo info;
		struct vm *vm;
		const char *name = virDomainGetName(doms[i]);

		vm = inventory_add(inv, vm_new(name != NULL ? name : "?"));
		if (virDomainGetUUIDString(doms[i], vm->uuid) != 0)
			vm->uuid[0] = '\0';
		if (virDomainGetInfo(doms[i], &info) == 0) {
			vm->power = libvirt_power(info.state);
			vm->memory = (uint64_t)info.maxMem * 1024;
			vm->vcpus = info.nrVirtCpu;
		}
		if (vm->power == VM_POWER_RUNNING ||
		    vm->power == VM_POWER_PAUSED ||
		    vm->power == VM_POWER_SUSPENDED)
			vm_add_problem(vm, PROBLEM_RUNNING, "'%s' is %s: shut "
			    "it down before converting it", vm->name,
			    vm_power_name(vm->power));
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(conn);
	inventory_sort(inv);
	return inv;
}
