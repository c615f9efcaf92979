/*
 * record.h: one descriptor per stored record.  Each plain field of a model
 * struct is one line: its column, type, offset, range and JSON key.  The
 * store derives its column lists, binds and loads from it, the ring loader
 * its integer ranges, the tests their field-by-field comparison, and
 * record_json the plain keys of an object.  A new field is one line here,
 * one migration step, the rule that uses it and its documentation.
 */
#ifndef HP_RECORD_H
#define HP_RECORD_H

#include "model.h"

#include <jansson.h>
#include <stddef.h>

enum rec_type {
	RT_STR,		/* char *; NULL is SQL NULL and JSON null */
	RT_INT,		/* int */
	RT_UINT,	/* unsigned (a bit mask) */
	RT_LONG,	/* long (a database id) */
	RT_BOOL,	/* bool, stored 0 or 1 */
	RT_TIME,	/* time_t, stored as seconds */
	RT_YMD,		/* struct ymd, "YYYY-MM-DD"; unset is NULL */
	RT_KIND,	/* enum kind, stored by name */
	RT_ARCH,	/* enum arch (one of them), stored by name */
	RT_WINTYPE,	/* enum win_type, stored as "weekly" or "offset" */
	RT_ORIGIN,	/* bool runtime, stored as 'runtime' or 'file' */
	RT_BOUND,	/* a blackout's from or to; the store writes timed ones as instants */
	RT_DELIVERY,	/* enum delivery, stored by name */
	RT_BOKIND,	/* enum bo_kind, stored by name */
	RT_STRV,	/* char ** at off with its size_t count at aux; no column */
	RT_STRL,	/* the same, stored in one column as a JSON array of strings */
};

/* Set by the database (an AUTOINCREMENT id): never staged, never compared. */
#define REC_AUTO	0x1

struct rec_field {
	const char	*col;		/* column name */
	enum rec_type	 type;
	size_t		 off;		/* offsetof the field in the struct */
	size_t		 aux;		/* RT_STRV: offsetof the count */
	int		 lo, hi;	/* RT_INT: the valid range, when lo < hi */
	const char	*json;		/* key in record_json, NULL = left out */
	unsigned	 flags;
};

struct record {
	const char		*table;
	const char		*extra[4];	/* leading columns the store fills ("pos") */
	const char		*key[4];	/* the table's primary key */
	const struct rec_field	*f;
	size_t			 n;
};

extern const struct record rec_os, rec_release, rec_oob, rec_override,
    rec_ring, rec_window, rec_upgrade, rec_blackout, rec_published, rec_device;

/* Every record above, for tests and tools; NULL-terminated. */
extern const struct record *const records[];

/* The field stored in column col, or NULL. */
const struct rec_field *record_field(const struct record *r, const char *col);
/* The field at offset off of the struct, or NULL. */
const struct rec_field *record_field_at(const struct record *r, size_t off);
/* True if f is a column of r's table (RT_STRV is not). */
bool record_is_column(const struct rec_field *f);

/*
 * Column i of r's table, extra columns first, then the fields' (REC_AUTO ones
 * left out); NULL past the last.
 */
const char *record_col(const struct record *r, size_t i);
/* True if col is part of r's primary key. */
bool record_is_key(const struct record *r, const char *col);

/*
 * The first field (in descriptor order, REC_AUTO ones skipped) whose value
 * differs between structs a and b, or NULL when they are equal.
 */
const struct rec_field *record_diff(const struct record *r, const void *a,
    const void *b);

/* The strings of an RT_STRV or RT_STRL field f of obj as a JSON array. */
json_t *record_strv_json(const struct rec_field *f, const void *obj);

/* A JSON object of obj's fields that have a JSON key, in descriptor order. */
json_t *record_json(const struct record *r, const void *obj);

/*
 * Make obj, a struct copied by assignment from another, own its strings:
 * every RT_STR, RT_STRV and RT_STRL field of r is duplicated in place.
 * What r does not describe (a ring's windows and upgrades) is the caller's.
 */
void record_dup(const struct record *r, void *obj);

#endif
