/*
 * cmd-upload.c: virt-import proxy upload: copy an OVA, or a libvirt domain
 * XML and its disk files, to a proxy for virt-v2v to read there.
 *
 * Progress goes to stderr: on a terminal one line that updates while a file
 * is copied; then (terminal or not) one line per file.  stdout gets the
 * remote paths, one a line (the XML last), or JSON with --json.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

#define UPLOAD_USAGE "usage: virt-import proxy upload NAME SOURCE " \
	"[--to DIR] [--accept-host-key SHA256:...] [--json] [--timeout S]"

struct proxy_upload_ui {
	int		 tty;
	char		*file;		/* the file the line shows */
	uint64_t	 first;		/* its bytes when the line began */
	uint64_t	 start;		/* ms */
};

static uint64_t
proxy_upload_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *
proxy_upload_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* MB/s (10^6 bytes), as dd and most tools print rates. */
static double
proxy_upload_rate(uint64_t bytes, uint64_t ms)
{
	return ms == 0 ? 0 : (double)bytes / 1e6 / ((double)ms / 1000);
}

/* The live line on a terminal; cleared when the file is done. */
static void
proxy_upload_show(void *arg, const char *file, uint64_t done, uint64_t total)
{
	struct proxy_upload_ui *ui = arg;
	char a[16], b[16];
	uint64_t now = proxy_upload_ms();

	if (!ui->tty)
		return;
	if (ui->file == NULL || strcmp(ui->file, file) != 0) {
		free(ui->file);
		ui->file = xstrdup(file);
		ui->first = done;
		ui->start = now;
	}
	if (done >= total) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		return;
	}
	fputc('\r', stderr);
	cli_print_safe(stderr, proxy_upload_base(file), 0);
	fprintf(stderr, "  %3d%%  %s of %s", total == 0 ? 100 :
	    (int)(done * 100 / total), size_human(done, a, sizeof a),
	    size_human(total, b, sizeof b));
	if (now - ui->start >= 500)
		fprintf(stderr, "  %.1f MB/s", proxy_upload_rate(done -
		    ui->first, now - ui->start));
	fputs("\033[K", stderr);
	fflush(stderr);
}

/* One line a file, when all are done. */
static void
proxy_upload_summary(const struct upload_result *r)
{
	char a[16], b[16];

	cli_print_safe(stderr, r->local, 0);
	fputs(": ", stderr);
	size_human(r->size, a, sizeof a);
	if (r->skipped) {
		fprintf(stderr, "already there (%s, same sha256)\n", a);
		return;
	}
	if (r->restarted)
		fprintf(stderr, "the .part did not match, copied again: ");
	else if (r->resumed)
		fprintf(stderr, "continued at %s: ", size_human(r->resumed_at,
		    b, sizeof b));
	fprintf(stderr, "%s sent for %s in %.1f s, %.1f MB/s, sha256 "
	    "checked\n", size_human(r->sent, b, sizeof b), a,
	    (double)r->msec / 1000, proxy_upload_rate(r->sent, r->msec));
}

static struct json_object *
proxy_upload_json(const struct upload_result *r, size_t n)
{
	struct json_object *root, *arr, *o;
	char secs[32];
	size_t i;

	root = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "local",
		    json_object_new_string(r[i].local));
		json_object_object_add(o, "remote",
		    json_object_new_string(r[i].remote));
		json_object_object_add(o, "bytes",
		    json_object_new_int64((int64_t)r[i].size));
		json_object_object_add(o, "sent",
		    json_object_new_int64((int64_t)r[i].sent));
		json_object_object_add(o, "sha256",
		    json_object_new_string(r[i].sha256));
		json_object_object_add(o, "resumed",
		    json_object_new_boolean(r[i].resumed));
		json_object_object_add(o, "restarted",
		    json_object_new_boolean(r[i].restarted));
		json_object_object_add(o, "skipped",
		    json_object_new_boolean(r[i].skipped));
		snprintf(secs, sizeof secs, "%.3f", (double)r[i].msec / 1000);
		json_object_object_add(o, "seconds",
		    json_object_new_double_s((double)r[i].msec / 1000, secs));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "files", arr);
	return root;
}

/*
 * virt-import proxy upload NAME SOURCE [--to DIR] [--accept-host-key FP]
 * [--json] [--timeout S]
 */
int
proxy_upload_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "accept-host-key", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct proxy_upload_ui ui;
	struct upload_progress pg;
	struct upload_result *res = NULL;
	struct proxy *p;
	struct sshc *s;
	const char *accept = NULL, *to = NULL;
	char *cause = NULL, *dir, *end;
	size_t i, n = 0;
	long v;
	int c, json = 0, rc;

	memset(&pg, 0, sizeof pg);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			to = optarg;
			break;
		case 'a':
			accept = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'T':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > 86400)
				return cli_error("--timeout takes 1 to 86400 "
				    "seconds, not '%s'", optarg) + 1;
			pg.timeout = (unsigned)v;
			break;
		default:
			cli_error("proxy upload: unknown option '%s'",
			    argv[optind - 1]);
			return cli_error("%s", UPLOAD_USAGE) + 1;
		}
	}
	if (argc - optind != 2)
		return cli_error("%s", UPLOAD_USAGE) + 1;
	if ((p = proxy_find(argv[optind], &cause)) == NULL)
		goto fail;
	if (to != NULL)
		dir = xstrdup(to);
	else
		xasprintf(&dir, "%s/uploads", p->job_dir);
	s = sshc_connect(p, accept, &cause);
	proxy_free(p);
	if (s == NULL) {
		free(dir);
		goto fail;
	}

	memset(&ui, 0, sizeof ui);
	ui.tty = isatty(STDERR_FILENO);
	pg.fn = proxy_upload_show;
	pg.arg = &ui;
	if (to != NULL)
		pg.room = "copy to a folder with room (--to DIR)";
	rc = upload_source(s, argv[optind + 1], dir, &pg, &res, &n, &cause);
	if (ui.tty && ui.file != NULL)
		fputs("\r\033[K", stderr);
	free(ui.file);
	sshc_close(s);
	free(dir);
	if (rc != 0)
		goto fail;

	for (i = 0; i < n; i++)
		proxy_upload_summary(&res[i]);
	if (json)
		rc = cli_print_json(proxy_upload_json(res, n));
	else {
		for (i = 0; i < n; i++) {
			cli_print_safe(stdout, res[i].remote, 0);
			fputc('\n', stdout);
		}
		rc = fflush(stdout) == 0 ? 0 :
		    cli_error("cannot write the output");
	}
	upload_results_free(res, n);
	return rc;

fail:
	return cli_fail(cause);
}
