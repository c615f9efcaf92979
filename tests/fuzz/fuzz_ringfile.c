/* fuzz_ringfile.c: ringfile_parse (the format of schedules/) on arbitrary bytes. */
#include "fuzz_common.h"
#include "ringfile.h"

static struct caldata cal;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct ringset set = { 0 };
	struct diags d = { 0 };
	int rc;

	if (!ready) {
		fuzz_calendar(&cal);	/* kept for the whole run */
		ready = 1;
	}
	if (size > (1u << 20))
		return -1;
	rc = ringfile_parse("fuzz.yaml", (const char *)data, size, &cal, &set, &d);
	/* On error *out is unchanged (it was empty); on success nothing was reported. */
	if (rc < 0 && (d.n == 0 || set.nring != 0 || set.nbo != 0))
		abort();
	if (rc == 0 && d.n != 0)
		abort();
	if (rc == 0) {
		/* A second file with the same rings must be refused as duplicates, cleanly. */
		struct diags d2 = { 0 };
		size_t nring = set.nring;

		rc = ringfile_parse("fuzz2.yaml", (const char *)data, size, &cal, &set, &d2);
		if (rc == 0 ? d2.n != 0 : (d2.n == 0 || set.nring != nring))
			abort();
		if (nring > 0 && rc == 0)
			abort();
		diags_free(&d2);
	}
	ringset_free(&set);
	diags_free(&d);
	return 0;
}
