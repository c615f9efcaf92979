/*
 * check_fleet: the example inventory shipped beside the ring files
 * (schedules/devices-example.csv) read by inventory_parse and counted by
 * fleet_count over the shipped calendar and schedules, with counts worked
 * by hand below; then its forecast as JSON, text and page, none of which
 * may name a device.
 */
#include "calfile.h"
#include "inventory.h"
#include "pages.h"
#include "render.h"
#include "ringfile.h"
#include "testutil.h"
#include "util.h"
#include "views.h"

#include <string.h>

static struct caldata cal;
static struct ringset rings;
static struct inventory inv;

static void
setup(void)
{
	struct diags dg = { 0 };
	struct inv_report rep = { 0 };
	char *cpath = srcpath("data/calendar.yaml"), *sched = srcpath("schedules"), *text;
	size_t len;

	memset(&cal, 0, sizeof(cal));
	memset(&rings, 0, sizeof(rings));
	memset(&inv, 0, sizeof(inv));
	ck_assert_int_eq(calfile_load(cpath, &cal, &dg), 0);
	ck_assert_int_eq(ringfile_load_dir(sched, &cal, &rings, &dg), 0);
	text = source_file("schedules/devices-example.csv", &len);
	ck_assert_int_eq(inventory_parse(text, len, INV_AUTO, NULL, &inv, &rep), 0);
	ck_assert_int_eq(rep.format, INV_CSV);
	ck_assert_uint_eq(rep.nrej_total, 0);
	ck_assert_uint_eq(rep.nwarn, 0);
	inv_report_free(&rep);
	diags_free(&dg);
	free(text);
	free(cpath);
	free(sched);
}

static void
teardown(void)
{
	inventory_free(&inv);
	ringset_free(&rings);
	caldata_free(&cal);
}

/* The fleet_ring of ring id. */
static const struct fleet_ring *
ring_of(const struct fleet *f, const char *id)
{
	for (size_t i = 0; i < f->nring; i++)
		if (strcmp(f->ring[i].ring->id, id) == 0)
			return &f->ring[i];
	ck_abort_msg("no ring %s", id);
	return NULL;
}

/* The count of reason text in month m, 0 when it is not there. */
static long
why_count(const struct fleet_month *m, const char *text)
{
	for (size_t i = 0; i < m->nwhy; i++)
		if (strcmp(m->why[i].text, text) == 0)
			return m->why[i].n;
	return 0;
}

/*
 * May to July 2026, months the shipped calendar has published: the latest
 * baseline before May is April's (26100.8246 and 26200.8246); May is a
 * hotpatch, June an unplanned baseline, July a baseline.
 *
 * 20 devices; OLD-0701's ring "retired" is in no schedule: 19 counted.
 * Ring1's seven:
 *   LAPTOP-0101  24H2 .8246, April's baseline           hotpatch
 *   LAPTOP-0102  25H2 .8390, May's hotpatch build       hotpatch (above the baseline: on it)
 *   LAPTOP-0103  24H2 .7979, March's hotpatch           catch-up (below April's), restart
 *   LAPTOP-0104  Professional, not licensed             LCU
 *   LAPTOP-0105  VBS off                                LCU
 *   LAPTOP-0106  24H2 .1742, below min_build .2033      LCU (and below the baseline)
 *   LAPTOP-0107  22631: 23H2, never hotpatch            LCU (no baseline: build state unknown)
 * May: 2 hotpatch, 1 catch-up, 4 LCU, 5 restarts; June: 3 baselines and
 * the 4 LCUs, 7 restarts.  Not eligible elsewhere: ARM-0202 (arm64, CHPE
 * not disabled) and PRO-0501 (classic-broad: the ring says not licensed),
 * so 19 - 4 - 2 = 13 eligible.  In May: the licence reason has 2 devices
 * (LAPTOP-0104, PRO-0501), CHPE 1.
 */
START_TEST(example_inventory_forecast_worked_by_hand)
{
	struct fleet f;
	const struct fleet_ring *r1;
	long counted = 0, eligible = 0;

	ck_assert_uint_eq(inv.ndev, 20);
	ck_assert_int_eq(fleet_count(&inv, &cal, &rings, ym_make(2026, 5), 3, &f), 0);
	ck_assert_int_eq(f.no_ring, 1);
	ck_assert_int_eq(f.no_os, 0);
	for (size_t i = 0; i < f.nring; i++) {
		counted += f.ring[i].devices;
		eligible += f.ring[i].eligible;
	}
	ck_assert_int_eq(counted, 19);
	ck_assert_int_eq(eligible, 13);
	r1 = ring_of(&f, "ring1");
	ck_assert_int_eq(r1->devices, 7);
	ck_assert_int_eq(r1->eligible, 3);
	ck_assert_int_eq(r1->below_baseline, 2);
	ck_assert_int_eq(r1->build_unknown, 1);
	ck_assert_int_eq(r1->month[0].install[INS_HOTPATCH], 2);
	ck_assert_int_eq(r1->month[0].install[INS_CATCHUP], 1);
	ck_assert_int_eq(r1->month[0].install[INS_LCU], 4);
	ck_assert_int_eq(r1->month[0].restarts, 5);
	ck_assert_int_eq(r1->month[1].install[INS_BASELINE], 3);
	ck_assert_int_eq(r1->month[1].install[INS_LCU], 4);
	ck_assert_int_eq(r1->month[1].restarts, 7);
	ck_assert_int_eq(why_count(&r1->month[0], "this OS never gets hotpatch"), 1);
	ck_assert_int_eq(why_count(&r1->month[0], "virtualization-based security (VBS) is not "
	    "running"), 1);
	ck_assert_int_eq(ring_of(&f, "ring2")->month[0].install[INS_LCU], 1);
	ck_assert_int_eq(why_count(&ring_of(&f, "ring2")->month[0], "arm64 with CHPE enabled "
	    "(set HotPatchRestrictions=1 and restart)"), 1);
	ck_assert_int_eq(ring_of(&f, "classic-broad")->month[0].install[INS_LCU], 1);
	fleet_free(&f);
}
END_TEST

/* The forecast of the example as JSON, text and page: the licence reason first, no name. */
START_TEST(example_forecast_answers_name_no_device)
{
	struct fleet f;
	json_t *j;
	char *js, *text, *html;

	ck_assert_int_eq(fleet_count(&inv, &cal, &rings, ym_make(2026, 5), 12, &f), 0);
	j = view_fleet(&f, ym_make(2026, 5), FLEET_EVERY_RING);
	ck_assert_str_eq(view_text(json_array_get(json_object_get(json_object_get(j, "total"),
	    "lcu_reasons"), 0), "reason"), "not an eligible edition or licence, such as Pro, or "
	    "not enrolled through Azure Arc");
	js = json_dumps(j, 0);
	text = render_fleet(j, &(struct layout){ .color = false });
	html = page_fleet(j);
	ck_assert_ptr_nonnull(strstr(text, "20 devices, 19 counted in 8 rings\n"));
	ck_assert_ptr_nonnull(strstr(html, "<strong>20</strong> devices, 19 counted"));
	for (size_t i = 0; i < inv.ndev; i++) {
		ck_assert_msg(strstr(js, inv.dev[i].name) == NULL, "%s in the JSON", inv.dev[i].name);
		ck_assert_msg(strstr(text, inv.dev[i].name) == NULL, "%s in the text",
		    inv.dev[i].name);
		ck_assert_msg(strstr(html, inv.dev[i].name) == NULL, "%s in the page",
		    inv.dev[i].name);
	}
	free(js);
	free(text);
	free(html);
	json_decref(j);
	fleet_free(&f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fleet");

	suite_add_tcase(s, tcase_of("example", setup, teardown, TESTS(
	    example_inventory_forecast_worked_by_hand,
	    example_forecast_answers_name_no_device)));
	return run_suite(s);
}
