/*
 * feed.h: iCalendar feeds, built with libical (never pasted as strings).
 * Pure: building makes the events and their content hashes; the caller
 * (site.c) looks up each event's SEQUENCE and last change in the store;
 * rendering then turns the feed into RFC 5545 text (CRLF, folded lines).
 */
#ifndef HP_FEED_H
#define HP_FEED_H

#include "model.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum feed_kind {
	FEED_ALL,	/* /calendar.ics: every OS's Patch Tuesdays */
	FEED_OS,	/* /os/ID.ics: one OS's Patch Tuesdays (all-day events) */
	FEED_RING,	/* /rings/ID.ics: one ring's install windows and deadlines (timed) */
};

struct feed_opts {
	const char	*domain;	/* UID suffix: "hotpatch-win11-24h2-202611@<domain>" */
	int		 months_back;	/* horizon before the month of now */
	int		 months_ahead;	/* horizon after it */
	time_t		 now;		/* anchors the horizon; never written into the feed */
	int		 refresh_minutes;	/* REFRESH-INTERVAL and X-PUBLISHED-TTL */
};

/* One VEVENT with its identity and the fingerprint of everything but SEQUENCE/DTSTAMP. */
struct feed_event {
	char		*uid;
	uint64_t	 hash;		/* FNV-1a of the event's content */
	int		 sequence;	/* filled by the caller from the store */
	time_t		 changed;	/* DTSTAMP and LAST-MODIFIED; filled by the caller */
	void		*comp;		/* icalcomponent * (VEVENT), owned; NULL from feed_build_specs */
	char		*spec;		/* everything the event's text depends on (feed.c), owned */
	size_t		 spec_len;
};

struct feed {
	char			*name;		/* NAME / X-WR-CALNAME */
	char			*description;
	const char		*tzid;		/* the ring's zone for the VTIMEZONE; NULL if none */
	struct feed_event	*ev;
	size_t			 nev;
};

/*
 * Build the events of one feed (id: NULL for FEED_ALL, the OS or ring id
 * otherwise).  The window engine honours the blackouts in r (r->bo).
 * Returns 0, or -1 with *cause (unknown id).
 */
int feed_build(const struct caldata *c, const struct ringset *r, const struct feed_opts *o,
    enum feed_kind kind, const char *id, struct feed *out, char **cause);

/*
 * The same events as specs only: no components and no hashes (hash 0).
 * feedincr.c fills the hashes from its cache and renders from it.
 */
int feed_build_specs(const struct caldata *c, const struct ringset *r,
    const struct feed_opts *o, enum feed_kind kind, const char *id, struct feed *out,
    char **cause);

/* The feed as iCalendar text (allocated), once sequence/changed are set. */
char *feed_render(const struct feed *f, const struct feed_opts *o);

/*
 * The pieces feed_render's text is made of, for feedincr.c: the event a
 * spec describes as libical writes it without SEQUENCE, DTSTAMP and
 * LAST-MODIFIED (its hash, the one feed_build gives, in *hash); the
 * calendar's properties (the text before its first component); the
 * VTIMEZONE of tzid cut at the horizon ("" for none or UTC).  All allocated.
 */
char *feed_event_text(const char *spec, size_t len, uint64_t *hash);
char *feed_head_text(const struct feed *f, const struct feed_opts *o);
char *feed_zone_text(const char *tzid, const struct feed_opts *o);

/*
 * body, a rendered feed, with the calendar's RFC 7986 URL (base + "/", the
 * site's index) and SOURCE (base + path, the feed itself) after its other
 * calendar properties; allocated.  base is a checked address without a
 * trailing '/' (siteurl.h).  Feeds are rendered without them and given
 * them per address, so one rendering serves every address.
 */
char *feed_add_links(const char *body, const char *base, const char *path);

void feed_free(struct feed *f);

#endif
