/*
 * httpmsg.h: the pure parts of answering an HTTP request: dates, entity-tag
 * lists and the request target.  No sockets, no libmicrohttpd: tests and
 * fuzzers call them directly.
 */
#ifndef HP_HTTPMSG_H
#define HP_HTTPMSG_H

#include <stdbool.h>
#include <time.h>

#define HTTP_DATE_MAX	64

/* t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); 1970..9999 or the epoch. */
void http_date(time_t t, char buf[HTTP_DATE_MAX]);

/* An HTTP-date (IMF-fixdate, RFC 850 or asctime) as *t; returns 0 or -1. */
int parse_http_date(const char *s, time_t *t);

/*
 * Does the path of a request target (before any '?') percent-decode, as
 * libmicrohttpd decodes it, to text without control characters (NUL, CR, LF,
 * ...)?  Requests whose path does not are refused with 400.
 */
bool http_path_ok(const char *target);

/* Does the If-None-Match list name etag (weak comparison, "*" matches)? */
bool etag_listed(const char *list, const char *etag);

#endif
