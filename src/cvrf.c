/*
 * cvrf.c: an MSRC CVRF document (JSON) -> the month it publishes per OS.
 *
 * The parts read, as the Security Update Guide CVRF API writes them:
 *   DocumentTitle.Value                      "November 2026 Security Updates"
 *   DocumentTracking.Identification.ID.Value "2026-Nov"
 *   ProductTree.FullProductName[]            { ProductID, Value (the name) }
 *   Vulnerability[].Remediations[]           { SubType, Description.Value (KB
 *                                              digits), ProductID[], FixedBuild }
 * Everything else is left alone.  What is read must have its type: a wrong
 * type is an error naming its path, never a silent skip.
 */
#include "cvrf.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Distinct KBs remembered per OS and subtype, for the "several KBs" warning. */
#define KB_SEEN	4

enum subtype { SUB_UPDATE, SUB_HOTPATCH, SUB_COUNT };

static const char *const subtype_name[SUB_COUNT] = {
	[SUB_UPDATE] = "Security Update",
	[SUB_HOTPATCH] = "Security Hotpatch Update",
};

/* The best remediation of one subtype for one OS. */
struct cand {
	char		*kb, *build;
	char		*seen[KB_SEEN];	/* distinct KBs, the first KB_SEEN */
	size_t		 nseen;		/* all distinct KBs, up to KB_SEEN + 1 */
};

struct reader {
	const struct caldata	*cal;
	struct cvrf_result	*out;
	char			**err;
	struct strindex		 names;		/* msrc product name -> OS position */
	json_t			*products;	/* ProductTree.FullProductName */
	struct strindex		 ids;		/* ProductID -> position in products */
	size_t			*prod_os;	/* per product: OS position or UNKNOWN */
	struct strindex		 warned;	/* ProductIDs already warned about */
	bool			*listed;	/* per OS: a name of it is in the tree */
	struct cand		(*cand)[SUB_COUNT];	/* per OS */
	size_t			 warn_cap, nwarn_all;
	size_t			 nremed;
	json_t			*groups;	/* cvrf_reduce: key -> { rem, seen } */
	json_t			*used;		/* cvrf_reduce: ProductIDs named */
};

#define UNKNOWN	SIZE_MAX

static void
warn(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
push_warning(struct reader *r, char *s)
{
	struct cvrf_result *o = r->out;

	grow(&o->warn, o->nwarn, &r->warn_cap, sizeof(*o->warn));
	o->warn[o->nwarn++] = s;
}

/* One more warning; past CVRF_MAX_WARNINGS they are only counted. */
static void
warn(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nwarn_all++ >= CVRF_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	push_warning(r, xvasprintf(fmt, ap));
	va_end(ap);
}

static int
fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first error only: it is the one to fix, and later ones may follow from it. */
static int
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (*r->err != NULL)
		return -1;
	va_start(ap, fmt);
	*r->err = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

static const char *
type_word(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	default:
		return "a value";
	}
}

/*
 * Member key of obj, of type t.  Missing (or null): NULL, an error if
 * required.  Present with another type: always an error.  path names obj.
 */
static json_t *
member(struct reader *r, json_t *obj, const char *path, const char *key, json_type t,
    bool required)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			fail(r, "%s%s%s is missing", path, *path ? "." : "", key);
		return NULL;
	}
	if (json_typeof(v) != t) {
		fail(r, "%s%s%s must be %s", path, *path ? "." : "", key, type_word(t));
		return NULL;
	}
	return v;
}

/* obj.key.Value, a string: the shape of DocumentTitle and Description. */
static const char *
value_of(struct reader *r, json_t *obj, const char *path, const char *key, bool required)
{
	char *sub = xasprintf("%s%s%s", path, *path ? "." : "", key);
	json_t *o = member(r, obj, path, key, JSON_OBJECT, required);
	json_t *v = o != NULL ? member(r, o, sub, "Value", JSON_STRING, required) : NULL;

	free(sub);
	return v != NULL ? json_string_value(v) : NULL;
}

/* "2026-Nov" (the month name in any case) -> a month. */
static int
parse_doc_id(const char *s, ym_t *out)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y;

	if (strlen(s) != 8 || strspn(s, "0123456789") != 4 || s[4] != '-')
		return -1;
	y = atoi(s);
	if (y < HP_YEAR_MIN || y > HP_YEAR_MAX)
		return -1;
	for (int m = 0; m < 12; m++) {
		if (strcasecmp(s + 5, mon[m]) == 0) {
			*out = ym_make(y, m + 1);
			return 0;
		}
	}
	return -1;
}

static int
read_header(struct reader *r, json_t *doc, time_t now)
{
	const char *id, *title;
	json_t *track, *ident;
	ym_t cur = ym_of_time(now);
	char a[8];

	title = value_of(r, doc, "", "DocumentTitle", false);
	if (*r->err != NULL)
		return -1;
	if ((track = member(r, doc, "", "DocumentTracking", JSON_OBJECT, true)) == NULL ||
	    (ident = member(r, track, "DocumentTracking", "Identification", JSON_OBJECT,
	    true)) == NULL ||
	    (id = value_of(r, ident, "DocumentTracking.Identification", "ID", true)) == NULL)
		return -1;
	if (parse_doc_id(id, &r->out->month) < 0)
		return fail(r, "DocumentTracking.Identification.ID.Value '%.40s' is not a "
		    "month like 2026-Nov", id);
	if (r->out->month > cur)
		return fail(r, "document %s is for a month after the current one (%s)", id,
		    ym_format(cur, a));
	r->out->id = xstrdup(id);
	r->out->title = xstrdup_null(title);
	return 0;
}

/* The calendar's product names; a name under two OSes makes the reading ambiguous. */
static int
index_names(struct reader *r)
{
	size_t pos;

	for (size_t i = 0; i < r->cal->nos; i++) {
		const struct os_def *os = &r->cal->os[i];

		for (size_t k = 0; k < os->nmsrc; k++) {
			if (strindex_get(&r->names, os->msrc[k], &pos) && pos != i)
				return fail(r, "MSRC product '%s' is listed by both OS '%s' and "
				    "OS '%s'; a product may name only one OS", os->msrc[k],
				    r->cal->os[pos].id, os->id);
			strindex_put(&r->names, os->msrc[k], i);
		}
	}
	return 0;
}

/* The name of product i (checked by read_product). */
static const char *
product_name(const struct reader *r, size_t i)
{
	return json_string_value(json_object_get(json_array_get(r->products, i), "Value"));
}

static int
read_product(struct reader *r, json_t *p, size_t i)
{
	char *path = xasprintf("ProductTree.FullProductName[%zu]", i);
	json_t *id, *name;
	size_t pos, was;

	if (!json_is_object(p)) {
		fail(r, "%s must be an object", path);
		free(path);
		return -1;
	}
	id = member(r, p, path, "ProductID", JSON_STRING, true);
	name = id != NULL ? member(r, p, path, "Value", JSON_STRING, true) : NULL;
	free(path);
	if (name == NULL)
		return -1;
	if (!strindex_get(&r->names, json_string_value(name), &pos)) {
		pos = UNKNOWN;
		r->out->nunknown++;
	} else {
		r->listed[pos] = true;
	}
	r->prod_os[i] = pos;
	if (!strindex_get(&r->ids, json_string_value(id), &was)) {
		strindex_put(&r->ids, json_string_value(id), i);
		return 0;
	}
	if (strcmp(product_name(r, was), json_string_value(name)) != 0)
		return fail(r, "ProductTree lists ProductID '%.40s' twice, under different "
		    "names", json_string_value(id));
	return 0;
}

static int
read_products(struct reader *r, json_t *doc)
{
	json_t *tree, *list;

	if ((tree = member(r, doc, "", "ProductTree", JSON_OBJECT, true)) == NULL ||
	    (list = member(r, tree, "ProductTree", "FullProductName", JSON_ARRAY,
	    true)) == NULL)
		return -1;
	r->products = list;
	r->out->nproducts = json_array_size(list);
	if (r->out->nproducts > CVRF_MAX_PRODUCTS)
		return fail(r, "ProductTree.FullProductName has more than %d products",
		    CVRF_MAX_PRODUCTS);
	r->prod_os = xcalloc(r->out->nproducts + 1, sizeof(*r->prod_os));
	for (size_t i = 0; i < r->out->nproducts; i++)
		if (read_product(r, json_array_get(list, i), i) < 0)
			return -1;
	return 0;
}

/* The subtype, written with any case and spacing ("Security HotPatch Update"). */
static int
subtype_of(const char *s)
{
	for (int t = 0; t < SUB_COUNT; t++) {
		const char *a = s, *b = subtype_name[t];

		for (;;) {
			while (*a == ' ')
				a++;
			while (*b == ' ')
				b++;
			if (*a == '\0' || *b == '\0' || tolower((unsigned char)*a) !=
			    tolower((unsigned char)*b))
				break;
			a++, b++;
		}
		if (*a == '\0' && *b == '\0')
			return t;
	}
	return -1;
}

static bool
digits(const char *s, size_t min, size_t max)
{
	size_t n = strspn(s, "0123456789");

	return n >= min && n <= max && s[n] == '\0';
}

/* "5120242" or "KB5120242" -> "KB5120242"; NULL for anything else. */
static char *
kb_of(const char *v)
{
	if (strncasecmp(v, "KB", 2) == 0)
		v += 2;
	return digits(v, 1, 12) ? xasprintf("KB%s", v) : NULL;
}

/* "10.0.26100.32995" or "26100.32995" -> "26100.32995"; NULL for anything else. */
static char *
build_of(const char *v)
{
	const char *dot;
	char *major;
	bool ok;

	if (strncmp(v, "10.0.", 5) == 0)
		v += 5;
	if ((dot = strchr(v, '.')) == NULL)
		return NULL;
	major = xasprintf("%.*s", (int)(dot - v), v);
	ok = digits(major, 1, 12) && digits(dot + 1, 1, 12);
	free(major);
	return ok ? xstrdup(v) : NULL;
}

/* "26100.32995" as a number that orders builds: major, then revision. */
static void
build_key(const char *b, unsigned long long k[2])
{
	k[0] = strtoull(b, NULL, 10);
	k[1] = strtoull(strchr(b, '.') + 1, NULL, 10);
}

/* Is (kb, build) better than what c holds: a build over none, a higher build, a higher KB? */
static bool
better(const struct cand *c, const char *kb, const char *build)
{
	unsigned long long a[2], b[2];

	if (c->kb == NULL)
		return true;
	if ((build != NULL) != (c->build != NULL))
		return build != NULL;
	if (build != NULL) {
		build_key(build, a);
		build_key(c->build, b);
		if (a[0] != b[0] || a[1] != b[1])
			return a[0] > b[0] || (a[0] == b[0] && a[1] > b[1]);
	}
	return strtoull(kb + 2, NULL, 10) > strtoull(c->kb + 2, NULL, 10);
}

static void
cand_offer(struct cand *c, const char *kb, const char *build)
{
	bool known = false;

	for (size_t i = 0; i < c->nseen && i < KB_SEEN; i++)
		known = known || strcmp(c->seen[i], kb) == 0;
	if (!known && c->nseen < KB_SEEN)
		c->seen[c->nseen] = xstrdup(kb);
	if (!known && c->nseen <= KB_SEEN)
		c->nseen++;
	if (!better(c, kb, build))
		return;
	free(c->kb);
	free(c->build);
	c->kb = xstrdup(kb);
	c->build = xstrdup_null(build);
}

static void
cand_free(struct cand *c)
{
	free(c->kb);
	free(c->build);
	for (size_t i = 0; i < c->nseen && i < KB_SEEN; i++)
		free(c->seen[i]);
}

/*
 * A remediation on a product no OS lists: worth a word only for a hotpatch
 * (an OS the calendar may be missing), once per product.
 */
static void
unknown_product(struct reader *r, const char *id, size_t prod, int sub, const char *kb)
{
	size_t pos;

	if (sub != SUB_HOTPATCH || strindex_get(&r->warned, id, &pos))
		return;
	strindex_put(&r->warned, id, 0);
	warn(r, "'%s' has a Security Hotpatch Update (%s) but no OS lists it in "
	    "msrc_products; ignored", product_name(r, prod), kb != NULL ? kb : "no KB");
}

/* A ProductID the tree does not define: said once, then ignored. */
static void
undefined_product(struct reader *r, const char *id, const char *path)
{
	size_t pos;

	if (strindex_get(&r->warned, id, &pos))
		return;
	strindex_put(&r->warned, id, 0);
	warn(r, "%s: ProductID '%.40s' is not in the ProductTree; ignored", path, id);
}

/* Each ProductID of one remediation of subtype sub, with its KB and build. */
static int
offer_products(struct reader *r, json_t *ids, const char *path, int sub, const char *kb,
    const char *build)
{
	for (size_t i = 0; i < json_array_size(ids); i++) {
		json_t *id = json_array_get(ids, i);
		size_t prod, pos;

		if (!json_is_string(id))
			return fail(r, "%s.ProductID[%zu] must be a string", path, i);
		if (!strindex_get(&r->ids, json_string_value(id), &prod)) {
			undefined_product(r, json_string_value(id), path);
			continue;
		}
		if ((pos = r->prod_os[prod]) == UNKNOWN) {
			unknown_product(r, json_string_value(id), prod, sub, kb);
			continue;
		}
		if (kb == NULL) {
			warn(r, "%s: %s for %s without a KB number; ignored", path,
			    subtype_name[sub], r->cal->os[pos].id);
			continue;
		}
		cand_offer(&r->cand[pos][sub], kb, build);
	}
	return 0;
}

/*
 * cvrf_reduce: one remediation per subtype, KB and build, naming every
 * product any of them named, each once; and which products were named.
 */
/* Is id a product of the tree whose name is a Windows release's (CVRF_PRODUCT_PREFIX)? */
static bool
windows_product(const struct reader *r, const char *id)
{
	size_t i;

	return strindex_get(&r->ids, id, &i) && strncmp(product_name(r, i),
	    CVRF_PRODUCT_PREFIX, strlen(CVRF_PRODUCT_PREFIX)) == 0;
}

static int
collect(struct reader *r, json_t *ids, const char *path, int sub, json_t *desc, json_t *fb)
{
	/* Lengths and presence marks: no two remediations can share a key by accident. */
	const char *d = desc != NULL ? json_string_value(desc) : "";
	char *key = xasprintf("%d %c%zu:%s %c%s", sub, desc != NULL ? '+' : '-', strlen(d), d,
	    fb != NULL ? '+' : '-', fb != NULL ? json_string_value(fb) : "");
	json_t *g = json_object_get(r->groups, key), *rem, *seen;

	if (g == NULL) {
		rem = json_pack("{s:s,s:[]}", "SubType", subtype_name[sub], "ProductID");
		if (desc != NULL)
			json_object_set_new(rem, "Description", json_pack("{s:O}", "Value", desc));
		if (fb != NULL)
			json_object_set(rem, "FixedBuild", fb);
		g = json_pack("{s:o,s:{}}", "rem", rem, "seen");
		json_object_set_new(r->groups, key, g);
	}
	free(key);
	rem = json_object_get(g, "rem");
	seen = json_object_get(g, "seen");
	for (size_t i = 0; i < json_array_size(ids); i++) {
		json_t *id = json_array_get(ids, i);

		if (!json_is_string(id))
			return fail(r, "%s.ProductID[%zu] must be a string", path, i);
		if (json_object_get(seen, json_string_value(id)) != NULL ||
		    !windows_product(r, json_string_value(id)))
			continue;
		json_object_set_new(seen, json_string_value(id), json_true());
		json_object_set_new(r->used, json_string_value(id), json_true());
		json_array_append(json_object_get(rem, "ProductID"), id);
	}
	return 0;
}

static int
read_remediation(struct reader *r, json_t *m, const char *path)
{
	json_t *st, *ids, *fb;
	const char *desc;
	char *kb = NULL, *build = NULL;
	int sub, rc;

	if (!json_is_object(m))
		return fail(r, "%s must be an object", path);
	st = member(r, m, path, "SubType", JSON_STRING, false);
	ids = member(r, m, path, "ProductID", JSON_ARRAY, false);
	fb = member(r, m, path, "FixedBuild", JSON_STRING, false);
	desc = value_of(r, m, path, "Description", false);
	if (*r->err != NULL)
		return -1;
	if (st == NULL || ids == NULL || (sub = subtype_of(json_string_value(st))) < 0)
		return 0;
	if (r->groups != NULL)
		return collect(r, ids, path, sub, desc != NULL ?
		    json_object_get(json_object_get(m, "Description"), "Value") : NULL, fb);
	kb = desc != NULL ? kb_of(desc) : NULL;
	build = fb != NULL ? build_of(json_string_value(fb)) : NULL;
	if (fb != NULL && build == NULL && *json_string_value(fb) != '\0')
		warn(r, "%s: FixedBuild '%.40s' is not a build like 10.0.26100.32995; "
		    "left out", path, json_string_value(fb));
	rc = offer_products(r, ids, path, sub, kb, build);
	free(kb);
	free(build);
	return rc;
}

static int
read_vulnerability(struct reader *r, json_t *v, size_t i)
{
	char *path = xasprintf("Vulnerability[%zu]", i);
	json_t *list;
	int rc = 0;

	if (!json_is_object(v)) {
		fail(r, "%s must be an object", path);
		free(path);
		return -1;
	}
	list = member(r, v, path, "Remediations", JSON_ARRAY, false);
	if (*r->err != NULL)
		rc = -1;
	for (size_t k = 0; rc == 0 && k < json_array_size(list); k++) {
		char *sub = xasprintf("%s.Remediations[%zu]", path, k);

		if (++r->nremed > CVRF_MAX_REMEDIATIONS)
			rc = fail(r, "more than %d remediations in the document",
			    CVRF_MAX_REMEDIATIONS);
		else
			rc = read_remediation(r, json_array_get(list, k), sub);
		free(sub);
	}
	free(path);
	return rc;
}

static int
read_vulnerabilities(struct reader *r, json_t *doc)
{
	json_t *list = member(r, doc, "", "Vulnerability", JSON_ARRAY, true);

	if (list == NULL)
		return -1;
	if (json_array_size(list) > CVRF_MAX_VULNS)
		return fail(r, "Vulnerability has more than %d entries", CVRF_MAX_VULNS);
	for (size_t i = 0; i < json_array_size(list); i++)
		if (read_vulnerability(r, json_array_get(list, i), i) < 0)
			return -1;
	return 0;
}

/* "KB1, KB2 and KB3" of the distinct KBs c saw, for a warning. */
static char *
seen_list(const struct cand *c)
{
	struct textbuf s = { 0 };

	for (size_t i = 0; i < c->nseen && i < KB_SEEN; i++)
		textbuf_printf(&s, "%s%s", i == 0 ? "" : ", ", c->seen[i]);
	if (c->nseen > KB_SEEN)
		textbuf_printf(&s, " and more");
	return s.s;
}

static void
warn_several(struct reader *r, const struct os_def *os, int sub, const struct cand *c)
{
	char *list;

	if (c->nseen < 2)
		return;
	list = seen_list(c);
	warn(r, "%s: several %s KBs are listed (%s); took %s, the highest build", os->id,
	    subtype_name[sub], list, c->kb);
	free(list);
}

/* The pick of OS i from its candidates; false if the document has none for it. */
static bool
decide(struct reader *r, size_t i, struct cvrf_pick *p)
{
	const struct os_def *os = &r->cal->os[i];
	const struct cand *hp = &r->cand[i][SUB_HOTPATCH], *up = &r->cand[i][SUB_UPDATE];
	ym_t m = r->out->month;
	const struct cand *use = hp->kb != NULL ? hp : up;
	char start[8];

	if (use->kb == NULL)
		return false;
	memset(p, 0, sizeof(*p));
	p->os = os;
	p->rel.month = m;
	if (os->never_hotpatch || m < os->hotpatch_start) {
		/* Only LCUs: for ever, or until the OS's hotpatch start. */
		char *when = os->never_hotpatch ? xstrdup("this OS never gets hotpatch") :
		    xasprintf("before hotpatch_start %s", ym_format(os->hotpatch_start, start));

		if (up->kb == NULL) {
			warn(r, "%s: only a Security Hotpatch Update is listed, %s; not imported",
			    os->id, when);
			free(when);
			return false;
		}
		if (hp->kb != NULL)
			warn(r, "%s: the Security Hotpatch Update %s is listed, %s; the month is "
			    "an lcu", os->id, hp->kb, when);
		free(when);
		use = up;
		p->rel.kind = KIND_LCU;
	} else if (use == hp) {
		p->rel.kind = KIND_HOTPATCH;
	} else {
		p->rel.kind = KIND_BASELINE;
		p->rel.unplanned = !(os->baseline_months & 1u << ym_month(m));
	}
	warn_several(r, os, use == hp ? SUB_HOTPATCH : SUB_UPDATE, use);
	p->rel.kb = xstrdup(use->kb);
	p->rel.build = xstrdup_null(use->build);
	p->rel.note = r->out->title != NULL ?
	    xasprintf("MSRC CVRF %s (%s)", r->out->id, r->out->title) :
	    xasprintf("MSRC CVRF %s", r->out->id);
	return true;
}

static void
decide_all(struct reader *r)
{
	struct cvrf_result *o = r->out;

	o->pick = xcalloc(r->cal->nos + 1, sizeof(*o->pick));
	for (size_t i = 0; i < r->cal->nos; i++) {
		const struct os_def *os = &r->cal->os[i];

		if (os->nmsrc == 0)
			continue;
		if (decide(r, i, &o->pick[o->npick])) {
			o->npick++;
			continue;
		}
		if (!r->listed[i])
			warn(r, "%s: none of its msrc_products is in the document's "
			    "ProductTree; not imported", os->id);
		else if (r->cand[i][SUB_UPDATE].kb == NULL && r->cand[i][SUB_HOTPATCH].kb == NULL)
			warn(r, "%s: no Security Update or Security Hotpatch Update is listed "
			    "for its products; not imported", os->id);
	}
}

static void
reader_free(struct reader *r)
{
	for (size_t i = 0; r->cand != NULL && i < r->cal->nos; i++)
		for (int t = 0; t < SUB_COUNT; t++)
			cand_free(&r->cand[i][t]);
	free(r->cand);
	free(r->listed);
	free(r->prod_os);
	strindex_free(&r->names);
	strindex_free(&r->ids);
	strindex_free(&r->warned);
}

static json_t *
parse_json(const char *text, size_t len, char **err)
{
	json_error_t je;
	json_t *doc;

	if (len > CVRF_MAX_BYTES) {
		*err = xasprintf("document is larger than %u bytes", CVRF_MAX_BYTES);
		return NULL;
	}
	if ((doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		*err = xasprintf("not JSON: line %d, column %d: %s", je.line, je.column,
		    je.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		*err = xstrdup("not a CVRF document: the top level must be an object");
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int
cvrf_read(const char *text, size_t len, const struct caldata *cal, time_t now,
    struct cvrf_result *out, char **err)
{
	struct reader r = { .cal = cal, .out = out, .err = err };
	json_t *doc;
	int rc = -1;

	*err = NULL;
	if ((doc = parse_json(text, len, err)) == NULL)
		return -1;
	r.listed = xcalloc(cal->nos + 1, sizeof(*r.listed));
	r.cand = xcalloc(cal->nos + 1, sizeof(*r.cand));
	if (index_names(&r) == 0 && read_header(&r, doc, now) == 0 &&
	    read_products(&r, doc) == 0 && read_vulnerabilities(&r, doc) == 0) {
		decide_all(&r);
		rc = 0;
	}
	if (r.nwarn_all > CVRF_MAX_WARNINGS)
		push_warning(&r, xasprintf("and %zu more warnings",
		    r.nwarn_all - CVRF_MAX_WARNINGS));
	reader_free(&r);
	json_decref(doc);
	if (rc < 0)
		cvrf_result_free(out);
	return rc;
}

/* The reduced document: the same shape, with only what cvrf_read reads. */
static json_t *
reduced_doc(struct reader *r)
{
	json_t *doc = json_object(), *tree = json_array(), *rems = json_array();
	const char *key;
	json_t *g;

	if (r->out->title != NULL)
		json_object_set_new(doc, "DocumentTitle", json_pack("{s:s}", "Value",
		    r->out->title));
	json_object_set_new(doc, "DocumentTracking", json_pack("{s:{s:{s:s}}}",
	    "Identification", "ID", "Value", r->out->id));
	for (size_t i = 0; i < json_array_size(r->products); i++) {
		json_t *p = json_array_get(r->products, i);
		const char *id = json_string_value(json_object_get(p, "ProductID"));

		if (json_object_get(r->used, id) != NULL)
			json_array_append_new(tree, json_pack("{s:s,s:s}", "ProductID", id,
			    "Value", product_name(r, i)));
	}
	json_object_set_new(doc, "ProductTree", json_pack("{s:o}", "FullProductName", tree));
	json_object_foreach(r->groups, key, g) {
		json_t *rem = json_object_get(g, "rem");

		if (json_array_size(json_object_get(rem, "ProductID")) > 0)
			json_array_append(rems, rem);
	}
	json_object_set_new(doc, "Vulnerability", json_pack("[{s:o}]", "Remediations", rems));
	return doc;
}

int
cvrf_reduce(const char *text, size_t len, time_t now, char **out, size_t *outlen,
    char **err)
{
	struct caldata none = { 0 };
	struct cvrf_result res = { 0 };
	struct reader r = { .cal = &none, .out = &res, .err = err };
	json_t *doc, *small = NULL;

	*err = NULL;
	*out = NULL;
	if ((doc = parse_json(text, len, err)) == NULL)
		return -1;
	r.groups = json_object();
	r.used = json_object();
	if (read_header(&r, doc, now) == 0 && read_products(&r, doc) == 0 &&
	    read_vulnerabilities(&r, doc) == 0) {
		small = reduced_doc(&r);
		*out = json_dumps(small, JSON_COMPACT);
		*outlen = *out != NULL ? strlen(*out) : 0;
	}
	json_decref(small);
	json_decref(r.groups);
	json_decref(r.used);
	reader_free(&r);
	json_decref(doc);
	cvrf_result_free(&res);
	return *out != NULL ? 0 : -1;
}

void
cvrf_result_free(struct cvrf_result *r)
{
	for (size_t i = 0; i < r->npick; i++)
		release_free(&r->pick[i].rel);
	for (size_t i = 0; i < r->nwarn; i++)
		free(r->warn[i]);
	free(r->pick);
	free(r->warn);
	free(r->id);
	free(r->title);
	memset(r, 0, sizeof(*r));
}

static bool
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

enum cvrf_change
cvrf_change_of(const struct cvrf_pick *p, const struct release **was)
{
	const struct os_def *os = p->os;

	*was = NULL;
	for (size_t i = 0; i < os->nrel; i++) {
		const struct release *r = &os->rel[i];

		if (r->month != p->rel.month)
			continue;
		*was = r;
		return r->kind == p->rel.kind && same_str(r->kb, p->rel.kb) &&
		    same_str(r->build, p->rel.build) ? CVRF_SAME : CVRF_DIFFERS;
	}
	return CVRF_NEW;
}
