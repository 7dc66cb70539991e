/*
 * cmd-console.c: virt-import [console] [--demo | SOURCE] [--theme NAME]
 *     [--read-only]
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

static const char console_usage[] = "usage: virt-import console "
    "[--demo | SOURCE] [--theme NAME] [--read-only]";

int
cmd_console(int argc, char **argv)
{
	const char *spec = NULL, *theme = NULL;
	struct source *src = NULL;
	struct theme *t;
	char *cause = NULL, *label = NULL;
	int i, demo = 0, read_only = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--demo") == 0 && spec == NULL)
			demo = 1;
		else if (strcmp(argv[i], "--theme") == 0 && i + 1 < argc)
			theme = argv[++i];
		else if (strncmp(argv[i], "--theme=", 8) == 0)
			theme = argv[i] + 8;
		else if (strcmp(argv[i], "--read-only") == 0)
			read_only = 1;
		else if (argv[i][0] != '-' && spec == NULL && !demo)
			spec = argv[i];
		else {
			cli_error("%s", console_usage);
			return 2;
		}
	}

	/* A bad theme is said before the terminal is taken over. */
	if (theme != NULL)
		theme_choose(theme);
	if ((t = theme_load(theme_chosen(), &cause)) == NULL) {
		if (theme == NULL && strcmp(theme_chosen(), "default") != 0)
			cause_prefix(&cause, "VIRT_IMPORT_THEME");
		return cli_fail(cause);
	}
	theme_free(t);

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_error("the console needs a terminal: run it in an SSH "
		    "session, a terminal or tmux; scripts use 'virt-import list'");
	cli_libvirt_quiet();
	/* No source named: the demo, unless sources are saved. */
	if (spec == NULL && !demo) {
		struct provider *p;
		size_t n = 0;

		if ((p = provider_load(&n, &cause)) == NULL || n == 0)
			demo = 1;
		provider_list_free(p, n);
		free(cause);
		cause = NULL;
	}
	if (demo) {
		char *guest, *why;

		spec = "demo";
		/* A real guest for a real conversion, where it can be. */
		guest = demo_guest(&why);
		tui_set_demo(guest, why);
		free(guest);
		free(why);
	}
	if (spec != NULL) {
		if ((src = source_parse(spec, &cause)) == NULL)
			return cli_fail(cause);
		label = xstrdup(demo ? "demo (libvirt test driver)" : spec);
	}
	tui_set_read_only(read_only);
	rc = tui_run(src, label, NULL, &cause);
	free(label);
	theme_choose(NULL);
	if (rc != 0)
		return cli_fail(cause);
	return 0;
}
