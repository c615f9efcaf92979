/*
 * check_fingerprint: the fingerprint a start compares with the store's to
 * know the calendar and ring files unchanged.  The hash's answers come from
 * tests/fphash_oracle.py, which computes it again from its description; the
 * rest checks that what a start reads (sources_fingerprint, one buffer) is
 * what an import records (sources_read), and that an edit of any kind moves it.
 */
#include "fingerprint.h"
#include "sources.h"
#include "testutil.h"
#include "util.h"
#include "yamltree.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(hash_matches_the_oracle)
{
	/* python3 tests/fphash_oracle.py: one vector per tail length that matters. */
	static const struct {
		const char	*in;
		size_t		 len;
		uint64_t	 want;
	} v[] = {
		{ "", 0, 0xb7fa918022064f81ULL },
		{ "a", 1, 0x0ec416ed72317992ULL },
		{ "abcdefg", 7, 0x50d0b4ad446f5ed4ULL },
		{ "abcdefgh", 8, 0x9f77352675302858ULL },
		{ "abcdefghi", 9, 0x266798ef9b9034caULL },
		{ "ring: default\nring: default\nring: default\n", 42, 0x73c71c1adc35957dULL },
	};
	unsigned char all[256];

	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		ck_assert_msg(fp_hash(v[i].in, v[i].len) == v[i].want, "vector %zu", i);
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	ck_assert(fp_hash(all, sizeof(all)) == 0xd20d98448cee758aULL);
}
END_TEST

START_TEST(every_one_bit_edit_and_a_trailing_zero_change_the_hash)
{
	unsigned char b[21] = "blackouts: [2027-01]";
	uint64_t seen[8 * sizeof(b) + 1];
	size_t n = 0;

	seen[n++] = fp_hash(b, sizeof(b));
	for (size_t bit = 0; bit < 8 * sizeof(b); bit++) {
		b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		seen[n++] = fp_hash(b, sizeof(b));
		b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	/* All 169 differ from each other, the unedited one included. */
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			ck_assert_msg(seen[i] != seen[k], "%zu and %zu", i, k);
	/* The tail is padded with zeros: its length keeps "a" and "a\0" apart. */
	ck_assert(fp_hash("a", 1) != fp_hash("a\0", 2));
	ck_assert(fp_hash("", 0) != fp_hash("\0", 1));
}
END_TEST

/* A scratch calendar and ring directory. */
static char dir[] = "/tmp/check_fingerprint.XXXXXX";
static char *cal, *sched;

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert(fputs(text, f) >= 0);
	ck_assert(fclose(f) == 0);
}

static char *
in(const char *base, const char *name)
{
	char *p;

	ck_assert(asprintf(&p, "%s/%s", base, name) >= 0);
	return p;
}

static void
make_files(void)
{
	char *a, *b;

	ck_assert(mkdtemp(dir) != NULL);
	cal = in(dir, "calendar.yaml");
	sched = in(dir, "schedules");
	ck_assert(mkdir(sched, 0755) == 0);
	put(cal, "os: []\n");
	a = in(sched, "a.yaml");
	b = in(sched, "b.yaml");
	put(a, "rings:\n  - id: ring-a\n");
	put(b, "rings:\n  - id: ring-b\n");
	free(a);
	free(b);
}

static void
remove_files(void)
{
	char *cmd;

	ck_assert(asprintf(&cmd, "rm -rf '%s'", dir) >= 0);
	ck_assert(system(cmd) == 0);
	free(cmd);
	free(cal);
	free(sched);
	strcpy(dir + strlen(dir) - 6, "XXXXXX");
}

/* sources_fingerprint of the scratch files; it must equal what sources_read records. */
static void
both(char out[FP_HEX_LEN])
{
	struct sources s;
	struct diags d = { 0 };

	ck_assert_int_eq(sources_fingerprint(cal, sched, out), 0);
	ck_assert_int_eq(sources_read(cal, sched, &s, &d), 0);
	ck_assert_str_eq(out, s.fingerprint);
	sources_free(&s);
	diags_free(&d);
}

START_TEST(a_start_reads_the_fingerprint_an_import_records)
{
	char one[FP_HEX_LEN], two[FP_HEX_LEN];

	both(one);
	both(two);
	ck_assert_str_eq(one, two);
	ck_assert_int_eq((int)strlen(one), 16);
}
END_TEST

/* The fingerprint after edit(), which must differ from the one before. */
static void
moved_by(void (*edit)(void), const char *what)
{
	char before[FP_HEX_LEN], after[FP_HEX_LEN];

	both(before);
	edit();
	both(after);
	ck_assert_msg(strcmp(before, after) != 0, "%s left the fingerprint at %s", what, before);
}

/* One byte, the same size: a ring renamed ring-c in place. */
static void
edit_byte(void)
{
	char *a = in(sched, "a.yaml");

	put(a, "rings:\n  - id: ring-c\n");
	free(a);
}

/* The last byte of a.yaml becomes the first of b.yaml: the same bytes in all. */
static void
edit_shift(void)
{
	char *a = in(sched, "a.yaml"), *b = in(sched, "b.yaml");

	put(a, "rings:\n  - id: ring-a");
	put(b, "\nrings:\n  - id: ring-b\n");
	free(a);
	free(b);
}

/* The same bytes under another name. */
static void
edit_rename(void)
{
	char *a = in(sched, "a.yaml"), *c = in(sched, "c.yaml");

	ck_assert(rename(a, c) == 0);
	free(a);
	free(c);
}

static void
edit_calendar(void)
{
	put(cal, "os: [ ]\n");
}

START_TEST(any_edit_moves_it)
{
	moved_by(edit_byte, "one byte changed");
	moved_by(edit_shift, "a byte moved to the next file");
	moved_by(edit_rename, "a file renamed");
	moved_by(edit_calendar, "the calendar changed");
}
END_TEST

START_TEST(a_file_sources_read_refuses_has_no_fingerprint)
{
	char fp[FP_HEX_LEN] = "", *big = in(sched, "big.yaml"), *missing = in(dir, "none.yaml");
	FILE *f = fopen(big, "wb");

	/* One byte more than ytree_read takes. */
	ck_assert(f != NULL);
	ck_assert(fseek(f, (long)YTREE_MAX_BYTES, SEEK_SET) == 0 && fputc('\n', f) == '\n');
	ck_assert(fclose(f) == 0);
	ck_assert_int_eq(sources_fingerprint(cal, sched, fp), -1);
	ck_assert(unlink(big) == 0);
	ck_assert_int_eq(sources_fingerprint(missing, sched, fp), -1);
	ck_assert_int_eq(sources_fingerprint(cal, missing, fp), -1);
	ck_assert_int_eq(sources_fingerprint(cal, sched, fp), 0);
	free(big);
	free(missing);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fingerprint");

	suite_add_tcase(s, tcase_of("hash", NULL, NULL, TESTS(hash_matches_the_oracle,
	    every_one_bit_edit_and_a_trailing_zero_change_the_hash)));
	suite_add_tcase(s, tcase_of("files", make_files, remove_files,
	    TESTS(a_start_reads_the_fingerprint_an_import_records, any_edit_moves_it,
	    a_file_sources_read_refuses_has_no_fingerprint)));
	return run_suite(s);
}
