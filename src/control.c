/*
 * control.c: the control socket server.  Non-blocking, driven by the
 * daemon's poll loop; one short function per step of a connection's life.
 */
#include "commands.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "proto.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define OUT_HIGH_WATER	(8u << 20)	/* stop reading a client that does not read its replies */

struct conn {
	int		 fd;
	struct peer	 peer;
	char		*in;		/* PROTO_MAX_REQUEST bytes */
	size_t		 inlen;
	char		*out;
	size_t		 outlen, outoff, outcap;
	bool		 eof;		/* the peer sent everything it will */
	bool		 closing;	/* close once out is delivered */
	long long	 last;		/* monotonic milliseconds of the last activity */
	struct log_gate	*gate;		/* the control socket's flood control */
};

struct control {
	int			 fd;
	char			*path;
	bool			 adopted;	/* passed by systemd, which owns the path */
	struct log_gate		 gate;
	struct control_opts	 o;
	struct conn		**conn;
	size_t			 nconn;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is something answering on path?  Distinguishes a live daemon from a stale socket. */
static bool
socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

int
control_probe(const char *path, char **cause)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		*cause = xasprintf("socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (socket_alive(&sa)) {
		*cause = xasprintf("%s: another hotpatchd is already listening", path);
		return -1;
	}
	return 0;
}

static int
bind_socket(struct control *c, char **cause)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int r;

	if (strlen(c->path) >= sizeof(sa.sun_path)) {
		*cause = xasprintf("socket path too long: %s", c->path);
		return -1;
	}
	strcpy(sa.sun_path, c->path);
	if (lstat(c->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			*cause = xasprintf("%s exists and is not a socket", c->path);
			return -1;
		}
		if (socket_alive(&sa)) {
			*cause = xasprintf("%s: another hotpatchd is already listening", c->path);
			return -1;
		}
		log_info("removing stale socket %s", c->path);
		unlink(c->path);
	}
	/* Create it with no access for others at all, then open it up to the configured mode. */
	old = umask(0177);
	r = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0) {
		*cause = xasprintf("bind %s: %s", c->path, strerror(errno));
		return -1;
	}
	if (c->o.group != (gid_t)-1 && chown(c->path, (uid_t)-1, c->o.group) < 0) {
		*cause = xasprintf("chown %s: %s", c->path, strerror(errno));
		return -1;
	}
	if (chmod(c->path, c->o.mode) < 0) {
		*cause = xasprintf("chmod %s: %s", c->path, strerror(errno));
		return -1;
	}
	return 0;
}

struct control *
control_listen(const struct control_opts *o, char **cause)
{
	struct control *c = xcalloc(1, sizeof(*c));

	c->o = *o;
	c->path = xstrdup(o->path);
	c->o.path = c->path;
	c->gate.what = "control";
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		*cause = xasprintf("socket: %s", strerror(errno));
	} else if (bind_socket(c, cause) == 0) {
		if (listen(c->fd, 128) == 0)
			return c;
		*cause = xasprintf("listen %s: %s", c->path, strerror(errno));
		unlink(c->path);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
	return NULL;
}

/* The path (or "@abstract") a passed socket is bound to, for logs and status. */
static char *
bound_path(int fd)
{
	struct sockaddr_un sa = { 0 };
	socklen_t len = sizeof(sa);
	size_t n;

	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
	    len <= offsetof(struct sockaddr_un, sun_path))
		return xstrdup("(unnamed)");
	n = len - offsetof(struct sockaddr_un, sun_path);
	if (sa.sun_path[0] == '\0')
		return xasprintf("@%.*s", (int)n - 1, sa.sun_path + 1);
	return xasprintf("%.*s", (int)strnlen(sa.sun_path, n), sa.sun_path);
}

struct control *
control_adopt(int fd, const struct control_opts *o, char **cause)
{
	struct control *c;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		*cause = xasprintf("control socket from systemd (fd %d): %s", fd, strerror(errno));
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->o = *o;
	c->fd = fd;
	c->adopted = true;
	c->path = bound_path(fd);
	c->o.path = c->path;
	c->gate.what = "control";
	return c;
}

const char *
control_path(const struct control *c)
{
	return c->path;
}

size_t
control_nfds(const struct control *c)
{
	return 1 + (size_t)c->o.max_clients;
}

int
control_fill(struct control *c, struct pollfd *fds)
{
	int n = 0;

	fds[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	for (size_t i = 0; i < c->nconn; i++) {
		struct conn *k = c->conn[i];
		short ev = 0;

		if (!k->eof && !k->closing && k->outlen - k->outoff < OUT_HIGH_WATER)
			ev |= POLLIN;
		if (k->outlen > k->outoff)
			ev |= POLLOUT;
		fds[n++] = (struct pollfd){ .fd = k->fd, .events = ev };
	}
	return n;
}

int
control_timeout(const struct control *c)
{
	long long now = now_ms(), next = -1;

	for (size_t i = 0; i < c->nconn; i++) {
		long long left = c->conn[i]->last + c->o.idle_timeout * 1000LL - now;
		if (left < 0)
			left = 0;
		if (next < 0 || left < next)
			next = left;
	}
	return next < 0 ? -1 : (int)next + 1;
}

/* Queue bytes for the peer. */
static void
conn_send(struct conn *k, const char *data, size_t len)
{
	if (k->outoff > 0 && k->outoff == k->outlen)
		k->outoff = k->outlen = 0;
	while (k->outlen + len > k->outcap) {
		k->outcap = k->outcap ? k->outcap * 2 : 4096;
		k->out = xreallocarray(k->out, k->outcap, 1);
	}
	memcpy(k->out + k->outlen, data, len);
	k->outlen += len;
}

/*
 * One log line for a request, by how it went: failures, malformed requests
 * and refused changes always (through the flood gate), slow requests
 * always, everything else only with -v.  Answers about the data (404, 409)
 * and refused reloads (422, logged by the reload) are the client's business.
 */
static void
log_reply(const struct conn *k, const char *request, const char *reply, long long ms,
    int slow_ms)
{
	int code = atoi(reply);
	const char *msg = strchr(reply, ' ');
	enum log_level level = code >= 500 ? LOG_LEVEL_ERR : code == PROTO_DENIED ?
	    LOG_LEVEL_WARNING : code == PROTO_BAD_REQUEST || code == PROTO_TOO_LARGE ?
	    LOG_LEVEL_NOTICE : LOG_LEVEL_DEBUG;

	/* "CODE LENGTH MESSAGE\n": the message is after the second space. */
	msg = msg != NULL ? strchr(msg + 1, ' ') : NULL;
	msg = msg != NULL ? msg + 1 : "";
	log_request(k->gate, level, ms, slow_ms, "control: uid %ld pid %ld \"%.200s\": %d %.*s",
	    (long)k->peer.uid, (long)k->peer.pid, request, code, (int)strcspn(msg, "\n"), msg);
}

/* A reply the daemon makes without running a command; request says what came in. */
static void
conn_reply(struct conn *k, const char *request, int code, const char *msg)
{
	char *s = xasprintf("%d 0 %s\n", code, msg);

	log_reply(k, request, s, 0, 0);
	conn_send(k, s, strlen(s));
	free(s);
}

/* Root, the daemon's own user, or a member of the admin group may change data. */
static bool
peer_is_admin(const struct control *c, uid_t uid, gid_t gid)
{
	struct passwd pw, *res = NULL;
	gid_t groups[256];
	int n = (int)ARRAY_LEN(groups);
	char buf[2048];

	if (uid == 0 || uid == geteuid())
		return true;
	if (c->o.admin_gid == (gid_t)-1)
		return false;
	if (gid == c->o.admin_gid)
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == c->o.admin_gid)
			return true;
	return false;
}

static void
accept_one(struct control *c, struct daemon *d)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct conn *k;
	char *hello;
	int fd;

	if ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("accept: %s", strerror(errno));
		return;
	}
	if (c->nconn >= (size_t)c->o.max_clients) {
		static const char busy[] = "503 0 too many connections, try again later\n";
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		log_gated(&c->gate, LOG_LEVEL_WARNING, "control: a connection was refused: "
		    "max_clients (%d) are connected", c->o.max_clients);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warn("SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	k = xcalloc(1, sizeof(*k));
	k->fd = fd;
	k->peer = (struct peer){ .uid = cred.uid, .gid = cred.gid, .pid = cred.pid,
	    .admin = peer_is_admin(c, cred.uid, cred.gid) };
	k->in = xmalloc(PROTO_MAX_REQUEST);
	k->last = now_ms();
	k->gate = &c->gate;
	c->conn = xreallocarray(c->conn, c->nconn + 1, sizeof(*c->conn));
	c->conn[c->nconn++] = k;
	d->clients = (int)c->nconn;
	hello = xasprintf("hotpatchd %d %s\n", PROTO_VERSION, PACKAGE_VERSION);
	conn_send(k, hello, strlen(hello));
	free(hello);
	if (log_verbose(2))
		log_debug("control: uid %ld pid %ld connected%s", (long)cred.uid, (long)cred.pid,
		    k->peer.admin ? " (admin)" : "");
}

/* Execute one complete line. */
static void
handle_line(struct conn *k, char *line, size_t len, struct daemon *d)
{
	long long start = now_ms();
	char *reply;
	size_t rlen;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (strspn(line, " \t") == len)
		return;		/* blank lines are ignored */
	if (memchr(line, '\0', len) != NULL || !utf8_valid(line, len)) {
		conn_reply(k, "(not UTF-8)", PROTO_BAD_REQUEST, "request is not UTF-8 text");
		return;
	}
	commands_execute(d, &k->peer, line, &reply, &rlen);
	log_reply(k, line, reply, now_ms() - start, d->cfg.slow_request_ms);
	conn_send(k, reply, rlen);
	free(reply);
}

/* Execute every complete line in the buffer; keep the partial rest. */
static void
handle_input(struct conn *k, struct daemon *d)
{
	size_t start = 0;
	char *nl;

	while (!k->closing && (nl = memchr(k->in + start, '\n', k->inlen - start)) != NULL) {
		size_t len = (size_t)(nl - (k->in + start));

		*nl = '\0';
		handle_line(k, k->in + start, len, d);
		start += len + 1;
	}
	memmove(k->in, k->in + start, k->inlen - start);
	k->inlen -= start;
	if (k->inlen == PROTO_MAX_REQUEST) {
		/* A line longer than the limit: refuse it and drop the connection. */
		conn_reply(k, "(a line of 65536 bytes or more)", PROTO_TOO_LARGE,
		    "request larger than 65536 bytes");
		k->inlen = 0;
		k->closing = true;
	}
}

/* Returns false when the connection should go. */
static bool
conn_read(struct conn *k, struct daemon *d)
{
	ssize_t n = read(k->fd, k->in + k->inlen, PROTO_MAX_REQUEST - k->inlen);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0) {
		/* A half line at EOF was never a request: drop it. */
		k->eof = true;
		k->inlen = 0;
		return k->outlen > k->outoff;
	}
	k->inlen += (size_t)n;
	k->last = now_ms();
	handle_input(k, d);
	return true;
}

static bool
conn_write(struct conn *k)
{
	ssize_t n = send(k->fd, k->out + k->outoff, k->outlen - k->outoff, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	k->outoff += (size_t)n;
	k->last = now_ms();
	return k->outoff < k->outlen || !(k->eof || k->closing);
}

static void
conn_free(struct conn *k)
{
	close(k->fd);
	free(k->in);
	free(k->out);
	free(k);
}

void
control_dispatch(struct control *c, const struct pollfd *fds, int n, struct daemon *d)
{
	long long now = now_ms();
	size_t keep = 0, nconn = c->nconn;

	/* fds[1..] match c->conn[0..] as control_fill left them. */
	for (size_t i = 0; i < nconn; i++) {
		struct conn *k = c->conn[i];
		short re = (int)i + 1 < n ? fds[i + 1].revents : 0;
		bool ok = true;

		if (re & (POLLERR | POLLNVAL))
			ok = false;
		if (ok && (re & (POLLIN | POLLHUP)))
			ok = conn_read(k, d);
		if (ok && (re & POLLOUT))
			ok = conn_write(k);
		if (ok && k->outoff == k->outlen && (k->eof || k->closing))
			ok = false;
		if (ok && now - k->last >= c->o.idle_timeout * 1000LL) {
			if (log_verbose(2))
				log_debug("control: uid %ld pid %ld idle for %d s: closing",
				    (long)k->peer.uid, (long)k->peer.pid, c->o.idle_timeout);
			ok = false;
		}
		if (ok)
			c->conn[keep++] = k;
		else
			conn_free(k);
	}
	c->nconn = keep;
	if (n > 0 && (fds[0].revents & POLLIN))
		accept_one(c, d);
	d->clients = (int)c->nconn;
}

void
control_close(struct control *c, int ms)
{
	long long deadline = now_ms() + ms;

	close(c->fd);
	if (!c->adopted)
		unlink(c->path);
	log_gate_flush(&c->gate);
	/* Deliver what was already answered, briefly, then close everything. */
	while (now_ms() < deadline) {
		struct pollfd fds[1];
		bool pending = false;

		for (size_t i = 0; i < c->nconn; i++) {
			struct conn *k = c->conn[i];
			if (k->outoff >= k->outlen)
				continue;
			fds[0] = (struct pollfd){ .fd = k->fd, .events = POLLOUT };
			if (poll(fds, 1, 50) == 1 && !(fds[0].revents & (POLLERR | POLLHUP)))
				conn_write(k);
			else if (fds[0].revents & (POLLERR | POLLHUP))
				k->outoff = k->outlen;
			pending |= k->outoff < k->outlen;
		}
		if (!pending)
			break;
	}
	for (size_t i = 0; i < c->nconn; i++)
		conn_free(c->conn[i]);
	free(c->conn);
	free(c->path);
	free(c);
}
