/*
 * check_sitelinks: the site's pages as an address sees them (site_get_at):
 * the index's and the feeds' links for the Host a request names, for
 * http.public_url, and for none; the same page kept for the same address;
 * and the pages for other addresses bounded in number and bytes however
 * many hosts ask.  A daemon over the shipped calendar and schedules, with
 * a store in a temporary directory, as in check_views.
 */
#include "calfile.h"
#include "daemon.h"
#include "ringfile.h"
#include "site.h"
#include "sitetest.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

#include <string.h>
#include <unistd.h>

static struct daemon dm;

static void
daemon_up(void)
{
	sitetest_up(&dm, 1794333600);	/* 2026-11-10T18:00:00Z: the same month throughout */
}

static void
daemon_down(void)
{
	sitetest_down(&dm);
}

static const struct page *
get(const char *path, const char *base)
{
	char *cause = NULL;
	const struct page *pg = site_get_at(&dm, path, base, &cause);

	ck_assert_msg(pg != NULL, "%s: %s", path, cause ? cause : "404");
	return pg;
}

static bool
has(const struct page *pg, const char *text)
{
	return strstr(pg->body, text) != NULL;
}

START_TEST(index_and_feeds_link_to_the_requests_address)
{
	const struct page *pg;
	size_t bytes;

	daemon_up();
	pg = get("/", "http://cal.example.org:8443");
	ck_assert(has(pg, "href=\"webcal://cal.example.org:8443/rings/ring2.ics\""));
	ck_assert(has(pg, "value=\"http://cal.example.org:8443/rings/ring2.ics\""));
	ck_assert(has(pg, "href=\"http://cal.example.org:8443/plan\""));
	ck_assert_ptr_null(strchr(pg->body, '\x01'));
	ck_assert_ptr_null(strstr(pg->body, "127.0.0.1"));
	pg = get("/rings/ring2.ics", "http://cal.example.org:8443");
	ck_assert(has(pg, "\r\nURL:http://cal.example.org:8443/\r\n"));
	ck_assert(has(pg, "\r\nSOURCE;VALUE=URI:http://cal.example.org:8443/rings/ring2.ics\r\n"));
	ck_assert_uint_eq(site_variants(&dm, &bytes), 2);
	/* Pages without links are the same for every address: none kept apart. */
	pg = get("/plan", "http://cal.example.org:8443");
	ck_assert_uint_eq(site_variants(&dm, &bytes), 2);
	daemon_down();
}
END_TEST

/* hotpatchctl feed and export know no address: feeds name none, the index the listener. */
START_TEST(without_an_address_feeds_have_no_links)
{
	const struct page *pg;

	daemon_up();
	pg = get("/calendar.ics", NULL);
	ck_assert(!has(pg, "\r\nURL:"));
	ck_assert(!has(pg, "\r\nSOURCE"));
	ck_assert(has(pg, "\r\nDESCRIPTION:"));
	dm.feed_url = "http://127.0.0.1:8080";
	pg = get("/", NULL);
	ck_assert(has(pg, "href=\"webcal://127.0.0.1:8080/calendar.ics\""));
	dm.feed_url = NULL;
	/* No listener either: links relative to the site's root. */
	pg = get("/", NULL);
	ck_assert(has(pg, "href=\"calendar.ics\""));
	ck_assert_ptr_null(strchr(pg->body, '\x01'));
	daemon_down();
}
END_TEST

/* With http.public_url every page names it, whatever the request's Host. */
START_TEST(public_url_wins_over_the_host)
{
	const struct page *a, *b;
	size_t bytes;

	daemon_up();
	dm.cfg.public_url = xstrdup("https://cal.example.org/hotpatch");
	a = get("/", "http://evil.example");
	ck_assert(has(a, "href=\"webcal://cal.example.org/hotpatch/rings/ring2.ics\""));
	ck_assert(!has(a, "evil"));
	b = get("/", NULL);
	ck_assert_ptr_eq(a, b);
	a = get("/os/win11-24h2.ics", "http://evil.example");
	ck_assert(has(a, "\r\nURL:https://cal.example.org/hotpatch/\r\n"));
	ck_assert(has(a, "\r\nSOURCE;VALUE=URI:https://cal.example.org/hotpatch/os/"
	    "win11-24h2.ics\r\n"));
	/* hotpatchctl feed prints the same bytes. */
	ck_assert_ptr_eq(a, get("/os/win11-24h2.ics", NULL));
	ck_assert_uint_eq(site_variants(&dm, &bytes), 0);
	daemon_down();
}
END_TEST

/* The same address gets the same page, until the data changes. */
START_TEST(a_page_is_kept_per_address_until_the_generation_moves)
{
	const struct page *pg;
	const char *body;
	char etag[sizeof(pg->etag)];
	void *held;

	daemon_up();
	pg = get("/rings/ring1.ics", "http://a.example");
	held = site_body_hold(pg);	/* so a rebuilt body cannot reuse its address */
	body = pg->body;
	memcpy(etag, pg->etag, sizeof(etag));
	get("/rings/ring1.ics", "http://b.example");
	pg = get("/rings/ring1.ics", "http://a.example");
	ck_assert_ptr_eq(pg->body, body);
	ck_assert_str_ne(get("/rings/ring1.ics", "http://b.example")->etag, etag);
	dm.generation++;
	pg = get("/rings/ring1.ics", "http://a.example");
	ck_assert_ptr_ne(pg->body, body);
	ck_assert_str_eq(pg->etag, etag);	/* same data, same bytes, same ETag */
	site_body_release(held);
	daemon_down();
}
END_TEST

/*
 * SITE_VARIANTS_MAX pages at most: three times as many hosts ask for the
 * index (14 KB), and one asks after each of them, so it stays.
 */
START_TEST(many_hosts_keep_at_most_the_bound_of_pages)
{
	const struct page *pg;
	const char *body;
	size_t bytes;
	void *held;

	daemon_up();
	pg = get("/", "http://kept.example");
	held = site_body_hold(pg);
	body = pg->body;
	for (int i = 0; i < 3 * SITE_VARIANTS_MAX; i++) {
		char host[64];

		snprintf(host, sizeof(host), "http://h%d.example", i);
		pg = get("/", host);
		ck_assert(has(pg, host));
		ck_assert_uint_le(site_variants(&dm, &bytes), SITE_VARIANTS_MAX);
		ck_assert_uint_le(bytes, SITE_VARIANT_BYTES);
		ck_assert_ptr_eq(get("/", "http://kept.example")->body, body);
	}
	ck_assert_uint_eq(site_variants(&dm, &bytes), SITE_VARIANTS_MAX);
	site_body_release(held);
	daemon_down();
}
END_TEST

/*
 * SITE_VARIANT_BYTES at most: /calendar.ics is about 166 KB, so fewer than
 * SITE_VARIANTS_MAX of them fill the bytes, and the bytes are what bound.
 */
START_TEST(many_hosts_keep_at_most_the_bound_of_bytes)
{
	size_t bytes, len = 0;

	daemon_up();
	for (int i = 0; i < 2 * SITE_VARIANTS_MAX; i++) {
		char host[64];

		snprintf(host, sizeof(host), "http://h%d.example", i);
		len = get("/calendar.ics", host)->len;
		ck_assert_uint_le(site_variants(&dm, &bytes), SITE_VARIANTS_MAX);
		ck_assert_uint_le(bytes, SITE_VARIANT_BYTES);
	}
	ck_assert_uint_gt(len * SITE_VARIANTS_MAX, SITE_VARIANT_BYTES);
	ck_assert_uint_lt(site_variants(&dm, &bytes), SITE_VARIANTS_MAX);
	ck_assert_uint_gt(bytes + len, SITE_VARIANT_BYTES);
	daemon_down();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sitelinks");

	suite_add_tcase(s, tcase_of("links", NULL, NULL, TESTS(
	    index_and_feeds_link_to_the_requests_address,
	    without_an_address_feeds_have_no_links,
	    public_url_wins_over_the_host,
	    a_page_is_kept_per_address_until_the_generation_moves,
	    many_hosts_keep_at_most_the_bound_of_pages,
	    many_hosts_keep_at_most_the_bound_of_bytes)));
	return run_suite(s);
}
