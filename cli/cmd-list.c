/*
 * cmd-list.c: virt-import list SOURCE, virt-import inspect SOURCE VM.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

struct list_opts {
	int		 json;
	int		 details;
	int		 verify;
	unsigned	 connections;
	const char	*password_file;
};

enum { OPT_JSON = 256, OPT_DETAILS, OPT_VERIFY, OPT_CONNS, OPT_PWFILE };

static const struct option list_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "details", no_argument, NULL, OPT_DETAILS },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "connections", required_argument, NULL, OPT_CONNS },
	{ "password-file", required_argument, NULL, OPT_PWFILE },
	{ NULL, 0, NULL, 0 }
};

/* Parse the options; leave the operands in argv[optind..]. */
static int
list_parse(int argc, char **argv, struct list_opts *o)
{
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof *o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", list_options, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_DETAILS:
			o->details = 1;
			break;
		case OPT_VERIFY:
			o->verify = 1;
			break;
		case OPT_CONNS:
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 64) {
				cli_error("--connections takes 1 to 64, not '%s'",
				    optarg);
				return -1;
			}
			o->connections = (unsigned)v;
			break;
		case OPT_PWFILE:
			o->password_file = optarg;
			break;
		default:
			cli_error("%s: unknown option '%s': run 'virt-import "
			    "help'", argv[0], argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

static struct source *
list_source(const char *spec, const struct list_opts *o)
{
	struct source *src;
	char *cause = NULL;

	if ((src = source_parse(spec, &cause)) == NULL) {
		cli_error("%s", cause);
		free(cause);
		return NULL;
	}
	if (o->password_file != NULL)
		src->password_file = xstrdup(o->password_file);
	if (o->connections != 0)
		src->connections = o->connections;
	src->verify = o->verify;
	return src;
}

static void
print_row(const struct vm *vm, int details)
{
	char mem[16], size[16];

	cli_print_safe(stdout, vm->name, 28);
	printf(" %-9s", vm_power_token(vm->power));
	if (details) {
		printf(" %4u %9s %5zu %9s", vm->vcpus,
		    vm->memory != 0 ? size_human(vm->memory, mem, sizeof mem) :
		    "-", vm->ndisks, vm_capacity(vm) != 0 ?
		    size_human(vm_capacity(vm), size, sizeof size) : "-");
	}
	if (vm->nproblems > 0) {
		fputc(' ', stdout);
		cli_print_safe(stdout, vm->problems[0].text, 0);
		if (vm->nproblems > 1)
			printf(" (+%zu more)", vm->nproblems - 1);
	}
	fputc('\n', stdout);
}

int
cmd_list(int argc, char **argv)
{
	struct list_opts o;
	struct inventory *inv;
	struct source *src;
	char *cause = NULL;
	size_t i;
	int rc;

	if (list_parse(argc, argv, &o) != 0)
		return 2;
	if (argc - optind != 1) {
		cli_error("usage: virt-import list SOURCE [--details] [--json] "
		    "[--password-file FILE] [--connections N] [--verify]");
		return 2;
	}
	if ((src = list_source(argv[optind], &o)) == NULL)
		return 1;
	cli_libvirt_quiet();
	if ((inv = source_read(src, o.details, &cause)) == NULL) {
		rc = cli_error("%s", cause);
		free(cause);
		source_free(src);
		return rc;
	}
	if (o.json)
		rc = cli_print_json(vmjson_inventory(src, inv));
	else {
		printf("%-28s %-9s", "NAME", "STATE");
		if (o.details)
			printf(" %4s %9s %5s %9s", "VCPU", "MEMORY", "DISKS",
			    "SIZE");
		printf(" PROBLEMS\n");
		for (i = 0; i < inv->nvms; i++)
			print_row(inv->vms[i], o.details);
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	inventory_free(inv);
	source_free(src);
	return rc;
}

static void
print_vm(const struct vm *vm)
{
	char b[16];
	size_t i;

	printf("Name:      ");
	cli_print_safe(stdout, vm->name, 0);
	printf("\nUUID:      %s\n", vm->uuid[0] != '\0' ? vm->uuid : "-");
	printf("State:     %s\n", vm_power_name(vm->power));
	printf("Memory:    %s\n", vm->memory != 0 ?
	    size_human(vm->memory, b, sizeof b) : "-");
	printf("vCPUs:     %u\n", vm->vcpus);
	printf("Firmware:  %s\n", vm_firmware_name(vm->firmware));
	printf("Arch:      ");
	cli_print_safe(stdout, vm->arch != NULL ? vm->arch : "-", 0);
	printf("\nOS:        ");
	cli_print_safe(stdout, vm->os != NULL ? vm->os : "-", 0);
	printf("\nSnapshots: %u\n", vm->snapshots);
	for (i = 0; i < vm->ndisks; i++) {
		const struct disk *d = &vm->disks[i];

		printf("Disk %zu:    ", i + 1);
		cli_print_safe(stdout, d->target != NULL ? d->target : "-", 0);
		fputc(' ', stdout);
		cli_print_safe(stdout, d->bus != NULL ? d->bus : "-", 0);
		printf(" %s ", disk_format_name(d->format));
		printf("%s ", d->capacity != 0 ?
		    size_human(d->capacity, b, sizeof b) : "-");
		cli_print_safe(stdout, d->path != NULL ? d->path : "-", 0);
		fputc('\n', stdout);
	}
	for (i = 0; i < vm->nnics; i++) {
		const struct nic *n = &vm->nics[i];

		printf("NIC %zu:     %s ", i + 1,
		    n->mac[0] != '\0' ? n->mac : "-");
		cli_print_safe(stdout, n->model != NULL ? n->model : "-", 0);
		printf(" %s ", n->kind == NIC_NETWORK ? "network" : "bridge");
		cli_print_safe(stdout, n->network != NULL ? n->network : "-", 0);
		fputc('\n', stdout);
	}
	for (i = 0; i < vm->nproblems; i++) {
		printf("Problem:   ");
		cli_print_safe(stdout, vm->problems[i].text, 0);
		fputc('\n', stdout);
	}
}

int
cmd_inspect(int argc, char **argv)
{
	struct json_object *o;
	struct list_opts opts;
	struct source *src;
	struct vm *vm;
	char *cause = NULL;
	int rc;

	if (list_parse(argc, argv, &opts) != 0)
		return 2;
	if (argc - optind != 2) {
		cli_error("usage: virt-import inspect SOURCE VM [--json] "
		    "[--password-file FILE]");
		return 2;
	}
	if ((src = list_source(argv[optind], &opts)) == NULL)
		return 1;
	cli_libvirt_quiet();
	if ((vm = source_inspect(src, argv[optind + 1], &cause)) == NULL) {
		rc = cli_error("%s", cause);
		free(cause);
		source_free(src);
		return rc;
	}
	if (opts.json) {
		o = json_object_new_object();
		json_object_object_add(o, "version",
		    json_object_new_int(VMJSON_VERSION));
		json_object_object_add(o, "source", vmjson_source(src));
		json_object_object_add(o, "vm", vmjson_vm(vm));
		rc = cli_print_json(o);
	} else {
		print_vm(vm);
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	vm_free(vm);
	source_free(src);
	return rc;
}
