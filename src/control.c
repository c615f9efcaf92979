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
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/*
 * A client's requests wait while this much of its replies is unread: it is
 * never further over than one reply, and a client that does not read costs
 * the daemon at most this, one reply and its request buffer.
 */
#define OUT_PAUSE	(128u << 10)
#define OUT_IOV		64		/* pieces handed to one sendmsg */

/*
 * One queued piece of a reply, off bytes of it sent: owned by the queue
 * (freed), or held (hold given to release) when it is kept elsewhere.
 */
struct obuf {
	struct obuf	*next;
	const char	*p;
	size_t		 len, off;
	void		*hold;
	void		(*release)(void *hold);
};

struct conn {
	int		 fd;
	struct peer	 peer;
	char		*in;		/* PROTO_MAX_REQUEST bytes */
	size_t		 inoff, inlen;	/* in[inoff..inlen) is not handled yet */
	bool		 ready;		/* in[inoff..inlen) holds a complete line */
	struct obuf	*out, **outtail;
	size_t		 pending;	/* bytes queued and not sent */
	bool		 eof;		/* the peer sent everything it will */
	bool		 closing;	/* close once out is delivered */
	long long	 last;		/* monotonic ms of the last complete exchange */
	struct log_gate	*gate;		/* the control socket's flood control */
	int		 passed;	/* a descriptor the peer sent (SCM_RIGHTS), or -1 */
	size_t		 passed_at;	/* in[] offset it came with: it goes to the line holding it */
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

/* The command table must be sound before any request is served (see cmd_table_check). */
static bool
table_sound(char **cause)
{
	const char *why = cmd_table_check();

	if (why != NULL)
		*cause = xasprintf("internal: %s", why);
	return why == NULL;
}

struct control *
control_listen(const struct control_opts *o, char **cause)
{
	struct control *c;

	if (!table_sound(cause))
		return NULL;
	c = xcalloc(1, sizeof(*c));
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

	if (!table_sound(cause))
		return NULL;
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

/*
 * Read more only when every complete line read so far is handled: what the
 * client sends meanwhile waits in the kernel, so its input costs us at most
 * PROTO_MAX_REQUEST bytes.
 */
static bool
conn_wants_input(const struct conn *k)
{
	return !k->eof && !k->closing && !k->ready;
}

/* A request is waiting and the client reads its replies: serve it this turn. */
static bool
conn_runnable(const struct conn *k)
{
	return k->ready && !k->closing && k->pending < OUT_PAUSE;
}

int
control_fill(struct control *c, struct pollfd *fds)
{
	int n = 0;

	fds[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	for (size_t i = 0; i < c->nconn; i++) {
		struct conn *k = c->conn[i];
		short ev = 0;

		if (conn_wants_input(k))
			ev |= POLLIN;
		if (k->pending > 0)
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

		if (conn_runnable(c->conn[i]))
			return 0;
		if (left < 0)
			left = 0;
		if (next < 0 || left < next)
			next = left;
	}
	return next < 0 ? -1 : (int)next + 1;
}

static void
obuf_free(struct obuf *b)
{
	if (b->release != NULL)
		b->release(b->hold);
	else
		free((char *)b->p);
	free(b);
}

/* Queue a piece of len bytes at p, held by hold until sent (see struct obuf). */
static void
conn_give_held(struct conn *k, const char *p, size_t len, void *hold, void (*release)(void *))
{
	struct obuf *b = xcalloc(1, sizeof(*b));

	*b = (struct obuf){ .p = p, .len = len, .hold = hold, .release = release };
	if (len == 0) {
		obuf_free(b);
		return;
	}
	*k->outtail = b;
	k->outtail = &b->next;
	k->pending += len;
}

/* Queue p (allocated, len bytes) for the peer; the queue frees it. */
static void
conn_give(struct conn *k, char *p, size_t len)
{
	conn_give_held(k, p, len, NULL, NULL);
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
	conn_give(k, s, strlen(s));
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

/*
 * Admins keep admin_clients of the slots (at most half of them, so a small
 * max_clients still lets everyone in); anyone else holds at most
 * clients_per_uid at once.  Returns why a new peer is refused, or NULL.
 */
static char *
refusal(const struct control *c, uid_t uid, bool admin)
{
	int reserved = c->o.admin_clients, others = 0, mine = 0;

	if (reserved > c->o.max_clients / 2)
		reserved = c->o.max_clients / 2;
	if (c->nconn >= (size_t)c->o.max_clients)
		return xstrdup("too many connections, try again later");
	if (admin)
		return NULL;
	for (size_t i = 0; i < c->nconn; i++) {
		others += !c->conn[i]->peer.admin;
		mine += !c->conn[i]->peer.admin && c->conn[i]->peer.uid == uid;
	}
	if (others >= c->o.max_clients - reserved)
		return xasprintf("too many connections (the last %d are kept for admins), "
		    "try again later", reserved);
	if (mine >= c->o.clients_per_uid)
		return xasprintf("too many connections from uid %ld (at most %d), "
		    "try again later", (long)uid, c->o.clients_per_uid);
	return NULL;
}

static void
accept_one(struct control *c, struct daemon *d)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct conn *k;
	char *hello, *no, *line;
	bool admin;
	int fd;

	if ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warn("SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	admin = peer_is_admin(c, cred.uid, cred.gid);
	if ((no = refusal(c, cred.uid, admin)) != NULL) {
		log_gated(&c->gate, LOG_LEVEL_WARNING, "control: uid %ld pid %ld refused (%zu "
		    "connected): %s", (long)cred.uid, (long)cred.pid, c->nconn, no);
		line = xasprintf("%d 0 %s\n", PROTO_UNAVAILABLE, no);
		(void)!send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
		free(line);
		free(no);
		close(fd);
		return;
	}
	k = xcalloc(1, sizeof(*k));
	k->fd = fd;
	k->peer = (struct peer){ .uid = cred.uid, .gid = cred.gid, .pid = cred.pid,
	    .admin = admin };
	k->passed = -1;
	k->in = xmalloc(PROTO_MAX_REQUEST);
	k->outtail = &k->out;
	k->last = now_ms();
	k->gate = &c->gate;
	c->conn = xreallocarray(c->conn, c->nconn + 1, sizeof(*c->conn));
	c->conn[c->nconn++] = k;
	d->clients = (int)c->nconn;
	hello = xasprintf("hotpatchd %d %s\n", PROTO_VERSION, PACKAGE_VERSION);
	conn_give(k, hello, strlen(hello));
	if (log_verbose(2))
		log_debug("control: uid %ld pid %ld connected%s", (long)cred.uid, (long)cred.pid,
		    k->peer.admin ? " (admin)" : "");
}

/* Execute one complete line; false if it was blank (and so not a request). */
static bool
handle_line(struct conn *k, char *line, size_t len, int fd, struct daemon *d)
{
	long long start = now_ms();
	struct reply_out o;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (strspn(line, " \t") == len) {
		if (fd >= 0)
			conn_reply(k, "(a descriptor with a blank line)", PROTO_BAD_REQUEST,
			    "a descriptor came with a blank line");
		return fd >= 0;	/* blank lines are ignored */
	}
	if (memchr(line, '\0', len) != NULL || !utf8_valid(line, len)) {
		conn_reply(k, "(not UTF-8)", PROTO_BAD_REQUEST, "request is not UTF-8 text");
		return true;
	}
	commands_execute(d, &k->peer, line, fd, &o);
	log_reply(k, line, o.text, now_ms() - start, d->cfg.slow_request_ms);
	conn_give(k, o.text, o.len);
	for (size_t i = 0; i < o.nraw; i++)
		conn_give_held(k, o.raw[i].p, o.raw[i].len, o.raw[i].hold, o.raw[i].release);
	free(o.raw);
	return true;
}

/*
 * Serve the next request waiting in the buffer, skipping blank lines: one a
 * turn, so that every client gets its turn however much it sent.  Only an
 * answered request counts as activity against idle_timeout.
 */
static void
conn_serve(struct conn *k, struct daemon *d)
{
	char *line, *nl;

	while (conn_runnable(k)) {
		int fd = -1;

		line = k->in + k->inoff;
		nl = memchr(line, '\n', k->inlen - k->inoff);
		*nl = '\0';
		if (k->passed >= 0 && k->passed_at <= (size_t)(nl - k->in)) {
			fd = k->passed;		/* handle_line's caller closes it */
			k->passed = -1;
		}
		k->inoff += (size_t)(nl - line) + 1;
		k->ready = memchr(k->in + k->inoff, '\n', k->inlen - k->inoff) != NULL;
		bool served = handle_line(k, line, (size_t)(nl - line), fd, d);

		if (fd >= 0)
			close(fd);
		if (served) {
			k->last = now_ms();
			break;
		}
	}
}

/*
 * Take the descriptors of m: at most one, for the line being read.  More
 * (or a second before the first was used, or a cut-off list) is not a
 * request this daemon answers: every one is closed.  Returns false then.
 */
static bool
conn_take_fds(struct conn *k, struct msghdr *m, size_t at)
{
	bool ok = !(m->msg_flags & MSG_CTRUNC);

	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		size_t n;
		int fd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (ok && k->passed < 0) {
				k->passed = fd;
				k->passed_at = at;
			} else {
				close(fd);
				ok = false;
			}
		}
	}
	return ok;
}

/* Returns false when the connection should go. */
static bool
conn_read(struct conn *k)
{
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
	    .msg_controllen = sizeof(cm.buf) };
	ssize_t n;

	/* Only a partial line is left: move it to the front. */
	memmove(k->in, k->in + k->inoff, k->inlen - k->inoff);
	k->inlen -= k->inoff;
	if (k->passed >= 0)
		k->passed_at -= k->inoff;
	k->inoff = 0;
	iov = (struct iovec){ k->in + k->inlen, PROTO_MAX_REQUEST - k->inlen };
	n = recvmsg(k->fd, &m, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (!conn_take_fds(k, &m, k->inlen)) {
		conn_reply(k, "(descriptors)", PROTO_BAD_REQUEST,
		    "one descriptor at a time, with the request that reads it");
		k->inlen = 0;
		k->closing = true;
		return true;
	}
	if (n == 0) {
		/* A half line at EOF was never a request: drop it. */
		k->eof = true;
		k->inlen = 0;
		return k->pending > 0;
	}
	k->ready = memchr(k->in + k->inlen, '\n', (size_t)n) != NULL;
	k->inlen += (size_t)n;
	if (!k->ready && k->inlen == PROTO_MAX_REQUEST) {
		/* A line longer than the limit: refuse it and drop the connection. */
		conn_reply(k, "(a line of 65536 bytes or more)", PROTO_TOO_LARGE,
		    "request larger than 65536 bytes");
		k->inlen = 0;
		k->closing = true;
	}
	return true;
}

/* Send what is queued; a drained queue completes an exchange.  False: drop the peer. */
static bool
conn_write(struct conn *k)
{
	struct iovec iov[OUT_IOV];
	struct msghdr m = { .msg_iov = iov };
	struct obuf *b;
	size_t sent;
	ssize_t n;

	for (b = k->out; b != NULL && m.msg_iovlen < OUT_IOV; b = b->next)
		iov[m.msg_iovlen++] = (struct iovec){ (char *)b->p + b->off, b->len - b->off };
	if ((n = sendmsg(k->fd, &m, MSG_NOSIGNAL)) < 0)
		return errno == EAGAIN || errno == EINTR;
	k->pending -= (size_t)n;
	for (sent = (size_t)n; (b = k->out) != NULL && sent >= b->len - b->off; ) {
		sent -= b->len - b->off;
		k->out = b->next;
		obuf_free(b);
	}
	if (b != NULL)
		b->off += sent;
	else {
		k->outtail = &k->out;
		k->last = now_ms();
	}
	return k->pending > 0 || !(k->eof || k->closing);
}

static void
conn_free(struct conn *k)
{
	struct obuf *b;

	while ((b = k->out) != NULL) {
		k->out = b->next;
		obuf_free(b);
	}
	close(k->fd);
	if (k->passed >= 0)
		close(k->passed);
	free(k->in);
	free(k);
}

/* One turn of one connection; false when it should go. */
static bool
conn_turn(struct control *c, struct conn *k, short re, long long now, struct daemon *d)
{
	if (re & (POLLERR | POLLNVAL))
		return false;
	if ((re & (POLLIN | POLLHUP)) && conn_wants_input(k) && !conn_read(k))
		return false;
	/* After a hang-up, a send is what tells us the peer is gone. */
	if ((re & (POLLOUT | POLLHUP)) && k->pending > 0 && !conn_write(k))
		return false;
	conn_serve(k, d);
	if (k->pending == 0 && (k->closing || (k->eof && !k->ready)))
		return false;
	if (now - k->last >= c->o.idle_timeout * 1000LL) {
		if (log_verbose(2))
			log_debug("control: uid %ld pid %ld without a complete exchange for %d s: "
			    "closing", (long)k->peer.uid, (long)k->peer.pid, c->o.idle_timeout);
		return false;
	}
	return true;
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

		if (conn_turn(c, k, re, now, d))
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

			if (k->pending == 0)
				continue;
			fds[0] = (struct pollfd){ .fd = k->fd, .events = POLLOUT };
			if (poll(fds, 1, 50) != 1 || (fds[0].revents & (POLLERR | POLLHUP)) ||
			    !conn_write(k))
				k->closing = true;
			pending |= k->pending > 0 && !k->closing;
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
