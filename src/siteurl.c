/*
 * siteurl.c: the site's address in absolute links (http.public_url, the
 * Host header) and its expansion into pages built without it.  Pure.
 *
 * The checks are stricter than RFC 3986: an address that ends up in an
 * href, a webcal:// link and an iCalendar SOURCE must need no escaping in
 * any of them, so only the characters a host name, an address, a port and
 * a plain path prefix are made of get through.
 */
#include "siteurl.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STR(x)	#x
#define XSTR(x)	STR(x)

static const char name_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
static const char segment_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";

/* Are the len bytes at s all in set? */
static bool
all_in(const char *s, size_t len, const char *set)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return false;
	return true;
}

/* A host: a name ("cal.example.org", "intranet_1"), an IPv4 address or "[IPv6]". */
static bool
host_ok(const char *h, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a6;
	struct in_addr a4;

	if (len == 0)
		return false;
	if (h[0] == '[') {
		if (len < 4 || h[len - 1] != ']' || len - 2 >= sizeof(buf))
			return false;
		memcpy(buf, h + 1, len - 2);
		buf[len - 2] = '\0';
		return inet_pton(AF_INET6, buf, &a6) == 1;
	}
	if (!all_in(h, len, name_chars) || h[0] == '.' || h[0] == '-')
		return false;
	for (size_t i = 1; i < len; i++)
		if (h[i] == '.' && h[i - 1] == '.')
			return false;
	if (!all_in(h, len, "0123456789."))
		return true;
	/* Digits and dots only: that must be a real IPv4 address, not "999.1". */
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a4) == 1;
}

/* A port: 1..65535, at most 5 digits. */
static bool
port_ok(const char *p, size_t len)
{
	long v = 0;

	if (len == 0 || len > 5 || !all_in(p, len, "0123456789"))
		return false;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (p[i] - '0');
	return v >= 1 && v <= 65535;
}

/* "host" or "host:port", exactly len bytes of it. */
static bool
authority_ok(const char *a, size_t len)
{
	const char *end;
	size_t hlen;

	if (len == 0 || len > SITEURL_HOST_MAX)
		return false;
	if (a[0] == '[') {
		if ((end = memchr(a, ']', len)) == NULL)
			return false;
		hlen = (size_t)(end - a) + 1;
	} else {
		end = memchr(a, ':', len);
		hlen = end != NULL ? (size_t)(end - a) : len;
	}
	if (!host_ok(a, hlen))
		return false;
	return hlen == len || (a[hlen] == ':' && port_ok(a + hlen + 1, len - hlen - 1));
}

/* s (len bytes) in ASCII lower case, allocated. */
static char *
lower(const char *s, size_t len)
{
	char *v = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		v[i] = (char)tolower((unsigned char)s[i]);
	v[len] = '\0';
	return v;
}

char *
siteurl_from_host(const char *host)
{
	size_t len = strlen(host);
	char *h, *url;

	if (!authority_ok(host, len))
		return NULL;
	h = lower(host, len);
	url = xasprintf("http://%s", h);
	free(h);
	return url;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Why the path prefix p (len bytes, starting with '/', no trailing '/') is refused, or NULL. */
static const char *
path_fault(const char *p, size_t len)
{
	const char *seg = p + 1, *end = p + len;

	for (;;) {
		const char *slash = memchr(seg, '/', (size_t)(end - seg));
		size_t n = (size_t)((slash != NULL ? slash : end) - seg);

		if (n == 0)
			return "has an empty path segment ('//')";
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return "has a '.' or '..' path segment";
		for (size_t i = 0; i < n; i++) {
			int hi, lo;

			if (seg[i] != '%') {
				if (strchr(segment_chars, seg[i]) == NULL)
					return "has a character in its path other than letters, digits, "
					    "'-', '.', '_', '~', '/' and %XX escapes";
				continue;
			}
			if (i + 2 >= n)
				return "has a '%' that is not followed by two hex digits";
			hi = hexval(seg[i + 1]);
			lo = hexval(seg[i + 2]);
			if (hi < 0 || lo < 0)
				return "has a '%' that is not followed by two hex digits";
			if (hi * 16 + lo < 0x20 || hi * 16 + lo == 0x7f)
				return "has an escaped control character (%00..%1F or %7F) in its path";
			i += 2;
		}
		if (slash == NULL)
			return NULL;
		seg = slash + 1;
	}
}

/* Why url is refused, or NULL; *auth and *alen locate its host[:port]. */
static const char *
url_fault(const char *url, const char **auth, size_t *alen)
{
	size_t len = strlen(url);

	if (len > SITEURL_MAX)
		return "is longer than " XSTR(SITEURL_MAX) " bytes";
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return "has a space or a control character";
		if ((unsigned char)url[i] >= 0x80)
			return "has a non-ASCII character (write the host in punycode and "
			    "escape the path with %XX)";
	}
	if (strncasecmp(url, "http://", 7) == 0)
		*auth = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		*auth = url + 8;
	else
		return "must start with http:// or https://";
	if (strchr(url, '?') != NULL)
		return "has a query ('?'): links add their own paths to it";
	if (strchr(url, '#') != NULL)
		return "has a fragment ('#'): links add their own paths to it";
	*alen = strcspn(*auth, "/");
	if (memchr(*auth, '@', *alen) != NULL)
		return "has a user name or password ('user@'): links would show them to every "
		    "subscriber";
	if (!authority_ok(*auth, *alen))
		return "has no valid host[:port] (a host name, an IPv4 address or an IPv6 one "
		    "in brackets, and a port 1..65535)";
	return NULL;
}

int
siteurl_parse(const char *url, char **out, char **cause)
{
	const char *auth = NULL, *path, *why;
	size_t alen = 0, plen;
	char *head;

	if ((why = url_fault(url, &auth, &alen)) == NULL) {
		path = auth + alen;
		plen = strlen(path);
		while (plen > 0 && path[plen - 1] == '/')
			plen--;
		why = plen > 0 ? path_fault(path, plen) : NULL;
	}
	if (why != NULL) {
		*cause = xasprintf("the public URL %s (expected http(s)://HOST[:PORT][/PREFIX])",
		    why);
		return -1;
	}
	head = lower(url, (size_t)(auth + alen - url));
	*out = xasprintf("%s%.*s", head, (int)plen, path);
	free(head);
	return 0;
}

/* ---- expansion ---- */

struct out {
	char	*s;
	size_t	 len, cap;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = xreallocarray(o->s, o->cap, 1);
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

/* s with the five HTML specials escaped (none should be there: see the checks above). */
static char *
html_escaped(const char *s)
{
	struct out o = { 0 };

	put(&o, "", 0);
	for (; *s != '\0'; s++) {
		const char *ent = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" :
		    *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;

		if (ent != NULL)
			put(&o, ent, strlen(ent));
		else
			put(&o, s, 1);
	}
	return o.s;
}

char *
siteurl_expand(const char *tmpl, size_t len, const char *base, size_t *outlen)
{
	const char *p = tmpl, *end = tmpl + len, *m, *rest = strstr(base, "://");
	char *wc = xasprintf("webcal://%s", rest != NULL ? rest + 3 : base);
	char *http = html_escaped(base), *webcal = html_escaped(wc);
	struct out o = { 0 };

	put(&o, "", 0);
	while ((m = memchr(p, '\x01', (size_t)(end - p))) != NULL) {
		size_t pre = 0;
		const char *with = NULL;

		if (m - tmpl >= 9 && memcmp(m - 9, "webcal://", 9) == 0) {
			pre = 9;
			with = webcal;
		} else if (m - tmpl >= 7 && memcmp(m - 7, "http://", 7) == 0) {
			pre = 7;
			with = http;
		}
		if (with == NULL || m - pre < p) {
			put(&o, p, (size_t)(m + 1 - p));	/* not a mark: kept */
			p = m + 1;
			continue;
		}
		put(&o, p, (size_t)(m - pre - p));
		p = m + 1;
		if (*base == '\0' && p < end && *p == '/')
			p++;	/* relative: "rings/a.ics" */
		else
			put(&o, with, strlen(with));
	}
	put(&o, p, (size_t)(end - p));
	free(wc);
	free(http);
	free(webcal);
	*outlen = o.len;
	return o.s;
}
