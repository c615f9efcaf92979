/*
 * sd.c: state notifications and socket activation, the service manager's
 * side of sd-daemon(3), without libsystemd.
 */
#include "sd.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* At most this many passed descriptors are looked at (the daemon takes two). */
#define SD_MAX_FDS	64

/* $NOTIFY_SOCKET as an address; -1 with errno if it is not one we can use. */
static int
notify_address(const char *e, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(e);

	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if ((e[0] != '/' && e[0] != '@') || n < 2) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (n > sizeof(sa->sun_path) - (e[0] == '/')) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa->sun_path, e, n);
	/* An abstract address is its bytes after a NUL, with no terminator. */
	if (e[0] == '@')
		sa->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (e[0] == '/'));
	return 0;
}

int
sd_notify_state(const char *fmt, ...)
{
	const char *e = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	va_list ap;
	char *msg;
	ssize_t sent;
	int fd, saved;

	if (e == NULL || e[0] == '\0')
		return 0;
	if (notify_address(e, &sa, &salen) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	sent = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	saved = errno;
	close(fd);
	if (sent >= 0 && (size_t)sent != strlen(msg))
		saved = EMSGSIZE;
	free(msg);
	errno = saved;
	return sent >= 0 && saved != EMSGSIZE ? 0 : -1;
}

unsigned long long
sd_monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
}

/* ---- socket activation ---- */

/* A whole decimal number in 0..max, or -1. */
static long
number(const char *s, long max)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || v > max ? -1 : v;
}

static const char *
family_name(int f)
{
	return f == AF_UNIX ? "AF_UNIX" : f == AF_INET ? "AF_INET" :
	    f == AF_INET6 ? "AF_INET6" : "another address family";
}

static const char *
type_name(int t)
{
	return t == SOCK_STREAM ? "SOCK_STREAM" : t == SOCK_DGRAM ? "SOCK_DGRAM" :
	    t == SOCK_SEQPACKET ? "SOCK_SEQPACKET" : "another type";
}

static const char *const kind_text[] = {
	[SD_UNIX_STREAM] = "a listening AF_UNIX SOCK_STREAM socket",
	[SD_INET_STREAM] = "a listening AF_INET or AF_INET6 SOCK_STREAM socket",
};

/* Is fd a listening socket of kind?  If not, *cause says what it is instead. */
static int
check_kind(int fd, const char *name, enum sd_kind kind, char **cause)
{
	int family = 0, type = 0, listening = 0;
	socklen_t l1 = sizeof(family), l2 = sizeof(type), l3 = sizeof(listening);
	bool ok;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &l1) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l2) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &l3) < 0) {
		*cause = xasprintf("socket activation: '%s' (fd %d) is not a socket (%s); it must "
		    "be %s", name, fd, strerror(errno), kind_text[kind]);
		return -1;
	}
	ok = type == SOCK_STREAM && listening &&
	    (kind == SD_UNIX_STREAM ? family == AF_UNIX : family == AF_INET || family == AF_INET6);
	if (ok)
		return 0;
	*cause = xasprintf("socket activation: '%s' (fd %d) is %s, %s, %s; it must be %s",
	    name, fd, family_name(family), type_name(type),
	    listening ? "listening" : "not listening", kind_text[kind]);
	return -1;
}

/* "'control' or 'http'", for the error about a name we do not take. */
static char *
wanted_names(const struct sd_want *want, size_t nwant)
{
	char *s = xstrdup(""), *t;

	for (size_t i = 0; i < nwant; i++) {
		t = xasprintf("%s%s'%s'", s, i == 0 ? "" : i + 1 == nwant ? " or " : ", ",
		    want[i].name);
		free(s);
		s = t;
	}
	return s;
}

/* Give the passed fd to the wanted entry of that name. */
static int
take(struct sd_want *want, size_t nwant, int fd, const char *name, char **cause)
{
	char *names;

	for (size_t i = 0; i < nwant; i++) {
		if (strcmp(want[i].name, name) != 0)
			continue;
		if (want[i].fd >= 0) {
			*cause = xasprintf("socket activation: two sockets are named '%s' (fd %d "
			    "and fd %d); pass one of each", name, want[i].fd, fd);
			return -1;
		}
		if (check_kind(fd, name, want[i].kind, cause) < 0)
			return -1;
		want[i].fd = fd;
		return 0;
	}
	names = wanted_names(want, nwant);
	*cause = xasprintf("socket activation: fd %d is named '%s'; hotpatchd takes only "
	    "sockets named %s (FileDescriptorName= in the socket unit)", fd, name, names);
	free(names);
	return -1;
}

/* The passed fds, named from the colon-separated list (all "unknown" if there is none). */
static int
take_all(struct sd_want *want, size_t nwant, int nfds, const char *names, char **cause)
{
	char *copy = xstrdup(names != NULL ? names : ""), *p = copy, *name;
	int rc = 0;

	for (int i = 0; i < nfds && rc == 0; i++) {
		int fd = SD_LISTEN_FDS_START + i;

		name = names != NULL && p != NULL ? strsep(&p, ":") : (char *)"unknown";
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			*cause = xasprintf("socket activation: fd %d ('%s') is not open: %s", fd,
			    name, strerror(errno));
			rc = -1;
		} else
			rc = take(want, nwant, fd, name, cause);
	}
	free(copy);
	return rc;
}

int
sd_listen_sockets(struct sd_want *want, size_t nwant, char **cause)
{
	char *pid = xstrdup_null(getenv("LISTEN_PID")), *fds = xstrdup_null(getenv("LISTEN_FDS"));
	char *names = xstrdup_null(getenv("LISTEN_FDNAMES"));
	long n = -1;
	int rc = 0;

	for (size_t i = 0; i < nwant; i++)
		want[i].fd = -1;
	/* Meant for us or not, they must not reach anything we start. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (pid == NULL || number(pid, LONG_MAX) != (long)getpid())
		goto out;
	if ((n = number(fds, SD_MAX_FDS)) < 0) {
		*cause = xasprintf("socket activation: LISTEN_FDS must be a number of sockets, "
		    "0..%d, got '%s'", SD_MAX_FDS, fds != NULL ? fds : "(unset)");
		rc = -1;
	} else if (take_all(want, nwant, (int)n, names, cause) < 0)
		rc = -1;
	else
		rc = (int)n;
out:
	free(pid);
	free(fds);
	free(names);
	return rc;
}
