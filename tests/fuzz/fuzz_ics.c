/*
 * fuzz_ics.c: ics_blackouts (the .ics importer of "blackout import") over
 * arbitrary bytes, with a fixed horizon of 2026-01-01 .. 2027-12-31.
 */
#include "fuzz_common.h"
#include "blackout_ics.h"

#define HORIZON_FROM	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define HORIZON_TO	((time_t)1830297599)	/* 2027-12-31T23:59:59Z */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blackout *v = NULL;
	size_t n = 0;
	char *cause = NULL;
	int rc;

	if (size > (256u << 10))
		return -1;
	/* Not NUL-terminated on purpose: the contract says len bytes. */
	rc = ics_blackouts((const char *)data, size, (size & 1) ? "ring1" : NULL,
	    HORIZON_FROM, HORIZON_TO, &v, &n, &cause);
	if (rc < 0) {
		if (cause == NULL || v != NULL || n != 0)
			abort();
	} else {
		if (cause != NULL || n > ICS_MAX_BLACKOUTS || (n > 0 && v == NULL))
			abort();
	}
	for (size_t i = 0; i < n; i++)
		blackout_free(&v[i]);
	free(v);
	free(cause);
	return 0;
}
