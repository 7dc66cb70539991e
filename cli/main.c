/*
 * main.c: the virt-import command.  With no command it opens the console;
 * commands give the same backend to scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "tui.h"

static void
usage(FILE *f)
{
	fputs("Usage: virt-import [console] [--demo | SOURCE]\n"
	    "       virt-import version | help\n"
	    "\n"
	    "Import virtual machines from VMware, Xen, KVM, OVA files and VM\n"
	    "folders into KVM and oVirt, through virt-v2v on proxy hosts.\n"
	    "\n"
	    "  console [SOURCE]  open the full-screen console (the default)\n"
	    "  --demo            open the console on the built-in demo source\n"
	    "  version           print the version\n"
	    "  help              print this help\n"
	    "\n"
	    "SOURCE is a libvirt URI (vpx://, esx://, xen+ssh://, qemu+ssh://,\n"
	    "qemu:///system, test:///PATH) or ova:PATH, vmx:PATH, xml:PATH,\n"
	    "dir:PATH, export:PATH.  See virt-import(1).\n", f);
}

static int
cmd_console(const char *spec)
{
	struct inventory *inv;
	struct source *src;
	char *cause = NULL, *uri = NULL, *dir, *log = NULL, *label;
	int rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "virt-import: the console needs a terminal: "
		    "run it in an SSH session, a terminal or tmux\n");
		return 1;
	}
	if ((dir = path_state_dir(&cause)) != NULL) {
		xasprintf(&log, "%s/libvirt.log", dir);
		free(dir);
	} else {
		/* No log file: libvirt's messages are dropped, not shown. */
		free(cause);
		cause = NULL;
	}
	libvirt_init(log);
	free(log);

	if (spec == NULL) {
		if ((uri = demo_uri(&cause)) == NULL)
			goto fail;
		label = xstrdup("demo (libvirt test driver)");
	} else {
		if ((src = source_parse(spec, &cause)) == NULL)
			goto fail;
		if (src->kind != SOURCE_LIBVIRT) {
			cause_set(&cause, "the console opens libvirt sources "
			    "for now; read %s sources with a later release",
			    source_kind_name(src->kind));
			source_free(src);
			goto fail;
		}
		uri = xstrdup(src->location);
		label = xstrdup(src->location);
		source_free(src);
	}
	if ((inv = libvirt_list(uri, &cause)) == NULL) {
		free(label);
		goto fail;
	}
	inventory_check_macs(inv);
	rc = tui_run(label, inv, &cause);
	inventory_free(inv);
	free(label);
	free(uri);
	if (rc != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "virt-import: %s\n", cause);
	free(cause);
	free(uri);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "console";

	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("virt-import %s\n", VI_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--demo") == 0 && argc == 2)
		return cmd_console(NULL);
	if (strcmp(cmd, "console") == 0) {
		if (argc == 2 || (argc == 3 && strcmp(argv[2], "--demo") == 0))
			return cmd_console(NULL);
		if (argc == 3 && argv[2][0] != '-')
			return cmd_console(argv[2]);
	}
	fprintf(stderr, "virt-import: unknown command or arguments: '%s'; "
	    "run 'virt-import help' for the commands\n", cmd);
	return 2;
}
