/* testutil.h: helpers shared by the Check programs. */
#ifndef HP_TESTUTIL_H
#define HP_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A file under the source tree ($top_srcdir, or "." when run by hand). */
static inline char *
srcpath(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char *p;

	if (asprintf(&p, "%s/%s", top ? top : ".", rel) < 0)
		abort();
	return p;
}

/* The whole of a file under the source tree, NUL-terminated (allocated); its length in *len. */
static inline char *
source_file(const char *rel, size_t *len)
{
	char *full = srcpath(rel), *buf;
	FILE *f = fopen(full, "rb");
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", full);
	ck_assert(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0);
	if ((buf = malloc((size_t)n + 1)) == NULL)
		abort();
	*len = fread(buf, 1, (size_t)n, f);
	ck_assert_msg(*len == (size_t)n, "cannot read %s", full);
	buf[n] = '\0';
	fclose(f);
	free(full);
	return buf;
}

/* An instant given in UTC. */
static inline time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	    .tm_min = mi };

	return timegm(&tm);
}

/*
 * What a case file under tests/conf expects: its first line is
 * "# expect: TEXT"; returns TEXT (allocated).
 */
static inline char *
case_expect(const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[512] = "", *want;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	ck_assert_msg(strncmp(buf, "# expect: ", 10) == 0, "%s has no '# expect: ' line", path);
	if ((want = strdup(buf + 10)) == NULL)
		abort();
	return want;
}

/*
 * A test case called name with the tests of the NULL-terminated list t,
 * each run between setup and teardown when they are not NULL.
 */
static inline TCase *
tcase_of(const char *name, void (*setup)(void), void (*teardown)(void),
    const TTest *const *t)
{
	TCase *tc = tcase_create(name);

	if (setup != NULL || teardown != NULL)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (; *t != NULL; t++)
		tcase_add_test(tc, *t);
	return tc;
}

/* The list of tests for tcase_of. */
#define TESTS(...)	((const TTest *const[]){ __VA_ARGS__, NULL })

/* Run every suite; exit status for the test harness. */
static inline int
run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
