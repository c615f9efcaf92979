/* fuzz_calfile.c: calfile_parse (data/calendar.yaml format) on arbitrary bytes. */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct caldata cal = { 0 };
	struct diags d = { 0 };
	int rc;

	if (size > (1u << 20))
		return -1;
	rc = calfile_parse("fuzz.yaml", (const char *)data, size, &cal, &d);
	/* The contract: an error is reported, and nothing is returned with it. */
	if (rc < 0 && (d.n == 0 || cal.nos != 0 || cal.os != NULL))
		abort();
	if (rc == 0 && d.n != 0)
		abort();
	caldata_free(&cal);
	diags_free(&d);
	return 0;
}
