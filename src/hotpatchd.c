/*
 * hotpatchd: loads the calendar and ring files into the database.
 *
 * This build has the offline check (-n) and the import; the control socket
 * and HTTP feeds come next.  Until then, running it imports the files and
 * prints this year's calendar, so the quick start shows real data.
 */
#include "config.h"

#include "calendar.h"
#include "calfile.h"
#include "diag.h"
#include "model.h"
#include "ringfile.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct opts {
	const char	*calendar;
	const char	*schedules;
	const char	*state_dir;
	const char	*db;
	const char	*socket;
	const char	*http;
	const char	*config;
	bool		 check;
	bool		 foreground;
	int		 verbose;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hotpatchd [-fnv] [-c FILE] [--state-dir DIR] [--db PATH] [--socket PATH]\n"
	    "                 [--http ADDR:PORT|off] [--calendar FILE] [--schedules DIR]\n"
	    "\n"
	    "  -f, --foreground     stay in the foreground, log to stderr\n"
	    "  -c, --config FILE    daemon configuration (hotpatchd.yaml)\n"
	    "      --state-dir DIR  directory for the database and control socket (./var)\n"
	    "      --db PATH        database file (STATE-DIR/hotpatchd.db)\n"
	    "      --socket PATH    control socket (STATE-DIR/hotpatchd.sock)\n"
	    "      --http ADDR:PORT HTTP feed listener, or off (127.0.0.1:8080)\n"
	    "      --calendar FILE  reference calendar (data/calendar.yaml)\n"
	    "      --schedules DIR  ring files (schedules/)\n"
	    "  -n, --check          check the files, print file:line:column errors, exit 1 on error\n"
	    "  -v, --verbose        more log output\n"
	    "      --version        print the version\n"
	    "      --help           this text\n");
}

enum { OPT_STATE_DIR = 256, OPT_DB, OPT_SOCKET, OPT_HTTP, OPT_CALENDAR, OPT_SCHEDULES,
	OPT_VERSION, OPT_HELP };

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
	{ NULL, 0, NULL, 0 },
};

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
		fprintf(stderr, "hotpatchd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		exit(2);
	}
}

/* Load both kinds of file; every error goes to d. */
static int
load_files(const struct opts *o, struct caldata *cal, struct ringset *rings, struct diags *d)
{
	if (calfile_load(o->calendar, cal, d) < 0)
		return -1;
	if (ringfile_load_dir(o->schedules, cal, rings, d) < 0) {
		caldata_free(cal);
		return -1;
	}
	return 0;
}

static size_t
count_published(const struct caldata *cal)
{
	size_t n = 0;

	for (size_t i = 0; i < cal->nos; i++)
		n += cal->os[i].nrel;
	return n;
}

static void
print_summary(FILE *f, const struct caldata *cal, const struct ringset *rings)
{
	fprintf(f, "%zu OSes, %zu published months, %zu overrides, %zu rings, %zu blackouts\n",
	    cal->nos, count_published(cal), cal->novr, rings->nring, rings->nbo);
}

/* One line per OS: the kind of each month of year (B baseline, H hotpatch, L lcu). */
static void
print_year(FILE *f, const struct caldata *cal, int year)
{
	static const char letter[KIND_COUNT] = { [KIND_LCU] = 'L', [KIND_HOTPATCH] = 'H',
	    [KIND_BASELINE] = 'B' };

	fprintf(f, "\n%-14s", "");
	for (int m = 1; m <= 12; m++)
		fprintf(f, " %02d ", m);
	fprintf(f, "   %d\n", year);
	for (size_t i = 0; i < cal->nos; i++) {
		fprintf(f, "%-14s", cal->os[i].id);
		for (int m = 1; m <= 12; m++) {
			struct month_info mi;
			cal_month(cal, &cal->os[i], ym_make(year, m), &mi);
			fprintf(f, " %c%c%c", letter[mi.kind], mi.unplanned ? '*' : ' ',
			    mi.source == SRC_PUBLISHED ? ' ' : mi.source == SRC_OVERRIDE ? '!' : '.');
		}
		fputc('\n', f);
	}
	fprintf(f, "\nB baseline (restart)  H hotpatch (no restart)  L monthly LCU (restart)\n"
	    "* unplanned baseline  . planned (nothing published)  ! override\n");
}

static int
run_check(const struct opts *o)
{
	struct caldata cal = { 0 };
	struct ringset rings = { 0 };
	struct diags d = { 0 };

	if (load_files(o, &cal, &rings, &d) < 0) {
		diags_print(&d, stderr);
		diags_free(&d);
		return 1;
	}
	printf("configuration OK: ");
	print_summary(stdout, &cal, &rings);
	caldata_free(&cal);
	ringset_free(&rings);
	return 0;
}

static int
ensure_dir(const char *dir)
{
	if (mkdir(dir, 0750) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "hotpatchd: cannot create %s: %s\n", dir, strerror(errno));
	return -1;
}

/* Import the files into the database, read the result back and show it. */
static int
run_import(const struct opts *o)
{
	struct caldata cal = { 0 }, got = { 0 };
	struct ringset rings = { 0 }, gotr = { 0 };
	struct diags d = { 0 };
	struct store *st = NULL;
	char *cause = NULL, *db;
	time_t now = time(NULL);
	struct tm tm;
	int rc = 1;

	if (load_files(o, &cal, &rings, &d) < 0) {
		diags_print(&d, stderr);
		diags_free(&d);
		return 1;
	}
	db = o->db ? xstrdup(o->db) : xasprintf("%s/hotpatchd.db", o->state_dir);
	if ((o->db != NULL || ensure_dir(o->state_dir) == 0) &&
	    store_open(db, &st, &cause) == 0 &&
	    store_import(st, &cal, &rings, &cause) == 0 &&
	    store_load(st, &got, &gotr, &cause) == 0) {
		printf("hotpatchd %s: database %s: ", PACKAGE_VERSION, db);
		print_summary(stdout, &got, &gotr);
		gmtime_r(&now, &tm);
		print_year(stdout, &got, tm.tm_year + 1900);
		printf("\nThe control socket and feeds are not built yet; this run only imported.\n");
		rc = 0;
	} else if (cause != NULL) {
		fprintf(stderr, "hotpatchd: %s\n", cause);
	}
	free(cause);
	free(db);
	if (st != NULL)
		store_close(st);
	caldata_free(&cal);
	caldata_free(&got);
	ringset_free(&rings);
	ringset_free(&gotr);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = {
		.calendar = "data/calendar.yaml",
		.schedules = "schedules",
		.state_dir = "var",
	};
	int rc;

	parse_args(argc, argv, &o);
	rc = o.check ? run_check(&o) : run_import(&o);
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
	return rc;
}
