/*
 * provider.c: saved sources ("providers"): a name for a source URL or path,
 * a reference to its credentials (a password file's path, never the
 * password), and options.  Stored as JSON in $XDG_CONFIG_HOME/virt-import/
 * providers.json, mode 0600, replaced atomically under a lock so two
 * virt-import processes cannot lose each other's changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backend.h"

#define PROVIDERS_VERSION 1

void
provider_list_free(struct provider *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].spec);
		free(list[i].password_file);
	}
	free(list);
}

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Parse the file's text: a pure function, tested on broken input. */
struct provider *
provider_parse(const char *text, size_t *n, char **cause)
{
	struct json_object *root, *arr, *v, *item;
	struct provider *list = NULL, *p;
	const char *name, *spec, *pw;
	size_t i, len;

	*n = 0;
	if ((root = store_parse(text, PROVIDERS_VERSION, "providers", &arr, cause)) == NULL)
		return NULL;
	len = json_object_array_length(arr);
	for (i = 0; i < len; i++) {
		item = json_object_array_get_idx(arr, i);
		name = jstr(item, "name");
		spec = jstr(item, "source");
		pw = jstr(item, "password_file");
		if (name == NULL || spec == NULL ||
		    name_valid("provider name", name, NULL) != 0) {
			cause_set(cause, "provider %zu has no valid name or "
			    "source", i + 1);
			provider_list_free(list, *n);
			*n = 0;
			json_object_put(root);
			return NULL;
		}
		list = xappend(list, n, sizeof *list);
		p = &list[*n - 1];
		p->name = xstrdup(name);
		p->spec = xstrdup(spec);
		p->password_file = pw != NULL ? xstrdup(pw) : NULL;
		if (json_object_object_get_ex(item, "connections", &v))
			p->connections = (unsigned)json_object_get_int(v);
	}
	json_object_put(root);
	if (list == NULL)
		list = xcalloc(1, sizeof *list);	/* empty, not an error */
	return list;
}

/* The saved providers; an absent file is an empty list. */
struct provider *
provider_load(size_t *n, char **cause)
{
	struct provider *list;
	char *path, *text;

	*n = 0;
	if ((text = store_read("providers.json", &path, cause)) == NULL)
		return NULL;
	if (*text == '\0')
		list = xcalloc(1, sizeof *list);
	else if ((list = provider_parse(text, n, cause)) == NULL)
		cause_prefix(cause, "%s is damaged: fix it or move it away", path);
	free(text);
	free(path);
	return list;
}

static int
provider_write(const struct provider *list, size_t n, char **cause)
{
	struct json_object *root, *arr, *o;
	char *text;
	size_t i;
	int rc;

	root = json_object_new_object();
	json_object_object_add(root, "version",
	    json_object_new_int(PROVIDERS_VERSION));
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "name",
		    json_object_new_string(list[i].name));
		json_object_object_add(o, "source",
		    json_object_new_string(list[i].spec));
		if (list[i].password_file != NULL)
			json_object_object_add(o, "password_file",
			    json_object_new_string(list[i].password_file));
		if (list[i].connections != 0)
			json_object_object_add(o, "connections",
			    json_object_new_int((int)list[i].connections));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "providers", arr);
	xasprintf(&text, "%s\n", json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	rc = store_write("providers.json", text, cause);
	free(text);
	return rc;
}

static int
check_password_file(const char *path, char **cause)
{
	if (path[0] != '/') {
		cause_set(cause, "the password file must be an absolute path, "
		    "not '%s'", path);
		return -1;
	}
	return secret_file_check("password file", path, -1, cause);
}

int
provider_same(const struct provider *a, const struct provider *b)
{
	return str_eq(a->name, b->name) && str_eq(a->spec, b->spec) &&
	    str_eq(a->password_file, b->password_file) &&
	    a->connections == b->connections;
}

/*
 * Does the saved list still hold was as it was when an edit began (NULL:
 * nothing to check)?  Another virt-import may have changed or removed it
 * since; saving over that would lose its change without a word.
 */
static int
provider_unchanged(const struct provider *list, size_t n,
    const struct provider *was, char **cause)
{
	size_t i;

	if (was == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, was->name) == 0)
			break;
	}
	return store_unchanged("source", was->name, i < n,
	    i < n && provider_same(&list[i], was), cause);
}

/*
 * Save (or with replace, overwrite) a provider.  was, if not NULL, is the
 * saved one an edit started from: the save is refused if it changed since.
 */
int
provider_add(const struct provider *np, int replace,
    const struct provider *was, char **cause)
{
	struct provider *list, *p = NULL;
	struct source *src;
	size_t i, n;
	int lock, rc;

	if (name_valid("provider name", np->name, cause) != 0)
		return -1;
	if (strcmp(np->name, "demo") == 0) {
		cause_set(cause, "'demo' is the built-in demo source: choose "
		    "another name");
		return -1;
	}
	if ((src = source_parse(np->spec, cause)) == NULL)
		return -1;
	if (src->kind == SOURCE_PROVIDER) {
		cause_set(cause, "a provider must name a URI or a PATH, not "
		    "another provider ('%s')", np->spec);
		source_free(src);
		return -1;
	}
	source_free(src);
	if (np->password_file != NULL &&
	    check_password_file(np->password_file, cause) != 0)
		return -1;

	if ((lock = store_lock("providers.json", cause)) == -1)
		return -1;
	if ((list = provider_load(&n, cause)) == NULL) {
		close(lock);
		return -1;
	}
	if (provider_unchanged(list, n, was, cause) != 0) {
		provider_list_free(list, n);
		close(lock);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, np->name) == 0)
			p = &list[i];
	}
	if (p != NULL && !replace) {
		cause_set(cause, "a provider named '%s' exists: remove it first "
		    "or use --replace", np->name);
		provider_list_free(list, n);
		close(lock);
		return -1;
	}
	if (p == NULL) {
		list = xappend(list, &n, sizeof *list);
		p = &list[n - 1];
		p->name = xstrdup(np->name);
	} else {
		free(p->spec);
		free(p->password_file);
	}
	p->spec = xstrdup(np->spec);
	p->password_file = np->password_file != NULL ?
	    xstrdup(np->password_file) : NULL;
	p->connections = np->connections;
	rc = provider_write(list, n, cause);
	provider_list_free(list, n);
	close(lock);
	return rc;
}

int
provider_remove(const char *name, char **cause)
{
	struct provider *list;
	size_t i, n;
	int lock, rc;

	if ((lock = store_lock("providers.json", cause)) == -1)
		return -1;
	if ((list = provider_load(&n, cause)) == NULL) {
		close(lock);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, name) == 0)
			break;
	}
	if (i == n) {
		cause_set(cause, "there is no provider named '%s': 'virt-import "
		    "provider list' shows them", name);
		rc = -1;
	} else {
		free(list[i].name);
		free(list[i].spec);
		free(list[i].password_file);
		memmove(&list[i], &list[i + 1], (n - i - 1) * sizeof *list);
		n--;
		rc = provider_write(list, n, cause);
	}
	provider_list_free(list, n);
	close(lock);
	return rc;
}

/* The source a saved provider stands for. */
struct source *
provider_source(const char *name, char **cause)
{
	struct provider *list;
	struct source *src = NULL;
	size_t i, n;

	if ((list = provider_load(&n, cause)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, name) != 0)
			continue;
		if ((src = source_parse(list[i].spec, cause)) == NULL)
			cause_prefix(cause, "provider '%s'", name);
		else if (src->kind == SOURCE_PROVIDER) {
			cause_set(cause, "provider '%s' names another provider",
			    name);
			source_free(src);
			src = NULL;
		} else {
			src->name = xstrdup(name);
			if (list[i].password_file != NULL)
				src->password_file =
				    xstrdup(list[i].password_file);
			src->connections = list[i].connections;
		}
		break;
	}
	if (i == n)
		cause_set(cause, "'%s' is neither a saved provider nor a source: "
		    "save it with 'virt-import provider add %s SOURCE', or give "
		    "a URI or ova:/vmx:/xml:/dir:/export: PATH", name, name);
	provider_list_free(list, n);
	return src;
}
