/*
 * task.c: blocking work (a libvirt listing, a proxy check, pre-flight) on
 * worker threads, its results handed back to the thread that runs the
 * poll() loop.  Workers never touch the caller's state: they post events,
 * which wait in a queue until taskq_dispatch() delivers them, in order, on
 * the loop thread.  One pipe wakes the loop, whatever the number of tasks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

struct task_event {
	struct task		*task;
	int			 kind;
	void			*data;
	struct task_event	*next;
};

struct task {
	struct taskq	*q;
	pthread_t	 thread;
	void		(*work)(struct task *, void *);
	void		(*event)(void *, int, void *);
	void		*arg;
	int		 cancelled;	/* under q->lock */
	int		 ended;		/* TASK_END delivered */
	struct task	*next;
};

struct taskq {
	pthread_mutex_t		 lock;
	struct task_event	*head, *tail;
	struct task		*tasks;
	int			 pipe[2];
};

struct taskq *
taskq_new(char **cause)
{
	struct taskq *q;
	int i;

	q = xcalloc(1, sizeof *q);
	if (pipe(q->pipe) != 0) {
		cause_set(cause, "cannot create a pipe: %s", strerror(errno));
		free(q);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		fcntl(q->pipe[i], F_SETFL, fcntl(q->pipe[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(q->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&q->lock, NULL);
	return q;
}

/* The fd to poll for POLLIN: readable when events wait. */
int
taskq_fd(const struct taskq *q)
{
	return q->pipe[0];
}

static void
taskq_wake(struct taskq *q)
{
	char c = 0;

	/* A full pipe already holds a wake-up: nothing is lost. */
	if (write(q->pipe[1], &c, 1) == -1 && errno != EAGAIN)
		return;
}

/*
 * From the worker: deliver event(arg, kind, data) on the loop thread.  The
 * data is the event handler's to keep or free; after cancellation the
 * handler still gets it (and task_cancelled says so), so nothing leaks.
 */
void
task_post(struct task *t, int kind, void *data)
{
	struct taskq *q = t->q;
	struct task_event *ev;

	ev = xcalloc(1, sizeof *ev);
	ev->task = t;
	ev->kind = kind;
	ev->data = data;
	pthread_mutex_lock(&q->lock);
	if (q->tail != NULL)
		q->tail->next = ev;
	else
		q->head = ev;
	q->tail = ev;
	pthread_mutex_unlock(&q->lock);
	taskq_wake(q);
}

static void *
task_main(void *p)
{
	struct task *t = p;

	t->work(t, t->arg);
	task_post(t, TASK_END, NULL);
	return NULL;
}

/*
 * Run work(task, arg) on a new thread.  Its events, then one TASK_END, go
 * to event(arg, kind, data) on the loop thread; arg must live until
 * TASK_END.
 */
struct task *
task_run(struct taskq *q, void (*work)(struct task *, void *),
    void (*event)(void *, int, void *), void *arg, char **cause)
{
	struct task *t;
	int error;

	t = xcalloc(1, sizeof *t);
	t->q = q;
	t->work = work;
	t->event = event;
	t->arg = arg;
	pthread_mutex_lock(&q->lock);
	t->next = q->tasks;
	q->tasks = t;
	pthread_mutex_unlock(&q->lock);
	if ((error = pthread_create(&t->thread, NULL, task_main, t)) != 0) {
		cause_set(cause, "cannot start a thread: %s", strerror(error));
		pthread_mutex_lock(&q->lock);
		q->tasks = t->next;
		pthread_mutex_unlock(&q->lock);
		free(t);
		return NULL;
	}
	return t;
}

/* Ask a task to stop; the work checks task_cancelled() between steps. */
void
task_cancel(struct task *t)
{
	pthread_mutex_lock(&t->q->lock);
	t->cancelled = 1;
	pthread_mutex_unlock(&t->q->lock);
}

int
task_cancelled(struct task *t)
{
	int c;

	pthread_mutex_lock(&t->q->lock);
	c = t->cancelled;
	pthread_mutex_unlock(&t->q->lock);
	return c;
}

static void
taskq_reap(struct taskq *q, struct task *t)
{
	struct task **pp;

	pthread_join(t->thread, NULL);
	pthread_mutex_lock(&q->lock);
	for (pp = &q->tasks; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	pthread_mutex_unlock(&q->lock);
	free(t);
}

/* On the loop thread: deliver every waiting event.  Returns how many. */
size_t
taskq_dispatch(struct taskq *q)
{
	struct task_event *ev;
	struct task *t;
	char buf[64];
	size_t n = 0;

	while (read(q->pipe[0], buf, sizeof buf) > 0)
		continue;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		if ((ev = q->head) != NULL) {
			q->head = ev->next;
			if (q->head == NULL)
				q->tail = NULL;
		}
		pthread_mutex_unlock(&q->lock);
		if (ev == NULL)
			break;
		t = ev->task;
		t->event(t->arg, ev->kind, ev->data);
		if (ev->kind == TASK_END)
			taskq_reap(q, t);
		free(ev);
		n++;
	}
	return n;
}

/* Tasks not yet ended. */
size_t
taskq_running(struct taskq *q)
{
	struct task *t;
	size_t n = 0;

	pthread_mutex_lock(&q->lock);
	for (t = q->tasks; t != NULL; t = t->next)
		n++;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/*
 * Cancel every task, wait for each to end and deliver what they posted, so
 * each handler frees its data and its arg.
 */
void
taskq_free(struct taskq *q)
{
	struct task *t;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	for (t = q->tasks; t != NULL; t = t->next)
		t->cancelled = 1;
	pthread_mutex_unlock(&q->lock);
	while (taskq_running(q) > 0) {
		struct pollfd pfd = { .fd = q->pipe[0], .events = POLLIN };

		if (taskq_dispatch(q) == 0)
			poll(&pfd, 1, 100);
	}
	close(q->pipe[0]);
	close(q->pipe[1]);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
