/* testutil.h: helpers shared by the Check programs. */
#ifndef HP_TESTUTIL_H
#define HP_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

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
