/* specfmt.c: numbers, dates and times appended by hand (see specfmt.h). */
#include "specfmt.h"

#include <string.h>

void
sf_str(struct textbuf *b, const char *s)
{
	textbuf_add(b, s, strlen(s));
}

void
sf_uint(struct textbuf *b, unsigned long long v, int width)
{
	char d[24];
	int n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n < width && n < (int)sizeof(d))
		d[sizeof(d) - 1 - n++] = '0';
	textbuf_add(b, d + sizeof(d) - n, (size_t)n);
}

void
sf_int(struct textbuf *b, long long v)
{
	if (v >= 0) {
		sf_uint(b, (unsigned long long)v, 1);
		return;
	}
	textbuf_add(b, "-", 1);
	/* negated in unsigned arithmetic: LLONG_MIN has no positive twin */
	sf_uint(b, 0ull - (unsigned long long)v, 1);
}

/* printf's "%0Nd" of an int: the sign before the zeros. */
static void
sf_pad(struct textbuf *b, int v, int width)
{
	if (v < 0) {
		textbuf_add(b, "-", 1);
		sf_uint(b, 0ull - (unsigned long long)v, width - 1);
		return;
	}
	sf_uint(b, (unsigned long long)v, width);
}

void
sf_ymd(struct textbuf *b, struct ymd d, bool dashes)
{
	sf_pad(b, d.y, 4);
	if (dashes)
		textbuf_add(b, "-", 1);
	sf_pad(b, d.m, 2);
	if (dashes)
		textbuf_add(b, "-", 1);
	sf_pad(b, d.d, 2);
}

void
sf_ym(struct textbuf *b, ym_t m)
{
	sf_pad(b, ym_year(m), 4);
	textbuf_add(b, "-", 1);
	sf_pad(b, ym_month(m), 2);
}

void
sf_hm(struct textbuf *b, int minute)
{
	sf_pad(b, minute / 60, 2);
	textbuf_add(b, ":", 1);
	sf_pad(b, minute % 60, 2);
}

void
sf_utc_minute(struct textbuf *b, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return;		/* as utc_format: nothing */
	sf_ymd(b, (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday }, true);
	textbuf_add(b, " ", 1);
	sf_hm(b, tm.tm_hour * 60 + tm.tm_min);
	textbuf_add(b, " UTC", 4);
}
