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
feedincr_hash(struct feedcache *c, struct feed *f, struct feedincr *fi)
{
	fi->ev = xcalloc(f->nev ? f->nev : 1, sizeof(*fi->ev));
	fi->n = f->nev;
	for (size_t i = 0; i < f->nev; i++) {
		fi->ev[i].piece = event_piece(c, &f->ev[i], &fi->ev[i].own);
		f->ev[i].hash = fi->ev[i].piece.hash;
	}
}

void
feedincr_free(struct feedincr *fi)
{
	for (size_t i = 0; i < fi->n; i++)
		free(fi->ev[i].own);
	free(fi->ev);
	*fi = (struct feedincr){ 0 };
}

/* n in decimal at p (a minus sign first if negative); returns the end. */
static char *
put_int(char *p, long long n)
{
	char digits[24];
	size_t k = 0;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	if (n < 0)
		*p++ = '-';
	do
		digits[k++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	while (k > 0)
		*p++ = digits[--k];
	return p;
}

/* v in exactly width digits at p (v < 10^width); returns the end. */
static char *
put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + width;
}

/* "20261125T000000Z", as libical writes a UTC time; returns the end. */
static char *
put_utc(char *p, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	p = put_digits(p, tm.tm_year + 1900, 4);
	p = put_digits(p, tm.tm_mon + 1, 2);
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	p = put_digits(p, tm.tm_min, 2);
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = 'Z';
	return p;
}

/*
 * SEQUENCE, DTSTAMP and LAST-MODIFIED, written by hand: three printf calls
 * an event were a tenth of an export's time at 180,000 events.
 */
static void
add_stamps(struct textbuf *out, int sequence, time_t changed)
{
	char buf[128], *p = buf, when[24];
	size_t n = (size_t)(put_utc(when, changed) - when);

	memcpy(p, "SEQUENCE:", 9);
	p = put_int(p + 9, sequence);
	memcpy(p, "\r\nDTSTAMP:", 10);
	memcpy(p += 10, when, n);
	memcpy(p += n, "\r\nLAST-MODIFIED:", 16);
	memcpy(p += 16, when, n);
	memcpy(p += n, "\r\n", 2);
	textbuf_add(out, buf, (size_t)(p + 2 - buf));
}

static void
add_event(struct textbuf *out, const struct fc_piece *p, const struct feed_event *e)
{
	textbuf_add(out, p->text, p->split);
	add_stamps(out, e->sequence, e->changed);
	textbuf_add(out, p->text + p->split, p->len - p->split);
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
feedincr_render(struct feedcache *c, const struct feed *f, const struct feedincr *fi,
    const struct feed_opts *o)
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
		add_event(&out, &fi->ev[i].piece, &f->ev[i]);
	textbuf_add(&out, "END:VCALENDAR\r\n", 15);
	free(head.s);
	free(zone.s);
	return out.s;
}
