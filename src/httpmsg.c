/*
 * httpmsg.c: HTTP dates (RFC 7231), If-None-Match lists (RFC 7232) and the
 * request-target check, apart from the server in http.c so they can be
 * tested and fuzzed without one.
 */
#include "httpmsg.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- dates: RFC 7231 section 7.1.1.1, independent of the locale ---- */

static const char wdays[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
	"Sep", "Oct", "Nov", "Dec" };

/* t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). */
void
http_date(time_t t, char buf[HTTP_DATE_MAX])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1970) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	snprintf(buf, HTTP_DATE_MAX, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday],
	    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
month_index(const char *m)
{
	for (int i = 0; i < 12; i++)
		if (strcmp(m, months[i]) == 0)
			return i;
	return -1;
}

/*
 * Parse an HTTP-date in any of the three forms a recipient must accept:
 * IMF-fixdate, RFC 850 and asctime.  Returns 0 and *t, or -1.
 */
int
parse_http_date(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	char wd[16], mon[4];
	int day, year, hh, mm, ss, end = 0;

	if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d GMT%n", wd, &day, mon, &year,
	    &hh, &mm, &ss, &end) == 7 && end > 0) {
		/* IMF-fixdate */
	} else if (end = 0, sscanf(s, "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d GMT%n", wd, &day,
	    mon, &year, &hh, &mm, &ss, &end) == 7 && end > 0) {
		/* RFC 850: a two-digit year; read it as 1970..2069 */
		year += year < 70 ? 2000 : 1900;
	} else if (end = 0, sscanf(s, "%3s %3s %2d %2d:%2d:%2d %4d%n", wd, mon, &day,
	    &hh, &mm, &ss, &year, &end) == 7 && end > 0) {
		/* asctime */
	} else
		return -1;
	if (s[end] != '\0' || month_index(mon) < 0 || day < 1 || day > 31 || year < 1970 ||
	    hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = month_index(mon);
	tm.tm_mday = day;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	*t = timegm(&tm);
	return *t == (time_t)-1 ? -1 : 0;
}

/* ---- conditional requests, RFC 7232 ---- */

/*
 * Does an If-None-Match list name etag ("\"...\"", strong)?  Weak comparison:
 * a W/ prefix is ignored; "*" matches any existing document.
 */
bool
etag_listed(const char *list, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = list, *q;

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return false;
		if (*p == '*' && (p[1] == '\0' || strchr(" \t,", p[1]) != NULL))
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '"' && (q = strchr(p + 1, '"')) != NULL) {
			if ((size_t)(q + 1 - p) == elen && memcmp(p, etag, elen) == 0)
				return true;
			p = q + 1;
		}
		/* skip the rest of this member, well-formed or not */
		p += strcspn(p, ",");
	}
}

/* ---- the request target ---- */

static int
hex_digit(char ch)
{
	static const char digits[] = "0123456789abcdef0123456789ABCDEF";
	const char *p = ch != '\0' ? strchr(digits, ch) : NULL;

	return p == NULL ? -1 : (int)(p - digits) % 16;
}

/*
 * Does the path of a request target (what comes before any '?') decode, as
 * MHD decodes it for on_request (each "%HH", nothing else), to text free of
 * control characters?  MHD hands the decoded path over as a C string: an
 * encoded NUL would cut it short, so that "/calendar.ics%00.html" were
 * served as "/calendar.ics", and an encoded CR or LF would reach the log.
 */
bool
http_path_ok(const char *target)
{
	for (const char *p = target; *p != '\0' && *p != '?'; p++) {
		unsigned char b = (unsigned char)*p;
		int hi, lo;

		if (b == '%' && (hi = hex_digit(p[1])) >= 0 && (lo = hex_digit(p[2])) >= 0) {
			b = (unsigned char)(hi << 4 | lo);
			p += 2;
		}
		if (b < 0x20 || b == 0x7f)
			return false;
	}
	return true;
}
