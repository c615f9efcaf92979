/*
 * storetest.h: what the store's Check programs share: a fixture with a
 * fresh database path per test, SQL on the file behind the store's back,
 * a sample model, and comparisons by record descriptor.
 */
#ifndef HP_STORETEST_H
#define HP_STORETEST_H

#include "record.h"
#include "store.h"

#include <check.h>

/*
 * What every test starts from and leaves behind: a database path with no
 * file yet, an empty model, no store.  Tests open the store themselves
 * (some write the file first); teardown closes and frees whatever is set.
 */
struct store_fixture {
	char		*path;
	struct store	*s;
	struct caldata	 c;
	struct ringset	 r;
};
extern struct store_fixture fx;

/* The Check fixture: fx as described above, before and after each test. */
void setup(void);
void teardown(void);
/* Run SQL on the file through a connection of our own. */
void sql_exec(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The first column of the first row as text ("" when NULL or no row). */
char *sql_text(const char *path, const char *sql);
int sql_int(const char *path, const char *sql);
/* "YYYY-MM-DD" (asserted valid), or the unset date for NULL. */
struct ymd date(const char *s);
/*
 * Two OSes with published, unplanned, dated, expedited and out-of-band
 * releases and a shipped override; two rings with both window types and
 * upgrades; a global freeze and a per-ring pause.  Every new field is set
 * away from its default somewhere.
 */
void build_model(struct caldata *c, struct ringset *r);
/* Drop ws2025 (with its override and the upgrades that name it), ring "broad" and its blackout. */
void trim_model(struct caldata *c, struct ringset *r);
/* Equal in every described field, lists included; a failure names the field. */
void cmp_os(const struct os_def *a, const struct os_def *b);
void cmp_ring(const struct ring *a, const struct ring *b);
/* Open (asserting success) a database file in the test directory. */
struct store *open_ok(const char *path);
void import_ok(struct store *s, const struct caldata *c, const struct ringset *r);
/* Open the store on the fixture's path and import the sample model into it. */
void open_imported(void);
/* Load and compare with the expected model. */
void load_eq(struct store *s, const struct caldata *c, const struct ringset *r);
/* Run su in a fresh temporary directory (removed after); exit status. */
int storetest_run(Suite *su);

#endif
