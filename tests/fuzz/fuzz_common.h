/*
 * fuzz_common.h: what the libFuzzer targets share.  Only for the fuzz_*.c
 * built by tests/fuzz/run.sh, never by the Makefile.
 */
#ifndef HP_FUZZ_COMMON_H
#define HP_FUZZ_COMMON_H

#include "calfile.h"
#include "diag.h"
#include "model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A small calendar with the OS ids of tests/conf/calendar-min.yaml and of
 * the shipped schedules/, so ring seeds from both reach past the OS check.
 */
static const char fuzz_calendar_yaml[] =
    "version: 1\n"
    "os:\n"
    "  - id: os-a\n"
    "    name: Test OS A\n"
    "    arch: [x64, arm64]\n"
    "    hotpatch_start: 2025-04\n"
    "    msrc_products: [\"Windows 11 Version 24H2 for x64-based Systems\",\n"
    "        \"Windows Server 2025\"]\n"
    "    published:\n"
    "      - month: 2026-06\n"
    "        kind: baseline\n"
    "        unplanned: true\n"
    "        kb: KB5094125\n"
    "        build: \"26100.32995\"\n"
    "  - id: os-b\n"
    "    name: Test OS B\n"
    "    arch: [x64]\n"
    "    hotpatch_start: 2024-11\n"
    "  - id: win11-24h2\n"
    "    name: Windows 11 24H2\n"
    "    arch: [x64, arm64]\n"
    "    hotpatch_start: 2025-04\n"
    "  - id: win11-25h2\n"
    "    name: Windows 11 25H2\n"
    "    arch: [x64, arm64]\n"
    "    hotpatch_start: 2025-10\n"
    "  - id: ws2025-azure\n"
    "    name: Windows Server 2025 Azure Edition\n"
    "    arch: [x64]\n"
    "    hotpatch_start: 2024-11\n"
    "  - id: ws2025-arc\n"
    "    name: Windows Server 2025 (Azure Arc)\n"
    "    arch: [x64]\n"
    "    hotpatch_start: 2025-07\n"
    "  - id: ws2022-azure\n"
    "    name: Windows Server 2022 Azure Edition\n"
    "    arch: [x64]\n"
    "    hotpatch_start: 2022-02\n";

/* Parse the calendar above into *cal, or abort: a broken harness is no finding. */
static inline void
fuzz_calendar(struct caldata *cal)
{
	struct diags d = { 0 };

	memset(cal, 0, sizeof(*cal));
	if (calfile_parse("fuzz-calendar.yaml", fuzz_calendar_yaml,
	    sizeof(fuzz_calendar_yaml) - 1, cal, &d) < 0) {
		diags_print(&d, stderr);
		abort();
	}
	diags_free(&d);
}

/* The calendar above, parsed on the first call and kept for the whole run. */
static inline const struct caldata *
fuzz_calendar_once(void)
{
	static struct caldata cal;
	static int ready;

	if (!ready) {
		fuzz_calendar(&cal);
		ready = 1;
	}
	return &cal;
}

/* data as a NUL-terminated copy (caller frees). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
