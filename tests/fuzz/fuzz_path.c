/*
 * fuzz_path.c: the request path, from the raw target to the router.  The
 * input is a request target as a client sends it.  http_path_ok() decides
 * on the raw target whether the request is refused (400); the oracle is
 * libmicrohttpd's own decoder, which hands on_request the path:
 *
 *  - http_path_ok() is true exactly when MHD's decoded path (query cut,
 *    MHD_http_unescape) holds no control character, so no encoded NUL can
 *    cut the path short and no CR or LF reaches the log;
 *  - an accepted path, decoded, is as long as MHD says (no NUL inside), and
 *    the router (site_get) either finds nothing or the page of exactly that
 *    path.
 *
 * The store needs a real file (it insists on WAL): one database per process
 * in a fresh directory under $TMPDIR, removed at exit, as in fuzz_http.c.
 */
#include "fuzz_common.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "ringfile.h"
#include "site.h"
#include "store.h"

#include <microhttpd.h>
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
    "  - id: broad\n"
    "    name: Broad\n"
    "    os: [os-b]\n"
    "    deferral_days: 9\n"
    "    deadline_days: 5\n"
    "    grace_days: 2\n"
    "    timezone: UTC\n";

static struct daemon dm;
static char dbdir[4096], dbpath[4200];

static void
remove_db(void)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char f[4300];

	if (dm.store != NULL)
		store_close(dm.store);
	dm.store = NULL;
	for (size_t i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
		snprintf(f, sizeof(f), "%s%s", dbpath, suffix[i]);
		unlink(f);
	}
	rmdir(dbdir);
}

static void
setup(void)
{
	struct caldata cal;
	struct ringset rings = { 0 };
	struct diags d = { 0 };
	char *cause = NULL;

	fuzz_calendar(&cal);
	if (ringfile_parse("fuzz-rings.yaml", fuzz_rings_yaml, sizeof(fuzz_rings_yaml) - 1,
	    &cal, &rings, &d) < 0) {
		diags_print(&d, stderr);
		abort();
	}
	config_defaults(&dm.cfg);
	dm.started = 1767225600;	/* 2026-01-01 */
	snprintf(dbdir, sizeof(dbdir), "%s/fuzz_path.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dbdir) == NULL) {
		perror("fuzz_path: mkdtemp");
		abort();
	}
	snprintf(dbpath, sizeof(dbpath), "%s/hotpatchd.db", dbdir);
	atexit(remove_db);
	if (store_open(dbpath, &dm.store, &cause) < 0 ||
	    store_import(dm.store, &cal, &rings, &cause) < 0 ||
	    daemon_refresh(&dm, &cause) < 0) {
		fprintf(stderr, "fuzz_path: setup: %s\n", cause);
		abort();
	}
	dm.file_cal = cal;
	dm.file_rings = rings;
	dm.feed_url = strdup("http://127.0.0.1:8080");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const struct page *pg;
	char *target, *path, *cause = NULL;
	bool ok, ctl = false;
	size_t n;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > 32 * 1024)	/* HTTP_CONN_MEMORY: MHD refuses more */
		return -1;
	/* A target never holds a raw NUL: MHD's request line ends there. */
	if (memchr(data, '\0', size) != NULL)
		return -1;
	target = fuzz_cstr(data, size);
	ok = http_path_ok(target);
	/* What MHD passes on_request as url: no query string, percent-decoded. */
	path = strdup(target);
	path[strcspn(path, "?")] = '\0';
	n = MHD_http_unescape(path);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
			ctl = true;
	if (ok == ctl) {
		fprintf(stderr, "http_path_ok(\"%s\") is %d, but MHD decodes it %s control "
		    "characters\n", target, ok, ctl ? "with" : "without");
		abort();
	}
	if (!ok)
		goto out;
	if (strlen(path) != n)
		abort();
	if ((pg = site_get(&dm, path, &cause)) == NULL) {
		if (cause != NULL) {
			fprintf(stderr, "site_get(%s): %s\n", path, cause);
			abort();
		}
		goto out;
	}
	if (pg->path == NULL || strcmp(pg->path, path) != 0 || pg->body == NULL ||
	    strlen(pg->body) != pg->len)
		abort();
out:
	free(path);
	free(target);
	return 0;
}
