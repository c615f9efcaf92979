/*
 * store_record.c: SQL derived from the record descriptors (record.h):
 * column lists, binds and loads, so a column is named in one place.  Column
 * names come from constant tables, never from input.
 */
#include "store_int.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

char *
db_list(const struct record *r, enum db_list what)
{
	const char *c;
	struct textbuf s = { 0 };

	for (size_t i = 0; (c = record_col(r, i)) != NULL; i++) {
		const char *sep = s.s != NULL ? ", " : "";

		switch (what) {
		case DB_COLS:
			textbuf_printf(&s, "%s%s", sep, c);
			break;
		case DB_PARAMS:
			textbuf_printf(&s, "%s?", sep);
			break;
		case DB_SET:
			if (!record_is_key(r, c))
				textbuf_printf(&s, "%s%s = excluded.%s", sep, c, c);
			break;
		}
	}
	return s.s != NULL ? s.s : xstrdup("");
}

char *
db_keys(const struct record *r)
{
	struct textbuf s = { 0 };

	for (size_t i = 0; i < ARRAY_LEN(r->key) && r->key[i] != NULL; i++)
		textbuf_printf(&s, "%s%s", s.s != NULL ? ", " : "", r->key[i]);
	return s.s;
}

/* The field f of obj. */
#define AT(obj, f, type)	((const type *)((const char *)(obj) + (f)->off))
#define SET(obj, f, type)	((type *)((char *)(obj) + (f)->off))

static int
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v == NULL ? sqlite3_bind_null(st, i) :
	    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* An RT_STRL field as its column's text: a compact JSON array. */
static int
bind_strl(sqlite3_stmt *st, int i, const struct rec_field *f, const void *obj)
{
	json_t *a = record_strv_json(f, obj);
	char *text = json_dumps(a, JSON_COMPACT);
	int rc;

	json_decref(a);
	if (text == NULL)
		return SQLITE_NOMEM;
	rc = sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
	free(text);
	return rc;
}

static int
bind_field(sqlite3_stmt *st, int i, const struct rec_field *f, const void *obj)
{
	char buf[11];

	switch (f->type) {
	case RT_STR:
		return bind_text(st, i, *AT(obj, f, char *));
	case RT_INT:
		return sqlite3_bind_int(st, i, *AT(obj, f, int));
	case RT_UINT:
		return sqlite3_bind_int(st, i, (int)*AT(obj, f, unsigned));
	case RT_LONG:
		return sqlite3_bind_int64(st, i, *AT(obj, f, long));
	case RT_TIME:
		return sqlite3_bind_int64(st, i, (sqlite3_int64)*AT(obj, f, time_t));
	case RT_BOOL:
		return sqlite3_bind_int(st, i, *AT(obj, f, bool));
	case RT_ORIGIN:
		return bind_text(st, i, *AT(obj, f, bool) ? "runtime" : "file");
	case RT_YMD:
	case RT_BOUND:
		return bind_text(st, i, ymd_is_set(*AT(obj, f, struct ymd)) ?
		    ymd_format(*AT(obj, f, struct ymd), buf) : NULL);
	case RT_KIND:
		return bind_text(st, i, kind_name(*AT(obj, f, enum kind)));
	case RT_ARCH:
		return bind_text(st, i, arch_name(*AT(obj, f, enum arch)));
	case RT_WINTYPE:
		return bind_text(st, i, *AT(obj, f, enum win_type) == WIN_WEEKLY ?
		    "weekly" : "offset");
	case RT_DELIVERY:
		return bind_text(st, i, delivery_name(*AT(obj, f, enum delivery)));
	case RT_BOKIND:
		return bind_text(st, i, bo_kind_name(*AT(obj, f, enum bo_kind)));
	case RT_STRL:
		return bind_strl(st, i, f, obj);
	case RT_STRV:
		break;
	}
	return SQLITE_MISUSE;
}

int
db_bind_record(sqlite3_stmt *st, int i, const struct record *r, const void *obj)
{
	int rc = SQLITE_OK;

	for (size_t k = 0; k < r->n && rc == SQLITE_OK; k++)
		if (record_is_column(&r->f[k]) && !(r->f[k].flags & REC_AUTO))
			rc = bind_field(st, i++, &r->f[k], obj);
	return rc;
}

static int
load_arch(sqlite3_stmt *st, int i, enum arch *a, const char *what, char **cause)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	if (v != NULL && arch_parse(v, a) == 0)
		return 0;
	*cause = xasprintf("%s: bad arch '%s'", what, v != NULL ? v : "NULL");
	return -1;
}

/* An enum stored by name (RT_DELIVERY, RT_BOKIND) into field f of obj. */
static int
load_enum(sqlite3_stmt *st, int i, const struct rec_field *f, void *obj,
    const char *what, char **cause)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	int rc = -1;

	if (v != NULL && f->type == RT_DELIVERY)
		rc = delivery_parse(v, SET(obj, f, enum delivery));
	else if (v != NULL)
		rc = bo_kind_parse(v, SET(obj, f, enum bo_kind));
	if (rc == -1)
		*cause = xasprintf("%s: bad %s '%s'", what, f->col, v != NULL ? v : "NULL");
	return rc;
}

/* An RT_STRL column: a JSON array of strings, into the field's list and count. */
static int
load_strl(sqlite3_stmt *st, int i, const struct rec_field *f, void *obj,
    const char *what, char **cause)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	char ***list = SET(obj, f, char **);
	size_t *n = (size_t *)((char *)obj + f->aux);
	json_t *a;

	/* Most lists are empty (bind_strl writes "[]"): no parser for those. */
	if (v != NULL && strcmp(v, "[]") == 0) {
		*list = NULL;
		*n = 0;
		return 0;
	}
	a = v != NULL ? json_loads(v, 0, NULL) : NULL;
	if (!json_is_array(a)) {
		json_decref(a);
		*cause = xasprintf("%s: column %s is not a JSON array", what, f->col);
		return -1;
	}
	*list = json_array_size(a) > 0 ? xcalloc(json_array_size(a), sizeof(**list)) : NULL;
	for (*n = 0; *n < json_array_size(a); (*n)++) {
		const char *item = json_string_value(json_array_get(a, *n));

		if (item == NULL) {
			json_decref(a);
			*cause = xasprintf("%s: column %s holds a non-string", what, f->col);
			return -1;
		}
		(*list)[*n] = xstrdup(item);
	}
	json_decref(a);
	return 0;
}

/* Column i into field f of obj; returns 0 or -1 with *cause. */
static int
load_field(sqlite3_stmt *st, int i, const struct rec_field *f, void *obj,
    const char *what, char **cause)
{
	const char *v;

	switch (f->type) {
	case RT_STR:
		*SET(obj, f, char *) = db_col_str(st, i);
		return 0;
	case RT_INT:
		*SET(obj, f, int) = sqlite3_column_int(st, i);
		return 0;
	case RT_UINT:
		*SET(obj, f, unsigned) = (unsigned)sqlite3_column_int(st, i);
		return 0;
	case RT_LONG:
		*SET(obj, f, long) = (long)sqlite3_column_int64(st, i);
		return 0;
	case RT_TIME:
		*SET(obj, f, time_t) = (time_t)sqlite3_column_int64(st, i);
		return 0;
	case RT_BOOL:
		*SET(obj, f, bool) = sqlite3_column_int(st, i) != 0;
		return 0;
	case RT_ORIGIN:
	case RT_WINTYPE:
		v = (const char *)sqlite3_column_text(st, i);
		if (f->type == RT_ORIGIN)
			*SET(obj, f, bool) = v != NULL && strcmp(v, "runtime") == 0;
		else
			*SET(obj, f, enum win_type) = v != NULL &&
			    strcmp(v, "weekly") == 0 ? WIN_WEEKLY : WIN_OFFSET;
		return 0;
	case RT_YMD:
	case RT_BOUND:
		return db_col_ymd(st, i, SET(obj, f, struct ymd), what, cause);
	case RT_KIND:
		return db_col_kind(st, i, SET(obj, f, enum kind), what, cause);
	case RT_ARCH:
		return load_arch(st, i, SET(obj, f, enum arch), what, cause);
	case RT_DELIVERY:
	case RT_BOKIND:
		return load_enum(st, i, f, obj, what, cause);
	case RT_STRL:
		return load_strl(st, i, f, obj, what, cause);
	case RT_STRV:
		break;
	}
	*cause = xasprintf("%s: column %s has no loader", what, f->col);
	return -1;
}

int
db_load_record_field(sqlite3_stmt *st, int i, const struct rec_field *f, void *obj,
    const char *what, char **cause)
{
	return load_field(st, i, f, obj, what, cause);
}

int
db_load_record(sqlite3_stmt *st, int i, const struct record *r, void *obj,
    const char *what, char **cause)
{
	for (size_t k = 0; k < r->n; k++) {
		if (!record_is_column(&r->f[k]))
			continue;
		if (load_field(st, i++, &r->f[k], obj, what, cause) == -1)
			return -1;
	}
	return 0;
}

char *
db_select_sql_then(const struct record *r, const char *last, int *ncol, const char *tail)
{
	struct textbuf s = { 0 };
	int n = 0;

	for (size_t k = 0; k < r->n; k++)
		if (record_is_column(&r->f[k])) {
			textbuf_printf(&s, "%s%s", s.s != NULL ? ", " : "SELECT ", r->f[k].col);
			n++;
		}
	if (last != NULL)
		textbuf_printf(&s, ", %s", last);
	textbuf_printf(&s, " FROM %s %s", r->table, tail);
	if (ncol != NULL)
		*ncol = n;
	return s.s;
}

char *
db_select_sql(const struct record *r, const char *tail)
{
	return db_select_sql_then(r, NULL, NULL, tail);
}
