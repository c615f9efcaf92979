/*
 * check_inventory: device inventories read from CSV (ours and Intune's
 * export) and Graph JSON.
 *
 * The fixtures under tests/data/devices hold the same five Windows devices
 * (fleet.csv, intune-export.csv, graph-page.json); the export also has an
 * iPhone and the Graph page an Android phone, both left out.  Every
 * expected value below is read off the fixture by hand.
 */
#include "inventory.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

static struct inventory inv;
static struct inv_report rep;

static void
setup(void)
{
	memset(&inv, 0, sizeof(inv));
	memset(&rep, 0, sizeof(rep));
}

static void
teardown(void)
{
	inventory_free(&inv);
	inv_report_free(&rep);
}

static int
parse_fixture(const char *name, enum inv_format fmt, const struct inv_options *opt)
{
	char *path = xasprintf("tests/data/devices/%s", name);
	size_t len;
	char *text = source_file(path, &len);
	int rc = inventory_parse(text, len, fmt, opt, &inv, &rep);

	free(text);
	free(path);
	return rc;
}

static int
parse_text(const char *text, const struct inv_options *opt)
{
	return inventory_parse(text, strlen(text), INV_AUTO, opt, &inv, &rep);
}

static const struct inv_options skip = { .skip_bad = true };

/* A text refused as a whole, even with skip_bad, and the one message why. */
struct refusal {
	const char *text, *error;
};

static void
refused(const struct refusal *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		setup();
		ck_assert_int_eq(parse_text(c[i].text, &skip), -1);
		ck_assert_str_eq(rep.error, c[i].error);
		ck_assert_uint_eq(inv.ndev, 0);
		teardown();
	}
}

/* The five devices, as every fixture gives them. */
struct want {
	const char	*name, *group, *edition;
	unsigned	 build, ubr, arch;
	enum tri	 vbs;
	time_t		 last_seen;
};

static void
check_five(bool has_vbs)
{
	const struct want w[] = {
		/* 10.0.26100.4066; 2026-11-30T08:12:45Z */
		{ "PC-ALPHA", "Finance", "Enterprise", 26100, 4066, ARCH_X64, TRI_YES,
		  utc(2026, 11, 30, 8, 12) + 45 },
		/* 10.0.26200.7623; VBS off (ours "no"; Graph's virtualizationBasedSecurity "disabled" wins) */
		{ "pc-bravo", "Finance", "Enterprise", 26200, 7623, ARCH_ARM64, TRI_NO,
		  utc(2026, 12, 1, 23, 59) + 59 },
		/* 26100.32995; no group (empty, or Graph's "Unknown"); a date alone is midnight UTC */
		{ "LAB-03", NULL, "Education", 26100, 32995, ARCH_X64, TRI_UNKNOWN,
		  utc(2026, 11, 15, 0, 0) },
		/* ours: 10:12:45+02:00, the same instant as 08:12:45Z */
		{ "Kiosk, lobby", "Front desk", "Enterprise", 26100, 4946, ARCH_X64, TRI_YES,
		  utc(2026, 11, 30, 8, 12) + 45 },
		/* never synced (empty, or Graph's 0001-01-01); notApplicable is unknown */
		{ "ARM-DEV-5", "Engineering \"Core\"", "Professional", 26100, 6588, ARCH_ARM64,
		  TRI_UNKNOWN, 0 },
	};

	ck_assert_uint_eq(inv.ndev, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct device *d = &inv.dev[i];

		ck_assert_str_eq(d->name, w[i].name);
		ck_assert_pstr_eq(d->group, w[i].group);
		ck_assert_pstr_eq(d->edition, w[i].edition);
		ck_assert_uint_eq(d->build, w[i].build);
		ck_assert_uint_eq(d->ubr, w[i].ubr);
		ck_assert_uint_eq(d->arch, w[i].arch);
		ck_assert_int_eq(d->vbs, has_vbs ? w[i].vbs : TRI_UNKNOWN);
		ck_assert_int_eq((long)d->last_seen, (long)w[i].last_seen);
		ck_assert_ptr_null(d->ring);
		ck_assert_ptr_null(d->os);
		ck_assert_int_eq(d->chpe_disabled, TRI_UNKNOWN);
		ck_assert_int_eq(d->licensed, TRI_UNKNOWN);
	}
}

START_TEST(ours)
{
	ck_assert_int_eq(parse_fixture("fleet.csv", INV_AUTO, NULL), 0);
	ck_assert_int_eq(rep.format, INV_CSV);
	ck_assert_uint_eq(rep.nrows, 5);
	ck_assert_uint_eq(rep.nwarn, 0);
	check_five(true);
	/* lines: the header is line 1 */
	ck_assert_int_eq(inv.dev[0].line, 2);
	ck_assert_int_eq(inv.dev[4].line, 6);
}
END_TEST

START_TEST(intune)
{
	ck_assert_int_eq(parse_fixture("intune-export.csv", INV_AUTO, NULL), 0);
	ck_assert_int_eq(rep.format, INV_CSV);
	ck_assert_uint_eq(rep.nrows, 6);
	ck_assert_uint_eq(rep.nskipped, 1);		/* the iPhone, line 4 */
	check_five(false);				/* the export has no VBS column */
	ck_assert_int_eq(inv.dev[2].line, 5);
	/* 18 columns, 7 read (OS, Device name, Category, OS version, ProcessorArchitecture,
	 * SkuFamily, Last check-in), so 11 ignored; then the iPhone */
	ck_assert_uint_eq(rep.nwarn, 2);
	ck_assert_str_eq(rep.warn[0], "11 columns ignored: \"Device ID\", \"Enrollment date\", "
	    "\"Azure AD Device ID\", \"Serial number\", \"Manufacturer\", \"Model\", "
	    "\"Primary user UPN\", \"Compliance\", \"Managed by\", \"Ownership\", \"JoinType\"");
	ck_assert_str_eq(rep.warn[1], "1 device of another platform than Windows left out");
}
END_TEST

START_TEST(graph)
{
	ck_assert_int_eq(parse_fixture("graph-page.json", INV_AUTO, NULL), 0);
	ck_assert_int_eq(rep.format, INV_JSON);
	ck_assert_uint_eq(rep.nrows, 6);
	ck_assert_uint_eq(rep.nskipped, 1);		/* the Android phone, item 3 */
	check_five(true);
	ck_assert_int_eq(inv.dev[2].line, 4);		/* LAB-03 is value[3] */
	ck_assert_uint_eq(rep.nwarn, 2);
	ck_assert_ptr_nonnull(strstr(rep.warn[0], "@odata.nextLink"));
}
END_TEST

/* Graph gives no ring: the caller's default fills rows with neither ring nor group. */
START_TEST(default_ring)
{
	const struct inv_options o = { .default_ring = "broad" };

	ck_assert_int_eq(parse_fixture("graph-page.json", INV_JSON, &o), 0);
	ck_assert_ptr_null(inv.dev[0].ring);		/* group Finance */
	ck_assert_str_eq(inv.dev[2].ring, "broad");	/* LAB-03: no group */
}
END_TEST

START_TEST(bare_array)
{
	ck_assert_int_eq(parse_text("  [{\"deviceName\": \"A\", \"osVersion\": \"26100.1\"}]",
	    NULL), 0);
	ck_assert_int_eq(rep.format, INV_JSON);
	ck_assert_uint_eq(inv.ndev, 1);
	ck_assert_uint_eq(inv.dev[0].build, 26100);
	ck_assert_uint_eq(inv.dev[0].ubr, 1);
	ck_assert_uint_eq(rep.nwarn, 0);
}
END_TEST

START_TEST(all_columns)
{
	const char *text =
	    "name,ring,group,os,build,arch,vbs,chpe_disabled,edition,licensed,last_seen\n"
	    "a1,fast,,win11-24h2,,arm64,YES,0,Enterprise,False,2026-01-02 03:04\n";

	ck_assert_int_eq(parse_text(text, NULL), 0);
	ck_assert_str_eq(inv.dev[0].ring, "fast");
	ck_assert_str_eq(inv.dev[0].os, "win11-24h2");
	ck_assert_uint_eq(inv.dev[0].build, 0);		/* the os alone is enough */
	ck_assert_int_eq(inv.dev[0].vbs, TRI_YES);
	ck_assert_int_eq(inv.dev[0].chpe_disabled, TRI_NO);
	ck_assert_int_eq(inv.dev[0].licensed, TRI_NO);
	ck_assert_int_eq((long)inv.dev[0].last_seen, (long)utc(2026, 1, 2, 3, 4));
}
END_TEST

/* "OS" is our os column (an OS id) in our CSV, the platform in Intune's. */
START_TEST(os_by_dialect)
{
	ck_assert_int_eq(parse_text("name,OS\na,win11-24h2\n", NULL), 0);
	ck_assert_str_eq(inv.dev[0].os, "win11-24h2");
	teardown();
	setup();
	ck_assert_int_eq(parse_text("Device name,OS version,OS\na,26100.1,Windows\n"
	    "b,26100.1,macOS\n", NULL), 0);
	ck_assert_uint_eq(inv.ndev, 1);
	ck_assert_ptr_null(inv.dev[0].os);
	ck_assert_uint_eq(rep.nskipped, 1);
}
END_TEST

/* RFC 4180: quotes, doubled quotes, line breaks inside quotes, CRLF, no final newline. */
START_TEST(quoting)
{
	const char *text =
	    "\xef\xbb\xbf" "name,note,build\r\n"		/* line 1, with a BOM */
	    "\"a,b\",\"say \"\"hi\"\"\",26100.1\r\n"	/* line 2 */
	    "\r\n"					/* line 3: blank, skipped */
	    "c,\"two\r\nlines\",26100.2\r\n"		/* lines 4-5 */
	    "\"\"\"q\"\"\",,26100.3\n"			/* line 6: name "q" in quotes */
	    "  d  ,\"\",26100.4";			/* line 7: spaces trimmed, no newline */

	ck_assert_int_eq(parse_text(text, NULL), 0);
	ck_assert_uint_eq(inv.ndev, 4);
	ck_assert_str_eq(inv.dev[0].name, "a,b");
	ck_assert_int_eq(inv.dev[0].line, 2);
	ck_assert_str_eq(inv.dev[1].name, "c");
	ck_assert_int_eq(inv.dev[1].line, 4);
	ck_assert_str_eq(inv.dev[2].name, "\"q\"");
	ck_assert_int_eq(inv.dev[2].line, 6);
	ck_assert_str_eq(inv.dev[3].name, "d");
	ck_assert_int_eq(inv.dev[3].line, 7);
	ck_assert_uint_eq(inv.dev[3].ubr, 4);
	ck_assert_uint_eq(rep.nwarn, 1);
	ck_assert_str_eq(rep.warn[0], "1 column ignored: \"note\"");
}
END_TEST

/* A CSV syntax fault stops the read: what follows cannot be trusted. */
START_TEST(syntax)
{
	static const struct refusal c[] = {
		{ "name,build\na,\"26100.1\n", "line 2, column 3: the quoted value is not closed" },
		{ "name,build\na,26\"100.1\n", "line 2, column 5: a quote inside an unquoted value "
		  "(quote the whole value and double the quote)" },
		{ "name,build\n\"a\"x,26100.1\n", "line 2, column 4: after a closing quote, a comma "
		  "or the end of the line" },
		{ "name,build\ra,1\n", "line 1, column 11: a carriage return not followed by a "
		  "line feed" },
		{ "", "no header line" },
		{ "\n\n", "no header line" },
	};

	refused(c, ARRAY_LEN(c));
}
END_TEST

START_TEST(header)
{
	static const struct refusal c[] = {
		{ "host,build\n", "line 1: no \"name\" column (or Intune's \"Device name\")" },
		{ "name,arch\n", "line 1: neither a \"build\" nor an \"os\" column" },
		{ "Device name,OS\n", "line 1: no \"OS version\" column" },
		{ "name,build, Build \n", "line 1, column 12: \"build\" again (first at column 6)" },
	};

	refused(c, ARRAY_LEN(c));
}
END_TEST

/* Every class of bad row, with its line and column; skip_bad keeps the good ones. */
START_TEST(bad_rows)
{
	const char *text =
	    "name,ring,os,build,arch,vbs,last_seen\n"		/* 1 */
	    "good1,,,26100.1,,,\n"				/* 2 */
	    "short,,,26100.1\n"					/* 3: 4 values */
	    ",,,26100.1,,,\n"					/* 4: no name */
	    "b5,,,10.0.26100,,,\n"				/* 5: "b5,,," is 5 bytes: build at 6 */
	    "b6,,,11.0.26100.1,,,\n"				/* 6 */
	    "b7,,,26100.x,,,\n"					/* 7 */
	    "b8,,,1234567.1,,,\n"				/* 8: 7 digits */
	    "b9,,,26100.1,x86,,\n"				/* 9: "b9,,,26100.1," is 13: arch at 14 */
	    "b10,,,26100.1,,maybe,\n"				/* 10: "b10,,,26100.1,," is 15: vbs at 16 */
	    "b11,,,26100.1,,,2026-02-30\n"			/* 11: no such day, at 17 */
	    "b12,Fast,,26100.1,,,\n"				/* 12: ring id, at 5 */
	    "b13,,WIN11,,,,\n"					/* 13: os id, at 6 */
	    "b14,,,,,,\n"					/* 14: neither */
	    "GOOD1,,,26100.2,,,\n"				/* 15: duplicate of line 2 */
	    "\"b\x01\",,,26100.1,,,\n"				/* 16: control character */
	    "\xff\xfe,,,26100.1,,,\n"				/* 17: not UTF-8 */
	    "good2,,,26100.3,,,2026-12-01T25:00Z\n"		/* 18: hour 25; "good2,,,26100.3,,," is 18 */
	    "good3,,,26100.4,,,\n";				/* 19 */
	static const struct {
		long line;
		int col;
		const char *msg;
	} want[] = {
		{ 3, 0, "4 values, the header has 7" },
		{ 4, 0, "no device name" },
		{ 5, 6, "build: \"10.0.26100\" is not 10.0.BUILD.UBR or BUILD.UBR (e.g. 10.0.26100.4066)" },
		{ 6, 6, "build: \"11.0.26100.1\" is not 10.0.BUILD.UBR or BUILD.UBR (e.g. 10.0.26100.4066)" },
		{ 7, 6, "build: \"26100.x\" is not 10.0.BUILD.UBR or BUILD.UBR (e.g. 10.0.26100.4066)" },
		{ 8, 6, "build: \"1234567.1\" is not 10.0.BUILD.UBR or BUILD.UBR (e.g. 10.0.26100.4066)" },
		{ 9, 14, "arch: \"x86\" is not x64 or arm64 (hotpatch has no other architecture)" },
		{ 10, 16, "vbs: \"maybe\" is not true, false, yes, no, 1 or 0" },
		{ 11, 17, "last_seen: \"2026-02-30\" is not an ISO 8601 date or date-time "
		  "(2026-11-30 or 2026-11-30T08:12:45Z)" },
		{ 12, 5, "ring: \"Fast\" is not an id ([a-z0-9-], 1 to 32 characters)" },
		{ 13, 6, "os: \"WIN11\" is not an id ([a-z0-9-], 1 to 32 characters)" },
		{ 14, 0, "b14: neither a build nor an OS" },
		{ 15, 0, "GOOD1: the same name as line 2 (names are compared without case)" },
		{ 16, 1, "name: a control character in \"b\x01\"" },
		{ 17, 1, "name: not UTF-8" },
		{ 18, 19, "last_seen: \"2026-12-01T25:00Z\" is not an ISO 8601 date or date-time "
		  "(2026-11-30 or 2026-11-30T08:12:45Z)" },
	};

	ck_assert_int_eq(parse_text(text, &skip), 0);
	ck_assert_uint_eq(rep.nrows, 18);
	ck_assert_uint_eq(rep.nrej, ARRAY_LEN(want));
	ck_assert_uint_eq(rep.nrej_total, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		ck_assert_int_eq(rep.rej[i].line, want[i].line);
		ck_assert_int_eq(rep.rej[i].col, want[i].col);
		ck_assert_str_eq(rep.rej[i].msg, want[i].msg);
	}
	ck_assert_uint_eq(inv.ndev, 2);
	ck_assert_str_eq(inv.dev[0].name, "good1");
	ck_assert_str_eq(inv.dev[1].name, "good3");
	ck_assert_ptr_null(rep.error);
}
END_TEST

/* The same bad row without skip_bad refuses everything. */
START_TEST(all_or_nothing)
{
	const char *text = "name,build\na,26100.1\nb,26100\nc,26100.3\nA,26100.4\n";

	ck_assert_int_eq(parse_text(text, NULL), -1);
	ck_assert_uint_eq(inv.ndev, 0);
	ck_assert_ptr_null(inv.dev);
	ck_assert_str_eq(rep.error, "2 bad rows, nothing read; the first: line 3, column 3: "
	    "build: \"26100\" is not 10.0.BUILD.UBR or BUILD.UBR (e.g. 10.0.26100.4066)");
	ck_assert_uint_eq(rep.nrej, 2);
	ck_assert_int_eq(rep.rej[1].line, 5);
	teardown();
	setup();
	ck_assert_int_eq(parse_text(text, &skip), 0);
	ck_assert_uint_eq(inv.ndev, 2);		/* a and c */
	ck_assert_str_eq(inv.dev[1].name, "c");
}
END_TEST

START_TEST(json_bad)
{
	const char *text =
	    "{\"value\": [\n"
	    "  {\"deviceName\": \"a\", \"osVersion\": \"10.0.26100.1\"},\n"	/* 1 */
	    "  \"b\",\n"							/* 2 */
	    "  {\"deviceName\": 7, \"osVersion\": \"10.0.26100.1\"},\n"		/* 3 */
	    "  {\"deviceName\": \"d\", \"osVersion\": \"10.0.26100\"},\n"		/* 4 */
	    "  {\"deviceName\": \"e\", \"osVersion\": null},\n"			/* 5 */
	    "  {\"deviceName\": \"A\", \"osVersion\": \"10.0.26100.2\"},\n"	/* 6 */
	    "  {\"deviceName\": \"h\", \"osVersion\": \"10.0.26100.2\", \"processorArchitecture\": \"x86\"}\n"
	    "]}";
	static const char *const want[] = {
		"not an object",
		"deviceName: not a string",
		"osVersion: \"10.0.26100\" is not 10.0.BUILD.UBR or BUILD.UBR (e.g. 10.0.26100.4066)",
		"e: neither a build nor an OS",
		"A: the same name as line 1 (names are compared without case)",
		"processorArchitecture: \"x86\" is not x64 or arm64 (hotpatch has no other architecture)",
	};

	ck_assert_int_eq(parse_text(text, &skip), 0);
	ck_assert_uint_eq(inv.ndev, 1);
	ck_assert_uint_eq(rep.nrej, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		ck_assert_int_eq(rep.rej[i].line, (long)i + 2);
		ck_assert_int_eq(rep.rej[i].col, 0);
		ck_assert_str_eq(rep.rej[i].msg, want[i]);
	}
	teardown();
	setup();
	ck_assert_int_eq(parse_text(text, NULL), -1);
	ck_assert_str_eq(rep.error, "6 bad rows, nothing read; the first: device 2: not an object");
}
END_TEST

/* A NUL byte in a CSV value (JSON parsers refuse \u0000 already). */
START_TEST(nul)
{
	static const char text[] = "name,build\na\0b,26100.1\nc,26100.1\n";

	ck_assert_int_eq(inventory_parse(text, sizeof(text) - 1, INV_CSV, &skip, &inv, &rep), 0);
	ck_assert_uint_eq(inv.ndev, 1);
	ck_assert_int_eq(rep.rej[0].line, 2);
	ck_assert_int_eq(rep.rej[0].col, 1);
	ck_assert_str_eq(rep.rej[0].msg, "name: a NUL byte");
}
END_TEST

START_TEST(json_file)
{
	static const struct refusal c[] = {
		/* the "}" is the 18th byte of "  {\"deviceName\": }" */
		{ "{\"value\": [\n  {\"deviceName\": }\n]}",
		  "line 2, column 18: unexpected token near '}'" },
		{ "{\"values\": []}", "neither an array of devices nor a Graph page ({\"value\": [...]})" },
		{ "[] []", "line 1, column 4: end of file expected near '['" },
	};

	refused(c, ARRAY_LEN(c));
}
END_TEST

/* The forms of a build, worked by hand. */
START_TEST(builds)
{
	static const struct {
		const char *s;
		int rc;
		unsigned build, ubr;
	} c[] = {
		{ "10.0.26100.4066", 0, 26100, 4066 },
		{ "26100.4066", 0, 26100, 4066 },
		{ "10.0.20348.3932", 0, 20348, 3932 },
		{ "26100.0", 0, 26100, 0 },
		{ "999999.999999", 0, 999999, 999999 },
		{ "1000000.1", -1, 0, 0 },
		{ "0.1", -1, 0, 0 },
		{ "26100", -1, 0, 0 },
		{ "10.0.26100", -1, 0, 0 },
		{ "10.1.26100.1", -1, 0, 0 },
		{ "10.0.26100.1.2", -1, 0, 0 },
		{ "26100..1", -1, 0, 0 },
		{ ".26100.1", -1, 0, 0 },
		{ "26100.1.", -1, 0, 0 },
		{ "+26100.1", -1, 0, 0 },
		{ "", -1, 0, 0 },
	};
	char why[256];

	for (size_t i = 0; i < ARRAY_LEN(c); i++) {
		unsigned b = 0, u = 0;

		ck_assert_msg(inv_parse_build(c[i].s, &b, &u, why, sizeof(why)) == c[i].rc,
		    "%s", c[i].s);
		ck_assert_uint_eq(b, c[i].build);
		ck_assert_uint_eq(u, c[i].ubr);
	}
}
END_TEST

/* The forms of last_seen: each the same instant, 2026-11-30 08:12:45 UTC, or that day. */
START_TEST(times)
{
	static const char *const same[] = {
		"2026-11-30T08:12:45Z", "2026-11-30 08:12:45", "2026-11-30T08:12:45.999Z",
		"2026-11-30T10:12:45+02:00", "2026-11-30T03:12:45-0500", "2026-11-30 08:12:45.0000000",
		"2026-12-01T00:12:45+16:00",
	};
	char text[128];

	for (size_t i = 0; i < ARRAY_LEN(same); i++) {
		setup();
		snprintf(text, sizeof(text), "name,build,last_seen\na,26100.1,%s\n", same[i]);
		ck_assert_msg(parse_text(text, NULL) == 0, "%s: %s", same[i], rep.error);
		ck_assert_int_eq((long)inv.dev[0].last_seen, (long)utc(2026, 11, 30, 8, 12) + 45);
		teardown();
	}
	setup();
	/* A date alone: that day at midnight UTC; minutes without seconds. */
	ck_assert_int_eq(parse_text("name,build,last_seen\na,26100.1,2024-02-29\n"
	    "b,26100.1,2024-02-29T23:59\n", NULL), 0);
	ck_assert_int_eq((long)inv.dev[0].last_seen, (long)utc(2024, 2, 29, 0, 0));
	ck_assert_int_eq((long)inv.dev[1].last_seen, (long)utc(2024, 2, 29, 23, 59));
}
END_TEST

START_TEST(detect)
{
	ck_assert_int_eq(parse_text("\xef\xbb\xbf\r\n\t{\"value\": []}", NULL), 0);
	ck_assert_int_eq(rep.format, INV_JSON);
	teardown();
	setup();
	ck_assert_int_eq(parse_text("name,build\n", NULL), 0);
	ck_assert_int_eq(rep.format, INV_CSV);
	teardown();
	setup();
	/* Told CSV, a JSON text is a CSV without a name column. */
	ck_assert_int_eq(inventory_parse("[]", 2, INV_CSV, NULL, &inv, &rep), -1);
	ck_assert_str_eq(rep.error, "line 1: no \"name\" column (or Intune's \"Device name\")");
}
END_TEST

/* ---- limits ---- */

START_TEST(limit_bytes)
{
	char *big = xcalloc(1, INV_MAX_BYTES + 1);

	memset(big, ' ', INV_MAX_BYTES + 1);
	big[0] = '[';
	big[INV_MAX_BYTES - 1] = ']';
	/* exactly the limit: an empty array and spaces */
	ck_assert_int_eq(inventory_parse(big, INV_MAX_BYTES, INV_AUTO, NULL, &inv, &rep), 0);
	teardown();
	setup();
	ck_assert_int_eq(inventory_parse(big, INV_MAX_BYTES + 1, INV_AUTO, NULL, &inv, &rep), -1);
	ck_assert_str_eq(rep.error, "larger than 67108864 bytes");
	free(big);
}
END_TEST

/* Rows of one value where the header has two: cheap bad rows, then one too many. */
static char *
rows(size_t n, size_t *len)
{
	char *s = xmalloc(11 + 2 * n + 1);

	memcpy(s, "name,build\n", 11);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 11 + 2 * i, "x\n", 2);
	*len = 11 + 2 * n;
	s[*len] = '\0';
	return s;
}

START_TEST(limit_rows)
{
	size_t len;
	char *s = rows(INV_MAX_ROWS, &len);

	ck_assert_int_eq(inventory_parse(s, len, INV_CSV, &skip, &inv, &rep), 0);
	ck_assert_uint_eq(rep.nrows, INV_MAX_ROWS);
	/* the list is bounded, the count is not */
	ck_assert_uint_eq(rep.nrej, INV_MAX_REJECTS);
	ck_assert_uint_eq(rep.nrej_total, INV_MAX_ROWS);
	ck_assert_int_eq(rep.rej[INV_MAX_REJECTS - 1].line, INV_MAX_REJECTS + 1);
	free(s);
	teardown();
	setup();
	s = rows(INV_MAX_ROWS + 1, &len);
	ck_assert_int_eq(inventory_parse(s, len, INV_CSV, &skip, &inv, &rep), -1);
	/* the header is line 1, so row 1,000,001 is line 1,000,002 */
	ck_assert_str_eq(rep.error, "line 1000002: more than 1000000 rows; split the inventory");
	free(s);
}
END_TEST

START_TEST(limit_json_rows)
{
	size_t n = INV_MAX_ROWS + 1, len = 2 + 3 * n;
	char *s = xmalloc(len + 1);

	/* [0,0,...,0]: each item is a bad row, but the count is refused before any is read */
	s[0] = '[';
	for (size_t i = 0; i < n; i++)
		memcpy(s + 1 + 3 * i, "0, ", 3);
	s[len - 3] = ' ';	/* the last comma */
	s[len - 1] = ']';
	s[len] = '\0';
	ck_assert_int_eq(inventory_parse(s, len, INV_JSON, &skip, &inv, &rep), -1);
	ck_assert_str_eq(rep.error, "more than 1000000 devices; split the inventory");
	free(s);
}
END_TEST

START_TEST(limit_field)
{
	char name[INV_MAX_FIELD + 2], text[INV_MAX_FIELD + 64];

	memset(name, 'n', sizeof(name));
	name[INV_MAX_FIELD] = '\0';			/* 256 bytes: read */
	snprintf(text, sizeof(text), "build,name\n26100.1,%s\n", name);
	ck_assert_int_eq(parse_text(text, NULL), 0);
	ck_assert_uint_eq(strlen(inv.dev[0].name), INV_MAX_FIELD);
	teardown();
	setup();
	name[INV_MAX_FIELD] = 'n';
	name[INV_MAX_FIELD + 1] = '\0';			/* 257 bytes: refused, column 9 */
	snprintf(text, sizeof(text), "build,name\n26100.1,%s\n", name);
	ck_assert_int_eq(parse_text(text, &skip), 0);
	ck_assert_uint_eq(rep.nrej, 1);
	ck_assert_int_eq(rep.rej[0].line, 2);
	ck_assert_int_eq(rep.rej[0].col, 9);
	ck_assert_str_eq(rep.rej[0].msg, "name: longer than 256 bytes");
	teardown();
	setup();
	/* the same in JSON */
	snprintf(text, sizeof(text), "[{\"osVersion\": \"26100.1\", \"deviceName\": \"%s\"}]", name);
	ck_assert_int_eq(parse_text(text, &skip), 0);
	ck_assert_str_eq(rep.rej[0].msg, "deviceName: longer than 256 bytes");
}
END_TEST

/* A header of n columns: name, build, then c3..cn. */
static char *
wide(size_t n)
{
	/* room for ",c" and 20 digits a column, and its "," */
	size_t cap = 32 + 24 * n, at;
	char *s = xmalloc(cap);

	at = (size_t)snprintf(s, cap, "name,build");
	for (size_t i = 3; i <= n; i++)
		at += (size_t)snprintf(s + at, cap - at, ",c%zu", i);
	at += (size_t)snprintf(s + at, cap - at, "\na,26100.1");
	for (size_t i = 3; i <= n; i++)
		at += (size_t)snprintf(s + at, cap - at, ",");
	snprintf(s + at, cap - at, "\n");
	return s;
}

START_TEST(limit_columns)
{
	char *s = wide(INV_MAX_COLUMNS);

	ck_assert_int_eq(parse_text(s, NULL), 0);
	ck_assert_uint_eq(inv.ndev, 1);
	/* 254 ignored, the warning cut short */
	ck_assert_msg(strncmp(rep.warn[0], "254 columns ignored: \"c3\", \"c4\", ",
	    strlen("254 columns ignored: \"c3\", \"c4\", ")) == 0, "%s", rep.warn[0]);
	ck_assert_ptr_nonnull(strstr(rep.warn[0], ", ..."));
	free(s);
	teardown();
	setup();
	s = wide(INV_MAX_COLUMNS + 1);
	ck_assert_int_eq(parse_text(s, NULL), -1);
	ck_assert_str_eq(rep.error, "line 1: more than 256 columns");
	free(s);
	teardown();
	setup();
	/* a data row far wider than the header is one bad row, not a fault */
	s = wide(INV_MAX_COLUMNS);
	char *row = xasprintf("name,build\nb,26100.1%s", strchr(s, '\n') + 10);
	ck_assert_int_eq(parse_text(row, &skip), 0);
	ck_assert_str_eq(rep.rej[0].msg, "256 values, the header has 2");
	free(row);
	free(s);
}
END_TEST

START_TEST(limit_rejects)
{
	/* 105 devices without a build: 100 listed, 105 counted */
	char *s = xstrdup("["), *t;

	for (int i = 0; i < INV_MAX_REJECTS + 5; i++) {
		t = xasprintf("%s%s{\"deviceName\": \"d%d\"}", s, i ? "," : "", i);
		free(s);
		s = t;
	}
	t = xasprintf("%s]", s);
	free(s);
	ck_assert_int_eq(parse_text(t, &skip), 0);
	ck_assert_uint_eq(rep.nrej, INV_MAX_REJECTS);
	ck_assert_uint_eq(rep.nrej_total, INV_MAX_REJECTS + 5);
	free(t);
}
END_TEST

static Suite *
inventory_suite(void)
{
	Suite *s = suite_create("inventory");
	TCase *lim = tcase_of("limits", setup, teardown, TESTS(limit_bytes, limit_rows,
	    limit_json_rows, limit_field, limit_columns, limit_rejects));

	tcase_set_timeout(lim, 120);
	suite_add_tcase(s, tcase_of("formats", setup, teardown, TESTS(ours, intune, graph,
	    default_ring, bare_array, all_columns, os_by_dialect, detect)));
	suite_add_tcase(s, tcase_of("csv", setup, teardown, TESTS(quoting, syntax, header)));
	suite_add_tcase(s, tcase_of("rows", setup, teardown, TESTS(bad_rows, all_or_nothing,
	    nul, json_bad, json_file, builds, times)));
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	return run_suite(inventory_suite());
}
