/*
 * pfgather.c: everything pre-flight judges, gathered from the source and
 * the proxies: each VM read again from the source, each proxy the plan may
 * use checked (probe_run), and the destination as the first proxy reached
 * sees it (preflight_dest_read).  It blocks (SSH, source reads), so the
 * console runs it on a worker task; the command line runs it in line.  The
 * judge (preflight_judge) stays pure: it gets f->facts.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

/*
 * Can the job read this password file: a regular file, readable here, not
 * empty and within what a secret may be (1)?  -1 when it is all that but
 * the group or others can read it too (the job refuses it:
 * secret_file_check).  Checked without reading it, so the password is held
 * in memory only by the job that sends it.
 */
int
pfgather_readable(const char *path)
{
	struct stat sb;
	int fd, ok;

	if (path == NULL ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1)
		return 0;
	ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    sb.st_size <= 65536;
	close(fd);
	if (ok && (sb.st_mode & 077))
		return -1;
	return ok;
}

/*
 * The proxies the plan may use, once each, in order of first mention: the
 * items' own, then the plan's; "any" (or none named) stands for every
 * saved proxy.
 */
void
pfgather_proxy_names(const struct plan *plan, char ***names, size_t *n)
{
	struct proxy **list;
	const char *want;
	char *ignored = NULL;
	size_t i, k, nlist;

	*names = NULL;
	*n = 0;
	for (i = 0; i <= plan->nitems; i++) {
		want = i < plan->nitems ? plan->items[i].proxy : plan->proxy;
		if (want == NULL && i == plan->nitems)
			want = "any";	/* no proxy named: any saved one */
		if (want == NULL)
			continue;
		if (strcmp(want, "any") == 0) {
			if ((list = proxy_load(&nlist, &ignored)) == NULL) {
				free(ignored);
				ignored = NULL;
				continue;
			}
			for (k = 0; k < nlist; k++) {
				*names = xappend(*names, n, sizeof **names);
				(*names)[*n - 1] = xstrdup(list[k]->name);
			}
			proxy_list_free(list, nlist);
			continue;
		}
		*names = xappend(*names, n, sizeof **names);
		(*names)[*n - 1] = xstrdup(want);
	}
	/* Once each. */
	for (i = 0; i < *n; i++) {
		for (k = i + 1; k < *n;) {
			if (strcmp((*names)[i], (*names)[k]) == 0) {
				free((*names)[k]);
				(*names)[k] = (*names)[--*n];
			} else
				k++;
		}
	}
}

void
pfgather_free(struct pf_gather *f)
{
	size_t i;

	for (i = 0; i < f->nitems; i++) {
		vm_free(f->vms[i]);
		free(f->vm_errors[i]);
	}
	free(f->vms);
	free(f->vm_errors);
	for (i = 0; i < f->nproxies; i++) {
		probe_free(f->probes[i]);
		free(f->probe_errors[i]);
		free(f->names[i]);
	}
	free(f->names);
	free(f->probes);
	free(f->probe_errors);
	free(f->proxies);
	preflight_dest_free(f->dest);
	free(f->dest_error);
	memset(f, 0, sizeof *f);
}

/*
 * Everything pre-flight judges, into *f (pfgather_free frees it).  accept
 * is a host key fingerprint the user confirmed, or NULL: an unknown key is
 * then an error of that proxy, never accepted here.  stop (or NULL) is
 * asked before each VM and each proxy: once it says yes, the rest are not
 * looked at and say so (a console that quits does not wait for them).
 */
void
pfgather_run(const struct plan *plan, const char *accept,
    int (*stop)(void *), void *arg, struct pf_gather *f)
{
	struct proxy *p;
	struct sshc *c;
	char **names, *cause;
	size_t i, n;

	memset(f, 0, sizeof *f);
	f->nitems = plan->nitems;
	f->vms = xcalloc(plan->nitems + 1, sizeof *f->vms);
	f->vm_errors = xcalloc(plan->nitems + 1, sizeof *f->vm_errors);
	for (i = 0; i < plan->nitems; i++) {
		cause = NULL;
		if (stop != NULL && stop(arg))
			cause = xstrdup("not read: pre-flight was stopped");
		else
			f->vms[i] = source_inspect(plan->source,
			    plan->items[i].vm, &cause);
		f->vm_errors[i] = cause;
	}
	pfgather_proxy_names(plan, &names, &n);
	f->nproxies = n;
	f->probes = xcalloc(n + 1, sizeof *f->probes);
	f->probe_errors = xcalloc(n + 1, sizeof *f->probe_errors);
	f->proxies = xcalloc(n + 1, sizeof *f->proxies);
	for (i = 0; i < n; i++) {
		cause = NULL;
		f->proxies[i].name = names[i];
		if (stop != NULL && stop(arg))
			cause = xstrdup("not probed: pre-flight was stopped");
		else if ((p = proxy_find(names[i], &cause)) != NULL) {
			f->proxies[i].max_jobs = p->max_jobs;
			f->probes[i] = probe_run(p, accept, &cause);
			/* The destination, as the first proxy sees it. */
			if (f->probes[i] != NULL && f->dest == NULL &&
			    f->dest_error == NULL) {
				if ((c = sshc_connect(p, NULL,
				    &f->dest_error)) != NULL) {
					f->dest = preflight_dest_read(c, plan,
					    &f->dest_error);
					sshc_close(c);
				}
			}
			proxy_free(p);
		}
		f->probe_errors[i] = cause;
		f->proxies[i].probe = f->probes[i];
		f->proxies[i].error = cause;
	}
	f->names = names;
	if (f->dest == NULL) {
		f->nodest.reached = -1;
		f->nodest.error = f->dest_error != NULL ? f->dest_error :
		    "no proxy could be reached to look at it";
		f->nodest.free_bytes = -1;
		f->nodest.uefi = -1;
	}
	f->facts.vms = (const struct vm *const *)f->vms;
	f->facts.vm_errors = (const char *const *)f->vm_errors;
	f->facts.proxies = f->proxies;
	f->facts.nproxies = n;
	f->facts.dest = f->dest != NULL ? f->dest : &f->nodest;
	f->facts.source_password = pfgather_readable(
	    plan->source->password_file);
	f->facts.dest_password = pfgather_readable(plan->dest.password_file);
}

/*
 * `virsh pool-list --all --name`: one name a line, padded with spaces to
 * the longest (virsh 9 prints a table of one column), then a blank line.
 * The padding is not the name's: a libvirt name never ends in a space
 * that virsh would show apart from it.
 */
char **
pfgather_parse_pool_names(const char *text, size_t *n)
{
	const char *p = text, *end;
	char **v = NULL;
	size_t len;

	*n = 0;
	while (*p != '\0') {
		end = p + strcspn(p, "\n");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r' ||
		    p[len - 1] == '\t'))
			len--;
		if (len > 0) {
			v = xappend(v, n, sizeof *v);
			v[*n - 1] = xstrndup(p, len);
		}
		p = *end == '\n' ? end + 1 : end;
	}
	return v;
}

void
pfgather_pools_free(struct pf_pool *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].type);
		free(v[i].error);
	}
	free(v);
}

/*
 * The storage pools of libvirt at uri (NULL: virsh's default) as the proxy
 * sees it, for the console to choose from: each pool's type, whether it is
 * running and its free bytes.  Read-only virsh commands on the proxy, read
 * with the pre-flight parsers.  -1 and *cause when virsh cannot list them.
 */
int
pfgather_pools(struct sshc *c, const char *uri, struct pf_pool **pools,
    size_t *npools, char **cause)
{
	const char *argv[8];
	struct sshc_result r;
	struct pf_pool *p;
	char **names, *err, *path;
	size_t n, i, k;

	*pools = NULL;
	*npools = 0;
	k = 0;
	argv[k++] = "virsh";
	if (uri != NULL) {
		argv[k++] = "-c";
		argv[k++] = uri;
	}
	argv[k++] = "pool-list";
	argv[k++] = "--all";
	argv[k++] = "--name";
	argv[k] = NULL;
	if (sshc_run(c, argv, PF_TIMEOUT, &r, cause) != 0)
		return -1;
	if (r.status != 0) {
		err = preflight_parse_virsh_error(r.err);
		cause_set(cause, "cannot list the pools of %s on %s: %s: check "
		    "the URI%s", uri != NULL ? uri : "libvirt", sshc_where(c),
		    err, r.status == 127 ? " and install virsh there" : "");
		free(err);
		sshc_result_free(&r);
		return -1;
	}
	names = pfgather_parse_pool_names(r.out, &n);
	sshc_result_free(&r);
	*pools = xcalloc(n + 1, sizeof **pools);
	for (i = 0; i < n; i++) {
		p = &(*pools)[(*npools)++];
		p->name = names[i];
		names[i] = NULL;
		p->free_bytes = -1;
		argv[k - 3] = "pool-dumpxml";
		argv[k - 2] = "--pool";
		argv[k - 1] = p->name;
		if (sshc_run(c, argv, PF_TIMEOUT, &r, cause) != 0)
			goto fail;
		if (r.status == 0 && preflight_parse_pool_xml(r.out,
		    r.out_len, &p->type, &path, NULL) == 0)
			free(path);
		sshc_result_free(&r);
		argv[k - 3] = "pool-info";
		argv[k - 2] = "--bytes";
		argv[k - 1] = p->name;
		if (sshc_run(c, argv, PF_TIMEOUT, &r, cause) != 0)
			goto fail;
		if (r.status != 0 || preflight_parse_pool_info(r.out,
		    &p->active, &p->free_bytes, NULL) != 0)
			p->error = preflight_parse_virsh_error(r.err);
		sshc_result_free(&r);
	}
	preflight_strings_free(names, n);
	return 0;

fail:
	preflight_strings_free(names, n);
	pfgather_pools_free(*pools, *npools);
	*pools = NULL;
	*npools = 0;
	return -1;
}
