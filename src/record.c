/* record.c: the descriptors of the stored records, and what is derived from them. */
#include "device.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Column named like the field. */
#define FLD(st, fld, type, json) \
	{ #fld, type, offsetof(struct st, fld), 0, 0, 0, json, 0 }
/* Column named otherwise. */
#define COL(st, col, fld, type, json) \
	{ col, type, offsetof(struct st, fld), 0, 0, 0, json, 0 }
/* An integer with its valid range (the schema's CHECK says the same). */
#define INT(st, fld, lo, hi, json) \
	{ #fld, RT_INT, offsetof(struct st, fld), 0, lo, hi, json, 0 }

static const struct rec_field os_fields[] = {
	FLD(os_def, id, RT_STR, NULL),
	FLD(os_def, name, RT_STR, NULL),
	FLD(os_def, arch, RT_UINT, NULL),
	FLD(os_def, hotpatch_start, RT_INT, NULL),
	FLD(os_def, baseline_months, RT_UINT, NULL),
	FLD(os_def, hotpatch_default_from, RT_INT, NULL),
	{ "msrc_products", RT_STRL, offsetof(struct os_def, msrc),
	  offsetof(struct os_def, nmsrc), 0, 0, NULL, 0 },
	FLD(os_def, never_hotpatch, RT_BOOL, NULL),
	FLD(os_def, min_build, RT_STR, NULL),
};

/* A published answer: the file's (releases) and a run-time one (published) alike. */
#define RELEASE_FIELDS \
	FLD(release, month, RT_INT, NULL), \
	FLD(release, kind, RT_KIND, NULL), \
	FLD(release, unplanned, RT_BOOL, NULL), \
	FLD(release, date, RT_YMD, NULL), \
	FLD(release, kb, RT_STR, NULL), \
	FLD(release, build, RT_STR, NULL), \
	FLD(release, note, RT_STR, NULL), \
	FLD(release, expedited, RT_BOOL, NULL)

static const struct rec_field release_fields[] = {
	RELEASE_FIELDS,
};

/* origin is a label ("hotpatchctl", an import's), not RT_ORIGIN: every row here is run time. */
static const struct rec_field published_fields[] = {
	RELEASE_FIELDS,
	FLD(release, who, RT_STR, NULL),
	FLD(release, at, RT_TIME, NULL),
	FLD(release, origin, RT_STR, NULL),
};

static const struct rec_field oob_fields[] = {
	FLD(oob, date, RT_YMD, NULL),
	FLD(oob, kb, RT_STR, NULL),
	FLD(oob, build, RT_STR, NULL),
	FLD(oob, restart, RT_BOOL, NULL),
	FLD(oob, note, RT_STR, NULL),
	FLD(oob, delivery, RT_DELIVERY, NULL),
	FLD(oob, leaves_hotpatch, RT_BOOL, NULL),
};

static const struct rec_field override_fields[] = {
	COL(override, "os_id", os, RT_STR, NULL),
	FLD(override, month, RT_INT, NULL),
	FLD(override, kind, RT_KIND, NULL),
	FLD(override, reason, RT_STR, NULL),
	FLD(override, who, RT_STR, NULL),
	FLD(override, at, RT_TIME, NULL),
	COL(override, "origin", runtime, RT_ORIGIN, NULL),
};

/* The JSON keys are those of the ring objects of "rings" and /rings.json. */
static const struct rec_field ring_fields[] = {
	FLD(ring, id, RT_STR, "ring"),
	FLD(ring, name, RT_STR, "name"),
	{ "os", RT_STRV, offsetof(struct ring, os), offsetof(struct ring, nos),
	  0, 0, "os", 0 },
	INT(ring, deferral_days, 0, 30, "deferral_days"),
	INT(ring, deadline_days, 0, 30, "deadline_days"),
	INT(ring, grace_days, 0, 7, "grace_days"),
	FLD(ring, timezone, RT_STR, "timezone"),
	FLD(ring, hotpatch, RT_BOOL, "hotpatch"),
	FLD(ring, arch, RT_ARCH, NULL),
	FLD(ring, vbs, RT_BOOL, NULL),
	FLD(ring, chpe_disabled, RT_BOOL, NULL),
	FLD(ring, licensed, RT_BOOL, NULL),
	FLD(ring, reminder_min, RT_INT, NULL),
	FLD(ring, file, RT_STR, NULL),
	FLD(ring, line, RT_INT, NULL),
	FLD(ring, hotpatch_set, RT_BOOL, NULL),
	FLD(ring, hotpatch_since, RT_INT, NULL),
	FLD(ring, expedite, RT_BOOL, NULL),
	{ "groups", RT_STRL, offsetof(struct ring, groups), offsetof(struct ring, ngroups),
	  0, 0, "groups", 0 },
};

static const struct rec_field window_fields[] = {
	FLD(mwindow, type, RT_WINTYPE, NULL),
	FLD(mwindow, days, RT_UINT, NULL),
	INT(mwindow, offset_days, -6, 27, NULL),
	INT(mwindow, start_min, 0, 1439, NULL),
	INT(mwindow, duration_min, 1, 1440, NULL),
};

/* from and to are SQL keywords, hence the column names. */
static const struct rec_field upgrade_fields[] = {
	COL(upgrade, "from_os", from, RT_STR, NULL),
	COL(upgrade, "to_os", to, RT_STR, NULL),
	FLD(upgrade, month, RT_INT, NULL),
};

/* who and at of a run-time blackout come from the actor (struct blackout_rec). */
static const struct rec_field blackout_fields[] = {
	{ "id", RT_LONG, offsetof(struct blackout, id), 0, 0, 0, NULL, REC_AUTO },
	FLD(blackout, name, RT_STR, NULL),
	COL(blackout, "ring_id", ring, RT_STR, NULL),
	COL(blackout, "from_date", from, RT_BOUND, NULL),
	COL(blackout, "to_date", to, RT_BOUND, NULL),
	COL(blackout, "origin", runtime, RT_ORIGIN, NULL),
	FLD(blackout, kind, RT_BOKIND, NULL),
	FLD(blackout, rrule, RT_STR, NULL),
	{ "exdates", RT_STRL, offsetof(struct blackout, except),
	  offsetof(struct blackout, nexcept), 0, 0, NULL, 0 },
	FLD(blackout, tzid, RT_STR, NULL),
	FLD(blackout, tzdef, RT_STR, NULL),
	COL(blackout, "import_name", import, RT_STR, NULL),
	FLD(blackout, uid, RT_STR, NULL),
	COL(blackout, "recurrence_id", rid, RT_STR, NULL),
};

/* A device of an inventory; the yes/no facts are enum tri, stored -1 (unknown), 0 or 1. */
_Static_assert(sizeof(enum tri) == sizeof(int), "enum tri is stored as an RT_INT");
static const struct rec_field device_fields[] = {
	FLD(device, name, RT_STR, NULL),
	FLD(device, ring, RT_STR, NULL),
	COL(device, "grp", group, RT_STR, NULL),
	FLD(device, os, RT_STR, NULL),
	FLD(device, build, RT_UINT, NULL),
	FLD(device, ubr, RT_UINT, NULL),
	FLD(device, arch, RT_UINT, NULL),
	INT(device, vbs, -1, 1, NULL),
	INT(device, chpe_disabled, -1, 1, NULL),
	FLD(device, edition, RT_STR, NULL),
	INT(device, licensed, -1, 1, NULL),
	FLD(device, last_seen, RT_TIME, NULL),
	FLD(device, line, RT_LONG, NULL),
};

const struct record rec_os = { "os", { "pos" }, { "id" },
	os_fields, ARRAY_LEN(os_fields) };
const struct record rec_release = { "releases", { "os_id" }, { "os_id", "month" },
	release_fields, ARRAY_LEN(release_fields) };
const struct record rec_published = { "published", { "os_id" }, { "os_id", "month" },
	published_fields, ARRAY_LEN(published_fields) };
const struct record rec_oob = { "oob", { "os_id" }, { "os_id", "date", "kb" },
	oob_fields, ARRAY_LEN(oob_fields) };
const struct record rec_override = { "overrides", { NULL }, { "os_id", "month" },
	override_fields, ARRAY_LEN(override_fields) };
const struct record rec_ring = { "rings", { "pos" }, { "id" },
	ring_fields, ARRAY_LEN(ring_fields) };
const struct record rec_window = { "ring_windows", { "ring_id", "pos" },
	{ "ring_id", "pos" }, window_fields, ARRAY_LEN(window_fields) };
const struct record rec_upgrade = { "ring_upgrades", { "ring_id", "pos" },
	{ "ring_id", "pos" }, upgrade_fields, ARRAY_LEN(upgrade_fields) };
const struct record rec_blackout = { "blackouts", { "who", "at" }, { "id" },
	blackout_fields, ARRAY_LEN(blackout_fields) };

/* seq keeps the import order; who imported it, when and from what file come from the import. */
const struct record rec_device = { "devices", { "seq", "imported_at", "imported_by", "source" },
	{ "name" }, device_fields, ARRAY_LEN(device_fields) };

const struct record *const records[] = {
	&rec_os, &rec_release, &rec_oob, &rec_override, &rec_ring, &rec_window,
	&rec_upgrade, &rec_blackout, &rec_published, &rec_device, NULL,
};

const struct rec_field *
record_field(const struct record *r, const char *col)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].col, col) == 0)
			return &r->f[i];
	return NULL;
}

const struct rec_field *
record_field_at(const struct record *r, size_t off)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->f[i].off == off)
			return &r->f[i];
	return NULL;
}

bool
record_is_column(const struct rec_field *f)
{
	return f->type != RT_STRV;	/* RT_STRL is one column */
}

const char *
record_col(const struct record *r, size_t i)
{
	size_t nx = 0;

	while (nx < ARRAY_LEN(r->extra) && r->extra[nx] != NULL)
		nx++;
	if (i < nx)
		return r->extra[i];
	i -= nx;
	for (size_t k = 0; k < r->n; k++) {
		if (!record_is_column(&r->f[k]) || (r->f[k].flags & REC_AUTO))
			continue;
		if (i-- == 0)
			return r->f[k].col;
	}
	return NULL;
}

bool
record_is_key(const struct record *r, const char *col)
{
	for (size_t i = 0; i < ARRAY_LEN(r->key) && r->key[i] != NULL; i++)
		if (strcmp(r->key[i], col) == 0)
			return true;
	return false;
}

/* The field f of obj, and the count of an RT_STRV one. */
#define AT(obj, f, type)	((const type *)((const char *)(obj) + (f)->off))
#define COUNT(obj, f)		(*(const size_t *)((const char *)(obj) + (f)->aux))
typedef char **strv_t;

static bool
str_equal(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static bool
strv_equal(const struct rec_field *f, const void *a, const void *b)
{
	char *const *va = *AT(a, f, strv_t), *const *vb = *AT(b, f, strv_t);

	if (COUNT(a, f) != COUNT(b, f))
		return false;
	for (size_t i = 0; i < COUNT(a, f); i++)
		if (!str_equal(va[i], vb[i]))
			return false;
	return true;
}

static bool
field_equal(const struct rec_field *f, const void *a, const void *b)
{
	switch (f->type) {
	case RT_STR:
		return str_equal(*AT(a, f, char *), *AT(b, f, char *));
	case RT_INT:
		return *AT(a, f, int) == *AT(b, f, int);
	case RT_UINT:
		return *AT(a, f, unsigned) == *AT(b, f, unsigned);
	case RT_LONG:
		return *AT(a, f, long) == *AT(b, f, long);
	case RT_BOOL:
	case RT_ORIGIN:
		return *AT(a, f, bool) == *AT(b, f, bool);
	case RT_TIME:
		return *AT(a, f, time_t) == *AT(b, f, time_t);
	case RT_YMD:
	case RT_BOUND:
		return ymd_cmp(*AT(a, f, struct ymd), *AT(b, f, struct ymd)) == 0;
	case RT_KIND:
		return *AT(a, f, enum kind) == *AT(b, f, enum kind);
	case RT_ARCH:
		return *AT(a, f, enum arch) == *AT(b, f, enum arch);
	case RT_WINTYPE:
		return *AT(a, f, enum win_type) == *AT(b, f, enum win_type);
	case RT_DELIVERY:
		return *AT(a, f, enum delivery) == *AT(b, f, enum delivery);
	case RT_BOKIND:
		return *AT(a, f, enum bo_kind) == *AT(b, f, enum bo_kind);
	case RT_STRV:
	case RT_STRL:
		return strv_equal(f, a, b);
	}
	return false;
}

const struct rec_field *
record_diff(const struct record *r, const void *a, const void *b)
{
	for (size_t i = 0; i < r->n; i++)
		if (!(r->f[i].flags & REC_AUTO) && !field_equal(&r->f[i], a, b))
			return &r->f[i];
	return NULL;
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

json_t *
record_strv_json(const struct rec_field *f, const void *obj)
{
	json_t *a = json_array();

	for (size_t i = 0; i < COUNT(obj, f); i++)
		json_array_append_new(a, json_string((*AT(obj, f, strv_t))[i]));
	return a;
}

static json_t *
field_json(const struct rec_field *f, const void *obj)
{
	char buf[11];

	switch (f->type) {
	case RT_STR:
		return str_or_null(*AT(obj, f, char *));
	case RT_INT:
		return json_integer(*AT(obj, f, int));
	case RT_UINT:
		return json_integer(*AT(obj, f, unsigned));
	case RT_LONG:
		return json_integer(*AT(obj, f, long));
	case RT_TIME:
		return json_integer((json_int_t)*AT(obj, f, time_t));
	case RT_BOOL:
	case RT_ORIGIN:
		return json_boolean(*AT(obj, f, bool));
	case RT_YMD:
	case RT_BOUND:
		return ymd_is_set(*AT(obj, f, struct ymd)) ?
		    json_string(ymd_format(*AT(obj, f, struct ymd), buf)) : json_null();
	case RT_KIND:
		return json_string(kind_name(*AT(obj, f, enum kind)));
	case RT_ARCH:
		return json_string(arch_name(*AT(obj, f, enum arch)));
	case RT_WINTYPE:
		return json_string(*AT(obj, f, enum win_type) == WIN_WEEKLY ?
		    "weekly" : "offset");
	case RT_DELIVERY:
		return json_string(delivery_name(*AT(obj, f, enum delivery)));
	case RT_BOKIND:
		return json_string(bo_kind_name(*AT(obj, f, enum bo_kind)));
	case RT_STRV:
	case RT_STRL:
		return record_strv_json(f, obj);
	}
	return json_null();
}

json_t *
record_json(const struct record *r, const void *obj)
{
	json_t *o = json_object();

	for (size_t i = 0; i < r->n; i++)
		if (r->f[i].json != NULL)
			json_object_set_new(o, r->f[i].json, field_json(&r->f[i], obj));
	return o;
}

/* A copy of the n strings at v (NULL stays NULL). */
static char **
strv_dup(char *const *v, size_t n)
{
	char **copy;

	if (v == NULL)
		return NULL;
	copy = xcalloc(n + 1, sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup_null(v[i]);
	return copy;
}

void
record_dup(const struct record *r, void *obj)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct rec_field *f = &r->f[i];
		char **at = (char **)((char *)obj + f->off);

		if (f->type == RT_STR)
			*at = xstrdup_null(*at);
		else if (f->type == RT_STRV || f->type == RT_STRL)
			*(char ***)at = strv_dup(*(char ***)at, COUNT(obj, f));
	}
}
