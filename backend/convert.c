/*
 * convert.c: the blocking steps of one conversion, each run on a worker
 * thread with its own SSH connection (engine.c keeps the shared one for
 * following logs):
 *
 *	start	 inspect the source VM, copy local files to the proxy, check
 *		 that nothing at the destination bears the target's names,
 *		 build virt-v2v's command and start it as a remote job whose
 *		 secrets (passwords, CA) are written over SFTP
 *	finish	 read back what virt-v2v wrote: the domain (defined, for
 *		 libvirt) and each disk's format and sizes
 *	clean	 after a failure or a cancel: stop the remote job, remove the
 *		 partial output (files and volumes named after the target,
 *		 which the start check proved were not there before) and the
 *		 uploaded copies
 *
 * Every remote command is an argv (sshc_command quotes each word); the
 * scripts below take names only as positional parameters.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backend.h"

#define CONVERT_SECRET_MAX	(64 * 1024)

/*
 * $1 kind (local|libvirt) $2 dir or URI $3 pool $4 target.  Prints the
 * names that would clash, one a line; exit 0 either way, 2 when the
 * destination cannot be read.
 */
static const char convert_clash_sh[] =
"kind=$1 where=$2 pool=$3 t=$4\n"
"case $kind in\n"
"local)\n"
"\t[ -d \"$where\" ] || { echo \"no folder $where\" >&2; exit 2; }\n"
"\t[ -w \"$where\" ] || { echo \"$where is not writable\" >&2; exit 2; }\n"
"\tfor f in \"$where/$t.xml\" \"$where/$t\"-sd*; do\n"
"\t\t[ -e \"$f\" ] && printf '%s\\n' \"$f\"\n"
"\tdone\n"
"\t;;\n"
"libvirt)\n"
"\tvirsh -q -c \"$where\" pool-info -- \"$pool\" >/dev/null || exit 2\n"
"\tvirsh -q -c \"$where\" dominfo -- \"$t\" >/dev/null 2>&1 &&\n"
"\t    printf 'domain %s\\n' \"$t\"\n"
"\tfor x in a b c d e f g h i j k l m n o p q r s t u v w x y z; do\n"
"\t\tvirsh -q -c \"$where\" vol-info --pool \"$pool\" -- \"$t-sd$x\" \\\n"
"\t\t    >/dev/null 2>&1 || break\n"
"\t\tprintf 'volume %s\\n' \"$t-sd$x\"\n"
"\tdone\n"
"\t;;\n"
"esac\n"
"exit 0\n";

/*
 * $1 kind $2 dir or URI $3 pool $4 target $5 uploads folder ("" none)
 * $6 the remote job's folder ("" none).  Removes what a failed or
 * cancelled conversion left.
 */
static const char convert_clean_sh[] =
"kind=$1 where=$2 pool=$3 t=$4 up=$5 jd=$6\n"
"case $kind in\n"
"local)\n"
"\trm -f -- \"$where/$t.xml\" \"$where/$t\"-sd*\n"
"\t;;\n"
"libvirt)\n"
"\tif virsh -q -c \"$where\" dominfo -- \"$t\" >/dev/null 2>&1; then\n"
"\t\tvirsh -q -c \"$where\" undefine --nvram -- \"$t\" >/dev/null ||\n"
"\t\t    virsh -q -c \"$where\" undefine -- \"$t\" >/dev/null\n"
"\tfi\n"
"\tfor x in a b c d e f g h i j k l m n o p q r s t u v w x y z; do\n"
"\t\tvirsh -q -c \"$where\" vol-delete --pool \"$pool\" -- \"$t-sd$x\" \\\n"
"\t\t    >/dev/null 2>&1 || break\n"
"\tdone\n"
"\t;;\n"
"esac\n"
"[ -n \"$up\" ] && rm -rf -- \"$up\"\n"
"[ -n \"$jd\" ] && rm -rf -- \"$jd\"\n"
"exit 0\n";

/* Where the files of job id are copied on proxy p: JOB_DIR/uploads/ID. */
char *
convert_upload_dir(const struct proxy *p, const char *id)
{
	char *up, *d;

	up = rjob_remote_dir(p, "uploads");
	xasprintf(&d, "%s/%s", up, id);
	free(up);
	return d;
}

static struct plan *
convert_plan(const struct job *job, char **cause)
{
	struct plan *plan;

	if (job->plan == NULL) {
		cause_set(cause, "job %s has no plan (damaged record)", job->id);
		return NULL;
	}
	if ((plan = planjson_parse(job->plan, strlen(job->plan), cause)) ==
	    NULL) {
		cause_prefix(cause, "job %s", job->id);
		return NULL;
	}
	if (plan->nitems != 1) {
		cause_set(cause, "job %s holds %zu VMs, not one (damaged "
		    "record)", job->id, plan->nitems);
		plan_free(plan);
		return NULL;
	}
	return plan;
}

/* Read a small local file (a password, a CA) to send as a secret. */
static char *
convert_read_secret(const char *what, const char *path, int private,
    size_t *len, char **cause)
{
	char *text;

	/* A CA certificate is public; a password is not. */
	if (private &&
	    secret_file_check("password file", path, -1, cause) != 0) {
		cause_prefix(cause, "the %s", what);
		return NULL;
	}
	if ((text = store_read_path(path, CONVERT_SECRET_MAX, cause)) == NULL) {
		cause_prefix(cause, "the %s", what);
		return NULL;
	}
	if (*text == '\0') {
		cause_set(cause, "the %s file %s is missing or empty: write it "
		    "(mode 0600) or fix the plan", what, path);
		free(text);
		return NULL;
	}
	*len = strlen(text);
	return text;
}

/*
 * Add the local file path as secret name: read here, written on the proxy
 * as dir/secrets/name; *remote gets that path.
 */
static int
convert_add_secret(struct rjob_secret *sec, size_t *nsec, char **data,
    char **paths, const char *rdir, const char *name, const char *what,
    const char *path, const char **remote, char **cause)
{
	size_t len;

	if ((data[*nsec] = convert_read_secret(what, path,
	    strcmp(name, "dest-ca") != 0, &len, cause)) == NULL)
		return -1;
	sec[*nsec].name = name;
	sec[*nsec].data = data[*nsec];
	sec[*nsec].len = len;
	paths[*nsec] = rjob_secret_path(rdir, name);
	*remote = paths[*nsec];
	(*nsec)++;
	return 0;
}

/* Where the local file source goes through upload_source, or NULL. */
static char *
convert_upload_spec(const struct plan *plan, const struct vm *vm,
    char **cause)
{
	const struct source *s = plan->source;
	const char *path = s->location, *dot;
	char *spec;

	if (plan->source_on_proxy || s->kind == SOURCE_LIBVIRT)
		return xstrdup("");
	if (s->kind == SOURCE_DIR && vm->origin != NULL) {
		xasprintf(&spec, "%s/%s", s->location, vm->origin);
		dot = strrchr(vm->origin, '.');
		if (dot != NULL && (strcmp(dot, ".ova") == 0 ||
		    strcmp(dot, ".xml") == 0)) {
			char *t;

			xasprintf(&t, "%s:%s", strcmp(dot, ".ova") == 0 ?
			    "ova" : "xml", spec);
			free(spec);
			return t;
		}
		free(spec);
	} else if (s->kind == SOURCE_OVA || s->kind == SOURCE_XML) {
		xasprintf(&spec, "%s:%s", s->kind == SOURCE_OVA ? "ova" : "xml",
		    path);
		return spec;
	}
	cause_set(cause, "VM '%s' comes from %s, which virt-import cannot copy "
	    "to a proxy (it copies OVA files and libvirt XML with disks): put "
	    "the files on the proxy and set \"on_proxy\" in the plan's source",
	    vm->name, path);
	return NULL;
}

/* 0 when nothing at the destination has the target's names. */
static int
convert_check_clash(struct sshc *c, const struct plan *plan,
    const struct plan_item *it, char **cause)
{
	const char *argv[9];
	struct sshc_result r;
	const char *kind;
	int rc = -1;

	if (plan->dest.kind == OUTPUT_LOCAL)
		kind = "local";
	else if (plan->dest.kind == OUTPUT_LIBVIRT)
		kind = "libvirt";
	else
		return 0;	/* the engine says so itself */
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = convert_clash_sh;
	argv[3] = "sh";
	argv[4] = kind;
	argv[5] = plan->dest.kind == OUTPUT_LOCAL ?
	    plan_item_storage(plan, it, 0) : plan->dest.uri;
	argv[6] = plan->dest.kind == OUTPUT_LOCAL ? "" :
	    plan_item_storage(plan, it, 0);
	argv[7] = it->target;
	argv[8] = NULL;
	if (argv[5] == NULL || argv[6] == NULL) {
		cause_set(cause, "the plan names no %s for VM '%s'",
		    plan->dest.kind == OUTPUT_LOCAL ? "output folder" :
		    "libvirt URI or pool", it->vm);
		return -1;
	}
	if (sshc_run(c, argv, 120, &r, cause) != 0)
		return -1;
	if (r.status != 0)
		cause_set(cause, "cannot read the destination %s%s%s from %s: "
		    "%.*s", argv[5], *argv[6] != '\0' ? " pool " : "", argv[6],
		    sshc_where(c), (int)(r.err_len > 400 ? 400 : r.err_len),
		    r.err_len > 0 ? r.err : "no message");
	else if (r.out_len > 0)
		cause_set(cause, "the destination already has %.*s, named like "
		    "the target '%s': choose another target name, or remove "
		    "them if they are left from an earlier import",
		    (int)strcspn(r.out, "\n"), r.out, it->target);
	else
		rc = 0;
	sshc_result_free(&r);
	return rc;
}

/*
 * Start job's conversion on proxy p.  progress (may be NULL) hears about
 * uploads.  Returns the started remote job (recorded locally).  On failure
 * *again says whether the same start may simply be tried again: the
 * connection could not be made or was lost, and that before the start
 * script was sent, so nothing can run on the proxy (uploads continue
 * their .part; the job folder is made anew).
 */
struct rjob *
convert_start(const struct job *job, const struct proxy *p,
    struct upload_progress *pg, int *again, char **cause)
{
	struct plan *plan;
	struct plan_item *it;
	struct vm *vm = NULL;
	struct sshc *c = NULL;
	struct rjob *rj = NULL;
	struct rjob_secret sec[3];
	struct v2v_where where;
	struct upload_result *res = NULL;
	char *spec = NULL, *updir = NULL, *rdir, *data[3] = { NULL };
	char *paths[3] = { NULL }, **argv = NULL;
	const char **env = NULL;
	const char *words[] = { "rm", "-rf", "--", NULL, NULL };
	struct sshc_result r;
	size_t nres = 0, nsec = 0, i;
	int launching = 0;

	*again = 0;
	if ((plan = convert_plan(job, cause)) == NULL)
		return NULL;
	it = &plan->items[0];
	rdir = rjob_remote_dir(p, job->id);
	/*
	 * An OVA's manifest is checked here, before it is copied: virt-v2v
	 * checks it too, but only once the whole file is on the proxy.
	 */
	if (plan->source->kind == SOURCE_OVA && !plan->source_on_proxy)
		plan->source->verify = 1;
	if ((vm = source_inspect(plan->source, it->vm, cause)) == NULL) {
		cause_prefix(cause, "reading VM '%s' from the source", it->vm);
		goto out;
	}
	if ((spec = convert_upload_spec(plan, vm, cause)) == NULL)
		goto out;
	if ((c = sshc_connect(p, NULL, cause)) == NULL) {
		*again = sshc_dropped();
		goto out;
	}
	if (convert_check_clash(c, plan, it, cause) != 0)
		goto out;
	memset(&where, 0, sizeof where);
	if (*spec != '\0') {
		updir = convert_upload_dir(p, job->id);
		if (upload_source(c, spec, updir, pg, &res, &nres, cause) != 0)
			goto out;
		where.input = res[nres - 1].remote;
	}
	if (plan->source->password_file != NULL &&
	    convert_add_secret(sec, &nsec, data, paths, rdir,
	    "source-password", "source password", plan->source->password_file,
	    &where.source_password, cause) != 0)
		goto out;
	if (plan->dest.kind == OUTPUT_OVIRT_UPLOAD) {
		if (plan->dest.password_file == NULL ||
		    plan->dest.ca_file == NULL) {
			cause_set(cause, "the oVirt destination needs "
			    "password_file and ca_file in the plan");
			goto out;
		}
		if (convert_add_secret(sec, &nsec, data, paths, rdir,
		    "dest-password", "engine password",
		    plan->dest.password_file, &where.dest_password,
		    cause) != 0 ||
		    convert_add_secret(sec, &nsec, data, paths, rdir,
		    "dest-ca", "engine CA", plan->dest.ca_file, &where.dest_ca,
		    cause) != 0)
			goto out;
	}
	/* The proxy's env goes to the job in a file, not on its command
	   line (rjob_start), so where.env stays NULL. */
	if (p->nenv > 0) {
		env = xcalloc(p->nenv + 1, sizeof *env);
		for (i = 0; i < p->nenv; i++)
			env[i] = p->env[i];
	}
	argv = v2v_argv(plan, it, vm, &where, cause);
	if (argv == NULL)
		goto out;
	/* A start that died half-way (no local record) left a folder. */
	words[3] = rdir;
	if (sshc_run(c, words, 60, &r, cause) != 0)
		goto out;
	sshc_result_free(&r);
	launching = 1;
	rj = rjob_start(c, p, job->id, (const char *const *)argv, sec, nsec,
	    env, cause);
out:
	free(env);
	if (rj == NULL && c != NULL && !launching && sshc_lost(c))
		*again = 1;
	for (i = 0; i < nsec; i++) {
		if (data[i] != NULL)
			explicit_bzero(data[i], strlen(data[i]));
		free(data[i]);
		free(paths[i]);
	}
	v2v_argv_free(argv);
	upload_results_free(res, nres);
	sshc_close(c);
	free(updir);
	free(spec);
	free(rdir);
	vm_free(vm);
	plan_free(plan);
	return rj;
}

/* ----------------------------------------------------------- reading back */

/* "virtual-size", "actual-size" and "format" of `qemu-img info --output=json`. */
int
convert_parse_qemu_img(const char *text, size_t len, struct job_disk *d,
    char **cause)
{
	struct json_tokener *tok;
	struct json_object *o, *v;
	int rc = -1;

	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "virtual-size", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0) {
		cause_set(cause, "qemu-img info gave no virtual size");
		goto out;
	}
	d->virtual_size = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "actual-size", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0)
		d->actual_size = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "format", &v) &&
	    json_object_is_type(v, json_type_string)) {
		free(d->format);
		d->format = xstrdup(json_object_get_string(v));
	}
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* "Capacity:" and "Allocation:" of `virsh vol-info --bytes`. */
int
convert_parse_vol_info(const char *text, struct job_disk *d, char **cause)
{
	const char *p;
	unsigned long long v;
	int have = 0;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (sscanf(p, "Capacity: %llu bytes", &v) == 1) {
			d->virtual_size = v;
			have |= 1;
		} else if (sscanf(p, "Allocation: %llu bytes", &v) == 1) {
			d->actual_size = v;
			have |= 2;
		}
	}
	if (have != 3) {
		cause_set(cause, "virsh vol-info gave no capacity and "
		    "allocation");
		return -1;
	}
	return 0;
}

/* Run argv on c; its stdout, or NULL with a cause naming what. */
static char *
convert_output(struct sshc *c, const char *const *argv, const char *what,
    size_t *len, char **cause)
{
	struct sshc_result r;
	char *out;

	if (sshc_run(c, argv, 120, &r, cause) != 0)
		return NULL;
	if (r.status != 0) {
		cause_set(cause, "%s failed on %s: %.*s", what, sshc_where(c),
		    (int)(r.err_len > 400 ? 400 : r.err_len), r.err_len > 0 ?
		    r.err : "no message");
		sshc_result_free(&r);
		return NULL;
	}
	out = r.out;
	*len = r.out_len;
	r.out = NULL;
	sshc_result_free(&r);
	return out;
}

/* argv begins "virsh -q -c URI"; returns the index of the next word. */
static size_t
convert_virsh(const char **argv, const char *uri)
{
	argv[0] = "virsh";
	argv[1] = "-q";
	argv[2] = "-c";
	argv[3] = uri;
	return 4;
}

/* The domain XML virt-v2v wrote (local) or defined (libvirt). */
static struct vm *
convert_read_domain(struct sshc *c, const struct plan *plan,
    const struct plan_item *it, char **cause)
{
	const char *argv[8];
	char *path = NULL, *xml, *what;
	struct vm *vm;
	size_t len, n;

	if (plan->dest.kind == OUTPUT_LOCAL) {
		xasprintf(&path, "%s/%s.xml", plan_item_storage(plan, it, 0),
		    it->target);
		argv[0] = "cat";
		argv[1] = "--";
		argv[2] = path;
		argv[3] = NULL;
		xasprintf(&what, "reading %s", path);
	} else {
		n = convert_virsh(argv, plan->dest.uri);
		argv[n++] = "dumpxml";
		argv[n++] = "--";
		argv[n++] = it->target;
		argv[n] = NULL;
		xasprintf(&what, "virt-v2v ended well, but the domain '%s' is "
		    "not defined at %s (virt-v2v only warns when it cannot "
		    "define it: see the warnings in the log); virsh dumpxml",
		    it->target, plan->dest.uri);
	}
	xml = convert_output(c, argv, what, &len, cause);
	free(what);
	free(path);
	if (xml == NULL)
		return NULL;
	vm = domxml_parse(xml, len, cause);
	free(xml);
	if (vm == NULL)
		cause_prefix(cause, "the converted domain '%s'", it->target);
	return vm;
}

/*
 * After virt-v2v succeeded: read back the domain and each disk's sizes.
 * *disks gets one entry a disk; *result says what was checked.
 */
int
convert_finish(const struct job *job, const struct proxy *p,
    struct job_disk **disks, size_t *ndisks, char **result, char **cause)
{
	struct plan *plan;
	struct plan_item *it;
	struct sshc *c = NULL;
	struct vm *vm = NULL;
	struct job_disk *d;
	const char *argv[11];
	char *out;
	size_t i, len, n;
	int rc = -1;

	*disks = NULL;
	*ndisks = 0;
	*result = NULL;
	if ((plan = convert_plan(job, cause)) == NULL)
		return -1;
	it = &plan->items[0];
	if (plan->dest.kind != OUTPUT_LOCAL &&
	    plan->dest.kind != OUTPUT_LIBVIRT) {
		xasprintf(result, "not checked: virt-import does not query the "
		    "oVirt engine; look for '%s' in its web UI", it->target);
		plan_free(plan);
		return 0;
	}
	if ((c = sshc_connect(p, NULL, cause)) == NULL)
		goto out;
	if ((vm = convert_read_domain(c, plan, it, cause)) == NULL)
		goto out;
	for (i = 0; i < vm->ndisks; i++) {
		if (vm->disks[i].path == NULL)
			continue;
		*disks = xappend(*disks, ndisks, sizeof **disks);
		d = &(*disks)[*ndisks - 1];
		d->path = xstrdup(vm->disks[i].path);
		d->format = xstrdup(disk_format_name(vm->disks[i].format));
		if (plan->dest.kind == OUTPUT_LOCAL) {
			argv[0] = "qemu-img";
			argv[1] = "info";
			argv[2] = "-U";
			argv[3] = "--output=json";
			argv[4] = d->path;
			argv[5] = NULL;
		} else {
			n = convert_virsh(argv, plan->dest.uri);
			argv[n++] = "vol-info";
			argv[n++] = "--bytes";
			if (d->path[0] != '/') {
				/* <source pool volume>: domxml says POOL/VOL. */
				argv[n++] = "--pool";
				argv[n++] = vm->disks[i].datastore != NULL ?
				    vm->disks[i].datastore : "";
				argv[n++] = "--";
				argv[n++] = strchr(d->path, '/') != NULL ?
				    strchr(d->path, '/') + 1 : d->path;
			} else
				argv[n++] = d->path;
			argv[n] = NULL;
		}
		if ((out = convert_output(c, argv, plan->dest.kind ==
		    OUTPUT_LOCAL ? "qemu-img info" : "virsh vol-info", &len,
		    cause)) == NULL)
			goto out;
		if ((plan->dest.kind == OUTPUT_LOCAL ?
		    convert_parse_qemu_img(out, len, d, cause) :
		    convert_parse_vol_info(out, d, cause)) != 0) {
			free(out);
			cause_prefix(cause, "disk %s", d->path);
			goto out;
		}
		free(out);
	}
	if (*ndisks == 0) {
		cause_set(cause, "the converted domain '%s' has no disks",
		    it->target);
		goto out;
	}
	xasprintf(result, plan->dest.kind == OUTPUT_LOCAL ? "%s/%s.xml "
	    "written, %zu disk%s read back" : "domain defined at %s%.0s, "
	    "%zu disk%s read back", plan->dest.kind == OUTPUT_LOCAL ?
	    plan_item_storage(plan, it, 0) : plan->dest.uri, it->target,
	    *ndisks, *ndisks == 1 ? "" : "s");
	rc = 0;
out:
	if (rc != 0) {
		for (i = 0; i < *ndisks; i++) {
			free((*disks)[i].path);
			free((*disks)[i].format);
		}
		free(*disks);
		*disks = NULL;
		*ndisks = 0;
	}
	vm_free(vm);
	sshc_close(c);
	plan_free(plan);
	return rc;
}

/*
 * Remove what a conversion leaves: with partial set (failed, cancelled)
 * the output named after the target; always the uploaded copies and the
 * remote job's folder (its log is copied here).  cancel stops a remote job
 * first.
 */
int
convert_clean(const struct job *job, const struct proxy *p, int cancel,
    int partial, char **cause)
{
	struct plan *plan;
	struct plan_item *it;
	struct sshc *c;
	struct rjob *rj = NULL;
	struct sshc_result r;
	const char *argv[11];
	char *updir, *rdir, *ignored = NULL;
	const char *kind = "none", *where = "", *pool = "";
	int rc = -1;

	if ((plan = convert_plan(job, cause)) == NULL)
		return -1;
	it = &plan->items[0];
	if ((c = sshc_connect(p, NULL, cause)) == NULL) {
		plan_free(plan);
		return -1;
	}
	if (cancel && job->remote) {
		if ((rj = rjob_load(job->id, cause)) == NULL ||
		    rjob_cancel(c, rj, cause) != 0)
			goto out;
	}
	if (partial && job->remote && plan->dest.kind == OUTPUT_LOCAL) {
		kind = "local";
		where = plan_item_storage(plan, it, 0);
	} else if (partial && job->remote &&
	    plan->dest.kind == OUTPUT_LIBVIRT) {
		kind = "libvirt";
		where = plan->dest.uri;
		pool = plan_item_storage(plan, it, 0);
	}
	updir = convert_upload_dir(p, job->id);
	rdir = rjob_remote_dir(p, job->id);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = convert_clean_sh;
	argv[3] = "sh";
	argv[4] = kind;
	argv[5] = where != NULL ? where : "";
	argv[6] = pool != NULL ? pool : "";
	argv[7] = it->target;
	argv[8] = updir;
	argv[9] = job->remote ? rdir : "";
	argv[10] = NULL;
	if (sshc_run(c, argv, 300, &r, cause) == 0) {
		if (r.status == 0)
			rc = 0;
		else
			cause_set(cause, "cleaning up after job %s on %s "
			    "failed: %.*s", job->id, sshc_where(c),
			    (int)(r.err_len > 400 ? 400 : r.err_len), r.err);
		sshc_result_free(&r);
	}
	free(updir);
	free(rdir);
out:
	free(ignored);
	rjob_free(rj);
	sshc_close(c);
	plan_free(plan);
	return rc;
}
