/* config.c: hotpatchd.yaml -> struct config, checked field by field. */
#include "config.h"
#include "model.h"
#include "siteurl.h"
#include "yamltree.h"
#include "util.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The configuration format version this build reads. */
#define CONFIG_VERSION	1

/* Longest user or group name accepted (as useradd/groupadd). */
#define NAME_MAX_LEN	32

/* Longest listen address: a bracketed IPv6 address or host name plus a port. */
#define LISTEN_MAX_LEN	255

/* The string members of struct config, freed and replaced as one. */
static const size_t string_members[] = {
	offsetof(struct config, state_dir),
	offsetof(struct config, database),
	offsetof(struct config, socket_path),
	offsetof(struct config, socket_group),
	offsetof(struct config, admin_group),
	offsetof(struct config, http_listen),
	offsetof(struct config, public_url),
	offsetof(struct config, calendar),
	offsetof(struct config, schedules),
	offsetof(struct config, user),
};

static char **
string_member(struct config *c, size_t i)
{
	return (char **)(void *)((char *)c + string_members[i]);
}

void
config_defaults(struct config *c)
{
	*c = (struct config){
		.state_dir = xstrdup("var"),
		.socket_mode = 0660,
		.max_clients = 64,
		.admin_clients = 4,
		.clients_per_uid = 16,
		.idle_timeout = 60,
		.http_listen = xstrdup("127.0.0.1:8080"),
		.http_max_connections = 2048,
		.http_max_per_address = 64,
		.http_header_timeout = 15,
		.calendar = xstrdup("data/calendar.yaml"),
		.schedules = xstrdup("schedules"),
		.feed_months_back = HP_HORIZON_BACK,
		.feed_months_ahead = HP_HORIZON_AHEAD,
		.feed_cache_mb = 256,
		.slow_request_ms = 250,
	};
}

void
config_free(struct config *c)
{
	for (size_t i = 0; i < ARRAY_LEN(string_members); i++) {
		char **s = string_member(c, i);

		free(*s);
		*s = NULL;
	}
}

/* dir + "/" + name, without doubling a trailing slash of dir. */
static char *
join(const char *dir, const char *name)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		return xasprintf("/%s", name);
	return xasprintf("%.*s/%s", (int)len, dir, name);
}

void
config_finish(struct config *c)
{
	if (c->database == NULL)
		c->database = join(c->state_dir, "hotpatchd.db");
	if (c->socket_path == NULL)
		c->socket_path = join(c->state_dir, "hotpatchd.sock");
}

/* ---- value parsers ---- */

/*
 * A socket mode: "0660", or the plain YAML scalar 0660 or 660 (read as octal
 * digits, never as a decimal number).  The owner must be able to read and
 * write, so 0600..0777.
 */
static int
parse_mode(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);
	size_t len;
	unsigned long m;

	if (v == NULL)
		return -1;
	len = strlen(v);
	if (len < 3 || len > 4 || strspn(v, "01234567") != len) {
		yerr(c, n, "%s must be an octal file mode such as 0660, got '%s'", f->key, v);
		return -1;
	}
	m = strtoul(v, NULL, 8);
	if (m < 0600 || m > 0777) {
		yerr(c, n, "%s must be 0600..0777 (the owner needs read and write), got %04lo",
		    f->key, m);
		return -1;
	}
	*(mode_t *)dst = (mode_t)m;
	return 0;
}

/* A user or group name: [a-z_][a-z0-9_-]*, at most 32 characters.  Not looked up. */
static int
parse_name(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);
	size_t len;

	if (v == NULL)
		return -1;
	len = strlen(v);
	if (len == 0 || len > NAME_MAX_LEN || strchr("abcdefghijklmnopqrstuvwxyz_", v[0]) == NULL ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len) {
		yerr(c, n, "%s must be a user or group name ([a-z_][a-z0-9_-]*, at most %d "
		    "characters), got '%s'", f->key, NAME_MAX_LEN, v);
		return -1;
	}
	*(char **)dst = xstrdup(v);
	return 0;
}

/* A host name or IPv4 address as text; IPv4-looking text must be a real address. */
static bool
host_ok(const char *h, size_t len)
{
	char buf[LISTEN_MAX_LEN + 1];
	struct in_addr a4;

	if (len == 0 || len > LISTEN_MAX_LEN || h[0] == '-' || h[0] == '.')
		return false;
	if (strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") < len)
		return false;
	memcpy(buf, h, len);
	buf[len] = '\0';
	if (strspn(buf, "0123456789.") == len)
		return inet_pton(AF_INET, buf, &a4) == 1;
	return true;
}

/* The text between brackets must be an IPv6 address. */
static bool
ipv6_ok(const char *h, size_t len)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a6;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1;
}

/*
 * The HTTP listener: "off", "ADDR:PORT" (IPv4 address or host name) or
 * "[IPV6]:PORT".  Only the shape is checked; names are resolved at start-up.
 */
static int
parse_listen(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f), *colon, *port;
	bool addr_ok;
	long p;

	if (v == NULL)
		return -1;
	if (strcmp(v, "off") == 0) {
		*(char **)dst = xstrdup(v);
		return 0;
	}
	colon = strrchr(v, ':');
	if (strlen(v) > LISTEN_MAX_LEN || colon == NULL || colon == v) {
		yerr(c, n, "%s must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '%s'", f->key, v);
		return -1;
	}
	if (v[0] == '[')
		addr_ok = colon[-1] == ']' && ipv6_ok(v + 1, (size_t)(colon - v) - 2);
	else if (memchr(v, ':', (size_t)(colon - v)) == NULL)
		addr_ok = host_ok(v, (size_t)(colon - v));
	else if (strspn(v, "0123456789abcdefABCDEF:.") >= (size_t)(colon - v)) {
		yerr(c, n, "%s: put an IPv6 address in brackets, as in [::1]:8080, got '%s'",
		    f->key, v);
		return -1;
	} else
		addr_ok = false;
	port = colon + 1;
	if (!addr_ok || *port == '\0' || strlen(port) > 5 ||
	    strspn(port, "0123456789") != strlen(port)) {
		yerr(c, n, "%s must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '%s'", f->key, v);
		return -1;
	}
	p = strtol(port, NULL, 10);
	if (p < 1 || p > 65535) {
		yerr(c, n, "%s port must be 1..65535, got %ld", f->key, p);
		return -1;
	}
	*(char **)dst = xstrdup(v);
	return 0;
}

/* The site's public address (siteurl.h), kept normalised: no trailing '/'. */
static int
parse_public_url(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);
	char *cause = NULL;

	if (v == NULL)
		return -1;
	if (siteurl_parse(v, (char **)dst, &cause) < 0) {
		yerr(c, n, "%s: %s", f->key, cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* ---- the sections ---- */

/* What a file sets, read into a scratch copy so a bad file changes nothing. */
struct cfin {
	int		 version;
	struct config	 c;
};

static const struct yfield socket_fields[] = {
	{ "path", false, yp_string, offsetof(struct config, socket_path), 0, 0 },
	{ "mode", false, parse_mode, offsetof(struct config, socket_mode), 0, 0 },
	{ "group", false, parse_name, offsetof(struct config, socket_group), 0, 0 },
	{ "max_clients", false, yp_int, offsetof(struct config, max_clients), 1, 4096 },
	{ "admin_clients", false, yp_int, offsetof(struct config, admin_clients), 0, 2048 },
	{ "clients_per_uid", false, yp_int, offsetof(struct config, clients_per_uid), 1, 4096 },
	{ "idle_timeout", false, yp_int, offsetof(struct config, idle_timeout), 1, 3600 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield http_fields[] = {
	{ "listen", false, parse_listen, offsetof(struct config, http_listen), 0, 0 },
	{ "max_connections", false, yp_int, offsetof(struct config, http_max_connections), 4, 65536 },
	{ "max_per_address", false, yp_int, offsetof(struct config, http_max_per_address), 0, 65536 },
	{ "header_timeout", false, yp_int, offsetof(struct config, http_header_timeout), 1, 300 },
	{ "public_url", false, parse_public_url, offsetof(struct config, public_url), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield feed_fields[] = {
	{ "months_back", false, yp_int, offsetof(struct config, feed_months_back), 0, 120 },
	{ "months_ahead", false, yp_int, offsetof(struct config, feed_months_ahead), 1, 120 },
	{ "cache_mb", false, yp_int, offsetof(struct config, feed_cache_mb), 0, 65536 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static int
parse_socket(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return ymap(c, n, "socket", socket_fields, dst) ? -1 : 0;
}

static int
parse_http(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return ymap(c, n, "http", http_fields, dst) ? -1 : 0;
}

static int
parse_feed(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return ymap(c, n, "feed", feed_fields, dst) ? -1 : 0;
}

#define CF(m)	offsetof(struct cfin, c.m)

static const struct yfield top_fields[] = {
	{ "version", true, yp_version, offsetof(struct cfin, version), CONFIG_VERSION, 0 },
	{ "state_dir", false, yp_string, CF(state_dir), 0, 0 },
	{ "database", false, yp_string, CF(database), 0, 0 },
	{ "calendar", false, yp_string, CF(calendar), 0, 0 },
	{ "schedules", false, yp_string, CF(schedules), 0, 0 },
	{ "user", false, parse_name, CF(user), 0, 0 },
	{ "admin_group", false, parse_name, CF(admin_group), 0, 0 },
	{ "slow_request_ms", false, yp_int, CF(slow_request_ms), 0, 60000 },
	{ "socket", false, parse_socket, offsetof(struct cfin, c), 0, 0 },
	{ "http", false, parse_http, offsetof(struct cfin, c), 0, 0 },
	{ "feed", false, parse_feed, offsetof(struct cfin, c), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

#undef CF

/* Read the tree of file over c; frees root. */
static int
config_tree(const char *file, struct ynode *root, struct config *c, struct diags *d)
{
	struct yctx y = { .file = file, .d = d };
	struct cfin in = { .c = *c };
	size_t before = diags_count(d);

	/* Numbers start from c; strings start unset and replace c's only if set. */
	for (size_t i = 0; i < ARRAY_LEN(string_members); i++)
		*string_member(&in.c, i) = NULL;
	ymap(&y, root, "configuration", top_fields, &in);
	ytree_free(root);
	if (diags_count(d) > before || diags_full(d)) {
		config_free(&in.c);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_LEN(string_members); i++) {
		char **old = string_member(c, i), *new = *string_member(&in.c, i);

		if (new != NULL) {
			free(*old);
			*old = new;
		}
	}
	c->socket_mode = in.c.socket_mode;
	c->max_clients = in.c.max_clients;
	c->admin_clients = in.c.admin_clients;
	c->clients_per_uid = in.c.clients_per_uid;
	c->idle_timeout = in.c.idle_timeout;
	c->http_max_connections = in.c.http_max_connections;
	c->http_max_per_address = in.c.http_max_per_address;
	c->http_header_timeout = in.c.http_header_timeout;
	c->feed_months_back = in.c.feed_months_back;
	c->feed_months_ahead = in.c.feed_months_ahead;
	c->feed_cache_mb = in.c.feed_cache_mb;
	c->slow_request_ms = in.c.slow_request_ms;
	return 0;
}

int
config_load(const char *file, struct config *c, struct diags *d)
{
	struct ynode *root;

	if ((root = ytree_load(file, d)) == NULL)
		return -1;
	return config_tree(file, root, c, d);
}

int
config_parse(const char *name, const char *buf, size_t len, struct config *c,
    struct diags *d)
{
	struct ynode *root;

	if ((root = ytree_parse(name, buf, len, d)) == NULL)
		return -1;
	return config_tree(name, root, c, d);
}
