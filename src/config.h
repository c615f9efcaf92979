/*
 * config.h: the daemon's configuration, hotpatchd.yaml.  Defaults first, then
 * the file (if any), then command-line flags; paths are resolved last.
 */
#ifndef HP_CONFIG_H
#define HP_CONFIG_H

#include "diag.h"

#include <stdbool.h>
#include <sys/types.h>

struct config {
	char	*state_dir;		/* database and socket live here unless set */
	char	*database;		/* NULL = state_dir/hotpatchd.db */
	char	*socket_path;		/* NULL = state_dir/hotpatchd.sock */
	mode_t	 socket_mode;		/* 0660 */
	char	*socket_group;		/* group owning the socket; NULL = unchanged */
	char	*admin_group;		/* members may change data; NULL = only root and the daemon's user */
	int	 max_clients;		/* control connections at once: 1..4096, 64 */
	int	 admin_clients;		/* of those, kept for admins: 0..2048, 4 */
	int	 clients_per_uid;	/* one non-admin uid's connections: 1..4096, 16 */
	int	 idle_timeout;		/* seconds a control connection may stay silent: 1..3600, 60 */
	char	*http_listen;		/* "127.0.0.1:8080", or "off" */
	int	 http_max_connections;	/* HTTP connections at once: 4..65536, 2048 */
	int	 http_max_per_address;	/* from one client address: 0 (no cap)..65536, 64 */
	int	 http_header_timeout;	/* seconds to send a request's headers: 1..300, 15 */
	char	*public_url;		/* the site's address in absolute links; NULL: the request's */
	char	*calendar;		/* data/calendar.yaml */
	char	*schedules;		/* schedules/ */
	int	 feed_months_back;	/* feed horizon: 0..120, 12 */
	int	 feed_months_ahead;	/* 1..120, 24 */
	int	 feed_cache_mb;		/* rendered feed events kept: 0 (off)..65536 MiB, 256 */
	char	*user;			/* drop privileges to this user when started as root; NULL = don't */
	int	 slow_request_ms;	/* log requests taking this long: 0 (off)..60000, 250 */
};

/* Fill c with the embedded defaults for running from the source tree. */
void config_defaults(struct config *c);

/*
 * Read hotpatchd.yaml over c: keys not in the file keep their value.  Every
 * error goes to d as file:line:column; on error c is unchanged and -1 is
 * returned.
 */
int config_load(const char *file, struct config *c, struct diags *d);
/* The same for len bytes of YAML at buf; name is used in messages. */
int config_parse(const char *name, const char *buf, size_t len, struct config *c,
    struct diags *d);

/* Fill database and socket_path from state_dir when unset. */
void config_finish(struct config *c);

void config_free(struct config *c);

#endif
