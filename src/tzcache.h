/*
 * tzcache.h: a time zone's UTC offsets, asked of libical once per zone and
 * year and then kept.  Planning converts millions of times between local
 * and UTC time in a handful of zones; each libical lookup costs about a
 * microsecond, a kept one a few nanoseconds, and the answers are the same.
 */
#ifndef HP_TZCACHE_H
#define HP_TZCACHE_H

#include <time.h>

struct tzone;

/*
 * The zone with this IANA name, or UTC for "UTC" and for names libical
 * does not know (the loaders reject those).  Zones live as long as the
 * process; asking again for a name returns the same zone.
 */
struct tzone *tz_zone(const char *name);

/* Seconds east of UTC in effect in z at the UTC instant t. */
int tz_offset(struct tzone *z, time_t t);

/*
 * The same, and the stretch [*from, *until) around t where that offset
 * holds throughout (at most to the end of t's year; just t itself for an
 * instant the cache does not keep): callers asking about instants close
 * together need ask only once.
 */
int tz_offset_stretch(struct tzone *z, time_t t, time_t *from, time_t *until);

/* The same, asked of libical directly (for tests and years outside the cache). */
int tz_offset_uncached(const char *name, time_t t);

/*
 * Forget every kept zone, then free libical's built-in zones, which the
 * kept ones point into: the one way to free those (at exit, in tests).
 */
void tz_free_all(void);

#endif
