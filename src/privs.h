/* privs.h: the daemon's user, and dropping to it at start-up. */
#ifndef HP_PRIVS_H
#define HP_PRIVS_H

#include "config.h"
#include "control.h"

#include <stdbool.h>
#include <sys/types.h>

/*
 * Started as root with `user` set, the daemon creates and opens
 * everything it needs as root (state directory, lock file, database with its
 * -wal and -shm, HTTP port, control socket), hands the files to that user,
 * and then drops to the user for good (priv_drop) before it serves anything.
 */
struct privs {
	bool	 drop;		/* root with `user`: chown what we create, then drop */
	bool	 socket_passed;	/* the control socket is systemd's: not ours to chown or remove */
	uid_t	 uid;
	gid_t	 gid;
	char	*name;
};

/* Look the user up before anything is created: a wrong name creates nothing. */
void priv_resolve(const struct config *c, const char *file, struct privs *pv);
/* The state directory, 0750, the user's when dropping; a world-writable one is refused. */
void priv_state_dir(const struct privs *pv, const char *dir);
/* The database and its -wal and -shm files, 0640, the user's when dropping. */
void priv_store_files(const struct privs *pv, const char *db);
/* The control socket: the user's (group socket.group if set). */
void priv_socket(const struct privs *pv, const struct control_opts *co);
/* Drop to the user for good; fatal if root could be regained. */
void priv_drop(const struct privs *pv, const struct config *c);

#endif
