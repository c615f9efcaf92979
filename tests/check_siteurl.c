/*
 * check_siteurl: the site's address in absolute links: http.public_url,
 * the Host header, and the index built once with a mark and expanded per
 * address.  Expected answers are written out by hand; the expansion is
 * checked against the index page built directly for the same address.
 */
#include "pages.h"
#include "siteurl.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

/* ---- public_url ---- */

START_TEST(public_url_normalises_scheme_host_and_trailing_slash)
{
	static const char *const ok[][2] = {
		{ "https://cal.example.org/hotpatch", "https://cal.example.org/hotpatch" },
		{ "HTTPS://CAL.Example.org/HotPatch/", "https://cal.example.org/HotPatch" },
		{ "http://cal.example.org///", "http://cal.example.org" },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
		{ "http://[::1]:8080/x", "http://[::1]:8080/x" },
		{ "http://[2001:DB8::1]/", "http://[2001:db8::1]" },
		{ "https://cal.example.org/a%20b/c-d.e_f~g", "https://cal.example.org/a%20b/c-d.e_f~g" },
		{ "https://cal.example.org:65535/", "https://cal.example.org:65535" },
		{ "https://a:1", "https://a:1" },
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		char *out = NULL, *cause = NULL;

		ck_assert_msg(siteurl_parse(ok[i][0], &out, &cause) == 0, "%s: %s", ok[i][0], cause);
		ck_assert_str_eq(out, ok[i][1]);
		free(out);
	}
}
END_TEST

START_TEST(public_url_refusals_say_why_without_quoting_the_value)
{
	static const char *const bad[][2] = {
		{ "ftp://x", "must start with http:// or https://" },
		{ "//cal.example.org", "must start with http:// or https://" },
		{ "javascript:alert(1)", "must start with http:// or https://" },
		{ "http://", "has no valid host" },
		{ "http://:8080", "has no valid host" },
		{ "http://cal.example.org:", "has no valid host" },
		{ "http://cal.example.org:0", "has no valid host" },
		{ "http://cal.example.org:65536", "has no valid host" },
		{ "http://cal.example.org:80:80", "has no valid host" },
		{ "http://cal.example.org:+80", "has no valid host" },
		{ "http://999.1.1.1/", "has no valid host" },
		{ "http://1.2.3/", "has no valid host" },
		{ "http://-cal.example.org", "has no valid host" },
		{ "http://.cal.example.org", "has no valid host" },
		{ "http://cal..example.org", "has no valid host" },
		{ "http://[::1", "has no valid host" },
		{ "http://[zz::1]/", "has no valid host" },
		{ "http://[127.0.0.1]/", "has no valid host" },
		{ "http://::1/", "has no valid host" },
		{ "http://cal.example.org%2F/", "has no valid host" },
		{ "http://u:p@cal.example.org/", "has a user name or password" },
		{ "http://cal.example.org/?x", "has a query" },
		{ "http://cal.example.org/#x", "has a fragment" },
		{ "http://cal.example.org/a b", "has a space or a control character" },
		{ "http://cal.example.org/a\tb", "has a space or a control character" },
		{ "http://cal.example.org/\x7f", "has a space or a control character" },
		{ "http://cal.example.org/\xc3\xa9", "has a non-ASCII character" },
		{ "http://cal.example.org/a//b", "has an empty path segment" },
		{ "http://cal.example.org/./b", "has a '.' or '..' path segment" },
		{ "http://cal.example.org/a/..", "has a '.' or '..' path segment" },
		{ "http://cal.example.org/a\"b", "has a character in its path" },
		{ "http://cal.example.org/<b>", "has a character in its path" },
		{ "http://cal.example.org/a&b", "has a character in its path" },
		{ "http://cal.example.org/a;b", "has a character in its path" },
		{ "http://cal.example.org/a,b", "has a character in its path" },
		{ "http://cal.example.org/a%", "has a '%' that is not followed by two hex digits" },
		{ "http://cal.example.org/a%4", "has a '%' that is not followed by two hex digits" },
		{ "http://cal.example.org/a%zz", "has a '%' that is not followed by two hex digits" },
		{ "http://cal.example.org/a%00", "has an escaped control character" },
		{ "http://cal.example.org/a%1f", "has an escaped control character" },
		{ "http://cal.example.org/a%7F", "has an escaped control character" },
	};

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *out = NULL, *cause = NULL;

		ck_assert_msg(siteurl_parse(bad[i][0], &out, &cause) == -1, "%s accepted",
		    bad[i][0]);
		ck_assert_ptr_null(out);
		ck_assert_msg(strncmp(cause, "the public URL ", 15) == 0 &&
		    strncmp(cause + 15, bad[i][1], strlen(bad[i][1])) == 0,
		    "%s: cause '%s', want '%s'", bad[i][0], cause, bad[i][1]);
		ck_assert_ptr_null(strstr(cause, "cal.example.org"));
		free(cause);
	}
}
END_TEST

/* SITEURL_MAX bytes pass, one more does not; a host of SITEURL_HOST_MAX bytes passes. */
START_TEST(public_url_limits_are_512_bytes_and_a_255_byte_host)
{
	char url[SITEURL_MAX + 2], *out = NULL, *cause = NULL;

	memcpy(url, "https://", 8);
	memset(url + 8, 'h', SITEURL_HOST_MAX);
	url[8 + SITEURL_HOST_MAX] = '\0';
	ck_assert_int_eq(siteurl_parse(url, &out, &cause), 0);
	free(out);
	url[8 + SITEURL_HOST_MAX] = 'h';
	url[8 + SITEURL_HOST_MAX + 1] = '\0';
	ck_assert_int_eq(siteurl_parse(url, &out, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "has no valid host"));
	free(cause);

	memcpy(url, "https://cal.example.org/", 24);
	memset(url + 24, 'p', SITEURL_MAX - 24);
	url[SITEURL_MAX] = '\0';
	ck_assert_int_eq(siteurl_parse(url, &out, &cause), 0);
	ck_assert_uint_eq(strlen(out), SITEURL_MAX);
	free(out);
	url[SITEURL_MAX] = 'p';
	url[SITEURL_MAX + 1] = '\0';
	ck_assert_int_eq(siteurl_parse(url, &out, &cause), -1);
	ck_assert_str_eq(cause, "the public URL is longer than 512 bytes (expected "
	    "http(s)://HOST[:PORT][/PREFIX])");
	free(cause);
}
END_TEST

/* ---- the Host header ---- */

START_TEST(host_header_gives_an_http_address_in_lower_case)
{
	static const char *const ok[][2] = {
		{ "cal.example.org", "http://cal.example.org" },
		{ "Cal.Example.ORG:8443", "http://cal.example.org:8443" },
		{ "localhost", "http://localhost" },
		{ "127.0.0.1:80", "http://127.0.0.1:80" },
		{ "[::1]:8080", "http://[::1]:8080" },
		{ "[FE80::1]", "http://[fe80::1]" },
		{ "intranet_1", "http://intranet_1" },
		{ "x", "http://x" },
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		char *base = siteurl_from_host(ok[i][0]);

		ck_assert_msg(base != NULL, "%s refused", ok[i][0]);
		ck_assert_str_eq(base, ok[i][1]);
		free(base);
	}
}
END_TEST

START_TEST(host_header_that_is_not_host_and_port_is_refused)
{
	static const char *const bad[] = {
		"", " ", "a b", "x\"><script>alert(1)</script>", "x'y", "x<y", "x&y",
		"javascript:alert(1)", "data:text/html,x", "host:", "host:0", "host:65536",
		"host:99999", "host:8080:1", "host:-1", "[::1", "::1", "[::1]x", "[::1]:",
		"user@host", "host/path", "host?x", "host#x", "a\r\nb", "a\tb", "host\x7f",
		"caf\xc3\xa9.example", "-host", ".host", "a..b", "1.2.3.256", "%68ost",
	};
	char big[SITEURL_HOST_MAX + 2], *base;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		base = siteurl_from_host(bad[i]);
		ck_assert_msg(base == NULL, "'%s' gave %s", bad[i], base);
	}
	/* 255 bytes in all pass, 256 do not. */
	memset(big, 'h', SITEURL_HOST_MAX);
	big[SITEURL_HOST_MAX] = '\0';
	base = siteurl_from_host(big);
	ck_assert_ptr_nonnull(base);
	free(base);
	memcpy(big + SITEURL_HOST_MAX - 3, ":80", 4);
	base = siteurl_from_host(big);
	ck_assert_ptr_nonnull(base);
	free(base);
	big[SITEURL_HOST_MAX] = '0';
	big[SITEURL_HOST_MAX + 1] = '\0';
	ck_assert_ptr_null(siteurl_from_host(big));
}
END_TEST

/* ---- expansion ---- */

static char *
expand(const char *tmpl, const char *base)
{
	size_t n;
	char *s = siteurl_expand(tmpl, strlen(tmpl), base, &n);

	ck_assert_uint_eq(n, strlen(s));
	return s;
}

START_TEST(expansion_puts_the_address_where_the_marks_are)
{
	const char *tmpl = "<a href=\"http://\x01/plan\">plan</a>"
	    "<a href=\"webcal://\x01/rings/a.ics\">sub</a><input value=\"http://\x01/rings/a.ics\">";
	char *s;

	s = expand(tmpl, "https://cal.example.org/hp");
	ck_assert_str_eq(s, "<a href=\"https://cal.example.org/hp/plan\">plan</a>"
	    "<a href=\"webcal://cal.example.org/hp/rings/a.ics\">sub</a>"
	    "<input value=\"https://cal.example.org/hp/rings/a.ics\">");
	free(s);
	s = expand(tmpl, "http://[::1]:8080");
	ck_assert_str_eq(s, "<a href=\"http://[::1]:8080/plan\">plan</a>"
	    "<a href=\"webcal://[::1]:8080/rings/a.ics\">sub</a>"
	    "<input value=\"http://[::1]:8080/rings/a.ics\">");
	free(s);
	/* No address known: links relative to the site's root. */
	s = expand(tmpl, "");
	ck_assert_str_eq(s, "<a href=\"plan\">plan</a><a href=\"rings/a.ics\">sub</a>"
	    "<input value=\"rings/a.ics\">");
	free(s);
}
END_TEST

START_TEST(expansion_keeps_other_text_and_escapes_the_address)
{
	char *s;

	/* A \x01 that is not a mark stays; a text without marks is copied. */
	s = expand("a\x01 b http:/\x01 \x01", "http://h");
	ck_assert_str_eq(s, "a\x01 b http:/\x01 \x01");
	free(s);
	s = expand("", "http://h");
	ck_assert_str_eq(s, "");
	free(s);
	/* The checks let no special through; were one to come, it is escaped. */
	s = expand("<a href=\"http://\x01/\">", "http://a\"b&<c>'");
	ck_assert_str_eq(s, "<a href=\"http://a&quot;b&amp;&lt;c&gt;&#39;/\">");
	free(s);
}
END_TEST

/* The index built once with the mark and expanded is the index built for the address. */
START_TEST(expanded_index_is_the_index_built_for_that_address)
{
	json_t *feeds = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]",
	    "path", "/calendar.ics", "title", "Every OS", "description", "all of them",
	    "path", "/rings/ring2.ics", "title", "Ring 2 <b>", "description", "a \"ring\"");
	const char *bases[] = { "https://cal.example.org/hotpatch", "http://127.0.0.1:8080",
	    "http://[::1]:8443" };
	char *tmpl = page_index(feeds, NULL, SITEURL_MARK);

	for (size_t i = 0; i < ARRAY_LEN(bases); i++) {
		char *direct = page_index(feeds, NULL, bases[i]), *got = expand(tmpl, bases[i]);

		ck_assert_str_eq(got, direct);
		ck_assert_ptr_null(strchr(got, '\x01'));
		free(direct);
		free(got);
	}
	free(tmpl);
	json_decref(feeds);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("siteurl");

	suite_add_tcase(s, tcase_of("public_url", NULL, NULL, TESTS(
	    public_url_normalises_scheme_host_and_trailing_slash,
	    public_url_refusals_say_why_without_quoting_the_value,
	    public_url_limits_are_512_bytes_and_a_255_byte_host)));
	suite_add_tcase(s, tcase_of("host", NULL, NULL, TESTS(
	    host_header_gives_an_http_address_in_lower_case,
	    host_header_that_is_not_host_and_port_is_refused)));
	suite_add_tcase(s, tcase_of("expand", NULL, NULL, TESTS(
	    expansion_puts_the_address_where_the_marks_are,
	    expansion_keeps_other_text_and_escapes_the_address,
	    expanded_index_is_the_index_built_for_that_address)));
	return run_suite(s);
}
