/*
 * check_cvrf: MSRC CVRF documents read against a calendar.
 *
 * The calendar is tests/data/cvrf/calendar.yaml: w24 (Windows 11 24H2, x64
 * and ARM64), s25 (Server 2025 and its Server Core), s22 (Server 2022 and
 * its Server Core), late (25H2, hotpatch from 2027-01), ghost (a product no
 * document has) and arc (no msrc_products).  "Now" is 2026-12-06, so
 * 2026-Nov and 2026-Dec may be read and 2027-Jan may not.
 */
#include "calfile.h"
#include "cvrf.h"
#include "record.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

static struct caldata cal;
static struct cvrf_result res;
static char *err;

#define NOW	utc(2026, 12, 6, 12, 0)

static void
setup(void)
{
	char *path = srcpath("tests/data/cvrf/calendar.yaml");
	struct diags d = { 0 };

	if (calfile_load(path, &cal, &d) < 0) {
		diags_print(&d, stderr);
		ck_abort_msg("%s does not load", path);
	}
	free(path);
	memset(&res, 0, sizeof(res));
	err = NULL;
}

static void
teardown(void)
{
	cvrf_result_free(&res);
	caldata_free(&cal);
	free(err);
}

/* The bytes of a fixture under tests/data/cvrf. */
static char *
fixture(const char *name, size_t *len)
{
	char *path = xasprintf("tests/data/cvrf/%s", name), *buf = source_file(path, len);

	free(path);
	return buf;
}

static int
read_fixture(const char *name)
{
	size_t len;
	char *text = fixture(name, &len);
	int rc = cvrf_read(text, len, &cal, NOW, &res, &err);

	free(text);
	return rc;
}

/* Read a document given as a string. */
static int
read_text(const char *text)
{
	return cvrf_read(text, strlen(text), &cal, NOW, &res, &err);
}

/* The refusal of a document: -1, exactly this error, and nothing read. */
static void
refused(int rc, const char *want)
{
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(res.npick, 0);
	ck_assert_ptr_null(res.pick);
	ck_assert_ptr_null(res.id);
	ck_assert_uint_eq(res.nwarn, 0);
}

static const struct cvrf_pick *
pick_of(const char *os)
{
	for (size_t i = 0; i < res.npick; i++)
		if (strcmp(res.pick[i].os->id, os) == 0)
			return &res.pick[i];
	return NULL;
}

/* The pick for os is exactly kind, unplanned, kb and build (build may be NULL). */
static void
picked(const char *os, enum kind kind, bool unplanned, const char *kb, const char *build)
{
	const struct cvrf_pick *p = pick_of(os);

	ck_assert_msg(p != NULL, "no pick for %s", os);
	ck_assert_int_eq(p->rel.month, res.month);
	ck_assert_msg(p->rel.kind == kind, "%s: kind %s, want %s", os, kind_name(p->rel.kind),
	    kind_name(kind));
	ck_assert_int_eq(p->rel.unplanned, unplanned);
	ck_assert_str_eq(p->rel.kb, kb);
	if (build == NULL)
		ck_assert_ptr_null(p->rel.build);
	else
		ck_assert_str_eq(p->rel.build, build);
	ck_assert(!ymd_is_set(p->rel.date));	/* Patch Tuesday */
}

/*
 * 2026-Nov.json, worked by hand:
 *  - w24: CVE-2026-50001 lists Security Update KB5130001 (10.0.26100.9600)
 *    and Security Hotpatch Update KB5130002 (10.0.26100.9580) on 12390 and
 *    12389, both w24's: a hotpatch month, KB5130002, build 26100.9580.  The
 *    Type 3 row with SubType "5130001" is release notes: not read.
 *  - s25: Security Hotpatch Updates KB5130012 (.33650, CVE-2026-50001) and
 *    KB5120229 (.33296, re-released CVE-2026-42910): the higher build wins,
 *    KB5130012 26100.33650, and a warning names both.
 *  - s22: CVE-2026-50002 has Security Hotpatch Update KB5130022 on 11923 and
 *    11924 without FixedBuild: hotpatch KB5130022, no build.
 *  - late: KB5130031 (10.0.26200.9600) is a Security Update, and 2026-11 is
 *    before its hotpatch_start 2027-01: lcu.
 *  - ghost: its product is not in the tree: no pick, a warning.
 *  - arc: no msrc_products: no pick and no word.
 *  - Products: 10 in FullProductName; 12700 (26H2), 11571 (Server 2019) and
 *    12079-11923 (.NET) no OS lists: 3 unknown.  Only 12700 carries a
 *    Security Hotpatch Update (KB5130041), so only it is warned about.
 *  - Warnings, in reading order then OS order: 26H2, s25's two KBs, ghost.
 */
START_TEST(november_document_gives_each_os_its_month)
{
	ck_assert_int_eq(read_fixture("2026-Nov.json"), 0);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(res.id, "2026-Nov");
	ck_assert_str_eq(res.title, "November 2026 Security Updates");
	ck_assert_int_eq(res.month, ym_make(2026, 11));
	ck_assert_uint_eq(res.npick, 4);
	/* Calendar order. */
	ck_assert_str_eq(res.pick[0].os->id, "w24");
	ck_assert_str_eq(res.pick[1].os->id, "s25");
	ck_assert_str_eq(res.pick[2].os->id, "s22");
	ck_assert_str_eq(res.pick[3].os->id, "late");
	picked("w24", KIND_HOTPATCH, false, "KB5130002", "26100.9580");
	picked("s25", KIND_HOTPATCH, false, "KB5130012", "26100.33650");
	picked("s22", KIND_HOTPATCH, false, "KB5130022", NULL);
	picked("late", KIND_LCU, false, "KB5130031", "26200.9600");
	ck_assert_str_eq(res.pick[0].rel.note,
	    "MSRC CVRF 2026-Nov (November 2026 Security Updates)");
	ck_assert_uint_eq(res.nproducts, 10);
	ck_assert_uint_eq(res.nunknown, 3);
	ck_assert_uint_eq(res.nwarn, 3);
	ck_assert_str_eq(res.warn[0], "'Windows 11 Version 26H2 for x64-based Systems' has a "
	    "Security Hotpatch Update (KB5130041) but no OS lists it in msrc_products; "
	    "ignored");
	ck_assert_str_eq(res.warn[1], "s25: several Security Hotpatch Update KBs are listed "
	    "(KB5130012, KB5120229); took KB5130012, the highest build");
	ck_assert_str_eq(res.warn[2], "ghost: none of its msrc_products is in the document's "
	    "ProductTree; not imported");
}
END_TEST

/*
 * calendar.yaml publishes 2026-11 for w24 exactly as the document has it
 * (hotpatch KB5130002 26100.9580), for s22 as an unplanned baseline
 * KB5130021 (the document says hotpatch KB5130022), and nothing for s25.
 */
START_TEST(each_pick_says_what_it_would_change)
{
	const struct release *was;

	ck_assert_int_eq(read_fixture("2026-Nov.json"), 0);
	ck_assert_int_eq(cvrf_change_of(pick_of("w24"), &was), CVRF_SAME);
	ck_assert_str_eq(was->kb, "KB5130002");
	ck_assert_int_eq(cvrf_change_of(pick_of("s22"), &was), CVRF_DIFFERS);
	ck_assert_int_eq(was->kind, KIND_BASELINE);
	ck_assert_str_eq(was->kb, "KB5130021");
	ck_assert_int_eq(cvrf_change_of(pick_of("s25"), &was), CVRF_NEW);
	ck_assert_ptr_null(was);
}
END_TEST

/* A small document of month id whose only vulnerability has these remediations. */
static char *
small_doc(const char *id, const char *remediations)
{
	return xasprintf("{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"%s\"}}},"
	    " \"ProductTree\": {\"FullProductName\": ["
	    "{\"ProductID\": \"1\", \"Value\": \"Windows 11 Version 24H2 for x64-based Systems\"},"
	    "{\"ProductID\": \"2\", \"Value\": \"Windows Server 2025\"},"
	    "{\"ProductID\": \"3\", \"Value\": \"Windows Server 2022\"}]},"
	    " \"Vulnerability\": [{\"CVE\": \"CVE-1\", \"Remediations\": [%s]}]}", id, remediations);
}

static int
read_small(const char *id, const char *remediations)
{
	char *doc = small_doc(id, remediations);
	int rc = read_text(doc);

	free(doc);
	return rc;
}

/*
 * October is one of w24's baseline_months (defaults 1, 4, 7, 10): a Security
 * Update alone is a planned baseline.  September is not: an unplanned one.
 * s22's product is in the tree with no remediation, and the products of
 * late and ghost are not in it: three warnings, in OS order.  No
 * DocumentTitle: the note names the ID alone.
 */
START_TEST(security_update_alone_is_a_baseline_unplanned_outside_baseline_months)
{
	static const char *const rem =
	    "{\"Description\": {\"Value\": \"5125001\"}, \"ProductID\": [\"1\"],"
	    " \"SubType\": \"Security Update\", \"FixedBuild\": \"10.0.26100.9400\"},"
	    "{\"Description\": {\"Value\": \"5125011\"}, \"ProductID\": [\"2\"],"
	    " \"SubType\": \"Security Update\", \"FixedBuild\": \"10.0.26100.33500\"}";

	ck_assert_int_eq(read_small("2026-Oct", rem), 0);
	picked("w24", KIND_BASELINE, false, "KB5125001", "26100.9400");
	picked("s25", KIND_BASELINE, false, "KB5125011", "26100.33500");
	ck_assert_ptr_null(res.title);
	ck_assert_str_eq(res.pick[0].rel.note, "MSRC CVRF 2026-Oct");
	ck_assert_uint_eq(res.nwarn, 3);
	ck_assert_str_eq(res.warn[0], "s22: no Security Update or Security Hotpatch Update is "
	    "listed for its products; not imported");
	ck_assert_str_eq(res.warn[1], "late: none of its msrc_products is in the document's "
	    "ProductTree; not imported");
	cvrf_result_free(&res);
	ck_assert_int_eq(read_small("2026-sep", rem), 0);	/* month names in any case */
	ck_assert_int_eq(res.month, ym_make(2026, 9));
	picked("w24", KIND_BASELINE, true, "KB5125001", "26100.9400");
	picked("s25", KIND_BASELINE, true, "KB5125011", "26100.33500");
}
END_TEST

/* The warning about os ("os: ..."), or "" (warnings come in OS order). */
static const char *
warning_of(const char *os)
{
	size_t n = strlen(os);

	for (size_t i = 0; i < res.nwarn; i++)
		if (strncmp(res.warn[i], os, n) == 0 && res.warn[i][n] == ':')
			return res.warn[i];
	return "";
}

/*
 * An OS that never gets hotpatch has only LCU months, whatever MSRC lists:
 * s25 made one (hotpatch_start cleared, as the loader leaves it) gets its
 * Security Update KB5125011 as an lcu and a warning for the hotpatch KB5125012
 * beside it; with the hotpatch alone it is not imported, and said.
 */
START_TEST(never_hotpatch_os_gets_lcu_months_only)
{
#define HOTPATCH_ONLY "{\"Description\": {\"Value\": \"5125012\"}, \"ProductID\": [\"2\"]," \
	    " \"SubType\": \"Security Hotpatch Update\", \"FixedBuild\": \"10.0.26100.33480\"}"
	static const char *const both =
	    "{\"Description\": {\"Value\": \"5125011\"}, \"ProductID\": [\"2\"],"
	    " \"SubType\": \"Security Update\", \"FixedBuild\": \"10.0.26100.33500\"},"
	    HOTPATCH_ONLY;
	struct os_def *s25 = &cal.os[1];

	ck_assert_str_eq(s25->id, "s25");
	s25->never_hotpatch = true;
	s25->hotpatch_start = 0;
	ck_assert_int_eq(read_small("2026-Nov", both), 0);
	picked("s25", KIND_LCU, false, "KB5125011", "26100.33500");
	ck_assert_str_eq(warning_of("s25"), "s25: the Security Hotpatch Update KB5125012 is listed, "
	    "this OS never gets hotpatch; the month is an lcu");
	cvrf_result_free(&res);
	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(read_small("2026-Nov", HOTPATCH_ONLY), 0);
	ck_assert_ptr_null(pick_of("s25"));
	ck_assert_str_eq(warning_of("s25"), "s25: only a Security Hotpatch Update is listed, this OS "
	    "never gets hotpatch; not imported");
#undef HOTPATCH_ONLY
}
END_TEST

/*
 * The subtype is matched without regard to case and spaces; "KB5125002"
 * is taken as written; a Security Update without FixedBuild loses to one
 * with it, and one with a bad FixedBuild has none (and is said).
 */
START_TEST(subtype_spelling_kb_prefix_and_builds)
{
	ck_assert_int_eq(read_small("2026-Nov",
	    "{\"Description\": {\"Value\": \"KB5125002\"}, \"ProductID\": [\"1\"],"
	    " \"SubType\": \"Security HotPatch Update\"},"
	    "{\"Description\": {\"Value\": \"5125003\"}, \"ProductID\": [\"2\"],"
	    " \"SubType\": \"SecurityHotpatchUpdate\", \"FixedBuild\": \"26100.33600\"},"
	    "{\"Description\": {\"Value\": \"5125099\"}, \"ProductID\": [\"3\"],"
	    " \"SubType\": \"Security Update\"},"
	    "{\"Description\": {\"Value\": \"5125021\"}, \"ProductID\": [\"3\"],"
	    " \"SubType\": \"Security Update\", \"FixedBuild\": \"10.0.20348.5600\"},"
	    "{\"Description\": {\"Value\": \"5125031\"}, \"ProductID\": [\"1\"],"
	    " \"SubType\": \"Security Update\", \"FixedBuild\": \"n/a\"}"), 0);
	picked("w24", KIND_HOTPATCH, false, "KB5125002", NULL);
	picked("s25", KIND_HOTPATCH, false, "KB5125003", "26100.33600");
	/* KB5125099 has no build, KB5125021 has one: the latter, despite the lower number. */
	picked("s22", KIND_BASELINE, true, "KB5125021", "20348.5600");
	ck_assert_str_eq(res.warn[0], "Vulnerability[0].Remediations[4]: FixedBuild 'n/a' is "
	    "not a build like 10.0.26100.32995; left out");
}
END_TEST

/* A KB that is not a number, and a ProductID the tree lacks: said, then left out. */
START_TEST(unusable_remediations_are_said_and_left_out)
{
	ck_assert_int_eq(read_small("2026-Nov",
	    "{\"Description\": {\"Value\": \"Click to Run\"}, \"ProductID\": [\"1\"],"
	    " \"SubType\": \"Security Update\"},"
	    "{\"Description\": {\"Value\": \"5125011\"}, \"ProductID\": [\"2\", \"99\"],"
	    " \"SubType\": \"Security Update\"}"), 0);
	ck_assert_uint_eq(res.npick, 1);
	picked("s25", KIND_BASELINE, true, "KB5125011", NULL);
	ck_assert_str_eq(res.warn[0], "Vulnerability[0].Remediations[0]: Security Update for "
	    "w24 without a KB number; ignored");
	ck_assert_str_eq(res.warn[1], "Vulnerability[0].Remediations[1]: ProductID '99' is "
	    "not in the ProductTree; ignored");
}
END_TEST

/* Now is 2026-12-06: December may be read (its document is out on the 8th), January not. */
START_TEST(a_month_after_the_current_one_is_refused)
{
	refused(read_fixture("2027-Jan.json"),
	    "document 2027-Jan is for a month after the current one (2026-12)");
}
END_TEST

START_TEST(not_json_is_refused)
{
	refused(read_fixture("not-json.html"),
	    "not JSON: line 1, column 1: '[' or '{' expected near '<'");
}
END_TEST

/*
 * truncated.json is the first 1,500 bytes of 2026-Nov.json: 33 whole lines
 * (`head -c 1500 | wc -l`), then line 34 of 5 spaces, inside the list of
 * Windows products of ProductTree.Branch.  The input ends there: line 34,
 * column 5, a ']' was due.
 */
START_TEST(a_truncated_document_is_refused)
{
	refused(read_fixture("truncated.json"),
	    "not JSON: line 34, column 5: ']' expected near end of file");
}
END_TEST

START_TEST(wrong_schema_is_refused_with_the_path)
{
	refused(read_fixture("wrong-schema.json"), "Vulnerability must be a list");
}
END_TEST

/* Each required part, and each read part of the wrong type, with its path. */
START_TEST(every_missing_or_mistyped_part_names_its_path)
{
	static const struct {
		const char *doc, *want;
	} cases[] = {
		{ "[]", "not a CVRF document: the top level must be an object" },
		{ "{}", "DocumentTracking is missing" },
		{ "{\"DocumentTracking\": {}}", "DocumentTracking.Identification is missing" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": \"2026-Nov\"}}}",
		  "DocumentTracking.Identification.ID must be an object" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": 7}}}}",
		  "DocumentTracking.Identification.ID.Value must be a string" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-11\"}}}}",
		  "DocumentTracking.Identification.ID.Value '2026-11' is not a month like 2026-Nov" },
		{ "{\"DocumentTitle\": \"x\", \"DocumentTracking\": {}}",
		  "DocumentTitle must be an object" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}}}",
		  "ProductTree is missing" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}},"
		  " \"ProductTree\": {\"FullProductName\": [{\"ProductID\": 1, \"Value\": \"x\"}]}}",
		  "ProductTree.FullProductName[0].ProductID must be a string" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}},"
		  " \"ProductTree\": {\"FullProductName\": [{\"ProductID\": \"1\", \"Value\": \"x\"},"
		  " {\"ProductID\": \"1\", \"Value\": \"y\"}]}}",
		  "ProductTree lists ProductID '1' twice, under different names" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}},"
		  " \"ProductTree\": {\"FullProductName\": []}}",
		  "Vulnerability is missing" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}},"
		  " \"ProductTree\": {\"FullProductName\": []}, \"Vulnerability\": [3]}",
		  "Vulnerability[0] must be an object" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}},"
		  " \"ProductTree\": {\"FullProductName\": []}, \"Vulnerability\": [{\"Remediations\":"
		  " [{\"SubType\": \"Security Update\", \"ProductID\": \"1\"}]}]}",
		  "Vulnerability[0].Remediations[0].ProductID must be a list" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}},"
		  " \"ProductTree\": {\"FullProductName\": []}, \"Vulnerability\": [{\"Remediations\":"
		  " [{\"SubType\": \"Security Update\", \"ProductID\": [1]}]}]}",
		  "Vulnerability[0].Remediations[0].ProductID[0] must be a string" },
		{ "{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\": \"2026-Nov\"}}},"
		  " \"ProductTree\": {\"FullProductName\": []}, \"Vulnerability\": [{\"Remediations\":"
		  " [{\"Description\": {\"Value\": 5}, \"FixedBuild\": 1}]}]}",
		  "Vulnerability[0].Remediations[0].FixedBuild must be a string" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		refused(read_text(cases[i].doc), cases[i].want);
		free(err);
		err = NULL;
	}
}
END_TEST

/* Duplicate keys make a document ambiguous; jansson is asked to refuse them. */
START_TEST(duplicate_keys_are_refused)
{
	ck_assert_int_eq(read_text("{\"DocumentTracking\": {}, \"DocumentTracking\": {}}"), -1);
	ck_assert_ptr_nonnull(strstr(err, "duplicate object key"));
}
END_TEST

/*
 * calfile refuses a product under two OSes; a calendar that has one anyway
 * (built by hand here) is refused by the reader too, before the document.
 */
START_TEST(a_product_under_two_oses_is_refused)
{
	char *dup = xstrdup("Windows Server 2025");

	grow(&cal.os[5].msrc, 0, &(size_t){ 0 }, sizeof(char *));
	cal.os[5].msrc[0] = dup;
	cal.os[5].nmsrc = 1;
	refused(read_fixture("2026-Nov.json"), "MSRC product 'Windows Server 2025' is listed "
	    "by both OS 's25' and OS 'arc'; a product may name only one OS");
}
END_TEST

/* One byte over the cap is refused before it is parsed. */
START_TEST(a_document_over_the_size_cap_is_refused)
{
	refused(cvrf_read("{}", (size_t)CVRF_MAX_BYTES + 1, &cal, NOW, &res, &err),
	    "document is larger than 67108864 bytes");
}
END_TEST

/* CVRF_MAX_VULNS + 1 empty vulnerabilities: one too many. */
START_TEST(too_many_vulnerabilities_are_refused)
{
	static const char head[] = "{\"DocumentTracking\": {\"Identification\": {\"ID\":"
	    " {\"Value\": \"2026-Nov\"}}}, \"ProductTree\": {\"FullProductName\": []},"
	    " \"Vulnerability\": [{}";
	char *doc = xcalloc(1, sizeof(head) + 3 * (CVRF_MAX_VULNS + 1) + 2), *p;

	p = stpcpy(doc, head);
	for (int i = 1; i <= CVRF_MAX_VULNS; i++)
		p = stpcpy(p, ",{}");
	strcpy(p, "]}");
	refused(read_text(doc), "Vulnerability has more than 5000 entries");
	free(doc);
}
END_TEST

/*
 * 60 unknown products with a hotpatch each make 60 warnings; then none of
 * the products of w24, s25, s22, late and ghost is in this tree: 5 more
 * (arc has none to miss).  65 in all: the first CVRF_MAX_WARNINGS (50) are
 * kept and one line counts the other 15.
 */
START_TEST(warnings_stop_at_the_cap_and_say_how_many_more)
{
	char *tree = xstrdup(""), *rems = xstrdup(""), *doc;

	for (int i = 0; i < 60; i++) {
		char *t = xasprintf("%s%s{\"ProductID\": \"p%d\", \"Value\": \"Product %d\"}",
		    tree, i ? "," : "", i, i);
		char *r = xasprintf("%s%s{\"Description\": {\"Value\": \"%d\"}, \"ProductID\":"
		    " [\"p%d\"], \"SubType\": \"Security Hotpatch Update\"}", rems, i ? "," : "",
		    5000000 + i, i);

		free(tree);
		free(rems);
		tree = t;
		rems = r;
	}
	doc = xasprintf("{\"DocumentTracking\": {\"Identification\": {\"ID\": {\"Value\":"
	    " \"2026-Nov\"}}}, \"ProductTree\": {\"FullProductName\": [%s]},"
	    " \"Vulnerability\": [{\"Remediations\": [%s]}]}", tree, rems);
	ck_assert_int_eq(read_text(doc), 0);
	ck_assert_uint_eq(res.npick, 0);
	ck_assert_uint_eq(res.nunknown, 60);
	ck_assert_uint_eq(res.nwarn, CVRF_MAX_WARNINGS + 1);
	ck_assert_str_eq(res.warn[49], "'Product 49' has a Security Hotpatch Update (KB5000049) "
	    "but no OS lists it in msrc_products; ignored");
	ck_assert_str_eq(res.warn[50], "and 15 more warnings");
	free(tree);
	free(rems);
	free(doc);
}
END_TEST

/*
 * What hotpatchctl sends: 2026-Nov.json reduced reads exactly as the whole
 * document, and is much smaller.  The counts differ by one product: every
 * product is named by a remediation of the two subtypes, but "Microsoft .NET
 * Framework 3.5 AND 4.8.1 on Windows Server 2022" (12079-11923, one no OS
 * lists) is not a Windows release, so it is not sent: 9 products, 2 unknown.
 */
START_TEST(a_reduced_document_reads_as_the_whole_one)
{
	struct cvrf_result whole = { 0 };
	size_t len, slen;
	char *text = fixture("2026-Nov.json", &len), *small;

	ck_assert_int_eq(cvrf_reduce(text, len, NOW, &small, &slen, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_lt(slen, len / 2);
	ck_assert_int_eq(cvrf_read(text, len, &cal, NOW, &whole, &err), 0);
	ck_assert_int_eq(cvrf_read(small, slen, &cal, NOW, &res, &err), 0);
	ck_assert_str_eq(res.id, whole.id);
	ck_assert_str_eq(res.title, whole.title);
	ck_assert_uint_eq(res.npick, whole.npick);
	for (size_t i = 0; i < res.npick; i++) {
		ck_assert_ptr_eq(res.pick[i].os, whole.pick[i].os);
		ck_assert_ptr_null(record_diff(&rec_release, &res.pick[i].rel, &whole.pick[i].rel));
	}
	ck_assert_uint_eq(res.nwarn, whole.nwarn);
	for (size_t i = 0; i < res.nwarn; i++)
		ck_assert_str_eq(res.warn[i], whole.warn[i]);
	ck_assert_uint_eq(whole.nproducts, 10);
	ck_assert_uint_eq(whole.nunknown, 3);
	ck_assert_uint_eq(res.nproducts, 9);
	ck_assert_uint_eq(res.nunknown, 2);
	ck_assert_ptr_null(strstr(small, "Microsoft"));
	cvrf_result_free(&whole);
	free(small);
	free(text);
}
END_TEST

/* The reduction refuses what cvrf_read refuses, before anything is sent. */
START_TEST(reduction_refuses_a_bad_document)
{
	size_t len, slen;
	char *text = fixture("wrong-schema.json", &len), *small;

	ck_assert_int_eq(cvrf_reduce(text, len, NOW, &small, &slen, &err), -1);
	ck_assert_ptr_null(small);
	ck_assert_str_eq(err, "Vulnerability must be a list");
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cvrf");

	suite_add_tcase(s, tcase_of("read", setup, teardown, TESTS(
	    november_document_gives_each_os_its_month,
	    each_pick_says_what_it_would_change,
	    security_update_alone_is_a_baseline_unplanned_outside_baseline_months,
	    never_hotpatch_os_gets_lcu_months_only,
	    subtype_spelling_kb_prefix_and_builds,
	    unusable_remediations_are_said_and_left_out,
	    warnings_stop_at_the_cap_and_say_how_many_more,
	    a_reduced_document_reads_as_the_whole_one,
	    reduction_refuses_a_bad_document)));
	suite_add_tcase(s, tcase_of("refused", setup, teardown, TESTS(
	    a_month_after_the_current_one_is_refused,
	    not_json_is_refused,
	    a_truncated_document_is_refused,
	    wrong_schema_is_refused_with_the_path,
	    every_missing_or_mistyped_part_names_its_path,
	    duplicate_keys_are_refused,
	    a_product_under_two_oses_is_refused,
	    a_document_over_the_size_cap_is_refused,
	    too_many_vulnerabilities_are_refused)));
	return run_suite(s);
}
