/*
 * cmd-provider.c: virt-import provider add|list|remove.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

static int
provider_add_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-file", required_argument, NULL, 'p' },
		{ "connections", required_argument, NULL, 'c' },
		{ "replace", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct provider p;
	char *cause = NULL, *end;
	int c, replace = 0, rc;
	long v;

	memset(&p, 0, sizeof p);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			p.password_file = optarg;
			break;
		case 'c':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 64)
				return cli_error("--connections takes 1 to 64, "
				    "not '%s'", optarg) + 1;
			p.connections = (unsigned)v;
			break;
		case 'r':
			replace = 1;
			break;
		default:
			return cli_error("provider add: unknown option '%s'",
			    argv[optind - 1]) + 1;
		}
	}
	if (argc - optind != 2)
		return cli_error("usage: virt-import provider add NAME SOURCE "
		    "[--password-file FILE] [--connections N] [--replace]") + 1;
	p.name = argv[optind];
	p.spec = argv[optind + 1];
	if (provider_add(&p, replace, NULL, &cause) != 0) {
		rc = cli_error("%s", cause);
		free(cause);
		return rc;
	}
	return 0;
}

static int
provider_list_cmd(int argc, char **argv)
{
	struct json_object *root, *arr, *o;
	struct provider *list;
	char *cause = NULL;
	size_t i, n;
	int json = argc == 2 && strcmp(argv[1], "--json") == 0;

	if (argc > 2 || (argc == 2 && !json))
		return cli_error("usage: virt-import provider list [--json]") + 1;
	if ((list = provider_load(&n, &cause)) == NULL) {
		cli_error("%s", cause);
		free(cause);
		return 1;
	}
	if (json) {
		root = json_object_new_object();
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			json_object_object_add(o, "name",
			    json_object_new_string(list[i].name));
			json_object_object_add(o, "source",
			    json_object_new_string(list[i].spec));
			json_object_object_add(o, "password_file",
			    list[i].password_file != NULL ?
			    json_object_new_string(list[i].password_file) :
			    NULL);
			json_object_object_add(o, "connections",
			    json_object_new_int((int)list[i].connections));
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "providers", arr);
		provider_list_free(list, n);
		return cli_print_json(root);
	}
	printf("%-20s %s\n", "NAME", "SOURCE");
	for (i = 0; i < n; i++) {
		printf("%-20s ", list[i].name);
		cli_print_safe(stdout, list[i].spec, 0);
		fputc('\n', stdout);
	}
	provider_list_free(list, n);
	return 0;
}

int
cmd_provider(int argc, char **argv)
{
	char *cause = NULL;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return provider_add_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return provider_list_cmd(argc - 1, argv + 1);
	if (argc == 3 && strcmp(argv[1], "remove") == 0) {
		if (provider_remove(argv[2], &cause) != 0) {
			rc = cli_error("%s", cause);
			free(cause);
			return rc;
		}
		return 0;
	}
	return cli_error("usage: virt-import provider add NAME SOURCE [...] | "
	    "list [--json] | remove NAME") + 1;
}
