/*
 * Unit tests: the Sources view's pure parts (form fields, environment
 * entries, proxy copies).  Host-key refusals come from sshc as data and are
 * tested against the lab's sshd (tests/tui/sources.sh).
 */
#include <stdlib.h>

#include "unit.h"
#include "tui.h"

static void
test_provider_fields(void)
{
	struct provider p;
	char *cause = NULL;

	memset(&p, 0, sizeof p);
	CHECK(sources_provider_set(&p, SF_NAME, "lab-dir", &cause) == 0);
	CHECK_STR(p.name, "lab-dir");
	CHECK(sources_provider_set(&p, SF_NAME, "bad name", &cause) == -1);
	CHECK_CAUSE("name with a space", cause, "character ' '");
	free(cause);
	cause = NULL;
	CHECK_STR(p.name, "lab-dir");

	CHECK(sources_provider_set(&p, SF_SPEC, "dir:/srv/vms", &cause) == 0);
	CHECK_STR(p.spec, "dir:/srv/vms");
	CHECK(sources_provider_set(&p, SF_SPEC, "nfs://x/y", &cause) == -1);
	CHECK_CAUSE("unknown scheme", cause, "is not a source");
	free(cause);
	cause = NULL;
	CHECK(sources_provider_set(&p, SF_SPEC, "other", &cause) == -1);
	CHECK_CAUSE("a provider's name", cause, "is a name, not a source");
	free(cause);
	cause = NULL;
	CHECK_STR(p.spec, "dir:/srv/vms");

	CHECK(sources_provider_set(&p, SF_PASSWORD_FILE, "/etc/pw", &cause) ==
	    0);
	CHECK_STR(p.password_file, "/etc/pw");
	CHECK(sources_provider_set(&p, SF_PASSWORD_FILE, "", &cause) == 0);
	CHECK(p.password_file == NULL);

	CHECK(sources_provider_set(&p, SF_CONNECTIONS, "8", &cause) == 0);
	CHECK(p.connections == 8);
	CHECK(sources_provider_set(&p, SF_CONNECTIONS, "65", &cause) == -1);
	CHECK_CAUSE("65 connections", cause, "from 1 to 64");
	free(cause);
	cause = NULL;
	CHECK(sources_provider_set(&p, SF_CONNECTIONS, "-1", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(p.connections == 8);
	CHECK(sources_provider_set(&p, SF_CONNECTIONS, "", &cause) == 0);
	CHECK(p.connections == 0);
	CHECK(sources_provider_set(&p, SF_PORT, "22", &cause) == -1);
	free(cause);
	free(p.name);
	free(p.spec);
}

static void
test_proxy_fields(void)
{
	struct proxy *p;
	char *cause = NULL;

	p = proxy_new("lab");
	proxy_add_env(p, "PATH=/x/bin:/usr/bin");
	proxy_add_env(p, "V2V_REPLAY_RC=0");
	CHECK(sources_proxy_set(p, SF_HOST, "127.0.0.1", &cause) == 0);
	CHECK(sources_proxy_set(p, SF_PORT, "2222", &cause) == 0);
	CHECK(p->port == 2222);
	CHECK(sources_proxy_set(p, SF_PORT, "70000", &cause) == -1);
	CHECK_CAUSE("port 70000", cause, "from 1 to 65535");
	free(cause);
	cause = NULL;
	CHECK(sources_proxy_set(p, SF_PORT, "22x", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(sources_proxy_set(p, SF_PORT, "", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(p->port == 2222);
	CHECK(sources_proxy_set(p, SF_MAX_JOBS, "0", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(sources_proxy_set(p, SF_JOB_DIR, "relative", &cause) == -1);
	CHECK_CAUSE("relative job dir", cause, "absolute path");
	free(cause);
	cause = NULL;
	CHECK(sources_proxy_set(p, SF_USER, "", &cause) == 0);
	CHECK(p->user == NULL);
	CHECK(sources_proxy_set(p, SF_KNOWN_HOSTS, "/k", &cause) == 0);
	CHECK_STR(p->known_hosts, "/k");
	CHECK(sources_proxy_set(p, SF_NAME, "-x", &cause) == -1);
	free(cause);
	cause = NULL;
	/* Editing fields keeps the environment. */
	CHECK(p->nenv == 2);
	CHECK_STR(p->env[0], "PATH=/x/bin:/usr/bin");
	CHECK(proxy_validate(p, NULL) == 0);
	CHECK(sources_proxy_set(p, SF_SPEC, "dir:/x", &cause) == -1);
	free(cause);
	proxy_free(p);
}

static void
test_proxy_env(void)
{
	struct proxy *p;
	char *cause = NULL;

	p = proxy_new("lab");
	CHECK(sources_proxy_set_env(p, 0, "A=1", &cause) == 0);
	CHECK(sources_proxy_set_env(p, 1, "B=2", &cause) == 0);
	CHECK(sources_proxy_set_env(p, 2, "C=3", &cause) == 0);
	CHECK(p->nenv == 3);
	/* Edited in place: order kept. */
	CHECK(sources_proxy_set_env(p, 1, "B=two", &cause) == 0);
	CHECK_STR(p->env[1], "B=two");
	/* Renamed onto another NAME: that one goes, no NAME twice. */
	CHECK(sources_proxy_set_env(p, 2, "A=again", &cause) == 0);
	CHECK(p->nenv == 2);
	CHECK_STR(p->env[0], "B=two");
	CHECK_STR(p->env[1], "A=again");
	/* Added with a NAME already there: replaces it. */
	CHECK(sources_proxy_set_env(p, 2, "B=3", &cause) == 0);
	CHECK(p->nenv == 2);
	CHECK_STR(p->env[0], "A=again");
	CHECK_STR(p->env[1], "B=3");
	CHECK(sources_proxy_set_env(p, 0, "1BAD=x", &cause) == -1);
	CHECK_CAUSE("bad env name", cause, "NAME=VALUE");
	free(cause);
	cause = NULL;
	CHECK(sources_proxy_set_env(p, 0, "NOEQUALS", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(sources_proxy_set_env(p, 5, "X=1", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(p->nenv == 2);
	CHECK(sources_proxy_set_env(p, 0, "", &cause) == 0);
	CHECK(p->nenv == 1);
	CHECK_STR(p->env[0], "B=3");
	/* Empty on the "add" row removes nothing. */
	CHECK(sources_proxy_set_env(p, 1, "", &cause) == 0);
	CHECK(p->nenv == 1);
	proxy_free(p);
}

static void
test_proxy_copy(void)
{
	struct proxy *p, *c;

	p = proxy_new("lab");
	p->host = xstrdup("h");
	p->port = 2222;
	p->user = xstrdup("u");
	p->key_file = xstrdup("/k");
	p->max_jobs = 5;
	free(p->job_dir);
	p->job_dir = xstrdup("/jobs");
	proxy_add_env(p, "PATH=/x");
	proxy_add_env(p, "V=1");
	c = sources_proxy_copy(p);
	proxy_free(p);
	CHECK_STR(c->name, "lab");
	CHECK_STR(c->host, "h");
	CHECK(c->port == 2222 && c->max_jobs == 5);
	CHECK_STR(c->user, "u");
	CHECK_STR(c->key_file, "/k");
	CHECK_STR(c->job_dir, "/jobs");
	CHECK(c->ssh_alias == NULL && c->known_hosts == NULL);
	CHECK(c->nenv == 2);
	CHECK_STR(c->env[1], "V=1");
	proxy_free(c);
}

int
main(void)
{
	RUN(test_provider_fields);
	RUN(test_proxy_fields);
	RUN(test_proxy_env);
	RUN(test_proxy_copy);
	return unit_done();
}
