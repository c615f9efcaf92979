/*
 * check_exportheld: the held list hotpatchctl passes with export --stream.
 * Each list is written out here by hand, so what it holds is known without
 * the daemon; the malformed ones and the limits driven one past are what a
 * broken or hostile client could pass.
 */
#include "exportheld.h"
#include "proto.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* Parse text (len bytes): the code, and *why freed (or checked NULL on success). */
static int
parse(const char *text, size_t len, struct held *h, char **why)
{
	*why = NULL;
	return held_parse(text, len, h, why);
}

START_TEST(good_list)
{
	/* three files: a feed, its .gz (tag "gz" and the ETag), a page in a directory */
	static const char list[] =
	    "feeds/a.ics\t\"0123456789abcdef\"\n"
	    "feeds/a.ics.gz\tgz\"0123456789abcdef\"\n"
	    "os/win 11/index.html\t\"x\"\n";
	struct held h;
	char *why;

	ck_assert_int_eq(parse(list, sizeof(list) - 1, &h, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(h.n, 3);
	ck_assert_str_eq(held_tag(&h, "feeds/a.ics"), "\"0123456789abcdef\"");
	ck_assert_str_eq(held_tag(&h, "feeds/a.ics.gz"), "gz\"0123456789abcdef\"");
	ck_assert_str_eq(held_tag(&h, "os/win 11/index.html"), "\"x\"");
	ck_assert_ptr_null(held_tag(&h, "feeds/b.ics"));
	ck_assert_ptr_null(held_tag(&h, "feeds/a"));
	held_free(&h);
	ck_assert_ptr_null(held_tag(NULL, "feeds/a.ics"));
}
END_TEST

START_TEST(empty_list)
{
	struct held h;
	char *why;

	ck_assert_int_eq(parse("", 0, &h, &why), 0);
	ck_assert_uint_eq(h.n, 0);
	ck_assert_ptr_null(held_tag(&h, "a"));
	held_free(&h);
}
END_TEST

/* n lines "fK\tt\n" (K from 0); the list and its length in *len. */
static char *
lines(size_t n, size_t *len)
{
	char *s = xmalloc(n * 16 + 1);
	size_t at = 0;

	for (size_t i = 0; i < n; i++)
		at += (size_t)sprintf(s + at, "f%zu\tt\n", i);
	*len = at;
	return s;
}

START_TEST(lines_limit)
{
	struct held h;
	size_t len;
	char *why, *s = lines(HELD_MAX_LINES, &len);

	/* 1,048,576 lines: held, the last one too */
	ck_assert_int_eq(HELD_MAX_LINES, 1048576);
	ck_assert_int_eq(parse(s, len, &h, &why), 0);
	ck_assert_uint_eq(h.n, 1048576);
	ck_assert_str_eq(held_tag(&h, "f1048575"), "t");
	held_free(&h);
	free(s);
	/* one more: 413 */
	s = lines(HELD_MAX_LINES + 1, &len);
	ck_assert_int_eq(parse(s, len, &h, &why), PROTO_TOO_LARGE);
	ck_assert_str_eq(why, "the held list has more than 1048576 lines");
	free(why);
	free(s);
}
END_TEST

/* One line "NAME\tTAG\n" of exactly size bytes (name padded with 'n'). */
static char *
line_of(size_t size, size_t taglen)
{
	char *s = xmalloc(size + 1);
	size_t nlen = size - taglen - 2;

	memset(s, 'n', nlen);
	s[nlen] = '\t';
	memset(s + nlen + 1, 't', taglen);
	s[size - 1] = '\n';
	s[size] = '\0';
	return s;
}

START_TEST(bytes_limit)
{
	/* 32 MiB exactly: one name of 4095 bytes with a 255-byte tag is 4352 bytes; fill with those */
	size_t len = HELD_MAX_BYTES, unit = 4095 + 1 + 255 + 1, n = len / unit, at = 0;
	char *s = xmalloc(len + 2), *why;
	struct held h;

	ck_assert_int_eq(HELD_MAX_BYTES, 33554432);
	for (size_t i = 0; i < n; i++, at += unit) {
		/* a distinct name each: its first bytes are the number */
		memset(s + at, 'n', 4095);
		snprintf(s + at, 12, "%011zu", i);
		s[at + 11] = 'n';
		s[at + 4095] = '\t';
		memset(s + at + 4096, 't', 255);
		s[at + unit - 1] = '\n';
	}
	/* the rest (512 bytes): one line of exactly what is left, its tag "zzz" */
	ck_assert_uint_eq(len - at, 512);
	memset(s + at, 'z', len - at);
	s[len - 5] = '\t';
	s[len - 1] = '\n';
	ck_assert_int_eq(parse(s, len, &h, &why), 0);
	ck_assert_uint_eq(h.n, n + 1);
	held_free(&h);
	/* one byte more: 413, before any line is read */
	s[len] = '\n';
	ck_assert_int_eq(parse(s, len + 1, &h, &why), PROTO_TOO_LARGE);
	ck_assert_str_eq(why, "the held list is larger than 33554432 bytes");
	free(why);
	free(s);
}
END_TEST

START_TEST(longest_line)
{
	/* a name of 4095 bytes and a tag of 255: held; one more byte in either: 400 */
	char *s = line_of(4095 + 255 + 2, 255), *why;
	struct held h;

	ck_assert_int_eq(parse(s, strlen(s), &h, &why), 0);
	held_free(&h);
	free(s);
	s = line_of(4096 + 255 + 2, 255);
	ck_assert_int_eq(parse(s, strlen(s), &h, &why), PROTO_BAD_REQUEST);
	ck_assert_str_eq(why, "held list line 1: a name longer than 4095 bytes");
	free(why);
	free(s);
	s = line_of(4095 + 256 + 2, 256);
	ck_assert_int_eq(parse(s, strlen(s), &h, &why), PROTO_BAD_REQUEST);
	ck_assert_str_eq(why, "held list line 1: a tag longer than 255 bytes");
	free(why);
	free(s);
}
END_TEST

/* Every malformed list is refused whole (400), with the line that broke it. */
START_TEST(malformed_lists)
{
	static const struct { const char *list; size_t len; const char *why; } cases[] = {
		{ "a\tt\nb t\n", 0, "line 2: no tab between the name and the tag" },
		{ "\tt\n", 0, "line 1: an empty name" },
		{ "a\t\n", 0, "line 1: an empty tag" },
		{ "a\tt t\n", 0, "line 1: an empty tag or one with other than visible ASCII" },
		{ "a\tt\tu\n", 0, "line 1: an empty tag or one with other than visible ASCII" },
		{ "a\t\xc3\xa9\n", 0, "line 1: an empty tag or one with other than visible ASCII" },
		{ "a\rb\tt\n", 0, "line 1: a control character in the name" },
		{ "a\x7f\tt\n", 0, "line 1: a control character in the name" },
		{ "a\0b\tt\n", 6, "line 1: a NUL byte" },
		{ "a\tt\0\n", 5, "line 1: a NUL byte" },
		{ "a\tt\n\n", 0, "line 2: no tab" },
		{ "a\tt", 0, "line 1: no newline at its end" },
		{ "a\tt\nb\tu\na\tv\n", 0, "line 3: 'a' is listed twice" },
		{ "a\tt\r\n", 0, "line 1: an empty tag or one with other than visible ASCII" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].list);
		struct held h;
		char *why;

		ck_assert_msg(parse(cases[i].list, len, &h, &why) == PROTO_BAD_REQUEST,
		    "case %zu not refused with 400", i);
		ck_assert_msg(why != NULL && strstr(why, cases[i].why) != NULL,
		    "case %zu: '%s', want '%s'", i, why ? why : "(null)", cases[i].why);
		ck_assert_uint_eq(h.n, 0);
		ck_assert_ptr_null(h.buf);
		free(why);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("exportheld");

	suite_add_tcase(s, tcase_of("parse", NULL, NULL, TESTS(
	    good_list,
	    empty_list,
	    lines_limit,
	    bytes_limit,
	    longest_line,
	    malformed_lists)));
	return run_suite(s);
}
