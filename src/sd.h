/*
 * sd.h: the two parts of the service manager's protocol the daemon speaks,
 * written here rather than linking libsystemd: state notifications to
 * $NOTIFY_SOCKET (sd_notify(3)) and sockets passed in by socket activation
 * ($LISTEN_PID, $LISTEN_FDS, $LISTEN_FDNAMES; sd_listen_fds(3)).  Both are
 * documented as stable interfaces.  Without the variables both do nothing.
 */
#ifndef HP_SD_H
#define HP_SD_H

#include <stddef.h>

/* The first passed descriptor; the others follow it without gaps. */
#define SD_LISTEN_FDS_START	3

/*
 * Send one state message ("READY=1\nSTATUS=...") to $NOTIFY_SOCKET: a path,
 * or an abstract socket written with a leading '@'.  Returns 0 when sent or
 * when the variable is unset, -1 with errno otherwise.
 */
int sd_notify_state(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* CLOCK_MONOTONIC in microseconds, as MONOTONIC_USEC= wants it. */
unsigned long long sd_monotonic_usec(void);

/* The kinds of listening socket the daemon accepts. */
enum sd_kind {
	SD_UNIX_STREAM,		/* AF_UNIX, SOCK_STREAM, listening */
	SD_INET_STREAM,		/* AF_INET or AF_INET6, SOCK_STREAM, listening */
};

/* One socket the daemon can take: by name, of a kind; fd is filled in. */
struct sd_want {
	const char	*name;		/* as FileDescriptorName= in the socket unit */
	enum sd_kind	 kind;
	int		 fd;		/* the passed descriptor, or -1 if none was passed */
};

/*
 * Take the sockets passed by socket activation.  Only when $LISTEN_PID is
 * our pid are they ours; the three variables are unset either way.  Each
 * passed descriptor gets FD_CLOEXEC and must carry one of the wanted names,
 * once, and be a listening socket of that name's kind.  Returns how many
 * were taken (0 without socket activation), or -1 with *cause naming the
 * descriptor and what is wrong with it.
 */
int sd_listen_sockets(struct sd_want *want, size_t nwant, char **cause);

#endif
