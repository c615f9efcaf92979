/*
 * ctlbench: a load generator for the control socket, in the manner of
 * redis-benchmark: CLIENTS persistent connections, each sending one request
 * and waiting for its reply before the next, for SECONDS, from one thread.
 *
 *   ctlbench SOCKET CLIENTS SECONDS REQUEST-LINE
 *
 * Prints requests per second.  Any reply but 200 is an error and stops it.
 */
#include "clock.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BUF	(1 << 20)

struct client {
	int	 fd;
	char	*buf;
	size_t	 len;
	int	 greeted;
};

static void
die(const char *what)
{
	fprintf(stderr, "ctlbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(path);
	return fd;
}

static void
send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die("write");
		s += w;
		n -= (size_t)w;
	}
}

/* Bytes of a complete greeting or reply at the start of c->buf, or 0. */
static size_t
complete(const struct client *c)
{
	char *nl = memchr(c->buf, '\n', c->len);
	int code;
	size_t body;

	if (nl == NULL)
		return 0;
	if (!c->greeted)
		return (size_t)(nl - c->buf) + 1;
	if (sscanf(c->buf, "%d %zu", &code, &body) != 2 || code != 200) {
		fprintf(stderr, "ctlbench: reply: %.*s\n", (int)(nl - c->buf), c->buf);
		exit(1);
	}
	return c->len >= (size_t)(nl - c->buf) + 1 + body ? (size_t)(nl - c->buf) + 1 + body : 0;
}

int
main(int argc, char **argv)
{
	int n, seconds;
	struct client *c;
	struct pollfd *p;
	char *line;
	size_t llen;
	long done = 0;
	double start, end;

	if (argc != 5 || (n = atoi(argv[2])) < 1 || (seconds = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: ctlbench SOCKET CLIENTS SECONDS REQUEST-LINE\n");
		return 2;
	}
	llen = strlen(argv[4]) + 1;
	line = malloc(llen + 1);
	snprintf(line, llen + 1, "%s\n", argv[4]);
	c = calloc((size_t)n, sizeof(*c));
	p = calloc((size_t)n, sizeof(*p));
	for (int i = 0; i < n; i++) {
		c[i].fd = dial(argv[1]);
		c[i].buf = malloc(BUF);
		p[i] = (struct pollfd){ .fd = c[i].fd, .events = POLLIN };
	}
	start = now_s();
	end = start + seconds;
	for (double t = start; t < end; t = now_s()) {
		if (poll(p, (nfds_t)n, 1000) < 0 && errno != EINTR)
			die("poll");
		for (int i = 0; i < n; i++) {
			ssize_t r;
			size_t m;

			if (!(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			if ((r = read(c[i].fd, c[i].buf + c[i].len, BUF - c[i].len)) <= 0) {
				fprintf(stderr, "ctlbench: the daemon closed a connection\n");
				return 1;
			}
			c[i].len += (size_t)r;
			while ((m = complete(&c[i])) > 0) {
				memmove(c[i].buf, c[i].buf + m, c[i].len - m);
				c[i].len -= m;
				done += c[i].greeted;
				c[i].greeted = 1;
				send_all(c[i].fd, line, llen);
			}
		}
	}
	printf("requests %ld seconds %.2f requests_per_second %.0f\n", done, now_s() - start,
	    (double)done / (now_s() - start));
	return 0;
}
