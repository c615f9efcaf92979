/*
 * hotpatchd: the daemon.  Reads its configuration, imports the calendar and
 * ring files into the database, and answers hotpatchctl on the control
 * socket from one poll loop.  Signal handlers only set flags.
 */
#include "tzcache.h"
#include "calfile.h"
#include "cmdtab.h"
#include "config.h"
#include "control.h"
#include "commands.h"
#include "daemon.h"
#include "dbguard.h"
#include "diag.h"
#include "http.h"
#include "log.h"
#include "privs.h"
#include "ringfile.h"
#include "sd.h"
#include "site.h"
#include "siteurl.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <libical/ical.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The one exception to "no globals": what a signal handler may touch. */
static volatile sig_atomic_t got_term, got_hup;

struct opts {
	const char	*config;
	const char	*state_dir, *db, *socket, *http, *calendar, *schedules;
	char		*public_url;	/* --public-url, checked and normalised */
	time_t		 at;		/* --at, 0 if not given */
	bool		 check, foreground, init_db;
	int		 verbose;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hotpatchd [-fnv] [-c FILE] [--state-dir DIR] [--db PATH] [--socket PATH]\n"
	    "                 [--http ADDR:PORT|off] [--calendar FILE] [--schedules DIR]\n"
	    "                 [--public-url URL] [--init-db] [--at DATE]\n"
	    "\n"
	    "  -f, --foreground     stay in the foreground, log to stderr\n"
	    "  -c, --config FILE    daemon configuration (default %s/hotpatchd.yaml if it exists)\n"
	    "      --state-dir DIR  directory for the database and control socket (./var)\n"
	    "      --db PATH        database file (STATE-DIR/hotpatchd.db)\n"
	    "      --socket PATH    control socket (STATE-DIR/hotpatchd.sock)\n"
	    "      --http ADDR:PORT HTTP feed listener, or off (127.0.0.1:8080)\n"
	    "      --public-url URL the site's address in every absolute link, as subscribers\n"
	    "                       reach it (http(s)://HOST[:PORT][/PREFIX]); without it, the\n"
	    "                       Host of each request\n"
	    "      --calendar FILE  reference calendar (data/calendar.yaml)\n"
	    "      --schedules DIR  ring files (schedules/)\n"
	    "  -n, --check          check the files, print file:line:column errors, exit 1 on error\n"
	    "  -v, --verbose        log every request; twice: connections too\n"
	    "      --init-db        start with a new, empty database where one is missing or\n"
	    "                       empty although one was created before (see hotpatchd(8))\n"
	    "      --at DATE        publish feeds and pages as of DATE (YYYY-MM, YYYY-MM-DD or\n"
	    "                       YYYY-MM-DDTHH:MM[:SS]Z) instead of now: previews and tests\n"
	    "      --version        print the version\n"
	    "      --help           this text\n", HP_SYSCONFDIR);
}

enum { OPT_STATE_DIR = 256, OPT_DB, OPT_SOCKET, OPT_HTTP, OPT_CALENDAR, OPT_SCHEDULES,
	OPT_VERSION, OPT_HELP, OPT_INIT_DB, OPT_AT, OPT_PUBLIC_URL };

static const struct option longopts[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "config", required_argument, NULL, 'c' },
	{ "check", no_argument, NULL, 'n' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "db", required_argument, NULL, OPT_DB },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "http", required_argument, NULL, OPT_HTTP },
	{ "calendar", required_argument, NULL, OPT_CALENDAR },
	{ "schedules", required_argument, NULL, OPT_SCHEDULES },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "init-db", no_argument, NULL, OPT_INIT_DB },
	{ "at", required_argument, NULL, OPT_AT },
	{ "public-url", required_argument, NULL, OPT_PUBLIC_URL },
	{ NULL, 0, NULL, 0 },
};

/* --public-url: checked at once, as the configuration file's http.public_url is. */
static void
public_url_arg(const char *v, struct opts *o)
{
	char *cause = NULL;

	free(o->public_url);
	o->public_url = NULL;
	if (siteurl_parse(v, &o->public_url, &cause) < 0) {
		fprintf(stderr, "hotpatchd: bad --public-url: %s\n", cause);
		free(cause);
		exit(2);
	}
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fc:nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': o->foreground = true; break;
		case 'c': o->config = optarg; break;
		case 'n': o->check = true; break;
		case 'v': o->verbose++; break;
		case OPT_STATE_DIR: o->state_dir = optarg; break;
		case OPT_DB: o->db = optarg; break;
		case OPT_SOCKET: o->socket = optarg; break;
		case OPT_HTTP: o->http = optarg; break;
		case OPT_CALENDAR: o->calendar = optarg; break;
		case OPT_SCHEDULES: o->schedules = optarg; break;
		case OPT_INIT_DB: o->init_db = true; break;
		case OPT_AT:
			if (cmd_parse_instant(optarg, &o->at) < 0 || o->at == 0) {
				fprintf(stderr, "hotpatchd: bad --at '%s' (expected YYYY-MM, YYYY-MM-DD "
				    "or YYYY-MM-DDTHH:MM[:SS]Z)\n", optarg);
				exit(2);
			}
			break;
		case OPT_PUBLIC_URL:
			public_url_arg(optarg, o);
			break;
		case OPT_VERSION:
			printf("hotpatchd %s\n", PACKAGE_VERSION);
			exit(0);
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case ':':
			fprintf(stderr, "hotpatchd: option '%s' needs a value\n", argv[optind - 1]);
			exit(2);
		default:
			fprintf(stderr, "hotpatchd: unknown option '%s' (see hotpatchd --help)\n",
			    argv[optind - 1]);
			exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hotpatchd: unexpected argument '%s' (see hotpatchd --help)\n",
		    argv[optind]);
		exit(2);
	}
}

static void
set(char **field, const char *v)
{
	if (v == NULL)
		return;
	free(*field);
	*field = xstrdup(v);
}

/* Defaults, then the configuration file, then the flags. */
static int
configure(const struct opts *o, struct config *c, const char **file, struct diags *d)
{
	const char *installed = HP_SYSCONFDIR "/hotpatchd.yaml";

	config_defaults(c);
	*file = o->config;
	if (*file == NULL && access(installed, F_OK) == 0)
		*file = installed;
	if (*file != NULL && config_load(*file, c, d) < 0)
		return -1;
	set(&c->state_dir, o->state_dir);
	set(&c->database, o->db);
	set(&c->socket_path, o->socket);
	set(&c->http_listen, o->http);
	set(&c->public_url, o->public_url);
	set(&c->calendar, o->calendar);
	set(&c->schedules, o->schedules);
	config_finish(c);
	return 0;
}

static int
load_files(const struct config *c, struct caldata *cal, struct ringset *rings, struct diags *d)
{
	if (calfile_load(c->calendar, cal, d) < 0)
		return -1;
	if (ringfile_load_dir(c->schedules, cal, rings, d) < 0) {
		caldata_free(cal);
		return -1;
	}
	return 0;
}

static int
run_check(const struct opts *o)
{
	struct config c;
	struct caldata cal = { 0 };
	struct ringset rings = { 0 };
	struct diags d = { 0 };
	const char *file;
	int rc = 1;

	if (configure(o, &c, &file, &d) == 0 && load_files(&c, &cal, &rings, &d) == 0) {
		printf("configuration OK: %zu OSes, %zu published months, %zu overrides, "
		    "%zu rings, %zu blackouts\n", cal.nos, caldata_count_published(&cal), cal.novr,
		    rings.nring, rings.nbo);
		rc = 0;
	}
	diags_print(&d, stderr);
	diags_free(&d);
	caldata_free(&cal);
	ringset_free(&rings);
	config_free(&c);
	return rc;
}

/* Make a path absolute so it still works after the daemon leaves its directory. */
static void
absolute(char **path)
{
	char cwd[PATH_MAX];

	char *abs;

	if (*path == NULL || (*path)[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return;
	abs = xasprintf("%s/%s", cwd, *path);
	free(*path);
	*path = abs;
}

static gid_t
group_id(const char *name, const char *what)
{
	struct group *g;

	if (name == NULL)
		return (gid_t)-1;
	if ((g = getgrnam(name)) == NULL)
		fatal("unknown group '%s' (%s)", name, what);
	return g->gr_gid;
}

/*
 * Control clients, HTTP connections and their epoll set all take
 * descriptors: raise the soft limit to the hard one so the configured
 * connection limits, not the default 1024 descriptors, are what bound us.
 */
static void
raise_fd_limit(void)
{
	unsigned long long cur;

	if (fd_limit_raise(&cur) < 0)
		log_warn("cannot raise the open file limit: %s", strerror(errno));
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/*
 * Block the signals we handle; they are let in only while waiting in ppoll.
 * Done before the control socket appears, which means "ready": a SIGTERM
 * sent then waits for the loop and a clean exit instead of killing a daemon
 * that has not installed its handlers yet (and leaving its socket behind).
 */
static void
block_signals(sigset_t *waitmask)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGHUP);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
}

static void
setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* READY=1 with what is being served; note (may be "") says how a reload went. */
static void
notify_ready(const struct daemon *dm, const char *note)
{
	if (sd_notify_state("READY=1\nSTATUS=%s%zu OSes, %zu rings; socket %s; feeds %s", note,
	    dm->cal.nos, dm->rings.nring, dm->cfg.socket_path,
	    dm->feed_url != NULL ? dm->feed_url : "off") < 0)
		log_warn("cannot notify the service manager ($NOTIFY_SOCKET): %s", strerror(errno));
}

/* The service manager hears of the reload, its start (with when) and its end. */
static void
reload_on_signal(struct daemon *dm)
{
	struct diags d = { 0 };
	char *cause = NULL, *first, *note;

	sd_notify_state("RELOADING=1\nMONOTONIC_USEC=%llu", sd_monotonic_usec());
	log_info("SIGHUP: reloading");
	if (daemon_reload(dm, NULL, &d, &cause) < 0) {
		first = d.n > 0 ? diags_first(&d) : xstrdup(cause != NULL ? cause : "reload failed");
		note = xasprintf("reload refused: %s; still serving ", first);
		free(first);
	} else
		note = xstrdup("");
	notify_ready(dm, note);
	free(note);
	diags_free(&d);
	free(cause);
}

/*
 * Leave the terminal.  The parent returns only once the child has written
 * its pid, so whoever started us finds the socket listening and the pid in
 * the lock file.  Returns the pipe end to pass to detach_done().
 */
static int
detach(void)
{
	int p[2], fd;
	char ok;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		fatal("cannot detach: %s", strerror(errno));
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &ok, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDOUT_FILENO)
			close(fd);
	}
	return p[1];
}

/* Tell the waiting parent we are up, and let go of the terminal's stderr. */
static void
detach_done(int fd)
{
	int null = open("/dev/null", O_RDWR);

	(void)!write(fd, "1", 1);
	close(fd);
	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

/* The sooner of two poll timeouts in milliseconds, -1 meaning none. */
static int
sooner(int a, int b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

static void
serve(struct daemon *dm, struct control *ctl, struct http *http, const sigset_t *waitmask)
{
	/* The control socket's entries, then libmicrohttpd's epoll fd. */
	struct pollfd *fds = xcalloc(control_nfds(ctl) + 1, sizeof(*fds));

	while (!got_term) {
		struct timespec ts, *tsp = NULL;
		int n, nfds, ms;

		if (got_hup) {
			got_hup = 0;
			reload_on_signal(dm);
		}
		nfds = n = control_fill(ctl, fds);
		ms = control_timeout(ctl);
		if (http != NULL) {
			fds[nfds++] = (struct pollfd){ .fd = http_fd(http), .events = POLLIN };
			ms = sooner(ms, http_timeout_ms(http));
		}
		if (ms >= 0) {
			ts = (struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000 };
			tsp = &ts;
		}
		if (ppoll(fds, (nfds_t)nfds, tsp, waitmask) < 0) {
			if (errno != EINTR)
				fatal("poll: %s", strerror(errno));
			continue;
		}
		control_dispatch(ctl, fds, n, dm);
		/* After every wake-up: MHD_run is cheap when idle, and it is where
		 * libmicrohttpd takes its listener back after hitting its limit. */
		if (http != NULL)
			http_run(http);
	}
	free(fds);
}

/* Open the store and bring it up to date with the files; on failure clean up and exit. */
static void
start_store(struct daemon *dm, const char *lockpath, bool init_db)
{
	struct diags d = { 0 };
	char *cause = NULL;
	bool created = check_database(dm->cfg.database, init_db, lockpath);

	if (store_open(dm->cfg.database, &dm->store, &cause) < 0) {
		unlink(lockpath);
		fatal("%s", cause);
	}
	mark_created(dm->cfg.database, created);
	if (daemon_start(dm, &d, &cause) < 0) {
		diags_print(&d, stderr);
		store_close(dm->store);
		unlink(lockpath);
		fatal("cannot start: %s", cause ? cause : "the files have errors");
	}
	diags_free(&d);
}

/* Sockets passed by socket activation, checked against the configuration; fatal if wrong. */
static void
passed_sockets(const struct config *c, struct sd_want *want, size_t n)
{
	char *cause = NULL;

	if (sd_listen_sockets(want, n, &cause) < 0)
		fatal("%s", cause);
	/* Fail rather than leave systemd accepting HTTP connections nobody answers. */
	if (want[1].fd >= 0 && strcmp(c->http_listen, "off") == 0)
		fatal("socket activation passed an HTTP socket ('http', fd %d), but HTTP is off: "
		    "set http.listen (the passed socket is used, whatever its address) or stop "
		    "passing it", want[1].fd);
}

/* What run_daemon opens at start-up and closes at the end. */
struct running {
	/* By FileDescriptorName=; passed_sockets relies on this order. */
	struct sd_want		 sdw[2];
	struct control_opts	 co;
	struct control		*ctl;
	struct http		*http;
	struct privs		 pv;
	sigset_t		 waitmask;
	char			*lockpath;
	int			 lockfd;
	int			 ready;		/* detach()'s pipe, or -1 in the foreground */
};

/*
 * The configuration, with paths made absolute; the passed sockets; the
 * user; the state directory and the lock.  Returns -1 (said) if the
 * configuration has errors; anything else wrong is fatal.
 */
static int
prepare(const struct opts *o, struct daemon *dm, struct running *r)
{
	struct diags d = { 0 };

	/* Nothing we create is for others: the modes below are set explicitly. */
	umask(0027);
	log_init("hotpatchd", o->foreground, o->verbose);
	raise_fd_limit();
	if (configure(o, &dm->cfg, &dm->config_file, &d) < 0) {
		diags_print(&d, stderr);
		return -1;
	}
	absolute(&dm->cfg.state_dir);
	absolute(&dm->cfg.database);
	absolute(&dm->cfg.socket_path);
	absolute(&dm->cfg.calendar);
	absolute(&dm->cfg.schedules);
	passed_sockets(&dm->cfg, r->sdw, ARRAY_LEN(r->sdw));
	priv_resolve(&dm->cfg, dm->config_file, &r->pv);
	r->pv.socket_passed = r->sdw[0].fd >= 0;
	priv_state_dir(&r->pv, dm->cfg.state_dir);
	r->lockfd = lock_database(dm->cfg.database, &r->lockpath, &r->pv);
	backup_remove_leftovers(dm->cfg.database);
	r->co = (struct control_opts){ .path = dm->cfg.socket_path,
	    .mode = dm->cfg.socket_mode,
	    .group = group_id(dm->cfg.socket_group, "socket.group"),
	    .admin_gid = group_id(dm->cfg.admin_group, "admin_group"),
	    .max_clients = dm->cfg.max_clients, .admin_clients = dm->cfg.admin_clients,
	    .clients_per_uid = dm->cfg.clients_per_uid, .idle_timeout = dm->cfg.idle_timeout };
	return 0;
}

/* Leave the terminal unless told not to, then open HTTP, the store and the control socket. */
static void
open_all(const struct opts *o, struct daemon *dm, struct running *r)
{
	char *cause = NULL;

	/*
	 * Refuse a busy socket before the database is touched, but listen only
	 * once the store is ready: the socket appearing means "ready".
	 */
	if (!r->pv.socket_passed && control_probe(r->co.path, &cause) < 0) {
		unlink(r->lockpath);
		fatal("%s", cause);
	}
	if (!o->foreground)
		r->ready = detach();
	block_signals(&r->waitmask);
	/*
	 * A taken HTTP port is refused before the database is touched, like a
	 * busy socket, and still before the control socket appears, so that
	 * the socket existing keeps meaning "ready", feeds included.  Requests
	 * wait in the backlog until serve() runs.
	 */
	if (strcmp(dm->cfg.http_listen, "off") != 0) {
		r->http = r->sdw[1].fd >= 0 ? http_adopt(r->sdw[1].fd, dm, &cause) :
		    http_start(dm->cfg.http_listen, dm, &cause);
		if (r->http == NULL) {
			unlink(r->lockpath);
			fatal("%s", cause);
		}
		dm->feed_url = xstrdup(http_base_url(r->http));
	}
	start_store(dm, r->lockpath, o->init_db);
	priv_store_files(&r->pv, dm->cfg.database);
	r->ctl = r->pv.socket_passed ? control_adopt(r->sdw[0].fd, &r->co, &cause) :
	    control_listen(&r->co, &cause);
	if (r->ctl == NULL) {
		http_stop(r->http);
		store_close(dm->store);
		unlink(r->lockpath);
		fatal("%s", cause);
	}
}

/*
 * Everything is open and bound: the store, the HTTP port, the control
 * socket.  Drop to the user before the first request is served, then say
 * we are ready (to the parent, the log and the service manager).
 */
static void
go_live(struct daemon *dm, struct running *r)
{
	if (r->pv.socket_passed) {
		/* status and the logs name the socket really served. */
		free(dm->cfg.socket_path);
		dm->cfg.socket_path = xstrdup(control_path(r->ctl));
	} else
		priv_socket(&r->pv, &r->co);
	priv_drop(&r->pv, &dm->cfg);
	free(r->pv.name);
	setup_signals();
	write_pid(r->lockfd);
	if (r->ready >= 0)
		detach_done(r->ready);
	log_info("hotpatchd %s ready: socket %s, feeds %s, database %s (%zu OSes, %zu rings)",
	    PACKAGE_VERSION, dm->cfg.socket_path, dm->feed_url ? dm->feed_url : "off",
	    dm->cfg.database, dm->cal.nos, dm->rings.nring);
	if (dm->cfg.public_url != NULL)
		log_info("links name the public URL %s", dm->cfg.public_url);
	if (r->sdw[0].fd >= 0 || r->sdw[1].fd >= 0)
		log_info("socket activation: control socket %s, HTTP %s",
		    r->sdw[0].fd >= 0 ? "passed" : "bound here", r->sdw[1].fd >= 0 ? "passed" :
		    r->http != NULL ? "bound here" : "off");
	notify_ready(dm, "");
}

static void
shut_down(struct daemon *dm, struct running *r)
{
	sd_notify_state("STOPPING=1");
	log_info("shutting down");
	http_stop(r->http);
	control_close(r->ctl, 1000);
	site_free(dm);
	commands_forget(dm);
	free(dm->feed_url);
	store_close(dm->store);
	unlink(r->lockpath);
	close(r->lockfd);
	free(r->lockpath);
	daemon_free_model(dm);
	config_free(&dm->cfg);
}

static int
run_daemon(const struct opts *o)
{
	struct daemon dm = { .started = time(NULL), .at = o->at };
	struct running r = { .sdw = { { "control", SD_UNIX_STREAM, -1 },
	    { "http", SD_INET_STREAM, -1 } }, .ready = -1 };

	if (prepare(o, &dm, &r) < 0)
		return 1;
	open_all(o, &dm, &r);
	go_live(&dm, &r);
	serve(&dm, r.ctl, r.http, &r.waitmask);
	shut_down(&dm, &r);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	int rc;

	parse_args(argc, argv, &o);
	rc = o.check ? run_check(&o) : run_daemon(&o);
	free(o.public_url);
	tz_free_all();
	icalmemory_free_ring();
	return rc;
}
