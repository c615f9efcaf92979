/*
 * feedincr.c: feeds from their kept pieces.  A rendered feed is the
 * calendar's head, its VTIMEZONE, each event's text with its SEQUENCE,
 * DTSTAMP and LAST-MODIFIED put in before its VALARM (libical writes a
 * component's properties before its subcomponents) and END:VCALENDAR.  The
 * stamps change with the store's bookkeeping, not with the event, so they
 * are written here and never kept.
 */
#include "feedincr.h"
#include "textbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Keys: an event's is its spec, which starts with a small op byte (feed.c); the others': */
#define KEY_HEAD	'H'
#define KEY_ZONE	'Z'

/* Where the stamps go: before the first subcomponent, else before END:VEVENT. */
static size_t
stamp_at(const char *text, size_t len)
{
	const char *sub = strstr(text, "\r\nBEGIN:"), *end = "END:VEVENT\r\n";
	size_t n = strlen(end);

	if (sub != NULL)
		return (size_t)(sub - text) + 2;
	return len >= n && strcmp(text + len - n, end) == 0 ? len - n : len;
}

/* An event's text kept, or rendered (and kept if it fits: else *own holds it). */
static struct fc_piece
event_piece(struct feedcache *c, const struct feed_event *e, char **own)
{
	const struct fc_piece *p;
	struct fc_piece got = { 0 };

	*own = NULL;
	if ((p = feedcache_get(c, e->spec, e->spec_len)) == NULL) {
		got.text = feed_event_text(e->spec, e->spec_len, &got.hash);
		got.len = strlen(got.text);
		got.split = stamp_at(got.text, got.len);
		if ((p = feedcache_put(c, e->spec, e->spec_len, (char *)got.text, got.len,
		    got.split, got.hash)) == NULL)
			*own = (char *)got.text;
	}
	return p != NULL ? *p : got;
}

void
feedincr_hash(struct feedcache *c, struct feed *f)
{
	for (size_t i = 0; i < f->nev; i++) {
		char *own;

		f->ev[i].hash = event_piece(c, &f->ev[i], &own).hash;
		free(own);
	}
}

/* "20261125T000000Z", as libical writes a UTC time. */
static void
utc_stamp(struct textbuf *out, const char *name, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	textbuf_printf(out, "%s:%04d%02d%02dT%02d%02d%02dZ\r\n", name, tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
add_event(struct textbuf *out, struct feedcache *c, const struct feed_event *e)
{
	char *own;
	struct fc_piece p = event_piece(c, e, &own);

	textbuf_add(out, p.text, p.split);
	textbuf_printf(out, "SEQUENCE:%d\r\n", e->sequence);
	utc_stamp(out, "DTSTAMP", e->changed);
	utc_stamp(out, "LAST-MODIFIED", e->changed);
	textbuf_add(out, p.text + p.split, p.len - p.split);
	free(own);
}

/* A kept piece made by make from the key's fields (each NUL-terminated). */
static void
add_kept(struct textbuf *out, struct feedcache *c, const struct textbuf *key,
    char *(*make)(const struct feed *, const char *, const struct feed_opts *),
    const struct feed *f, const char *tzid, const struct feed_opts *o)
{
	const struct fc_piece *p = feedcache_get(c, key->s, key->len);
	char *text;

	if (p != NULL) {
		textbuf_add(out, p->text, p->len);
		return;
	}
	text = make(f, tzid, o);
	textbuf_add(out, text, strlen(text));
	if (feedcache_put(c, key->s, key->len, text, strlen(text), 0, 0) == NULL)
		free(text);
}

static char *
make_head(const struct feed *f, const char *tzid, const struct feed_opts *o)
{
	return feed_head_text(f, o);
}

static char *
make_zone(const struct feed *f, const char *tzid, const struct feed_opts *o)
{
	return feed_zone_text(tzid, o);
}

/* A key field: the text and its NUL (a missing one as a lone 0x01 byte). */
static void
key_str(struct textbuf *key, const char *s)
{
	if (s == NULL)
		s = "\001";
	textbuf_add(key, s, strlen(s) + 1);
}

/* The horizon's first month and what else the head and VTIMEZONE depend on. */
static void
key_opts(struct textbuf *key, const struct feed_opts *o)
{
	textbuf_printf(key, "%d %d %d", ym_of_time(o->now), o->months_back, o->refresh_minutes);
	textbuf_add(key, "", 1);
}

char *
feedincr_render(struct feedcache *c, const struct feed *f, const struct feed_opts *o)
{
	struct textbuf out = { 0 }, head = { 0 }, zone = { 0 };
	char k;

	k = KEY_HEAD;
	textbuf_add(&head, &k, 1);
	key_str(&head, f->name);
	key_str(&head, f->description);
	key_str(&head, f->tzid);
	key_opts(&head, o);
	add_kept(&out, c, &head, make_head, f, f->tzid, o);
	k = KEY_ZONE;
	textbuf_add(&zone, &k, 1);
	key_str(&zone, f->tzid);
	key_opts(&zone, o);
	add_kept(&out, c, &zone, make_zone, f, f->tzid, o);
	for (size_t i = 0; i < f->nev; i++)
		add_event(&out, c, &f->ev[i]);
	textbuf_add(&out, "END:VCALENDAR\r\n", 15);
	free(head.s);
	free(zone.s);
	return out.s;
}
