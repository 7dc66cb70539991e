/*
 * cmd-theme.c: virt-import theme list | check FILE... | show [NAME]
 * The console's themes (virt-import-themes(5)) seen from the command line:
 * which there are, whether a file is a good theme, and a theme in full.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tui.h"

static const char theme_usage[] = "usage: virt-import theme list | "
    "check FILE... | show [NAME]";

static int
theme_list_cmd(int argc, char **argv)
{
	struct theme_info *list;
	const char *chosen = theme_chosen();
	char *cause = NULL;
	size_t i, n;

	if (argc != 1)
		return cli_error("%s", theme_usage) + 1;
	if ((list = theme_list(&n, &cause)) == NULL)
		return cli_fail(cause);
	printf("  %-20s %s\n", "NAME", "FILE");
	for (i = 0; i < n; i++) {
		/* '*' marks the one the console uses. */
		printf("%c ", strcmp(list[i].name, chosen) == 0 ? '*' : ' ');
		cli_print_safe(stdout, list[i].name, 20);
		fputc(' ', stdout);
		if (list[i].path == NULL)
			fputs("built-in", stdout);
		else {
			cli_print_safe(stdout, list[i].path, 0);
			if (list[i].builtin)
				fputs(" (instead of the built-in one)", stdout);
		}
		fputc('\n', stdout);
	}
	theme_list_free(list, n);
	return 0;
}

/* How many elements t sets itself, by colour and by mono look. */
static void
theme_counts(const struct theme *t, int *ncolour, int *nmono)
{
	int el;

	*ncolour = *nmono = 0;
	for (el = 0; el < EL_COUNT; el++) {
		*ncolour += t->colour_line[el] != 0;
		*nmono += t->mono_line[el] != 0;
	}
}

static int
theme_check_cmd(int argc, char **argv)
{
	struct theme *t;
	char *cause = NULL;
	int i, rc = 0, ncolour, nmono;

	if (argc < 2)
		return cli_error("%s", theme_usage) + 1;
	for (i = 1; i < argc; i++) {
		if ((t = theme_load_file(argv[i], &cause)) == NULL) {
			rc = cli_fail(cause);
			cause = NULL;
			continue;
		}
		theme_counts(t, &ncolour, &nmono);
		cli_print_safe(stdout, argv[i], 0);
		if (t->colours)
			printf(": ok: %d of %d elements have a colour look, %d "
			    "a mono look", ncolour, EL_COUNT, nmono);
		else
			printf(": ok: no colours, %d of %d elements have a "
			    "mono look", nmono, EL_COUNT);
		if (nmono < EL_COUNT || (t->colours && ncolour < EL_COUNT))
			fputs("; the others come from the theme default",
			    stdout);
		fputc('\n', stdout);
		theme_free(t);
	}
	return rc;
}

static int
theme_show_cmd(int argc, char **argv)
{
	struct theme *t;
	char *cause = NULL, *text;

	if (argc > 2)
		return cli_error("%s", theme_usage) + 1;
	if ((t = theme_load(argc == 2 ? argv[1] : theme_chosen(),
	    &cause)) == NULL)
		return cli_fail(cause);
	text = theme_format(t);
	fputs(text, stdout);
	free(text);
	theme_free(t);
	return fflush(stdout) == 0 ? 0 : cli_error("cannot write the output");
}

int
cmd_theme(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return theme_list_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return theme_check_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return theme_show_cmd(argc - 1, argv + 1);
	return cli_error("%s", theme_usage) + 1;
}
