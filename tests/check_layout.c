/*
 * check_layout: text fitted to a terminal's width.  Which columns a table
 * leaves out or shortens, the lines it wraps, the hint, and the width a
 * client asks for.  Every expected text is worked out by hand in the
 * comment above it.
 */
#include "layout.h"
#include "proto.h"
#include "table.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

#define A10	"aaaaaaaaaa"
#define B20	"bbbbbbbbbbbbbbbbbbbb"
#define C30	"cccccccccccccccccccccccccccccc"

/*
 * Three columns A, B and C whose widest cells are 10, 20 and 30
 * characters (the headers are shorter); A is never left out, C goes first.
 */
static struct table *
abc(enum table_fit c_fit, int c_min)
{
	const struct table_col cols[] = {
		{ "A", 0, TF_KEEP, 0, 0 },
		{ "B", 1, TF_KEEP, 0, 0 },
		{ "C", 2, c_fit, c_min, 0 },
	};
	struct table *t = table_new_cols(cols, 3);

	table_row(t, A10, B20, C30);
	return t;
}

/* t laid out at width, into *lo (fresh). */
static char *
laid(struct table *t, int width, struct layout *lo)
{
	*lo = (struct layout){ .width = width };
	return table_layout(t, lo);
}

START_TEST(a_table_that_fits_is_the_full_table)
{
	struct table *t = abc(TF_KEEP, 0);
	struct layout lo;
	char *full = table_render(t, false), *s;

	/* 10 + 2 + 20 + 2 + 30 = 64 characters: at 64 or wider, nothing changes. */
	ck_assert_str_eq(full,
	    "A           B                     C\n"
	    A10 "  " B20 "  " C30 "\n");
	s = laid(t, 64, &lo);
	ck_assert_str_eq(s, full);
	ck_assert_int_eq(lo.hidden + lo.cut, 0);
	ck_assert_ptr_null(layout_hint(&lo));
	free(s);
	s = laid(t, 0, &lo);
	ck_assert_str_eq(s, full);
	free(s);
	free(full);
	table_free(t);
}
END_TEST

START_TEST(the_least_important_column_goes_first)
{
	struct table *t = abc(TF_KEEP, 0);
	struct layout lo;
	char *s, *hint;

	/* 64 > 45: C (drop 2) goes; A and B are 10 + 2 + 20 = 32. */
	s = laid(t, 45, &lo);
	ck_assert_str_eq(s, "A           B\n" A10 "  " B20 "\n");
	ck_assert_int_eq(lo.hidden, 1);
	ck_assert_str_eq(lo.names, "C");
	hint = layout_hint(&lo);
	ck_assert_str_eq(hint, "hidden: C; --full shows all");
	free(hint);
	free(s);
	/* 32 is still too wide for 31: B (drop 1) goes too; A alone is 10. */
	s = laid(t, 31, &lo);
	ck_assert_str_eq(s, "A\n" A10 "\n");
	ck_assert_str_eq(lo.names, "B, C");
	free(s);
	/* A is never left out: at 9 its line is cut, 8 characters and "…". */
	s = laid(t, 9, &lo);
	ck_assert_str_eq(s, "A\naaaaaaaa…\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(shortening_comes_before_leaving_out)
{
	struct table *t = abc(TF_CUT, 10);
	struct layout lo;
	char *s;

	/*
	 * C may be cut to 10, so it can give 20 of the 64 - 45 = 19 needed:
	 * C is 30 - 19 = 11 wide, its first 10 characters and "…".
	 */
	s = laid(t, 45, &lo);
	ck_assert_str_eq(s,
	    "A           B                     C\n"
	    A10 "  " B20 "  " "cccccccccc…\n");
	ck_assert_int_eq(lo.hidden, 0);
	ck_assert_int_eq(lo.cut, 1);
	ck_assert_str_eq(lo.cut_names, "C");
	free(s);
	/* At 43, 21 are needed and C can give only 20: it goes, and nothing is cut. */
	s = laid(t, 43, &lo);
	ck_assert_str_eq(s, "A           B\n" A10 "  " B20 "\n");
	ck_assert_int_eq(lo.hidden, 1);
	ck_assert_int_eq(lo.cut, 0);
	free(s);
	table_free(t);
}
END_TEST

START_TEST(the_least_important_of_the_cuttable_is_cut_first)
{
	const struct table_col cols[] = {
		{ "KEY", 0, TF_KEEP, 0, 0 },
		{ "X", 1, TF_CUT, 4, 0 },
		{ "Y", 2, TF_CUT, 4, 0 },
	};
	struct table *t = table_new_cols(cols, 3);
	struct layout lo;
	char *s;

	table_row(t, "k", "xxxxxxxx", "yyyyyyyy");
	/*
	 * 3 + 2 + 8 + 2 + 8 = 23; at 19, 4 must go: Y (drop 2) gives all 4
	 * (down to its 4) before X gives any.  At 16, 7: Y 4, then X 3.
	 */
	s = laid(t, 19, &lo);
	ck_assert_str_eq(s, "KEY  X         Y\nk    xxxxxxxx  yyy…\n");
	free(s);
	s = laid(t, 16, &lo);
	ck_assert_str_eq(s, "KEY  X      Y\nk    xxxx…  yyy…\n");
	ck_assert_str_eq(lo.cut_names, "X, Y");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(a_column_may_sit_one_space_from_its_neighbour)
{
	const struct table_col cols[] = {
		{ "ROW", 0, TF_KEEP, 0, 0 },
		{ "Jan", 2, TF_KEEP, 0, 0 },
		{ "Feb", 3, TF_KEEP, 0, 1 },
		{ "SUM", 1, TF_KEEP, 0, 0 },
	};
	struct table *t = table_new_cols(cols, 4);
	struct layout lo;
	char *s;

	table_row(t, "r1", "B 01/12", "H 02/09", "4");
	/*
	 * 3 + 2 + 7 + 1 + 7 + 2 + 3 = 25 in full; at 24 Feb (drop 3) goes and
	 * SUM comes two after Jan: 3 + 2 + 7 + 2 + 3 = 17.
	 */
	s = table_render(t, false);
	ck_assert_str_eq(s, "ROW  Jan     Feb      SUM\nr1   B 01/12 H 02/09  4\n");
	free(s);
	s = laid(t, 24, &lo);
	ck_assert_str_eq(s, "ROW  Jan      SUM\nr1   B 01/12  4\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(a_value_wraps_under_itself)
{
	static const struct table_col kv[] = {
		{ NULL, 0, TF_KEEP, 0, 0 },
		{ NULL, 0, TF_WRAP, 4, 0 },
	};
	struct table *t = table_new_cols(kv, 2);
	struct layout lo;
	char *s;

	table_row(t, "key", "one two three");
	table_row(t, "k2", "abcdefghij");
	/*
	 * No header row.  At 12 the value is 12 - 3 - 2 = 7 wide: "one two"
	 * then "three" under it; "abcdefghij" has no space and is broken at 7.
	 * Nothing is hidden or cut: wrapping loses nothing.
	 */
	s = laid(t, 12, &lo);
	ck_assert_str_eq(s,
	    "key  one two\n"
	    "     three\n"
	    "k2   abcdefg\n"
	    "     hij\n");
	ck_assert_int_eq(lo.hidden + lo.cut, 0);
	free(s);
	table_free(t);
}
END_TEST

START_TEST(colour_is_kept_and_takes_no_width)
{
	const struct table_col cols[] = {
		{ "KIND", 0, TF_KEEP, 0, 0 },
		{ "NOTE", 1, TF_CUT, 2, 0 },
	};
	struct table *t = table_new_cols(cols, 2);
	struct layout lo = { .color = true, .width = 12 };
	char *s;

	table_row(t, "baseline", "abcdef");
	/*
	 * 8 + 2 + 6 = 16; at 12 NOTE is 2 wide, its first character and "…";
	 * the escapes count nothing.
	 */
	s = table_layout(t, &lo);
	ck_assert_str_eq(s, "KIND      N…\n\033[33mbaseline\033[0m  a…\n");
	ck_assert_uint_eq(layout_width("\033[33mbaseline\033[0m  a…", strlen(
	    "\033[33mbaseline\033[0m  a…")), 12);
	free(s);
	table_free(t);
}
END_TEST

START_TEST(other_lines_wrap_and_the_hint_comes_last)
{
	struct layout lo = { .width = 20 };
	char *s;

	/*
	 * "alpha beta gamma delta" is 22: "alpha beta gamma" (16) fits, "delta"
	 * goes on, two in.  "  x" keeps its indent; its continuation is four in.
	 */
	s = layout_finish(xstrdup("alpha beta gamma delta\nshort\n  x yyyyyyyy zzzzzzzzzz\n"), &lo);
	ck_assert_str_eq(s,
	    "alpha beta gamma\n"
	    "  delta\n"
	    "short\n"
	    "  x yyyyyyyy\n"
	    "    zzzzzzzzzz\n");
	free(s);
	/*
	 * One hidden column: "hidden: KB" and "; --full shows all" are 28, too
	 * wide for 20, so the count; still 33, it is wrapped like any line.
	 */
	layout_note(&lo, "KB", true);
	layout_note(&lo, "KB", true);	/* the same column of a second table: once */
	ck_assert_int_eq(lo.hidden, 1);
	s = layout_finish(xstrdup("t\n"), &lo);
	ck_assert_str_eq(s, "t\n1 column hidden;\n  --full shows all\n");
	free(s);
	/* No width, or a feed: untouched. */
	lo = (struct layout){ .width = 0 };
	s = layout_finish(xstrdup("a line longer than twenty characters\n"), &lo);
	ck_assert_str_eq(s, "a line longer than twenty characters\n");
	free(s);
	lo = (struct layout){ .width = 20, .verbatim = true };
	s = layout_finish(xstrdup("BEGIN:VCALENDAR and more than twenty\n"), &lo);
	ck_assert_str_eq(s, "BEGIN:VCALENDAR and more than twenty\n");
	free(s);
}
END_TEST

START_TEST(the_hint_names_columns_when_they_fit)
{
	struct layout lo = { .width = 61 };
	char *s;

	layout_note(&lo, "TIMEZONE", true);
	layout_note(&lo, "NAME", true);
	layout_note(&lo, "HOTPATCH", false);
	s = layout_hint(&lo);
	/* 22 + 21 + 18 = 61 characters: fits 61. */
	ck_assert_str_eq(s, "hidden: TIMEZONE, NAME; shortened: HOTPATCH; --full shows all");
	free(s);
	/* At 40 the names do not fit: the counts. */
	lo.width = 40;
	s = layout_hint(&lo);
	ck_assert_str_eq(s, "2 columns hidden, 1 shortened; --full shows all");
	free(s);
	lo = (struct layout){ .width = 80 };
	layout_note(&lo, "NOTE", false);
	s = layout_hint(&lo);
	ck_assert_str_eq(s, "shortened: NOTE; --full shows all");
	free(s);
	lo.width = 20;
	s = layout_hint(&lo);
	ck_assert_str_eq(s, "1 column shortened; --full shows all");
	free(s);
}
END_TEST

START_TEST(the_client_asks_for_columns_then_the_terminal_in_range)
{
	/* Neither known: no width, the full text. */
	ck_assert_int_eq(proto_term_width(NULL, 0), 0);
	ck_assert_int_eq(proto_term_width("", 0), 0);
	/* $COLUMNS wins over the terminal's own size. */
	ck_assert_int_eq(proto_term_width("100", 80), 100);
	ck_assert_int_eq(proto_term_width(NULL, 132), 132);
	/* A bad $COLUMNS is ignored. */
	ck_assert_int_eq(proto_term_width("abc", 90), 90);
	ck_assert_int_eq(proto_term_width("0", 90), 90);
	ck_assert_int_eq(proto_term_width("-3", 90), 90);
	ck_assert_int_eq(proto_term_width("80x", 0), 0);
	/* Into 20..1000: a terminal narrower gets 20, a wider one 1000. */
	ck_assert_int_eq(proto_term_width("5", 0), PROTO_WIDTH_MIN);
	ck_assert_int_eq(proto_term_width(NULL, 19), 20);
	ck_assert_int_eq(proto_term_width("20", 0), 20);
	ck_assert_int_eq(proto_term_width("1000", 0), 1000);
	ck_assert_int_eq(proto_term_width("5000", 0), PROTO_WIDTH_MAX);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("layout");

	suite_add_tcase(s, tcase_of("fit", NULL, NULL, TESTS(a_table_that_fits_is_the_full_table,
	    the_least_important_column_goes_first, shortening_comes_before_leaving_out,
	    the_least_important_of_the_cuttable_is_cut_first,
	    a_column_may_sit_one_space_from_its_neighbour, a_value_wraps_under_itself,
	    colour_is_kept_and_takes_no_width, other_lines_wrap_and_the_hint_comes_last,
	    the_hint_names_columns_when_they_fit,
	    the_client_asks_for_columns_then_the_terminal_in_range)));
	return run_suite(s);
}
