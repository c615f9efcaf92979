/*
 * fleetbench: the fleet forecast of an inventory, as hotpatchctl fleet
 * answers it: read the CSV, inventory_parse, fleet_count for MONTHS
 * months, view_fleet and its text.  Each step is timed (best of ROUNDS);
 * the peak RSS is the process's after all of them.
 *
 *   bench/devgen.py data/calendar.yaml /tmp/fleet
 *   make bench/fleetbench && bench/fleetbench data/calendar.yaml /tmp/fleet [YYYY-MM [MONTHS]]
 *
 * Two anchors from the same run, since shared machines are noisy: the time
 * to read the file (the least any import costs) and one walk per ring and
 * OS over the same months (the ring plan without devices, planbench's
 * unit).  fleet_count walks once per group of alike devices, so its ratio
 * to the ring walk says how well devices share walks.  One thread.
 */
#include "clock.h"
#include "calfile.h"
#include "diag.h"
#include "inventory.h"
#include "layout.h"
#include "render.h"
#include "ringfile.h"
#include "util.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define ROUNDS	5

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		exit(1);
	}
	buf = xcalloc((size_t)n + 1, 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

/* Every ring and OS walked once over the months: the anchor.  Returns the walks made. */
static size_t
walk_rings(const struct caldata *cal, const struct ringset *rs, ym_t first, int months)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->nring; i++)
		for (size_t k = 0; k < rs->ring[i].nos; k++) {
			const struct os_def *os = caldata_find_os(cal, rs->ring[i].os[k]);
			struct walk w;

			if (os == NULL)
				continue;
			walk_start(&w, cal, rs, &rs->ring[i], os, first);
			for (int m = 0; m < months; m++) {
				struct install in;

				walk_month(&w, &in);
			}
			n++;
		}
	return n;
}

static double
best(double a, double b)
{
	return a < b ? a : b;
}

int
main(int argc, char **argv)
{
	struct caldata cal = { 0 };
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	struct inventory inv = { 0 };
	struct fleet f = { 0 };
	ym_t first = ym_make(2026, 12);
	int months = argc > 4 ? atoi(argv[4]) : 12;
	double t_read = 1e9, t_parse = 1e9, t_walk = 1e9, t_fleet = 1e9, t_view = 1e9, t0;
	size_t len = 0, ring_walks = 0, text_len = 0;
	struct rusage ru;
	char *path;

	if (argc < 3 || (argc > 3 && ym_parse(argv[3], &first) < 0) || months < 1) {
		fprintf(stderr, "usage: fleetbench CALENDAR DIR [YYYY-MM [MONTHS]]\n");
		return 2;
	}
	path = xasprintf("%s/schedules", argv[2]);
	if (calfile_load(argv[1], &cal, &d) < 0 || ringfile_load_dir(path, &cal, &rs, &d) < 0) {
		diags_print(&d, stderr);
		return 1;
	}
	free(path);
	path = xasprintf("%s/devices.csv", argv[2]);
	for (int r = 0; r < ROUNDS; r++) {
		struct inv_report rep = { 0 };
		struct layout lo = { 0 };	/* no width: the text in full, as the daemon's default */
		char *text, *out;
		json_t *j;

		t0 = now_s();
		text = read_file(path, &len);
		t_read = best(t_read, now_s() - t0);
		inventory_free(&inv);
		t0 = now_s();
		if (inventory_parse(text, len, INV_CSV, NULL, &inv, &rep) < 0) {
			fprintf(stderr, "%s: %s\n", path, rep.error ? rep.error : "rows refused");
			return 1;
		}
		t_parse = best(t_parse, now_s() - t0);
		inv_report_free(&rep);
		free(text);
		t0 = now_s();
		ring_walks = walk_rings(&cal, &rs, first, months);
		t_walk = best(t_walk, now_s() - t0);
		fleet_free(&f);
		t0 = now_s();
		if (fleet_count(&inv, &cal, &rs, first, months, &f) < 0)
			return 1;
		t_fleet = best(t_fleet, now_s() - t0);
		t0 = now_s();
		j = view_fleet(&f, first, FLEET_EVERY_RING);
		out = render_fleet(j, &lo);
		t_view = best(t_view, now_s() - t0);
		text_len = strlen(out);
		free(out);
		json_decref(j);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("devices %zu rings %zu months %d bytes %zu walks %zu (ring walks %zu)\n",
	    inv.ndev, rs.nring, months, len, f.walks, ring_walks);
	printf("read %.4f s  parse %.4f s (x%.1f read)\n", t_read, t_parse, t_parse / t_read);
	printf("ring walk %.4f s  fleet_count %.4f s (x%.2f ring walk)  view+text %.4f s "
	    "(%zu bytes)\n", t_walk, t_fleet, t_fleet / t_walk, t_view, text_len);
	printf("forecast (parse + fleet_count + view) %.3f s  maxrss_kb %ld  (%.0f bytes/device)\n",
	    t_parse + t_fleet + t_view, ru.ru_maxrss, (double)ru.ru_maxrss * 1024 /
	    (double)(inv.ndev ? inv.ndev : 1));
	fleet_free(&f);
	inventory_free(&inv);
	free(path);
	ringset_free(&rs);
	caldata_free(&cal);
	diags_free(&d);
	return 0;
}
