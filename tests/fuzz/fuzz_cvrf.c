/*
 * fuzz_cvrf.c: cvrf_read and cvrf_reduce (MSRC CVRF JSON) on arbitrary bytes.
 * Either one error or a result, never both; the reduction accepts exactly
 * what the reading accepts, and the reduced document reads to the same
 * months (warnings may name other paths, so they are not compared).
 */
#include "fuzz_common.h"
#include "cvrf.h"

/* 2026-12-06 00:00Z: months up to 2026-12 may be read. */
#define FUZZ_NOW	((time_t)1796515200)

static bool
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void
same_months(const struct cvrf_result *a, const struct cvrf_result *b)
{
	if (a->npick != b->npick || a->month != b->month)
		abort();
	for (size_t i = 0; i < a->npick; i++) {
		const struct release *x = &a->pick[i].rel, *y = &b->pick[i].rel;

		if (a->pick[i].os != b->pick[i].os || x->kind != y->kind ||
		    x->unplanned != y->unplanned || !same_str(x->kb, y->kb) ||
		    !same_str(x->build, y->build) || !same_str(x->note, y->note))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct caldata *cal = fuzz_calendar_once();
	struct cvrf_result res = { 0 }, again = { 0 };
	char *err = NULL, *small = NULL;
	size_t slen = 0;
	int rc;

	if (size > (1u << 20))
		return -1;
	rc = cvrf_read((const char *)data, size, cal, FUZZ_NOW, &res, &err);
	if (rc < 0 ? err == NULL || res.id != NULL || res.npick != 0 : err != NULL)
		abort();
	free(err);
	err = NULL;
	if (cvrf_reduce((const char *)data, size, FUZZ_NOW, &small, &slen, &err) != rc)
		abort();
	if (rc == 0) {
		if (cvrf_read(small, slen, cal, FUZZ_NOW, &again, &err) != 0)
			abort();
		same_months(&res, &again);
	}
	cvrf_result_free(&res);
	cvrf_result_free(&again);
	free(small);
	free(err);
	return 0;
}
