/*
 * control.h: the control socket's life: listen, accept (with the peer's
 * credentials from the kernel), read request lines, queue replies, time out
 * idle clients, close.  Requests are executed by commands.c.
 */
#ifndef HP_CONTROL_H
#define HP_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

struct daemon;
struct control;

struct control_opts {
	const char	*path;
	mode_t		 mode;
	gid_t		 group;		/* (gid_t)-1: leave the group alone */
	gid_t		 admin_gid;	/* (gid_t)-1: no admin group */
	int		 max_clients;
	int		 admin_clients;	/* of max_clients, kept for admins */
	int		 clients_per_uid; /* connections one non-admin uid may hold */
	int		 idle_timeout;	/* seconds */
};

/* Refuse early (-1 with *cause) if a live daemon already answers on path. */
int control_probe(const char *path, char **cause);

/*
 * Bind and listen on o->path.  A live daemon on the path is refused; a stale
 * socket left by a crash is removed.  Returns NULL with *cause on error.
 */
struct control *control_listen(const struct control_opts *o, char **cause);

/*
 * Serve on fd, a listening AF_UNIX socket passed by systemd.  The socket and
 * its path belong to systemd: o's path, mode and group are not applied, and
 * control_close does not remove it.  Returns NULL with *cause on error.
 */
struct control *control_adopt(int fd, const struct control_opts *o, char **cause);

/* The socket's path (for a passed socket, as bound; "@name" if abstract). */
const char *control_path(const struct control *c);

/* Fill fds (room for control_nfds()) for poll; returns how many were used. */
int control_fill(struct control *c, struct pollfd *fds);
size_t control_nfds(const struct control *c);
/* Milliseconds until the next idle timeout, or -1 for none. */
int control_timeout(const struct control *c);
/* Handle what poll reported in fds (as filled by control_fill). */
void control_dispatch(struct control *c, const struct pollfd *fds, int n,
    struct daemon *d);
/*
 * Stop accepting, try for up to ms milliseconds to deliver queued replies,
 * close all, remove the socket (unless it was passed by systemd).
 */
void control_close(struct control *c, int ms);

#endif
