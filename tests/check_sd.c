/*
 * check_sd: the service manager protocol (sd.c) against real sockets.
 *
 * Notifications go to an AF_UNIX datagram socket the test binds (by path and
 * abstract) and are read back byte for byte.  Socket activation runs in a
 * child process, which puts real listening sockets onto descriptors 3, 4...
 * as systemd does, sets LISTEN_* and reports what sd_listen_sockets made of
 * them; descriptors 3 and up of this process are left alone.
 */
#include "sd.h"
#include "testutil.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- notifications ---- */

/* A datagram socket bound to addr (a path, or "@name" for an abstract one). */
static int
dgram_listener(const char *addr)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(addr));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memcpy(sa.sun_path, addr, strlen(addr));
	if (addr[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	ck_assert_msg(bind(fd, (struct sockaddr *)&sa, len) == 0, "bind %s: %s", addr,
	    strerror(errno));
	return fd;
}

/* The next datagram on fd, as a string (waits at most 2 s). */
static char *
receive(int fd)
{
	struct timeval tv = { .tv_sec = 2 };
	char buf[4096];
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_msg(n >= 0, "no notification arrived: %s", strerror(errno));
	buf[n] = '\0';
	return xstrdup(buf);
}

static char *
temp_dir(void)
{
	char tmpl[] = "/tmp/check_sd.XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

START_TEST(notify_without_notify_socket_does_nothing)
{
	unsetenv("NOTIFY_SOCKET");
	errno = 0;
	ck_assert_int_eq(sd_notify_state("READY=1"), 0);
	ck_assert_int_eq(errno, 0);
	setenv("NOTIFY_SOCKET", "", 1);
	ck_assert_int_eq(sd_notify_state("READY=1"), 0);
	unsetenv("NOTIFY_SOCKET");
}
END_TEST

START_TEST(notify_reaches_a_socket_by_path_byte_for_byte)
{
	char *dir = temp_dir(), *path = xasprintf("%s/notify", dir), *got;
	int fd = dgram_listener(path);

	setenv("NOTIFY_SOCKET", path, 1);
	ck_assert_int_eq(sd_notify_state("READY=1\nSTATUS=%zu OSes, %d rings", (size_t)5, 3), 0);
	got = receive(fd);
	ck_assert_str_eq(got, "READY=1\nSTATUS=5 OSes, 3 rings");
	free(got);
	ck_assert_int_eq(sd_notify_state("STOPPING=1"), 0);
	got = receive(fd);
	ck_assert_str_eq(got, "STOPPING=1");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(path);
	rmdir(dir);
	free(got);
	free(path);
	free(dir);
}
END_TEST

START_TEST(notify_reaches_an_abstract_socket)
{
	char *name = xasprintf("@hotpatchd-check-sd-%ld", (long)getpid()), *got, *want;
	int fd = dgram_listener(name);
	unsigned long long before = sd_monotonic_usec(), at;

	setenv("NOTIFY_SOCKET", name, 1);
	ck_assert_int_eq(sd_notify_state("RELOADING=1\nMONOTONIC_USEC=%llu", before), 0);
	got = receive(fd);
	want = xasprintf("RELOADING=1\nMONOTONIC_USEC=%llu", before);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(sscanf(got, "RELOADING=1\nMONOTONIC_USEC=%llu", &at), 1);
	ck_assert(at == before);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	free(want);
	free(got);
	free(name);
}
END_TEST

START_TEST(notify_to_an_unusable_address_fails_with_errno)
{
	char *dir = temp_dir(), *path = xasprintf("%s/nobody-listens", dir);

	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ck_assert_int_eq(sd_notify_state("READY=1"), -1);
	ck_assert_int_eq(errno, EAFNOSUPPORT);
	setenv("NOTIFY_SOCKET", path, 1);
	ck_assert_int_eq(sd_notify_state("READY=1"), -1);
	ck_assert_int_eq(errno, ENOENT);
	unsetenv("NOTIFY_SOCKET");
	rmdir(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(monotonic_usec_is_clock_monotonic_in_microseconds)
{
	struct timespec ts;
	unsigned long long a, b, c;

	a = sd_monotonic_usec();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	b = (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
	c = sd_monotonic_usec();
	ck_assert(a <= b && b <= c);
	ck_assert(c - a < 1000000ULL);
}
END_TEST

/* ---- socket activation ---- */

enum sockkind { UNIX_LISTENING, UNIX_BOUND_ONLY, UNIX_DGRAM, INET_LISTENING, INET6_LISTENING,
	SOCKETPAIR, NOT_A_SOCKET };

/* A fresh socket of that kind (Unix ones under dir). */
static int
make_socket(enum sockkind kind, const char *dir, int i)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd, sv[2];

	snprintf(un.sun_path, sizeof(un.sun_path), "%s/s%d", dir, i);
	switch (kind) {
	case UNIX_LISTENING:
	case UNIX_BOUND_ONLY:
	case UNIX_DGRAM:
		fd = socket(AF_UNIX, kind == UNIX_DGRAM ? SOCK_DGRAM : SOCK_STREAM, 0);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&un, sizeof(un)), 0);
		if (kind == UNIX_LISTENING)
			ck_assert_int_eq(listen(fd, 8), 0);
		return fd;
	case INET_LISTENING:
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
		ck_assert_int_eq(listen(fd, 8), 0);
		return fd;
	case INET6_LISTENING:
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		if (bind(fd, (struct sockaddr *)&in6, sizeof(in6)) < 0) {
			/* No IPv6 loopback here: the IPv4 socket is the same kind for sd.c. */
			close(fd);
			return make_socket(INET_LISTENING, dir, i);
		}
		ck_assert_int_eq(listen(fd, 8), 0);
		return fd;
	case SOCKETPAIR:
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		close(sv[1]);
		return sv[0];
	case NOT_A_SOCKET:
		return open("/dev/null", O_RDONLY);
	}
	return -1;
}

/* What the child saw. */
struct result {
	int	 rc;
	int	 fd[2];			/* control, http */
	int	 cloexec[3];		/* FD_CLOEXEC on 3, 4, 5 afterwards */
	int	 env_left;		/* LISTEN_* still set afterwards */
	char	 cause[600];
};

/* How the child sets up the environment. */
struct setup {
	const enum sockkind	*kinds;
	int			 n;		/* sockets onto 3.. */
	const char		*names;		/* LISTEN_FDNAMES, or NULL: unset */
	const char		*fds;		/* LISTEN_FDS, or NULL: n */
	int			 pid_offset;	/* LISTEN_PID = the child's pid + this */
};

static void
child(const struct setup *su, char *dir, int out)
{
	struct sd_want want[] = { { "control", SD_UNIX_STREAM, -1 }, { "http", SD_INET_STREAM, -1 } };
	struct result r = { 0 };
	int high[8];
	char *cause = NULL, num[32];

	/* Out of the way first, then onto 3.. in order, as systemd passes them. */
	for (int i = 0; i < su->n; i++) {
		int fd = make_socket(su->kinds[i], dir, i);
		high[i] = fcntl(fd, F_DUPFD, 100 + i);
		close(fd);
	}
	for (int i = 0; i < su->n; i++) {
		dup2(high[i], SD_LISTEN_FDS_START + i);
		close(high[i]);
	}
	/* Whatever the test runner had open after them is not passed. */
	for (int fd = SD_LISTEN_FDS_START + su->n; fd < 100; fd++)
		close(fd);
	snprintf(num, sizeof(num), "%ld", (long)getpid() + su->pid_offset);
	setenv("LISTEN_PID", num, 1);
	snprintf(num, sizeof(num), "%d", su->n);
	setenv("LISTEN_FDS", su->fds != NULL ? su->fds : num, 1);
	if (su->names != NULL)
		setenv("LISTEN_FDNAMES", su->names, 1);
	else
		unsetenv("LISTEN_FDNAMES");
	r.rc = sd_listen_sockets(want, 2, &cause);
	r.fd[0] = want[0].fd;
	r.fd[1] = want[1].fd;
	for (int i = 0; i < 3; i++)
		r.cloexec[i] = fcntl(SD_LISTEN_FDS_START + i, F_GETFD) > 0 &&
		    (fcntl(SD_LISTEN_FDS_START + i, F_GETFD) & FD_CLOEXEC);
	r.env_left = (getenv("LISTEN_PID") != NULL) + (getenv("LISTEN_FDS") != NULL) +
	    (getenv("LISTEN_FDNAMES") != NULL);
	snprintf(r.cause, sizeof(r.cause), "%s", cause != NULL ? cause : "");
	free(cause);
	(void)!write(out, &r, sizeof(r));
	/* Nothing of ours left allocated: a memory checker follows the child too. */
	free(dir);
	_exit(0);
}

/* Run the setup in a child and bring back its result. */
static struct result
activate(const struct setup *su)
{
	struct result r = { .rc = -99 };
	char *dir = temp_dir();
	int p[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	/* The pipe's write end must not sit on 3.. where the sockets go. */
	if (p[1] < 64) {
		int high = fcntl(p[1], F_DUPFD, 200);
		close(p[1]);
		p[1] = high;
	}
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		close(p[0]);
		child(su, dir, p[1]);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (int i = 0; i < 8; i++) {
		char *s = xasprintf("%s/s%d", dir, i);
		unlink(s);
		free(s);
	}
	rmdir(dir);
	free(dir);
	return r;
}

static const enum sockkind unix_inet[] = { UNIX_LISTENING, INET_LISTENING };

START_TEST(control_and_http_are_taken_by_name_with_cloexec_and_the_variables_go)
{
	struct setup su = { unix_inet, 2, "control:http", NULL, 0 };
	struct result r = activate(&su);

	ck_assert_msg(r.rc == 2, "rc %d: %s", r.rc, r.cause);
	ck_assert_int_eq(r.fd[0], 3);
	ck_assert_int_eq(r.fd[1], 4);
	ck_assert(r.cloexec[0] && r.cloexec[1]);
	ck_assert_int_eq(r.env_left, 0);
}
END_TEST

START_TEST(names_decide_not_the_order)
{
	static const enum sockkind kinds[] = { INET6_LISTENING, UNIX_LISTENING };
	struct setup su = { kinds, 2, "http:control", NULL, 0 };
	struct result r = activate(&su);

	ck_assert_msg(r.rc == 2, "rc %d: %s", r.rc, r.cause);
	ck_assert_int_eq(r.fd[0], 4);
	ck_assert_int_eq(r.fd[1], 3);
}
END_TEST

START_TEST(one_socket_alone_leaves_the_other_to_the_configuration)
{
	static const enum sockkind kinds[] = { INET_LISTENING };
	struct setup su = { kinds, 1, "http", NULL, 0 };
	struct result r = activate(&su);

	ck_assert_msg(r.rc == 1, "rc %d: %s", r.rc, r.cause);
	ck_assert_int_eq(r.fd[0], -1);
	ck_assert_int_eq(r.fd[1], 3);
	ck_assert(r.cloexec[0]);
}
END_TEST

START_TEST(another_process_pid_is_ignored_but_the_variables_still_go)
{
	struct setup su = { unix_inet, 2, "control:http", NULL, 1 };
	struct result r = activate(&su);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.cause, "");
	ck_assert_int_eq(r.fd[0], -1);
	ck_assert_int_eq(r.fd[1], -1);
	/* Not ours: not touched. */
	ck_assert(!r.cloexec[0] && !r.cloexec[1]);
	ck_assert_int_eq(r.env_left, 0);
}
END_TEST

START_TEST(without_listen_pid_nothing_is_taken)
{
	struct sd_want want[] = { { "control", SD_UNIX_STREAM, 7 }, { "http", SD_INET_STREAM, 7 } };
	char *cause = NULL;

	unsetenv("LISTEN_PID");
	setenv("LISTEN_FDS", "2", 1);
	ck_assert_int_eq(sd_listen_sockets(want, 2, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(want[0].fd, -1);
	ck_assert_int_eq(want[1].fd, -1);
	ck_assert_ptr_null(getenv("LISTEN_FDS"));
}
END_TEST

/* The ends of the messages below. */
#define NAMED_WRONG	"; hotpatchd takes only sockets named 'control' or 'http' " \
	"(FileDescriptorName= in the socket unit)"
#define MUST_UNIX	"; it must be a listening AF_UNIX SOCK_STREAM socket"
#define MUST_INET	"; it must be a listening AF_INET or AF_INET6 SOCK_STREAM socket"

/* Each case: the sockets, their names, and the exact error. */
static const struct {
	enum sockkind	 kinds[2];
	int		 n;
	const char	*names, *fds, *want;
} bad[] = {
	{ { UNIX_LISTENING }, 1, "bogus", NULL,
	  "socket activation: fd 3 is named 'bogus'" NAMED_WRONG },
	{ { UNIX_LISTENING }, 1, NULL, NULL,
	  "socket activation: fd 3 is named 'unknown'" NAMED_WRONG },
	{ { UNIX_LISTENING, INET_LISTENING }, 2, "control", NULL,
	  "socket activation: fd 4 is named 'unknown'" NAMED_WRONG },
	{ { INET_LISTENING }, 1, "control", NULL,
	  "socket activation: 'control' (fd 3) is AF_INET, SOCK_STREAM, listening" MUST_UNIX },
	{ { UNIX_LISTENING }, 1, "http", NULL,
	  "socket activation: 'http' (fd 3) is AF_UNIX, SOCK_STREAM, listening" MUST_INET },
	{ { UNIX_BOUND_ONLY }, 1, "control", NULL,
	  "socket activation: 'control' (fd 3) is AF_UNIX, SOCK_STREAM, not listening" MUST_UNIX },
	{ { UNIX_DGRAM }, 1, "control", NULL,
	  "socket activation: 'control' (fd 3) is AF_UNIX, SOCK_DGRAM, not listening" MUST_UNIX },
	{ { SOCKETPAIR }, 1, "http", NULL,
	  "socket activation: 'http' (fd 3) is AF_UNIX, SOCK_STREAM, not listening" MUST_INET },
	{ { NOT_A_SOCKET }, 1, "control", NULL,
	  "socket activation: 'control' (fd 3) is not a socket (Socket operation on "
	  "non-socket)" MUST_UNIX },
	{ { UNIX_LISTENING, UNIX_LISTENING }, 2, "control:control", NULL,
	  "socket activation: two sockets are named 'control' (fd 3 and fd 4); pass one of each" },
	{ { UNIX_LISTENING }, 1, "control", "two",
	  "socket activation: LISTEN_FDS must be a number of sockets, 0..64, got 'two'" },
	{ { UNIX_LISTENING }, 1, "control:http", "2",
	  "socket activation: fd 4 ('http') is not open: Bad file descriptor" },
};

START_TEST(wrong_sockets_and_names_are_refused_with_a_clear_error)
{
	struct setup su = { bad[_i].kinds, bad[_i].n, bad[_i].names, bad[_i].fds, 0 };
	struct result r = activate(&su);

	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.cause, bad[_i].want);
	ck_assert_int_eq(r.env_left, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sd");
	TCase *tn = tcase_create("notify");
	TCase *tl = tcase_create("listen");

	tcase_add_test(tn, notify_without_notify_socket_does_nothing);
	tcase_add_test(tn, notify_reaches_a_socket_by_path_byte_for_byte);
	tcase_add_test(tn, notify_reaches_an_abstract_socket);
	tcase_add_test(tn, notify_to_an_unusable_address_fails_with_errno);
	tcase_add_test(tn, monotonic_usec_is_clock_monotonic_in_microseconds);
	suite_add_tcase(s, tn);
	tcase_add_test(tl, control_and_http_are_taken_by_name_with_cloexec_and_the_variables_go);
	tcase_add_test(tl, names_decide_not_the_order);
	tcase_add_test(tl, one_socket_alone_leaves_the_other_to_the_configuration);
	tcase_add_test(tl, another_process_pid_is_ignored_but_the_variables_still_go);
	tcase_add_test(tl, without_listen_pid_nothing_is_taken);
	tcase_add_loop_test(tl, wrong_sockets_and_names_are_refused_with_a_clear_error, 0,
	    (int)ARRAY_LEN(bad));
	suite_add_tcase(s, tl);
	return run_suite(s);
}
