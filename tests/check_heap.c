/*
 * check_heap: the start's heap (src/heap.c).  The reservation's bounds by
 * hand; the advice seen by the kernel in /proc/self/smaps, where the kernel
 * and the allocator give one (glibc's break; not under a sanitizer).
 */
#include "heap.h"
#include "testutil.h"
#include "util.h"

#include <stdint.h>
#include <sys/mman.h>

#define MIB	((size_t)1 << 20)

START_TEST(reserve_is_twice_the_database_within_bounds)
{
	ck_assert_uint_eq(heap_reserve_for(-1), 16 * MIB);
	ck_assert_uint_eq(heap_reserve_for(0), 16 * MIB);
	ck_assert_uint_eq(heap_reserve_for(7 * (long long)MIB), 16 * MIB);	/* 14 MB */
	ck_assert_uint_eq(heap_reserve_for(21 * (long long)MIB), 42 * MIB);
	ck_assert_uint_eq(heap_reserve_for(256 * (long long)MIB), 512 * MIB);
	ck_assert_uint_eq(heap_reserve_for(4096 * (long long)MIB), 512 * MIB);
}
END_TEST

/* The VmFlags of the mapping holding p, or "" (allocated). */
static char *
vmflags_at(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512], *flags = strdup("");
	int in = 0;

	ck_assert(f != NULL && flags != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;

		/* A mapping's line starts with its range in lowercase hex; its fields, with a name. */
		if (strchr("0123456789abcdef", line[0]) != NULL &&
		    sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		} else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			free(flags);
			flags = strdup(line + 8);
			break;
		}
	}
	fclose(f);
	return flags;
}

START_TEST(the_start_is_advised_huge_pages_and_the_rest_is_not)
{
	struct heap_boost b;
	char *flags, *v[64], *lo;

	heap_boost_begin(&b, 16 * MIB);
	/* The heap serves as ever, inside the reservation or not. */
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		ck_assert_ptr_nonnull(v[i] = malloc(i * 4096 + 1));
		memset(v[i], (int)i, i * 4096 + 1);
	}
	if (b.lo != NULL) {
		ck_assert(b.hi > b.lo);
		ck_assert_uint_eq((uintptr_t)b.lo % (2 * MIB), 0);
		flags = vmflags_at(b.lo);
		ck_assert_msg(strstr(flags, " hg") != NULL, "VmFlags:%s", flags);
		free(flags);
	}
	lo = b.lo;
	heap_boost_end(&b);
	ck_assert_ptr_null(b.lo);
	if (lo != NULL) {
		flags = vmflags_at(lo);
		ck_assert_msg(strstr(flags, " nh") != NULL, "VmFlags:%s", flags);
		free(flags);
	}
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		ck_assert_int_eq(v[i][i * 4096], (char)i);
		free(v[i]);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("heap");

	suite_add_tcase(s, tcase_of("heap", NULL, NULL, TESTS(
	    reserve_is_twice_the_database_within_bounds,
	    the_start_is_advised_huge_pages_and_the_rest_is_not)));
	return run_suite(s);
}
