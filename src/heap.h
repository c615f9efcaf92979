/*
 * heap.h: the heap a start builds the model in, backed by 2 MB pages.
 *
 * A start from the store builds tens of megabytes of small objects; with
 * 4 KB pages that is thousands of page faults, which cost a virtual machine
 * more than the reading.  Between heap_boost_begin and heap_boost_end, the
 * allocator takes its memory from the program break in one reservation
 * sized by the database and asks the kernel for transparent huge pages
 * there (madvise; nothing changes where the kernel has none).  End asks for
 * small pages again for what the start left untouched and sets the
 * allocator as it was after a start before (heap.c), so only the start is
 * affected.  Not thread-safe: a start runs before any thread.
 */
#ifndef HP_HEAP_H
#define HP_HEAP_H

#include <stddef.h>

struct heap_boost {
	char	*lo, *hi;	/* the range advised, 2 MB aligned; lo == hi: none */
};

/* The reservation for a database of db_bytes: twice it, within [16 MB, 512 MB]. */
size_t heap_reserve_for(long long db_bytes);
/* Reserve bytes of heap and advise huge pages over it; b says what was advised. */
void heap_boost_begin(struct heap_boost *b, size_t bytes);
/* Back to the allocator's defaults and small pages for what is not yet touched. */
void heap_boost_end(struct heap_boost *b);

#endif
