/*
 * main.c: the virt-import command.  With no command it opens the console;
 * the other commands give the same backend to scripts.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

static int cmd_version(int, char **);
static int cmd_help(int, char **);

const struct cli_command cli_commands[] = {
	{ "console", "[--demo | SOURCE] [--theme NAME] [--read-only]", "open "
	    "the full-screen console (the default); --read-only watches and "
	    "changes nothing", cmd_console },
	{ "list", "SOURCE [--details] [--json] [--password-file FILE] "
	    "[--connections N] [--verify]", "list the VMs of a source",
	    cmd_list },
	{ "inspect", "SOURCE VM [--json] [--password-file FILE]",
	    "show one VM's configuration, without copying anything",
	    cmd_inspect },
	{ "provider", "add NAME SOURCE [--password-file FILE] [--connections N]"
	    " [--replace] | list [--json] | remove NAME",
	    "save, list and remove sources by name", cmd_provider },
	{ "proxy", "add NAME HOST [--port N] [--user U] [--key FILE] "
	    "[--ssh-alias A] [--job-dir D] [--max-jobs N] [--known-hosts FILE] "
	    "[--replace] | list [--json] | remove NAME | check NAME [--json] "
	    "[--accept-host-key SHA256:...] | run NAME -- COMMAND [ARG...] | "
	    "upload NAME ova:FILE|xml:FILE [--to DIR] [--json] | "
	    "job start NAME [--secret KEY=FILE]... -- COMMAND [ARG...] | "
	    "job follow ID... [--timeout S] [--retry-for S] | job list [--json] "
	    "| job log ID | job cancel ID | job remove ID",
	    "save proxies (virt-v2v hosts over SSH), check what they can "
	    "convert", cmd_proxy },
	{ "run", "PLAN [--dry-run] [--json] [--accept-host-key SHA256:...]",
	    "check a plan (virt-import-plan(5)), then import its VMs",
	    cmd_run },
	{ "jobs", "[--json] [--follow]", "list import jobs; --follow carries "
	    "on the unfinished ones", cmd_jobs },
	{ "log", "JOB [--follow]", "print a job's virt-v2v log", cmd_log },
	{ "cancel", "JOB...", "stop jobs and remove their partial output",
	    cmd_cancel },
	{ "retry", "JOB... [--json]", "queue the VMs of failed or cancelled "
	    "jobs again, with the plan they had, and import them", cmd_retry },
	{ "theme", "list | check FILE... | show [NAME]", "list the console's "
	    "themes, check a theme file, print a theme in full "
	    "(virt-import-themes(5))", cmd_theme },
	{ "version", "", "print the version", cmd_version },
	{ "help", "", "print this help", cmd_help },
	{ NULL, NULL, NULL, NULL }
};

/* Print "virt-import: MESSAGE" on stderr; returns 1, the failure status. */
int
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("virt-import: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/*
 * Print text from a source (a VM name, a path) so it cannot drive the
 * terminal: control characters and invalid UTF-8 become '?'.  With width
 * > 0 the text is cut or padded to that many characters.
 */
void
cli_print_safe(FILE *f, const char *s, int width)
{
	const unsigned char *p = (const unsigned char *)s;
	int cols = 0;
	size_t n, i;

	while (*p != '\0' && (width <= 0 || cols < width)) {
		if (*p < 0x80) {
			fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
			p++;
		} else {
			n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
			    (*p & 0xf8) == 0xf0 ? 4 : 0;
			for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
				;
			/* C1 controls are U+0080..U+009F: C2 80..C2 9F. */
			if (n == 0 || i != n || (n == 2 && p[0] == 0xc2 &&
			    p[1] < 0xa0) || (n == 2 && p[0] < 0xc2)) {
				fputc('?', f);
				p++;
			} else {
				fwrite(p, 1, n, f);
				p += n;
			}
		}
		cols++;
	}
	for (; cols < width; cols++)
		fputc(' ', f);
}

/*
 * Print a cause (and free it); returns 1, the status of a failed command.
 * Causes quote names from sources and proxies, so they are printed safely.
 */
int
cli_fail(char *cause)
{
	fputs("virt-import: ", stderr);
	cli_print_safe(stderr, cause != NULL ? cause : "unknown error", 0);
	fputc('\n', stderr);
	free(cause);
	return 1;
}

int
cli_print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return fflush(stdout) == 0 ? 0 : cli_error("cannot write the output");
}

static int
cmd_version(int argc, char **argv)
{
	printf("virt-import %s\n", VI_VERSION);
	return 0;
}

static void
usage(FILE *f)
{
	const struct cli_command *c;

	fputs("Usage: virt-import [COMMAND] [ARGS]\n\n"
	    "Import virtual machines from VMware, Xen, KVM, OVA files and VM\n"
	    "folders into KVM and oVirt, through virt-v2v on proxy hosts.\n\n"
	    "Commands:\n", f);
	for (c = cli_commands; c->name != NULL; c++)
		fprintf(f, "  %s %s\n      %s\n", c->name, c->args, c->help);
	fputs("\nSOURCE is a libvirt URI (vpx://, esx://, xen+ssh://, "
	    "qemu+ssh://,\nqemu:///system, test:///PATH), ova:PATH, vmx:PATH, "
	    "xml:PATH, dir:PATH,\nexport:PATH, a saved provider's name, or "
	    "demo.  See virt-import(1).\n", f);
}

static int
cmd_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct cli_command *c;
	const char *cmd;

	if (argc < 2)
		return cmd_console(argc, argv);
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0)
		return cmd_version(argc, argv);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		return cmd_help(argc, argv);
	if (strcmp(cmd, "--demo") == 0 || strcmp(cmd, "--theme") == 0 ||
	    strncmp(cmd, "--theme=", 8) == 0)
		return cmd_console(argc, argv);
	for (c = cli_commands; c->name != NULL; c++) {
		if (strcmp(c->name, cmd) == 0)
			return c->fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "virt-import: unknown command '");
	cli_print_safe(stderr, cmd, 0);
	fprintf(stderr, "': run 'virt-import help' for the commands\n");
	return 2;
}
