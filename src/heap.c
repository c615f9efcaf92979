/* heap.c: a start's heap on huge pages (heap.h). */
#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE	((uintptr_t)2 << 20)
#define MIB		((size_t)1 << 20)
/*
 * After the start: glibc's default top pad, and the thresholds its dynamic
 * rule reached once a start had read the ring files into 4 MB blocks and
 * freed them (setting any of them turns that rule off for good).
 */
#define AFTER_PAD	(128 * 1024)
#define AFTER_MMAP	(4 * 1024 * 1024)
#define AFTER_TRIM	(2 * AFTER_MMAP)

size_t
heap_reserve_for(long long db_bytes)
{
	long long r = db_bytes > 0 ? db_bytes * 2 : 0;

	if (r < (long long)(16 * MIB))
		return 16 * MIB;
	return r > (long long)(512 * MIB) ? 512 * MIB : (size_t)r;
}

void
heap_boost_begin(struct heap_boost *b, size_t bytes)
{
	uintptr_t brk0, lo, hi;
	void *p;

	b->lo = b->hi = NULL;
	/*
	 * Every block from the break (the largest threshold glibc takes, 32 MB,
	 * so the model's arrays too), the break moved by bytes at once and
	 * never given back during the start.
	 */
	if (mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 0 ||
	    mallopt(M_TOP_PAD, (int)bytes) == 0 ||
	    mallopt(M_TRIM_THRESHOLD, (int)(2 * bytes)) == 0)
		return;
	/*
	 * A block larger than the top of the heap makes the allocator move the
	 * break now; only what it added is advised (another allocator, as under
	 * a sanitizer or valgrind, leaves the break alone, and nothing is).
	 */
	brk0 = (uintptr_t)sbrk(0);
	if ((p = malloc(MIB)) == NULL)
		return;
	free(p);
	lo = (brk0 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = (uintptr_t)sbrk(0) & ~(HUGE_PAGE - 1);
	if (hi <= lo || madvise((void *)lo, hi - lo, MADV_HUGEPAGE) != 0)
		return;
	b->lo = (char *)lo;
	b->hi = (char *)hi;
}

void
heap_boost_end(struct heap_boost *b)
{
	if (b->hi > b->lo)
		(void)madvise(b->lo, (size_t)(b->hi - b->lo), MADV_NOHUGEPAGE);
	(void)mallopt(M_TOP_PAD, AFTER_PAD);
	(void)mallopt(M_MMAP_THRESHOLD, AFTER_MMAP);
	(void)mallopt(M_TRIM_THRESHOLD, AFTER_TRIM);
	b->lo = b->hi = NULL;
}
