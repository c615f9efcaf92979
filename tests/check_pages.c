/*
 * check_pages: the HTML renderers.  The planner grid from a hand-made plan
 * (rows, cells, classes, marks, escaping) and the feed index (webcal and
 * http(s) links, relative links for a static export), each checked to be
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
	    "main", "section", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "span",
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
	char *html = page_plan(plan);

	json_decref(plan);
	assert_balanced(html);
	return html;
}

/* page_index of feeds, which it takes, under base, checked to be well-formed. */
static char *
index_page(json_t *feeds, const char *base)
{
	char *html = page_index(feeds, base);

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

/*
 * A plan for 2027: ring2 / win11-24h2, every month filled in with one of
 * each case, and a second row whose ring name tries to inject markup and
 * whose OS is not eligible.
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
			json_array_append_new(a, month(ym, "hotpatch", loc, "late", NULL,
			    "window after the deadline", 0));
			break;
		case 3:
			json_array_append_new(a, month(ym, "lcu", NULL, "none", NULL,
			    "no window before the next offer", 0));
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

	snprintf(key, sizeof(key), "<td data-month=\"%s\"", ym);
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
	ck_assert_int_eq(count(html, "<td data-month="), 24);
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
	ck_assert_ptr_nonnull(strstr(c, "data-kind=\"baseline\" data-status=\"ok\" class=\"baseline\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">B</span> <span class=\"d\">01/20</span></td>"));
	free(c);

	c = cell(html, "2027-02");
	ck_assert_ptr_nonnull(strstr(c, "data-kind=\"hotpatch\" data-status=\"late\" class=\"hotpatch late\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">H</span> <span class=\"d\">02/20</span>"
	    "<span class=\"mark\">!</span>"));
	ck_assert_ptr_nonnull(strstr(c, "window after the deadline"));
	free(c);

	c = cell(html, "2027-03");
	ck_assert_ptr_nonnull(strstr(c, "data-kind=\"lcu\" data-status=\"none\" class=\"lcu none\""));
	ck_assert_ptr_nonnull(strstr(c, "<span class=\"k\">L</span> <span class=\"d\">&ndash;</span></td>"));
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
	    "<small>4 baseline, 1 unplanned, 1 LCU</small></td>"));
	ck_assert_ptr_nonnull(row2);
	ck_assert_ptr_nonnull(strstr(row2, "data-total=\"12\"><strong>12</strong> <small>12 LCU</small>"));
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

START_TEST(plan_without_rings_is_still_a_page)
{
	char *html = plan_page(json_pack("{s:i,s:[]}", "year", 2026, "rings"));

	ck_assert_int_eq(count(html, "<tr data-ring="), 0);
	ck_assert_ptr_nonnull(strstr(html, "No rings."));
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

int
main(void)
{
	Suite *s = suite_create("pages");
	TCase *plan = tcase_create("plan"), *idx = tcase_create("index");

	tcase_add_test(plan, plan_has_one_row_per_ring_and_os_with_twelve_months);
	tcase_add_test(plan, plan_cells_carry_kind_status_day_and_marks);
	tcase_add_test(plan, plan_shows_restarts_and_why_not_eligible);
	tcase_add_test(plan, plan_escapes_every_text);
	tcase_add_test(plan, plan_without_rings_is_still_a_page);
	tcase_add_test(idx, index_links_webcal_and_http);
	tcase_add_test(idx, index_https_base_and_trailing_slash);
	tcase_add_test(idx, index_relative_for_static_export);
	tcase_add_test(idx, index_escapes_urls_in_attributes);
	tcase_add_test(idx, index_without_feeds);
	suite_add_tcase(s, plan);
	suite_add_tcase(s, idx);
	return run_suite(s);
}
