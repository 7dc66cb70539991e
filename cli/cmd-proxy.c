/*
 * cmd-proxy.c: virt-import proxy add|list|remove|check|run.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

#define PROXY_USAGE "usage: virt-import proxy add NAME HOST|--local " \
	"[--port N] [--user U] [--key FILE] [--ssh-alias A] [--job-dir D] " \
	"[--max-jobs N] [--env NAME=VALUE]... " \
	"[--known-hosts FILE] [--replace] | list [--json] | remove NAME | " \
	"check NAME [--json] [--accept-host-key SHA256:...] | " \
	"run NAME [--accept-host-key SHA256:...] -- COMMAND [ARG...] | " \
	"upload NAME SOURCE [--to DIR] [--accept-host-key SHA256:...] " \
	"[--json] [--timeout S] | " \
	"job start|follow|list|log|cancel|remove ..."

static int
proxy_number(const char *opt, const char *arg, long max, unsigned *out)
{
	char *end;
	long v;

	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v < 1 || v > max)
		return cli_error("%s takes 1 to %ld, not '%s'", opt, max, arg);
	*out = (unsigned)v;
	return 0;
}

static int
proxy_add_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },
		{ "key", required_argument, NULL, 'k' },
		{ "ssh-alias", required_argument, NULL, 'a' },
		{ "job-dir", required_argument, NULL, 'j' },
		{ "max-jobs", required_argument, NULL, 'm' },
		{ "known-hosts", required_argument, NULL, 'K' },
		{ "env", required_argument, NULL, 'e' },
		{ "replace", no_argument, NULL, 'r' },
		{ "local", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct proxy *p;
	char *cause = NULL;
	int c, replace = 0, rc;

	p = proxy_new("-");
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (proxy_number("--port", optarg, 65535, &p->port))
				goto usage;
			break;
		case 'm':
			if (proxy_number("--max-jobs", optarg, 64,
			    &p->max_jobs))
				goto usage;
			break;
		case 'u':
			free(p->user);
			p->user = xstrdup(optarg);
			break;
		case 'k':
			free(p->key_file);
			p->key_file = xstrdup(optarg);
			break;
		case 'a':
			free(p->ssh_alias);
			p->ssh_alias = xstrdup(optarg);
			break;
		case 'j':
			free(p->job_dir);
			p->job_dir = xstrdup(optarg);
			break;
		case 'K':
			free(p->known_hosts);
			p->known_hosts = xstrdup(optarg);
			break;
		case 'e':
			if (proxy_env_valid(optarg, &cause) != 0) {
				cli_fail(cause);
				goto usage;
			}
			proxy_add_env(p, optarg);
			break;
		case 'r':
			replace = 1;
			break;
		case 'l':
			p->local = 1;
			break;
		default:
			cli_error("proxy add: unknown option '%s'",
			    argv[optind - 1]);
			goto usage;
		}
	}
	if (p->local && (argc - optind != 1 || p->ssh_alias != NULL ||
	    p->user != NULL || p->key_file != NULL || p->known_hosts != NULL ||
	    p->port != 22)) {
		cli_error("proxy add NAME --local is this machine, reached "
		    "through an sshd of virt-import's own: give no HOST, "
		    "--port, --user, --key, --ssh-alias or --known-hosts");
		goto usage;
	}
	if (!p->local && argc - optind != 2 &&
	    !(argc - optind == 1 && p->ssh_alias)) {
		cli_error("usage: virt-import proxy add NAME HOST|--local "
		    "[--port N] "
		    "[--user U] [--key FILE] [--ssh-alias A] [--job-dir D] "
		    "[--max-jobs N] [--known-hosts FILE] [--env NAME=VALUE]... "
		    "[--replace]");
		goto usage;
	}
	free(p->name);
	p->name = xstrdup(argv[optind]);
	if (p->local)
		p->host = xstrdup("localhost");
	else if (argc - optind == 2)
		p->host = xstrdup(argv[optind + 1]);
	rc = proxy_add(p, replace, NULL, &cause) != 0 ? cli_fail(cause) : 0;
	proxy_free(p);
	return rc;

usage:
	proxy_free(p);
	return 2;
}

static struct json_object *
proxy_jstr(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static int
proxy_list_cmd(int argc, char **argv)
{
	struct json_object *root, *arr, *o, *ev;
	struct proxy **list, *p;
	char *cause = NULL;
	size_t i, k, n;
	int json = argc == 2 && strcmp(argv[1], "--json") == 0;

	if (argc > 2 || (argc == 2 && !json))
		return cli_error("usage: virt-import proxy list [--json]") + 1;
	if ((list = proxy_load(&n, &cause)) == NULL)
		return cli_fail(cause);
	if (json) {
		root = json_object_new_object();
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			p = list[i];
			o = json_object_new_object();
			json_object_object_add(o, "name", proxy_jstr(p->name));
			json_object_object_add(o, "host", proxy_jstr(p->host));
			json_object_object_add(o, "port",
			    json_object_new_int((int)p->port));
			json_object_object_add(o, "user", proxy_jstr(p->user));
			json_object_object_add(o, "key_file",
			    proxy_jstr(p->key_file));
			json_object_object_add(o, "ssh_alias",
			    proxy_jstr(p->ssh_alias));
			json_object_object_add(o, "job_dir",
			    proxy_jstr(p->job_dir));
			json_object_object_add(o, "max_jobs",
			    json_object_new_int((int)p->max_jobs));
			json_object_object_add(o, "known_hosts",
			    proxy_jstr(p->known_hosts));
			json_object_object_add(o, "local",
			    json_object_new_boolean(p->local));
			ev = json_object_new_array();
			for (k = 0; k < p->nenv; k++)
				json_object_array_add(ev,
				    json_object_new_string(p->env[k]));
			json_object_object_add(o, "env", ev);
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "proxies", arr);
		proxy_list_free(list, n);
		return cli_print_json(root);
	}
	printf("%-16s %-32s %s\n", "NAME", "ENDPOINT", "JOBS");
	for (i = 0; i < n; i++) {
		p = list[i];
		printf("%-16s ", p->name);
		if (p->local) {
			printf("%-32s %u in ", "this machine (sshd -i)",
			    p->max_jobs);
			cli_print_safe(stdout, p->job_dir, 0);
			fputc('\n', stdout);
			continue;
		}
		if (p->user != NULL) {
			cli_print_safe(stdout, p->user, 0);
			fputc('@', stdout);
		}
		cli_print_safe(stdout, p->host != NULL ? p->host :
		    p->ssh_alias, 0);
		printf(":%u  %u in ", p->port, p->max_jobs);
		cli_print_safe(stdout, p->job_dir, 0);
		fputc('\n', stdout);
	}
	proxy_list_free(list, n);
	return 0;
}

static const char *
proxy_level_name(enum probe_level l)
{
	return l == PROBE_OK ? "ok" : l == PROBE_WARN ? "warning" : "no";
}

static struct json_object *
proxy_items_json(const struct probe_item *items, size_t n)
{
	struct json_object *arr, *o;
	size_t i;

	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "name", proxy_jstr(items[i].name));
		json_object_object_add(o, "level",
		    proxy_jstr(proxy_level_name(items[i].level)));
		json_object_object_add(o, "text", proxy_jstr(items[i].text));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int
proxy_check_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "accept-host-key", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *root, *caps;
	struct proxy *p;
	struct probe *pr;
	const char *accept = NULL;
	char *cause = NULL;
	size_t i;
	int c, json = 0, bad = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'a':
			accept = optarg;
			break;
		default:
			return cli_error("proxy check: unknown option '%s'",
			    argv[optind - 1]) + 1;
		}
	}
	if (argc - optind != 1)
		return cli_error("usage: virt-import proxy check NAME [--json] "
		    "[--accept-host-key SHA256:...]") + 1;
	if ((p = proxy_find(argv[optind], &cause)) == NULL)
		return cli_fail(cause);
	pr = probe_run(p, accept, &cause);
	proxy_free(p);
	if (pr == NULL)
		return cli_fail(cause);
	for (i = 0; i < pr->nchecks; i++)
		bad |= pr->checks[i].level == PROBE_FAIL;
	if (json) {
		root = json_object_new_object();
		json_object_object_add(root, "proxy", proxy_jstr(argv[optind]));
		json_object_object_add(root, "host_key",
		    proxy_jstr(pr->fingerprint));
		json_object_object_add(root, "virt_v2v_version",
		    proxy_jstr(pr->version));
		caps = json_object_new_array();
		for (i = 0; i < pr->ncaps; i++)
			json_object_array_add(caps, proxy_jstr(pr->caps[i]));
		json_object_object_add(root, "capabilities", caps);
		json_object_object_add(root, "checks",
		    proxy_items_json(pr->checks, pr->nchecks));
		json_object_object_add(root, "verdicts",
		    proxy_items_json(pr->verdicts, pr->nverdicts));
		probe_free(pr);
		return cli_print_json(root) != 0 ? 1 : bad;
	}
	printf("proxy ");
	cli_print_safe(stdout, argv[optind], 0);
	printf(", host key %s\n", pr->fingerprint);
	for (i = 0; i < pr->nchecks; i++) {
		printf("  %-8s %-12s ", proxy_level_name(pr->checks[i].level),
		    pr->checks[i].name);
		cli_print_safe(stdout, pr->checks[i].text, 0);
		fputc('\n', stdout);
	}
	printf("can convert:\n");
	for (i = 0; i < pr->nverdicts; i++) {
		printf("  %-8s %-18s ", proxy_level_name(pr->verdicts[i].level),
		    pr->verdicts[i].name);
		cli_print_safe(stdout, pr->verdicts[i].text, 0);
		fputc('\n', stdout);
	}
	probe_free(pr);
	return bad;
}

/*
 * Run one command on a proxy, its words passed as they are: stdout and
 * stderr come back byte for byte and its exit status is ours.
 */
static int
proxy_run_cmd(int argc, char **argv)
{
	struct sshc_result r;
	struct sshc *s;
	struct proxy *p;
	const char *accept = NULL;
	char *cause = NULL;
	int i, rc;

	/* NAME, then options up to "--": the command's own never parse. */
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--accept-host-key") == 0 && i + 1 < argc)
			accept = argv[++i];
		else
			return cli_error("proxy run: unknown option '%s'",
			    argv[i]) + 1;
	}
	if (argc < 2 || i + 1 >= argc)
		return cli_error("usage: virt-import proxy run NAME "
		    "[--accept-host-key SHA256:...] -- COMMAND [ARG...]") + 1;
	if ((p = proxy_find(argv[1], &cause)) == NULL)
		return cli_fail(cause);
	s = sshc_connect(p, accept, &cause);
	proxy_free(p);
	if (s == NULL)
		return cli_fail(cause);
	if (sshc_run(s, (const char *const *)argv + i + 1, 600, &r,
	    &cause) != 0) {
		sshc_close(s);
		return cli_fail(cause);
	}
	sshc_close(s);
	fwrite(r.out, 1, r.out_len, stdout);
	fwrite(r.err, 1, r.err_len, stderr);
	fflush(stdout);
	if (r.truncated)
		cli_error("the output was cut at %d bytes", SSHC_OUTPUT_MAX);
	rc = r.status >= 0 && r.status < 256 ? r.status : 255;
	sshc_result_free(&r);
	return rc;
}

int
cmd_proxy(int argc, char **argv)
{
	char *cause = NULL;

	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return proxy_add_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return proxy_list_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return proxy_check_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return proxy_run_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "upload") == 0)
		return proxy_upload_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "job") == 0)
		return proxy_job_cmd(argc - 1, argv + 1);
	if (argc == 3 && strcmp(argv[1], "remove") == 0) {
		if (proxy_remove(argv[2], &cause) != 0)
			return cli_fail(cause);
		return 0;
	}
	return cli_error(PROXY_USAGE) + 1;
}
