/*
 * proxy.c: a host that runs virt-v2v for us, reached over SSH (or this
 * machine itself, the "local" proxy).
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

struct proxy *
proxy_new(const char *name)
{
	struct proxy *p;

	p = xcalloc(1, sizeof *p);
	p->name = xstrdup(name);
	p->port = 22;
	p->max_jobs = 2;
	p->job_dir = xstrdup("/var/tmp/virt-import");
	return p;
}

/* This machine, when it has virt-v2v: the demo's proxy. */
struct proxy *
proxy_new_local(void)
{
	struct proxy *p;

	p = proxy_new("local");
	p->local = 1;
	p->host = xstrdup("localhost");
	p->max_jobs = 1;
	return p;
}

void
proxy_free(struct proxy *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->name);
	free(p->host);
	free(p->user);
	free(p->key_file);
	free(p->ssh_alias);
	free(p->job_dir);
	free(p->known_hosts);
	for (i = 0; i < p->nenv; i++)
		free(p->env[i]);
	free(p->env);
	free(p);
}

int
proxy_validate(const struct proxy *p, char **cause)
{
	size_t i;

	if (name_valid("proxy name", p->name, cause) != 0)
		return -1;
	if (!p->local && (p->host == NULL || *p->host == '\0') &&
	    p->ssh_alias == NULL) {
		cause_set(cause, "proxy '%s' has no host: give a host name or an "
		    "~/.ssh/config alias", p->name);
		return -1;
	}
	if (p->host != NULL && (p->host[0] == '-' ||
	    strpbrk(p->host, " \t\n\r'\"\\;&|$`") != NULL)) {
		cause_set(cause, "proxy '%s': '%s' is not a host name", p->name,
		    p->host);
		return -1;
	}
	if (p->port == 0 || p->port > 65535) {
		cause_set(cause, "proxy '%s': port %u is out of range: use 1 to "
		    "65535 (SSH is 22)", p->name, p->port);
		return -1;
	}
	if (p->max_jobs == 0) {
		cause_set(cause, "proxy '%s': at most 0 conversions at once "
		    "would run none: set max jobs to 1 or more", p->name);
		return -1;
	}
	for (i = 0; i < p->nenv; i++) {
		if (proxy_env_valid(p->env[i], cause) != 0) {
			cause_prefix(cause, "proxy '%s'", p->name);
			return -1;
		}
	}
	if (p->job_dir == NULL || p->job_dir[0] != '/') {
		cause_set(cause, "proxy '%s': the job directory must be an "
		    "absolute path on the proxy", p->name);
		return -1;
	}
	return 0;
}

/*
 * An environment word for virt-v2v on the proxy: NAME=VALUE with a shell
 * variable's name.  The value is data: a line of the job's env file
 * (rjob_start), or one argv word of env(1) for the probe and a dry run.
 */
int
proxy_env_valid(const char *w, char **cause)
{
	const char *p;

	for (p = w; *p != '\0' && *p != '='; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    *p == '_' || (p != w && *p >= '0' && *p <= '9')))
			break;
	}
	if (p == w || *p != '=') {
		cause_set(cause, "'%s' is not NAME=VALUE with NAME made of "
		    "letters, digits and '_' (like VIRT_V2V_TMPDIR=/srv/tmp)", w);
		return -1;
	}
	if (strchr(p, '\n') != NULL) {
		cause_set(cause, "the value of %.*s holds a newline: give it "
		    "on one line", (int)(p - w), w);
		return -1;
	}
	return 0;
}

/* Set NAME=VALUE, replacing an earlier value of NAME. */
void
proxy_add_env(struct proxy *p, const char *w)
{
	size_t i, n = strcspn(w, "=");

	for (i = 0; i < p->nenv; i++) {
		if (strncmp(p->env[i], w, n + 1) == 0) {
			free(p->env[i]);
			p->env[i] = xstrdup(w);
			return;
		}
	}
	p->env = xappend(p->env, &p->nenv, sizeof *p->env);
	p->env[p->nenv - 1] = xstrdup(w);
}
