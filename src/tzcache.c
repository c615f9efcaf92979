/*
 * tzcache.c: per zone and per UTC year, the offset at the start of the year
 * and every change during it, found by asking libical the offset at each
 * midnight UTC and bisecting to the second where it changed.  Real zones
 * change at most once in a day, so nothing between two probes is missed.
 */
#include "model.h"
#include "tzcache.h"
#include "util.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#define DAY		86400
/* UTC's one stretch: far enough either way for any instant the engine adds days to. */
#define TIME_EARLIEST	(-((time_t)1 << 60))
#define TIME_LATEST	((time_t)1 << 60)
#define YEARS		(HP_YEAR_MAX + 2 - HP_YEAR_MIN)
#define MAX_CHANGES	16	/* in one year; real zones have 0 to 4 */

struct change {
	time_t	at;		/* first second of the new offset */
	int	offset;
};

struct tzyear {
	int		start;		/* offset at 00:00 UTC on January 1st */
	size_t		n;
	struct change	ch[MAX_CHANGES];
};

struct tzone {
	char		*name;
	icaltimezone	*z;		/* NULL for UTC */
	struct tzyear	*year[YEARS];	/* filled as years are asked for */
	/*
	 * The stretch [from, until) of one offset, off, that the last answer
	 * came from: the engine asks about nearby instants many times over.
	 */
	time_t		 from, until;
	int		 off;
};

static struct {
	struct tzone	**v;
	size_t		 n, cap;
	struct strindex	 byname;
	struct tzone	*last;		/* planning asks for one ring's zone many times in a row */
} zones;

static icaltimezone *
libical_zone(const char *name)
{
	return strcmp(name, "UTC") == 0 ? NULL : icaltimezone_get_builtin_timezone(name);
}

static int
probe(icaltimezone *z, time_t t)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	struct icaltimetype u = icaltime_from_timet_with_zone(t, 0, utc);
	int dst;

	return z == NULL ? 0 : icaltimezone_get_utc_offset_of_utc_time(z, &u, &dst);
}

int
tz_offset_uncached(const char *name, time_t t)
{
	return probe(libical_zone(name), t);
}

struct tzone *
tz_zone(const char *name)
{
	struct tzone *z;
	size_t pos;

	if (zones.last != NULL && strcmp(zones.last->name, name) == 0)
		return zones.last;
	if (strindex_get(&zones.byname, name, &pos))
		return zones.last = zones.v[pos];
	z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(name);
	z->z = libical_zone(name);
	grow(&zones.v, zones.n, &zones.cap, sizeof(*zones.v));
	zones.v[zones.n] = z;
	strindex_put(&zones.byname, z->name, zones.n++);
	return zones.last = z;
}

static struct tzyear *
build_year(icaltimezone *z, int y)
{
	time_t t0 = (time_t)ymd_days((struct ymd){ y, 1, 1 }) * DAY;
	time_t t1 = (time_t)ymd_days((struct ymd){ y + 1, 1, 1 }) * DAY;
	struct tzyear *ty = xcalloc(1, sizeof(*ty));
	int prev = ty->start = probe(z, t0);

	for (time_t t = t0 + DAY; t <= t1; t += DAY) {
		int o = probe(z, t);
		time_t lo = t - DAY, hi = t;

		if (o == prev)
			continue;
		while (hi - lo > 1) {
			time_t mid = lo + (hi - lo) / 2;

			if (probe(z, mid) == prev)
				lo = mid;
			else
				hi = mid;
		}
		if (hi < t1 && ty->n < MAX_CHANGES)
			ty->ch[ty->n++] = (struct change){ hi, o };
		prev = o;
	}
	return ty;
}

/* The first instant of each year from HP_YEAR_MIN on, kept: start[k] is year HP_YEAR_MIN + k's. */
static const time_t *
year_starts(void)
{
	static time_t start[YEARS + 1];

	if (start[1] == 0)
		for (int k = 0; k <= YEARS; k++)
			start[k] = (time_t)ymd_days((struct ymd){ HP_YEAR_MIN + k, 1, 1 }) * DAY;
	return start;
}

/* The UTC year of t >= 0, from the kept starts of the years. */
static int
year_of(time_t t)
{
	const time_t *start = year_starts();
	int i;

	/* 365.2425 days a year: the guess is off by a year at most. */
	i = (int)((t - start[0]) / 31556952);
	if (i >= YEARS)
		return HP_YEAR_MIN + YEARS;
	while (i > 0 && t < start[i])
		i--;
	while (i < YEARS && t >= start[i + 1])
		i++;
	return HP_YEAR_MIN + i;
}

int
tz_offset(struct tzone *z, time_t t)
{
	struct tzyear *ty;
	size_t i;
	int y;

	if (z->z == NULL)
		return 0;
	if (t >= z->from && t < z->until)
		return z->off;
	y = t < 0 ? 0 : year_of(t);
	if (y < HP_YEAR_MIN || y >= HP_YEAR_MIN + YEARS)
		return probe(z->z, t);
	if ((ty = z->year[y - HP_YEAR_MIN]) == NULL)
		ty = z->year[y - HP_YEAR_MIN] = build_year(z->z, y);
	/* The stretch t is in: from the change before it (or the year's start) to the next. */
	z->from = year_starts()[y - HP_YEAR_MIN];
	z->off = ty->start;
	for (i = 0; i < ty->n && t >= ty->ch[i].at; i++) {
		z->from = ty->ch[i].at;
		z->off = ty->ch[i].offset;
	}
	z->until = i < ty->n ? ty->ch[i].at : year_starts()[y + 1 - HP_YEAR_MIN];
	return z->off;
}

int
tz_offset_stretch(struct tzone *z, time_t t, time_t *from, time_t *until)
{
	int off = tz_offset(z, t);

	if (z->z == NULL) {
		*from = TIME_EARLIEST;
		*until = TIME_LATEST;
	} else if (t >= z->from && t < z->until) {
		/* tz_offset left t's stretch in z, unless libical answered it directly. */
		*from = z->from;
		*until = z->until;
	} else {
		*from = t;
		*until = t + 1;
	}
	return off;
}

void
tz_free_all(void)
{
	for (size_t i = 0; i < zones.n; i++) {
		for (size_t y = 0; y < YEARS; y++)
			free(zones.v[i]->year[y]);
		free(zones.v[i]->name);
		free(zones.v[i]);
	}
	free(zones.v);
	strindex_free(&zones.byname);
	memset(&zones, 0, sizeof(zones));
	icaltimezone_free_builtin_timezones();
}
