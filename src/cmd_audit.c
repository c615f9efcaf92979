/*
 * cmd_audit.c: hotpatchctl audit, the audit trail read back: who changed
 * what and when, the latest first, a page at a time.  For admins only: the
 * rows name every admin, the times they act and their reasons, notes and
 * file names, which the read commands show no one else all together.
 */
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "store.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>

/* One row: the actor's name is looked up now; the table keeps the uid. */
static json_t *
audit_json(const struct audit_row *a)
{
	struct peer p = { .uid = (uid_t)a->uid };
	char *actor = peer_name(&p), *object = view_audit_object(a->command, a->args);
	json_t *j = json_pack("{s:I,s:o,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id,
	    "at", view_instant(a->at), "uid", (json_int_t)a->uid, "actor", actor,
	    "action", a->command, "object", object, "args", a->args, "result", a->result);

	free(actor);
	free(object);
	return j;
}

void
cmd_audit(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct audit_query q = { .has_since = rq->has_since, .has_until = rq->has_until,
	    .since = rq->since, .until = rq->until,
	    .limit = rq->limit ? rq->limit : CMD_PAGE_DEFAULT, .offset = rq->offset };
	struct audit_page pg;
	json_t *rows;
	char *cause = NULL;

	(void)p;
	(void)line;
	if (store_audit_page(d->store, &q, &pg, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		free(cause);
		return;
	}
	rows = json_array();
	for (size_t i = 0; i < pg.n; i++)
		json_array_append_new(rows, audit_json(&pg.row[i]));
	r->data = json_pack("{s:I,s:I,s:o,s:o,s:I,s:o,s:o}", "stored", (json_int_t)pg.stored,
	    "matched", (json_int_t)pg.matched,
	    "since", rq->has_since ? view_instant(rq->since) : json_null(),
	    "until", rq->has_until ? view_instant(rq->until) : json_null(),
	    "offset", (json_int_t)q.offset,
	    "next_offset", pg.matched > q.offset + q.limit ? json_integer(q.offset + q.limit) :
	    json_null(), "audit", rows);
	store_audit_page_free(&pg);
}

/* "rows 1 to 50 of 120 (130 stored); the next page: --offset 50" */
static void
page_footer(struct textbuf *s, const json_t *j, size_t shown)
{
	json_int_t off = json_integer_value(json_object_get(j, "offset"));
	const json_t *next = json_object_get(j, "next_offset");

	if (shown > 0 && (off > 0 || json_is_integer(next)))
		textbuf_printf(s, "rows %lld to %lld of ", (long long)off + 1, (long long)off +
		    (long long)shown);
	else
		textbuf_printf(s, "%zu of ", shown);
	textbuf_printf(s, "%lld matching (%lld stored)",
	    (long long)json_integer_value(json_object_get(j, "matched")),
	    (long long)json_integer_value(json_object_get(j, "stored")));
	if (json_is_integer(next))
		textbuf_printf(s, "; the next page: --offset %lld", (long long)json_integer_value(next));
	textbuf_printf(s, "\n");
}

char *
render_audit(const json_t *j, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "AT (UTC)", 0, TF_KEEP, 0, 0 },
		{ "ACTOR", 0, TF_CUT, 6, 0 },
		{ "ACTION", 0, TF_KEEP, 0, 0 },
		{ "OBJECT", 1, TF_CUT, 12, 0 },
		{ "RESULT", 2, TF_CUT, 6, 0 },
	};
	const json_t *rows = json_object_get(j, "audit"), *e;
	struct table *t;
	size_t i;
	struct textbuf s;
	char at[24];

	if (json_integer_value(json_object_get(j, "stored")) == 0)
		return xstrdup("no audit rows: nothing has been changed at run time\n");
	t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	json_array_foreach(rows, i, e)
		/* "2026-12-06T15:32:03Z" as "2026-12-06 15:32:03" */
		table_row(t, (snprintf(at, sizeof(at), "%.10s %.8s", view_text(e, "at"),
		    strlen(view_text(e, "at")) > 11 ? view_text(e, "at") + 11 : ""), at),
		    view_text(e, "actor"), view_text(e, "action"), view_text(e, "object"),
		    view_text(e, "result"));
	s = textbuf_of(json_array_size(rows) > 0 ? table_layout(t, lo) : xstrdup(""));
	table_free(t);
	page_footer(&s, j, json_array_size(rows));
	return s.s;
}
