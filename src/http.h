/*
 * http.h: the read-only HTTP feed server.  libmicrohttpd in external epoll
 * mode on a socket we bind ourselves: the daemon's poll loop waits on
 * http_fd() and calls http_run(), so every request is answered on the main
 * thread from the documents site.c keeps (no locks anywhere).
 */
#ifndef HP_HTTP_H
#define HP_HTTP_H

#include "httpmsg.h"	/* the pure helpers, for tests and fuzzers */

#include <stdbool.h>
#include <time.h>

struct daemon;
struct http;

/*
 * Listen on listen ("127.0.0.1:8080" or "[::1]:8080", numeric only) and
 * serve d's site.  Returns NULL with *cause if the address is bad, the port
 * is taken or libmicrohttpd cannot start.
 */
struct http *http_start(const char *listen, struct daemon *d, char **cause);

/* Serve d's site on fd, a listening TCP socket passed by systemd; NULL with *cause on error. */
struct http *http_adopt(int fd, struct daemon *d, char **cause);

/* The fd to poll for POLLIN (libmicrohttpd's epoll fd). */
int http_fd(const struct http *h);

/* Milliseconds until libmicrohttpd needs http_run() without any I/O, or -1 for none. */
int http_timeout_ms(const struct http *h);

/* Do whatever is ready: accept, read, answer, write, time out idle clients. */
void http_run(struct http *h);

/* Close the listener and every connection, free h.  NULL is fine. */
void http_stop(struct http *h);

/* The site's URL prefix as bound, without a trailing slash ("http://127.0.0.1:8080"). */
const char *http_base_url(const struct http *h);

#endif
