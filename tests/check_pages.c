/*
 * check_pages: the HTML renderers.  The planner grid from a hand-made plan
 * (rows, cells, classes, marks, escaping), the feed index (webcal and
 * http(s) links, relative links for a static export) and the fleet
 * (counts, escaping, never a device name), each checked to be
 * well-formed enough that every element the tests rely on is closed.
 */
#include "pages.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

/* How many times needle occurs in s. */
static int
count(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Opening tags <name ...> or <name>, not <namex. */
static int
count_open(const char *s, const char *name)
{
	size_t len = strlen(name);
	int n = 0;

	for (const char *p = s; (p = strchr(p, '<')) != NULL; p++)
		if (strncmp(p + 1, name, len) == 0 && (p[1 + len] == ' ' || p[1 + len] == '>'))
			n++;
	return n;
}

/* Every element in names is opened as often as closed. */
static void
assert_balanced(const char *html)
{
	static const char *const names[] = { "html", "head", "body", "style", "script", "header",
	    "main", "section", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "ul", "li", "span",
	    "small", "strong", "p", "a", "h1", "h2", "div", "button", "title" };

	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char close[16];

		snprintf(close, sizeof(close), "</%s>", names[i]);
		ck_assert_msg(count_open(html, names[i]) == count(html, close),
		    "<%s>: %d opened, %d closed", names[i], count_open(html, names[i]),
		    count(html, close));
	}
	ck_assert_int_eq(count(html, "<!DOCTYPE html>"), 1);
	ck_assert_ptr_nonnull(strstr(html, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(html, "<meta name=\"viewport\""));
	/* no external assets */
	ck_assert_ptr_null(strstr(html, "<link"));
	ck_assert_ptr_null(strstr(html, " src="));
}

/* page_plan of plan, which it takes, checked to be well-formed. */
static char *
plan_page(json_t *plan)
{
	char *html = page_plan(plan, NULL);

	json_decref(plan);
	assert_balanced(html);
	return html;
}

/* page_index of feeds, which it takes, under base, checked to be well-formed. */
static char *
index_page(json_t *feeds, const char *base)
{
	char *html = page_index(feeds, NULL, base);

	json_decref(feeds);
	assert_balanced(html);
	return html;
}

/* One month of a plan row. */
static json_t *
month(const char *ym, const char *kind, const char *local, const char *status,
    const char *blackout, const char *reason, int unplanned)
{
	return json_pack("{s:s,s:s,s:b,s:b,s:o,s:o,s:s,s:o,s:s}", "month", ym, "kind", kind,
	    "restart", strcmp(kind, "hotpatch") != 0, "unplanned", unplanned,
	    "window_start", local ? json_string("2027-01-01T00:00:00Z") : json_null(),
	    "window_start_local", local ? json_string(local) : json_null(), "status", status,
	    "blackout", blackout ? json_string(blackout) : json_null(), "reason", reason);
}

/* m with the one risk the daemon gives it (risk.h; NULL: none), returned. */
static json_t *
at_risk(json_t *m, const char *risk)
{
	json_object_set_new(m, "risks", risk != NULL ? json_pack("[s]", risk) : json_array());
	return m;
}

/*
 * A plan for 2027: ring2 / win11-24h2, every month filled in with one of
 * each case (February late and March without a window are at risk,
 * April's window moved by a blackout is a note), and a second row whose
 * ring name tries to inject markup and whose OS is not eligible.
 */
static json_t *
sample_plan(void)
{
	json_t *a = json_array(), *b = json_array();
	char ym[8], loc[32];

	for (int m = 1; m <= 12; m++) {
		snprintf(ym, sizeof(ym), "2027-%02d", m);
		snprintf(loc, sizeof(loc), "2027-%02d-20T22:00+01:00", m);
		switch (m) {
		case 1:
			json_array_append_new(a, month(ym, "baseline", loc, "ok", NULL, "", 0));
			break;
		case 2:
			json_array_append_new(a, at_risk(month(ym, "hotpatch", loc, "late", NULL,
			    "window after the deadline", 0), "late"));
			break;
		case 3:
			json_array_append_new(a, at_risk(month(ym, "lcu", NULL, "none", NULL,
			    "no window before the next offer", 0), "none"));
			break;
		case 4:
			json_array_append_new(a, month(ym, "baseline", loc, "ok", "Year-end <freeze>",
			    "moved by blackout \"Year-end <freeze>\"", 0));
			break;
		case 5:
			json_array_append_new(a, month(ym, "baseline", loc, "ok", NULL, "", 1));
			break;
		default:
			json_array_append_new(a, month(ym, "hotpatch", loc, "ok", NULL, "", 0));
			break;
		}
		json_array_append_new(b, month(ym, "lcu", loc, "ok", NULL, "", 0));
	}
	return json_pack("{s:i,s:[{s:s,s:s,s:s,s:s,s:b,s:n,s:{s:i,s:i,s:i,s:i,s:i},s:o},"
	    "{s:s,s:s,s:s,s:s,s:b,s:s,s:{s:i,s:i,s:i,s:i,s:i},s:o}]}",
	    "year", 2027, "rings",
	    "ring", "ring2", "name", "Broad", "os", "win11-24h2", "timezone", "Europe/Zurich",
	    "eligible", 1, "not_eligible", "restarts", "baseline", 4, "unplanned", 1, "lcu", 1,
	    "oob", 0, "total", 6, "months", a,
	    "ring", "evil\"ring", "name", "<script>alert('x')</script> & Co", "os", "ws2019",
	    "timezone", "UTC", "eligible", 0, "not_eligible", "hotpatch needs <Azure Arc> & VBS",
	    "restarts", "baseline", 0, "unplanned", 0, "lcu", 12, "oob", 0, "total", 12,
	    "months", b);
}

/* The text of the <td> for ym in the row that starts at row (up to its </td>). */
static char *
cell(const char *row, const char *ym)
{
	char key[40];
	const char *p, *end;

	snprintf(key, sizeof(key), " data-month=\"%s\" data-kind=", ym);
	p = strstr(row, key);
	ck_assert_msg(p != NULL, "no cell %s", ym);
	end = strstr(p, "</td>");
	ck_assert_ptr_nonnull(end);
	return xasprintf("%.*s", (int)(end - p + 5), p);
}

START_TEST(plan_has_one_row_per_ring_and_os_with_twelve_months)
{
	char *html = plan_page(sample_plan());
	const char *row;

	ck_assert_int_eq(count(html, "<tr data-ring="), 2);
	ck_assert_int_eq(count(html, "<td id=\"c"), 24);
	ck_assert_int_eq(count(html, "<th scope=\"col\" data-month="), 12);
	ck_assert_ptr_nonnull(strstr(html, "<title>hotpatchd plan 2027</title>"));
	row = strstr(html, "<tr data-ring=\"ring2\" data-os=\"win11-24h2\">");
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(strstr(row, "<th scope=\"row\" class=\"ring\">Broad / win11-24h2"));
	ck_assert_ptr_nonnull(strstr(html, "<th scope=\"col\" data-month=\"2027-01\">Jan</th>"));
	ck_assert_ptr_nonnull(strstr(html, "class=\"legend\""));
	free(html);
}
END_TEST

START_TEST(plan_cells_carry_kind_status_day_and_marks)
{
	char *html = plan_page(sample_plan()), *c;

	c = cell(html, "2027-01");
	ck_assert_ptr_nonnull(strstr(c, "data-kind=\"baseline\" data-install=\"baseline\" "
	    "data-status=\"ok\" class=\"baseline\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">B</span> <span class=\"d\">01/20</span></td>"));
	free(c);

	c = cell(html, "2027-02");
	ck_assert_ptr_nonnull(strstr(c, "data-status=\"late\" class=\"hotpatch late\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">H</span> <span class=\"d\">02/20</span>"
	    "<span class=\"mark\">!</span>"));
	ck_assert_ptr_nonnull(strstr(c, "window after the deadline"));
	free(c);

	/* the risks are notes 1 (February) and 2 (March), the moved window note 3 */
	c = cell(html, "2027-03");
	ck_assert_ptr_nonnull(strstr(c, "data-status=\"none\" class=\"lcu none\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">L</span> <span class=\"d\">&ndash;</span>"
	    "<a class=\"ref\" href=\"#note-2\" aria-label=\"note 2\">2</a></td>"));
	free(c);

	/* the blackout's name and the reason, escaped, in the title; # marks it */
	c = cell(html, "2027-04");
	ck_assert_ptr_nonnull(strstr(c, "class=\"baseline blackout\""));
	ck_assert_ptr_nonnull(strstr(c, "title=\"baseline, restart; window 2027-04-20 22:00+01:00; "
	    "blackout Year-end &lt;freeze&gt;: moved by blackout &quot;Year-end &lt;freeze&gt;&quot;\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"mark\">#</span>"));
	free(c);

	c = cell(html, "2027-05");
	ck_assert_ptr_nonnull(strstr(c, "class=\"baseline unplanned\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"mark\">*</span>"));
	free(c);
	free(html);
}
END_TEST

START_TEST(plan_shows_restarts_and_why_not_eligible)
{
	char *html = plan_page(sample_plan());
	const char *row2 = strstr(html, "data-os=\"ws2019\"");

	ck_assert_ptr_nonnull(strstr(html, "<td class=\"restarts\" data-total=\"6\"><strong>6</strong> "
	    "<small><span data-cause=\"baseline\" title=\"baselines\">4 baseline</span>, "
	    "<span data-cause=\"unplanned\" title=\"unplanned baselines\">1 unplanned</span>, "
	    "<span data-cause=\"lcu\" title=\"not eligible for hotpatch\">1 LCU</span></small></td>"));
	ck_assert_ptr_nonnull(row2);
	ck_assert_ptr_nonnull(strstr(row2, "data-total=\"12\"><strong>12</strong> <small><span "
	    "data-cause=\"lcu\" title=\"not eligible for hotpatch\">12 LCU</span></small>"));
	ck_assert_ptr_nonnull(strstr(row2, " class=\"ineligible\">"));
	ck_assert_ptr_nonnull(strstr(row2, "<small class=\"why\">Not eligible: hotpatch needs "
	    "&lt;Azure Arc&gt; &amp; VBS</small>"));
	/* the eligible row has no such note */
	ck_assert_ptr_null(strstr(html, "data-os=\"win11-24h2\" class=\"ineligible\""));
	ck_assert_int_eq(count(html, "class=\"why\""), 1);
	free(html);
}
END_TEST

START_TEST(plan_escapes_every_text)
{
	char *html = plan_page(sample_plan());

	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "alert('x')"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"
	    " / ws2019"));
	ck_assert_ptr_nonnull(strstr(html, "<tr data-ring=\"evil&quot;ring\" data-os=\"ws2019\""));
	ck_assert_ptr_null(strstr(html, "evil\"ring"));
	free(html);
}
END_TEST

/*
 * The state across months, worked by hand (after schedules/state-examples.yaml,
 * but made up here so that each case stands alone): Jan a baseline a pause skipped,
 * so no window ("B -" and "="); Feb the catch-up of it in a hotpatch month
 * ("C 02/17"); Mar an LCU after an upgrade in a hotpatch month, its
 * deadline forcing it into a freeze ("O 03/20" and "~").  Restarts: 1
 * baseline (Apr), 1 catch-up, 1 off-baseline = 3.
 */
static json_t *
state_plan(void)
{
	json_t *a = json_array(), *m;
	char ym[8], loc[32];

	for (int i = 4; i <= 12; i++) {
		snprintf(ym, sizeof(ym), "2027-%02d", i);
		snprintf(loc, sizeof(loc), "2027-%02d-20T22:00+00:00", i);
		m = month(ym, i == 4 ? "baseline" : "hotpatch", loc, "ok", NULL, "", 0);
		json_object_set_new(m, "install", json_string(i == 4 ? "baseline" : "hotpatch"));
		json_array_append_new(a, m);
	}
	m = month("2027-01", "baseline", NULL, "none", NULL, "skipped by \"January\" pause", 0);
	json_object_update_new(m, json_pack("{s:s,s:b,s:s,s:s}", "install", "baseline",
	    "skipped", 1, "pause", "January <pause>", "cause", "paused"));
	json_array_insert_new(a, 0, at_risk(m, "skipped"));
	m = month("2027-02", "hotpatch", "2027-02-17T19:00+01:00", "ok", NULL, "catch-up reason", 0);
	json_object_update_new(m, json_pack("{s:s,s:b,s:n,s:s}", "install", "catch-up",
	    "skipped", 0, "pause", "cause", "paused"));
	json_array_insert_new(a, 1, at_risk(m, "catch-up"));
	m = month("2027-03", "hotpatch", "2027-03-20T22:00+00:00", "ok", NULL, "upgrade reason", 0);
	json_object_update_new(m, json_pack("{s:s,s:b,s:s,s:s}", "install", "lcu",
	    "skipped", 0, "forced_in", "March freeze", "cause", "upgrade"));
	json_array_insert_new(a, 2, at_risk(m, "forced"));
	return json_pack("{s:i,s:[{s:s,s:s,s:s,s:s,s:b,s:n,s:{s:i,s:i,s:i,s:i,s:i,s:i,s:i},"
	    "s:o}]}", "year", 2027, "rings", "ring", "state-paused", "name", "P", "os", "w11",
	    "timezone", "UTC", "eligible", 1, "not_eligible", "restarts", "baseline", 1,
	    "unplanned", 0, "lcu", 0, "catchup", 1, "offbase", 1, "oob", 0, "total", 3,
	    "months", a);
}

START_TEST(plan_cells_show_skipped_catch_up_off_baseline_and_forced)
{
	char *html = plan_page(state_plan()), *c;

	c = cell(html, "2027-01");
	ck_assert_ptr_nonnull(strstr(c, "data-kind=\"baseline\" data-install=\"baseline\" "
	    "data-status=\"none\" class=\"baseline none skipped\""));
	ck_assert_ptr_nonnull(strstr(c, " title=\"baseline, restart; no window before the next "
	    "offer; skipped: a pause covered the release (January &lt;pause&gt;): skipped by "
	    "&quot;January&quot; pause\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">B</span> <span class=\"d\">&ndash;</span>"
	    "<span class=\"mark\">=</span><a class=\"ref\" href=\"#note-1\" aria-label=\"note 1\">1"
	    "</a></td>"));
	free(c);

	/* the month is a hotpatch, the install a catch-up: the letter and class say so */
	c = cell(html, "2027-02");
	ck_assert_ptr_nonnull(strstr(c, "data-kind=\"hotpatch\" data-install=\"catch-up\" "
	    "data-status=\"ok\" class=\"catchup\""));
	ck_assert_ptr_nonnull(strstr(c, " title=\"catch-up: the missed baseline and the hotpatch, "
	    "restart; window 2027-02-17 19:00+01:00: catch-up reason\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">C</span> <span class=\"d\">02/17</span>"
	    "<a class=\"ref\" href=\"#note-2\" aria-label=\"note 2\">2</a></td>"));
	free(c);

	c = cell(html, "2027-03");
	ck_assert_ptr_nonnull(strstr(c, "data-kind=\"hotpatch\" data-install=\"lcu\" "
	    "data-status=\"ok\" class=\"offbase forced\""));
	ck_assert_ptr_nonnull(strstr(c, " title=\"off-baseline LCU (upgrade, enrolment, "
	    "out-of-band): restart, LCUs until the next baseline; window 2027-03-20 22:00+00:00; "
	    "the deadline forces the install or restart inside a freeze (March freeze): upgrade "
	    "reason\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">O</span> <span class=\"d\">03/20</span>"
	    "<span class=\"mark\">~</span><a class=\"ref\" href=\"#note-3\" aria-label=\"note 3\">3"
	    "</a></td>"));
	free(c);

	/* a month the state leaves alone keeps its plain letter and class */
	c = cell(html, "2027-05");
	ck_assert_ptr_nonnull(strstr(c, "data-install=\"hotpatch\" data-status=\"ok\" "
	    "class=\"hotpatch\" title=\"hotpatch, no restart for the Windows security update; window 2027-05-20 22:00+00:00\""));
	free(c);
	free(html);
}
END_TEST

START_TEST(plan_restarts_by_cause)
{
	char *html = plan_page(state_plan());

	/* 1 + 1 + 1 = 3; the zero causes (unplanned, LCU, out-of-band) are left out */
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"restarts\" data-total=\"3\"><strong>3"
	    "</strong> <small><span data-cause=\"baseline\" title=\"baselines\">1 baseline</span>, "
	    "<span data-cause=\"catchup\" title=\"after a pause\">1 catch-up</span>, "
	    "<span data-cause=\"offbase\" title=\"off-baseline LCUs\">1 off-baseline</span>"
	    "</small></td>"));
	ck_assert_ptr_null(strstr(html, "data-cause=\"oob\""));
	free(html);
}
END_TEST

START_TEST(plan_legend_explains_every_letter_and_mark)
{
	static const char *const want[] = {
		"<li data-sym=\"B\"><span class=\"sw baseline\">B</span>baseline, restart</li>",
		"<li data-sym=\"H\"><span class=\"sw hotpatch\">H</span>hotpatch, no restart for the Windows security update</li>",
		"<li data-sym=\"L\"><span class=\"sw lcu\">L</span>LCU, restart</li>",
		"<li data-sym=\"C\"><span class=\"sw catchup\">C</span>catch-up: the missed "
		    "baseline and the hotpatch, restart</li>",
		"<li data-sym=\"O\"><span class=\"sw offbase\">O</span>off-baseline LCU (upgrade, "
		    "enrolment, out-of-band): restart, LCUs until the next baseline</li>",
		"<li data-sym=\"MM/DD\"><span class=\"sw\">11/20</span>local day of the install "
		    "window</li>",
		"<li data-sym=\"*\"><span class=\"sw unplanned\">*</span>unplanned baseline</li>",
		"<li data-sym=\"!\"><span class=\"sw late\">!</span>late: after the install "
		    "deadline</li>",
		"<li data-sym=\"-\"><span class=\"sw none\">\xe2\x80\x93</span>no window before "
		    "the next offer</li>",
		"<li data-sym=\"#\"><span class=\"sw blackout\">#</span>a blackout moved or "
		    "blocked it</li>",
		"<li data-sym=\"~\"><span class=\"sw forced\">~</span>the deadline forces the "
		    "install or restart inside a freeze</li>",
		"<li data-sym=\"=\"><span class=\"sw skipped\">=</span>skipped: a pause covered the "
		    "release</li>",
		"<li data-sym=\"restarts\"><span class=\"sw\">Restarts</span>the total over these "
		    "months, then by cause: baseline (baselines), unplanned (unplanned baselines), LCU (not "
		    "eligible for hotpatch), catch-up (after a pause), off-baseline (off-baseline "
		    "LCUs), out-of-band (out-of-band)</li>",
	};
	char *html = plan_page(state_plan());

	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		ck_assert_msg(strstr(html, want[i]) != NULL, "legend: no %s", want[i]);
	ck_assert_int_eq(count(html, "<li data-sym="), (int)ARRAY_LEN(want));
	free(html);
}
END_TEST

START_TEST(plan_without_rings_is_still_a_page)
{
	char *html = plan_page(json_pack("{s:i,s:[]}", "year", 2026, "rings"));

	ck_assert_int_eq(count(html, "<tr data-ring="), 0);
	ck_assert_ptr_nonnull(strstr(html, "No rings."));
	free(html);
}
END_TEST

/*
 * The words of every cell that needs a second look, as numbered notes:
 * the risks first (February late: note 1, March no window: note 2), then
 * the rest (April, a blackout moved the window: note 3), each linking back
 * to its cell (row 0, months 1, 2 and 3 of the plan: c0-1, c0-2, c0-3).
 */
START_TEST(plan_lists_risks_then_notes_linked_both_ways)
{
	char *html = plan_page(sample_plan()), *c;
	const char *risks = strstr(html, "<section class=\"notes risks\" id=\"at-risk\"");
	const char *notes = strstr(html, "<section class=\"notes\" id=\"notes\"");

	ck_assert_ptr_nonnull(risks);
	ck_assert_ptr_nonnull(notes);
	ck_assert_ptr_nonnull(strstr(risks, "<h2 id=\"at-risk-h\">At risk</h2>"));
	ck_assert_ptr_nonnull(strstr(risks, "<li id=\"note-1\" data-ring=\"ring2\" "
	    "data-os=\"win11-24h2\" data-label=\"late\">Broad / win11-24h2: <strong>late</strong> "
	    "in <a href=\"#c0-1\" data-month=\"2027-02\">Feb 2027</a>: window after the "
	    "deadline</li>"));
	ck_assert_ptr_nonnull(strstr(risks, "<li id=\"note-2\" data-ring=\"ring2\" "
	    "data-os=\"win11-24h2\" data-label=\"none\">Broad / win11-24h2: <strong>none</strong> "
	    "in <a href=\"#c0-2\" data-month=\"2027-03\">Mar 2027</a>: no window before the next "
	    "offer</li>"));
	ck_assert(risks < notes);
	ck_assert_ptr_nonnull(strstr(notes, "<ol start=\"3\">\n<li id=\"note-3\" data-ring=\"ring2\" "
	    "data-os=\"win11-24h2\" data-label=\"moved\">Broad / win11-24h2: <strong>moved</strong> "
	    "in <a href=\"#c0-3\" data-month=\"2027-04\">Apr 2027</a>: moved by blackout "
	    "&quot;Year-end &lt;freeze&gt;&quot;</li>"));
	ck_assert_int_eq(count(html, "<li id=\"note-"), 3);
	/* each cell carries the id its note links back to */
	c = cell(html, "2027-02");
	ck_assert_ptr_nonnull(strstr(html, "<td id=\"c0-1\" data-month=\"2027-02\""));
	ck_assert_ptr_nonnull(strstr(c, "<a class=\"ref\" href=\"#note-1\" aria-label=\"note 1\">1</a>"));
	free(c);
	/* colour alone never dims a row: opacity would fail contrast (tests/regress/a11y.sh) */
	ck_assert_ptr_null(strstr(html, "opacity"));
	free(html);
}
END_TEST

/*
 * The skipped January is a risk and names its pause in the reason; the
 * forced March does not name its freeze, so the note adds it.
 */
START_TEST(plan_notes_name_the_blackout_the_reason_leaves_out)
{
	char *html = plan_page(state_plan());

	ck_assert_ptr_nonnull(strstr(html, "<strong>skipped</strong> in <a href=\"#c0-0\" "
	    "data-month=\"2027-01\">Jan 2027</a>: skipped by &quot;January&quot; pause; skipped: a "
	    "pause covered the release: &#39;January &lt;pause&gt;&#39;</li>"));
	ck_assert_ptr_nonnull(strstr(html, "<strong>forced</strong> in <a href=\"#c0-2\" "
	    "data-month=\"2027-03\">Mar 2027</a>: upgrade reason; the deadline forces the install "
	    "or restart inside a freeze: &#39;March freeze&#39;</li>"));
	/* all three are risks: no second list */
	ck_assert_ptr_null(strstr(html, "id=\"notes\""));
	free(html);
}
END_TEST

/* A plan of n months from 2026-11, one ring, each month a hotpatch in its window. */
static json_t *
rolling_plan(int n)
{
	json_t *a = json_array();
	char ym[16], loc[40];	/* room for any int year: -O1 checks it */

	for (int i = 0; i < n; i++) {
		int y = 2026 + (10 + i) / 12, m = (10 + i) % 12 + 1;

		snprintf(ym, sizeof(ym), "%04d-%02d", y, m);
		snprintf(loc, sizeof(loc), "%04d-%02d-12T22:00+01:00", y, m);
		json_array_append_new(a, at_risk(month(ym, "hotpatch", loc, "ok", NULL, "", 0),
		    NULL));
	}
	return json_pack("{s:s,s:i,s:n,s:[{s:s,s:s,s:s,s:s,s:b,s:n,s:{s:i},s:o}]}",
	    "from", "2026-11", "months", n, "year", "rings", "ring", "r1", "name", "One",
	    "os", "w11", "timezone", "UTC", "eligible", 1, "not_eligible", "restarts", "total", 0,
	    "months", a);
}

/*
 * Three months from 2026-11: November 2026, December, January 2027.  The
 * year goes with the first month and with January; the pager steps three
 * months each way: 2026-08..2026-10 and 2027-02..2027-04.
 */
START_TEST(plan_across_a_year_end_names_its_months_and_pages)
{
	struct plan_links l = { .home = "../", .prev = "?from=2026-08&months=3",
	    .next = "?from=2027-02&months=3" };
	json_t *plan = rolling_plan(3);
	char *html = page_plan(plan, &l);

	json_decref(plan);
	assert_balanced(html);
	ck_assert_ptr_nonnull(strstr(html, "<title>hotpatchd plan Nov 2026 to Jan 2027</title>"));
	ck_assert_ptr_nonnull(strstr(html, "<h1>Plan Nov 2026 to Jan 2027</h1>"));
	ck_assert_ptr_nonnull(strstr(html, "<table class=\"plan\" data-from=\"2026-11\" "
	    "data-months=\"3\">"));
	ck_assert_ptr_nonnull(strstr(html, "<th scope=\"col\" data-month=\"2026-11\">Nov 2026</th>"
	    "<th scope=\"col\" data-month=\"2026-12\">Dec</th>"
	    "<th scope=\"col\" data-month=\"2027-01\">Jan 2027</th>"));
	ck_assert_int_eq(count(html, "<td id=\"c0-"), 3);
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"../\">Feeds</a>"));
	ck_assert_ptr_nonnull(strstr(html, "<nav class=\"pager\" aria-label=\"Other months\">"
	    "<a rel=\"prev\" href=\"?from=2026-08&amp;months=3\">&larr; Previous: Aug 2026 to Oct "
	    "2026</a><a rel=\"next\" href=\"?from=2027-02&amp;months=3\">Next: Feb 2027 to Apr "
	    "2027 &rarr;</a></nav>"));
	/* nothing at risk, nothing to note */
	ck_assert_ptr_nonnull(strstr(html, "<p>No risks: every install has a window before its "
	    "deadline"));
	ck_assert_int_eq(count(html, "<li id=\"note-"), 0);
	free(html);
	/* without links, no pager; a year's plan says its year alone */
	html = plan_page(json_pack("{s:i,s:[]}", "year", 2027, "rings"));
	ck_assert_ptr_null(strstr(html, "class=\"pager\""));
	ck_assert_ptr_nonnull(strstr(html, "<h1>Plan 2027</h1>"));
	ck_assert_ptr_nonnull(strstr(html, "data-from=\"2027-01\" data-months=\"12\" "
	    "data-year=\"2027\""));
	free(html);
}
END_TEST

/* 37 months, the most: one cell each; none past the months the plan says it has. */
START_TEST(plan_of_the_longest_range_has_every_month)
{
	json_t *plan = rolling_plan(37);
	char *html;

	json_object_set_new(plan, "months", json_integer(36));
	html = plan_page(plan);
	ck_assert_int_eq(count(html, "<td id=\"c0-"), 36);
	ck_assert_int_eq(count(html, "<th scope=\"col\" data-month="), 36);
	free(html);
	html = plan_page(rolling_plan(37));
	ck_assert_int_eq(count(html, "<td id=\"c0-"), 37);
	ck_assert_ptr_nonnull(strstr(html, "<th scope=\"col\" data-month=\"2029-11\">Nov</th>"));
	free(html);
}
END_TEST

/* ---- the fleet ---- */

/* One month's counts as view_fleet writes them. */
static json_t *
fleet_month(const char *month, int hp, int bl, int cu, int lcu, int restarts)
{
	return json_pack("{s:s,s:{s:i,s:i,s:i,s:i},s:i}", "month", month, "install",
	    "hotpatch", hp, "baseline", bl, "catch-up", cu, "lcu", lcu, "restarts", restarts);
}

/*
 * Two months, ring "pilot" (5 devices: 3 then 2 restart) and ring "empty"
 * (no devices: no row); the fleet's months are pilot's plus 1 catch-up, 1 LCU
 * and 2 restarts of devices of other rings, total 3 + 4 = 7 restarts.
 * name is pilot's name, reason the one reason.  A "names" list (which
 * view_fleet never writes) stands for personal data the page must not read.
 */
static json_t *
sample_fleet(const char *name, const char *reason)
{
	json_t *months = json_pack("[o,o]", fleet_month("2027-01", 2, 0, 1, 4, 5),
	    fleet_month("2027-02", 3, 0, 0, 2, 2));
	json_t *pm = json_pack("[o,o]", fleet_month("2027-01", 2, 0, 0, 3, 3),
	    fleet_month("2027-02", 3, 0, 0, 2, 2));
	json_t *tot = fleet_month("total", 5, 0, 1, 6, 7);

	json_object_del(tot, "month");
	json_object_update_new(tot, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:[{s:s,s:i}],"
	    "s:[s]}", "devices", 9, "counted", 8, "eligible", 6, "below_baseline", 1,
	    "build_unknown", 0, "no_ring", 1, "no_os", 0, "lcu_reasons", "reason", reason,
	    "devices", 3, "names", "LAPTOP-0815"));
	json_object_set_new(json_array_get(pm, 0), "names", json_pack("[s]", "LAPTOP-0815"));
	return json_pack("{s:s,s:s,s:o,s:o,s:[{s:s,s:s,s:i,s:i,s:i,s:o,s:{s:i},s:[s]},"
	    "{s:s,s:n,s:i,s:[]}]}", "from", "2027-01", "to", "2027-02", "total", tot,
	    "months", months, "rings", "ring", "pilot", "name", name, "devices", 5,
	    "eligible", 4, "below_baseline", 1, "months", pm, "total", "restarts", 5,
	    "names", "LAPTOP-0815", "ring", "empty", "name", "devices", 0, "months");
}

/* page_fleet of f, which it takes, checked to be well-formed. */
static char *
fleet_page(json_t *f)
{
	char *html = page_fleet(f);

	json_decref(f);
	assert_balanced(html);
	return html;
}

START_TEST(fleet_has_months_total_reasons_and_rings)
{
	char *html = fleet_page(sample_fleet("Pilot", "VBS off"));

	ck_assert_ptr_nonnull(strstr(html, "<title>hotpatchd fleet 2027-01 to 2027-02</title>"));
	ck_assert_ptr_nonnull(strstr(html, "<strong>9</strong> devices, 8 counted"));
	/* the fleet's months: a row each and the total, four kinds then restarts */
	ck_assert_int_eq(count(html, "<tr data-month="), 2);
	ck_assert_ptr_nonnull(strstr(html, "<tr data-month=\"2027-01\"><th scope=\"row\">2027-01"
	    "</th><td data-install=\"hotpatch\">2</td><td data-install=\"baseline\">0</td>"
	    "<td data-install=\"catch-up\">1</td><td data-install=\"lcu\">4</td>"
	    "<td data-restarts>5</td></tr>"));
	ck_assert_ptr_nonnull(strstr(html, "<tfoot>\n<tr><th scope=\"row\">Total</th>"
	    "<td data-install=\"hotpatch\">5</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td data-restarts>7</td></tr>\n</tfoot>"));
	ck_assert_ptr_nonnull(strstr(html, "<li><strong>3</strong> devices: VBS off</li>"));
	/* one row for pilot, none for the ring without devices; restarts per month, installs in the title */
	ck_assert_int_eq(count(html, "<tr data-ring="), 1);
	ck_assert_ptr_null(strstr(html, "data-ring=\"empty\""));
	ck_assert_ptr_nonnull(strstr(html, "<td data-month=\"2027-01\" class=\"restart\" "
	    "title=\"hotpatch 2, baseline 0, catch-up 0, lcu 3\">3</td>"));
	ck_assert_ptr_nonnull(strstr(html, "4 eligible, 1 below the latest baseline</small></th>"
	    "<td>5</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>5</td></tr>\n</tbody>"));
	free(html);
}
END_TEST

START_TEST(fleet_escapes_every_text)
{
	char *html = fleet_page(sample_fleet("<script>alert('x')</script> & Co", "a \"<b>\" reason"));

	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<b>"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"
	    "<small>pilot"));
	ck_assert_ptr_nonnull(strstr(html, "devices: a &quot;&lt;b&gt;&quot; reason</li>"));
	free(html);
}
END_TEST

START_TEST(fleet_shows_counts_never_names)
{
	char *html = fleet_page(sample_fleet("Pilot", "VBS off"));

	ck_assert_ptr_null(strstr(html, "LAPTOP"));
	free(html);
}
END_TEST

/* No rings and no months: still a page, with a zero total. */
START_TEST(fleet_without_rings_is_still_a_page)
{
	char *html = fleet_page(json_pack("{s:s,s:s,s:{},s:[],s:[]}", "from", "2027-01", "to",
	    "2027-01", "total", "months", "rings"));

	ck_assert_int_eq(count(html, "<tr data-ring="), 0);
	ck_assert_ptr_nonnull(strstr(html, "<strong>0</strong> devices"));
	ck_assert_ptr_null(strstr(html, "Why the LCU"));
	free(html);
}
END_TEST

static json_t *
sample_feeds(void)
{
	return json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]",
	    "path", "/calendar.ics", "title", "All Patch Tuesdays",
	    "description", "Every OS's release days",
	    "path", "/rings/ring2.ics", "title", "Ring <2> & \"broad\"",
	    "description", "Install windows 'n' deadlines");
}

START_TEST(index_links_webcal_and_http)
{
	char *html = index_page(sample_feeds(), "http://127.0.0.1:8080");

	ck_assert_ptr_nonnull(strstr(html, "<title>hotpatchd</title>"));
	ck_assert_int_eq(count(html, "<section class=\"feed\""), 2);
	ck_assert_ptr_nonnull(strstr(html,
	    "<a class=\"subscribe\" href=\"webcal://127.0.0.1:8080/calendar.ics\">Subscribe</a>"));
	ck_assert_ptr_nonnull(strstr(html,
	    "<input type=\"text\" readonly value=\"http://127.0.0.1:8080/calendar.ics\""));
	ck_assert_ptr_nonnull(strstr(html, "href=\"webcal://127.0.0.1:8080/rings/ring2.ics\""));
	ck_assert_ptr_nonnull(strstr(html, "<a class=\"plan\" href=\"http://127.0.0.1:8080/plan\">"));
	ck_assert_int_eq(count(html, "<button type=\"button\" class=\"copy\">Copy</button>"), 2);
	ck_assert_ptr_nonnull(strstr(html, "navigator.clipboard"));
	ck_assert_ptr_nonnull(strstr(html, "execCommand('copy')"));
	/* titles and descriptions escaped */
	ck_assert_ptr_nonnull(strstr(html, "<h2>Ring &lt;2&gt; &amp; &quot;broad&quot;</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "<p>Install windows &#39;n&#39; deadlines</p>"));
	ck_assert_ptr_nonnull(strstr(html, "<p>Every OS&#39;s release days</p>"));
	free(html);
}
END_TEST

START_TEST(index_https_base_and_trailing_slash)
{
	char *html = index_page(sample_feeds(), "https://cal.example.org/");

	ck_assert_ptr_nonnull(strstr(html, "href=\"webcal://cal.example.org/calendar.ics\""));
	ck_assert_ptr_nonnull(strstr(html, "value=\"https://cal.example.org/rings/ring2.ics\""));
	ck_assert_ptr_nonnull(strstr(html, "href=\"https://cal.example.org/plan\""));
	ck_assert_ptr_null(strstr(html, "org//"));
	free(html);
}
END_TEST

START_TEST(index_relative_for_static_export)
{
	char *html = index_page(sample_feeds(), "");

	ck_assert_ptr_null(strstr(html, "webcal:"));
	ck_assert_ptr_null(strstr(html, "http://"));
	ck_assert_ptr_null(strstr(html, "https://"));
	ck_assert_ptr_nonnull(strstr(html, "<a class=\"subscribe\" href=\"calendar.ics\">Download</a>"));
	ck_assert_ptr_nonnull(strstr(html, "value=\"rings/ring2.ics\""));
	ck_assert_ptr_nonnull(strstr(html, "<a class=\"plan\" href=\"plan\">"));
	free(html);
}
END_TEST

START_TEST(index_escapes_urls_in_attributes)
{
	char *html = index_page(json_pack("[{s:s,s:s,s:s}]", "path", "/rings/a\"b<c>&'.ics",
	    "title", "t", "description", ""), "http://h:1");

	ck_assert_ptr_nonnull(strstr(html,
	    "href=\"webcal://h:1/rings/a&quot;b&lt;c&gt;&amp;&#39;.ics\""));
	ck_assert_ptr_nonnull(strstr(html, "value=\"http://h:1/rings/a&quot;b&lt;c&gt;&amp;&#39;.ics\""));
	ck_assert_ptr_nonnull(strstr(html, "data-path=\"/rings/a&quot;b&lt;c&gt;&amp;&#39;.ics\""));
	/* an empty description makes no empty paragraph */
	ck_assert_ptr_null(strstr(html, "<p></p>"));
	free(html);
}
END_TEST

START_TEST(index_without_feeds)
{
	char *html = index_page(json_array(), "http://127.0.0.1:8080");

	ck_assert_int_eq(count(html, "<section"), 0);
	ck_assert_ptr_nonnull(strstr(html, "No feeds."));
	free(html);
}
END_TEST

/* view_stale's shape: an OS whose id tries markup, with a run and a single month. */
static json_t *
sample_stale(void)
{
	return json_pack("[{s:s,s:[s,s,s,s],s:s}]", "os", "os<b>", "unpublished", "2026-07",
	    "2026-09", "2026-10", "2026-11", "current_to", "2026-06");
}

START_TEST(index_and_plan_say_what_is_stale_escaped)
{
	static const char want[] = "<p data-os=\"os&lt;b&gt;\">os&lt;b&gt;: 2026-07 and "
	    "2026-09..2026-11 (3 months) are past and unpublished; the calendar is current to "
	    "2026-06</p>";
	json_t *stale = sample_stale(), *feeds = sample_feeds();
	char *html = page_index(feeds, stale, "");
	json_t *plan = json_pack("{s:i,s:[],s:o}", "year", 2026, "rings", "stale", sample_stale());

	assert_balanced(html);
	ck_assert_int_eq(count(html, "<div class=\"stale\" role=\"status\">"), 1);
	ck_assert_ptr_nonnull(strstr(html, want));
	free(html);
	html = plan_page(plan);
	ck_assert_ptr_nonnull(strstr(html, want));
	free(html);
	json_decref(stale);
	json_decref(feeds);
}
END_TEST

START_TEST(nothing_stale_no_block)
{
	json_t *feeds = sample_feeds(), *stale = json_array();
	char *html = page_index(feeds, stale, "");

	ck_assert_ptr_null(strstr(html, "class=\"stale\""));
	free(html);
	html = plan_page(json_pack("{s:i,s:[],s:[]}", "year", 2026, "rings", "stale"));
	ck_assert_ptr_null(strstr(html, "class=\"stale\""));
	free(html);
	json_decref(stale);
	json_decref(feeds);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pages");
	TCase *plan = tcase_create("plan"), *idx = tcase_create("index");
	TCase *fleet = tcase_create("fleet");

	tcase_add_test(plan, plan_has_one_row_per_ring_and_os_with_twelve_months);
	tcase_add_test(plan, plan_cells_carry_kind_status_day_and_marks);
	tcase_add_test(plan, plan_shows_restarts_and_why_not_eligible);
	tcase_add_test(plan, plan_escapes_every_text);
	tcase_add_test(plan, plan_without_rings_is_still_a_page);
	tcase_add_test(plan, plan_cells_show_skipped_catch_up_off_baseline_and_forced);
	tcase_add_test(plan, plan_restarts_by_cause);
	tcase_add_test(plan, plan_legend_explains_every_letter_and_mark);
	tcase_add_test(plan, plan_lists_risks_then_notes_linked_both_ways);
	tcase_add_test(plan, plan_notes_name_the_blackout_the_reason_leaves_out);
	tcase_add_test(plan, plan_across_a_year_end_names_its_months_and_pages);
	tcase_add_test(plan, plan_of_the_longest_range_has_every_month);
	tcase_add_test(fleet, fleet_has_months_total_reasons_and_rings);
	tcase_add_test(fleet, fleet_escapes_every_text);
	tcase_add_test(fleet, fleet_shows_counts_never_names);
	tcase_add_test(fleet, fleet_without_rings_is_still_a_page);
	tcase_add_test(idx, index_links_webcal_and_http);
	tcase_add_test(idx, index_https_base_and_trailing_slash);
	tcase_add_test(idx, index_relative_for_static_export);
	tcase_add_test(idx, index_escapes_urls_in_attributes);
	tcase_add_test(idx, index_without_feeds);
	tcase_add_test(idx, index_and_plan_say_what_is_stale_escaped);
	tcase_add_test(idx, nothing_stale_no_block);
	suite_add_tcase(s, plan);
	suite_add_tcase(s, idx);
	suite_add_tcase(s, fleet);
	return run_suite(s);
}
