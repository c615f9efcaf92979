/*
 * fuzz_ics.c: ics_import (the .ics importer of "blackout import") over
 * arbitrary bytes, and the occurrences of each rule it keeps in 2027, as
 * the window engine would ask for them.
 */
#include "fuzz_common.h"
#include "blackout_ics.h"
#include "recur.h"

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
	rc = ics_import((const char *)data, size, (size & 1) ? "ring1" : NULL, &v, &n, &cause);
	if (rc < 0) {
		if (cause == NULL || v != NULL || n != 0)
			abort();
	} else {
		if (cause != NULL || n > ICS_MAX_ENTRIES || (n > 0 && v == NULL))
			abort();
	}
	for (size_t i = 0; i < n; i++)
		if (recur_year(&v[i], 2027, NULL, NULL) > 366)
			abort();
	for (size_t i = 0; i < n; i++)
		blackout_free(&v[i]);
	free(v);
	free(cause);
	return 0;
}
