/*
 * cmd-run.c: virt-import run PLAN, jobs, log JOB, cancel JOB, retry JOB: the
 * import engine from the command line.
 *
 * `run` checks the plan (pre-flight, before a byte is copied), prints the
 * results and, with --dry-run, each exact virt-v2v command; otherwise it
 * queues one job per VM and drives them (or watches, when another
 * virt-import drives) until each has ended.  Progress goes to stderr as one
 * line per change; stdout gets the job ids and the outcome, or JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

/* What one progress line last showed of a job. */
struct run_seen {
	char		*id;
	enum job_state	 state;
	char		*phase;
	int		 percent;
};

struct run_watch {
	char	       **ids;		/* the jobs waited for; NULL: all */
	struct run_seen	*seen;
	size_t		 nseen;
	int		 quiet;
};

static void
run_seen_free(struct run_watch *w)
{
	size_t i;

	for (i = 0; i < w->nseen; i++) {
		free(w->seen[i].id);
		free(w->seen[i].phase);
	}
	free(w->seen);
}

static int
run_wanted(const struct run_watch *w, const char *id)
{
	size_t i;

	if (w->ids == NULL)
		return 1;
	for (i = 0; w->ids[i] != NULL; i++)
		if (strcmp(w->ids[i], id) == 0)
			return 1;
	return 0;
}

/* One line when a job's state or phase changes, or its % moves by 10. */
static void
run_changed(void *arg, const struct job *job)
{
	struct run_watch *w = arg;
	struct run_seen *s = NULL;
	char stamp[16];
	struct tm tm;
	time_t now = time(NULL);
	size_t i;
	int pct = job_overall_percent(job);

	if (w->quiet || !run_wanted(w, job->id))
		return;
	for (i = 0; i < w->nseen; i++)
		if (strcmp(w->seen[i].id, job->id) == 0)
			s = &w->seen[i];
	if (s == NULL) {
		w->seen = xappend(w->seen, &w->nseen, sizeof *w->seen);
		s = &w->seen[w->nseen - 1];
		s->id = xstrdup(job->id);
		s->state = (enum job_state)-1;
		s->percent = -1;
	}
	if (s->state == job->state && str_eq(s->phase, job->phase) &&
	    (pct < 0 || pct / 10 == s->percent / 10))
		return;
	s->state = job->state;
	free(s->phase);
	s->phase = job->phase != NULL ? xstrdup(job->phase) : NULL;
	s->percent = pct;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
	fprintf(stderr, "%s %s ", stamp, job->id);
	cli_print_safe(stderr, job->vm, 0);
	fprintf(stderr, ": %s", job_state_name(job->state));
	if (pct >= 0 && !job_is_final(job->state))
		fprintf(stderr, " %d%%", pct);
	if (job->proxy != NULL && job->state == JOB_PREPARING) {
		fputs(" on ", stderr);
		cli_print_safe(stderr, job->proxy, 0);
	}
	if (job->phase != NULL && !job_is_final(job->state)) {
		fputs(": ", stderr);
		cli_print_safe(stderr, job->phase, 0);
	}
	fputc('\n', stderr);
}

/*
 * Following a proxy's jobs stopped (or works again): say so, and that the
 * conversions go on there, so nobody cancels a job that is fine.
 */
static void
run_proxy(void *arg, const char *proxy, const char *why, unsigned retry)
{
	struct run_watch *w = arg;
	char stamp[16];
	struct tm tm;
	time_t now = time(NULL);

	if (w->quiet)
		return;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
	if (why == NULL) {
		fprintf(stderr, "%s proxy '", stamp);
		cli_print_safe(stderr, proxy, 0);
		fputs("': reconnected, following its jobs again\n", stderr);
		return;
	}
	/* The engine's causes name the proxy. */
	fprintf(stderr, "%s ", stamp);
	cli_print_safe(stderr, why, 0);
	fprintf(stderr, ": reconnecting in %u s; its conversions go on there "
	    "and no output is lost (^C leaves them running: 'virt-import "
	    "jobs --follow' carries them on)\n", retry);
}

static const struct engine_ops run_ops = { run_changed, NULL, run_proxy };

/* Drive (or watch) until every job waited for has ended. */
static void
run_loop(struct engine *e, struct run_watch *w, int (*more)(void *),
    void *arg)
{
	struct pollfd *pfd = NULL;
	size_t n, i, cap = 0;
	int busy;

	for (;;) {
		busy = 0;
		if (w->ids != NULL) {
			for (i = 0; w->ids[i] != NULL; i++)
				if (!engine_settled(e, w->ids[i]))
					busy = 1;
		} else {
			for (i = 0; i < engine_njobs(e); i++)
				if (!engine_settled(e, engine_job(e, i)->id))
					busy = 1;
		}
		if (more != NULL && more(arg))
			busy = 1;
		if (!busy) {
			free(pfd);
			return;
		}
		/* Every session of the engine, however many there are. */
		if ((n = engine_npollfds(e)) > cap) {
			cap = n;
			pfd = xreallocarray(pfd, cap, sizeof *pfd);
		}
		n = engine_pollfds(e, pfd, cap);
		if (poll(pfd, n, engine_timeout(e)) < 0 && errno != EINTR)
			fatalx("poll: %s", strerror(errno));
		engine_dispatch(e, pfd, n);
	}
}

/*
 * The jobs of w->ids to their end: driven here, or followed (and said so)
 * when another virt-import drives.
 */
static void
run_follow(struct engine *e, struct run_watch *w, int json)
{
	if (!json && !engine_driving(e))
		fprintf(stderr, "another virt-import drives the jobs: "
		    "following them here\n");
	run_loop(e, w, NULL, NULL);
}

/* ------------------------------------------------------------ pre-flight */

static struct json_object *
run_pf_json(const struct pf_result *r, size_t n)
{
	struct json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "vm", r[i].vm != NULL ?
		    json_object_new_string(r[i].vm) : NULL);
		json_object_object_add(o, "check",
		    json_object_new_string(r[i].check));
		json_object_object_add(o, "level",
		    json_object_new_string(pf_level_name(r[i].level)));
		json_object_object_add(o, "text",
		    json_object_new_string(r[i].text));
		json_object_array_add(a, o);
	}
	return a;
}

static void
run_pf_print(const struct pf_result *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(stderr, "%-5s %-10s ", r[i].level == PF_OK ? "ok" :
		    r[i].level == PF_WARN ? "warn" : "FAIL", r[i].check);
		if (r[i].vm != NULL) {
			cli_print_safe(stderr, r[i].vm, 0);
			fputs(": ", stderr);
		}
		cli_print_safe(stderr, r[i].text, 0);
		fputc('\n', stderr);
	}
}

/*
 * The exact command of each VM, as a dry run shows it: the paths of files
 * the job will have on the proxy use "JOB" for the job's id, which is only
 * chosen when it is queued.
 */
static struct json_object *
run_commands(const struct plan *plan, struct pf_gather *f, int json,
    int *failed)
{
	struct json_object *a = json_object_new_array(), *o;
	struct v2v_where where;
	struct proxy *p = NULL;
	const char *pname, **env = NULL;
	char **argv, *line, *cause, *input = NULL, *pw = NULL, *dpw = NULL;
	char *dca = NULL, *rdir, *up;
	const char *base;
	size_t i, k;

	for (i = 0; i < plan->nitems; i++) {
		const struct plan_item *it = &plan->items[i];

		if (f->vms[i] == NULL)
			continue;
		pname = it->proxy != NULL ? it->proxy : plan->proxy;
		if (pname == NULL || strcmp(pname, "any") == 0)
			pname = f->nproxies > 0 ? f->proxies[0].name : NULL;
		p = pname != NULL ? proxy_find(pname, NULL) : NULL;
		memset(&where, 0, sizeof where);
		if (p != NULL) {
			/* The paths the job will use, with JOB for its id. */
			rdir = rjob_remote_dir(p, "JOB");
			if (!plan->source_on_proxy &&
			    (plan->source->kind == SOURCE_OVA ||
			    plan->source->kind == SOURCE_XML ||
			    plan->source->kind == SOURCE_DIR)) {
				base = f->vms[i]->origin != NULL ?
				    f->vms[i]->origin : plan->source->location;
				if (strrchr(base, '/') != NULL)
					base = strrchr(base, '/') + 1;
				up = convert_upload_dir(p, "JOB");
				xasprintf(&input, "%s/%s", up, base);
				free(up);
				where.input = input;
			}
			if (plan->source->password_file != NULL) {
				pw = rjob_secret_path(rdir, "source-password");
				where.source_password = pw;
			}
			if (plan->dest.kind == OUTPUT_OVIRT_UPLOAD) {
				dpw = rjob_secret_path(rdir, "dest-password");
				dca = rjob_secret_path(rdir, "dest-ca");
				where.dest_password = dpw;
				where.dest_ca = dca;
			}
			free(rdir);
			if (p->nenv > 0) {
				env = xcalloc(p->nenv + 1, sizeof *env);
				for (k = 0; k < p->nenv; k++)
					env[k] = p->env[k];
				where.env = env;
			}
		}
		cause = NULL;
		argv = v2v_argv(plan, it, f->vms[i], &where, &cause);
		line = argv != NULL ? sshc_command((const char *const *)argv,
		    &cause) : NULL;
		if (line == NULL) {
			*failed = 1;
			if (!json) {
				fputs("FAIL  command    ", stderr);
				cli_print_safe(stderr, it->vm, 0);
				fputs(": ", stderr);
				cli_print_safe(stderr, cause, 0);
				fputc('\n', stderr);
			}
		} else if (!json) {
			fputs("# ", stdout);
			cli_print_safe(stdout, it->vm, 0);
			printf(" on %s\n", pname != NULL ? pname : "?");
			cli_print_safe(stdout, line, 0);
			fputc('\n', stdout);
		}
		o = json_object_new_object();
		json_object_object_add(o, "vm", json_object_new_string(it->vm));
		json_object_object_add(o, "proxy", pname != NULL ?
		    json_object_new_string(pname) : NULL);
		json_object_object_add(o, "command", line != NULL ?
		    json_object_new_string(line) : NULL);
		json_object_object_add(o, "error", cause != NULL ?
		    json_object_new_string(cause) : NULL);
		if (argv != NULL) {
			struct json_object *w = json_object_new_array();

			for (k = 0; argv[k] != NULL; k++)
				json_object_array_add(w,
				    json_object_new_string(argv[k]));
			json_object_object_add(o, "argv", w);
		}
		json_object_array_add(a, o);
		v2v_argv_free(argv);
		free(line);
		free(cause);
		free(input);
		free(pw);
		free(dpw);
		free(dca);
		free(env);
		input = pw = dpw = dca = NULL;
		env = NULL;
		proxy_free(p);
	}
	return a;
}

static struct json_object *
run_job_json(const struct job *job)
{
	struct json_object *o = job_json(job);

	json_object_object_del(o, "plan");
	json_object_object_del(o, "version");
	return o;
}

/*
 * The outcome of each job: stdout (or into *a); 0 when all were done.
 * Without JSON, the jobs that failed or were cancelled are named on
 * stderr with the command that queues them again.
 */
static int
run_report(struct engine *e, char **ids, struct json_object *a)
{
	int json = a != NULL;
	const struct job *job;
	char *again = NULL, *s;
	int rc = 0;
	size_t i;

	for (i = 0; ids[i] != NULL; i++) {
		if ((job = engine_find(e, ids[i])) == NULL)
			continue;
		if (job->state != JOB_DONE)
			rc = 1;
		if (job->state == JOB_FAILED || job->state == JOB_CANCELLED) {
			xasprintf(&s, "%s %s", again != NULL ? again : "",
			    job->id);
			free(again);
			again = s;
		}
		if (json) {
			json_object_array_add(a, run_job_json(job));
			continue;
		}
		printf("%s %s ", job->id, job_state_name(job->state));
		cli_print_safe(stdout, job->vm, 0);
		if (job->target != NULL && strcmp(job->target, job->vm) != 0) {
			fputs(" -> ", stdout);
			cli_print_safe(stdout, job->target, 0);
		}
		fputc('\n', stdout);
		if (job->error != NULL) {
			fputs("  error: ", stdout);
			cli_print_safe(stdout, job->error, 0);
			fputc('\n', stdout);
		}
		if (job->result != NULL) {
			fputs("  result: ", stdout);
			cli_print_safe(stdout, job->result, 0);
			fputc('\n', stdout);
		}
	}
	fflush(stdout);
	if (!json && again != NULL)
		fprintf(stderr, "once the cause is fixed, 'virt-import retry%s' "
		    "queues the VMs that did not make it again\n", again);
	free(again);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "accept-host-key", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct pf_gather f;
	struct run_watch w;
	struct json_object *root = NULL, *cmds;
	struct pf_result *pf;
	struct plan *plan;
	struct engine *e;
	char *cause = NULL, **ids = NULL, *none[] = { NULL };
	const char *accept = NULL;
	size_t npf, i;
	int c, dry = 0, json = 0, failed, cmdfail = 0, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dry = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'a':
			accept = optarg;
			break;
		default:
			cli_error("run: unknown option '%s'", argv[optind - 1]);
			return cli_error("usage: virt-import run PLAN [--dry-run] "
			    "[--json] [--accept-host-key SHA256:...]") + 1;
		}
	}
	if (argc - optind != 1)
		return cli_error("usage: virt-import run PLAN [--dry-run] "
		    "[--json] [--accept-host-key SHA256:...]") + 1;
	if ((plan = planjson_read(argv[optind], &cause)) == NULL)
		return cli_fail(cause);
	if (source_resolve(plan->source, &cause) != 0) {
		plan_free(plan);
		return cli_fail(cause);
	}
	cli_libvirt_quiet();
	/* VMs still in jobs (their batch's virt-import may have died): say
	   how to carry those on before judging anything.  A dry run answers
	   as the run would. */
	if (engine_check_plan(plan, &cause) != 0) {
		plan_free(plan);
		return cli_fail(cause);
	}

	pfgather_run(plan, accept, NULL, NULL, &f);
	pf = preflight_judge(plan, &f.facts, &npf);
	failed = preflight_failed(pf, npf) > 0;
	if (!json)
		run_pf_print(pf, npf);
	if (json) {
		root = json_object_new_object();
		json_object_object_add(root, "preflight", run_pf_json(pf, npf));
	}
	if (dry) {
		cmds = run_commands(plan, &f, json, &cmdfail);
		if (json) {
			json_object_object_add(root, "commands", cmds);
			json_object_object_add(root, "ok",
			    json_object_new_boolean(!failed && !cmdfail));
			cli_print_json(root);
			root = NULL;
		} else
			json_object_put(cmds);
		rc = failed || cmdfail;
		if (!json && rc)
			cli_error("pre-flight found problems: fix the lines "
			    "marked FAIL, then run again");
		goto out;
	}
	if (failed) {
		if (json) {
			json_object_object_add(root, "ok",
			    json_object_new_boolean(0));
			cli_print_json(root);
			root = NULL;
		} else
			cli_error("pre-flight found problems: nothing was "
			    "started; fix the lines marked FAIL and run again "
			    "(--dry-run shows the commands)");
		rc = 1;
		goto out;
	}

	memset(&w, 0, sizeof w);
	w.quiet = json;
	w.ids = none;		/* other batches' jobs are not shown */
	if ((e = engine_new(ENGINE_START, &run_ops, &w, &cause)) == NULL) {
		json_object_put(root);
		root = NULL;
		rc = cli_fail(cause);
		goto out;
	}
	if (engine_queue(e, plan, (const struct vm *const *)f.vms, &ids,
	    &cause) != 0) {
		engine_free(e);
		run_seen_free(&w);
		json_object_put(root);
		root = NULL;
		rc = cli_fail(cause);
		goto out;
	}
	w.ids = ids;
	if (!json) {
		for (i = 0; ids[i] != NULL; i++) {
			fprintf(stderr, "queued %s for VM '", ids[i]);
			cli_print_safe(stderr, plan->items[i].vm, 0);
			fputs("'\n", stderr);
		}
	}
	run_follow(e, &w, json);
	if (json) {
		cmds = json_object_new_array();
		rc = run_report(e, ids, cmds);
		json_object_object_add(root, "jobs", cmds);
		json_object_object_add(root, "ok",
		    json_object_new_boolean(rc == 0));
		cli_print_json(root);
		root = NULL;
	} else
		rc = run_report(e, ids, NULL);
	engine_free(e);
	run_seen_free(&w);
	for (i = 0; ids[i] != NULL; i++)
		free(ids[i]);
	free(ids);
out:
	json_object_put(root);
	preflight_free(pf, npf);
	pfgather_free(&f);
	plan_free(plan);
	return rc;
}

/* ------------------------------------------------------- jobs, log, cancel */

static void
jobs_print(const struct job *job)
{
	char when[32];
	struct tm tm;
	int pct = job_overall_percent(job);

	localtime_r(&job->created, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	printf("%-30s %-16s ", job->id, when);
	cli_print_safe(stdout, job->vm, 24);
	printf(" %-10s ", job_state_name(job->state));
	cli_print_safe(stdout, job->proxy != NULL ? job->proxy : "-", 10);
	if (pct >= 0 && !job_is_final(job->state))
		printf(" %3d%% ", pct);
	else
		printf("      ");
	cli_print_safe(stdout, job->error != NULL ? job->error :
	    job->state == JOB_DONE && job->result != NULL ? job->result :
	    job->phase != NULL ? job->phase : "", 0);
	fputc('\n', stdout);
}

int
cmd_jobs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "follow", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *a;
	struct run_watch w;
	struct engine *e;
	struct job **v;
	char *cause = NULL, **act;
	size_t n, i, nact;
	int c, json = 0, follow = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'f':
			follow = 1;
			break;
		default:
			return cli_error("usage: virt-import jobs [--json] "
			    "[--follow]") + 1;
		}
	}
	if (optind != argc)
		return cli_error("usage: virt-import jobs [--json] "
		    "[--follow]") + 1;
	if (follow) {
		/* Carry the active jobs on (or watch their driver). */
		memset(&w, 0, sizeof w);
		w.quiet = json;
		cli_libvirt_quiet();
		if ((e = engine_new(ENGINE_START, &run_ops, &w, &cause)) ==
		    NULL)
			return cli_fail(cause);
		run_loop(e, &w, NULL, NULL);
		engine_free(e);
		run_seen_free(&w);
	}
	if ((v = jobstore_list(&n, &cause)) == NULL)
		return cli_fail(cause);
	if (json) {
		a = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(a, run_job_json(v[i]));
		jobstore_list_free(v, n);
		return cli_print_json(a);
	}
	printf("%-30s %-16s %-24s %-10s %-10s %5s %s\n", "JOB", "QUEUED",
	    "VM", "STATE", "PROXY", "%", "PHASE / RESULT");
	for (i = 0; i < n; i++)
		jobs_print(v[i]);
	jobstore_list_free(v, n);
	/* Jobs nobody drives: say how to carry them on. */
	if (!follow && (act = jobstore_active(&nact, &cause)) != NULL) {
		if (nact > 0 && (c = jobstore_driver_lock(NULL)) >= 0) {
			close(c);
			fprintf(stderr, "%zu job%s not ended and no virt-import "
			    "drives %s: 'virt-import jobs --follow' carries "
			    "%s on\n", nact, nact == 1 ? " has" : "s have",
			    nact == 1 ? "it" : "them", nact == 1 ? "it" : "them");
		}
		for (i = 0; i < nact; i++)
			free(act[i]);
		free(act);
	}
	free(cause);
	return fflush(stdout) == 0 ? 0 : cli_error("cannot write the output");
}

struct log_follow {
	const char	*path;
	off_t		 off;
	int		 c2;	/* a 0xc2 byte held back: C1 control next? */
};

/*
 * Copy the local log from lf->off to stdout so that it cannot drive the
 * terminal: \r starts a line, other C0 controls, DEL and the C1 controls
 * (UTF-8 c2 80..c2 9f: 8-bit CSI and friends) become '?'.  virt-v2v prints
 * the VM's name and the guest's own strings, which come from the source.
 */
static void
log_copy(struct log_follow *lf)
{
	char buf[65536];
	ssize_t n, i;
	int fd;

	if ((fd = open(lf->path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	while ((n = pread(fd, buf, sizeof buf, lf->off)) > 0) {
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)buf[i];

			if (lf->c2) {
				lf->c2 = 0;
				if (ch >= 0x80 && ch <= 0x9f) {
					putchar('?');
					continue;
				}
				putchar(0xc2);
			}
			if (ch == 0xc2) {
				lf->c2 = 1;
				continue;
			}
			if (ch == '\r')
				ch = '\n';
			else if ((ch < 0x20 && ch != '\n' && ch != '\t') ||
			    ch == 0x7f)
				ch = '?';
			putchar(ch);
		}
		lf->off += n;
	}
	close(fd);
	fflush(stdout);
}

static int
log_more(void *arg)
{
	struct log_follow *lf = arg;

	log_copy(lf);
	return 0;
}

int
cmd_log(int argc, char **argv)
{
	struct log_follow lf;
	struct run_watch w;
	struct engine *e;
	struct job *job;
	char *cause = NULL, *path, *ids[2];
	int follow = 0;

	if (argc == 3 && strcmp(argv[2], "--follow") == 0)
		follow = 1;
	else if (argc == 3 && strcmp(argv[1], "--follow") == 0) {
		follow = 1;
		argv[1] = argv[2];
	} else if (argc != 2)
		return cli_error("usage: virt-import log JOB [--follow]") + 1;
	if ((job = jobstore_load(argv[1], &cause)) == NULL)
		return cli_fail(cause);
	if ((path = rjob_log_path(job->id, &cause)) == NULL) {
		job_free(job);
		return cli_fail(cause);
	}
	lf.path = path;
	lf.off = 0;
	lf.c2 = 0;
	log_copy(&lf);
	if (follow && !job_is_final(job->state)) {
		memset(&w, 0, sizeof w);
		w.quiet = 1;
		ids[0] = job->id;
		ids[1] = NULL;
		w.ids = ids;
		cli_libvirt_quiet();
		if ((e = engine_new(ENGINE_START, &run_ops, &w, &cause)) ==
		    NULL) {
			free(path);
			job_free(job);
			return cli_fail(cause);
		}
		run_loop(e, &w, log_more, &lf);
		log_copy(&lf);
		engine_free(e);
	}
	if (lf.c2)
		putchar('?');	/* a log that ends half-way through a character */
	if (job->error != NULL && job_is_final(job->state)) {
		fputs("virt-import: ", stderr);
		cli_print_safe(stderr, job->error, 0);
		fputc('\n', stderr);
	}
	free(path);
	job_free(job);
	return 0;
}

int
cmd_cancel(int argc, char **argv)
{
	struct run_watch w;
	struct engine *e;
	const struct job *job;
	char *cause = NULL, *bad;
	int i, rc = 0;

	if (argc < 2)
		return cli_error("usage: virt-import cancel JOB...") + 1;
	memset(&w, 0, sizeof w);
	w.quiet = 0;
	w.ids = argv + 1;
	bad = xcalloc((size_t)argc, 1);
	cli_libvirt_quiet();
	if ((e = engine_new(0, &run_ops, &w, &cause)) == NULL)
		return cli_fail(cause);
	for (i = 1; i < argc; i++) {
		if (engine_cancel(e, argv[i], &cause) != 0) {
			rc = cli_fail(cause);
			cause = NULL;
			bad[i] = 1;
		}
	}
	run_loop(e, &w, NULL, NULL);
	for (i = 1; i < argc; i++) {
		if (bad[i] || (job = engine_find(e, argv[i])) == NULL)
			continue;
		printf("%s %s\n", job->id, job_state_name(job->state));
		if (job->state != JOB_CANCELLED)
			rc = 1;
	}
	engine_free(e);
	run_seen_free(&w);
	free(bad);
	return rc;
}

/*
 * Queue the VM of each failed or cancelled job again (a new job, with the
 * plan the old one was queued with) and drive the new jobs to their end,
 * as run does.  A job that cannot be retried is named with why; the others
 * go on.
 */
int
cmd_retry(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *a;
	struct run_watch w;
	struct engine *e;
	const struct job *job;
	char *cause = NULL, **ids = NULL, *id, *none[] = { NULL };
	size_t nids = 0, i;
	int c, json = 0, rc = 0, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		default:
			cli_error("retry: unknown option '%s'", argv[optind - 1]);
			return cli_error("usage: virt-import retry JOB... "
			    "[--json]") + 1;
		}
	}
	if (optind == argc)
		return cli_error("usage: virt-import retry JOB... [--json]") + 1;
	memset(&w, 0, sizeof w);
	w.quiet = json;
	w.ids = none;
	cli_libvirt_quiet();
	if ((e = engine_new(ENGINE_START, &run_ops, &w, &cause)) == NULL)
		return cli_fail(cause);
	for (; optind < argc; optind++) {
		if (jobretry_queue(e, argv[optind], &id, &cause) != 0) {
			rc = cli_fail(cause);
			cause = NULL;
			continue;
		}
		ids = xappend(ids, &nids, sizeof *ids);
		ids[nids - 1] = id;
		if (!json && (job = engine_find(e, id)) != NULL) {
			fprintf(stderr, "queued %s for VM '", id);
			cli_print_safe(stderr, job->vm, 0);
			fprintf(stderr, "' (again, after %s)\n", argv[optind]);
		}
	}
	ids = xappend(ids, &nids, sizeof *ids);
	ids[nids - 1] = NULL;
	w.ids = ids;
	if (nids > 1)
		run_follow(e, &w, json);
	if (json) {
		a = json_object_new_array();
		r = run_report(e, ids, a);
		cli_print_json(a);
	} else
		r = run_report(e, ids, NULL);
	engine_free(e);
	run_seen_free(&w);
	for (i = 0; ids[i] != NULL; i++)
		free(ids[i]);
	free(ids);
	return rc || r;
}
