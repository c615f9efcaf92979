/*
 * check_views: the views (model -> JSON), the text tables, and the route
 * table that every published document goes through.  The expected answers
 * are worked by hand in the comments next to them.
 */
#include "calfile.h"
#include "daemon.h"
#include "render.h"
#include "ringfile.h"
#include "site.h"
#include "store.h"
#include "table.h"
#include "testutil.h"
#include "util.h"
#include "views.h"

#include <string.h>
#include <unistd.h>

/* ---- a daemon over the shipped calendar and schedules, with a store in a temporary dir ---- */

static char tmpdir[] = "/tmp/check_views.XXXXXX";
static struct daemon dm;

static void
daemon_up(void)
{
	struct diags dg = { 0 };
	char *cal = srcpath("data/calendar.yaml"), *sched = srcpath("schedules");
	char *db, *cause = NULL;

	memset(&dm, 0, sizeof(dm));
	config_defaults(&dm.cfg);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	db = xasprintf("%s/views.db", tmpdir);
	if (store_open(db, &dm.store, &cause) != 0)
		ck_abort_msg("store_open: %s", cause);
	ck_assert_int_eq(calfile_load(cal, &dm.cal, &dg), 0);
	ck_assert_int_eq(ringfile_load_dir(sched, &dm.cal, &dm.rings, &dg), 0);
	dm.started = 1794333600;
	dm.generation = 1;
	free(cal);
	free(sched);
	free(db);
	diags_free(&dg);
}

static void
daemon_down(void)
{
	char *cmd = xasprintf("rm -rf %s", tmpdir);

	site_free(&dm);
	store_close(dm.store);
	caldata_free(&dm.cal);
	ringset_free(&dm.rings);
	config_free(&dm.cfg);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
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
			    r->each == EACH_RING ? dm.rings.ring[i].id : NULL;

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
	/* 4 single documents, 5 OSes in data/calendar.yaml, 13 rings in schedules/ */
	ck_assert_uint_eq(n, 4 + 5 + 13);
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
	/* everything but /healthz: the index, the plan, the all-OS feed, 5 OS and 13 ring feeds */
	ck_assert_uint_eq(n, 3 + 5 + 13);
	ck_assert_str_eq(paths[0], "/");
	ck_assert_str_eq(names[0], "index.html");
	ck_assert_str_eq(names[1], "plan/index.html");
	ck_assert_str_eq(names[2], "calendar.ics");
	ck_assert_str_eq(names[3], "os/win11-24h2.ics");
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
count_file(void *arg, const char *file, const char *body, size_t len)
{
	size_t *n = arg;

	ck_assert_uint_eq(strlen(body), len);
	if (strcmp(file, "index.html") == 0)
		/* the static copy links relatively: no base URL */
		ck_assert_ptr_nonnull(strstr(body, "href=\"calendar.ics\""));
	(*n)++;
}

START_TEST(export_walks_the_table)
{
	char *cause = NULL;
	size_t n = 0;

	daemon_up();
	dm.feed_url = "http://127.0.0.1:8080";
	ck_assert_int_eq(site_export(&dm, count_file, &n, &cause), 0);
	ck_assert_uint_eq(n, 3 + 5 + 13);
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
	ck_assert_ptr_eq(site_feed_route(EACH_NONE), &site_routes[3]);
	ck_assert_ptr_eq(site_feed_route(EACH_RING), &site_routes[5]);
	daemon_up();
	/* an id the model does not have is a 404, not an error */
	ck_assert_ptr_null(site_get(&dm, "/rings/nope.ics", &cause));
	ck_assert_ptr_null(cause);
	ck_assert_ptr_null(site_get(&dm, "/os/ring1.ics", &cause));
	ck_assert_ptr_null(cause);
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
	struct restarts rs = { .baseline = 4, .unplanned = 1, .lcu = 0, .oob = 1, .total = 6 };
	char gone[] = "gone", *oses[] = { gone };
	struct ring g = { .os = oses, .nos = 1 };
	struct caldata none = { 0 };
	char *s = dump(view_restarts(&rs));

	ck_assert_str_eq(s, "{\"baseline\":4,\"unplanned\":1,\"lcu\":0,\"oob\":1,\"total\":6}");
	free(s);
	/* an OS the calendar does not have is left out, not counted as zero */
	s = dump(view_ring_restarts(&none, &g, 2026));
	ck_assert_str_eq(s, "{\"year\":2026,\"os\":[]}");
	free(s);
}
END_TEST

START_TEST(ring_restarts_name_the_os_first)
{
	const char *keys[] = { "os", "baseline", "unplanned", "lcu", "oob", "total" };
	json_t *j, *o;
	const char *k;
	size_t i = 0;
	void *it;

	daemon_up();
	j = view_ring_restarts(&dm.cal, &dm.rings.ring[0], 2026);
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

/* ---- renderers: colour is an argument ---- */

/* What render makes of the JSON text. */
static char *
rendered(char *(*render)(const json_t *, bool), const char *text, bool color)
{
	json_t *j = json_loads(text, 0, NULL);
	char *s;

	ck_assert_ptr_nonnull(j);
	s = render(j, color);
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
	    "* unplanned baseline  ~ planned (not published)  ! override\n");
	free(s);
	/* Colour wraps the kinds and the restart, never the header; padding counts the text only. */
	s = rendered(render_month, month_json, true);
	ck_assert_str_eq(s,
	    "OS   MONTH    RELEASE (UTC)     KIND       RESTART  SOURCE     KB\n"
	    "w11  2026-11  2026-11-10 18:00  \033[33mbaseline*\033[0m  \033[33myes\033[0m"
	    "      published  KB1\n"
	    "srv  2026-11  2026-11-10 18:00  \033[32mhotpatch~\033[0m  no       planned    -\n"
	    "* unplanned baseline  ~ planned (not published)  ! override\n");
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

static Suite *
suite(void)
{
	Suite *s = suite_create("views");
	TCase *tc = tcase_create("routes");

	tcase_add_test(tc, every_path_is_served_with_its_rows_type_and_cache);
	tcase_add_test(tc, export_names_come_from_the_table_and_never_collide);
	tcase_add_test(tc, export_walks_the_table);
	tcase_add_test(tc, routes_match_their_patterns_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("views");
	tcase_add_test(tc, instants_are_utc_seconds);
	tcase_add_test(tc, restarts_keep_their_key_order);
	tcase_add_test(tc, ring_restarts_name_the_os_first);
	suite_add_tcase(s, tc);
	tc = tcase_create("renderers");
	tcase_add_test(tc, month_table_plain_and_coloured);
	tcase_add_test(tc, rings_table_says_why_not_eligible);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(suite());
}
