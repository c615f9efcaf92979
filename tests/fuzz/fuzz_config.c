/* fuzz_config.c: config_parse (hotpatchd.yaml) on arbitrary bytes. */
#include "fuzz_common.h"
#include "config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, before;
	struct diags d = { 0 };
	int rc;

	if (size > (1u << 20))
		return -1;
	config_defaults(&c);
	before = c;
	rc = config_parse("fuzz.yaml", (const char *)data, size, &c, &d);
	/* The contract: an error is reported and leaves c as it was; success reports nothing. */
	if (rc < 0 && (d.n == 0 || memcmp(&c, &before, sizeof(c)) != 0))
		abort();
	if (rc == 0 && d.n != 0)
		abort();
	/* Whatever the file, the report is bounded: the cap, its summary, short lines. */
	if (d.n > DIAGS_MAX + 1)
		abort();
	for (size_t i = 0; i < d.n; i++)
		if (strlen(d.v[i].msg) > DIAG_MSG_MAX)
			abort();
	if (rc == 0)
		config_finish(&c);
	config_free(&c);
	diags_free(&d);
	return 0;
}
