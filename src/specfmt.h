/*
 * specfmt.h: numbers, dates and times appended to a textbuf by hand.  An
 * event's spec (feed.c) is a dozen such fields, built for every event of
 * every feed a change touches; printf's format parsing was most of that.
 * Each writes exactly what the printf format beside it writes, so the
 * specs, and the feed cache's keys, are the same bytes as before.
 */
#ifndef HP_SPECFMT_H
#define HP_SPECFMT_H

#include "model.h"
#include "textbuf.h"

#include <stdbool.h>
#include <time.h>

/* "%s" */
void sf_str(struct textbuf *b, const char *s);
/* "%0*llu": at least width digits */
void sf_uint(struct textbuf *b, unsigned long long v, int width);
/* "%lld" */
void sf_int(struct textbuf *b, long long v);
/* "%04d%02d%02d", or "%04d-%02d-%02d" with dashes (ymd_format for years 0-9999) */
void sf_ymd(struct textbuf *b, struct ymd d, bool dashes);
/* "%04d-%02d" of the month (ym_format for years 0-9999) */
void sf_ym(struct textbuf *b, ym_t m);
/* "%02d:%02d" of minute / 60 and minute % 60 */
void sf_hm(struct textbuf *b, int minute);
/* "2026-12-08 18:00 UTC": utc_format's UTC_MINUTE */
void sf_utc_minute(struct textbuf *b, time_t t);

#endif
