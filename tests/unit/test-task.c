/* Unit tests: worker-thread tasks (task.c) and the streamed source read. */
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

struct seen {
	int	 values[64];
	size_t	 n;
	int	 ended;
	int	 cancelled_seen;
};

static void
count_work(struct task *t, void *arg)
{
	int i, *v;

	for (i = 0; i < 50; i++) {
		v = xmalloc(sizeof *v);
		*v = i;
		task_post(t, 1, v);
	}
}

static void
record_event(void *arg, int kind, void *data)
{
	struct seen *s = arg;

	if (kind == TASK_END) {
		s->ended++;
		return;
	}
	if (s->n < 64)
		s->values[s->n++] = *(int *)data;
	free(data);
}

static void
wait_end(struct taskq *q, struct seen *s)
{
	struct pollfd pfd;
	int spins = 0;

	while (!s->ended && spins++ < 500) {
		pfd.fd = taskq_fd(q);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 20) > 0)
			taskq_dispatch(q);
	}
}

/* Events arrive on the loop's thread in the order posted, then TASK_END. */
static void
test_task_order(void)
{
	struct taskq *q;
	struct seen s = { .n = 0 };
	size_t i;

	q = taskq_new(NULL);
	CHECK(q != NULL);
	CHECK(task_run(q, count_work, record_event, &s, NULL) != NULL);
	wait_end(q, &s);
	CHECK(s.ended == 1);
	CHECK(s.n == 50);
	for (i = 0; i < s.n; i++)
		CHECK(s.values[i] == (int)i);
	CHECK(taskq_running(q) == 0);
	taskq_free(q);
}

static void
slow_work(struct task *t, void *arg)
{
	int i, *v;

	for (i = 0; i < 1000 && !task_cancelled(t); i++) {
		v = xmalloc(sizeof *v);
		*v = i;
		task_post(t, 1, v);
		usleep(2000);
	}
}

/* taskq_free cancels, waits and still delivers: nothing leaks (ASan). */
static void
test_task_cancel_free(void)
{
	struct taskq *q;
	struct seen s = { .n = 0 };

	q = taskq_new(NULL);
	CHECK(task_run(q, slow_work, record_event, &s, NULL) != NULL);
	usleep(10000);
	taskq_free(q);
	CHECK(s.ended == 1);
	CHECK(s.n < 1000);
}

struct parts {
	size_t	 nparts;
	size_t	 total;
	size_t	 first;
	size_t	 detailed;
};

static int
count_part(void *arg, struct inventory *part)
{
	struct parts *p = arg;
	size_t i;

	if (p->nparts++ == 0)
		p->first = part->nvms;
	else
		p->total += part->nvms;
	for (i = 0; i < part->nvms; i++)
		p->detailed += part->vms[i]->detailed != 0;
	inventory_free(part);
	return 0;
}

/*
 * A libvirt source comes as its list (nothing detailed), then every VM
 * again with details, in parts.
 */
static void
test_source_read_each(void)
{
	struct source *src;
	struct parts p = { 0 };
	char *cause = NULL, *uri;

	uri = demo_uri(&cause);
	CHECK(uri != NULL);
	libvirt_init(NULL);
	src = source_parse(uri, &cause);
	CHECK(src != NULL);
	if (src != NULL) {
		CHECK(source_read_each(src, count_part, &p, &cause) == 0);
		CHECK(p.nparts >= 2);
		CHECK(p.first > 0);
		CHECK(p.total == p.first);
		CHECK(p.detailed == p.first);
	}
	source_free(src);
	free(cause);
	free(uri);
}

int
main(void)
{
	RUN(test_task_order);
	RUN(test_task_cancel_free);
	RUN(test_source_read_each);
	return unit_done();
}
