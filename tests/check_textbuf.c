/*
 * check_textbuf: the growing string pages, feeds and replies are built in.
 * Whatever the pieces, the bytes are those of one concatenation, made here
 * by hand with memcpy into a buffer of the right size; the sizes cross the
 * buffer's growth (its first 64 bytes and each doubling) on both sides.
 */
#include "testutil.h"
#include "textbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* c repeated n times, allocated. */
static char *
run_of(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* The length, the NUL after it, and room for it: what every append keeps. */
static void
assert_sound(const struct textbuf *b, const char *want, size_t len)
{
	ck_assert_ptr_nonnull(b->s);
	ck_assert_uint_eq(b->len, len);
	ck_assert_uint_eq(strlen(b->s), len);
	ck_assert_uint_gt(b->cap, len);
	ck_assert_int_eq(memcmp(b->s, want, len + 1), 0);
}

START_TEST(nothing_added_is_null_and_an_empty_piece_is_the_empty_string)
{
	struct textbuf b = { 0 };

	ck_assert_ptr_null(b.s);
	textbuf_printf(&b, "%s", "");
	assert_sound(&b, "", 0);
	free(b.s);
}
END_TEST

/*
 * A prefix of p bytes ('a') and then one printf piece of m bytes ('b'), for
 * every p and m up to 140: each append lands before, on and after the first
 * 64 bytes and the 128 of the first doubling, and the printf that does not
 * fit the room left formats again into the grown buffer.  Then n spaces.
 */
START_TEST(pieces_across_the_growth_boundaries_are_the_concatenation)
{
	enum { MAX = 140 };
	char want[2 * MAX + 8 + 1];

	for (size_t p = 0; p <= MAX; p++) {
		for (size_t m = 0; m <= MAX; m++) {
			struct textbuf b = { 0 };
			char *pre = run_of('a', p), *piece = run_of('b', m);

			textbuf_add(&b, pre, p);
			textbuf_printf(&b, "%s", piece);
			memcpy(want, pre, p);
			memcpy(want + p, piece, m + 1);
			assert_sound(&b, want, p + m);
			textbuf_pad(&b, 8);
			memcpy(want + p + m, "        ", 9);
			assert_sound(&b, want, p + m + 8);
			free(pre);
			free(piece);
			free(b.s);
		}
	}
}
END_TEST

/*
 * 20,000 formatted pieces ("<li id=\"n-I\">I</li>\n", a number of 1 to 5
 * digits twice, so their lengths vary) are the bytes of the same pieces
 * copied one after the other into one buffer.
 */
START_TEST(many_pieces_are_one_concatenation)
{
	enum { N = 20000 };
	struct textbuf b = { 0 };
	size_t len = 0, room = (size_t)N * 40;
	char *want = xmalloc(room), piece[64];

	for (int i = 0; i < N; i++) {
		int n = snprintf(piece, sizeof(piece), "<li id=\"n-%d\">%d</li>\n", i, i);

		textbuf_printf(&b, "<li id=\"n-%d\">%d</li>\n", i, i);
		memcpy(want + len, piece, (size_t)n);
		len += (size_t)n;
	}
	want[len] = '\0';
	/* 10 one-digit, 90 two-digit, 900, 9000 and 10000 five-digit: 18 + 2 * digits each */
	ck_assert_uint_eq(len, 10 * 20 + 90 * 22 + 900 * 24 + 9000 * 26 + 10000 * 28);
	assert_sound(&b, want, len);
	free(want);
	free(b.s);
}
END_TEST

START_TEST(a_buffer_takes_over_an_allocated_string)
{
	struct textbuf b = textbuf_of(xstrdup("usage: x\n"));
	struct textbuf e = textbuf_of(NULL);

	textbuf_printf(&b, "%s %d\n", "global options:", 3);
	assert_sound(&b, "usage: x\nglobal options: 3\n", 27);
	ck_assert_ptr_null(e.s);
	textbuf_add(&e, "ab", 2);
	assert_sound(&e, "ab", 2);
	free(b.s);
	free(e.s);
}
END_TEST

/* Room reserved once is used as it is: the text is not moved while it fits. */
START_TEST(reserved_room_takes_the_pieces_in_place)
{
	struct textbuf b = { 0 };
	char *at, *all = run_of('x', 1000);

	textbuf_reserve(&b, 1000);
	assert_sound(&b, "", 0);
	at = b.s;
	for (int i = 0; i < 10; i++)
		textbuf_add(&b, all, 100);
	assert_sound(&b, all, 1000);
	ck_assert_ptr_eq(b.s, at);
	textbuf_reserve(&b, 0);	/* room enough: nothing to do */
	ck_assert_ptr_eq(b.s, at);
	free(b.s);
	free(all);
	/* large enough for huge pages (malloc_huge): the same text */
	b = (struct textbuf){ 0 };
	all = run_of('y', 9 << 20);
	textbuf_reserve(&b, 9 << 20);
	assert_sound(&b, "", 0);
	at = b.s;
	textbuf_add(&b, all, 9 << 20);
	assert_sound(&b, all, 9 << 20);
	ck_assert_ptr_eq(b.s, at);
	textbuf_add(&b, "z", 1);	/* past the room: grown as ever */
	ck_assert_uint_eq(b.len, (9 << 20) + 1);
	ck_assert_int_eq(b.s[9 << 20], 'z');
	free(b.s);
	free(all);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("textbuf");

	suite_add_tcase(s, tcase_of("build", NULL, NULL, TESTS(
	    nothing_added_is_null_and_an_empty_piece_is_the_empty_string,
	    pieces_across_the_growth_boundaries_are_the_concatenation,
	    many_pieces_are_one_concatenation, a_buffer_takes_over_an_allocated_string,
	    reserved_room_takes_the_pieces_in_place)));
	return run_suite(s);
}
