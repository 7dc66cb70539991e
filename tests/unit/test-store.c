/*
 * Unit tests: the saved providers and proxies when two virt-imports change
 * them.  An edit carries the record it started from; the save is refused,
 * and the file left as the other process wrote it, when that record was
 * changed or removed meanwhile.  Without it (the command line) a save
 * replaces as before.
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

static struct provider
provider_make(const char *name, const char *spec, unsigned connections)
{
	struct provider p;

	memset(&p, 0, sizeof p);
	p.name = xstrdup(name);
	p.spec = xstrdup(spec);
	p.connections = connections;
	return p;
}

static void
provider_clear(struct provider *p)
{
	free(p->name);
	free(p->spec);
	free(p->password_file);
}

/* The saved provider name's connections, or -1 when it is not saved. */
static int
provider_saved(const char *name)
{
	struct provider *list;
	char *cause = NULL;
	size_t i, n;
	int found = -1;

	if ((list = provider_load(&n, &cause)) == NULL) {
		free(cause);
		return -2;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, name) == 0)
			found = (int)list[i].connections;
	}
	provider_list_free(list, n);
	return found;
}

static void
test_provider_edit(void)
{
	struct provider was = provider_make("src", "dir:/srv/a", 1);
	struct provider other = provider_make("src", "dir:/srv/a", 2);
	struct provider mine = provider_make("src", "dir:/srv/b", 3);
	struct provider renamed = provider_make("src2", "dir:/srv/b", 4);
	char *cause = NULL;

	CHECK(provider_add(&was, 0, NULL, &cause) == 0);
	CHECK(provider_same(&was, &was));
	CHECK(!provider_same(&was, &other));
	/* Unchanged since the edit began: saved. */
	CHECK(provider_add(&mine, 1, &was, &cause) == 0);
	CHECK(provider_saved("src") == 3);
	/* Another process saved it meanwhile: refused, theirs stays. */
	CHECK(provider_add(&other, 1, NULL, &cause) == 0);
	CHECK(provider_add(&mine, 1, &was, &cause) == -1);
	CHECK_CAUSE("edit", cause, "was changed by another virt-import");
	CHECK_CAUSE("edit", cause, "edit it again");
	free(cause);
	cause = NULL;
	CHECK(provider_saved("src") == 2);
	/* A rename checks the record it started from too. */
	CHECK(provider_add(&renamed, 0, &was, &cause) == -1);
	CHECK(provider_saved("src2") == -1);
	free(cause);
	cause = NULL;
	CHECK(provider_add(&renamed, 0, &other, &cause) == 0);
	CHECK(provider_saved("src2") == 4);
	/* Removed meanwhile: refused, not brought back. */
	CHECK(provider_remove("src", &cause) == 0);
	CHECK(provider_add(&mine, 1, &other, &cause) == -1);
	CHECK_CAUSE("edit", cause, "was removed by another virt-import");
	free(cause);
	cause = NULL;
	CHECK(provider_saved("src") == -1);
	provider_clear(&was);
	provider_clear(&other);
	provider_clear(&mine);
	provider_clear(&renamed);
}

static struct proxy *
proxy_make(const char *name, const char *host, const char *env)
{
	struct proxy *p = proxy_new(name);

	p->host = xstrdup(host);
	if (env != NULL)
		proxy_add_env(p, env);
	return p;
}

static void
test_proxy_edit(void)
{
	struct proxy *was = proxy_make("px", "192.0.2.1", "A=1");
	struct proxy *other = proxy_make("px", "192.0.2.1", "A=2");
	struct proxy *mine = proxy_make("px", "192.0.2.9", "A=1");
	struct proxy **list;
	char *cause = NULL;
	size_t n;

	CHECK(proxy_add(was, 0, NULL, &cause) == 0);
	CHECK(proxy_same(was, was));
	CHECK(!proxy_same(was, other));
	CHECK(!proxy_same(was, mine));
	CHECK(proxy_add(mine, 1, was, &cause) == 0);
	CHECK(proxy_add(other, 1, NULL, &cause) == 0);
	CHECK(proxy_add(mine, 1, was, &cause) == -1);
	CHECK_CAUSE("edit", cause, "proxy 'px' was changed by another virt-import");
	free(cause);
	cause = NULL;
	if ((list = proxy_load(&n, &cause)) != NULL) {
		CHECK(n == 1 && proxy_same(list[0], other));
		proxy_list_free(list, n);
	} else {
		unit_fail(__FILE__, __LINE__, cause);
		free(cause);
		cause = NULL;
	}
	CHECK(proxy_remove("px", &cause) == 0);
	CHECK(proxy_add(mine, 1, other, &cause) == -1);
	CHECK_CAUSE("edit", cause, "was removed by another virt-import");
	free(cause);
	proxy_free(was);
	proxy_free(other);
	proxy_free(mine);
}

int
main(void)
{
	char *dir = unit_tmp_path("store-XXXXXX");

	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	setenv("XDG_CONFIG_HOME", dir, 1);
	RUN(test_provider_edit);
	RUN(test_proxy_edit);
	unsetenv("XDG_CONFIG_HOME");
	free(dir);
	return unit_done();
}
