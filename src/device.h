/*
 * device.h: one device of an inventory (issue "Devices"), as the import
 * parsers produce it and the engine reads it.  Pure data: parsers
 * (inventory.c) fill it from CSV or Microsoft Graph JSON, the store keeps
 * it, the engine (device.c) answers for it.  Every string is owned.
 *
 * A fact the inventory does not give is unknown (TRI_UNKNOWN, NULL, 0),
 * never guessed: the engine then falls back to the ring's device facts and
 * says so in its reasons.
 */
#ifndef HP_DEVICE_H
#define HP_DEVICE_H

#include "model.h"
#include "windows.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A yes/no fact an inventory may not carry. */
enum tri {
	TRI_UNKNOWN = -1,
	TRI_NO = 0,
	TRI_YES = 1,
};

struct device {
	char		*name;		/* unique in an inventory (case-insensitive) */
	char		*ring;		/* ring id: its own, or its group's when ring_by_group */
	char		*group;		/* group column, matched against rings' groups; NULL if none */
	bool		 ring_by_group;	/* ring came from a ring's groups: (placement.h), never stored */
	char		*os;		/* OS id (from the build, or an os column); NULL if unknown */
	unsigned	 build;		/* OS build: 26100 of 10.0.26100.4066; 0 if unknown */
	unsigned	 ubr;		/* update build revision: 4066; 0 if unknown */
	unsigned	 arch;		/* enum arch, 0 if unknown */
	enum tri	 vbs;		/* virtualization-based security running */
	enum tri	 chpe_disabled;	/* arm64: CHPE disabled (HotPatchRestrictions=1) */
	char		*edition;	/* "Enterprise", "Pro", "Education", ... as given; NULL */
	enum tri	 licensed;	/* an eligible licence (or Arc enrolment) */
	time_t		 last_seen;	/* 0 if unknown */
	long		 line;		/* where it was read (CSV line, JSON array index + 1) */
};

struct inventory {
	struct device	*dev;
	size_t		 ndev;
};

void device_free(struct device *d);
void inventory_free(struct inventory *inv);

/* The engine (device.c, fleet.c): pure, doc/rules.md "Devices". */

/* How device_os found a device's OS, or why it did not. */
enum os_found {
	OSF_FOUND,
	OSF_NO_BUILD,		/* no build and no OS id */
	OSF_UNKNOWN_BUILD,	/* a build the table does not know: never guessed */
	OSF_NEED_HINT,		/* client and server share the build; nothing says which */
	OSF_NOT_IN_CALENDAR,	/* the calendar has no OS for it (or not the id given) */
	OSF_AMBIGUOUS,		/* several calendar OSes fit, and the ring does not pick one */
};
const char *os_found_words(enum os_found f);

struct os_match {
	enum os_found		 found;
	const char		*version;	/* "Windows 11, version 24H2"; NULL for an unknown build */
	const struct os_def	*os;		/* OSF_FOUND */
};

/* The version a build is, by the table: server picks when client and server share it. */
const char *build_version(unsigned build, bool server);

/*
 * The calendar OS of device d: its OS id when the inventory gives one, else
 * its build by the table.  hint is the OS name or edition ("Windows Server
 * 2025 Datacenter", Graph's operatingSystem); it says server when it
 * contains "server".  r (may be NULL) picks among several fitting OSes,
 * and between client and server without a hint when it lists only one.
 */
void device_os(const struct caldata *c, const struct ring *r, const struct device *d,
    const char *hint, struct os_match *out);

/* Where a device's build stands against the latest baseline before a month. */
enum dev_base {
	DB_UNKNOWN,	/* no UBR, no build to compare with, or another OS's build: see why */
	DB_ON,		/* at or above the latest baseline's build (a hotpatch build is above it) */
	DB_BELOW,	/* below it: a catch-up (or the LCU) comes next */
	/* Without the baseline's own build, the published months around it decide. */
};

struct dev_baseline {
	enum dev_base		 base;
	const char		*why;		/* DB_UNKNOWN: why (static) */
	ym_t			 month;		/* the latest baseline month before the first; 0 if none */
	const struct release	*latest;	/* its published entry; NULL if none (or no build) */
	bool			 below_floor;	/* below os->min_build */
};

/* The latest baseline month of os before first (overrides and plans included) against d's build. */
void device_baseline(const struct caldata *c, const struct os_def *os, const struct device *d,
    ym_t first, struct dev_baseline *out);

/* Facts the inventory did not give, for which the ring's were used (bits). */
enum dev_fact {
	DF_ARCH = 1 << 0,
	DF_VBS = 1 << 1,
	DF_CHPE = 1 << 2,
	DF_LICENCE = 1 << 3,
};
#define DF_COUNT	4
/* "VBS not reported: the ring's setting is used", for one bit. */
const char *dev_fact_words(enum dev_fact f);

#define DEV_REASONS_MAX	8

struct dev_elig {
	bool		 eligible;
	const char	*reason[DEV_REASONS_MAX];	/* every reason, static strings */
	size_t		 nreason;
	unsigned	 from_ring;	/* DF_* bits */
	struct ring	 facts;		/* the ring with the device's facts; borrows the ring's strings */
};

/* Eligibility of device d of ring r for os, every reason listed (b: its build floor). */
void device_eligible(const struct ring *r, const struct os_def *os, const struct device *d,
    const struct dev_baseline *b, struct dev_elig *out);

/* All device.c knows of one device before its months. */
struct dev_answer {
	struct os_match		 os;
	struct dev_baseline	 base;		/* os found only */
	struct dev_elig		 elig;		/* os found only */
};

/*
 * device_os, then, when the OS is found, device_baseline and
 * device_eligible for ring r (NULL: the OS alone is looked for) from month
 * first.  Returns whether the OS was found and r given: then base and elig
 * are set.
 */
bool device_answer(const struct caldata *c, const struct ring *r, const struct device *d,
    const char *hint, ym_t first, struct dev_answer *out);

/* What the walker needs of a device: its verdict and, when the build says, its state. */
void device_walk_of(const struct dev_elig *e, const struct dev_baseline *b,
    struct walk_device *out);

/* The device's installs for months first..first+n-1 (out has n entries), ring r's timing. */
void device_months(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, const struct dev_elig *e, const struct dev_baseline *b,
    ym_t first, int n, struct install *out);

/* Fleet counts (fleet.c): per ring and month, how many devices install what, and why LCUs. */
struct fleet_why {
	const char	*text;		/* static */
	long		 n;
};

struct fleet_month {
	ym_t		 month;
	long		 install[INS_LCU + 1];	/* by enum install_kind */
	long		 restarts;
	struct fleet_why *why;		/* why devices take the LCU, most devices first */
	size_t		 nwhy;
};

struct fleet_ring {
	const struct ring	*ring;
	long			 devices;
	long			 eligible;
	long			 below_baseline;	/* DB_BELOW */
	long			 build_unknown;		/* DB_UNKNOWN: the ring's history is used */
	struct fleet_month	*month;			/* nmonth of them */
};

struct fleet {
	struct fleet_ring	*ring;		/* one per ring of the ring set, in its order */
	size_t			 nring;
	int			 nmonth;
	long			 no_ring;	/* no ring, or one the ring set does not have */
	long			 no_os;		/* device_os did not find the OS */
	size_t			 walks;		/* walks made: one per group of alike devices */
};

/*
 * Count inv's devices placed by their ring id, for months first..first+n-1
 * (n >= 1); resolve groups to ring ids before.
 * Devices alike in ring, OS, facts and build state share one walk.
 * Returns 0, or -1 when n < 1 or out of memory (out is then empty).
 */
int fleet_count(const struct inventory *inv, const struct caldata *c, const struct ringset *rs,
    ym_t first, int n, struct fleet *out);
void fleet_free(struct fleet *f);

#endif
