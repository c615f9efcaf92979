/*
 * http.c: the read-only HTTP feed server.  We bind the listening socket
 * ourselves (so a taken port is refused with our own message) and hand it to
 * libmicrohttpd in external epoll mode: no threads, every callback runs on
 * the daemon's poll loop.  Routing is site_get(); this file adds only the
 * HTTP around it: methods, conditional GET, caching headers, error pages.
 */
#include "daemon.h"
#include "encoding.h"
#include "http.h"
#include "log.h"
#include "planrange.h"
#include "sd.h"
#include "site.h"
#include "table.h"
#include "siteurl.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HTTP_CONN_TIMEOUT	30		/* seconds a client may stay idle */
/*
 * Connection counts and the header deadline come from the configuration
 * (http.max_connections, http.max_per_address, http.header_timeout).  MHD
 * itself may hold this many more than max_connections: it accepts up to 10
 * in a row, and the stalled ones we drop to make room close a turn later.
 */
#define HTTP_ACCEPT_SLACK	16
#define HTTP_CONN_MEMORY	(32u * 1024)	/* per connection: request line + headers + reply headers */

#define CACHE_NONE		"no-store"	/* error replies; pages say theirs (site.c) */

/*
 * A page's 200 and 304 replies, built once per version of the page and kept:
 * libmicrohttpd counts references to a reply, so one still being sent
 * outlives its replacement, and a request only queues what is here.
 */
struct replies {
	char			*path;
	const char		*body;		/* the page version they were built for, which
						   they hold, so its address cannot be reused */
	struct MHD_Response	*ok;
	struct MHD_Response	*not_modified;
	struct MHD_Response	*gz_ok;		/* the same in gzip: built on the first */
	struct MHD_Response	*gz_not_modified; /* request that accepts it, or NULL */
};

/*
 * One accepted connection (MHD's socket context).  While it waits for a
 * request's headers it is on the http's waiting list, oldest first: the
 * header deadline and the room made for new connections both take the head.
 */
struct conn {
	struct conn		*prev, *next;	/* on the waiting list */
	MHD_socket		 fd;
	unsigned long long	 since;		/* µs: accepted, or its last reply done */
	bool			 waiting;
	bool			 dropped;	/* shut down by us, MHD closes it */
	struct MHD_Connection	*c;
};

struct http {
	struct MHD_Daemon	*mhd;
	struct daemon		*d;
	int			 epoll_fd;
	char			*base;		/* "http://127.0.0.1:8080" */
	struct log_gate		 mhd_gate;	/* flood control: libmicrohttpd's messages */
	struct log_gate		 req_gate;	/* and the requests we log */
	struct log_gate		 drop_gate;	/* and the connections we drop */
	struct conn		*wait_head, *wait_tail;
	size_t			 nconn;		/* open connections */
	size_t			 max_conn;	/* http.max_connections */
	size_t			 drops;		/* connections dropped in this MHD_run */
	unsigned long long	 header_usec;	/* http.header_timeout */
	struct replies		*rep;
	size_t			 nrep, rep_cap;
	struct strindex		 rep_by_path;
};

/* libmicrohttpd's error log, one line each, into ours. */
__attribute__((format(printf, 2, 0)))
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http *h = cls;
	char buf[512];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	/* A flood (e.g. connections over the limit) is held back, and counted. */
	log_gated(h != NULL ? &h->mhd_gate : NULL, LOG_LEVEL_WARNING, "http: %s", buf);
}

/* ---- conditional requests, RFC 7232 (the parsing is in httpmsg.c) ---- */

/* What the client's cached copies are worth. */
enum cached {
	CACHED_NONE,		/* nothing that will do: 200 */
	CACHED_CHOSEN,		/* the encoding chosen for it: 304 with its ETag */
	CACHED_IDENTITY,	/* the body as it is (gzip was chosen): 304 with its ETag */
};

/*
 * Would the client's cached copy do?  If-None-Match wins over
 * If-Modified-Since.  etag is the chosen encoding's; identity, when gzip
 * was chosen, the plain body's, which will do as well: a client that
 * accepts gzip accepts the body as it is (RFC 9110 12.5.3).  A client not
 * accepting gzip is never told its gzip copy will do.
 */
static enum cached
not_modified(struct MHD_Connection *c, const struct page *pg, const char *etag,
    const char *identity)
{
	const char *inm, *ims;
	time_t since;

	if ((inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH)) != NULL) {
		if (etag_listed(inm, etag))
			return CACHED_CHOSEN;
		return identity != NULL && etag_listed(inm, identity) ? CACHED_IDENTITY :
		    CACHED_NONE;
	}
	if ((ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE)) != NULL && parse_http_date(ims, &since) == 0)
		return pg->modified <= since ? CACHED_CHOSEN : CACHED_NONE;
	return CACHED_NONE;
}

static enum MHD_Result
add_coding(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	if (strcasecmp(key, MHD_HTTP_HEADER_ACCEPT_ENCODING) == 0)
		accept_coding_add(cls, value);
	return MHD_YES;
}

/* Does the request accept gzip?  Every Accept-Encoding header counts, in order. */
static bool
wants_gzip(struct MHD_Connection *c)
{
	struct accept_coding a;

	accept_coding_init(&a);
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_coding, &a);
	return accept_coding_gzip(&a);
}

/* ---- replies ---- */

/* Queue r (NULL: out of memory) with status and drop our reference. */
static enum MHD_Result
queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Add header; on failure destroy r and return NULL. */
static struct MHD_Response *
header(struct MHD_Response *r, const char *name, const char *value)
{
	if (r != NULL && MHD_add_response_header(r, name, value) != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

/* A short text/plain error reply; mode: is text static, or copied (MHD_RESPMEM_MUST_COPY)? */
static enum MHD_Result
reply_text(struct MHD_Connection *c, unsigned status, const char *text,
    enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text, mode);
	r = header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	r = header(r, MHD_HTTP_HEADER_CACHE_CONTROL, CACHE_NONE);
	r = header(r, MHD_HTTP_HEADER_X_CONTENT_TYPE_OPTIONS, "nosniff");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		r = header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	return queue(c, status, r);
}

static enum MHD_Result
reply_error(struct MHD_Connection *c, unsigned status, const char *text)
{
	return reply_text(c, status, text, MHD_RESPMEM_PERSISTENT);
}

static void
replies_drop(struct http *h, struct replies *rp)
{
	struct MHD_Response **all[] = { &rp->ok, &rp->not_modified, &rp->gz_ok,
	    &rp->gz_not_modified };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i] != NULL)
			MHD_destroy_response(*all[i]);
		*all[i] = NULL;
	}
}

/*
 * The validators and caching headers of a page's replies, on r; with
 * Vary if the page may be sent in gzip, so caches keep the two apart.
 */
static struct MHD_Response *
validators(struct MHD_Response *r, const struct page *pg, const char *etag, const char *date)
{
	r = header(header(header(r, MHD_HTTP_HEADER_ETAG, etag),
	    MHD_HTTP_HEADER_LAST_MODIFIED, date), MHD_HTTP_HEADER_CACHE_CONTROL, pg->cache);
	if (gzip_worth(pg->type, pg->len))
		r = header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	return r;
}

/* A 200 sending len bytes at data, which pg's body holds (site_body_hold). */
static struct MHD_Response *
page_reply(const struct page *pg, const char *data, size_t len)
{
	struct MHD_Response *r;

	/* Held, not copied: the page may be rebuilt while a reply still sends it. */
	r = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)data,
	    site_body_release, site_body_hold(pg));
	r = header(r, MHD_HTTP_HEADER_CONTENT_TYPE, pg->type);
	return header(r, MHD_HTTP_HEADER_X_CONTENT_TYPE_OPTIONS, "nosniff");
}

/* Build the gzip replies for pg into rp (gz: its gzip body); false if out of memory. */
static bool
replies_build_gz(struct replies *rp, const struct page *pg, const char *gz, size_t len)
{
	char date[HTTP_DATE_MAX], etag[GZIP_ETAG_MAX];
	struct MHD_Response *ok, *nm;

	http_date(pg->modified, date);
	gzip_etag(pg->etag, etag);
	ok = header(page_reply(pg, gz, len), MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	nm = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	rp->gz_ok = validators(ok, pg, etag, date);
	rp->gz_not_modified = validators(nm, pg, etag, date);
	return rp->gz_ok != NULL && rp->gz_not_modified != NULL;
}

/* Build both replies for pg into rp; false if out of memory. */
static bool
replies_build(struct http *h, struct replies *rp, const struct page *pg)
{
	char date[HTTP_DATE_MAX];
	struct MHD_Response *nm;

	http_date(pg->modified, date);
	nm = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	rp->ok = validators(page_reply(pg, pg->body, pg->len), pg, pg->etag, date);
	rp->not_modified = validators(nm, pg, pg->etag, date);
	rp->body = pg->body;
	if (rp->ok != NULL && rp->not_modified != NULL)
		return true;
	replies_drop(h, rp);
	return false;
}

/* The kept replies for this version of pg, built if need be; NULL if out of memory. */
static struct replies *
replies_for(struct http *h, const struct page *pg)
{
	struct replies *rp;
	size_t pos;

	if (!strindex_get(&h->rep_by_path, pg->path, &pos)) {
		grow(&h->rep, h->nrep, &h->rep_cap, sizeof(*h->rep));
		pos = h->nrep++;
		h->rep[pos] = (struct replies){ .path = xstrdup(pg->path) };
		strindex_put(&h->rep_by_path, h->rep[pos].path, pos);
	}
	rp = &h->rep[pos];
	/* The same body, not just the same bytes: a rebuilt page's old body is let go. */
	if (rp->ok != NULL && rp->body == pg->body)
		return rp;
	replies_drop(h, rp);
	return replies_build(h, rp, pg) ? rp : NULL;
}

/* Which of rp's replies answers: in gzip or not, and what the client's cache holds. */
static struct MHD_Response *
reply_of(const struct replies *rp, bool gz, enum cached cached)
{
	if (cached == CACHED_IDENTITY || (!gz && cached == CACHED_CHOSEN))
		return rp->not_modified;
	if (cached == CACHED_CHOSEN)
		return rp->gz_not_modified;
	return gz ? rp->gz_ok : rp->ok;
}

/*
 * 200 with the page, or 304 with its validators if the client has it
 * already; in gzip if the request accepts it and the page has a gzip body
 * (site_body_gzip).  A page a query chose (pg->variant) gets replies of
 * its own, let go once sent: the site keeps a few such pages and keeping
 * their replies here too would let distinct queries pile them up.
 */
static enum MHD_Result
reply_page(struct http *h, struct MHD_Connection *c, const struct page *pg, unsigned *status)
{
	struct replies own = { 0 }, *rp = pg->variant ? &own : replies_for(h, pg);
	const char *gz = NULL;
	char gz_etag[GZIP_ETAG_MAX];
	size_t gz_len = 0;
	enum cached cached;
	enum MHD_Result ret;

	*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (rp == NULL || (pg->variant && !replies_build(h, rp, pg)))
		return MHD_NO;
	if (wants_gzip(c) && (gz = site_body_gzip(pg, &gz_len)) != NULL && rp->gz_ok == NULL &&
	    !replies_build_gz(rp, pg, gz, gz_len)) {
		replies_drop(h, rp);	/* out of memory: all built again next time */
		return MHD_NO;
	}
	gzip_etag(pg->etag, gz_etag);
	cached = gz != NULL ? not_modified(c, pg, gz_etag, pg->etag) :
	    not_modified(c, pg, pg->etag, NULL);
	*status = cached != CACHED_NONE ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	ret = MHD_queue_response(c, *status, reply_of(rp, gz != NULL, cached));
	if (pg->variant)
		replies_drop(h, rp);	/* MHD holds what it queued */
	return ret;
}

/* The request's query, decoded by MHD, as name=value pairs; those past the first few counted. */
struct query {
	struct query_arg	 arg[PLAN_QUERY_MAX];
	size_t			 n;		/* given, may exceed PLAN_QUERY_MAX */
};

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query *q = cls;

	(void)kind;
	if (q->n < PLAN_QUERY_MAX)
		q->arg[q->n] = (struct query_arg){ key, value };
	q->n++;
	return MHD_YES;
}

/* Does the request carry a body (or announce one)? */
static bool
has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return true;
	return cl != NULL && cl[strspn(cl, "0 \t")] != '\0';
}

/* The client's address, numeric, or "?". */
static void
client_address(struct MHD_Connection *c, char host[NI_MAXHOST])
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	socklen_t len = sa == NULL ? 0 : sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	if (sa == NULL || getnameinfo(sa, len, host, NI_MAXHOST, NULL, 0, NI_NUMERICHOST) != 0)
		strcpy(host, "?");
}

/*
 * One log line for a request, by its status: errors (4xx, 5xx) always,
 * through the flood gate, and slow requests; 200 and 304 only with -v.
 */
static void
log_response(struct http *h, struct MHD_Connection *c, const char *method, const char *url,
    unsigned status, long long ms, const char *detail)
{
	enum log_level level = status >= 500 ? LOG_LEVEL_ERR : status >= 400 ?
	    LOG_LEVEL_NOTICE : LOG_LEVEL_DEBUG;
	char host[NI_MAXHOST];

	if (!log_request_wanted(level, ms, h->d->cfg.slow_request_ms))
		return;		/* the usual case: no line, so no name lookup either */
	client_address(c, host);
	log_request(&h->req_gate, level, ms, h->d->cfg.slow_request_ms,
	    "http: %s \"%.32s %.200s\": %u%s%s", host, method, url, status,
	    detail != NULL ? " " : "", detail != NULL ? detail : "");
}

/* A refusal made on the headers alone, logged. */
static enum MHD_Result
refuse(struct http *h, struct MHD_Connection *c, const char *method, const char *url,
    unsigned status, const char *text)
{
	log_response(h, c, method, url, status, 0, NULL);
	return reply_error(c, status, text);
}

/* ---- the address the request reached us at ---- */

/* The Host headers of a request: how many, and the first. */
struct hosts {
	unsigned	 n;
	const char	*first;
};

static enum MHD_Result
count_host(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct hosts *hs = cls;

	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0 && hs->n++ == 0)
		hs->first = value;
	return MHD_YES;
}

/*
 * The site's address as the request names it, "http://host:port"
 * (allocated): from its one Host header, or, for HTTP/1.0 without one, as
 * bound.  NULL if the Host is not a plain host[:port] or there are several
 * (RFC 9112 3.2: 400).  X-Forwarded-* headers are never read: any client
 * can send them.
 */
static char *
request_base(struct http *h, struct MHD_Connection *c)
{
	struct hosts hs = { 0 };

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_host, &hs);
	if (hs.n == 0)
		return xstrdup(h->base);
	return hs.n == 1 && hs.first != NULL ? siteurl_from_host(hs.first) : NULL;
}

/* What *con_cls points at: how far a request has got. */
static const char bad_path, seen_headers, got_body, answered;

/* ---- connections: a deadline for the headers, and room for new ones ---- */

static struct conn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

static void
wait_remove(struct http *h, struct conn *k)
{
	if (!k->waiting)
		return;
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		h->wait_head = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	else
		h->wait_tail = k->prev;
	k->prev = k->next = NULL;
	k->waiting = false;
}

/* k starts waiting for a request's headers now: the newest wait, so last in line. */
static void
wait_append(struct http *h, struct conn *k)
{
	wait_remove(h, k);
	if (k->dropped)
		return;
	k->since = sd_monotonic_usec();
	k->prev = h->wait_tail;
	if (h->wait_tail != NULL)
		h->wait_tail->next = k;
	else
		h->wait_head = k;
	h->wait_tail = k;
	k->waiting = true;
}

/*
 * Close k, which has not sent a complete request.  MHD 0.9 cannot be told
 * to close a connection, but one whose socket is shut down reads EOF at
 * once, and MHD closes it in its next MHD_run.
 */
static void
conn_drop(struct http *h, struct conn *k, const char *why)
{
	char host[NI_MAXHOST];

	wait_remove(h, k);
	k->dropped = true;
	shutdown(k->fd, SHUT_RDWR);
	h->drops++;
	client_address(k->c, host);
	log_gated(&h->drop_gate, LOG_LEVEL_NOTICE, "http: %s: connection closed: %s", host, why);
}

/* Drop the connections that have been waiting for their headers too long. */
static void
conn_expire(struct http *h)
{
	unsigned long long now = sd_monotonic_usec();

	while (h->wait_head != NULL && now - h->wait_head->since >= h->header_usec)
		conn_drop(h, h->wait_head, "no complete request headers in time");
}

/*
 * MHD_OPTION_NOTIFY_CONNECTION.  A new connection waits for its headers.
 * One more than max_connections makes room: the connection that has
 * waited longest without sending a complete request is dropped, so a
 * flood of stalled connections cannot lock out a client that asks at once.
 */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http *h = cls;
	struct conn *k = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (k != NULL) {
			wait_remove(h, k);
			h->nconn--;
			free(k);
			*socket_context = NULL;
		}
		return;
	}
	if ((ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)) == NULL)
		return;
	k = xcalloc(1, sizeof(*k));
	k->c = c;
	k->fd = ci->connect_fd;
	*socket_context = k;
	h->nconn++;
	wait_append(h, k);
	if (h->nconn > h->max_conn && h->wait_head != k)
		conn_drop(h, h->wait_head, "connection limit reached, and it had waited longest "
		    "for a complete request");
}

/* MHD_OPTION_NOTIFY_COMPLETED: a kept-alive connection now waits for its next request. */
static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn *k = conn_of(c);

	if (k != NULL && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		wait_append(cls, k);
}

/* ---- the request target ---- */

/* MHD_OPTION_URI_LOG_CALLBACK: the raw target, before MHD decodes it; starts *con_cls. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	return http_path_ok(uri) ? NULL : (void *)&bad_path;
}

/*
 * MHD calls this once with the headers in and again once the request is
 * complete.  A request we refuse (method, body) is answered on the first
 * call, which also makes MHD drop any body and close the connection;
 * nothing here ever reads a body (no PostProcessor, ever).  Everything else
 * is answered on the second call, which keeps the connection alive.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http *h = cls;
	const struct page *pg;
	struct query q = { .n = 0 };
	char *cause = NULL, *bad = NULL, *base;
	unsigned long long start;
	unsigned status;
	enum MHD_Result ret;

	if (*con_cls == NULL || *con_cls == &bad_path) {
		bool path_ok = *con_cls == NULL;
		struct conn *k;

		/* The headers are in: the header deadline no longer applies. */
		if ((k = conn_of(c)) != NULL)
			wait_remove(h, k);
		*con_cls = (void *)&answered;
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return refuse(h, c, method, url, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method not allowed\n");
		if (!path_ok)
			return refuse(h, c, method, url, MHD_HTTP_BAD_REQUEST,
			    "control characters in the request path\n");
		if (has_body(c))
			return refuse(h, c, method, url, MHD_HTTP_CONTENT_TOO_LARGE,
			    "request bodies are not accepted\n");
		if ((base = request_base(h, c)) == NULL)
			return refuse(h, c, method, url, MHD_HTTP_BAD_REQUEST,
			    "bad Host header: one HOST or HOST:PORT is needed\n");
		free(base);
		*con_cls = (void *)&seen_headers;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		/* Answered already, or a body slipped through: discard it. */
		if (*con_cls != &answered)
			*con_cls = (void *)&got_body;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*con_cls == &answered)
		return MHD_YES;
	if (*con_cls == &got_body) {
		*con_cls = (void *)&answered;
		return refuse(h, c, method, url, MHD_HTTP_CONTENT_TOO_LARGE,
		    "request bodies are not accepted\n");
	}
	*con_cls = (void *)&answered;
	start = sd_monotonic_usec();
	/* MHD has cut the query string off url already: the route decides what it means. */
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
	base = h->d->cfg.public_url == NULL ? request_base(h, c) : NULL;
	if ((pg = site_get_req(h->d, url, q.arg, q.n, base, &bad, &cause)) != NULL) {
		ret = reply_page(h, c, pg, &status);
	} else if (bad != NULL) {
		status = MHD_HTTP_BAD_REQUEST;
		strappend(&bad, "\n");
		ret = reply_text(c, status, bad, MHD_RESPMEM_MUST_COPY);
	} else if (cause != NULL) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		ret = reply_error(c, status, "internal error\n");
	} else {
		status = MHD_HTTP_NOT_FOUND;
		ret = reply_error(c, status, "not found\n");
	}
	log_response(h, c, method, url, status, (long long)(sd_monotonic_usec() - start) / 1000,
	    cause);
	free(cause);
	free(bad);
	free(base);
	return ret;
}

/* ---- the listener ---- */

/* Split "host:port" or "[v6]:port" into host and port (both allocated). */
static int
split_listen(const char *listen_on, char **host, char **port, char **cause)
{
	const char *colon;

	if (listen_on[0] == '[') {
		const char *rb = strchr(listen_on, ']');

		if (rb == NULL || rb[1] != ':')
			goto bad;
		*host = xasprintf("%.*s", (int)(rb - listen_on - 1), listen_on + 1);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(listen_on, ':')) == NULL || strchr(listen_on, ':') != colon)
			goto bad;
		*host = xasprintf("%.*s", (int)(colon - listen_on), listen_on);
	}
	if ((*host)[0] == '\0' || colon[1] == '\0' || strspn(colon + 1, "0123456789") !=
	    strlen(colon + 1) || strlen(colon + 1) > 5 || atoi(colon + 1) > 65535) {
		free(*host);
		goto bad;
	}
	*port = xstrdup(colon + 1);
	return 0;
bad:
	*cause = xasprintf("bad HTTP listen address '%s' (expected ADDR:PORT, [ADDR]:PORT or off)",
	    listen_on);
	return -1;
}

/* Bind and listen on listen_on; returns the socket (non-blocking) or -1 with *cause. */
static int
listen_socket(const char *listen_on, char **cause)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE }, *ai;
	char *host, *port;
	int fd, err, one = 1;

	if (split_listen(listen_on, &host, &port, cause) < 0)
		return -1;
	err = getaddrinfo(host, port, &hints, &ai);
	free(host);
	free(port);
	if (err != 0) {
		*cause = xasprintf("bad HTTP listen address '%s': %s (a numeric address is needed)",
		    listen_on, gai_strerror(err));
		return -1;
	}
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol)) < 0) {
		*cause = xasprintf("HTTP: cannot create a socket for %s: %s", listen_on,
		    strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	/* SO_REUSEADDR only skips TIME_WAIT leftovers: a live listener still gets EADDRINUSE. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
		err = errno;
		*cause = err == EADDRINUSE ?
		    xasprintf("cannot listen for HTTP on %s: the port is taken by another program "
			"(choose another with --http ADDR:PORT or http.listen, or turn it off)",
			listen_on) :
		    xasprintf("cannot listen for HTTP on %s: %s", listen_on, strerror(err));
		close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* "http://ADDR:PORT" as actually bound. */
static char *
base_url(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return NULL;
	return ss.ss_family == AF_INET6 ? xasprintf("http://[%s]:%s", host, serv) :
	    xasprintf("http://%s:%s", host, serv);
}

/* Serve on the listening socket fd (closed on failure); what names it in errors. */
static struct http *
start_on(int fd, const char *listen_on, struct daemon *d, char **cause)
{
	const union MHD_DaemonInfo *info;
	struct http *h;

	h = xcalloc(1, sizeof(*h));
	h->d = d;
	h->mhd_gate.what = "http";
	h->req_gate.what = "http";
	h->drop_gate.what = "http";
	h->max_conn = (size_t)d->cfg.http_max_connections;
	h->header_usec = (unsigned long long)d->cfg.http_header_timeout * 1000000;
	if ((h->base = base_url(fd)) == NULL) {
		*cause = xasprintf("HTTP: cannot read back the address of %s: %s", listen_on,
		    strerror(errno));
		goto fail;
	}
	h->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_request, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,	/* first, or MHD logs to stderr */
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(h->max_conn + HTTP_ACCEPT_SLACK),
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)d->cfg.http_max_per_address,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		*cause = xasprintf("HTTP: libmicrohttpd %s failed to start on %s",
		    MHD_get_version(), listen_on);
		goto fail;
	}
	if ((info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD)) == NULL ||
	    info->epoll_fd < 0) {
		*cause = xasprintf("HTTP: libmicrohttpd %s has no epoll support", MHD_get_version());
		goto fail;
	}
	h->epoll_fd = info->epoll_fd;
	return h;
fail:
	if (h->mhd != NULL) {
		MHD_quiesce_daemon(h->mhd);
		MHD_stop_daemon(h->mhd);
	}
	close(fd);
	free(h->base);
	free(h);
	return NULL;
}

struct http *
http_start(const char *listen_on, struct daemon *d, char **cause)
{
	int fd;

	if ((fd = listen_socket(listen_on, cause)) < 0)
		return NULL;
	return start_on(fd, listen_on, d, cause);
}

struct http *
http_adopt(int fd, struct daemon *d, char **cause)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		*cause = xasprintf("HTTP socket from systemd (fd %d): %s", fd, strerror(errno));
		close(fd);
		return NULL;
	}
	return start_on(fd, "the socket passed by systemd", d, cause);
}

int
http_fd(const struct http *h)
{
	return h->epoll_fd;
}

int
http_timeout_ms(const struct http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	/*
	 * With no timeout of its own, still look in once a second: at its
	 * connection limit MHD stops watching the listener and only takes it
	 * back from inside MHD_run.
	 */
	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES)
		ms = 1000;
	/* The oldest wait for headers is the next one due (rounded up: not early). */
	if (h->wait_head != NULL) {
		unsigned long long now = sd_monotonic_usec(), due = h->wait_head->since +
		    h->header_usec, left = due <= now ? 0 : (due - now + 999) / 1000;

		if (left < ms)
			ms = left;
	}
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

void
http_run(struct http *h)
{
	int turn = 0;

	conn_expire(h);
	/*
	 * Connections dropped to make room in this run are closed by the next
	 * one: run again (a few times at most) so their slots are free now.
	 */
	do {
		h->drops = 0;
		if (MHD_run(h->mhd) != MHD_YES) {
			log_warn("http: libmicrohttpd could not process its connections");
			return;
		}
	} while (h->drops > 0 && ++turn < 4);
}

void
http_stop(struct http *h)
{
	MHD_socket fd;

	if (h == NULL)
		return;
	/* The listener is ours: take it back before MHD closes the connections. */
	if ((fd = MHD_quiesce_daemon(h->mhd)) != MHD_INVALID_SOCKET)
		close(fd);
	MHD_stop_daemon(h->mhd);
	log_gate_flush(&h->mhd_gate);
	log_gate_flush(&h->req_gate);
	log_gate_flush(&h->drop_gate);
	for (size_t i = 0; i < h->nrep; i++) {
		replies_drop(h, &h->rep[i]);
		free(h->rep[i].path);
	}
	free(h->rep);
	strindex_free(&h->rep_by_path);
	free(h->base);
	free(h);
}

const char *
http_base_url(const struct http *h)
{
	return h->base;
}
