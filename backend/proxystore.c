/*
 * proxystore.c: saved proxies.  Stored as JSON in $XDG_CONFIG_HOME/
 * virt-import/proxies.json through store.c (mode 0600, replaced atomically
 * under an flock), like providers.json.  A proxy holds paths
 * (key file, known_hosts), never a passphrase or a password.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backend.h"

#define PROXIES_VERSION 1

void
proxy_list_free(struct proxy **list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		proxy_free(list[i]);
	free(list);
}

static char *
proxy_jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static int
proxy_juint(struct json_object *o, const char *key, unsigned *out)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < 0 || n > 65535)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* Parse the file's text: a pure function, tested on broken input. */
struct proxy **
proxy_parse(const char *text, size_t *n, char **cause)
{
	struct json_object *root, *arr, *item, *ev, *w;
	struct proxy **list = NULL, *p;
	char *name, *s;
	size_t i, k, len;

	*n = 0;
	if ((root = store_parse(text, PROXIES_VERSION, "proxies", &arr, cause)) == NULL)
		return NULL;
	len = json_object_array_length(arr);
	for (i = 0; i < len; i++) {
		item = json_object_array_get_idx(arr, i);
		if ((name = proxy_jstr(item, "name")) == NULL) {
			cause_set(cause, "proxy %zu has no name", i + 1);
			goto bad;
		}
		p = proxy_new(name);
		free(name);
		list = xappend(list, n, sizeof *list);
		list[*n - 1] = p;
		p->host = proxy_jstr(item, "host");
		p->user = proxy_jstr(item, "user");
		p->key_file = proxy_jstr(item, "key_file");
		p->ssh_alias = proxy_jstr(item, "ssh_alias");
		p->known_hosts = proxy_jstr(item, "known_hosts");
		if ((s = proxy_jstr(item, "job_dir")) != NULL) {
			free(p->job_dir);
			p->job_dir = s;
		}
		if (json_object_object_get_ex(item, "env", &ev) &&
		    ev != NULL) {
			if (!json_object_is_type(ev, json_type_array)) {
				cause_set(cause, "proxy '%s': env is not a list "
				    "of NAME=VALUE strings", p->name);
				goto bad;
			}
			for (k = 0; k < json_object_array_length(ev); k++) {
				w = json_object_array_get_idx(ev, k);
				if (!json_object_is_type(w, json_type_string)) {
					cause_set(cause, "proxy '%s': env holds "
					    "something that is not a string",
					    p->name);
					goto bad;
				}
				proxy_add_env(p, json_object_get_string(w));
			}
		}
		if (json_object_object_get_ex(item, "local", &w) &&
		    json_object_get_boolean(w))
			p->local = 1;
		if (proxy_juint(item, "port", &p->port) != 0 ||
		    proxy_juint(item, "max_jobs", &p->max_jobs) != 0) {
			cause_set(cause, "proxy '%s': port or max_jobs is "
			    "not a small number", p->name);
			goto bad;
		}
		if (proxy_validate(p, cause) != 0)
			goto bad;
	}
	json_object_put(root);
	if (list == NULL)
		list = xcalloc(1, sizeof *list);	/* empty: no error */
	return list;

bad:
	proxy_list_free(list, *n);
	*n = 0;
	json_object_put(root);
	return NULL;
}

/* The saved proxies; an absent file is an empty list. */
struct proxy **
proxy_load(size_t *n, char **cause)
{
	struct proxy **list;
	char *path, *text;

	*n = 0;
	if ((text = store_read("proxies.json", &path, cause)) == NULL)
		return NULL;
	if (*text == '\0')
		list = xcalloc(1, sizeof *list);
	else if ((list = proxy_parse(text, n, cause)) == NULL)
		cause_prefix(cause, "%s is damaged: fix it or move it away",
		    path);
	free(text);
	free(path);
	return list;
}

static void
proxy_jadd(struct json_object *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_object_add(o, key, json_object_new_string(value));
}

static int
proxy_write(struct proxy **list, size_t n, char **cause)
{
	struct json_object *root, *arr, *o, *ev;
	const struct proxy *p;
	char *text;
	size_t i, k;
	int rc;

	root = json_object_new_object();
	json_object_object_add(root, "version",
	    json_object_new_int(PROXIES_VERSION));
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		p = list[i];
		o = json_object_new_object();
		proxy_jadd(o, "name", p->name);
		proxy_jadd(o, "host", p->host);
		json_object_object_add(o, "port", json_object_new_int(
		    (int)p->port));
		proxy_jadd(o, "user", p->user);
		proxy_jadd(o, "key_file", p->key_file);
		proxy_jadd(o, "ssh_alias", p->ssh_alias);
		proxy_jadd(o, "job_dir", p->job_dir);
		json_object_object_add(o, "max_jobs", json_object_new_int(
		    (int)p->max_jobs));
		proxy_jadd(o, "known_hosts", p->known_hosts);
		if (p->local)
			json_object_object_add(o, "local",
			    json_object_new_boolean(1));
		if (p->nenv > 0) {
			ev = json_object_new_array();
			for (k = 0; k < p->nenv; k++)
				json_object_array_add(ev,
				    json_object_new_string(p->env[k]));
			json_object_object_add(o, "env", ev);
		}
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "proxies", arr);
	xasprintf(&text, "%s\n", json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	rc = store_write("proxies.json", text, cause);
	free(text);
	return rc;
}

static char *
proxy_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int
proxy_check_path(const char *what, const char *path, char **cause)
{
	if (path != NULL && path[0] != '/') {
		cause_set(cause, "the %s must be an absolute path, not '%s'",
		    what, path);
		return -1;
	}
	return 0;
}

int
proxy_same(const struct proxy *a, const struct proxy *b)
{
	size_t i;

	if (!str_eq(a->name, b->name) || !str_eq(a->host, b->host) ||
	    a->port != b->port || !str_eq(a->user, b->user) ||
	    !str_eq(a->key_file, b->key_file) ||
	    !str_eq(a->ssh_alias, b->ssh_alias) ||
	    !str_eq(a->job_dir, b->job_dir) || a->max_jobs != b->max_jobs ||
	    !str_eq(a->known_hosts, b->known_hosts) || a->local != b->local ||
	    a->nenv != b->nenv)
		return 0;
	for (i = 0; i < a->nenv; i++) {
		if (!str_eq(a->env[i], b->env[i]))
			return 0;
	}
	return 1;
}

/* Does the saved list still hold was as an edit found it?  (provider.c) */
static int
proxy_unchanged(struct proxy **list, size_t n, const struct proxy *was,
    char **cause)
{
	size_t i;

	if (was == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->name, was->name) == 0)
			break;
	}
	return store_unchanged("proxy", was->name, i < n,
	    i < n && proxy_same(list[i], was), cause);
}

/*
 * Save (or with replace, overwrite) a proxy.  was, if not NULL, is the
 * saved one an edit started from: the save is refused if it changed since.
 */
int
proxy_add(const struct proxy *np, int replace, const struct proxy *was,
    char **cause)
{
	struct proxy **list, *p;
	size_t i, k, n;
	int lock, rc;

	if (proxy_validate(np, cause) != 0)
		return -1;
	if (strcmp(np->name, "local") == 0) {
		cause_set(cause, "'local' is this machine's built-in proxy: "
		    "choose another name");
		return -1;
	}
	if (proxy_check_path("key file", np->key_file, cause) != 0 ||
	    proxy_check_path("known_hosts file", np->known_hosts, cause) != 0)
		return -1;

	if ((lock = store_lock("proxies.json", cause)) == -1)
		return -1;
	if ((list = proxy_load(&n, cause)) == NULL) {
		close(lock);
		return -1;
	}
	if (proxy_unchanged(list, n, was, cause) != 0) {
		proxy_list_free(list, n);
		close(lock);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->name, np->name) == 0)
			break;
	}
	if (i < n && !replace) {
		cause_set(cause, "a proxy named '%s' exists: remove it first "
		    "or use --replace", np->name);
		proxy_list_free(list, n);
		close(lock);
		return -1;
	}
	if (i == n)
		list = xappend(list, &n, sizeof *list);
	else
		proxy_free(list[i]);
	list[i] = p = proxy_new(np->name);
	p->host = proxy_dup(np->host);
	p->port = np->port;
	p->user = proxy_dup(np->user);
	p->key_file = proxy_dup(np->key_file);
	p->ssh_alias = proxy_dup(np->ssh_alias);
	free(p->job_dir);
	p->job_dir = proxy_dup(np->job_dir);
	p->max_jobs = np->max_jobs;
	p->known_hosts = proxy_dup(np->known_hosts);
	p->local = np->local;
	for (k = 0; k < np->nenv; k++)
		proxy_add_env(p, np->env[k]);
	rc = proxy_write(list, n, cause);
	proxy_list_free(list, n);
	close(lock);
	return rc;
}

int
proxy_remove(const char *name, char **cause)
{
	struct proxy **list;
	size_t i, n;
	int lock, rc;

	if ((lock = store_lock("proxies.json", cause)) == -1)
		return -1;
	if ((list = proxy_load(&n, cause)) == NULL) {
		close(lock);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->name, name) == 0)
			break;
	}
	if (i == n) {
		cause_set(cause, "there is no proxy named '%s': 'virt-import "
		    "proxy list' shows them", name);
		rc = -1;
	} else {
		proxy_free(list[i]);
		memmove(&list[i], &list[i + 1], (n - i - 1) * sizeof *list);
		n--;
		rc = proxy_write(list, n, cause);
	}
	proxy_list_free(list, n);
	close(lock);
	return rc;
}

/* A saved proxy by name; the caller frees it. */
struct proxy *
proxy_find(const char *name, char **cause)
{
	struct proxy **list, *p = NULL;
	size_t i, n;

	if ((list = proxy_load(&n, cause)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->name, name) == 0) {
			p = list[i];
			list[i] = list[--n];
			break;
		}
	}
	/* "local" is this machine, always there (localproxy.c). */
	if (p == NULL && strcmp(name, "local") == 0)
		p = proxy_new_local();
	if (p == NULL)
		cause_set(cause, "there is no proxy named '%s': save it with "
		    "'virt-import proxy add %s HOST'", name, name);
	proxy_list_free(list, n);
	return p;
}
