/*
 * cmd-console.c: virt-import [console] [--demo | SOURCE]
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tui.h"

/* libvirt's own messages go to the state directory's log, never stdout. */
void
cli_libvirt_quiet(void)
{
	char *cause = NULL, *dir, *log = NULL;

	if ((dir = path_state_dir(&cause)) != NULL) {
		xasprintf(&log, "%s/libvirt.log", dir);
		free(dir);
	}
	free(cause);
	libvirt_init(log);
	free(log);
}

int
cmd_console(int argc, char **argv)
{
	const char *spec = "demo";
	struct inventory *inv;
	struct source *src;
	char *cause = NULL, *label;
	int rc;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' &&
	    strcmp(argv[1], "--demo") != 0)) {
		cli_error("usage: virt-import console [--demo | SOURCE]");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "--demo") != 0)
		spec = argv[1];
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_error("the console needs a terminal: run it in an SSH "
		    "session, a terminal or tmux; scripts use 'virt-import list'");
	cli_libvirt_quiet();
	if ((src = source_parse(spec, &cause)) == NULL ||
	    (inv = source_read(src, 1, &cause)) == NULL) {
		source_free(src);
		rc = cli_error("%s", cause);
		free(cause);
		return rc;
	}
	if (strcmp(spec, "demo") == 0)
		label = xstrdup("demo (libvirt test driver)");
	else
		label = xstrdup(spec);
	rc = tui_run(label, inv, &cause);
	inventory_free(inv);
	source_free(src);
	free(label);
	if (rc != 0) {
		cli_error("%s", cause);
		free(cause);
		return 1;
	}
	return 0;
}
