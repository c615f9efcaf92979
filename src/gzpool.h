/*
 * gzpool.h: gzip on the other cores.  The caller queues bodies, each with
 * where its gzip goes, and keeps working while worker threads compress
 * them; gzpool_finish helps drain the queue and waits for the last one.
 * Only then may the caller read the results.  A worker touches nothing
 * but a job's input (read) and its two output slots (written).
 */
#ifndef HP_GZPOOL_H
#define HP_GZPOOL_H

#include <stddef.h>

struct gzpool;

/* How many workers the machine can use: online CPUs - 1, at most 3. */
size_t gzpool_cpus(void);

/*
 * A pool of up to workers threads, started once min_jobs are queued: a
 * few bodies are compressed faster by the caller than a thread starts.
 * With no worker (0, or threads cannot be made), gzpool_finish does it all.
 */
struct gzpool *gzpool_new(size_t workers, size_t min_jobs);

/*
 * Queue len bytes at data (kept unchanged until gzpool_finish) to be
 * compressed into *out (allocated; NULL if gzip_bytes fails) and *outlen.
 */
void gzpool_add(struct gzpool *p, const void *data, size_t len, char **out, size_t *outlen);

/* Compress what is still queued on this thread too, and wait for every job. */
void gzpool_finish(struct gzpool *p);

/* Finish, end the workers and free the pool. */
void gzpool_free(struct gzpool *p);

#endif
