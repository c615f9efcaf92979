/*
 * check_exportstream: reading export --stream replies.  Each body is
 * written out by hand here (the JSON index, a newline, the bytes), so the
 * expected files are known without the daemon; the malformed ones are the
 * catalogue of what a broken or hostile daemon could send.
 */
#include "exportstream.h"
#include "testutil.h"

#include <string.h>

/* Read body; on success check n files. */
static int
read_body(const char *body, size_t len, struct xfile **x, size_t *n, json_t **j, char **why)
{
	*why = NULL;
	return export_stream_read(body, len, j, x, n, why);
}

START_TEST(two_files_one_gzip)
{
	/* a.ics: "ABC" (3) then its gzip "gz" (2); b.html: "hello" (5), no gzip. */
	static const char body[] =
	    "{\"files\": [{\"file\": \"a.ics\", \"bytes\": 3, \"etag\": \"\\\"0123456789abcdef\\\"\", "
	    "\"gzip\": 2}, {\"file\": \"d/b.html\", \"bytes\": 5, \"etag\": \"\\\"x\\\"\"}]}\n"
	    "ABCgzhello";
	struct xfile *x;
	size_t n;
	json_t *j;
	char *why;

	ck_assert_int_eq(read_body(body, sizeof(body) - 1, &x, &n, &j, &why), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(x[0].name, "a.ics");
	ck_assert_str_eq(x[0].etag, "\"0123456789abcdef\"");
	ck_assert_uint_eq(x[0].len, 3);
	ck_assert(memcmp(x[0].data, "ABC", 3) == 0);
	ck_assert_uint_eq(x[0].gzlen, 2);
	ck_assert(memcmp(x[0].gz, "gz", 2) == 0);
	ck_assert_str_eq(x[1].name, "d/b.html");
	ck_assert_uint_eq(x[1].len, 5);
	ck_assert(memcmp(x[1].data, "hello", 5) == 0);
	ck_assert_ptr_null(x[1].gz);
	free(x);
	json_decref(j);
}
END_TEST

/* A body of one file, read: that file's length and bytes are want (wlen bytes). */
static void
one_file(const char *body, size_t len, const char *want, size_t wlen)
{
	struct xfile *x;
	size_t n;
	json_t *j;
	char *why;

	ck_assert_int_eq(read_body(body, len, &x, &n, &j, &why), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(x[0].len, wlen);
	ck_assert(memcmp(x[0].data, want, wlen) == 0);
	free(x);
	json_decref(j);
}

START_TEST(indented_index_and_binary_bytes)
{
	/* The daemon indents its JSON; the bytes after it may hold braces, NULs and newlines. */
	static const char body[] =
	    "{\n  \"files\": [\n    {\n      \"file\": \"x.ics\",\n      \"bytes\": 4,\n"
	    "      \"etag\": \"\\\"e\\\"\"\n    }\n  ]\n}\n"
	    "}\n\0{";

	one_file(body, sizeof(body) - 1, "}\n\0{", 4);
}
END_TEST

START_TEST(empty_file)
{
	static const char body[] = "{\"files\": [{\"file\": \"e.txt\", \"bytes\": 0, \"etag\": \"\\\"z\\\"\"}]}\n";

	one_file(body, sizeof(body) - 1, "", 0);
}
END_TEST

START_TEST(same_files_without_bytes)
{
	/*
	 * a.ics held whole: no bytes; b.ics held but not its .gz: gzip 2 bytes
	 * "gz"; c.ics sent, its .gz held: 3 bytes "CCC".  What follows is 5 bytes.
	 */
	static const char body[] =
	    "{\"files\": [{\"file\": \"a.ics\", \"etag\": \"e\", \"same\": true, \"gzip_same\": true}, "
	    "{\"file\": \"b.ics\", \"etag\": \"f\", \"same\": true, \"gzip\": 2}, "
	    "{\"file\": \"c.ics\", \"etag\": \"g\", \"bytes\": 3, \"same\": false, \"gzip_same\": true}]}\n"
	    "gzCCC";
	struct xfile *x;
	size_t n;
	json_t *j;
	char *why;

	ck_assert_int_eq(read_body(body, sizeof(body) - 1, &x, &n, &j, &why), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert(x[0].same && x[0].gz_same);
	ck_assert_ptr_null(x[0].data);
	ck_assert_ptr_null(x[0].gz);
	ck_assert(x[1].same && !x[1].gz_same);
	ck_assert_ptr_null(x[1].data);
	ck_assert_uint_eq(x[1].gzlen, 2);
	ck_assert(memcmp(x[1].gz, "gz", 2) == 0);
	ck_assert(!x[2].same && x[2].gz_same);
	ck_assert_uint_eq(x[2].len, 3);
	ck_assert(memcmp(x[2].data, "CCC", 3) == 0);
	ck_assert_ptr_null(x[2].gz);
	free(x);
	json_decref(j);
}
END_TEST

/* Every malformed body is refused with a reason, and nothing is handed out. */
START_TEST(malformed_streams)
{
	static const struct { const char *body; const char *why; } cases[] = {
		{ "", "not JSON" },
		{ "not json", "not JSON" },
		{ "{\"files\": [", "not JSON" },
		/* no newline between the index and the bytes */
		{ "{\"files\": []}ABC", "no newline" },
		{ "{\"files\": []}", "no newline" },
		{ "{\"nofiles\": []}\n", "no list of files" },
		{ "{\"files\": {}}\n", "no list of files" },
		{ "[1]\n", "no list of files" },
		/* sizes: missing, negative, not integers, past the end (by one, and huge) */
		{ "{\"files\": [{\"file\": \"a\", \"etag\": \"e\"}]}\n", "size is missing" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": -1, \"etag\": \"e\"}]}\n", "size is missing" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": \"3\", \"etag\": \"e\"}]}\nabc", "size is missing" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": 1.5, \"etag\": \"e\"}]}\nab", "size is missing" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": 4, \"etag\": \"e\"}]}\nabc", "past the end" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": 9223372036854775807, \"etag\": \"e\"}]}\nabc",
		  "past the end" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": 1, \"etag\": \"e\", \"gzip\": 3}]}\nabc",
		  "gzip size" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": 1, \"etag\": \"e\", \"gzip\": null}]}\nab",
		  "gzip size" },
		/* bytes left over: a size too small */
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": 2, \"etag\": \"e\"}]}\nabc", "bytes left" },
		/* names and ETags must be strings */
		{ "{\"files\": [{\"bytes\": 0, \"etag\": \"e\"}]}\n", "without its name" },
		{ "{\"files\": [{\"file\": 7, \"bytes\": 0, \"etag\": \"e\"}]}\n", "without its name" },
		{ "{\"files\": [{\"file\": \"a\", \"bytes\": 0}]}\n", "without its name or ETag" },
		{ "{\"files\": [\"a\"]}\n", "without its name" },
		/* same: a boolean, and never with a size or bytes */
		{ "{\"files\": [{\"file\": \"a\", \"etag\": \"e\", \"same\": 1}]}\n", "not a boolean" },
		{ "{\"files\": [{\"file\": \"a\", \"etag\": \"e\", \"bytes\": 0, \"gzip_same\": \"yes\"}]}\n",
		  "not a boolean" },
		{ "{\"files\": [{\"file\": \"a\", \"etag\": \"e\", \"same\": true, \"bytes\": 1}]}\nx",
		  "same files come without bytes" },
		{ "{\"files\": [{\"file\": \"a\", \"etag\": \"e\", \"same\": true, \"gzip_same\": true, "
		  "\"gzip\": 1}]}\nx", "same files come without bytes" },
		/* same with bytes after it anyway: left over */
		{ "{\"files\": [{\"file\": \"a\", \"etag\": \"e\", \"same\": true}]}\nx", "bytes left" },
		/* not same and no size: as before */
		{ "{\"files\": [{\"file\": \"a\", \"etag\": \"e\", \"same\": false}]}\n", "size is missing" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xfile *x = (void *)1;
		size_t n = 99;
		json_t *j = NULL;
		char *why;

		ck_assert_msg(read_body(cases[i].body, strlen(cases[i].body), &x, &n, &j, &why) < 0,
		    "case %zu accepted", i);
		ck_assert_msg(why != NULL && strstr(why, cases[i].why) != NULL,
		    "case %zu: '%s', want '%s'", i, why ? why : "(null)", cases[i].why);
		ck_assert_ptr_null(x);
		ck_assert_uint_eq(n, 0);
		free(why);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("exportstream");

	suite_add_tcase(s, tcase_of("read", NULL, NULL, TESTS(
	    two_files_one_gzip,
	    indented_index_and_binary_bytes,
	    empty_file,
	    same_files_without_bytes,
	    malformed_streams)));
	return run_suite(s);
}
