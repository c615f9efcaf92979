/*
 * store_device.c: the device inventory in the store (table devices, schema
 * version 9).  Run-time data: written only by an inventory import, never by
 * an import of the files.
 */
#include "device.h"
#include "store_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int
store_devices_put(struct store *s, const struct inventory *inv, bool replace,
    const char *source, const struct actor *a, const char *result, char **cause)
{
	char *cols = db_list(&rec_device, DB_COLS), *params = db_list(&rec_device, DB_PARAMS);
	char *set = db_list(&rec_device, DB_SET);
	/*
	 * The name's spelling in the file wins; a stored name keeps its place:
	 * SQLite takes the rightmost of two assignments to seq.
	 */
	char *sql = xasprintf("INSERT INTO devices (%s) VALUES (%s) ON CONFLICT (name) DO UPDATE"
	    " SET %s, name = excluded.name, seq = devices.seq", cols, params, set);
	sqlite3_stmt *st = NULL;
	int next = 0, rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);

	if (rc == 0 && replace)
		rc = db_exec(s, "DELETE FROM devices", "remove devices", cause);
	if (rc == 0)
		rc = db_query_int(s, "SELECT coalesce(max(seq), 0) FROM devices", &next,
		    "read devices", cause);
	if (rc == 0)
		rc = db_prepare(s, sql, &st, "write device", cause);
	for (size_t i = 0; rc == 0 && i < inv->ndev; i++) {
		struct device row = inv->dev[i];

		/* A ring found by group is not the device's: a moved group moves it. */
		if (row.ring_by_group)
			row.ring = NULL;
		rc = db_run_record(s, st, &rec_device, &row, "write device", cause, "IIss",
		    (sqlite3_int64)next + 1 + (sqlite3_int64)i, (sqlite3_int64)a->at, a->who,
		    source);
	}
	sqlite3_finalize(st);
	free(cols);
	free(params);
	free(set);
	free(sql);
	if (rc == 0)
		rc = db_audit(s, a, result, cause);
	return db_end_change(s, rc, "devices import", cause);
}

int
store_devices_load(struct store *s, struct inventory *inv, struct device_origin **orig,
    char **cause)
{
	char *cols = db_list(&rec_device, DB_COLS);
	/* seq, imported_at, imported_by, source, then rec_device's fields from column 4. */
	char *sql = xasprintf("SELECT %s FROM devices ORDER BY seq", cols);
	sqlite3_stmt *st;
	size_t cap = 0;
	bool bad = false;
	int rc;

	if (orig != NULL)
		*orig = NULL;
	free(cols);
	if (db_prepare(s, sql, &st, "read devices", cause) == -1) {
		free(sql);
		return -1;
	}
	free(sql);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (inv->ndev == cap) {
			cap = cap ? cap * 2 : 64;
			inv->dev = xreallocarray(inv->dev, cap, sizeof(*inv->dev));
			if (orig != NULL)
				*orig = xreallocarray(*orig, cap, sizeof(**orig));
		}
		inv->dev[inv->ndev] = (struct device){ 0 };
		if (orig != NULL)
			(*orig)[inv->ndev] = (struct device_origin){
				.at = (time_t)sqlite3_column_int64(st, 1),
				.who = db_col_str(st, 2), .source = db_col_str(st, 3) };
		inv->ndev++;
		if (db_load_record(st, 4, &rec_device, &inv->dev[inv->ndev - 1], "read devices",
		    cause) == -1) {
			bad = true;	/* db_load_record said why */
			break;
		}
	}
	if (bad)
		sqlite3_finalize(st);
	if (bad || db_finish(s, st, rc, "read devices", cause) == -1) {
		if (orig != NULL) {
			store_device_origins_free(*orig, inv->ndev);
			*orig = NULL;
		}
		inventory_free(inv);
		return -1;
	}
	return 0;
}

void
store_device_origins_free(struct device_origin *o, size_t n)
{
	for (size_t i = 0; o != NULL && i < n; i++) {
		free(o[i].who);
		free(o[i].source);
	}
	free(o);
}
