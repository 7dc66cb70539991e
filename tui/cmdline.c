/*
 * cmdline.c: the ':' command line, for what has no key: opening a source by
 * its name or URL, saving the plan, switching theme.  Words split like a
 * shell's (quotes and backslashes) but no shell ever sees them.
 */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui.h"

#define CMDLINE_MAXARGS	16

struct cmdline_cmd {
	const char	*name;
	const char	*alias;
	int		 min, max;	/* arguments */
	const char	*syntax;
	const char	*help;
	int		(*fn)(struct tui *, int, char **);
};

void
cmdline_free(char **argv, size_t argc)
{
	size_t i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Split a line into words: '...' and "..." quote, \ escapes one byte. */
char **
cmdline_split(const char *line, size_t *argc, char **cause)
{
	char **argv = NULL, *word;
	const char *s = line;
	size_t len;
	char quote;

	*argc = 0;
	word = xmalloc(strlen(line) + 1);
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		len = 0;
		quote = 0;
		while (*s != '\0' && (quote != 0 || (*s != ' ' &&
		    *s != '\t'))) {
			if (quote != 0 && *s == quote)
				quote = 0;
			else if (quote == 0 && (*s == '\'' || *s == '"'))
				quote = *s;
			else if (*s == '\\' && quote != '\'' && s[1] != '\0')
				word[len++] = *++s;
			else
				word[len++] = *s;
			s++;
		}
		if (quote != 0) {
			cause_set(cause, "a %c quote is not closed: close it "
			    "or put a \\ before it", quote);
			cmdline_free(argv, *argc);
			*argc = 0;
			free(word);
			return NULL;
		}
		argv = xappend(argv, argc, sizeof *argv);
		argv[*argc - 1] = xstrndup(word, len);
	}
	free(word);
	argv = xappend(argv, argc, sizeof *argv);
	(*argc)--;
	argv[*argc] = NULL;
	return argv;
}

static int
cmd_quit(struct tui *tui, int argc, char **argv)
{
	return TUI_QUIT;
}

static int
cmd_help(struct tui *tui, int argc, char **argv)
{
	tui->show_help = 1;
	tui->help_top = 0;
	return TUI_REDRAW;
}

static int
cmd_open(struct tui *tui, int argc, char **argv)
{
	struct source *src;
	char *cause = NULL;
	size_t had = tui->plan->nitems;

	if ((src = source_parse(argv[1], &cause)) == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return TUI_REDRAW;
	}
	if (tui_open_source(tui, src, argv[1]) == 0) {
		tui_show(tui, &view_inventory);
		if (had > 0)
			tui_status(tui, 0, "Reading %s ... (the %zu VM%s to "
			    "import came from the old source and were "
			    "dropped)", argv[1], had, had == 1 ? "" : "s");
	}
	return TUI_REDRAW;
}

static int
cmd_view(struct tui *tui, int argc, char **argv)
{
	const struct view *v;

	if ((v = tui_find_view(argv[1])) == NULL) {
		tui_status(tui, 1, "there is no view '%s': the views are "
		    "sources, inventory, plan, jobs and log", argv[1]);
		return TUI_REDRAW;
	}
	tui_show(tui, v);
	return TUI_REDRAW;
}

static int
cmd_theme(struct tui *tui, int argc, char **argv)
{
	char *cause = NULL;

	if (screen_set_theme(argv[1], &cause) != 0) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
	} else
		tui_status(tui, 0, "Theme '%s'.", argv[1]);
	clearok(curscr, TRUE);
	return TUI_REDRAW;
}

static int
cmd_write(struct tui *tui, int argc, char **argv)
{
	char *text, *cause = NULL;

	if (tui->plan->source == NULL) {
		tui_status(tui, 1, "there is no plan yet: open a source and "
		    "add VMs to the import first");
		return TUI_REDRAW;
	}
	text = planjson_string(tui->plan);
	if (store_write_path(argv[1], text, &cause) != 0) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
	} else
		tui_status(tui, 0, "Plan written to %s: 'virt-import run %s' "
		    "imports it from a script.", argv[1], argv[1]);
	free(text);
	return TUI_REDRAW;
}

static const struct cmdline_cmd cmdline_cmds[] = {
	{ "open", NULL, 1, 1, "open SOURCE", "read another source: a saved "
	    "provider's name, a URL or ova:, vmx:, xml:, dir:, export:PATH",
	    cmd_open },
	{ "view", NULL, 1, 1, "view NAME", "show sources, inventory, plan, "
	    "jobs or log", cmd_view },
	{ "write", "w", 1, 1, "write FILE", "save the plan as JSON for "
	    "'virt-import run' (virt-import-plan(5))", cmd_write },
	{ "theme", NULL, 1, 1, "theme NAME", "switch theme "
	    "(virt-import-themes(5))", cmd_theme },
	{ "help", NULL, 0, 0, "help", "this help", cmd_help },
	{ "quit", "q", 0, 0, "quit", "leave the console", cmd_quit },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL }
};

/* The i-th command's syntax and help, for the help screen. */
int
cmdline_help(size_t i, const char **syntax, const char **help)
{
	if (i >= sizeof cmdline_cmds / sizeof *cmdline_cmds - 1)
		return 0;
	*syntax = cmdline_cmds[i].syntax;
	*help = cmdline_cmds[i].help;
	return 1;
}

/* Run one typed line; returns TUI_* flags. */
int
cmdline_run(struct tui *tui, const char *line)
{
	const struct cmdline_cmd *c;
	char **argv, *cause = NULL;
	size_t argc;
	int flags;

	if ((argv = cmdline_split(line, &argc, &cause)) == NULL) {
		tui_status(tui, 1, "%s", cause);
		free(cause);
		return TUI_REDRAW;
	}
	if (argc == 0) {
		cmdline_free(argv, argc);
		return TUI_REDRAW;
	}
	for (c = cmdline_cmds; c->name != NULL; c++) {
		if (strcmp(argv[0], c->name) == 0 || (c->alias != NULL &&
		    strcmp(argv[0], c->alias) == 0))
			break;
	}
	if (c->name == NULL) {
		tui_status(tui, 1, "unknown command '%s': :help lists the "
		    "commands", argv[0]);
		flags = TUI_REDRAW;
	} else if ((int)argc - 1 < c->min || (int)argc - 1 > c->max) {
		tui_status(tui, 1, "usage: :%s", c->syntax);
		flags = TUI_REDRAW;
	} else
		flags = c->fn(tui, (int)argc, argv);
	cmdline_free(argv, argc);
	return flags;
}
