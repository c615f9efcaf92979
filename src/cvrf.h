/*
 * cvrf.h: one month of MSRC's release data (a CVRF document of the Security
 * Update Guide CVRF API, in JSON) read against the calendar: which month it
 * is, and for each OS whose msrc_products it lists, whether Microsoft shipped
 * a hotpatch, a baseline or a plain LCU, with the KB and build.  Pure: the
 * caller reads the file and decides what to store.
 */
#ifndef HP_CVRF_H
#define HP_CVRF_H

#include "model.h"

#include <stddef.h>
#include <time.h>

/* Limits on one document; a real month is a few MB and a few thousand products. */
#define CVRF_MAX_BYTES		(64u << 20)
#define CVRF_MAX_PRODUCTS	20000
#define CVRF_MAX_VULNS		5000
#define CVRF_MAX_REMEDIATIONS	500000	/* over every vulnerability */
#define CVRF_MAX_WARNINGS	50	/* then one line says how many more */
/*
 * Every Windows release MSRC lists is a product whose name begins so
 * ("Windows 11 Version 24H2 for x64-based Systems", "Windows Server 2025");
 * Office, .NET and the rest do not.  msrc_products must name such products,
 * and cvrf_reduce sends only them: a month's document then fits one request.
 */
#define CVRF_PRODUCT_PREFIX	"Windows "

/* The month one OS gets from the document. */
struct cvrf_pick {
	const struct os_def	*os;	/* in the caldata given to cvrf_read */
	struct release		 rel;	/* month, kind, unplanned, kb, build, note */
};

struct cvrf_result {
	char		*id;		/* DocumentTracking ID, "2026-Nov" */
	char		*title;		/* DocumentTitle, or NULL */
	ym_t		 month;
	struct cvrf_pick *pick;		/* in the calendar's OS order */
	size_t		 npick;
	char		**warn;		/* one sentence each, at most CVRF_MAX_WARNINGS + 1 */
	size_t		 nwarn;
	size_t		 nproducts;	/* FullProductName entries */
	size_t		 nunknown;	/* of them, names no OS lists: ignored */
};

/*
 * Read len bytes of JSON at text.  The month is the document's ID
 * ("YYYY-Mon"); one after the UTC month of now is refused.  For each OS of
 * cal with msrc_products: a "Security Hotpatch Update" remediation on one of
 * its products makes the month a hotpatch, else a "Security Update" makes it
 * a baseline (unplanned outside baseline_months), or an lcu before
 * hotpatch_start.  The KB is the remediation's Description, the build its
 * FixedBuild without "10.0."; of several, the highest build wins.
 * Returns 0 and fills *out (zeroed by the caller), or -1 with one sentence
 * in *err (allocated) and *out left empty.
 */
int cvrf_read(const char *text, size_t len, const struct caldata *cal, time_t now,
    struct cvrf_result *out, char **err);

void cvrf_result_free(struct cvrf_result *r);

/*
 * What a client sends instead of a whole document (MBs, where a request
 * line holds 64 KiB): the same checks as cvrf_read, then a document of the
 * same shape holding only its ID, title, the "Security Update" and
 * "Security Hotpatch Update" remediations merged by subtype, KB and build,
 * naming only Windows products (CVRF_PRODUCT_PREFIX) the tree defines, and
 * those products.  cvrf_read gives the same months and warnings from it,
 * except warnings about ProductIDs the tree does not define; nproducts and
 * nunknown count only the Windows products those remediations name.  Returns 0 with *out (allocated JSON, *outlen bytes),
 * or -1 with *err (allocated).
 */
int cvrf_reduce(const char *text, size_t len, time_t now, char **out, size_t *outlen,
    char **err);

/* What recording a pick would do to the months cal already publishes. */
enum cvrf_change {
	CVRF_NEW,	/* the month is not published yet */
	CVRF_SAME,	/* published with the same kind, KB and build */
	CVRF_DIFFERS,	/* published otherwise: replacing it must be said */
};

/* The change p makes, and the published month it meets (NULL for CVRF_NEW). */
enum cvrf_change cvrf_change_of(const struct cvrf_pick *p, const struct release **was);

#endif
