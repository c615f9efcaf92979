/*
 * check_config: hotpatchd.yaml, the daemon configuration.
 *
 * Every file under tests/conf/bad-config/ starts with a line
 * "# expect: LINE:COL: message" (or "# expect: message" for errors about the
 * whole file); loading it must fail with exactly that as the first error and
 * leave the configuration it was loaded over untouched.
 */
#include "config.h"
#include "testutil.h"
#include "util.h"

#include <dirent.h>
#include <string.h>
#include <unistd.h>

/* A configuration with every field set, so any change to it shows. */
static void
full_config(struct config *c)
{
	config_defaults(c);
	config_finish(c);
	c->socket_group = xstrdup("sockgrp");
	c->admin_group = xstrdup("admins");
	c->user = xstrdup("daemon");
	c->public_url = xstrdup("https://before.example.org");
}

/*
 * Whether after equals before field by field, the strings by identity: a
 * failed load must not even replace a string with an equal copy.
 */
static bool
unchanged(const struct config *before, const struct config *after)
{
	return before->state_dir == after->state_dir &&
	    before->database == after->database &&
	    before->socket_path == after->socket_path &&
	    before->socket_mode == after->socket_mode &&
	    before->socket_group == after->socket_group &&
	    before->admin_group == after->admin_group &&
	    before->max_clients == after->max_clients &&
	    before->admin_clients == after->admin_clients &&
	    before->clients_per_uid == after->clients_per_uid &&
	    before->idle_timeout == after->idle_timeout &&
	    before->http_listen == after->http_listen &&
	    before->public_url == after->public_url &&
	    before->calendar == after->calendar &&
	    before->schedules == after->schedules &&
	    before->feed_months_back == after->feed_months_back &&
	    before->feed_months_ahead == after->feed_months_ahead &&
	    before->feed_cache_mb == after->feed_cache_mb &&
	    before->user == after->user;
}

/* Load every case in dir; return the number of mismatches, printing each. */
static int
run_cases(const char *reldir, int *ncases)
{
	char *dir = srcpath(reldir);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), bad = 0;

	ck_assert_msg(n > 0, "no cases in %s", dir);
	*ncases = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *path, *want, *got, *full;
		struct diags d = { 0 };
		struct config c, before;
		int rc;

		if (strstr(name, ".yaml") == NULL) {
			free(names[i]);
			continue;
		}
		(*ncases)++;
		path = xasprintf("%s/%s", dir, name);
		want = case_expect(path);
		full_config(&c);
		before = c;
		rc = config_load(path, &c, &d);
		got = diags_first(&d);
		full = want[0] >= '0' && want[0] <= '9' ? xasprintf("%s:%s", path, want) :
		    xasprintf("%s: %s", path, want);
		if (rc != -1 || got == NULL || strcmp(got, full) != 0) {
			fprintf(stderr, "case %s:\n  want: %s\n  got:  %s (rc %d)\n",
			    name, full, got ? got : "(no error)", rc);
			bad++;
		}
		if (!unchanged(&before, &c)) {
			fprintf(stderr, "case %s: the configuration changed on error\n", name);
			bad++;
		}
		config_free(&c);
		free(full);
		free(got);
		free(want);
		free(path);
		diags_free(&d);
		free(names[i]);
	}
	free(names);
	free(dir);
	return bad;
}

/* Write data to a fresh temporary file; returns its path. */
static char *
temp_file(const char *data)
{
	char *path = xstrdup("/tmp/hp-config-XXXXXX");
	int fd = mkstemp(path);
	size_t len = strlen(data);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/*
 * Load the file at path over c; on failure print the errors and fail the
 * test.  Returns how many diagnostics the load gave.
 */
static size_t
load_file_ok(const char *path, struct config *c)
{
	struct diags d = { 0 };
	size_t n;

	if (config_load(path, c, &d) < 0) {
		diags_print(&d, stderr);
		ck_abort_msg("%s does not load", path);
	}
	n = d.n;
	diags_free(&d);
	return n;
}

/* load_file_ok of a file under the source tree. */
static void
load_file_ok_src(const char *rel, struct config *c)
{
	char *path = srcpath(rel);

	load_file_ok(path, c);
	free(path);
}

/* Load body over c, which must give no diagnostic at all. */
static void
load_ok(const char *body, struct config *c)
{
	char *path = temp_file(body);

	ck_assert_msg(load_file_ok(path, c) == 0, "configuration gives errors:\n%s", body);
	unlink(path);
	free(path);
}

/* Load body over a full configuration; return the first error (allocated). */
static char *
load_error(const char *body)
{
	char *path = temp_file(body), *got, *msg;
	struct diags d = { 0 };
	struct config c, before;

	full_config(&c);
	before = c;
	ck_assert_int_eq(config_load(path, &c, &d), -1);
	ck_assert(unchanged(&before, &c));
	got = diags_first(&d);
	ck_assert_ptr_nonnull(got);
	/* Strip "path:" so callers compare only "LINE:COL: message". */
	ck_assert_int_eq(strncmp(got, path, strlen(path)), 0);
	msg = xstrdup(got + strlen(path) + 1);
	free(got);
	diags_free(&d);
	config_free(&c);
	unlink(path);
	free(path);
	return msg;
}

/* Each bad[i][0] after head must be refused with the error bad[i][1]. */
static void
refuse_each(const char *head, const char *const (*bad)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *body = xasprintf("%s%s\n", head, bad[i][0]);
		char *got = load_error(body);

		ck_assert_str_eq(got, bad[i][1]);
		free(got);
		free(body);
	}
}

START_TEST(defaults_run_from_the_source_tree)
{
	struct config c;

	config_defaults(&c);
	ck_assert_str_eq(c.state_dir, "var");
	ck_assert_ptr_null(c.database);
	ck_assert_ptr_null(c.socket_path);
	ck_assert_uint_eq(c.socket_mode, 0660);
	ck_assert_ptr_null(c.socket_group);
	ck_assert_ptr_null(c.admin_group);
	ck_assert_int_eq(c.max_clients, 64);
	ck_assert_int_eq(c.admin_clients, 4);
	ck_assert_int_eq(c.clients_per_uid, 16);
	ck_assert_int_eq(c.idle_timeout, 60);
	ck_assert_str_eq(c.http_listen, "127.0.0.1:8080");
	ck_assert_str_eq(c.calendar, "data/calendar.yaml");
	ck_assert_str_eq(c.schedules, "schedules");
	ck_assert_int_eq(c.feed_months_back, 12);
	ck_assert_int_eq(c.feed_months_ahead, 24);
	ck_assert_int_eq(c.feed_cache_mb, 256);
	ck_assert_ptr_null(c.user);
	config_free(&c);
	ck_assert_ptr_null(c.state_dir);
	config_free(&c);	/* freeing twice is harmless */
}
END_TEST

START_TEST(full_file_sets_every_field)
{
	struct config c;

	full_config(&c);
	load_file_ok_src("tests/conf/config-full.yaml", &c);
	ck_assert_str_eq(c.state_dir, "/srv/hp/state");
	ck_assert_str_eq(c.database, "/srv/hp/db/hotpatchd.db");
	ck_assert_str_eq(c.calendar, "/srv/hp/calendar.yaml");
	ck_assert_str_eq(c.schedules, "/srv/hp/rings");
	ck_assert_str_eq(c.user, "hotpatchd");
	ck_assert_str_eq(c.admin_group, "patch-admins");
	ck_assert_str_eq(c.socket_path, "/run/hp/ctl.sock");
	ck_assert_uint_eq(c.socket_mode, 0640);
	ck_assert_str_eq(c.socket_group, "hotpatchd");
	ck_assert_int_eq(c.max_clients, 4096);
	ck_assert_int_eq(c.admin_clients, 2048);
	ck_assert_int_eq(c.clients_per_uid, 1);
	ck_assert_int_eq(c.idle_timeout, 1);
	ck_assert_str_eq(c.http_listen, "[::1]:8443");
	/* Scheme and host in lower case, the trailing '/' gone; the path as written. */
	ck_assert_str_eq(c.public_url, "https://cal.example.org:8443/Hotpatch");
	ck_assert_int_eq(c.feed_months_back, 0);
	ck_assert_int_eq(c.feed_months_ahead, 120);
	ck_assert_int_eq(c.feed_cache_mb, 0);
	config_free(&c);
}
END_TEST

START_TEST(partial_file_keeps_the_current_values_for_the_rest)
{
	struct config c;

	config_defaults(&c);
	load_ok("version: 1\n"
	    "state_dir: /var/lib/hotpatchd\n"
	    "socket:\n"
	    "  idle_timeout: 30\n", &c);
	ck_assert_str_eq(c.state_dir, "/var/lib/hotpatchd");
	ck_assert_int_eq(c.idle_timeout, 30);
	ck_assert_ptr_null(c.database);
	ck_assert_ptr_null(c.socket_path);
	ck_assert_uint_eq(c.socket_mode, 0660);
	ck_assert_int_eq(c.max_clients, 64);
	ck_assert_str_eq(c.http_listen, "127.0.0.1:8080");
	ck_assert_str_eq(c.calendar, "data/calendar.yaml");
	ck_assert_str_eq(c.schedules, "schedules");
	ck_assert_int_eq(c.feed_months_back, 12);
	ck_assert_int_eq(c.feed_months_ahead, 24);
	ck_assert_int_eq(c.feed_cache_mb, 256);
	ck_assert_ptr_null(c.user);
	ck_assert_ptr_null(c.admin_group);
	ck_assert_ptr_null(c.socket_group);

	/* A second file goes over the first; an empty section changes nothing. */
	load_ok("version: 1\nuser: hotpatchd\nfeed:\nhttp: {}\n", &c);
	ck_assert_str_eq(c.user, "hotpatchd");
	ck_assert_str_eq(c.state_dir, "/var/lib/hotpatchd");
	ck_assert_int_eq(c.idle_timeout, 30);
	ck_assert_str_eq(c.http_listen, "127.0.0.1:8080");
	config_free(&c);
}
END_TEST

START_TEST(version_only_file_changes_nothing)
{
	struct config c, before;

	full_config(&c);
	before = c;
	load_ok("# nothing but the version\nversion: 1\n", &c);
	ck_assert(unchanged(&before, &c));
	config_free(&c);
}
END_TEST

START_TEST(empty_value_keeps_the_current_setting)
{
	struct config c;

	full_config(&c);
	load_ok("version: 1\nuser:\nadmin_group: ~\nsocket:\n  group: null\n", &c);
	ck_assert_str_eq(c.user, "daemon");
	ck_assert_str_eq(c.admin_group, "admins");
	ck_assert_str_eq(c.socket_group, "sockgrp");
	config_free(&c);
}
END_TEST

START_TEST(finish_derives_database_and_socket_from_state_dir)
{
	struct config c;

	config_defaults(&c);
	config_finish(&c);
	ck_assert_str_eq(c.database, "var/hotpatchd.db");
	ck_assert_str_eq(c.socket_path, "var/hotpatchd.sock");
	config_free(&c);

	/* Paths that are set stay; a trailing slash is not doubled. */
	config_defaults(&c);
	load_ok("version: 1\nstate_dir: /var/lib/hotpatchd/\nsocket:\n  path: /run/h.sock\n", &c);
	config_finish(&c);
	ck_assert_str_eq(c.database, "/var/lib/hotpatchd/hotpatchd.db");
	ck_assert_str_eq(c.socket_path, "/run/h.sock");
	config_free(&c);

	config_defaults(&c);
	free(c.state_dir);
	c.state_dir = xstrdup("/");
	config_finish(&c);
	ck_assert_str_eq(c.database, "/hotpatchd.db");
	ck_assert_str_eq(c.socket_path, "/hotpatchd.sock");
	config_finish(&c);	/* a second call keeps what is set */
	ck_assert_str_eq(c.database, "/hotpatchd.db");
	config_free(&c);
}
END_TEST

START_TEST(every_bad_config_file_gives_its_exact_error_and_changes_nothing)
{
	int n, bad = run_cases("tests/conf/bad-config", &n);

	ck_assert_msg(bad == 0, "%d failures in %d config cases (see above)", bad, n);
	ck_assert_int_ge(n, 20);
}
END_TEST

START_TEST(socket_mode_is_read_as_octal_quoted_or_plain)
{
	static const struct { const char *text; mode_t mode; } ok[] = {
		{ "\"0660\"", 0660 }, { "0660", 0660 }, { "660", 0660 }, { "'0600'", 0600 },
		{ "0777", 0777 }, { "0640", 0640 }, { "700", 0700 },
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		struct config c;
		char *body = xasprintf("version: 1\nsocket:\n  mode: %s\n", ok[i].text);

		config_defaults(&c);
		c.socket_mode = 0;
		load_ok(body, &c);
		ck_assert_msg(c.socket_mode == ok[i].mode, "mode %s read as %04o", ok[i].text,
		    (unsigned)c.socket_mode);
		config_free(&c);
		free(body);
	}
}
END_TEST

START_TEST(socket_mode_without_owner_read_write_is_refused)
{
	static const char *const bad[][2] = {
		{ "0200", "3:9: mode must be 0600..0777 (the owner needs read and write), got 0200" },
		{ "0060", "3:9: mode must be 0600..0777 (the owner needs read and write), got 0060" },
		{ "1660", "3:9: mode must be 0600..0777 (the owner needs read and write), got 1660" },
		{ "0", "3:9: mode must be an octal file mode such as 0660, got '0'" },
		{ "00660", "3:9: mode must be an octal file mode such as 0660, got '00660'" },
		{ "rw-rw----", "3:9: mode must be an octal file mode such as 0660, got 'rw-rw----'" },
	};

	refuse_each("version: 1\nsocket:\n  mode: ", bad, ARRAY_LEN(bad));
}
END_TEST

START_TEST(listen_accepts_ipv4_ipv6_host_names_and_off)
{
	static const char *const ok[] = {
		"127.0.0.1:8080", "0.0.0.0:1", "\"[::1]:65535\"", "\"[::]:80\"",
		"\"[fe80::1:2]:8080\"", "localhost:8080", "feeds.example.org:443", "off",
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		struct config c;
		char *body = xasprintf("version: 1\nhttp:\n  listen: %s\n", ok[i]);
		const char *want = ok[i][0] == '"' ? ok[i] + 1 : ok[i];

		config_defaults(&c);
		load_ok(body, &c);
		ck_assert_int_eq(strncmp(c.http_listen, want, strcspn(want, "\"")), 0);
		ck_assert_uint_eq(strlen(c.http_listen), strcspn(want, "\""));
		config_free(&c);
		free(body);
	}
}
END_TEST

START_TEST(listen_with_a_bad_shape_or_port_is_refused)
{
	static const char *const bad[][2] = {
		{ "localhost", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got 'localhost'" },
		{ "\":8080\"", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got ':8080'" },
		{ "\"host:\"", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got 'host:'" },
		{ "\"[::1]\"", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '[::1]'" },
		{ "\"[]:80\"", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '[]:80'" },
		{ "\"[zz::1]:80\"", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '[zz::1]:80'" },
		{ "\"[127.0.0.1]:80\"", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '[127.0.0.1]:80'" },
		{ "1.2.3:80", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '1.2.3:80'" },
		{ "\"bad host:80\"", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got 'bad host:80'" },
		{ "-host:80", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got '-host:80'" },
		{ "host:+80", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got 'host:+80'" },
		{ "host:123456", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got 'host:123456'" },
		{ "host:99999", "3:11: listen port must be 1..65535, got 99999" },
		{ "host:00000", "3:11: listen port must be 1..65535, got 0" },
		{ "OFF", "3:11: listen must be ADDR:PORT, [IPV6-ADDR]:PORT or off, got 'OFF'" },
		{ "[a, b]", "3:11: listen must be a single value, got a list" },
	};

	refuse_each("version: 1\nhttp:\n  listen: ", bad, ARRAY_LEN(bad));
}
END_TEST

START_TEST(public_url_is_normalised)
{
	static const char *const ok[][2] = {
		{ "https://cal.example.org/hotpatch", "https://cal.example.org/hotpatch" },
		{ "HTTP://Cal.Example.ORG/", "http://cal.example.org" },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
		{ "\"http://[2001:DB8::1]:8443/a/b%20c/\"", "http://[2001:db8::1]:8443/a/b%20c" },
		{ "https://intranet_host/x~y/z.q-r_s", "https://intranet_host/x~y/z.q-r_s" },
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		struct config c;
		char *body = xasprintf("version: 1\nhttp:\n  public_url: %s\n", ok[i][0]);

		config_defaults(&c);
		ck_assert_ptr_null(c.public_url);	/* unset: links follow each request */
		load_ok(body, &c);
		ck_assert_str_eq(c.public_url, ok[i][1]);
		config_free(&c);
		free(body);
	}
}
END_TEST

#define URL_SHAPE	" (expected http(s)://HOST[:PORT][/PREFIX])"

START_TEST(public_url_with_anything_but_scheme_host_port_and_path_is_refused)
{
	static const char *const bad[][2] = {
		{ "ftp://cal.example.org", "3:15: public_url: the public URL must start with "
		    "http:// or https://" URL_SHAPE },
		{ "cal.example.org", "3:15: public_url: the public URL must start with http:// or "
		    "https://" URL_SHAPE },
		{ "\"javascript:alert(1)\"", "3:15: public_url: the public URL must start with "
		    "http:// or https://" URL_SHAPE },
		{ "\"https://cal.example.org/?a=1\"", "3:15: public_url: the public URL has a query "
		    "('?'): links add their own paths to it" URL_SHAPE },
		{ "\"https://cal.example.org/#top\"", "3:15: public_url: the public URL has a fragment "
		    "('#'): links add their own paths to it" URL_SHAPE },
		{ "https://me:secret@cal.example.org/", "3:15: public_url: the public URL has a user "
		    "name or password ('user@'): links would show them to every subscriber" URL_SHAPE },
		{ "\"https://cal.example.org/a b\"", "3:15: public_url: the public URL has a space or "
		    "a control character" URL_SHAPE },
		{ "\"https://cal.example.org/\\x1b[31m\"", "3:15: public_url: the public URL has a space "
		    "or a control character" URL_SHAPE },
		{ "\"https://caf\\u00e9.example.org\"", "3:15: public_url: the public URL has a "
		    "non-ASCII character (write the host in punycode and escape the path with %XX)"
		    URL_SHAPE },
		{ "https://", "3:15: public_url: the public URL has no valid host[:port] (a host "
		    "name, an IPv4 address or an IPv6 one in brackets, and a port 1..65535)" URL_SHAPE },
		{ "https://cal.example.org:0", "3:15: public_url: the public URL has no valid "
		    "host[:port] (a host name, an IPv4 address or an IPv6 one in brackets, and a port "
		    "1..65535)" URL_SHAPE },
		{ "https://cal.example.org:65536", "3:15: public_url: the public URL has no valid "
		    "host[:port] (a host name, an IPv4 address or an IPv6 one in brackets, and a port "
		    "1..65535)" URL_SHAPE },
		{ "\"https://::1/\"", "3:15: public_url: the public URL has no valid host[:port] (a "
		    "host name, an IPv4 address or an IPv6 one in brackets, and a port 1..65535)"
		    URL_SHAPE },
		{ "https://cal.example.org/a//b", "3:15: public_url: the public URL has an empty "
		    "path segment ('//')" URL_SHAPE },
		{ "https://cal.example.org/a/../b", "3:15: public_url: the public URL has a '.' or '..' "
		    "path segment" URL_SHAPE },
		{ "\"https://cal.example.org/a'b\"", "3:15: public_url: the public URL has a character "
		    "in its path other than letters, digits, '-', '.', '_', '~', '/' and %XX escapes"
		    URL_SHAPE },
		{ "https://cal.example.org/a%0Ab", "3:15: public_url: the public URL has an escaped "
		    "control character (%00..%1F or %7F) in its path" URL_SHAPE },
		{ "https://cal.example.org/a%2", "3:15: public_url: the public URL has a '%' that is "
		    "not followed by two hex digits" URL_SHAPE },
		{ "[a, b]", "3:15: public_url must be a single value, got a list" },
	};

	refuse_each("version: 1\nhttp:\n  public_url: ", bad, ARRAY_LEN(bad));
}
END_TEST

/* SITEURL_MAX (512) bytes are enough; one more is refused. */
START_TEST(public_url_longer_than_512_bytes_is_refused)
{
	char url[600], *body, *got;
	struct config c;
	size_t head = strlen("https://cal.example.org/");

	memcpy(url, "https://cal.example.org/", head);
	memset(url + head, 'p', 512 - head);
	url[512] = '\0';
	body = xasprintf("version: 1\nhttp:\n  public_url: %s\n", url);
	config_defaults(&c);
	load_ok(body, &c);
	ck_assert_str_eq(c.public_url, url);
	config_free(&c);
	free(body);
	url[512] = 'p';
	url[513] = '\0';
	body = xasprintf("version: 1\nhttp:\n  public_url: %s\n", url);
	got = load_error(body);
	ck_assert_str_eq(got, "3:15: public_url: the public URL is longer than 512 bytes" URL_SHAPE);
	free(got);
	free(body);
}
END_TEST

START_TEST(names_are_checked_but_not_looked_up)
{
	struct config c;
	char *got;

	config_defaults(&c);
	load_ok("version: 1\nuser: no-such-user-here\nadmin_group: _svc_1\n"
	    "socket:\n  group: a2345678901234567890123456789012\n", &c);
	ck_assert_str_eq(c.user, "no-such-user-here");
	ck_assert_str_eq(c.admin_group, "_svc_1");
	ck_assert_str_eq(c.socket_group, "a2345678901234567890123456789012");
	config_free(&c);

	got = load_error("version: 1\nuser: -dash\n");
	ck_assert_str_eq(got, "2:7: user must be a user or group name ([a-z_][a-z0-9_-]*, "
	    "at most 32 characters), got '-dash'");
	free(got);
	got = load_error("version: 1\nadmin_group: \"wheel admins\"\n");
	ck_assert_str_eq(got, "2:14: admin_group must be a user or group name ([a-z_][a-z0-9_-]*, "
	    "at most 32 characters), got 'wheel admins'");
	free(got);
	got = load_error("version: 1\nuser: {name: x}\n");
	ck_assert_str_eq(got, "2:7: user must be a single value, got a mapping");
	free(got);
}
END_TEST

/* The connection shares: the edges of each range load, one past them is refused. */
START_TEST(connection_shares_are_checked_against_their_ranges)
{
	static const char *const bad[][2] = {
		{ "admin_clients: -1", "3:18: admin_clients must be 0..2048, got -1" },
		{ "admin_clients: 2049", "3:18: admin_clients must be 0..2048, got 2049" },
		{ "clients_per_uid: 0", "3:20: clients_per_uid must be 1..4096, got 0" },
		{ "clients_per_uid: 4097", "3:20: clients_per_uid must be 1..4096, got 4097" },
	};
	struct config c;

	config_defaults(&c);
	load_ok("version: 1\nsocket:\n  admin_clients: 0\n  clients_per_uid: 4096\n", &c);
	ck_assert_int_eq(c.admin_clients, 0);
	ck_assert_int_eq(c.clients_per_uid, 4096);
	load_ok("version: 1\nsocket: {admin_clients: 2048, clients_per_uid: 1}\n", &c);
	ck_assert_int_eq(c.admin_clients, 2048);
	ck_assert_int_eq(c.clients_per_uid, 1);
	config_free(&c);
	refuse_each("version: 1\nsocket:\n  ", bad, ARRAY_LEN(bad));
}
END_TEST

START_TEST(all_errors_of_a_file_are_reported_not_just_the_first)
{
	char *path = temp_file("version: 1\n"
	    "socket:\n"
	    "  max_clients: 0\n"
	    "  idle_timeout: 0\n"
	    "http:\n"
	    "  listen: nowhere\n"
	    "feed:\n"
	    "  months_ahead: 0\n"
	    "colour: blue\n");
	struct diags d = { 0 };
	struct config c, before;

	full_config(&c);
	before = c;
	ck_assert_int_eq(config_load(path, &c, &d), -1);
	ck_assert(unchanged(&before, &c));
	ck_assert_int_eq(d.n, 5);
	ck_assert_int_eq(d.v[0].line, 3);
	ck_assert_int_eq(d.v[1].line, 4);
	ck_assert_int_eq(d.v[2].line, 6);
	ck_assert_int_eq(d.v[3].line, 8);
	ck_assert_int_eq(d.v[4].line, 9);
	ck_assert_str_eq(d.v[4].msg, "unknown key 'colour' in configuration");
	diags_free(&d);
	config_free(&c);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(failure_after_good_strings_frees_them_and_keeps_the_old_ones)
{
	/* Strings parsed before the error are dropped, not leaked or half-applied. */
	char *got = load_error("version: 1\n"
	    "state_dir: /new/state\n"
	    "database: /new/db\n"
	    "user: newuser\n"
	    "socket:\n"
	    "  path: /new/sock\n"
	    "  group: newgroup\n"
	    "http:\n"
	    "  listen: 10.0.0.1:80\n"
	    "feed:\n"
	    "  months_back: 200\n");

	ck_assert_str_eq(got, "11:16: months_back must be 0..120, got 200");
	free(got);
}
END_TEST

START_TEST(missing_file_is_reported_with_the_system_error)
{
	struct diags d = { 0 };
	struct config c, before;
	char *got;

	config_defaults(&c);
	before = c;
	ck_assert_int_eq(config_load("/nonexistent/hotpatchd.yaml", &c, &d), -1);
	ck_assert(unchanged(&before, &c));
	got = diags_first(&d);
	ck_assert_str_eq(got, "/nonexistent/hotpatchd.yaml: cannot open: No such file or directory");
	free(got);
	diags_free(&d);
	config_free(&c);
}
END_TEST

START_TEST(shipped_example_loads_with_installed_paths)
{
	struct config c;

	config_defaults(&c);
	load_file_ok_src("doc/hotpatchd.yaml.example", &c);
	config_finish(&c);
	ck_assert_str_eq(c.state_dir, "/var/lib/hotpatchd");
	ck_assert_str_eq(c.database, "/var/lib/hotpatchd/hotpatchd.db");
	ck_assert_str_eq(c.socket_path, "/run/hotpatchd/hotpatchd.sock");
	ck_assert_str_eq(c.calendar, "/usr/share/hotpatchd/calendar.yaml");
	ck_assert_str_eq(c.schedules, "/etc/hotpatchd/schedules");
	ck_assert_uint_eq(c.socket_mode, 0660);
	config_free(&c);
}
END_TEST

START_TEST(errors_stop_at_the_cap_with_one_summary_line)
{
	char *body = xstrdup("version: 1\n"), *path, *want;
	struct diags d = { 0 };
	struct config c, before;

	/* 300 keys, each unknown or a duplicate: 100 errors are kept, then one line. */
	for (int i = 0; i < 300; i++) {
		char *more = xasprintf(i % 2 ? "%suser: x%d\n" : "%sno_such_key_%d: 1\n", body, i);

		free(body);
		body = more;
	}
	path = temp_file(body);
	config_defaults(&c);
	before = c;
	ck_assert_int_eq(config_load(path, &c, &d), -1);
	ck_assert(unchanged(&before, &c));
	ck_assert_uint_eq(d.n, DIAGS_MAX + 1);
	ck_assert_uint_eq(diags_count(&d), DIAGS_MAX + 1);
	ck_assert(diags_full(&d));
	ck_assert_str_eq(d.v[0].msg, "unknown key 'no_such_key_0' in configuration");
	ck_assert_int_eq(d.v[1].line, 4);
	ck_assert_str_eq(d.v[2].msg, "duplicate key 'user' in configuration");
	ck_assert_int_eq(d.v[DIAGS_MAX].line, 0);
	want = xasprintf("too many errors: stopped after the first %d; fix these and check again",
	    DIAGS_MAX);
	ck_assert_str_eq(d.v[DIAGS_MAX].msg, want);
	ck_assert_str_eq(d.v[DIAGS_MAX].file, path);
	free(want);
	diags_free(&d);
	config_free(&c);
	unlink(path);
	free(path);
	free(body);
}
END_TEST

START_TEST(exactly_the_cap_has_no_summary_line)
{
	char *body = xstrdup("version: 1\n"), *path;
	struct diags d = { 0 };
	struct config c;

	for (int i = 0; i < DIAGS_MAX; i++) {
		char *more = xasprintf("%sk%d: 1\n", body, i);

		free(body);
		body = more;
	}
	path = temp_file(body);
	config_defaults(&c);
	ck_assert_int_eq(config_load(path, &c, &d), -1);
	ck_assert_uint_eq(d.n, DIAGS_MAX);
	ck_assert(!diags_full(&d));
	ck_assert_str_eq(d.v[DIAGS_MAX - 1].msg, "unknown key 'k99' in configuration");
	diags_free(&d);
	config_free(&c);
	unlink(path);
	free(path);
	free(body);
}
END_TEST

START_TEST(a_full_error_list_fails_a_load_that_adds_nothing)
{
	static const char good[] = "version: 1\nstate_dir: /elsewhere\n";
	struct diags d = { 0 };
	struct config c, before;

	for (int i = 0; i <= DIAGS_MAX; i++)
		diags_add(&d, "earlier.yaml", i + 1, 1, "error %d", i);
	config_defaults(&c);
	before = c;
	ck_assert_int_eq(config_parse("good.yaml", good, sizeof(good) - 1, &c, &d), -1);
	ck_assert(unchanged(&before, &c));
	ck_assert_uint_eq(d.n, DIAGS_MAX + 1);
	diags_free(&d);
	config_free(&c);
}
END_TEST

START_TEST(long_messages_are_cut_at_a_character_boundary)
{
	struct diags d = { 0 };
	char *big = xmalloc(3001);

	/* 1,500 two-byte characters: the cut must not split one. */
	for (int i = 0; i < 1500; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[3000] = '\0';
	diags_add(&d, "f.yaml", 1, 1, "got '%s'", big);
	ck_assert_uint_le(strlen(d.v[0].msg), DIAG_MSG_MAX);
	ck_assert_uint_ge(strlen(d.v[0].msg), DIAG_MSG_MAX - 4);
	ck_assert_str_eq(d.v[0].msg + strlen(d.v[0].msg) - 3, "...");
	for (size_t i = 0, len = strlen(d.v[0].msg); i < len; ) {
		size_t l = utf8_len((const unsigned char *)d.v[0].msg + i, len - i);

		ck_assert_uint_gt(l, 0);
		i += l;
	}
	diags_add(&d, "f.yaml", 1, 1, "short");
	ck_assert_str_eq(d.v[1].msg, "short");
	diags_free(&d);
	free(big);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");

	suite_add_tcase(s, tcase_of("hotpatchd.yaml", NULL, NULL, TESTS(
	    defaults_run_from_the_source_tree,
	    full_file_sets_every_field,
	    partial_file_keeps_the_current_values_for_the_rest,
	    version_only_file_changes_nothing,
	    empty_value_keeps_the_current_setting,
	    finish_derives_database_and_socket_from_state_dir,
	    every_bad_config_file_gives_its_exact_error_and_changes_nothing,
	    socket_mode_is_read_as_octal_quoted_or_plain,
	    socket_mode_without_owner_read_write_is_refused,
	    listen_accepts_ipv4_ipv6_host_names_and_off,
	    listen_with_a_bad_shape_or_port_is_refused,
	    public_url_is_normalised,
	    public_url_with_anything_but_scheme_host_port_and_path_is_refused,
	    public_url_longer_than_512_bytes_is_refused,
	    names_are_checked_but_not_looked_up,
	    connection_shares_are_checked_against_their_ranges,
	    all_errors_of_a_file_are_reported_not_just_the_first,
	    failure_after_good_strings_frees_them_and_keeps_the_old_ones,
	    missing_file_is_reported_with_the_system_error,
	    shipped_example_loads_with_installed_paths,
	    errors_stop_at_the_cap_with_one_summary_line,
	    exactly_the_cap_has_no_summary_line,
	    a_full_error_list_fails_a_load_that_adds_nothing,
	    long_messages_are_cut_at_a_character_boundary)));
	return run_suite(s);
}
