/*
 * check_plan: the months a plan covers (planrange.c) and how a /plan query
 * names them, and which installs are at risk (risk.c).  Months are counted
 * by hand in the comments: a month is year * 12 + (month - 1), so January
 * 2027 is 2027 * 12 = 24324 and November 2026 is 2026 * 12 + 10 = 24322.
 */
#include "planrange.h"
#include "risk.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

/* The months of r as "YYYY-MM" words, space-separated, into buf. */
static const char *
months_of(const struct plan_range *r, char *buf, size_t len)
{
	char m[8];

	buf[0] = '\0';
	for (int i = 0; i < r->months; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "",
		    ym_format(r->from + i, m));
	return buf;
}

START_TEST(a_range_runs_across_the_year_end)
{
	struct plan_range r = { ym_make(2026, 11), 3 };
	char buf[512], w[PLAN_RANGE_WORDS];

	ck_assert_int_eq(r.from, 24322);
	ck_assert_str_eq(months_of(&r, buf, sizeof(buf)), "2026-11 2026-12 2027-01");
	ck_assert_int_eq(plan_range_last(&r), 24324);
	ck_assert_int_eq(plan_range_year_of(&r), 0);
	ck_assert_str_eq(plan_range_words(&r, w, sizeof(w)), "Nov 2026 to Jan 2027");
	/* December for 12: December 2026 to November 2027 */
	r = plan_range_default(ym_make(2026, 12));
	ck_assert_int_eq(r.months, 12);
	ck_assert_int_eq(ym_year(plan_range_last(&r)), 2027);
	ck_assert_int_eq(ym_month(plan_range_last(&r)), 11);
	ck_assert_str_eq(plan_range_words(&r, w, sizeof(w)), "Dec 2026 to Nov 2027");
	/* one month is named alone */
	r = (struct plan_range){ ym_make(2027, 1), 1 };
	ck_assert_str_eq(plan_range_words(&r, w, sizeof(w)), "Jan 2027");
}
END_TEST

START_TEST(a_year_is_january_to_december)
{
	struct plan_range r = plan_range_year(2027);
	char buf[512], w[PLAN_RANGE_WORDS];

	ck_assert_int_eq(r.from, 24324);
	ck_assert_int_eq(r.months, 12);
	ck_assert_int_eq(plan_range_year_of(&r), 2027);
	ck_assert_str_eq(plan_range_words(&r, w, sizeof(w)), "2027");
	ck_assert_str_eq(months_of(&r, buf, sizeof(buf)), "2027-01 2027-02 2027-03 2027-04 "
	    "2027-05 2027-06 2027-07 2027-08 2027-09 2027-10 2027-11 2027-12");
	/* January for 12 months is that year, whichever way it was asked for */
	r = (struct plan_range){ ym_make(2027, 1), 12 };
	ck_assert_int_eq(plan_range_year_of(&r), 2027);
	r.months = 11;
	ck_assert_int_eq(plan_range_year_of(&r), 0);
}
END_TEST

/*
 * 1..37 months, the feeds' horizon (12 back + this one + 24 ahead); every
 * month within 1970-01..2500-12.  2500-06 for 7 months ends in 2500-12, for
 * 8 it would end in 2501-01.
 */
START_TEST(a_range_stays_within_the_limits)
{
	struct plan_range r = { ym_make(2026, 12), PLAN_MONTHS_MAX };
	char *why;

	ck_assert_int_eq(PLAN_MONTHS_MAX, 37);
	ck_assert_ptr_null(plan_range_check(&r));
	ck_assert_int_eq(ym_year(plan_range_last(&r)), 2029);
	ck_assert_int_eq(ym_month(plan_range_last(&r)), 12);
	r.months = 38;
	ck_assert_str_eq(why = plan_range_check(&r), "a plan covers 1..37 months, not 38");
	free(why);
	r.months = 0;
	ck_assert_str_eq(why = plan_range_check(&r), "a plan covers 1..37 months, not 0");
	free(why);
	r = (struct plan_range){ ym_make(2500, 6), 7 };
	ck_assert_ptr_null(plan_range_check(&r));
	r.months = 8;
	ck_assert_str_eq(why = plan_range_check(&r), "8 months from 2500-06 run past 2500-12");
	free(why);
	r = (struct plan_range){ ym_make(1969, 12), 2 };
	ck_assert_str_eq(why = plan_range_check(&r), "a plan starts in 1970-01 at the earliest");
	free(why);
}
END_TEST

/* The page's neighbours: as many months before and after, never past the limits. */
START_TEST(steps_go_back_and_forth_by_the_same_months)
{
	struct plan_range r = { ym_make(2026, 12), 12 }, p;
	char w[PLAN_RANGE_WORDS];

	ck_assert(plan_range_step(&r, -1, &p));
	ck_assert_str_eq(plan_range_words(&p, w, sizeof(w)), "Dec 2025 to Nov 2026");
	ck_assert(plan_range_step(&r, 1, &p));
	ck_assert_str_eq(plan_range_words(&p, w, sizeof(w)), "Dec 2027 to Nov 2028");
	/* three months from November 2026: August to October before, February to April after */
	r = (struct plan_range){ ym_make(2026, 11), 3 };
	ck_assert(plan_range_step(&r, -1, &p));
	ck_assert_str_eq(plan_range_words(&p, w, sizeof(w)), "Aug 2026 to Oct 2026");
	ck_assert(plan_range_step(&r, 1, &p));
	ck_assert_str_eq(plan_range_words(&p, w, sizeof(w)), "Feb 2027 to Apr 2027");
	/* a year steps to a year */
	r = plan_range_year(2027);
	ck_assert(plan_range_step(&r, 1, &p));
	ck_assert_int_eq(plan_range_year_of(&p), 2028);
	/* the first and the last year have no neighbour beyond */
	r = plan_range_year(HP_YEAR_MIN);
	ck_assert(!plan_range_step(&r, -1, &p));
	r = plan_range_year(HP_YEAR_MAX);
	ck_assert(!plan_range_step(&r, 1, &p));
}
END_TEST

/* parse the query of n pairs, at now = 2026-12; 0 with r, or -1 with the error in *err. */
static int
parse(const struct query_arg *a, size_t n, struct plan_range *r, char **err)
{
	return plan_query_parse(a, n, ym_make(2026, 12), r, err);
}

START_TEST(a_query_names_the_months)
{
	struct plan_range r;
	char *err, *key;

	/* none: the 12 months from now */
	ck_assert_int_eq(parse(NULL, 0, &r, &err), 0);
	ck_assert_int_eq(r.from, ym_make(2026, 12));
	ck_assert_int_eq(r.months, 12);
	ck_assert_int_eq(parse((const struct query_arg[]){ { "from", "2026-11" },
	    { "months", "3" } }, 2, &r, &err), 0);
	ck_assert_int_eq(r.from, 24322);
	ck_assert_int_eq(r.months, 3);
	/* each has its default: months alone from now, from alone for 12 */
	ck_assert_int_eq(parse((const struct query_arg[]){ { "months", "37" } }, 1, &r, &err), 0);
	ck_assert_int_eq(r.from, ym_make(2026, 12));
	ck_assert_int_eq(r.months, 37);
	ck_assert_int_eq(parse((const struct query_arg[]){ { "from", "2027-03" } }, 1, &r, &err), 0);
	ck_assert_int_eq(r.from, ym_make(2027, 3));
	ck_assert_int_eq(r.months, 12);
	ck_assert_int_eq(parse((const struct query_arg[]){ { "year", "2027" } }, 1, &r, &err), 0);
	ck_assert_int_eq(r.from, 24324);
	ck_assert_int_eq(r.months, 12);
	/* the one key of a page, however it was asked for */
	ck_assert_str_eq(key = plan_range_query(&r), "from=2027-01&months=12");
	free(key);
}
END_TEST

/* refused: the query of n pairs is refused with exactly want. */
static void
refused(const struct query_arg *a, size_t n, const char *want)
{
	struct plan_range r;
	char *err;

	ck_assert_int_eq(parse(a, n, &r, &err), -1);
	ck_assert_str_eq(err, want);
	free(err);
}

START_TEST(a_bad_query_is_refused_with_why)
{
	struct query_arg many[PLAN_QUERY_MAX + 1];

	refused((const struct query_arg[]){ { "months", "0" } }, 1, "bad months '0' (expected 1..37)");
	refused((const struct query_arg[]){ { "months", "38" } }, 1, "bad months '38' (expected 1..37)");
	refused((const struct query_arg[]){ { "months", "012" } }, 1, "bad months '012' (expected 1..37)");
	refused((const struct query_arg[]){ { "months", " 3" } }, 1, "bad months ' 3' (expected 1..37)");
	refused((const struct query_arg[]){ { "from", "2026-13" } }, 1,
	    "bad from '2026-13' (expected YYYY-MM, a month of 1970..2500)");
	refused((const struct query_arg[]){ { "from", "2026-11-05" } }, 1,
	    "bad from '2026-11-05' (expected YYYY-MM, a month of 1970..2500)");
	refused((const struct query_arg[]){ { "from", "1969-12" } }, 1,
	    "bad from '1969-12' (expected YYYY-MM, a month of 1970..2500)");
	refused((const struct query_arg[]){ { "year", "27" } }, 1, "bad year '27' (expected 1970..2500)");
	refused((const struct query_arg[]){ { "year", "2501" } }, 1,
	    "bad year '2501' (expected 1970..2500)");
	refused((const struct query_arg[]){ { "year", "2027" }, { "from", "2027-01" } }, 2,
	    "year names its own months: give year, or from and months, not both");
	refused((const struct query_arg[]){ { "months", "3" }, { "year", "2027" } }, 2,
	    "year names its own months: give year, or from and months, not both");
	refused((const struct query_arg[]){ { "from", "2027-01" }, { "from", "2027-02" } }, 2,
	    "parameter 'from' given twice");
	refused((const struct query_arg[]){ { "from", NULL } }, 1,
	    "parameter 'from' needs a value (from=YYYY-MM)");
	refused((const struct query_arg[]){ { "months", "" } }, 1,
	    "parameter 'months' needs a value (months=N)");
	refused((const struct query_arg[]){ { "Year", "2027" } }, 1,
	    "unknown parameter 'Year' (expected from, months or year)");
	/* a value is shown printable and short, whatever was sent ("?" "?<": not a trigraph) */
	refused((const struct query_arg[]){ { "from", "\r\n<x>" } }, 1,
	    "bad from '?" "?<x>' (expected YYYY-MM, a month of 1970..2500)");
	refused((const struct query_arg[]){ { "from",
	    "0123456789012345678901234567890123456789" } }, 1,
	    "bad from '01234567890123456789012345678901...' (expected YYYY-MM, a month of "
	    "1970..2500)");
	/* well formed, but past the last month hotpatchd handles */
	refused((const struct query_arg[]){ { "from", "2500-06" } }, 1,
	    "12 months from 2500-06 run past 2500-12");
	/* more parameters than a plan could use: refused before any is read */
	for (size_t i = 0; i < ARRAY_LEN(many); i++)
		many[i] = (struct query_arg){ "from", "2027-01" };
	refused(many, ARRAY_LEN(many), "too many query parameters (9; a plan takes from and "
	    "months, or year)");
}
END_TEST

START_TEST(a_year_in_the_path_is_four_digits)
{
	int y = 0;

	ck_assert_int_eq(plan_year_parse("2027", &y), 0);
	ck_assert_int_eq(y, 2027);
	ck_assert_int_eq(plan_year_parse("1970", &y), 0);
	ck_assert_int_eq(plan_year_parse("2500", &y), 0);
	ck_assert_int_eq(plan_year_parse("1969", &y), -1);
	ck_assert_int_eq(plan_year_parse("2501", &y), -1);
	ck_assert_int_eq(plan_year_parse("027", &y), -1);
	ck_assert_int_eq(plan_year_parse("20270", &y), -1);
	ck_assert_int_eq(plan_year_parse("+027", &y), -1);
	ck_assert_int_eq(plan_year_parse("", &y), -1);
}
END_TEST

/* An install as the engine leaves it, in a window before its deadline. */
static struct install
in_window(void)
{
	return (struct install){ .status = WS_OK, .install = INS_HOTPATCH };
}

START_TEST(risks_come_from_the_install)
{
	struct blackout freeze = { .name = "year end" };
	struct install in = in_window();

	ck_assert_uint_eq(risk_of(&in), 0);
	in.status = WS_LATE;
	ck_assert_uint_eq(risk_of(&in), RISK_LATE);
	in.status = WS_NONE;
	ck_assert_uint_eq(risk_of(&in), RISK_NONE);
	/* a pause skipped it: that is the risk, not the missing window */
	in.skipped = true;
	ck_assert_uint_eq(risk_of(&in), RISK_SKIPPED);
	in = in_window();
	in.install = INS_CATCHUP;
	ck_assert_uint_eq(risk_of(&in), RISK_CATCHUP);
	/* a forced install inside a freeze */
	in = in_window();
	in.status = WS_NONE;
	in.forced_in = &freeze;
	ck_assert_uint_eq(risk_of(&in), RISK_NONE | RISK_FORCED);
	/* a forced restart inside a freeze counts only when the deadline forces the install */
	in = in_window();
	in.restart_in = &freeze;
	ck_assert_uint_eq(risk_of(&in), 0);
	in.status = WS_LATE;
	ck_assert_uint_eq(risk_of(&in), RISK_LATE | RISK_FORCED);
	/* every risk has a name and words, in one table */
	ck_assert_uint_eq(risk_ndefs, 5);
	for (size_t i = 0; i < risk_ndefs; i++)
		ck_assert(risk_defs[i].name[0] != '\0' && risk_defs[i].words[0] != '\0');
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plan");

	suite_add_tcase(s, tcase_of("range", NULL, NULL, TESTS(
	    a_range_runs_across_the_year_end,
	    a_year_is_january_to_december,
	    a_range_stays_within_the_limits,
	    steps_go_back_and_forth_by_the_same_months)));
	suite_add_tcase(s, tcase_of("query", NULL, NULL, TESTS(
	    a_query_names_the_months,
	    a_bad_query_is_refused_with_why,
	    a_year_in_the_path_is_four_digits)));
	suite_add_tcase(s, tcase_of("risk", NULL, NULL, TESTS(
	    risks_come_from_the_install)));
	return run_suite(s);
}
