/*
 * check_views: the views (model -> JSON), the text tables, and the route
 * table that every published document goes through.  The expected answers
 * are worked by hand in the comments next to them.
 */
#include "calfile.h"
#include "daemon.h"
#include "device.h"
#include "planrange.h"
#include "render.h"
#include "ringfile.h"
#include "site.h"
#include "sitetest.h"
#include "store.h"
#include "table.h"
#include "testutil.h"
#include "util.h"
#include "views.h"

#include <string.h>
#include <unistd.h>

/* ---- a daemon over the shipped calendar and schedules, with a store in a temporary dir ---- */

static struct daemon dm;

static void
daemon_up(void)
{
	sitetest_up(&dm, 0);
}

static void
daemon_down(void)
{
	sitetest_down(&dm);
}

/* ---- the route table ---- */

/* Every path of every row of the table, whatever its columns say. */
static char **
all_paths(const struct route ***of, size_t *n)
{
	char **v = NULL;
	size_t cap = 0, vcap = 0;

	*n = 0;
	*of = NULL;
	for (const struct route *r = site_routes; r->pattern != NULL; r++) {
		size_t k = r->each == EACH_OS ? dm.cal.nos : r->each == EACH_RING ?
		    dm.rings.nring : 1;

		for (size_t i = 0; i < k; i++) {
			const char *id = r->each == EACH_OS ? dm.cal.os[i].id :
			    r->each == EACH_RING ? dm.rings.ring[i].id :
			    r->each == EACH_YEAR ? "2027" : NULL;

			grow(&v, *n, &vcap, sizeof(*v));
			grow(of, *n, &cap, sizeof(**of));
			(*of)[*n] = r;
			v[(*n)++] = site_route_path(r, id);
		}
	}
	return v;
}

START_TEST(every_path_is_served_with_its_rows_type_and_cache)
{
	const struct route **of;
	size_t n;
	char **v, *cause = NULL;

	daemon_up();
	v = all_paths(&of, &n);
	/*
	 * 5 single documents, 9 OSes in data/calendar.yaml (5 with hotpatch, 26H2
	 * and 3 that never get it), 16 rings in schedules/ (3 in state-examples.yaml),
	 * and a year's plan (/plan/2027)
	 */
	ck_assert_uint_eq(n, 5 + 9 + 16 + 1);
	for (size_t i = 0; i < n; i++) {
		const struct page *pg = site_get(&dm, v[i], &cause);
		char *id;

		ck_assert_msg(pg != NULL, "%s not served (%s)", v[i], cause ? cause : "404");
		ck_assert_str_eq(pg->path, v[i]);
		ck_assert_str_eq(pg->type, of[i]->type);
		ck_assert_str_eq(pg->cache, of[i]->cache);
		ck_assert_uint_gt(pg->len, 0);
		ck_assert_ptr_eq(site_route(v[i], &id), of[i]);
		free(id);
		free(v[i]);
	}
	free(v);
	free(of);
	daemon_down();
}
END_TEST

START_TEST(export_names_come_from_the_table_and_never_collide)
{
	char **paths, *names[64];
	size_t n = 0;

	daemon_up();
	paths = site_paths(&dm);
	for (; paths[n] != NULL; n++) {
		ck_assert_uint_lt(n, ARRAY_LEN(names));
		names[n] = site_file_name(paths[n]);
		ck_assert_msg(names[n] != NULL, "%s exported without a file name", paths[n]);
		for (size_t k = 0; k < n; k++)
			ck_assert_msg(strcmp(names[k], names[n]) != 0, "%s and %s both write %s",
			    paths[k], paths[n], names[n]);
	}
	/* everything but /healthz: the index, the plan, the all-OS feed, 9 OS and 16 ring feeds, the fleet */
	ck_assert_uint_eq(n, 4 + 9 + 16);
	ck_assert_str_eq(paths[0], "/");
	ck_assert_str_eq(names[0], "index.html");
	ck_assert_str_eq(names[1], "plan/index.html");
	ck_assert_str_eq(names[2], "calendar.ics");
	ck_assert_str_eq(names[3], "os/win11-24h2.ics");
	ck_assert_str_eq(names[n - 1], "fleet/index.html");
	ck_assert_ptr_null(site_file_name("/healthz"));
	ck_assert_ptr_null(site_file_name("/nope"));
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	site_paths_free(paths);
	daemon_down();
}
END_TEST

/* export hands over every exported path once, under its table name. */
static void
count_file(void *arg, const char *file, const struct page *pg)
{
	size_t *n = arg;

	ck_assert_uint_eq(strlen(pg->body), pg->len);
	if (strcmp(file, "index.html") == 0)
		/* the static copy links relatively: no base URL */
		ck_assert_ptr_nonnull(strstr(pg->body, "href=\"calendar.ics\""));
	(*n)++;
}

START_TEST(export_walks_the_table)
{
	char *cause = NULL;
	size_t n = 0;

	daemon_up();
	dm.feed_url = "http://127.0.0.1:8080";
	ck_assert_int_eq(site_export(&dm, false, count_file, &n, &cause), 0);
	ck_assert_uint_eq(n, 4 + 9 + 16);
	dm.feed_url = NULL;
	daemon_down();
}
END_TEST

START_TEST(routes_match_their_patterns_only)
{
	char *id, *cause = NULL;

	ck_assert_ptr_eq(site_route("/os/ws2025-azure.ics", &id), &site_routes[4]);
	ck_assert_str_eq(id, "ws2025-azure");
	free(id);
	ck_assert_ptr_eq(site_route("/rings/ring1.ics", &id), &site_routes[5]);
	ck_assert_str_eq(id, "ring1");
	free(id);
	/* "/os/.ics": the '*' never matches nothing */
	ck_assert_ptr_null(site_route("/os/.ics", &id));
	ck_assert_ptr_null(site_route("/os/x.ical", &id));
	ck_assert_ptr_null(site_route("/plan/", &id));
	ck_assert_ptr_eq(site_route("/plan/2027", &id), &site_routes[7]);
	ck_assert_str_eq(id, "2027");
	free(id);
	ck_assert_ptr_eq(site_feed_route(EACH_NONE), &site_routes[3]);
	ck_assert_ptr_eq(site_feed_route(EACH_RING), &site_routes[5]);
	daemon_up();
	/* an id the model does not have is a 404, not an error */
	ck_assert_ptr_null(site_get(&dm, "/rings/nope.ics", &cause));
	ck_assert_ptr_null(cause);
	ck_assert_ptr_null(site_get(&dm, "/os/ring1.ics", &cause));
	ck_assert_ptr_null(cause);
	/* a year hotpatchd does not handle, or not a year at all */
	ck_assert_ptr_null(site_get(&dm, "/plan/1969", &cause));
	ck_assert_ptr_null(site_get(&dm, "/plan/20270", &cause));
	ck_assert_ptr_null(site_get(&dm, "/plan/abcd", &cause));
	ck_assert_ptr_null(cause);
	daemon_down();
}
END_TEST

/* site_get_query of path with the query "k1=v1&k2=v2..." given as pairs; *bad as it set it. */
static const struct page *
get_query(const char *path, const struct query_arg *a, size_t n, char **bad)
{
	char *cause = NULL;
	const struct page *pg = site_get_query(&dm, path, a, n, bad, &cause);

	ck_assert_msg(cause == NULL, "%s: %s", path, cause);
	return pg;
}

/* The page's <h1>, e.g. "Plan 2027", into buf. */
static const char *
h1_of(const struct page *pg, char *buf, size_t len)
{
	const char *p = strstr(pg->body, "<h1>"), *e = p != NULL ? strstr(p, "</h1>") : NULL;

	ck_assert_ptr_nonnull(e);
	snprintf(buf, len, "%.*s", (int)(e - p - 4), p + 4);
	return buf;
}

/*
 * The ways of naming a plan's months over HTTP: /plan?year=2027, ?from=2027-01&months=12
 * in either order, and /plan/2027, each the months January to December 2027; a query the
 * page cannot take is refused with why (the 400's text); other routes ignore queries.
 */
START_TEST(plan_queries_choose_the_months_or_are_refused)
{
	const struct query_arg year[] = { { "year", "2027" } };
	const struct query_arg range[] = { { "from", "2027-01" }, { "months", "12" } };
	const struct query_arg swapped[] = { { "months", "12" }, { "from", "2027-01" } };
	const struct query_arg across[] = { { "from", "2026-11" }, { "months", "3" } };
	const struct query_arg bad_months[] = { { "months", "38" } };
	const struct query_arg both[] = { { "year", "2027" }, { "months", "3" } };
	const struct query_arg junk[] = { { "utm_source", "mail" } };
	const struct page *pg, *again;
	char *bad, h[64];

	daemon_up();
	dm.at = 1794333600;	/* 2026-11-10 */
	pg = get_query("/plan", NULL, 0, &bad);
	ck_assert_ptr_nonnull(pg);
	ck_assert_str_eq(h1_of(pg, h, sizeof(h)), "Plan Nov 2026 to Oct 2027");
	ck_assert(!pg->variant);
	pg = get_query("/plan", year, 1, &bad);
	ck_assert_str_eq(h1_of(pg, h, sizeof(h)), "Plan 2027");
	ck_assert(pg->variant);
	ck_assert_str_eq(pg->path, "/plan?from=2027-01&months=12");
	/* one page for every way of asking for it */
	ck_assert_ptr_eq(get_query("/plan", range, 2, &bad), pg);
	ck_assert_ptr_eq(get_query("/plan", swapped, 2, &bad), pg);
	again = get_query("/plan/2027", NULL, 0, &bad);
	ck_assert_str_eq(h1_of(again, h, sizeof(h)), "Plan 2027");
	ck_assert_str_eq(again->path, "/plan/2027");
	/* the year's page links to its neighbours by path, the query's by query */
	ck_assert_ptr_nonnull(strstr(again->body, "<a rel=\"prev\" href=\"2026\">"));
	ck_assert_ptr_nonnull(strstr(pg->body, "<a rel=\"next\" href=\"?from=2028-01&amp;months=12\">"));
	pg = get_query("/plan", across, 2, &bad);
	ck_assert_str_eq(h1_of(pg, h, sizeof(h)), "Plan Nov 2026 to Jan 2027");
	ck_assert_uint_eq(site_chosen(&dm), 3);

	ck_assert_ptr_null(get_query("/plan", bad_months, 1, &bad));
	ck_assert_str_eq(bad, "bad months '38' (expected 1..37)");
	free(bad);
	ck_assert_ptr_null(get_query("/plan", both, 2, &bad));
	ck_assert_str_eq(bad, "year names its own months: give year, or from and months, not both");
	free(bad);
	ck_assert_ptr_null(get_query("/plan", junk, 1, &bad));
	ck_assert_str_eq(bad, "unknown parameter 'utm_source' (expected from, months or year)");
	free(bad);
	ck_assert_ptr_null(get_query("/plan/2027", junk, 1, &bad));
	ck_assert_str_eq(bad, "/plan/2027 takes no query; /plan?from=YYYY-MM&months=N names other "
	    "months");
	free(bad);
	/* a feed ignores its query, as calendar clients add their own */
	pg = get_query("/calendar.ics", junk, 1, &bad);
	ck_assert_ptr_nonnull(pg);
	ck_assert_ptr_null(bad);
	ck_assert_str_eq(pg->path, "/calendar.ics");
	ck_assert_uint_eq(site_chosen(&dm), 3);
	dm.at = 0;
	daemon_down();
}
END_TEST

/*
 * A client asking for month after month: SITE_CHOSEN_MAX + 4 distinct
 * plans of one month each (2027-01, 2027-02, ...).  At most SITE_CHOSEN_MAX
 * are kept, the least recently served given up first, and every answer is
 * still the page asked for.
 */
START_TEST(plan_variants_are_bounded)
{
	struct query_arg q[] = { { "from", NULL }, { "months", "1" } };
	const struct page *pg, *last = NULL;
	char from[8], want[32], h[64], *bad;
	int n = SITE_CHOSEN_MAX + 4;

	daemon_up();
	dm.at = 1794333600;
	for (int i = 0; i < n; i++) {
		q[0].value = ym_format(ym_make(2027, 1) + i, from);
		pg = get_query("/plan", q, 2, &bad);
		ck_assert_ptr_nonnull(pg);
		snprintf(want, sizeof(want), "Plan %s %d", (const char *const[]){ "Jan", "Feb", "Mar",
		    "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }[i % 12],
		    2027 + i / 12);
		ck_assert_str_eq(h1_of(pg, h, sizeof(h)), want);
		ck_assert_uint_le(site_chosen(&dm), SITE_CHOSEN_MAX);
		last = pg;
	}
	ck_assert_uint_eq(site_chosen(&dm), SITE_CHOSEN_MAX);
	/* the newest is kept: the same page again, not rebuilt */
	ck_assert_ptr_eq(get_query("/plan", q, 2, &bad), last);
	/* the first was given up for the newer ones: built again, and still right */
	q[0].value = "2027-01";
	pg = get_query("/plan", q, 2, &bad);
	ck_assert_str_eq(h1_of(pg, h, sizeof(h)), "Plan Jan 2027");
	ck_assert_uint_eq(site_chosen(&dm), SITE_CHOSEN_MAX);
	/* years in the path count against the same bound */
	for (int y = 2030; y < 2030 + n; y++) {
		char path[24];

		snprintf(path, sizeof(path), "/plan/%d", y);
		ck_assert_ptr_nonnull(get_query(path, NULL, 0, &bad));
	}
	ck_assert_uint_eq(site_chosen(&dm), SITE_CHOSEN_MAX);
	dm.at = 0;
	daemon_down();
}
END_TEST

/*
 * The plan over a range across a year end, from the shipped calendar and
 * schedules: ring "test" (America/New_York, win11-24h2 on hotpatch since
 * 2026-05) from 2026-11 for 3 months is November and December hotpatch
 * months and the January 2027 baseline: one restart, a baseline.
 */
START_TEST(plan_json_covers_its_range)
{
	struct plan_range r = { ym_make(2026, 11), 3 };
	json_t *plan, *row = NULL, *g;
	size_t i;

	daemon_up();
	plan = view_plan_range(&dm.cal, &dm.rings, &r, false);
	ck_assert_str_eq(json_string_value(json_object_get(plan, "from")), "2026-11");
	ck_assert_str_eq(json_string_value(json_object_get(plan, "to")), "2027-01");
	ck_assert_int_eq(json_integer_value(json_object_get(plan, "months")), 3);
	ck_assert(json_is_null(json_object_get(plan, "year")));
	ck_assert(json_is_false(json_object_get(plan, "at_risk_only")));
	json_array_foreach(json_object_get(plan, "rings"), i, g)
		if (strcmp(json_string_value(json_object_get(g, "ring")), "test") == 0 &&
		    strcmp(json_string_value(json_object_get(g, "os")), "win11-24h2") == 0)
			row = g;
	ck_assert_ptr_nonnull(row);
	ck_assert_uint_eq(json_array_size(json_object_get(row, "months")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(row,
	    "months"), 2), "month")), "2027-01");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(row,
	    "months"), 2), "kind")), "baseline");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(row, "restarts"),
	    "total")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(row, "restarts"),
	    "baseline")), 1);
	json_decref(plan);
	/* a calendar year says its year */
	plan = view_plan(&dm.cal, &dm.rings, 2027);
	ck_assert_int_eq(json_integer_value(json_object_get(plan, "year")), 2027);
	ck_assert_str_eq(json_string_value(json_object_get(plan, "to")), "2027-12");
	json_decref(plan);
	daemon_down();
}
END_TEST

/*
 * --at-risk keeps the rows with a risk: in 2027-01 ring state-paused (a
 * pause over 2027-01-10..2027-02-12, schedules/state-examples.yaml) skips
 * the January baseline; February brings it back as a catch-up.  Ring
 * "test", in its window every month, is not at risk and is left out.
 */
START_TEST(plan_at_risk_keeps_the_rows_with_a_risk)
{
	struct plan_range r = { ym_make(2027, 1), 2 };
	json_t *plan, *g, *m;
	size_t i, paused = 0;
	char *risks;

	daemon_up();
	plan = view_plan_range(&dm.cal, &dm.rings, &r, true);
	ck_assert(json_is_true(json_object_get(plan, "at_risk_only")));
	json_array_foreach(json_object_get(plan, "rings"), i, g) {
		const char *ring = json_string_value(json_object_get(g, "ring"));

		ck_assert(json_is_true(json_object_get(g, "at_risk")));
		ck_assert_str_ne(ring, "test");
		if (strcmp(ring, "state-paused") != 0)
			continue;
		paused++;
		m = json_array_get(json_object_get(g, "months"), 0);
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(m, "risks"), 0)),
		    "skipped");
		ck_assert_uint_eq(json_array_size(json_object_get(m, "risks")), 1);
		m = json_array_get(json_object_get(g, "months"), 1);
		ck_assert_str_eq(json_string_value(json_object_get(m, "install")), "catch-up");
		risks = json_dumps(json_object_get(m, "risks"), JSON_COMPACT);
		ck_assert_ptr_nonnull(strstr(risks, "\"catch-up\""));
		free(risks);
	}
	ck_assert_uint_eq(paused, 2);	/* win11-24h2 and win11-25h2 */
	json_decref(plan);
	daemon_down();
}
END_TEST

/* ---- views ---- */

/* The compact JSON text of j, which it takes. */
static char *
dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(j);
	return s;
}

START_TEST(instants_are_utc_seconds)
{
	char *s;

	/* 2026-01-01 is 56*365 + 14 leap days = 20454 days after 1970-01-01; Nov 10 is
	 * 304 + 9 days later: (20454 + 313) * 86400 + 18 * 3600 = 1794333600. */
	s = dump(view_instant(1794333600));
	ck_assert_str_eq(s, "\"2026-11-10T18:00:00Z\"");
	free(s);
	s = dump(view_instant(0));
	ck_assert_str_eq(s, "\"1970-01-01T00:00:00Z\"");
	free(s);
}
END_TEST

START_TEST(restarts_keep_their_key_order)
{
	struct restarts rs = { .baseline = 4, .unplanned = 1, .lcu = 0, .catchup = 1, .offbase = 2,
	    .oob = 1, .total = 9 };
	char gone[] = "gone", *oses[] = { gone };
	struct ring g = { .os = oses, .nos = 1 };
	struct caldata none = { 0 };
	char *s = dump(view_restarts(&rs));

	ck_assert_str_eq(s, "{\"baseline\":4,\"unplanned\":1,\"lcu\":0,\"catchup\":1,"
	    "\"offbase\":2,\"oob\":1,\"total\":9}");
	free(s);
	/* an OS the calendar does not have is left out, not counted as zero */
	s = dump(view_ring_restarts(&none, NULL, &g, 2026));
	ck_assert_str_eq(s, "{\"year\":2026,\"os\":[]}");
	free(s);
}
END_TEST

START_TEST(ring_restarts_name_the_os_first)
{
	const char *keys[] = { "os", "baseline", "unplanned", "lcu", "catchup", "offbase", "oob",
	    "total" };
	json_t *j, *o;
	const char *k;
	size_t i = 0;
	void *it;

	daemon_up();
	j = view_ring_restarts(&dm.cal, &dm.rings, &dm.rings.ring[0], 2026);
	o = json_array_get(json_object_get(j, "os"), 0);
	ck_assert_str_eq(view_text(o, "os"), dm.rings.ring[0].os[0]);
	for (it = json_object_iter(o); it != NULL; it = json_object_iter_next(o, it)) {
		k = json_object_iter_key(it);
		ck_assert_uint_lt(i, ARRAY_LEN(keys));
		ck_assert_str_eq(k, keys[i++]);
	}
	ck_assert_uint_eq(i, ARRAY_LEN(keys));
	ck_assert_str_eq(view_text(o, "nope"), "-");
	json_decref(j);
	daemon_down();
}
END_TEST

/* ---- the fleet forecast ---- */

#define YM_JAN27	(2027 * 12)
#define OFF	"off the latest baseline until the next one"
#define VBS	"virtualization-based security (VBS) is not running"

/*
 * Two rings over 2027-01 and 2027-02, counts made up so that the three ways
 * of adding reasons differ (OFF: a 2 then 1, b 0 then 2):
 *
 *            a: HP CU LCU R  why          b: HP CU LCU R  why
 * 2027-01       2  0  3   3  OFF 2 VBS 1     1  1  1   2  VBS 1
 * 2027-02       3  0  2   2  OFF 1 VBS 1     0  0  3   3  OFF 2 VBS 1
 *
 * Month sums: 01 HP 3 CU 1 LCU 4 R 5, OFF 2 VBS 2; 02 HP 3 LCU 5 R 5, OFF 3
 * VBS 2.  The reasons of a total are the most devices in one month, not a
 * sum over months: overall OFF 3 (02's), not 2 + 2 (each ring's most) nor
 * 5 (every month); VBS 2.  Ring a's total: HP 5 LCU 5 R 5, OFF 2 VBS 1.
 * Devices: 5 + 3 counted, 1 without a ring, 2 without an OS: 11.
 */
static struct fleet_why a1[] = { { OFF, 2 }, { VBS, 1 } }, a2[] = { { OFF, 1 }, { VBS, 1 } };
static struct fleet_why b1[] = { { VBS, 1 } }, b2[] = { { OFF, 2 }, { VBS, 1 } };
static struct fleet_month am[] = {
	{ YM_JAN27, { 2, 0, 0, 3 }, 3, a1, 2 }, { YM_JAN27 + 1, { 3, 0, 0, 2 }, 2, a2, 2 },
}, bm[] = {
	{ YM_JAN27, { 1, 0, 1, 1 }, 2, b1, 1 }, { YM_JAN27 + 1, { 0, 0, 0, 3 }, 3, b2, 2 },
};

/* The counts of an "install" object, hotpatch, baseline, catch-up, lcu, then restarts. */
static void
assert_counts(const json_t *o, long hp, long bl, long cu, long lcu, long restarts)
{
	const json_t *ins = json_object_get(o, "install");

	ck_assert_int_eq(json_integer_value(json_object_get(ins, "hotpatch")), hp);
	ck_assert_int_eq(json_integer_value(json_object_get(ins, "baseline")), bl);
	ck_assert_int_eq(json_integer_value(json_object_get(ins, "catch-up")), cu);
	ck_assert_int_eq(json_integer_value(json_object_get(ins, "lcu")), lcu);
	ck_assert_int_eq(json_object_size(ins), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "restarts")), restarts);
}

/* Reason i of o's lcu_reasons. */
static void
assert_reason(const json_t *o, size_t i, const char *text, long n)
{
	const json_t *w = json_array_get(json_object_get(o, "lcu_reasons"), i);

	ck_assert_str_eq(view_text(w, "reason"), text);
	ck_assert_int_eq(json_integer_value(json_object_get(w, "devices")), n);
}

START_TEST(fleet_json_sums_months_and_rings)
{
	struct ring rings[] = { { .id = "a", .name = "Ring A" }, { .id = "b" } };
	struct fleet_ring fr[] = {
		{ &rings[0], 5, 3, 1, 0, am }, { &rings[1], 3, 1, 0, 1, bm },
	};
	struct fleet f = { fr, 2, 2, 1, 2, 0 };
	json_t *j = view_fleet(&f, YM_JAN27, FLEET_EVERY_RING), *tot = json_object_get(j, "total"), *m, *g;

	ck_assert_str_eq(view_text(j, "from"), "2027-01");
	ck_assert_str_eq(view_text(j, "to"), "2027-02");
	ck_assert_int_eq(json_integer_value(json_object_get(tot, "devices")), 11);
	ck_assert_int_eq(json_integer_value(json_object_get(tot, "counted")), 8);
	ck_assert_int_eq(json_integer_value(json_object_get(tot, "eligible")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(tot, "below_baseline")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(tot, "build_unknown")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(tot, "no_ring")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(tot, "no_os")), 2);
	assert_counts(tot, 6, 0, 1, 9, 10);
	assert_reason(tot, 0, OFF, 3);
	assert_reason(tot, 1, VBS, 2);
	m = json_object_get(j, "months");
	ck_assert_int_eq(json_array_size(m), 2);
	ck_assert_str_eq(view_text(json_array_get(m, 0), "month"), "2027-01");
	assert_counts(json_array_get(m, 0), 3, 0, 1, 4, 5);
	/* equal counts: by the words */
	assert_reason(json_array_get(m, 0), 0, OFF, 2);
	assert_reason(json_array_get(m, 0), 1, VBS, 2);
	assert_counts(json_array_get(m, 1), 3, 0, 0, 5, 5);
	assert_reason(json_array_get(m, 1), 0, OFF, 3);
	g = json_array_get(json_object_get(j, "rings"), 0);
	ck_assert_str_eq(view_text(g, "ring"), "a");
	ck_assert_str_eq(view_text(g, "name"), "Ring A");
	ck_assert_int_eq(json_integer_value(json_object_get(g, "devices")), 5);
	ck_assert_int_eq(json_integer_value(json_object_get(g, "below_baseline")), 1);
	assert_counts(json_array_get(json_object_get(g, "months"), 1), 3, 0, 0, 2, 2);
	assert_counts(json_object_get(g, "total"), 5, 0, 0, 5, 5);
	assert_reason(json_object_get(g, "total"), 0, OFF, 2);
	assert_reason(json_object_get(g, "total"), 1, VBS, 1);
	g = json_array_get(json_object_get(j, "rings"), 1);
	ck_assert(json_is_null(json_object_get(g, "name")));
	assert_counts(json_object_get(g, "total"), 1, 0, 1, 4, 5);
	json_decref(j);
}
END_TEST

/*
 * The /fleet page's JSON lists only rings with devices: ring b below has
 * none (its months zero), so "rings" holds a alone, and the totals are
 * those of the full listing (5 devices, a's, in both).
 */
START_TEST(fleet_json_rings_with_devices)
{
	static struct fleet_month none[] = { { .month = YM_JAN27 }, { .month = YM_JAN27 + 1 } };
	struct ring rings[] = { { .id = "a", .name = "Ring A" }, { .id = "b" } };
	struct fleet_ring fr[] = {
		{ &rings[0], 5, 3, 1, 0, am }, { &rings[1], 0, 0, 0, 0, none },
	};
	struct fleet f = { fr, 2, 2, 0, 0, 0 };
	json_t *every = view_fleet(&f, YM_JAN27, FLEET_EVERY_RING);
	json_t *some = view_fleet(&f, YM_JAN27, FLEET_RINGS_WITH_DEVICES);

	ck_assert_int_eq(json_array_size(json_object_get(every, "rings")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(some, "rings")), 1);
	ck_assert_str_eq(view_text(json_array_get(json_object_get(some, "rings"), 0), "ring"), "a");
	ck_assert(json_equal(json_object_get(every, "total"), json_object_get(some, "total")));
	ck_assert(json_equal(json_object_get(every, "months"), json_object_get(some, "months")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(some, "total"),
	    "devices")), 5);
	json_decref(every);
	json_decref(some);
}
END_TEST

/* No rings (an empty ring set): zeros and the months still listed. */
START_TEST(fleet_json_without_rings)
{
	struct fleet f = { NULL, 0, 3, 4, 0, 0 };
	json_t *j = view_fleet(&f, YM_JAN27, FLEET_EVERY_RING);

	ck_assert_str_eq(view_text(j, "to"), "2027-03");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "total"),
	    "devices")), 4);
	ck_assert_int_eq(json_array_size(json_object_get(j, "months")), 3);
	assert_counts(json_array_get(json_object_get(j, "months"), 2), 0, 0, 0, 0, 0);
	ck_assert_int_eq(json_array_size(json_object_get(j, "rings")), 0);
	json_decref(j);
}
END_TEST

/* ---- renderers: colour is an argument ---- */

/* What render makes of the JSON text. */
static char *
rendered(char *(*render)(const json_t *, struct layout *), const char *text, bool color)
{
	json_t *j = json_loads(text, 0, NULL);
	struct layout lo = { .color = color };
	char *s;

	ck_assert_ptr_nonnull(j);
	s = render(j, &lo);
	json_decref(j);
	return s;
}

static const char month_json[] =
    "{\"os\": ["
    "{\"os\": \"w11\", \"month\": \"2026-11\", \"release_at\": \"2026-11-10T18:00:00Z\","
    " \"kind\": \"baseline\", \"unplanned\": true, \"source\": \"published\","
    " \"restart\": true, \"kb\": \"KB1\"},"
    "{\"os\": \"srv\", \"month\": \"2026-11\", \"release_at\": \"2026-11-10T18:00:00Z\","
    " \"kind\": \"hotpatch\", \"unplanned\": false, \"source\": \"planned\","
    " \"restart\": false, \"kb\": null}]}";

/*
 * A plan of one ring and OS, three months (the grid reads only those):
 * Jan baseline paused and skipped (no window: "B -=", listed as none), Feb catch-up with a
 * window on 02/12 local ("C 02/12"), Mar an off-baseline LCU after an
 * upgrade, forced inside a freeze ("O 03/20~").  Restarts 1 baseline +
 * 1 catch-up + 1 off-base = 3, written "3 (1+1 catch-up+1 off-base)".
 */
static const char state_plan_json[] =
    "{\"year\": 2027, \"rings\": [{\"ring\": \"r\", \"name\": \"R\", \"os\": \"w11\","
    " \"timezone\": \"UTC\", \"eligible\": true, \"not_eligible\": null,"
    " \"restarts\": {\"baseline\": 1, \"unplanned\": 0, \"lcu\": 0, \"catchup\": 1,"
    " \"offbase\": 1, \"oob\": 0, \"total\": 3}, \"months\": ["
    "{\"month\": \"2027-01\", \"kind\": \"baseline\", \"install\": \"baseline\","
    " \"status\": \"none\", \"window_start_local\": null, \"blackout\": null,"
    " \"skipped\": true, \"pause\": \"year-end pause\", \"cause\": \"paused\","
    " \"reason\": \"skipped by pause\"},"
    "{\"month\": \"2027-02\", \"kind\": \"hotpatch\", \"install\": \"catch-up\","
    " \"status\": \"ok\", \"window_start_local\": \"2027-02-12T22:00+00:00\","
    " \"blackout\": null, \"skipped\": false, \"cause\": \"paused\","
    " \"reason\": \"catch-up reason\"},"
    "{\"month\": \"2027-03\", \"kind\": \"hotpatch\", \"install\": \"lcu\","
    " \"status\": \"ok\", \"window_start_local\": \"2027-03-20T22:00+00:00\","
    " \"blackout\": null, \"skipped\": false, \"cause\": \"upgrade\","
    " \"forced_in\": \"march freeze\", \"reason\": \"upgrade reason\"}]}]}";

START_TEST(plan_text_marks_the_state_across_months)
{
	char *s = rendered(render_plan, state_plan_json, false);

	ck_assert_ptr_nonnull(strstr(s, "B -="));
	ck_assert_ptr_nonnull(strstr(s, "C 02/12"));
	ck_assert_ptr_nonnull(strstr(s, "O 03/20~"));
	ck_assert_ptr_nonnull(strstr(s, "3 (1+1 catch-up+1 off-base)"));
	ck_assert_ptr_nonnull(strstr(s, "C catch-up: the missed baseline and the hotpatch"));
	ck_assert_ptr_nonnull(strstr(s, "r w11 none in Jan: skipped by pause"));
	ck_assert_ptr_nonnull(strstr(s, "r w11 catch-up in Feb: catch-up reason"));
	ck_assert_ptr_nonnull(strstr(s, "r w11 forced in Mar: upgrade reason"));
	free(s);
}
END_TEST

/*
 * Three months across the year end, the daemon's shape (from, months,
 * risks): November in its window, December late (at risk), January a
 * baseline moved by a blackout (a note, not a risk).  The grid names the
 * year with its first month and with January; the lines under it say the
 * months with their years, risks first.
 */
static const char rolling_plan_json[] =
    "{\"from\": \"2026-11\", \"to\": \"2027-01\", \"months\": 3, \"year\": null,"
    " \"at_risk_only\": false, \"rings\": [{\"ring\": \"r\", \"name\": \"R\", \"os\": \"w11\","
    " \"timezone\": \"UTC\", \"eligible\": true, \"not_eligible\": null, \"at_risk\": true,"
    " \"restarts\": {\"baseline\": 1, \"total\": 1}, \"months\": ["
    "{\"month\": \"2026-11\", \"kind\": \"hotpatch\", \"install\": \"hotpatch\","
    " \"status\": \"ok\", \"window_start_local\": \"2026-11-12T22:00+00:00\","
    " \"blackout\": null, \"reason\": \"ok\", \"risks\": []},"
    "{\"month\": \"2026-12\", \"kind\": \"hotpatch\", \"install\": \"hotpatch\","
    " \"status\": \"late\", \"window_start_local\": \"2026-12-17T22:00+00:00\","
    " \"blackout\": null, \"reason\": \"late reason\", \"risks\": [\"late\"]},"
    "{\"month\": \"2027-01\", \"kind\": \"baseline\", \"install\": \"baseline\","
    " \"status\": \"ok\", \"window_start_local\": \"2027-01-21T22:00+00:00\","
    " \"blackout\": \"winter\", \"reason\": \"moved by winter\", \"risks\": []}]}]}";

START_TEST(plan_text_across_a_year_end_risks_first)
{
	char *s = rendered(render_plan, rolling_plan_json, false), *risks, *notes;

	ck_assert_ptr_nonnull(strstr(s, "plan Nov 2026 to Jan 2027: each ring's install window"));
	ck_assert_ptr_nonnull(strstr(s, "Nov 2026 Dec      Jan 2027"));
	ck_assert_ptr_nonnull(strstr(s, "r w11    H 11/12  H 12/17! B 01/21#"));
	risks = strstr(s, "\nat risk (late, none, skipped, forced into a freeze, catch-up):\n"
	    "  r w11 late in Dec 2026: late reason\n");
	notes = strstr(s, "\nnotes (a blackout moved the window, the install differs from the "
	    "month):\n  r w11 moved in Jan 2027: moved by winter\n");
	ck_assert_ptr_nonnull(risks);
	ck_assert_ptr_nonnull(notes);
	ck_assert(risks < notes);
	free(s);
	/* --at-risk with nothing at risk: one line */
	s = rendered(render_plan, "{\"from\": \"2027-01\", \"months\": 1, \"at_risk_only\": true,"
	    " \"rings\": []}", false);
	ck_assert_str_eq(s, "no ring is at risk in Jan 2027: every install has a window before its "
	    "deadline\n");
	free(s);
}
END_TEST

START_TEST(month_table_plain_and_coloured)
{
	char *s;

	/*
	 * Widest cells: w11 (3), 2026-11 (7), "2026-11-10 18:00" (16), baseline* (9),
	 * RESTART (7), published (9); two spaces after each; a null KB prints "-".
	 */
	s = rendered(render_month, month_json, false);
	ck_assert_str_eq(s,
	    "OS   MONTH    RELEASE (UTC)     KIND       RESTART  SOURCE     KB\n"
	    "w11  2026-11  2026-11-10 18:00  baseline*  yes      published  KB1\n"
	    "srv  2026-11  2026-11-10 18:00  hotpatch~  no       planned    -\n"
	    "* unplanned baseline  ~ planned (not published)  ! override  + published at run time\n");
	free(s);
	/* Colour wraps the kinds and the restart, never the header; padding counts the text only. */
	s = rendered(render_month, month_json, true);
	ck_assert_str_eq(s,
	    "OS   MONTH    RELEASE (UTC)     KIND       RESTART  SOURCE     KB\n"
	    "w11  2026-11  2026-11-10 18:00  \033[33mbaseline*\033[0m  \033[33myes\033[0m"
	    "      published  KB1\n"
	    "srv  2026-11  2026-11-10 18:00  \033[32mhotpatch~\033[0m  no       planned    -\n"
	    "* unplanned baseline  ~ planned (not published)  ! override  + published at run time\n");
	free(s);
}
END_TEST

static const char rings_json[] =
    "{\"rings\": [{\"ring\": \"r1\", \"name\": \"Ring One\", \"os\": [\"a\", \"b\"],"
    " \"deferral_days\": 0, \"deadline_days\": 7, \"grace_days\": 2, \"timezone\": \"UTC\","
    " \"hotpatch\": true, \"eligibility\": ["
    "{\"os\": \"a\", \"eligible\": true, \"reason\": null},"
    "{\"os\": \"b\", \"eligible\": false, \"reason\": \"no hotpatch\"}],"
    " \"restarts\": {\"year\": 2026, \"os\": [{\"os\": \"a\", \"total\": 4},"
    " {\"os\": \"b\", \"total\": 12}]}}]}";

START_TEST(rings_table_says_why_not_eligible)
{
	char *s;

	/* The HOTPATCH column is as wide as "no for b: no hotpatch" (21): 23 with the gap. */
	s = rendered(render_rings, rings_json, true);
	ck_assert_str_eq(s,
	    "RING  OS   DEFER  DEADLINE  GRACE  TIMEZONE  RESTARTS 2026  HOTPATCH"
	    "               NAME\n"
	    "r1    a,b  0d     7d        2d     UTC       4,12           no for b: no hotpatch"
	    "  Ring One\n");
	free(s);
}
END_TEST

/*
 * A month published at run time whose calendar file entry differs in kind and KB: the
 * row's source says run time and "+" marks the kind; under the table, who published it
 * and the one conflict line (view_conflict_line), word for word.
 */
static const char runtime_month_json[] =
    "{\"os\": [{\"os\": \"w11\", \"month\": \"2026-11\", \"release_at\": \"2026-11-10T18:00:00Z\","
    " \"kind\": \"hotpatch\", \"unplanned\": false, \"source\": \"published\","
    " \"restart\": false, \"kb\": \"KB11\","
    " \"published\": {\"from\": \"runtime\", \"who\": \"uid 0 (root)\","
    " \"at\": \"2026-11-12T09:30:00Z\", \"origin\": \"hotpatchctl\"},"
    " \"conflict\": {\"os\": \"w11\", \"month\": \"2026-11\","
    " \"runtime\": {\"kind\": \"hotpatch\", \"unplanned\": false, \"date\": null,"
    " \"kb\": \"KB11\", \"build\": null, \"expedited\": false, \"note\": null,"
    " \"from\": \"runtime\", \"who\": \"uid 0 (root)\", \"at\": \"2026-11-12T09:30:00Z\","
    " \"origin\": \"hotpatchctl\"},"
    " \"file\": {\"kind\": \"baseline\", \"unplanned\": true, \"date\": \"2026-11-11\","
    " \"kb\": \"KB99\", \"build\": null, \"expedited\": false, \"note\": null},"
    " \"differs\": [\"kind\", \"unplanned\", \"date\", \"kb\"], \"wins\": \"runtime\"}}]}";

START_TEST(month_table_says_run_time_and_the_conflict)
{
	char *s = rendered(render_month, runtime_month_json, false);

	ck_assert_str_eq(s,
	    "OS   MONTH    RELEASE (UTC)     KIND       RESTART  SOURCE                KB\n"
	    "w11  2026-11  2026-11-10 18:00  hotpatch+  no       published (run time)  KB11\n"
	    "* unplanned baseline  ~ planned (not published)  ! override  + published at run time\n"
	    "w11 2026-11  published at run time by uid 0 (root) at 2026-11-12T09:30:00Z (hotpatchctl)\n"
	    "conflict: w11 2026-11 is published at run time as hotpatch KB11 (by uid 0 (root) at "
	    "2026-11-12T09:30:00Z), the calendar file says baseline (unplanned) KB99 on 2026-11-11 "
	    "(they differ in kind, unplanned, date, kb); the run-time answer wins until "
	    "'hotpatchctl publish clear w11 2026-11'\n");
	free(s);
}
END_TEST

/*
 * A fleet of two rings with devices and one without, over two months (the
 * sums as view_fleet makes them, checked above).  Columns are two spaces
 * apart and as wide as their widest cell: MONTH 7 ("2027-01"), HOTPATCH,
 * BASELINE, CATCH-UP and RESTARTS 8 (their headers), LCU 3.  The empty ring
 * is only counted under the table.
 */
static const char fleet_json[] =
    "{\"from\": \"2027-01\", \"to\": \"2027-02\", \"total\": {\"devices\": 11, \"counted\": 8,"
    " \"eligible\": 4, \"below_baseline\": 1, \"build_unknown\": 1, \"no_ring\": 1,"
    " \"no_os\": 2, \"install\": {\"hotpatch\": 6, \"baseline\": 0, \"catch-up\": 1,"
    " \"lcu\": 9}, \"restarts\": 10, \"lcu_reasons\": [{\"reason\": \"off base\","
    " \"devices\": 3}, {\"reason\": \"VBS off\", \"devices\": 2}]}, \"months\": ["
    "{\"month\": \"2027-01\", \"install\": {\"hotpatch\": 3, \"baseline\": 0,"
    " \"catch-up\": 1, \"lcu\": 4}, \"restarts\": 5},"
    "{\"month\": \"2027-02\", \"install\": {\"hotpatch\": 3, \"baseline\": 0,"
    " \"catch-up\": 0, \"lcu\": 5}, \"restarts\": 5}], \"rings\": ["
    "{\"ring\": \"pilot\", \"devices\": 5, \"months\": ["
    "{\"month\": \"2027-01\", \"install\": {\"hotpatch\": 2, \"baseline\": 0,"
    " \"catch-up\": 0, \"lcu\": 3}, \"restarts\": 3},"
    "{\"month\": \"2027-02\", \"install\": {\"hotpatch\": 3, \"baseline\": 0,"
    " \"catch-up\": 0, \"lcu\": 2}, \"restarts\": 2}]},"
    "{\"ring\": \"empty\", \"devices\": 0, \"months\": []},"
    "{\"ring\": \"broad\", \"devices\": 3, \"months\": ["
    "{\"month\": \"2027-01\", \"install\": {\"hotpatch\": 1, \"baseline\": 0,"
    " \"catch-up\": 1, \"lcu\": 1}, \"restarts\": 2},"
    "{\"month\": \"2027-02\", \"install\": {\"hotpatch\": 0, \"baseline\": 0,"
    " \"catch-up\": 0, \"lcu\": 3}, \"restarts\": 3}]}]}";

START_TEST(fleet_text_months_reasons_and_rings)
{
	char *s = rendered(render_fleet, fleet_json, false);

	ck_assert_str_eq(s,
	    "fleet 2027-01..2027-02: 11 devices, 8 counted in 2 rings\n"
	    "  4 eligible for hotpatch, 1 below the latest baseline, 1 of unknown build\n"
	    "  not counted: 1 without a ring of the ring set, 2 whose OS is not found\n"
	    "\n"
	    "MONTH    HOTPATCH  BASELINE  CATCH-UP  LCU  RESTARTS\n"
	    "2027-01  3         0         1         4    5\n"
	    "2027-02  3         0         0         5    5\n"
	    "total    6         0         1         9    10\n"
	    "\n"
	    "why the LCU (most devices in one month):\n"
	    "  3 devices: off base\n"
	    "  2 devices: VBS off\n"
	    "\n"
	    "RING   DEVICES  MONTH    HOTPATCH  BASELINE  CATCH-UP  LCU  RESTARTS\n"
	    "pilot  5        2027-01  2         0         0         3    3\n"
	    "                2027-02  3         0         0         2    2\n"
	    "broad  3        2027-01  1         0         1         1    2\n"
	    "                2027-02  0         0         0         3    3\n"
	    "rings without devices: 1\n");
	free(s);
}
END_TEST

/* No devices at all: how to import some, the month table of zeros, no reasons, no ring table. */
START_TEST(fleet_text_without_devices)
{
	char *s = rendered(render_fleet, "{\"from\": \"2027-01\", \"to\": \"2027-01\", \"total\":"
	    " {\"devices\": 0}, \"months\": [{\"month\": \"2027-01\"}], \"rings\": "
	    "[{\"ring\": \"r\", \"devices\": 0}]}", false);

	ck_assert_ptr_nonnull(strstr(s, "0 devices, 0 counted in 0 rings\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n  no devices imported: hotpatchctl devices import FILE\n"));
	ck_assert_ptr_nonnull(strstr(s, "2027-01  0         0         0         0    0\n"));
	ck_assert_ptr_null(strstr(s, "not counted"));
	ck_assert_ptr_null(strstr(s, "why the LCU"));
	ck_assert_ptr_null(strstr(s, "RING"));
	ck_assert_ptr_nonnull(strstr(s, "\nrings without devices: 1\n"));
	free(s);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("views");
	TCase *tc = tcase_create("routes");

	tcase_add_test(tc, every_path_is_served_with_its_rows_type_and_cache);
	tcase_add_test(tc, export_names_come_from_the_table_and_never_collide);
	tcase_add_test(tc, export_walks_the_table);
	tcase_add_test(tc, routes_match_their_patterns_only);
	tcase_add_test(tc, plan_queries_choose_the_months_or_are_refused);
	tcase_add_test(tc, plan_variants_are_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("views");
	tcase_add_test(tc, instants_are_utc_seconds);
	tcase_add_test(tc, restarts_keep_their_key_order);
	tcase_add_test(tc, ring_restarts_name_the_os_first);
	tcase_add_test(tc, fleet_json_sums_months_and_rings);
	tcase_add_test(tc, fleet_json_without_rings);
	tcase_add_test(tc, fleet_json_rings_with_devices);
	tcase_add_test(tc, plan_json_covers_its_range);
	tcase_add_test(tc, plan_at_risk_keeps_the_rows_with_a_risk);
	suite_add_tcase(s, tc);
	tc = tcase_create("renderers");
	tcase_add_test(tc, month_table_plain_and_coloured);
	tcase_add_test(tc, month_table_says_run_time_and_the_conflict);
	tcase_add_test(tc, plan_text_marks_the_state_across_months);
	tcase_add_test(tc, plan_text_across_a_year_end_risks_first);
	tcase_add_test(tc, rings_table_says_why_not_eligible);
	tcase_add_test(tc, fleet_text_months_reasons_and_rings);
	tcase_add_test(tc, fleet_text_without_devices);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(suite());
}
