/*
 * fuzz_daemon.h: a daemon as hotpatchd sets it up, for the targets that go
 * through the router (fuzz_http, fuzz_path).  Only for tests/fuzz/run.sh.
 *
 * The store needs a real file (it insists on WAL, which ":memory:" cannot
 * do): one database per process in a fresh directory under $TMPDIR (run.sh
 * points that into its build directory), removed at exit.
 */
#ifndef HP_FUZZ_DAEMON_H
#define HP_FUZZ_DAEMON_H

#include "fuzz_common.h"
#include "config.h"
#include "daemon.h"
#include "ringfile.h"
#include "store.h"

#include <errno.h>
#include <unistd.h>

static const char fuzz_rings_yaml[] =
    "version: 1\n"
    "rings:\n"
    "  - id: pilot\n"
    "    name: Pilot devices\n"
    "    os: [os-a, os-b]\n"
    "    deferral_days: 1\n"
    "    deadline_days: 2\n"
    "    grace_days: 3\n"
    "    timezone: Europe/Berlin\n"
    "    windows:\n"
    "      - days: [tue, wed]\n"
    "        start: \"22:00\"\n"
    "        duration: 4h\n"
    "  - id: broad\n"
    "    name: Broad\n"
    "    os: [os-b]\n"
    "    deferral_days: 9\n"
    "    deadline_days: 5\n"
    "    grace_days: 2\n"
    "    timezone: UTC\n"
    "blackouts:\n"
    "  - name: year-end freeze\n"
    "    from: 2026-12-21\n"
    "    to: 2027-01-03\n";

static struct daemon fuzz_dm;
static char fuzz_dbdir[4096], fuzz_dbpath[4200];

static void
fuzz_remove_db(void)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char f[4300];

	if (fuzz_dm.store != NULL)
		store_close(fuzz_dm.store);
	fuzz_dm.store = NULL;
	for (size_t i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
		snprintf(f, sizeof(f), "%s%s", fuzz_dbpath, suffix[i]);
		unlink(f);
	}
	rmdir(fuzz_dbdir);
}

/* Set fuzz_dm up once, or abort naming who (a broken harness is no finding). */
static inline struct daemon *
fuzz_daemon(const char *who)
{
	struct caldata cal;
	struct ringset rings = { 0 };
	struct diags d = { 0 };
	char *cause = NULL;

	if (fuzz_dm.store != NULL)
		return &fuzz_dm;
	fuzz_calendar(&cal);
	if (ringfile_parse("fuzz-rings.yaml", fuzz_rings_yaml, sizeof(fuzz_rings_yaml) - 1,
	    &cal, &rings, &d) < 0) {
		diags_print(&d, stderr);
		abort();
	}
	config_defaults(&fuzz_dm.cfg);
	fuzz_dm.started = 1767225600;	/* 2026-01-01 */
	snprintf(fuzz_dbdir, sizeof(fuzz_dbdir), "%s/%s.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp", who);
	if (mkdtemp(fuzz_dbdir) == NULL) {
		fprintf(stderr, "%s: mkdtemp %s: %s\n", who, fuzz_dbdir, strerror(errno));
		abort();
	}
	snprintf(fuzz_dbpath, sizeof(fuzz_dbpath), "%s/hotpatchd.db", fuzz_dbdir);
	atexit(fuzz_remove_db);
	if (store_open(fuzz_dbpath, &fuzz_dm.store, &cause) < 0 ||
	    store_import(fuzz_dm.store, &cal, &rings, NULL, &cause) < 0 ||
	    daemon_refresh(&fuzz_dm, &cause) < 0) {
		fprintf(stderr, "%s: setup: %s\n", who, cause);
		abort();
	}
	fuzz_dm.file_cal = cal;
	fuzz_dm.file_rings = rings;
	fuzz_dm.feed_url = strdup("http://127.0.0.1:8080");
	return &fuzz_dm;
}

#endif
