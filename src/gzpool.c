/*
 * gzpool.c: a queue of gzip jobs and the threads that take them.
 */
#include "gzpool.h"
#include "encoding.h"
#include "util.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#define GZPOOL_MAX_WORKERS	3

struct gzjob {
	const void	*data;
	size_t		 len;
	char		**out;
	size_t		*outlen;
};

struct gzpool {
	pthread_mutex_t	 lock;
	pthread_cond_t	 queued;	/* a job, or closing: for the workers */
	pthread_cond_t	 done;		/* every job done: for gzpool_finish */
	struct gzjob	*job;
	size_t		 n, cap;
	size_t		 next;		/* the first job nobody took */
	size_t		 ndone;
	bool		 closing;
	pthread_t	 tid[GZPOOL_MAX_WORKERS];
	size_t		 want;		/* workers to start */
	size_t		 nworkers;	/* started */
	size_t		 min_jobs;
};

size_t
gzpool_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n <= 1)
		return 0;
	return n - 1 > GZPOOL_MAX_WORKERS ? GZPOOL_MAX_WORKERS : (size_t)n - 1;
}

struct gzpool *
gzpool_new(size_t workers, size_t min_jobs)
{
	struct gzpool *p = xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->queued, NULL);
	pthread_cond_init(&p->done, NULL);
	p->want = workers > GZPOOL_MAX_WORKERS ? GZPOOL_MAX_WORKERS : workers;
	p->min_jobs = min_jobs;
	return p;
}

/* Run job j, taken from the queue; with the lock held on return, as on entry. */
static void
run(struct gzpool *p, struct gzjob j)
{
	pthread_mutex_unlock(&p->lock);
	*j.out = gzip_bytes(j.data, j.len, j.outlen);
	pthread_mutex_lock(&p->lock);
	if (++p->ndone == p->n)
		pthread_cond_broadcast(&p->done);
}

static void *
worker(void *arg)
{
	struct gzpool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->next == p->n && !p->closing)
			pthread_cond_wait(&p->queued, &p->lock);
		if (p->next == p->n)
			break;
		run(p, p->job[p->next++]);
	}
	pthread_mutex_unlock(&p->lock);
	gzip_thread_end();
	return NULL;
}

/*
 * Start the workers with every signal blocked, so that signals still go to
 * the main thread and its handlers.  A thread that cannot be made leaves
 * its share to gzpool_finish.
 */
static void
start(struct gzpool *p)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (p->nworkers < p->want &&
	    pthread_create(&p->tid[p->nworkers], NULL, worker, p) == 0)
		p->nworkers++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	p->want = 0;
}

void
gzpool_add(struct gzpool *p, const void *data, size_t len, char **out, size_t *outlen)
{
	pthread_mutex_lock(&p->lock);
	grow(&p->job, p->n, &p->cap, sizeof(*p->job));
	p->job[p->n++] = (struct gzjob){ data, len, out, outlen };
	pthread_cond_signal(&p->queued);
	pthread_mutex_unlock(&p->lock);
	if (p->want > 0 && p->n >= p->min_jobs)
		start(p);
}

void
gzpool_finish(struct gzpool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->next < p->n)
		run(p, p->job[p->next++]);
	while (p->ndone < p->n)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void
gzpool_free(struct gzpool *p)
{
	if (p == NULL)
		return;
	gzpool_finish(p);
	pthread_mutex_lock(&p->lock);
	p->closing = true;
	pthread_cond_broadcast(&p->queued);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < p->nworkers; i++)
		pthread_join(p->tid[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->queued);
	pthread_mutex_destroy(&p->lock);
	free(p->job);
	free(p);
}
