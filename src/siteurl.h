/*
 * siteurl.h: the site's address in absolute links.  Pure: the checks of
 * http.public_url and of a request's Host header, and putting an address
 * into a page built before it was known.  Whatever these functions accept
 * is safe as it is in HTML attributes and in iCalendar URI values: letters,
 * digits and a few punctuation marks, never a quote, '<', '&', ',' or ';'.
 */
#ifndef HP_SITEURL_H
#define HP_SITEURL_H

#include <stdbool.h>
#include <stddef.h>

#define SITEURL_MAX	512	/* longest http.public_url */
#define SITEURL_HOST_MAX	255	/* longest host[:port], in a URL or a Host header */

/*
 * Check a public URL: http:// or https://, a host (name, IPv4 address or
 * [IPv6 address]), an optional :PORT (1..65535) and an optional path prefix
 * of letters, digits, '-', '.', '_', '~' and %XX escapes between '/'s (no
 * empty, "." or ".." segment, no escaped control character); no user name
 * or password, query, fragment, space or control character; at most
 * SITEURL_MAX bytes.  On success *out is the URL with its scheme and host in
 * lower case and no trailing '/' (allocated) and 0 is returned; otherwise
 * -1 with *cause (allocated; it never quotes the value).
 */
int siteurl_parse(const char *url, char **out, char **cause);

/*
 * The site's address as a request names it in its Host header ("HOST" or
 * "HOST:PORT", the host a name, an IPv4 address or a bracketed IPv6 one):
 * "http://host:port" in lower case (allocated), or NULL if host is not
 * exactly that.
 */
char *siteurl_from_host(const char *host);

/*
 * A page whose links depend on the address it is reached at is built once
 * with SITEURL_MARK as its base ("http://\x01/rings/a.ics", and from it
 * "webcal://\x01/rings/a.ics"), then siteurl_expand puts in each address.
 */
#define SITEURL_MARK	"http://\x01"

/*
 * tmpl (len bytes) with every "http://\x01" replaced by base and every
 * "webcal://\x01" by base's webcal:// form, both HTML-escaped.  With base
 * "" the links become relative to the site's root ("rings/a.ics").
 * Returns the text (allocated, NUL-terminated) and its length in *outlen.
 */
char *siteurl_expand(const char *tmpl, size_t len, const char *base, size_t *outlen);

#endif
