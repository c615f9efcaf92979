/*
 * device.c: one device against the calendar and its ring (doc/rules.md,
 * "Devices"): which OS its build is, whether it is on the latest baseline,
 * whether it is eligible and why not, and what it installs month by month.
 * Pure: the months come from the walker (state.c) with the device's verdict.
 */
#include "calendar.h"
#include "device.h"
#include "rings.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How far back a baseline month is looked for, as the walker does. */
#define BASELINE_BACK	24

/*
 * Build numbers (the third part of 10.0.BUILD.UBR) Microsoft gives each
 * version (facts §1.4, §8; Microsoft's release-information pages).  stem
 * finds the calendar OS: its id is the stem or starts with "stem-".
 */
static const struct build_row {
	unsigned	 build;
	bool		 server;
	const char	*version;
	const char	*stem;
} builds[] = {
	{ 19045, false, "Windows 10, version 22H2", "win10-22h2" },
	{ 20348, true, "Windows Server 2022", "ws2022" },
	{ 22631, false, "Windows 11, version 23H2", "win11-23h2" },
	{ 26100, false, "Windows 11, version 24H2", "win11-24h2" },
	{ 26100, true, "Windows Server 2025", "ws2025" },
	{ 26200, false, "Windows 11, version 25H2", "win11-25h2" },
	{ 26300, false, "Windows 11, version 26H2", "win11-26h2" },
	{ 28000, false, "Windows 11, version 26H1", "win11-26h1" },
};
#define NBUILDS	(sizeof(builds) / sizeof(builds[0]))

static const char *const found_words[] = {
	[OSF_FOUND] = "found",
	[OSF_NO_BUILD] = "no OS build and no OS given",
	[OSF_UNKNOWN_BUILD] = "an OS build hotpatchd does not know",
	[OSF_NEED_HINT] = "client and server share this build, and nothing says which",
	[OSF_NOT_IN_CALENDAR] = "the calendar has no OS for it",
	[OSF_AMBIGUOUS] = "several calendar OSes fit, and the ring does not pick one",
};

const char *
os_found_words(enum os_found f)
{
	return (unsigned)f < sizeof(found_words) / sizeof(found_words[0]) ? found_words[f] : "?";
}

/* The row of build for the class asked, the only row when just one class has it, else NULL. */
static const struct build_row *
build_row(unsigned build, bool server, bool *both)
{
	const struct build_row *one = NULL, *match = NULL;
	int n = 0;

	for (size_t i = 0; i < NBUILDS; i++) {
		if (builds[i].build != build)
			continue;
		n++;
		one = &builds[i];
		if (builds[i].server == server)
			match = &builds[i];
	}
	*both = n > 1;
	return n == 1 ? one : match;
}

const char *
build_version(unsigned build, bool server)
{
	bool both;
	const struct build_row *b = build_row(build, server, &both);

	return b != NULL ? b->version : NULL;
}

static bool
id_fits(const char *id, const char *stem)
{
	size_t n = strlen(stem);

	return strncmp(id, stem, n) == 0 && (id[n] == '\0' || id[n] == '-');
}

/* The one calendar OS of the stem, or the one of those r lists; else why not. */
static enum os_found
os_of_stem(const struct caldata *c, const struct ring *r, const char *stem,
    const struct os_def **out)
{
	size_t fit = 0, in_ring = 0;
	const struct os_def *any = NULL, *ringed = NULL;

	for (size_t i = 0; i < c->nos; i++) {
		if (!id_fits(c->os[i].id, stem))
			continue;
		fit++;
		any = &c->os[i];
		if (r != NULL && ring_has_os(r, any->id)) {
			in_ring++;
			ringed = any;
		}
	}
	if (fit == 1)
		*out = any;
	else if (in_ring == 1)
		*out = ringed;
	else
		return fit == 0 ? OSF_NOT_IN_CALENDAR : OSF_AMBIGUOUS;
	return OSF_FOUND;
}

/* Does ring r list an OS of this stem? */
static bool
ring_lists(const struct ring *r, const char *stem)
{
	for (size_t i = 0; i < r->nos; i++)
		if (id_fits(r->os[i], stem))
			return true;
	return false;
}

/* Client and server share build, nothing says which: r decides when it lists only one. */
static const struct build_row *
row_by_ring(const struct ring *r, unsigned build)
{
	const struct build_row *pick = NULL;

	for (size_t i = 0; r != NULL && i < NBUILDS; i++) {
		if (builds[i].build != build || !ring_lists(r, builds[i].stem))
			continue;
		if (pick != NULL)
			return NULL;
		pick = &builds[i];
	}
	return pick;
}

static bool
says_server(const char *hint)
{
	for (const char *p = hint; p != NULL && *p != '\0'; p++)
		if (strncasecmp(p, "server", 6) == 0)
			return true;
	return false;
}

void
device_os(const struct caldata *c, const struct ring *r, const struct device *d,
    const char *hint, struct os_match *out)
{
	const struct build_row *b;
	bool both;

	memset(out, 0, sizeof(*out));
	if (d->os != NULL) {
		out->os = caldata_find_os(c, d->os);
		out->version = out->os != NULL ? out->os->name : NULL;
		out->found = out->os != NULL ? OSF_FOUND : OSF_NOT_IN_CALENDAR;
		return;
	}
	if (d->build == 0) {
		out->found = OSF_NO_BUILD;
		return;
	}
	b = build_row(d->build, says_server(hint), &both);
	if (both && hint == NULL)
		b = row_by_ring(r, d->build);
	if (b == NULL) {
		out->found = both ? OSF_NEED_HINT : OSF_UNKNOWN_BUILD;
		return;
	}
	out->version = b->version;
	out->found = os_of_stem(c, r, b->stem, &out->os);
}

/* "26100.8875" into its two numbers; false if it is not one. */
static bool
build_split(const char *s, unsigned *major, unsigned *minor)
{
	char *end;

	if (s == NULL || !build_is_valid(s))
		return false;
	*major = (unsigned)strtoul(s, &end, 10);
	*minor = (unsigned)strtoul(end + 1, NULL, 10);
	return true;
}

/* The latest baseline month of os before first, within reach; 0 if none. */
static ym_t
latest_baseline(const struct caldata *c, const struct os_def *os, ym_t first)
{
	for (ym_t m = first - 1; m >= first - BASELINE_BACK; m--) {
		struct month_info mi;

		cal_month(c, os, m, &mi);
		if (mi.kind == KIND_BASELINE)
			return m;
	}
	return 0;
}

static bool
below_floor(const struct os_def *os, const struct device *d)
{
	unsigned major, minor;

	if (d->ubr == 0 || !build_split(os->min_build, &major, &minor) || major != d->build)
		return false;
	return d->ubr < minor;
}

/* The revision of os's published release of month, when it has one of d's build. */
static bool
published(const struct os_def *os, const struct device *d, ym_t month, unsigned *rev)
{
	const struct release *r = cal_find_release(os, month);
	unsigned major;

	return r != NULL && build_split(r->build, &major, rev) && major == d->build;
}

/*
 * The baseline of month m has no published build.  Revisions rise month
 * after month (facts §1.4), so a build at or below an earlier month's
 * release is below the baseline, and one at or above a later month's
 * (before first) is at or above it.  DB_UNKNOWN when neither tells.
 */
static enum dev_base
bracket(const struct os_def *os, const struct device *d, ym_t m, ym_t first)
{
	unsigned rev;

	for (ym_t b = m - 1; b >= m - BASELINE_BACK; b--)
		if (published(os, d, b, &rev)) {
			if (d->ubr <= rev)
				return DB_BELOW;
			break;
		}
	for (ym_t a = first - 1; a > m; a--)
		if (published(os, d, a, &rev))
			return d->ubr >= rev ? DB_ON : DB_UNKNOWN;
	return DB_UNKNOWN;
}

/* Where d's build stands against the baseline month m of os, planning from first. */
static void
against(const struct os_def *os, const struct device *d, ym_t m, ym_t first,
    struct dev_baseline *out)
{
	unsigned rev;

	out->month = m;
	out->latest = m != 0 ? cal_find_release(os, m) : NULL;
	if (os->never_hotpatch || m == 0)
		out->why = "no baseline of this OS to compare with";
	else if (d->build == 0 || d->ubr == 0)
		out->why = "the device's build is not known";
	else if (published(os, d, m, &rev))
		out->base = d->ubr < rev ? DB_BELOW : DB_ON;
	else if (out->latest != NULL && out->latest->build != NULL)
		out->why = "the device's build is not one of this OS";
	else if ((out->base = bracket(os, d, m, first)) == DB_UNKNOWN)
		out->why = "the latest baseline has no published build, and the builds around "
		    "it do not tell";
}

void
device_baseline(const struct caldata *c, const struct os_def *os, const struct device *d,
    ym_t first, struct dev_baseline *out)
{
	memset(out, 0, sizeof(*out));
	out->below_floor = below_floor(os, d);
	against(os, d, os->never_hotpatch ? 0 : latest_baseline(c, os, first), first, out);
}

static const char *const fact_words[DF_COUNT] = {
	"architecture not reported: the ring's is used",
	"VBS not reported: the ring's setting is used",
	"CHPE not reported: the ring's setting is used",
	"licence not reported: the ring's setting is used",
};

const char *
dev_fact_words(enum dev_fact f)
{
	for (int i = 0; i < DF_COUNT; i++)
		if ((unsigned)f == 1u << i)
			return fact_words[i];
	return "?";
}

/* Whether word starts a word of s (case-insensitive). */
static bool
has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; *p != '\0'; p++)
		if ((p == s || !isalnum((unsigned char)p[-1])) && strncasecmp(p, word, n) == 0)
			return true;
	return false;
}

/*
 * What an edition says of the licence: TRI_NO for Pro (Pro Education and
 * Professional too) and Home, TRI_UNKNOWN otherwise: Enterprise, Education
 * and the Server editions are eligible given a licence, which the edition
 * alone does not show (facts §1.5).
 */
static enum tri
edition_licence(const char *edition)
{
	if (edition == NULL)
		return TRI_UNKNOWN;
	return has_word(edition, "pro") || has_word(edition, "home") ? TRI_NO : TRI_UNKNOWN;
}

/* The device's fact, or the ring's when it is unknown (and the bit set in *from_ring). */
static bool
fact(enum tri dev, bool ring, unsigned bit, unsigned *from_ring)
{
	if (dev != TRI_UNKNOWN)
		return dev == TRI_YES;
	*from_ring |= bit;
	return ring;
}

/* The ring with d's facts where d gives them. */
static void
device_facts(const struct ring *r, const struct device *d, struct dev_elig *out)
{
	struct ring *f = &out->facts;

	*f = *r;
	if (d->arch != 0)
		f->arch = (enum arch)d->arch;
	else
		out->from_ring |= DF_ARCH;
	f->vbs = fact(d->vbs, r->vbs, DF_VBS, &out->from_ring);
	if (f->arch == ARCH_ARM64)
		f->chpe_disabled = fact(d->chpe_disabled, r->chpe_disabled, DF_CHPE,
		    &out->from_ring);
	if (edition_licence(d->edition) == TRI_NO)
		f->licensed = false;
	else
		f->licensed = fact(d->licensed, r->licensed, DF_LICENCE, &out->from_ring);
}

static void
add_reason(struct dev_elig *e, const char *why)
{
	for (size_t i = 0; i < e->nreason; i++)
		if (e->reason[i] == why)
			return;
	if (e->nreason < DEV_REASONS_MAX)
		e->reason[e->nreason++] = why;
}

/* No yes/no member: the check of the architecture alone. */
#define ARCH_ALONE	((size_t)-1)

/*
 * The facts ring_eligible checks, in its order: a yes/no member of struct
 * ring, and whether the device's architecture goes with it (CHPE is an
 * arm64 fact) or one the OS supports, so that the architecture fails only
 * its own check.
 */
static const struct check {
	size_t	 member;
	bool	 device_arch;
} checks[] = {
	{ offsetof(struct ring, hotpatch), false },
	{ offsetof(struct ring, licensed), false },
	{ offsetof(struct ring, vbs), false },
	{ ARCH_ALONE, true },
	{ offsetof(struct ring, chpe_disabled), true },
};
#define NCHECKS	(sizeof(checks) / sizeof(checks[0]))

static bool *
flag(struct ring *r, size_t off)
{
	return (bool *)((char *)r + off);
}

/*
 * Every reason ring_eligible gives, not only the first: each fact is tried
 * alone on a ring where all the others pass, so each answer is its own.
 */
static void
every_reason(const struct os_def *os, struct dev_elig *e)
{
	struct ring pass = e->facts;
	const char *why;

	for (size_t i = 0; i < NCHECKS; i++)
		if (checks[i].member != ARCH_ALONE)
			*flag(&pass, checks[i].member) = true;
	if (os->arch != 0 && !(os->arch & pass.arch))
		pass.arch = (enum arch)(os->arch & -os->arch);	/* the lowest the OS supports */
	for (size_t i = 0; i < NCHECKS; i++) {
		struct ring one = pass;

		if (checks[i].member != ARCH_ALONE)
			*flag(&one, checks[i].member) = *flag(&e->facts, checks[i].member);
		if (checks[i].device_arch)
			one.arch = e->facts.arch;
		if (!ring_eligible(&one, os, &why))
			add_reason(e, why);
	}
}

void
device_eligible(const struct ring *r, const struct os_def *os, const struct device *d,
    const struct dev_baseline *b, struct dev_elig *out)
{
	memset(out, 0, sizeof(*out));
	device_facts(r, d, out);
	every_reason(os, out);
	if (b != NULL && b->below_floor && !os->never_hotpatch)
		add_reason(out, "the build is below this OS's minimum for hotpatch (min_build)");
	out->eligible = out->nreason == 0;
}

bool
device_answer(const struct caldata *c, const struct ring *r, const struct device *d,
    const char *hint, ym_t first, struct dev_answer *out)
{
	memset(out, 0, sizeof(*out));
	device_os(c, r, d, hint, &out->os);
	if (out->os.found != OSF_FOUND || r == NULL)
		return false;
	device_baseline(c, out->os.os, d, first, &out->base);
	device_eligible(r, out->os.os, d, &out->base, &out->elig);
	return true;
}

void
device_walk_of(const struct dev_elig *e, const struct dev_baseline *b, struct walk_device *out)
{
	memset(out, 0, sizeof(*out));
	out->eligible = e->eligible;
	out->not_eligible = e->eligible ? NULL : e->reason[0];
	out->state_known = b->base != DB_UNKNOWN;
	out->state = b->base == DB_BELOW ? ST_MISSED : ST_ON;
	out->cause_month = b->month;
}

void
device_months(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, const struct dev_elig *e, const struct dev_baseline *b,
    ym_t first, int n, struct install *out)
{
	struct walk_device wd;
	struct walk w;

	device_walk_of(e, b, &wd);
	walk_start_device(&w, c, rs, r, os, first, &wd);
	for (int i = 0; i < n; i++)
		walk_month(&w, &out[i]);
}
