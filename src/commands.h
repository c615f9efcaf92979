/*
 * commands.h: executing one control request.  The grammar is in cmdtab.c;
 * here each command has a handler that answers with JSON (the data) and a
 * renderer that turns that JSON into the text a person reads.
 */
#ifndef HP_COMMANDS_H
#define HP_COMMANDS_H

#include "cmdtab.h"
#include "layout.h"

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct daemon;

/* Who is asking: from SO_PEERCRED at accept time, never from the payload. */
struct peer {
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 pid;
	bool		 admin;
};

/*
 * Bytes a reply sends after its body just as they are, from where the
 * daemon keeps them (a page's body): never copied, held until sent.
 */
struct raw_piece {
	const char	*p;
	size_t		 len;
	void		*hold;			/* given to release once sent */
	void		(*release)(void *hold);
};

struct reply {
	int		 code;		/* enum proto_code */
	char		*msg;		/* one line; NULL = the code's default */
	json_t		*data;		/* the answer; the renderer makes text of it */
	struct raw_piece *raw;		/* sent after the body, counted in its length */
	size_t		 nraw, rawcap;
};

/* Append a piece to r's raw bytes; it is released with the reply or once sent. */
void reply_raw(struct reply *r, const char *p, size_t len, void *hold,
    void (*release)(void *));

/* A reply ready to send: the status line and body, then the raw pieces. */
struct reply_out {
	char		*text;
	size_t		 len;
	struct raw_piece *raw;		/* the caller's now: send, then release each */
	size_t		 nraw;
};

typedef void cmd_handler(struct daemon *d, const struct request *rq,
    const struct peer *p, const char *line, struct reply *r);
typedef char *cmd_render(const json_t *data, struct layout *lo);

/* Set an error reply. */
void reply_error(struct reply *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct actor;
/* "uid 1000 (alice)", from the kernel's uid, never from the request (allocated). */
char *peer_name(const struct peer *p);
/* Fill the audit actor of a change request; who is peer_name()'s string. */
void actor_init(struct actor *a, const struct request *rq, const struct peer *p,
    const char *line, char *who);

struct os_def;
struct ring;
/*
 * The OS (ring) of id: false with the one 404 reply of its kind if there is
 * none.  A NULL id (an option not given) looks nothing up: *os is NULL, true.
 */
bool lookup_os(struct daemon *d, const char *id, const struct os_def **os, struct reply *r);
bool lookup_ring(struct daemon *d, const char *id, const struct ring **g, struct reply *r);

/*
 * The stored devices in d->inv (daemon_devices reads them the first time):
 * false with an internal-error reply if the store cannot give them.
 */
bool need_devices(struct daemon *d, struct reply *r);

/*
 * A file sent in a request: "[NAME:]BASE64", the file's base name (for
 * messages; base64 has no ':') and its content.  Returns the decoded length
 * with *text (allocated, NUL-terminated) and *name (allocated or NULL), or -1.
 */
int import_arg(const char *arg, char **name, char **text);

/*
 * The file passed with rq (rq->fd): a regular file of at most max bytes,
 * read with pread up to the size fstat gave (a file that grows meanwhile is
 * read as it was).  A FIFO or a device is refused unread: reading it could
 * block the one loop every client shares.  Returns the bytes (allocated,
 * NUL-terminated) and *len, or NULL with the reply's error (name in it).
 */
char *read_passed(const struct request *rq, const char *name, size_t max, size_t *len,
    struct reply *r);

/* "Now" for a request: --at, else the instant it arrived (the clock if not set). */
time_t request_now(const struct request *rq);

/*
 * Execute one request line from peer p and return the whole reply in *out:
 * the status line and body (allocated), then any raw pieces.  The line is parsed and the
 * peer's permission checked first; only then may a kept reply answer it
 * (cmd_table's keep, never set for an admin command).  fd (-1: none) is a
 * descriptor the peer passed with the line: only a command with a
 * CARG_INVENTORY or CARG_FILE argument (admin ones only) or export
 * --stream (the held list) reads it; any other refuses the request.  The
 * caller closes it.
 */
void commands_execute(struct daemon *d, const struct peer *p, const char *line, int fd,
    struct reply_out *out);

/* Drop the kept replies (at exit; they are also dropped when full). */
void commands_forget(struct daemon *d);

/* Handlers in the area files; their renderers are in render.h unless named here. */
cmd_handler cmd_status, cmd_os_list, cmd_calendar, cmd_month, cmd_next;
cmd_handler cmd_rings, cmd_ring_show;
cmd_handler cmd_override_set, cmd_override_clear, cmd_override_list, cmd_reload;
cmd_render render_override_change, render_override_list, render_reload;
/* cmd_windows.c: windows, plan, and next --ring (cmd_next calls view_next_windows). */
cmd_handler cmd_windows, cmd_plan;
/*
 * The ring of --ring and the OS of --os, which must be one of the ring's
 * (NULL = all of them); false with a 404 reply if either is unknown.
 */
bool select_ring(struct daemon *d, const struct request *rq, const struct ring **g,
    const struct os_def **os, struct reply *r);
/* cmd_feed.c: feed and export, read from the site cache. */
cmd_handler cmd_feed, cmd_export;
cmd_render render_feed, render_export;
/* cmd_blackout.c */
cmd_handler cmd_blackout_add, cmd_blackout_remove, cmd_blackout_list, cmd_blackout_import;
/* cmd_publish.c: published answers made at run time (publish.h). */
cmd_handler cmd_publish, cmd_publish_clear, cmd_publish_list;
cmd_render render_publish_change, render_publish_list;
/* cmd_import.c: MSRC's release data. */
cmd_handler cmd_import_cvrf;
cmd_render render_import_cvrf;
/* cmd_devices.c: the device inventory (device.h). */
cmd_handler cmd_devices_import, cmd_devices, cmd_device_show;
cmd_render render_devices_import, render_devices, render_device_show;
/*
 * cmd_whatif.c: plan, and plan --what-if/--set: the plan as it would be
 * with other rings, and its diff against today's (cmd_plan for both);
 * its text is render_plan_whatif (whatif.h).
 */
cmd_handler cmd_plan_whatif;
/* cmd_fleet.c: the fleet forecast of the inventory (fleet.c); text by render_fleet. */
cmd_handler cmd_fleet;
/* cmd_audit.c: the audit trail, for admins. */
cmd_handler cmd_audit;
cmd_render render_audit;
/* cmd_backup.c: a copy of the database, made by the daemon, written by the client. */
cmd_handler cmd_backup;
cmd_render render_backup;
/* At start-up: remove the copies a killed hotpatchd left next to database. */
void backup_remove_leftovers(const char *database);
/* The largest database backup sends (the reply carries it base64-encoded). */
#define BACKUP_MAX	(256L * 1024 * 1024)

#endif
