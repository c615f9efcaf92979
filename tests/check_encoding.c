/*
 * check_encoding: content codings.  Accept-Encoding read by hand-worked
 * cases (RFC 9110 12.5.3 and 12.4.2), which documents are worth
 * compressing, the gzip ETag, and gzip round trips: bytes made by
 * gzip_bytes inflate (zlib's inflate, not our code) to what went in, and
 * a page's gzip body (site_body_gzip) to the page's body, byte for byte.
 */
#include "calfile.h"
#include "daemon.h"
#include "encoding.h"
#include "gunzip.h"
#include "ringfile.h"
#include "site.h"
#include "sitetest.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

#include <string.h>
#include <unistd.h>

/* ---- Accept-Encoding ---- */

START_TEST(accept_encoding_cases)
{
	/* value, send gzip?  Worked by hand from the rules in encoding.h. */
	static const struct { const char *value; bool gzip; } cases[] = {
		{ NULL, false },			/* no header: the body as it is */
		{ "", false },
		{ "gzip", true },
		{ "GZip", true },			/* codings are case-insensitive */
		{ "x-gzip", true },
		{ "gzip, deflate, br", true },
		{ "br, deflate", false },		/* gzip not named, no '*' */
		{ "*", true },				/* '*': any coding, gzip among them */
		{ "*;q=0", false },
		{ "gzip;q=0", false },			/* q=0: not acceptable */
		{ "gzip; q=0", false },
		{ "gzip ; Q=0.000", false },		/* parameter names too */
		{ "gzip;q=0.001", true },		/* the smallest q above 0 */
		{ "gzip;q=0.", false },		/* "0." is a qvalue: 0, so no */
		{ "gzip;q=1", true },
		{ "gzip;q=1.000", true },
		{ "gzip;q=1.001", false },		/* not a qvalue: the member is ignored */
		{ "gzip;q=2", false },
		{ "gzip;q=0.0001", false },		/* four decimals: not a qvalue */
		{ "gzip;q=", false },
		{ "gzip;q", false },
		{ "gzip;q=\"1\"", false },		/* quoted: not a qvalue */
		{ "gzip;level=\"a,b\";q=1", true },	/* a quoted comma stays in the member */
		{ "gzip;q=0, *", false },		/* named: '*' does not override it */
		{ "*, gzip;q=0", false },
		{ "deflate, *;q=0.5", true },		/* gzip by '*', identity as well: a tie */
		{ "gzip;q=0.5, identity;q=1", false },	/* identity preferred */
		{ "gzip;q=0.5, identity;q=0.5", true },	/* a tie goes to gzip */
		{ "gzip;q=0.5, *;q=0.8", false },	/* '*' stands for identity too: 0.8 */
		{ "gzip;q=0.5, identity;q=0.1, *", true },
		{ "identity;q=0", false },		/* gzip not named, no '*' */
		{ "gzip, gzip;q=0", true },		/* the first mention counts */
		{ "gzip;q=0, gzip", false },
		{ ",,, ,gzip", true },			/* empty members */
		{ "gzip garbage", false },		/* not a member: ignored */
		{ "gzip\t;\tq=0.8 ,br", true },		/* tabs are whitespace */
		{ "gzipx", false },
		{ "gzi", false },
		{ "@@@, gzip", true },			/* a bad member, then a good one */
		{ "gzip;", false },			/* ';' with no parameter */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(accepts_gzip(cases[i].value) == cases[i].gzip, "'%s': want %s",
		    cases[i].value ? cases[i].value : "(none)", cases[i].gzip ? "gzip" : "identity");
}
END_TEST

START_TEST(accept_encoding_several_headers)
{
	struct accept_coding a;

	/* Several headers are one list, in order (RFC 9110 5.3). */
	accept_coding_init(&a);
	accept_coding_add(&a, "br");
	ck_assert(!accept_coding_gzip(&a));
	accept_coding_add(&a, "gzip;q=0.3");
	ck_assert(accept_coding_gzip(&a));
	ck_assert_int_eq(a.gzip, 300);
	accept_coding_add(&a, "gzip;q=0");	/* named already */
	ck_assert_int_eq(a.gzip, 300);
	accept_coding_add(&a, "identity;q=0.9");
	ck_assert(!accept_coding_gzip(&a));
	ck_assert_int_eq(a.identity, 900);
	ck_assert_int_eq(a.star, -1);
}
END_TEST

START_TEST(accept_encoding_huge)
{
	/* 8 KB of tokens, then gzip: read to the end, in one pass. */
	size_t n = 8192;
	char *v = xmalloc(n + 16);

	for (size_t i = 0; i < n; i += 4)
		memcpy(v + i, "ab, ", 4);
	strcpy(v + n, "gzip;q=0.5");
	ck_assert(accepts_gzip(v));
	memset(v, ';', n);	/* all separators: nothing named */
	v[n] = '\0';
	ck_assert(!accepts_gzip(v));
	free(v);
}
END_TEST

/* ---- worth it, and the ETag ---- */

START_TEST(worth_compressing)
{
	ck_assert(gzip_worth("text/calendar; charset=utf-8", 134000));
	ck_assert(gzip_worth("text/html; charset=utf-8", GZIP_MIN_BYTES));
	ck_assert(!gzip_worth("text/html; charset=utf-8", GZIP_MIN_BYTES - 1));
	ck_assert(gzip_worth("application/json", 1000));
	ck_assert(gzip_worth("TEXT/PLAIN", 1000));
	ck_assert(!gzip_worth("text/htmlx", 1000));
	ck_assert(!gzip_worth("image/png", 100000));
	ck_assert(!gzip_worth(NULL, 100000));
}
END_TEST

START_TEST(gzip_etag_is_its_own)
{
	char out[GZIP_ETAG_MAX];

	gzip_etag("\"0123456789abcdef\"", out);
	ck_assert_str_eq(out, "\"0123456789abcdef-gzip\"");
}
END_TEST

/* ---- round trips ---- */

START_TEST(gzip_round_trip)
{
	static const char text[] = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	char *gz, *back;
	size_t len, n;

	ck_assert_ptr_nonnull(gz = gzip_bytes(text, strlen(text), &len));
	/* RFC 1952: 1f 8b, deflate (8), no flags, mtime 0 */
	ck_assert(len > 18 && (unsigned char)gz[0] == 0x1f && (unsigned char)gz[1] == 0x8b &&
	    gz[2] == 8 && gz[3] == 0 && gz[4] == 0 && gz[5] == 0 && gz[6] == 0 && gz[7] == 0);
	back = gunzip(gz, len, &n);
	ck_assert_uint_eq(n, strlen(text));
	ck_assert(memcmp(back, text, n) == 0);
	free(back);
	free(gz);
	/* the empty body too */
	ck_assert_ptr_nonnull(gz = gzip_bytes("", 0, &len));
	back = gunzip(gz, len, &n);
	ck_assert_uint_eq(n, 0);
	free(back);
	free(gz);
}
END_TEST

/* ---- a page's gzip body, in a daemon over the shipped data (as check_sitelinks) ---- */

static struct daemon dm;

static void
daemon_up(void)
{
	sitetest_up(&dm, 1794333600);	/* 2026-11-10T18:00:00Z */
}

static void
daemon_down(void)
{
	sitetest_down(&dm);
}

static const struct page *
get(const char *path)
{
	char *cause = NULL;
	const struct page *pg = site_get(&dm, path, &cause);

	ck_assert_msg(pg != NULL, "%s: %s", path, cause ? cause : "404");
	return pg;
}

START_TEST(page_gzip_is_its_body)
{
	static const char *const paths[] = { "/calendar.ics", "/rings/ring2.ics", "/", "/plan" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const struct page *pg = get(paths[i]);
		const char *gz, *again;
		size_t len, len2, n;
		char *back;

		ck_assert_msg((gz = site_body_gzip(pg, &len)) != NULL, "%s has no gzip", paths[i]);
		ck_assert_msg(len < pg->len, "%s: %zu >= %zu", paths[i], len, pg->len);
		back = gunzip(gz, len, &n);
		ck_assert_uint_eq(n, pg->len);
		ck_assert_msg(memcmp(back, pg->body, n) == 0, "%s differs", paths[i]);
		free(back);
		/* made once: the same bytes at the same address for this version */
		again = site_body_gzip(pg, &len2);
		ck_assert_ptr_eq(again, gz);
		ck_assert_uint_eq(len2, len);
	}
}
END_TEST

START_TEST(page_gzip_held_past_a_rebuild)
{
	const struct page *pg = get("/calendar.ics");
	size_t len, len2, n;
	const char *gz = site_body_gzip(pg, &len);
	void *hold = site_body_hold(pg);
	char *copy = xmalloc(len), *back, *body = xstrdup(pg->body);

	memcpy(copy, gz, len);
	dm.generation++;	/* the page is built again: a new version */
	pg = get("/calendar.ics");
	ck_assert_ptr_nonnull(site_body_gzip(pg, &len2));
	/* the held version's gzip is intact (ASan would see a use after free) */
	ck_assert(memcmp(copy, gz, len) == 0);
	back = gunzip(gz, len, &n);
	ck_assert(n == strlen(body) && memcmp(back, body, n) == 0);
	site_body_release(hold);
	free(back);
	free(copy);
	free(body);
}
END_TEST

START_TEST(health_is_not_compressed)
{
	size_t len;

	/* text/plain but a few bytes: sent as it is */
	ck_assert_ptr_null(site_body_gzip(get("/healthz"), &len));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("encoding");

	suite_add_tcase(s, tcase_of("pure", NULL, NULL, TESTS(
	    accept_encoding_cases,
	    accept_encoding_several_headers,
	    accept_encoding_huge,
	    worth_compressing,
	    gzip_etag_is_its_own,
	    gzip_round_trip)));
	suite_add_tcase(s, tcase_of("site", daemon_up, daemon_down, TESTS(
	    page_gzip_is_its_body,
	    page_gzip_held_past_a_rebuild,
	    health_is_not_compressed)));
	return run_suite(s);
}
