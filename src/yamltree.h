/*
 * yamltree.h: a YAML document as a small tree with source positions, and a
 * table-driven way to read mappings into structs with file:line:column errors.
 * Anchors, aliases, tags and multiple documents are refused: our files never
 * need them and they only make bad input harder to explain.
 */
#ifndef HP_YAMLTREE_H
#define HP_YAMLTREE_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

#define YTREE_MAX_BYTES	(4u << 20)	/* larger files are refused */
#define YTREE_MAX_DEPTH	32
#define YTREE_MAX_NODES	500000	/* keys, values and list items */
#define YMAP_MAX_FIELDS	32	/* longest struct yfield table */

enum ynode_type { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum ynode_type	 type;
	int		 line, col;	/* 1-based */
	char		*value;		/* YN_SCALAR */
	bool		 null;		/* plain "", "~" or "null" */
	struct ynode	**keys;		/* YN_MAP: keys[i] -> items[i] */
	struct ynode	**items;	/* YN_SEQ items, YN_MAP values */
	size_t		 n, cap;
};

/* Parse a buffer; on error adds one diag and returns NULL. */
struct ynode *ytree_parse(const char *file, const char *buf, size_t len,
    struct diags *d);
/* Read and parse a file; on error adds one diag and returns NULL. */
/* The bytes of file (at most YTREE_MAX_BYTES; allocated), or NULL with a diagnostic. */
char *ytree_read(const char *file, size_t *len, struct diags *d);
struct ynode *ytree_load(const char *file, struct diags *d);
void ytree_free(struct ynode *n);

/* Where errors go while reading a tree. */
struct yctx {
	const char	*file;
	struct diags	*d;
	void		*user;		/* loader context (e.g. the calendar, for OS ids) */
};

void yerr(struct yctx *c, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct yfield;
/* Parse node into dst; report and return -1 on error. */
typedef int yparse_fn(struct yctx *c, const struct ynode *node,
    const struct yfield *f, void *dst);

/* One key of a mapping: how to parse it and where to store it. */
struct yfield {
	const char	*key;
	bool		 required;
	yparse_fn	*parse;
	size_t		 off;		/* offsetof the destination in the struct */
	int		 lo, hi;	/* range for integers */
};

/*
 * Read the mapping node into obj using fields (terminated by a NULL key):
 * refuses a non-mapping, duplicate and unknown keys, and missing required
 * keys (a null value counts as missing).  what names the mapping in messages.
 * Returns the number of errors added.
 */
int ymap(struct yctx *c, const struct ynode *node, const char *what,
    const struct yfield *fields, void *obj);

/* The value of key in a mapping, or NULL (also for a null value). */
const struct ynode *yget(const struct ynode *map, const char *key);

/* The text of a scalar node, or NULL after reporting that field f needs one. */
const char *yscalar(struct yctx *c, const struct ynode *n, const struct yfield *f);

/* Scalar parsers for struct yfield; each names f->key in its message. */
yparse_fn yp_version;		/* int, must equal f->lo */
yparse_fn yp_node;		/* const struct ynode *, any non-null value */
yparse_fn yp_string;		/* char * */
yparse_fn yp_ident;		/* char *, [a-z0-9-]{1,32} */
yparse_fn yp_int;		/* int, f->lo..f->hi */
yparse_fn yp_bool;		/* bool */
yparse_fn yp_month;		/* ym_t */
yparse_fn yp_date;		/* struct ymd */
yparse_fn yp_time;		/* int minutes after midnight */
yparse_fn yp_duration;		/* int minutes, 1..1440 */
yparse_fn yp_kind;		/* enum kind */
yparse_fn yp_arch;		/* enum arch */
yparse_fn yp_delivery;		/* enum delivery */
yparse_fn yp_bo_kind;		/* enum bo_kind */
yparse_fn yp_kb;		/* char *, "KB" + digits */
yparse_fn yp_build;		/* char *, digits "." digits */
yparse_fn yp_arch_list;		/* unsigned mask of enum arch */
yparse_fn yp_month_list;	/* unsigned mask, bit m for month m */
yparse_fn yp_weekday_list;	/* unsigned mask, bit 0 = Sunday */

/* Require a sequence (a null node is an empty one); returns 0 or -1. */
int yseq(struct yctx *c, const struct ynode *node, const char *what);

#endif
