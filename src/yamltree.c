/* yamltree.c: libyaml events -> tree with positions; table-driven mapping reader. */
#include "yamltree.h"
#include "model.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* ---- building the tree ---- */

struct builder {
	const char	*file;
	struct diags	*d;
	struct ynode	*root;
	struct ynode	*stack[YTREE_MAX_DEPTH];
	int		 depth;
	struct ynode	*pending_key[YTREE_MAX_DEPTH];
	int		 docs;
	size_t		 nodes;
};

static struct ynode *
node_new(enum ynode_type type, yaml_mark_t m)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	return n;
}

void
ytree_free(struct ynode *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n; i++) {
		ytree_free(n->items[i]);
		if (n->keys != NULL)
			ytree_free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->value);
	free(n);
}

/* Attach a finished node to its parent (or make it the root). */
static int
attach(struct builder *b, struct ynode *n)
{
	struct ynode *p;
	int lvl = b->depth - 1;

	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	p = b->stack[lvl];
	if (p->type == YN_MAP && b->pending_key[lvl] == NULL) {
		if (n->type != YN_SCALAR) {
			diags_add(b->d, b->file, n->line, n->col, "mapping keys must be plain scalars");
			ytree_free(n);
			return -1;
		}
		b->pending_key[lvl] = n;
		return 0;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->items = xreallocarray(p->items, p->cap, sizeof(*p->items));
		if (p->type == YN_MAP)
			p->keys = xreallocarray(p->keys, p->cap, sizeof(*p->keys));
	}
	if (p->type == YN_MAP) {
		p->keys[p->n] = b->pending_key[lvl];
		b->pending_key[lvl] = NULL;
	}
	p->items[p->n++] = n;
	return 0;
}

static bool
is_null_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return *v == '\0' || strcmp(v, "~") == 0 || strcasecmp(v, "null") == 0;
}

static int
push(struct builder *b, struct ynode *n)
{
	if (b->depth == YTREE_MAX_DEPTH) {
		diags_add(b->d, b->file, n->line, n->col, "nesting deeper than %d levels",
		    YTREE_MAX_DEPTH);
		ytree_free(n);
		return -1;
	}
	b->pending_key[b->depth] = NULL;
	b->stack[b->depth++] = n;
	return 0;
}

static int
pop(struct builder *b)
{
	struct ynode *n = b->stack[--b->depth];

	ytree_free(b->pending_key[b->depth]);
	b->pending_key[b->depth] = NULL;
	return attach(b, n);
}

/* Handle one event; returns 1 at the end of the stream, 0 to go on, -1 on error. */
static int
on_event(struct builder *b, yaml_event_t *ev)
{
	struct ynode *n;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1) {
			diags_add(b->d, b->file, (int)ev->start_mark.line + 1,
			    (int)ev->start_mark.column + 1, "only one YAML document per file");
			return -1;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		diags_add(b->d, b->file, (int)ev->start_mark.line + 1,
		    (int)ev->start_mark.column + 1, "aliases are not supported");
		return -1;
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++b->nodes > YTREE_MAX_NODES) {
			diags_add(b->d, b->file, (int)ev->start_mark.line + 1,
			    (int)ev->start_mark.column + 1, "more than %d keys, values and list "
			    "items; split the file", YTREE_MAX_NODES);
			return -1;
		}
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return pop(b);
	default:
		return 0;
	}
	/* Anchors and explicit tags are refused the same way as aliases. */
	if ((ev->type == YAML_SCALAR_EVENT && (ev->data.scalar.anchor || ev->data.scalar.tag)) ||
	    (ev->type == YAML_SEQUENCE_START_EVENT && (ev->data.sequence_start.anchor ||
	    ev->data.sequence_start.tag)) ||
	    (ev->type == YAML_MAPPING_START_EVENT && (ev->data.mapping_start.anchor ||
	    ev->data.mapping_start.tag))) {
		diags_add(b->d, b->file, (int)ev->start_mark.line + 1,
		    (int)ev->start_mark.column + 1, "anchors and tags are not supported");
		return -1;
	}
	if (ev->type == YAML_SCALAR_EVENT) {
		n = node_new(YN_SCALAR, ev->start_mark);
		n->value = xstrdup((const char *)ev->data.scalar.value);
		n->null = is_null_scalar(ev);
		return attach(b, n);
	}
	n = node_new(ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP, ev->start_mark);
	return push(b, n);
}

/* Report what libyaml could not parse, with its position. */
static void
syntax_error(struct builder *b, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;
	const char *what = p->problem ? p->problem : "syntax error";

	if (p->context != NULL)
		diags_add(b->d, b->file, (int)m->line + 1, (int)m->column + 1, "%s %s",
		    what, p->context);
	else
		diags_add(b->d, b->file, (int)m->line + 1, (int)m->column + 1, "%s", what);
}

/*
 * Refuse what libyaml would explain badly: binary data, invalid UTF-8 and
 * tabs in indentation, each with the exact position.
 */
static int
prescan(struct builder *b, const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	int line = 1, col = 1;
	bool indent = true;

	for (size_t i = 0; i < len; col++) {
		size_t l = utf8_len(s + i, len - i);

		if (s[i] == '\0' || l == 0) {
			diags_add(b->d, b->file, line, col, "not a text file: %s byte 0x%02x",
			    s[i] == '\0' ? "NUL" : "invalid UTF-8", s[i]);
			return -1;
		}
		if (s[i] == '\t' && indent) {
			diags_add(b->d, b->file, line, col, "tab character in indentation; indent with spaces");
			return -1;
		}
		if (s[i] == '\n') {
			line++;
			col = 0;
			indent = true;
		} else if (s[i] != ' ' && s[i] != '\r') {
			indent = false;
		}
		i += l;
	}
	return 0;
}

struct ynode *
ytree_parse(const char *file, const char *buf, size_t len, struct diags *d)
{
	struct builder b = { .file = file, .d = d };
	yaml_parser_t p;
	yaml_event_t ev;
	int r = 0;

	if (prescan(&b, buf, len) < 0)
		return NULL;
	if (!yaml_parser_initialize(&p))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (r == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(&b, &p);
			r = -1;
			break;
		}
		r = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	while (b.depth > 0) {
		b.depth--;
		ytree_free(b.pending_key[b.depth]);
		ytree_free(b.stack[b.depth]);
	}
	if (r < 0) {
		ytree_free(b.root);
		return NULL;
	}
	if (b.root == NULL || (b.root->type == YN_SCALAR && b.root->null)) {
		diags_add(d, file, 0, 0, "file is empty");
		ytree_free(b.root);
		return NULL;
	}
	return b.root;
}

char *
ytree_read(const char *file, size_t *len, struct diags *d)
{
	FILE *f = fopen(file, "rb");
	char *buf;

	if (f == NULL) {
		diags_add(d, file, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = xmalloc(YTREE_MAX_BYTES + 1);
	*len = fread(buf, 1, YTREE_MAX_BYTES + 1, f);
	if (ferror(f)) {
		diags_add(d, file, 0, 0, "cannot read: %s", strerror(errno));
	} else if (*len > YTREE_MAX_BYTES) {
		diags_add(d, file, 0, 0, "file is larger than %u bytes", YTREE_MAX_BYTES);
	} else {
		fclose(f);
		return xreallocarray(buf, *len + 1, 1);
	}
	fclose(f);
	free(buf);
	return NULL;
}

struct ynode *
ytree_load(const char *file, struct diags *d)
{
	size_t len;
	char *buf = ytree_read(file, &len, d);
	struct ynode *root;

	if (buf == NULL)
		return NULL;
	root = ytree_parse(file, buf, len, d);
	free(buf);
	return root;
}

/* ---- reading mappings ---- */

void
yerr(struct yctx *c, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (diags_full(c->d)) {
		c->d->dropped++;
		return;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	diags_add(c->d, c->file, at->line, at->col, "%s", msg);
	free(msg);
}

static const char *
type_name(const struct ynode *n)
{
	return n->type == YN_MAP ? "a mapping" : n->type == YN_SEQ ? "a list" : "a scalar";
}

const struct ynode *
yget(const struct ynode *map, const char *key)
{
	if (map == NULL || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i]->value, key) == 0) {
			const struct ynode *v = map->items[i];
			return v->type == YN_SCALAR && v->null ? NULL : v;
		}
	}
	return NULL;
}

/* Position of key in fields, or -1. */
static int
find_field(const struct yfield *fields, const char *key)
{
	for (int i = 0; fields[i].key != NULL; i++)
		if (strcmp(fields[i].key, key) == 0)
			return i;
	return -1;
}

/*
 * One pass over the keys: a known key's first value is kept by field, an
 * unknown key goes into a hash index, so duplicates cost no rescans.
 */
int
ymap(struct yctx *c, const struct ynode *node, const char *what,
    const struct yfield *fields, void *obj)
{
	const struct ynode *val[YMAP_MAX_FIELDS] = { 0 };
	struct strindex unknown = { 0 };
	size_t before = diags_count(c->d), pos;
	int i;

	if (node->type != YN_MAP) {
		yerr(c, node, "%s must be a mapping, got %s", what, type_name(node));
		return 1;
	}
	for (size_t k = 0; k < node->n && !diags_full(c->d); k++) {
		const struct ynode *key = node->keys[k], *v = node->items[k];

		if ((i = find_field(fields, key->value)) < 0) {
			if (strindex_get(&unknown, key->value, &pos))
				yerr(c, key, "duplicate key '%s' in %s", key->value, what);
			else
				yerr(c, key, "unknown key '%s' in %s", key->value, what);
			strindex_put(&unknown, key->value, k);
			continue;
		}
		if (i >= YMAP_MAX_FIELDS)
			abort();	/* a table longer than val[] */
		if (val[i] != NULL) {
			yerr(c, key, "duplicate key '%s' in %s", key->value, what);
			continue;
		}
		val[i] = v;
		if (v->type == YN_SCALAR && v->null)
			continue;	/* null: reported as missing below if required */
		fields[i].parse(c, v, &fields[i], (char *)obj + fields[i].off);
	}
	strindex_free(&unknown);
	for (i = 0; fields[i].key != NULL && !diags_full(c->d); i++)
		if (fields[i].required && (val[i] == NULL ||
		    (val[i]->type == YN_SCALAR && val[i]->null)))
			yerr(c, node, "%s is missing required key '%s'", what, fields[i].key);
	/* Stopped early: obj may lack required fields, so never report success. */
	if (diags_full(c->d) && diags_count(c->d) == before)
		return 1;
	return (int)(diags_count(c->d) - before);
}

int
yseq(struct yctx *c, const struct ynode *node, const char *what)
{
	if (node == NULL || node->type == YN_SEQ)
		return 0;
	yerr(c, node, "%s must be a list, got %s", what, type_name(node));
	return -1;
}

const char *
yscalar(struct yctx *c, const struct ynode *n, const struct yfield *f)
{
	if (n->type == YN_SCALAR)
		return n->value;
	yerr(c, n, "%s must be a single value, got %s", f->key, type_name(n));
	return NULL;
}

int
yp_version(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	char want[16];

	snprintf(want, sizeof(want), "%d", f->lo);
	if (n->type != YN_SCALAR || strcmp(n->value, want) != 0) {
		yerr(c, n, "unsupported version '%s' (this hotpatchd reads version %d)",
		    n->type == YN_SCALAR ? n->value : "?", f->lo);
		return -1;
	}
	*(int *)dst = f->lo;
	return 0;
}

int
yp_node(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	*(const struct ynode **)dst = n;
	return 0;
}

int
yp_string(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (*v == '\0' || strlen(v) > 1024) {
		yerr(c, n, "%s must be a string of 1 to 1024 characters", f->key);
		return -1;
	}
	*(char **)dst = xstrdup(v);
	return 0;
}

int
yp_ident(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);
	size_t len;

	if (v == NULL)
		return -1;
	len = strlen(v);
	if (len == 0 || len > 32 || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != len) {
		yerr(c, n, "%s must be 1 to 32 characters of a-z, 0-9 and '-', got '%s'",
		    f->key, v);
		return -1;
	}
	*(char **)dst = xstrdup(v);
	return 0;
}

/* Parse a decimal integer that fits in int; returns 0 or -1. */
static int
parse_int(const char *v, int *out)
{
	char *end;
	long l;

	errno = 0;
	l = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || l < -1000000 || l > 1000000)
		return -1;
	*out = (int)l;
	return 0;
}

int
yp_int(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);
	int i;

	if (v == NULL)
		return -1;
	if (parse_int(v, &i) < 0) {
		yerr(c, n, "%s must be an integer, got '%s'", f->key, v);
		return -1;
	}
	if (i < f->lo || i > f->hi) {
		yerr(c, n, "%s must be %d..%d, got %d", f->key, f->lo, f->hi, i);
		return -1;
	}
	*(int *)dst = i;
	return 0;
}

int
yp_bool(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
		*(bool *)dst = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
		*(bool *)dst = false;
	else {
		yerr(c, n, "%s must be true or false, got '%s'", f->key, v);
		return -1;
	}
	return 0;
}

int
yp_month(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (ym_parse(v, dst) < 0) {
		yerr(c, n, "bad month '%s' for %s (expected YYYY-MM)", v, f->key);
		return -1;
	}
	return 0;
}

int
yp_date(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (ymd_parse(v, dst) < 0) {
		yerr(c, n, "bad date '%s' for %s (expected YYYY-MM-DD)", v, f->key);
		return -1;
	}
	return 0;
}

/* "HH:MM" -> minutes, hours up to max_h (inclusive, with :00 at the top). */
static int
parse_hhmm(const char *v, int max_h)
{
	int h, m;

	if (strlen(v) != 5 || v[2] != ':' || strspn(v, "0123456789:") != 5)
		return -1;
	h = (v[0] - '0') * 10 + (v[1] - '0');
	m = (v[3] - '0') * 10 + (v[4] - '0');
	if (m > 59 || h > max_h || (h == max_h && m > 0 && max_h == 24))
		return -1;
	return h * 60 + m;
}

int
yp_time(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);
	int min;

	if (v == NULL)
		return -1;
	if ((min = parse_hhmm(v, 23)) < 0) {
		yerr(c, n, "bad time '%s' for %s (expected HH:MM, 00:00 to 23:59)", v, f->key);
		return -1;
	}
	*(int *)dst = min;
	return 0;
}

/* "4h", "90m", "3h55m" -> minutes, or -1.  The range is checked by the caller. */
static int
parse_hm(const char *v)
{
	long h = 0, m = 0;
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	h = strtol(v, &end, 10);
	if (*end == 'h') {
		v = end + 1;
		if (*v == '\0')
			return h <= 100000 ? (int)h * 60 : -1;
		if (*v < '0' || *v > '9')
			return -1;
		m = strtol(v, &end, 10);
	} else {
		m = h;
		h = 0;
	}
	if (*end != 'm' || end[1] != '\0' || h > 100000 || m > 100000)
		return -1;
	return (int)(h * 60 + m);
}

int
yp_duration(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);
	int min;

	if (v == NULL)
		return -1;
	min = strchr(v, ':') ? parse_hhmm(v, 24) : parse_hm(v);
	if (min < 0) {
		yerr(c, n, "bad duration '%s' for %s (expected e.g. 4h, 90m, 3h30m or HH:MM)",
		    v, f->key);
		return -1;
	}
	if (min < 1 || min > 24 * 60) {
		yerr(c, n, "%s must be 1 minute to 24 hours, got '%s'", f->key, v);
		return -1;
	}
	*(int *)dst = min;
	return 0;
}

int
yp_kind(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (kind_parse(v, dst) < 0) {
		yerr(c, n, "%s must be baseline, hotpatch or lcu, got '%s'", f->key, v);
		return -1;
	}
	return 0;
}

int
yp_arch(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (arch_parse(v, dst) < 0) {
		yerr(c, n, "%s must be x64 or arm64, got '%s'", f->key, v);
		return -1;
	}
	return 0;
}

int
yp_delivery(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (delivery_parse(v, dst) < 0) {
		yerr(c, n, "%s must be automatic or catalog, got '%s'", f->key, v);
		return -1;
	}
	return 0;
}

int
yp_bo_kind(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (bo_kind_parse(v, dst) < 0) {
		yerr(c, n, "%s must be freeze or pause, got '%s'", f->key, v);
		return -1;
	}
	return 0;
}

int
yp_kb(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (!kb_is_valid(v)) {
		yerr(c, n, "%s must look like KB5094125, got '%s'", f->key, v);
		return -1;
	}
	*(char **)dst = xstrdup(v);
	return 0;
}

int
yp_build(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (!build_is_valid(v)) {
		yerr(c, n, "%s must look like 26100.32995, got '%s'", f->key, v);
		return -1;
	}
	*(char **)dst = xstrdup(v);
	return 0;
}

/* Parse every item of a list of scalars into a bit mask with item(). */
static int
scalar_list(struct yctx *c, const struct ynode *n, const struct yfield *f, unsigned *mask,
    int (*item)(const char *, unsigned *), const char *expected)
{
	unsigned bit;

	if (n->type != YN_SEQ || n->n == 0) {
		yerr(c, n, "%s must be a non-empty list of %s", f->key, expected);
		return -1;
	}
	*mask = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];

		if (it->type != YN_SCALAR || item(it->value, &bit) < 0) {
			yerr(c, it, "%s: expected %s, got '%s'", f->key, expected,
			    it->type == YN_SCALAR ? it->value : type_name(it));
			return -1;
		}
		if (*mask & bit) {
			yerr(c, it, "%s: '%s' is listed twice", f->key, it->value);
			return -1;
		}
		*mask |= bit;
	}
	return 0;
}

static int
arch_bit(const char *v, unsigned *bit)
{
	enum arch a;

	if (arch_parse(v, &a) < 0)
		return -1;
	*bit = a;
	return 0;
}

static int
month_bit(const char *v, unsigned *bit)
{
	int m;

	if (parse_int(v, &m) < 0 || m < 1 || m > 12)
		return -1;
	*bit = 1u << m;
	return 0;
}

static int
weekday_bit(const char *v, unsigned *bit)
{
	static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

	for (unsigned i = 0; i < ARRAY_LEN(days); i++) {
		if (strcmp(v, days[i]) == 0) {
			*bit = 1u << i;
			return 0;
		}
	}
	return -1;
}

int
yp_arch_list(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return scalar_list(c, n, f, dst, arch_bit, "x64 or arm64");
}

int
yp_month_list(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return scalar_list(c, n, f, dst, month_bit, "month numbers 1..12");
}

int
yp_weekday_list(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return scalar_list(c, n, f, dst, weekday_bit, "weekdays mon..sun");
}
