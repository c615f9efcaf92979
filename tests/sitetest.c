/* sitetest.c: a daemon for the site's Check programs (sitetest.h). */
#include "sitetest.h"

#include "calfile.h"
#include "ringfile.h"
#include "site.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

static char tmpdir[] = "/tmp/check_site.XXXXXX";

void
sitetest_up(struct daemon *dm, time_t at)
{
	struct diags dg = { 0 };
	char *cal = srcpath("data/calendar.yaml"), *sched = srcpath("schedules");
	char *db, *cause = NULL;

	memset(dm, 0, sizeof(*dm));
	config_defaults(&dm->cfg);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	db = xasprintf("%s/site.db", tmpdir);
	if (store_open(db, &dm->store, &cause) != 0)
		ck_abort_msg("store_open: %s", cause);
	ck_assert_int_eq(calfile_load(cal, &dm->cal, &dg), 0);
	ck_assert_int_eq(ringfile_load_dir(sched, &dm->cal, &dm->rings, &dg), 0);
	dm->started = 1794333600;	/* 2026-11-10T18:00:00Z */
	dm->at = at;
	dm->generation = 1;
	free(cal);
	free(sched);
	free(db);
	diags_free(&dg);
}

void
sitetest_down(struct daemon *dm)
{
	char *cmd = xasprintf("rm -rf %s", tmpdir);

	site_free(dm);
	store_close(dm->store);
	caldata_free(&dm->cal);
	ringset_free(&dm->rings);
	config_free(&dm->cfg);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);	/* the next test's mkdtemp */
}
