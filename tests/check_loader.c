/*
 * check_loader: the calendar and ring file loaders.
 *
 * Every file under tests/conf/bad-calendar/ and tests/conf/bad-rings/ starts
 * with a line "# expect: LINE:COL: message" (or "# expect: message" for
 * errors about the whole file); loading it must fail with exactly that as the
 * first error, and load nothing.
 */
#include "tzcache.h"
#include "calendar.h"
#include "calfile.h"
#include "placement.h"
#include "recur.h"
#include "ringfile.h"
#include "table.h"
#include "testutil.h"
#include "util.h"

#include <dirent.h>
#include <libical/ical.h>
#include <string.h>
#include <unistd.h>

/* The "# expect: " line of a case file, with $FILE replaced by its path. */
static char *
expected_error(const char *path)
{
	char *mark;
	FILE *f = fopen(path, "rb");
	char buf[512] = "";

	ck_assert_msg(f != NULL, "cannot open %s", path);
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	ck_assert_msg(strncmp(buf, "# expect: ", 10) == 0, "%s has no '# expect: ' line", path);
	if ((mark = strstr(buf, "$FILE")) != NULL) {
		*mark = '\0';
		return xasprintf("%s%s%s", buf + 10, path, mark + 5);
	}
	return xstrdup(buf + 10);
}

typedef int (*load_fn)(const char *path, struct diags *d, size_t *loaded);

/* Load every case in dir; return the number of mismatches, printing each. */
static int
run_cases(const char *reldir, load_fn load, int *ncases)
{
	char *dir = srcpath(reldir);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), bad = 0;

	ck_assert_msg(n > 0, "no cases in %s", dir);
	*ncases = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *path, *want, *got, *full;
		struct diags d = { 0 };
		size_t loaded = 99;
		int rc;

		if (strstr(name, ".yaml") == NULL) {
			free(names[i]);
			continue;
		}
		(*ncases)++;
		path = xasprintf("%s/%s", dir, name);
		want = expected_error(path);
		rc = load(path, &d, &loaded);
		got = diags_first(&d);
		full = want[0] >= '0' && want[0] <= '9' ? xasprintf("%s:%s", path, want) :
		    xasprintf("%s: %s", path, want);
		if (rc != -1 || got == NULL || strcmp(got, full) != 0 || loaded != 0) {
			fprintf(stderr, "case %s:\n  want: %s\n  got:  %s (rc %d, loaded %zu)\n",
			    name, full, got ? got : "(no error)", rc, loaded);
			bad++;
		}
		free(full);
		free(got);
		free(want);
		free(path);
		diags_free(&d);
		free(names[i]);
	}
	free(names);
	free(dir);
	return bad;
}

static int
load_calendar(const char *path, struct diags *d, size_t *loaded)
{
	struct caldata cal = { 0 };
	int rc = calfile_load(path, &cal, d);

	*loaded = cal.nos + cal.novr;
	caldata_free(&cal);
	return rc;
}

/* Ring cases are checked against a small valid calendar. */
static struct caldata mincal;

static void
load_mincal(void)
{
	char *path = srcpath("tests/conf/calendar-min.yaml");
	struct diags d = { 0 };

	if (calfile_load(path, &mincal, &d) < 0) {
		diags_print(&d, stderr);
		ck_abort_msg("tests/conf/calendar-min.yaml does not load");
	}
	free(path);
}

static void
free_mincal(void)
{
	caldata_free(&mincal);
	tz_free_all();
}

static int
load_rings(const char *path, struct diags *d, size_t *loaded)
{
	struct ringset rs = { 0 };
	int rc = ringfile_load(path, &mincal, &rs, d);

	*loaded = rs.nring + rs.nbo;
	ringset_free(&rs);
	return rc;
}

START_TEST(every_bad_calendar_file_gives_its_exact_error_and_loads_nothing)
{
	int n, bad = run_cases("tests/conf/bad-calendar", load_calendar, &n);

	ck_assert_msg(bad == 0, "%d of %d calendar cases failed (see above)", bad, n);
	ck_assert_int_ge(n, 20);
}
END_TEST

START_TEST(every_bad_ring_file_gives_its_exact_error_and_loads_nothing)
{
	int n, bad = run_cases("tests/conf/bad-rings", load_rings, &n);

	ck_assert_msg(bad == 0, "%d of %d ring cases failed (see above)", bad, n);
	ck_assert_int_ge(n, 20);
}
END_TEST

/* Write data to a fresh temporary file; returns its path. */
static char *
temp_file(const char *data, size_t len)
{
	char *path = xstrdup("/tmp/hp-loader-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

START_TEST(empty_files_are_refused)
{
	static const char *const bodies[] = { "", "# only a comment\n", "\n\n", "~\n" };

	for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
		char *path = temp_file(bodies[i], strlen(bodies[i]));
		char *want = xasprintf("%s: file is empty", path), *got;
		struct diags d = { 0 };
		size_t loaded;

		ck_assert_int_eq(load_calendar(path, &d, &loaded), -1);
		got = diags_first(&d);
		ck_assert_str_eq(got, want);
		free(got);
		diags_free(&d);
		ck_assert_int_eq(load_rings(path, &d, &loaded), -1);
		got = diags_first(&d);
		ck_assert_str_eq(got, want);
		free(got);
		diags_free(&d);
		unlink(path);
		free(path);
		free(want);
	}
}
END_TEST

START_TEST(missing_file_is_reported_with_the_system_error)
{
	struct diags d = { 0 };
	size_t loaded;
	char *got;

	ck_assert_int_eq(load_calendar("/nonexistent/calendar.yaml", &d, &loaded), -1);
	got = diags_first(&d);
	ck_assert_str_eq(got, "/nonexistent/calendar.yaml: cannot open: No such file or directory");
	free(got);
	diags_free(&d);
}
END_TEST

START_TEST(duplicate_ring_id_across_files_names_the_first_definition)
{
	char *dir = srcpath("tests/conf/dup-rings");
	char *a = xasprintf("%s/a.yaml", dir), *want, *got;
	struct ringset rs = { 0 };
	struct diags d = { 0 };

	ck_assert_int_eq(ringfile_load_dir(dir, &mincal, &rs, &d), -1);
	ck_assert_int_eq(rs.nring, 0);
	want = xasprintf("%s/b.yaml:4:9: duplicate ring id 'pilot' (first defined at %s:3)",
	    dir, a);
	got = diags_first(&d);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	free(a);
	free(dir);
	diags_free(&d);
}
END_TEST

START_TEST(all_errors_of_a_file_are_reported_not_just_the_first)
{
	static const char body[] =
	    "version: 1\n"
	    "rings:\n"
	    "  - id: a\n"
	    "    name: A\n"
	    "    os: [os-a]\n"
	    "    deferral_days: 31\n"
	    "    deadline_days: 2\n"
	    "    grace_days: 9\n"
	    "    timezone: Nowhere/City\n";
	char *path = temp_file(body, sizeof(body) - 1);
	struct diags d = { 0 };
	size_t loaded;

	ck_assert_int_eq(load_rings(path, &d, &loaded), -1);
	ck_assert_int_eq(d.n, 3);
	ck_assert_int_eq(d.v[0].line, 6);
	ck_assert_int_eq(d.v[1].line, 8);
	ck_assert_int_eq(d.v[2].line, 9);
	diags_free(&d);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(valid_ring_file_loads_every_field)
{
	char *path = srcpath("tests/conf/rings-full.yaml");
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	const struct ring *r;

	if (ringfile_load(path, &mincal, &rs, &d) < 0) {
		diags_print(&d, stderr);
		ck_abort_msg("rings-full.yaml does not load");
	}
	ck_assert_int_eq(rs.nring, 3);
	r = ringset_find(&rs, "pilot");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "Pilot devices");
	ck_assert_int_eq(r->nos, 2);
	ck_assert_str_eq(r->os[1], "os-b");
	ck_assert_int_eq(r->deferral_days, 1);
	ck_assert_int_eq(r->deadline_days, 2);
	ck_assert_int_eq(r->grace_days, 3);
	ck_assert_str_eq(r->timezone, "Europe/Berlin");
	ck_assert(r->hotpatch);
	ck_assert_int_eq(r->arch, ARCH_ARM64);
	ck_assert(r->vbs && r->chpe_disabled && !r->licensed);
	ck_assert_int_eq(r->reminder_min, 15);
	ck_assert_int_eq(r->nwin, 2);
	ck_assert_int_eq(r->win[0].type, WIN_WEEKLY);
	ck_assert_uint_eq(r->win[0].days, 1u << 2 | 1u << 3);	/* tue, wed */
	ck_assert_int_eq(r->win[0].start_min, 22 * 60);
	ck_assert_int_eq(r->win[0].duration_min, 4 * 60);
	ck_assert_int_eq(r->win[1].type, WIN_OFFSET);
	ck_assert_int_eq(r->win[1].offset_days, 3);
	ck_assert_int_eq(r->win[1].start_min, 1 * 60 + 30);
	ck_assert_int_eq(r->win[1].duration_min, 3 * 60 + 55);
	ck_assert_int_eq(r->line, 3);
	ck_assert(r->hotpatch_set && !r->expedite);
	ck_assert_int_eq(r->hotpatch_since, ym_make(2026, 3));
	/* Upgrades come out sorted by month. */
	ck_assert_uint_eq(r->nupg, 2);
	ck_assert_int_eq(r->upg[0].month, ym_make(2026, 12));
	ck_assert_str_eq(r->upg[0].from, "os-a");
	ck_assert_str_eq(r->upg[0].to, "os-b");
	ck_assert_int_eq(r->upg[1].month, ym_make(2027, 2));
	ck_assert_str_eq(r->upg[1].from, "os-b");
	r = ringset_find(&rs, "broad");
	ck_assert_ptr_nonnull(r);
	ck_assert(!r->hotpatch && r->hotpatch_set);
	ck_assert(r->expedite);	/* defaults */
	ck_assert_int_eq(r->hotpatch_since, 0);
	ck_assert_uint_eq(r->nupg, 0);
	ck_assert_int_eq(r->arch, ARCH_X64);	/* defaults */
	ck_assert(r->vbs && !r->chpe_disabled && r->licensed);
	ck_assert_int_eq(r->reminder_min, -1);
	ck_assert_str_eq(r->timezone, "UTC");
	/* No hotpatch key: on, but not set, so the OS's default rules. */
	r = ringset_find(&rs, "quiet");
	ck_assert(r->hotpatch && !r->hotpatch_set);
	ck_assert_int_eq(rs.nbo, 2);
	ck_assert_str_eq(rs.bo[0].name, "pilot freeze");
	/* 35 days, both included, is the longest pause. */
	ck_assert_int_eq(rs.bo[0].kind, BO_PAUSE);
	ck_assert_int_eq(blackout_days(&rs.bo[0]), 35);
	ck_assert_int_eq(rs.bo[1].kind, BO_FREEZE);
	ck_assert_str_eq(rs.bo[0].ring, "pilot");
	ck_assert_ptr_null(rs.bo[1].ring);
	ck_assert_int_eq(rs.bo[1].to.y, 2027);
	ringset_free(&rs);
	free(path);
}
END_TEST

/* The calendar's keys for the state across months, set and left to their defaults. */
START_TEST(valid_calendar_loads_the_state_fields)
{
	const struct os_def *a = &mincal.os[0], *b = &mincal.os[1];

	ck_assert_int_eq(a->hotpatch_default_from, ym_make(2026, 5));
	ck_assert_int_eq(b->hotpatch_default_from, 0);
	ck_assert_uint_eq(a->nmsrc, 2);
	ck_assert_str_eq(a->msrc[1], "Windows 11 Version 24H2 for ARM64-based Systems");
	ck_assert_uint_eq(b->nmsrc, 0);
	ck_assert(a->rel[0].expedited);
	ck_assert_uint_eq(b->noob, 2);
	ck_assert_int_eq(b->oob[0].delivery, DELIVERY_CATALOG);
	ck_assert(b->oob[0].leaves_hotpatch);
	ck_assert_int_eq(b->oob[1].delivery, DELIVERY_AUTOMATIC);
	ck_assert(!b->oob[1].leaves_hotpatch);
}
END_TEST

/*
 * hotpatch: never and min_build: the never-hotpatch OS has no start, no
 * baseline months (every month is an LCU: calendar month 2026-04 is lcu,
 * planned) and may publish lcu months; the other keeps its floor and the
 * default quarters.
 */
START_TEST(never_hotpatch_and_min_build_load)
{
	static const char yaml[] =
	    "version: 1\n"
	    "os:\n"
	    "  - { id: os-a, name: A, arch: [x64], hotpatch_start: 2025-04, min_build: \"26100.2033\" }\n"
	    "  - id: win10\n"
	    "    name: Windows 10\n"
	    "    arch: [x64, arm64]\n"
	    "    hotpatch: never\n"
	    "    published:\n"
	    "      - { month: 2026-01, kind: lcu, kb: KB1 }\n";
	struct caldata c = { 0 };
	struct diags d = { 0 };
	struct month_info mi;

	ck_assert_int_eq(calfile_parse("t.yaml", yaml, sizeof(yaml) - 1, &c, &d), 0);
	ck_assert_uint_eq(c.nos, 2);
	ck_assert(!c.os[0].never_hotpatch);
	ck_assert_str_eq(c.os[0].min_build, "26100.2033");
	ck_assert_uint_eq(c.os[0].baseline_months, 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10);
	ck_assert(c.os[1].never_hotpatch);
	ck_assert_int_eq(c.os[1].hotpatch_start, 0);
	ck_assert_uint_eq(c.os[1].baseline_months, 0);
	ck_assert_ptr_null(c.os[1].min_build);
	ck_assert_uint_eq(c.os[1].nrel, 1);
	cal_month(&c, &c.os[1], ym_make(2026, 4), &mi);
	ck_assert_int_eq(mi.kind, KIND_LCU);
	ck_assert_int_eq(mi.source, SRC_PLANNED);
	cal_month(&c, &c.os[0], ym_make(2026, 4), &mi);
	ck_assert_int_eq(mi.kind, KIND_BASELINE);
	caldata_free(&c);
	diags_free(&d);
}
END_TEST

START_TEST(shipped_calendar_and_schedules_load_cleanly)
{
	char *cal = srcpath("data/calendar.yaml"), *dir = srcpath("schedules");
	struct caldata c = { 0 };
	struct ringset rs = { 0 };
	struct diags d = { 0 };

	ck_assert_int_eq(calfile_load(cal, &c, &d), 0);
	ck_assert_int_eq(ringfile_load_dir(dir, &c, &rs, &d), 0);
	diags_print(&d, stderr);
	ck_assert_int_eq(d.n, 0);
	/* 5 OSes with hotpatch, win11-26h2 (planned) and 3 that never get it. */
	ck_assert_int_eq(c.nos, 9);
	ck_assert(!c.os[5].never_hotpatch);
	ck_assert_str_eq(c.os[5].id, "win11-26h2");
	for (size_t i = 6; i < 9; i++)
		ck_assert_msg(c.os[i].never_hotpatch, "%s", c.os[i].id);
	ck_assert_str_eq(c.os[0].min_build, "26100.2033");
	ck_assert_int_ge(rs.nring, 5);
	/* The examples show the state across months: Windows 11 on by default, a pause, an upgrade, a late enrolment. */
	ck_assert_int_eq(c.os[0].hotpatch_default_from, ym_make(2026, 5));
	ck_assert_uint_eq(ringset_find(&rs, "state-upgrade")->nupg, 1);
	ck_assert_int_eq(ringset_find(&rs, "state-enrolled")->hotpatch_since, ym_make(2027, 3));
	for (size_t i = 0; i < rs.nbo; i++)
		if (rs.bo[i].ring != NULL && strcmp(rs.bo[i].ring, "state-paused") == 0)
			ck_assert_int_eq(rs.bo[i].kind, BO_PAUSE);
	caldata_free(&c);
	ringset_free(&rs);
	free(cal);
	free(dir);
}
END_TEST

/* A ring file of n rings r0.. listing oses (a flow list), one per line. */
static char *
rings_body(int n, const char *oses, const char *extra)
{
	char *body;
	size_t len;
	FILE *f = open_memstream(&body, &len);

	fputs("version: 1\nrings:\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "  - { id: r%d, name: R, os: [%s], deferral_days: 0, deadline_days: 2, "
		    "grace_days: 1, timezone: UTC%s }\n", i, oses, extra);
	fclose(f);
	return body;
}

START_TEST(errors_stop_at_the_cap_across_files)
{
	char *body = rings_body(150, "os-a", ", colour: red"), *good = rings_body(1, "os-b", "");
	struct ringset rs = { 0 };
	struct diags d = { 0 };

	ck_assert_int_eq(ringfile_parse("bad.yaml", body, strlen(body), &mincal, &rs, &d), -1);
	ck_assert_uint_eq(d.n, DIAGS_MAX + 1);
	ck_assert_str_eq(d.v[0].msg, "unknown key 'colour' in ring");
	ck_assert_int_eq(d.v[0].line, 3);
	ck_assert_int_eq(d.v[DIAGS_MAX - 1].line, 3 + DIAGS_MAX - 1);
	ck_assert_int_eq(d.v[DIAGS_MAX].line, 0);
	ck_assert_ptr_nonnull(strstr(d.v[DIAGS_MAX].msg, "too many errors"));
	/* Once full, a later good file is not taken either, and adds no line. */
	ck_assert_int_eq(ringfile_parse("good.yaml", good, strlen(good), &mincal, &rs, &d), -1);
	ck_assert_uint_eq(d.n, DIAGS_MAX + 1);
	ck_assert_int_eq(rs.nring, 0);
	diags_free(&d);
	ringset_free(&rs);
	free(body);
	free(good);
}
END_TEST

START_TEST(many_rings_load_and_a_late_duplicate_is_found)
{
	char *body = rings_body(3000, "os-a, os-b", ""), *dup;
	struct ringset rs = { 0 };
	struct diags d = { 0 };

	/* The same OS in two rings is fine; only twice in one list is an error. */
	ck_assert_int_eq(ringfile_parse("many.yaml", body, strlen(body), &mincal, &rs, &d), 0);
	ck_assert_int_eq(rs.nring, 3000);
	ck_assert_str_eq(rs.ring[2999].os[1], "os-b");
	ringset_free(&rs);
	memset(&rs, 0, sizeof(rs));
	dup = xasprintf("%s  - { id: r0, name: R, os: [os-b, os-a, os-b], deferral_days: 0, "
	    "deadline_days: 2, grace_days: 1, timezone: UTC }\n", body);
	ck_assert_int_eq(ringfile_parse("dup.yaml", dup, strlen(dup), &mincal, &rs, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.v[0].line, 3003);
	ck_assert_str_eq(d.v[0].msg, "OS 'os-b' is listed twice");
	ck_assert_int_eq(rs.nring, 0);
	diags_free(&d);
	free(body);
	free(dup);
}
END_TEST

/* A ring of file a.yaml with the groups given, as YAML. */
static char *
grouped_ring(const char *id, const char *groups)
{
	return xasprintf("version: 1\nrings:\n  - { id: %s, name: R, os: [os-a], groups: %s,"
	    " deferral_days: 0, deadline_days: 2, grace_days: 1, timezone: UTC }\n", id, groups);
}

START_TEST(groups_at_their_limits_load_and_a_group_in_two_files_is_refused)
{
	char *name = xcalloc(GROUP_NAME_MAX + 1, 1), *list = NULL, *a, *b;
	struct ringset rs = { 0 };
	struct diags d = { 0 };

	/* 64 groups, the last one 256 bytes: the most a ring may list. */
	memset(name, 'g', GROUP_NAME_MAX);
	strappend(&list, "[");
	for (int i = 0; i < RING_GROUPS_MAX - 1; i++)
		strappend(&list, "Group %d, ", i);
	strappend(&list, "%s]", name);
	a = grouped_ring("pilot", list);
	ck_assert_int_eq(ringfile_parse("a.yaml", a, strlen(a), &mincal, &rs, &d), 0);
	ck_assert_uint_eq(rs.ring[0].ngroups, RING_GROUPS_MAX);
	ck_assert_str_eq(rs.ring[0].groups[0], "Group 0");
	ck_assert_uint_eq(strlen(rs.ring[0].groups[RING_GROUPS_MAX - 1]), GROUP_NAME_MAX);
	/* Another file, another case: still the same group, and the set is kept. */
	b = grouped_ring("broad", "[\"GROUP 7\"]");
	ck_assert_int_eq(ringfile_parse("b.yaml", b, strlen(b), &mincal, &rs, &d), -1);
	ck_assert_uint_eq(rs.nring, 1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].file, "b.yaml");
	ck_assert_str_eq(d.v[0].msg, "group 'GROUP 7' is in ring 'broad' and in ring 'pilot' "
	    "(a.yaml:3); a group's devices belong to one ring");
	ringset_free(&rs);
	diags_free(&d);
	free(name);
	free(list);
	free(a);
	free(b);
}
END_TEST

START_TEST(repeating_blackouts_load_as_rules)
{
	static const char body[] = "version: 1\nrings:\n"
	    "  - { id: pilot, name: P, os: [os-a], deferral_days: 0, deadline_days: 2,\n"
	    "      grace_days: 1, timezone: UTC, blackouts: [{ name: fridays, from: 2027-01-01,\n"
	    "      to: 2027-01-01, rrule: FREQ=WEEKLY;BYDAY=FR, except: [2027-12-24] }] }\n"
	    "blackouts:\n"
	    "  - { name: christmas, every: year, from: 12-20, to: 01-02 }\n"
	    "  - { name: summer, every: year, kind: pause, from: 07-01, to: 07-31 }\n";
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	const struct blackout *b;

	ck_assert_int_eq(ringfile_parse("r.yaml", body, sizeof(body) - 1, &mincal, &rs, &d), 0);
	ck_assert_uint_eq(rs.nbo, 3);
	b = &rs.bo[0];
	ck_assert_str_eq(b->ring, "pilot");
	ck_assert_str_eq(b->rrule, "FREQ=WEEKLY;BYDAY=FR");
	ck_assert_uint_eq(b->nexcept, 1);
	ck_assert_str_eq(b->except[0], "2027-12-24");
	ck_assert_ptr_nonnull(b->rule);
	/* every: year from 12-20 to 01-02: from 1970, ending in the next year. */
	b = &rs.bo[1];
	ck_assert_str_eq(b->rrule, "FREQ=YEARLY");
	ck_assert_int_eq(ymd_cmp(b->from, (struct ymd){ 1970, 12, 20 }), 0);
	ck_assert_int_eq(ymd_cmp(b->to, (struct ymd){ 1971, 1, 2 }), 0);
	ck_assert(recur_every_year(b));
	/* A pause of 31 days every July. */
	b = &rs.bo[2];
	ck_assert_int_eq(b->kind, BO_PAUSE);
	ck_assert_int_eq(ymd_cmp(b->to, (struct ymd){ 1970, 7, 31 }), 0);
	ringset_free(&rs);
}
END_TEST

START_TEST(many_oses_and_overrides_load_and_late_duplicates_are_found)
{
	char *body, *more, *got;
	struct caldata c = { 0 };
	struct diags d = { 0 };
	size_t len;
	FILE *f = open_memstream(&body, &len);

	fputs("version: 1\nos:\n", f);
	for (int i = 0; i < 2000; i++)
		fprintf(f, "  - { id: os%d, name: N, arch: [x64], hotpatch_start: 2025-01 }\n", i);
	fclose(f);
	more = xasprintf("%s  - { id: os7, name: N, arch: [x64], hotpatch_start: 2025-01 }\n"
	    "overrides:\n"
	    "  - { os: os1999, month: 2026-01, kind: lcu, reason: a }\n"
	    "  - { os: os1999, month: 2026-02, kind: lcu, reason: b }\n"
	    "  - { os: os1998, month: 2026-01, kind: lcu, reason: c }\n"
	    "  - { os: os1999, month: 2026-01, kind: baseline, reason: d }\n"
	    "  - { os: os2000, month: 2026-01, kind: lcu, reason: e }\n", body);
	ck_assert_int_eq(calfile_parse("cal.yaml", more, strlen(more), &c, &d), -1);
	ck_assert_uint_eq(d.n, 3);
	got = diags_first(&d);
	ck_assert_str_eq(got, "cal.yaml:2003:11: duplicate OS id 'os7'");
	free(got);
	ck_assert_int_eq(d.v[1].line, 2008);
	ck_assert_str_eq(d.v[1].msg, "duplicate override for os1999 2026-01");
	ck_assert_str_eq(d.v[2].msg, "unknown OS 'os2000'");
	ck_assert_int_eq(c.nos, 0);
	diags_free(&d);
	free(more);
	/* Without the three bad entries it loads. */
	more = xasprintf("%soverrides:\n"
	    "  - { os: os1999, month: 2026-01, kind: lcu, reason: a }\n"
	    "  - { os: os0, month: 2026-01, kind: lcu, reason: b }\n", body);
	ck_assert_int_eq(calfile_parse("cal.yaml", more, strlen(more), &c, &d), 0);
	ck_assert_int_eq(c.nos, 2000);
	ck_assert_int_eq(c.novr, 2);
	caldata_free(&c);
	free(more);
	free(body);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, load_mincal, free_mincal);
	tcase_add_test(tc, every_bad_calendar_file_gives_its_exact_error_and_loads_nothing);
	tcase_add_test(tc, every_bad_ring_file_gives_its_exact_error_and_loads_nothing);
	tcase_add_test(tc, empty_files_are_refused);
	tcase_add_test(tc, missing_file_is_reported_with_the_system_error);
	tcase_add_test(tc, duplicate_ring_id_across_files_names_the_first_definition);
	tcase_add_test(tc, all_errors_of_a_file_are_reported_not_just_the_first);
	tcase_add_test(tc, valid_ring_file_loads_every_field);
	tcase_add_test(tc, valid_calendar_loads_the_state_fields);
	tcase_add_test(tc, never_hotpatch_and_min_build_load);
	tcase_add_test(tc, shipped_calendar_and_schedules_load_cleanly);
	tcase_add_test(tc, errors_stop_at_the_cap_across_files);
	tcase_add_test(tc, many_rings_load_and_a_late_duplicate_is_found);
	tcase_add_test(tc, many_oses_and_overrides_load_and_late_duplicates_are_found);
	tcase_add_test(tc, groups_at_their_limits_load_and_a_group_in_two_files_is_refused);
	tcase_add_test(tc, repeating_blackouts_load_as_rules);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
