/*
 * invbench: how long inventory_parse takes for N devices (default
 * 100,000), as our CSV, as Intune's export and as a Graph page, built in
 * memory.  Prints one line per format: rows, bytes, seconds (best of 5).
 *
 *   make bench/invbench && bench/invbench [N]
 */
#include "clock.h"
#include "inventory.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	while (*len + n + 1 > *cap) {
		*cap = *cap ? *cap * 2 : 1 << 20;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* n devices in one of three shapes; the values vary so that names are unique. */
static char *
make(int shape, size_t n, size_t *len)
{
	char *buf = NULL, line[512];
	size_t cap = 0;

	*len = 0;
	append(&buf, len, &cap, shape == 0 ?
	    "name,ring,group,os,build,arch,vbs,chpe_disabled,edition,licensed,last_seen\n" :
	    shape == 1 ? "Device ID,Device name,Last check-in,OS version,Category,Primary user UPN,"
	    "OS,SkuFamily,ProcessorArchitecture\r\n" : "{\"value\": [\n");
	for (size_t i = 0; i < n; i++) {
		if (shape == 0)
			snprintf(line, sizeof(line), "pc-%07zu,broad,\"Site %zu\",,10.0.26100.%zu,%s,"
			    "true,,Enterprise,yes,2026-11-30T08:12:45Z\n", i, i % 50, 4000 + i % 3000,
			    i % 4 ? "x64" : "arm64");
		else if (shape == 1)
			snprintf(line, sizeof(line), "6f1c2a10-0001-4c1e-9a51-%012zu,PC-%07zu,"
			    "2026-11-30 08:12:45.0000000,10.0.26100.%zu,Site %zu,user%zu@example.com,"
			    "Windows,Enterprise,x64\r\n", i, i, 4000 + i % 3000, i % 50, i);
		else
			snprintf(line, sizeof(line), "%s{\"id\": \"%zu\", \"deviceName\": \"PC-%07zu\", "
			    "\"operatingSystem\": \"Windows\", \"osVersion\": \"10.0.26100.%zu\", "
			    "\"processorArchitecture\": \"x64\", \"skuFamily\": \"Enterprise\", "
			    "\"lastSyncDateTime\": \"2026-11-30T08:12:45Z\", "
			    "\"deviceHealthAttestationState\": {\"virtualSecureMode\": \"enabled\"}}\n",
			    i ? "," : "", i, i, 4000 + i % 3000);
		append(&buf, len, &cap, line);
	}
	if (shape == 2)
		append(&buf, len, &cap, "]}\n");
	return buf;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "ours", "intune", "graph" };
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;

	for (int shape = 0; shape < 3; shape++) {
		size_t len;
		char *text = make(shape, n, &len);
		double best = 1e9;

		for (int round = 0; round < 5; round++) {
			struct inventory inv = { 0 };
			struct inv_report rep = { 0 };
			double t0 = now_s(), t;

			if (inventory_parse(text, len, INV_AUTO, NULL, &inv, &rep) < 0 ||
			    inv.ndev != n) {
				fprintf(stderr, "invbench: %s: %s\n", names[shape], rep.error);
				return 1;
			}
			t = now_s() - t0;
			best = t < best ? t : best;
			inventory_free(&inv);
			inv_report_free(&rep);
		}
		printf("%-7s %zu rows %zu bytes %.3f s\n", names[shape], n, len, best);
		free(text);
	}
	return 0;
}
