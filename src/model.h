/*
 * model.h: the in-memory data model shared by the loaders, the store and the
 * pure engines.  Loaders fill it from YAML, the store persists it and reads it
 * back, the engines only read it.  Every string is owned by its struct.
 */
#ifndef HP_MODEL_H
#define HP_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

/*
 * Years hotpatchd handles.  libical's recurrence iterator stops in 2582;
 * 2500 leaves room for offers that run into the following months.
 */
#define HP_YEAR_MIN	1970
#define HP_YEAR_MAX	2500

/*
 * The feeds' horizon by default (hotpatchd.yaml feed.months_back and
 * feed.months_ahead): the current month, 12 before it and 24 after, so 37
 * months in all.  A command's --months reaches as far (HP_HORIZON_MONTHS),
 * so whatever a feed shows, windows, plan and fleet can show at once.
 */
#define HP_HORIZON_BACK		12
#define HP_HORIZON_AHEAD	24
#define HP_HORIZON_MONTHS	(HP_HORIZON_BACK + 1 + HP_HORIZON_AHEAD)

/* A calendar month as a single number: year * 12 + (month - 1). */
typedef int ym_t;

static inline ym_t ym_make(int y, int m) { return y * 12 + (m - 1); }
static inline int ym_year(ym_t ym) { return ym / 12; }
static inline int ym_month(ym_t ym) { return ym % 12 + 1; }

/* The UTC calendar month of an instant. */
ym_t ym_of_time(time_t t);

/* "YYYY-MM" (years HP_YEAR_MIN..HP_YEAR_MAX); returns 0 on success, -1 if malformed. */
int ym_parse(const char *s, ym_t *out);
/* Writes "YYYY-MM" into buf (at least 8 bytes). */
char *ym_format(ym_t ym, char *buf);

struct ymd {
	int	y, m, d;
};

/* "YYYY-MM-DD", a real calendar date; returns 0 or -1. */
int ymd_parse(const char *s, struct ymd *out);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). */
char *ymd_format(struct ymd d, char *buf);
/* <0, 0, >0 like strcmp. */
static inline int
ymd_cmp(struct ymd a, struct ymd b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return a.d < b.d ? -1 : a.d > b.d;
}
bool ymd_is_set(struct ymd d);
/* Days since 1970-01-01 (negative before), proleptic Gregorian, and back. */
long ymd_days(struct ymd d);
struct ymd ymd_from_days(long days);
struct ymd ymd_add_days(struct ymd d, long days);
/* 0 = Sunday .. 6 = Saturday. */
int ymd_weekday(struct ymd d);
/* Days in month m (1..12) of year y. */
int ymd_days_in_month(int y, int m);

enum kind {
	KIND_LCU,		/* plain monthly cumulative update, restart */
	KIND_HOTPATCH,		/* security hotpatch, no restart */
	KIND_BASELINE,		/* quarterly (or unplanned) baseline, restart */
};
#define KIND_COUNT 3

/*
 * What a hotpatch month promises, and no more: the Windows security update
 * needs no restart, but .NET, drivers and firmware may still restart a
 * device (Microsoft's hotpatch documentation).
 */
#define HOTPATCH_NO_RESTART	"no restart for the Windows security update"
#define HOTPATCH_MAY_RESTART	".NET, drivers and firmware may still restart a device"

/* Where a month's kind came from, weakest first. */
enum source {
	SRC_PLANNED,
	SRC_OVERRIDE,
	SRC_PUBLISHED,
};

const char *kind_name(enum kind k);
int kind_parse(const char *s, enum kind *out);
const char *source_name(enum source s);
bool kind_needs_restart(enum kind k);

enum arch {
	ARCH_X64 = 1 << 0,
	ARCH_ARM64 = 1 << 1,
};
const char *arch_name(enum arch a);
int arch_parse(const char *s, enum arch *out);

/* A month as Microsoft published it for one OS. */
struct release {
	ym_t		 month;
	enum kind	 kind;
	bool		 unplanned;	/* a baseline that replaced a planned hotpatch */
	struct ymd	 date;		/* availability date; unset = Patch Tuesday */
	char		*kb;		/* "KB5094125" or NULL */
	char		*build;		/* "26100.32995" or NULL */
	char		*note;
	bool		 expedited;	/* every ring takes it at once (deferral 0, deadline 1, grace 1) */
	/* Provenance: the shipped calendar file, or published at run time (publish.h). */
	bool		 runtime;	/* published with hotpatchctl (or an import), not the file */
	char		*who;		/* run time: "uid 0 (root)"; NULL for the file's */
	time_t		 at;		/* run time: when; 0 for the file's */
	char		*origin;	/* run time: "hotpatchctl", or an import's label */
	struct release	*file;		/* run time: the file's entry for the same month, kept; NULL if none */
};

/* "KB" and 1..12 digits. */
bool kb_is_valid(const char *s);
/* Digits, a dot, digits (1..12 each): "26100.32995". */
bool build_is_valid(const char *s);

/* How an out-of-band release reaches devices. */
enum delivery {
	DELIVERY_AUTOMATIC,	/* offered through Windows Update like a monthly release */
	DELIVERY_CATALOG,	/* Microsoft Update Catalog only: never offered */
};
const char *delivery_name(enum delivery d);
int delivery_parse(const char *s, enum delivery *out);

/* An out-of-band release: an extra event outside Patch Tuesday. */
struct oob {
	struct ymd	 date;
	char		*kb;
	char		*build;
	bool		 restart;
	char		*note;
	enum delivery	 delivery;
	bool		 leaves_hotpatch;	/* installing it means LCUs until the next baseline */
};

struct os_def {
	char		*id;
	char		*name;
	unsigned	 arch;		/* mask of enum arch */
	ym_t		 hotpatch_start;	/* months before it are plain LCUs; 0 when never_hotpatch */
	bool		 never_hotpatch;	/* hotpatch: never; every month is an LCU */
	char		*min_build;	/* lowest build hotpatch supports ("26100.2033"), NULL = not known */
	ym_t		 hotpatch_default_from;	/* hotpatch on by default from this month; 0 = never */
	unsigned	 baseline_months;	/* bit m set = month m (1..12) is a planned baseline */
	struct release	*rel;		/* sorted by month, unique */
	size_t		 nrel;
	struct oob	*oob;		/* sorted by date */
	size_t		 noob;
	char		**msrc;		/* MSRC product names (CVRF FullProductName) of this OS */
	size_t		 nmsrc;
};

/* A deliberate change of one month's kind for one OS, with who, when and why. */
struct override {
	char		*os;
	ym_t		 month;
	enum kind	 kind;
	char		*reason;
	char		*who;		/* "data/calendar.yaml" for shipped ones, "uid 0 (root)" at run time */
	time_t		 at;		/* when it was made; 0 for shipped ones */
	bool		 runtime;	/* made with hotpatchctl, not shipped in the calendar */
};

struct caldata {
	struct os_def	*os;
	size_t		 nos;
	struct override	*ovr;
	size_t		 novr;
};

const struct os_def *caldata_find_os(const struct caldata *c, const char *id);
/* Published months over every OS. */
size_t caldata_count_published(const struct caldata *c);
void caldata_free(struct caldata *c);

/* A recurring maintenance window in the ring's time zone. */
enum win_type {
	WIN_WEEKLY,		/* on the given weekdays */
	WIN_OFFSET,		/* Patch Tuesday + offset_days */
};

struct mwindow {
	enum win_type	 type;
	unsigned	 days;		/* WIN_WEEKLY: bit 0 = Sunday .. bit 6 = Saturday */
	int		 offset_days;	/* WIN_OFFSET: -6..27 */
	int		 start_min;	/* minutes after local midnight */
	int		 duration_min;	/* elapsed minutes, 1..1440 */
};

/* What a blackout stops. */
enum bo_kind {
	BO_FREEZE,	/* no maintenance window opens; deadlines still force installs */
	BO_PAUSE,	/* quality updates paused: nothing is offered (at most PAUSE_MAX_DAYS) */
};
#define PAUSE_MAX_DAYS	35
const char *bo_kind_name(enum bo_kind k);
int bo_kind_parse(const char *s, enum bo_kind *out);

struct recur;		/* a recurring blackout's rule, compiled (recur.h) */

/*
 * A change freeze or an update pause.  Usually whole local days from..to, both inclusive, in
 * each ring's time zone; a timed one (from an .ics event with times) is the
 * UTC interval [start, end).
 *
 * A recurring one (rrule set) is a rule, never stored as copies: from..to
 * (or start..end) is its first occurrence, which gives each one's length,
 * and the window engine expands it for the years it plans (recur.h).
 */
struct blackout {
	long		 id;		/* database id; 0 for one not stored yet */
	char		*name;
	char		*ring;		/* NULL = every ring */
	struct ymd	 from;
	struct ymd	 to;
	bool		 timed;
	time_t		 start, end;	/* timed only */
	bool		 runtime;	/* added with hotpatchctl, not from a ring file */
	enum bo_kind	 kind;
	long		 from_day, to_day;	/* ymd_days of from and to; set by ringset_index */
	char		*rrule;		/* RFC 5545 RRULE value (the subset of recur.h); NULL = once */
	char		**except;	/* EXDATEs: "YYYY-MM-DD" a local day, or a UTC instant "...Z" */
	size_t		 nexcept;
	char		*tzid;		/* timed and recurring: the zone it repeats in; NULL = UTC */
	char		*tzdef;		/* that zone's VTIMEZONE from the imported file; NULL = built in */
	char		*import;	/* blackout import: the import's name; NULL otherwise */
	char		*uid;		/* the event's key in that import (its UID) */
	char		*rid;		/* an entry for one occurrence (RECURRENCE-ID, RDATE); else NULL */
	struct recur	*rule;		/* rrule compiled (recur_compile); owned, not stored */
	const struct blackout *of;	/* an occurrence: the recurring blackout it is one of */
};

/* A feature update of a ring's devices from one OS to another in a month. */
struct upgrade {
	char		*from;		/* OS ids, both in the ring's list */
	char		*to;
	ym_t		 month;
};

/* Whole days a dated blackout covers, from and to included. */
long blackout_days(const struct blackout *b);
/* False for a pause longer than PAUSE_MAX_DAYS (whole days, or a timed one by end - start). */
bool pause_fits(const struct blackout *b);

struct ring {
	char		*id;
	char		*name;
	char		**os;		/* OS ids */
	size_t		 nos;
	char		**groups;	/* directory groups whose devices it holds (any case) */
	size_t		 ngroups;
	int		 deferral_days;	/* 0..30 */
	int		 deadline_days;	/* 0..30 */
	int		 grace_days;	/* 0..7 */
	char		*timezone;	/* IANA name */
	bool		 hotpatch;	/* the ring is set to take hotpatches */
	bool		 hotpatch_set;	/* the ring file says so; else the OS default rules */
	ym_t		 hotpatch_since;	/* the month its hotpatch policy took effect; 0 = always */
	bool		 expedite;	/* follows expedited releases (default true) */
	struct upgrade	*upg;		/* sorted by month */
	size_t		 nupg;
	enum arch	 arch;
	bool		 vbs;
	bool		 chpe_disabled;
	bool		 licensed;
	int		 reminder_min;	/* VALARM before the window; -1 = none */
	struct mwindow	*win;
	size_t		 nwin;
	char		*file;		/* where it was defined, for messages */
	int		 line;
};

struct ringset {
	struct ring	*ring;
	size_t		 nring;
	struct blackout	*bo;		/* global and per-ring blackouts from the files */
	size_t		 nbo;
	struct ringindex *idx;		/* lookups; see ringset_index */
};

/* The ring with this id, or NULL: by the index where it reaches, else a scan. */
const struct ring *ringset_find(const struct ringset *r, const char *id);
/* Index the ids of rings added since the last call (cheap: only the new ones). */
void ringset_index_ids(struct ringset *r);
/* Index the ids, and list each ring's blackouts, once the set is complete. */
void ringset_index(struct ringset *r);
/* Drop the index only (ringset_free drops it too). */
void ringset_index_free(struct ringset *r);
/*
 * The occurrences of r's recurring blackouts by year, made as they are asked
 * for (recur.h); NULL if none recurs or r is not indexed as it is now: a
 * recurring blackout counts only in an indexed set.
 */
struct recur_years *ringset_years(const struct ringset *r);
void ringset_free(struct ringset *r);

void release_free(struct release *r);
void oob_free(struct oob *o);
void os_def_free(struct os_def *o);
void override_free(struct override *o);
void upgrade_free(struct upgrade *u);
void ring_free(struct ring *r);
void blackout_free(struct blackout *b);

#endif
