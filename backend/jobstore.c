/*
 * jobstore.c: conversion jobs on this machine, in $XDG_STATE_HOME/virt-import:
 *
 *	jobs/ID/import.json	the job (job_json), replaced atomically
 *	jobs/ID/cancel		present once a cancel was asked for
 *	jobs/ID/job.json, log	its remote job (rjob.c), once started
 *	active/ID		present while the job is not final: the driver
 *				scans this small folder, not the whole history
 *	runs/RUN.json		the plan a batch was queued from
 *	engine.lock		flocked by the one process that drives the jobs
 *	queue.lock		flocked while a batch is checked and queued
 *
 * Only the driver writes a job once it is active; other processes (a
 * second console, `virt-import cancel`) read records and leave requests.
 * A driver that dies drops its lock, and the next process to take it
 * carries every active job on from its record.
 */
#include <dirent.h>
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

#define JOBSTORE_RECORD_MAX	(4 * 1024 * 1024)

/* state/virt-import/SUB[/NAME], folders made 0700 when make is set. */
static char *
jobstore_dir(const char *sub, const char *name, int make, char **cause)
{
	char *dir, *p;

	if ((dir = path_state_dir(cause)) == NULL)
		return NULL;
	if (make && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cause_set(cause, "cannot make %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	xasprintf(&p, "%s/%s", dir, sub);
	free(dir);
	if (make && mkdir(p, 0700) != 0 && errno != EEXIST) {
		cause_set(cause, "cannot make %s: %s", p, strerror(errno));
		free(p);
		return NULL;
	}
	if (name == NULL)
		return p;
	xasprintf(&dir, "%s/%s", p, name);
	free(p);
	return dir;
}

/* jobs[/ID[/FILE]]: the folder of job ID made as needed when make is set. */
char *
jobstore_path(const char *id, const char *file, int make, char **cause)
{
	char *dir, *p;

	if ((dir = jobstore_dir("jobs", id, make, cause)) == NULL)
		return NULL;
	if (id == NULL)
		return dir;
	if (make && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cause_set(cause, "cannot make %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	if (file == NULL)
		return dir;
	xasprintf(&p, "%s/%s", dir, file);
	free(dir);
	return p;
}

int
jobstore_save(const struct job *job, char **cause)
{
	struct json_object *o;
	char *path, *text;
	int rc;

	if ((path = jobstore_path(job->id, "import.json", 1, cause)) == NULL)
		return -1;
	o = job_json(job);
	xasprintf(&text, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	rc = store_write_path(path, text, cause);
	free(text);
	free(path);
	return rc;
}

struct job *
jobstore_load(const char *id, char **cause)
{
	struct job *job;
	char *path, *text;

	if (!rjob_id_valid(id)) {
		cause_set(cause, "'%s' is not a job id: run 'virt-import jobs' "
		    "to see them", id);
		return NULL;
	}
	if ((path = jobstore_path(id, "import.json", 0, cause)) == NULL)
		return NULL;
	if ((text = store_read_path(path, JOBSTORE_RECORD_MAX, cause)) ==
	    NULL) {
		free(path);
		return NULL;
	}
	if (*text == '\0') {
		cause_set(cause, "there is no import job '%s': run "
		    "'virt-import jobs' to see them", id);
		free(text);
		free(path);
		return NULL;
	}
	if ((job = job_parse(text, strlen(text), cause)) != NULL &&
	    strcmp(job->id, id) != 0) {
		cause_set(cause, "it holds job %s", job->id);
		job_free(job);
		job = NULL;
	}
	if (job == NULL)
		cause_prefix(cause, "%s", path);
	free(text);
	free(path);
	return job;
}

/* Mark job id active (on) or not. */
int
jobstore_activate(const char *id, int on, char **cause)
{
	char *path;
	int fd, rc = 0;

	if ((path = jobstore_dir("active", id, 1, cause)) == NULL)
		return -1;
	if (on) {
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd == -1) {
			cause_set(cause, "cannot make %s: %s", path,
			    strerror(errno));
			rc = -1;
		} else
			close(fd);
	} else if (unlink(path) != 0 && errno != ENOENT) {
		cause_set(cause, "cannot remove %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}

static int
jobstore_idcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids in folder sub, sorted (oldest first: ids start with the time). */
static char **
jobstore_ids(const char *sub, size_t *n, char **cause)
{
	struct dirent *de;
	char *dir, **v = NULL;
	DIR *d;

	*n = 0;
	if ((dir = jobstore_dir(sub, NULL, 0, cause)) == NULL)
		return NULL;
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT) {
			cause_set(cause, "cannot read %s: %s", dir,
			    strerror(errno));
			free(dir);
			return NULL;
		}
	} else {
		while ((de = readdir(d)) != NULL) {
			if (!rjob_id_valid(de->d_name))
				continue;
			v = xappend(v, n, sizeof *v);
			v[*n - 1] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	free(dir);
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	qsort(v, *n, sizeof *v, jobstore_idcmp);
	return v;
}

char **
jobstore_active(size_t *n, char **cause)
{
	return jobstore_ids("active", n, cause);
}

/* Every job folder's id (import jobs and remote jobs), oldest first. */
char **
jobstore_all(size_t *n, char **cause)
{
	return jobstore_ids("jobs", n, cause);
}

/*
 * Every conversion job, oldest first.  Folders without an import record
 * are remote jobs started by hand (`proxy job start`); damaged records are
 * skipped.
 */
struct job **
jobstore_list(size_t *n, char **cause)
{
	struct job **v = NULL, *job;
	char **ids, *ignored;
	size_t i, nids;

	*n = 0;
	if ((ids = jobstore_all(&nids, cause)) == NULL)
		return NULL;
	for (i = 0; i < nids; i++) {
		ignored = NULL;
		if ((job = jobstore_load(ids[i], &ignored)) != NULL) {
			v = xappend(v, n, sizeof *v);
			v[*n - 1] = job;
		}
		free(ignored);
		free(ids[i]);
	}
	free(ids);
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	return v;
}

void
jobstore_list_free(struct job **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		job_free(v[i]);
	free(v);
}

/*
 * Lock the state folder's file name with flock op: a descriptor holding
 * the lock, -1 when LOCK_NB is in op and another process holds it, -2 on
 * an error.
 */
static int
jobstore_lock(const char *name, int op, char **cause)
{
	char *dir, *path;
	int fd, error;

	if ((dir = jobstore_dir("jobs", NULL, 1, cause)) == NULL)
		return -2;
	free(dir);
	if ((path = path_state_dir(cause)) == NULL)
		return -2;
	xasprintf(&dir, "%s/%s", path, name);
	free(path);
	fd = open(dir, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		cause_set(cause, "cannot open %s: %s", dir, strerror(errno));
		free(dir);
		return -2;
	}
	while (flock(fd, op) != 0) {
		if ((error = errno) == EINTR)
			continue;
		if (error != EWOULDBLOCK)
			cause_set(cause, "cannot lock %s: %s", dir,
			    strerror(error));
		close(fd);
		free(dir);
		return error == EWOULDBLOCK ? -1 : -2;
	}
	free(dir);
	return fd;
}

/*
 * Try to become the driver: a descriptor holding the lock (kept open for
 * as long as this process drives), -1 when another process drives, -2 on
 * an error.
 */
int
jobstore_driver_lock(char **cause)
{
	return jobstore_lock("engine.lock", LOCK_EX | LOCK_NB, cause);
}

/*
 * Wait for the queue's lock, held while a batch checks the VMs' locks and
 * queues its jobs, so that two processes (two consoles, a console and a
 * `run`) never both queue one VM.  A descriptor to close, or -1.
 */
int
jobstore_queue_lock(char **cause)
{
	int fd = jobstore_lock("queue.lock", LOCK_EX, cause);

	return fd < 0 ? -1 : fd;
}

/* Leave a cancel request for whichever process drives the job. */
int
jobstore_request_cancel(const char *id, char **cause)
{
	char *path;
	int fd;

	if ((path = jobstore_path(id, "cancel", 0, cause)) == NULL)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		cause_set(cause, "cannot write %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	close(fd);
	free(path);
	return 0;
}

int
jobstore_cancel_requested(const char *id)
{
	char *path;
	int yes;

	if ((path = jobstore_path(id, "cancel", 0, NULL)) == NULL)
		return 0;
	yes = access(path, F_OK) == 0;
	free(path);
	return yes;
}

/* Keep the plan a batch came from (runs/RUN.json). */
int
jobstore_save_plan(const char *run, const char *text, char **cause)
{
	char *path, *name;
	int rc;

	xasprintf(&name, "%s.json", run);
	path = jobstore_dir("runs", name, 1, cause);
	free(name);
	if (path == NULL)
		return -1;
	rc = store_write_path(path, text, cause);
	free(path);
	return rc;
}
