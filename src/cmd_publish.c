/*
 * cmd_publish.c: publish, publish clear and publish list: what Microsoft
 * published for a month, recorded at run time.  A run-time answer wins over
 * the calendar file's for the same month (publish.h); each change is one
 * store transaction with its audit row, and a refresh makes a new data
 * generation, so kept replies and pages follow.
 */
#include "calendar.h"
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "publish.h"
#include "store.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>

/* The published answer the request describes. */
static struct release
requested(const struct request *rq)
{
	return (struct release){ .month = rq->month, .kind = rq->kind,
	    .unplanned = rq->unplanned, .date = rq->date, .kb = (char *)rq->kb,
	    .build = (char *)rq->build, .note = (char *)rq->note,
	    .expedited = rq->expedited };
}

/*
 * Put (rel != NULL) or delete the run-time answer of the request's OS and
 * month, in one change with its audit row, then refresh the model (a new
 * data generation: kept replies and pages follow).  The reply shows the
 * month before (the caller's view_month, taken here) and after.
 */
static void
change(struct daemon *d, const struct request *rq, const struct peer *p, const char *line,
    const struct release *rel, json_t *before, struct reply *r)
{
	const struct os_def *os;
	struct actor a;
	char *who = peer_name(p), *cause = NULL;
	int rc;

	actor_init(&a, rq, p, line, who);
	rc = store_change_begin(d->store, &cause);
	if (rc == 0)
		rc = rel != NULL ? store_publish_put(d->store, rq->arg[0], rel, who, a.at,
		    PUBLISH_ORIGIN_CTL, &cause) : store_publish_del(d->store, rq->arg[0],
		    rq->month, &cause);
	if (store_change_end(d->store, rc < 0 ? -1 : 0, &a, rq->cmd->words, &cause) < 0 ||
	    daemon_refresh(d, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		json_decref(before);
	} else {
		os = caldata_find_os(&d->cal, rq->arg[0]);
		r->data = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:o}", "action",
		    rel != NULL ? "publish" : "clear", "os", rq->arg[0], "month", rq->arg[1],
		    "before", before, "after", view_month(&d->cal, os, rq->month),
		    "who", who, "at", view_instant(a.at));
	}
	free(cause);
	free(who);
}

void
cmd_publish(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct release rel = requested(rq);
	const struct os_def *os;
	char *why;

	if (!lookup_os(d, rq->arg[0], &os, r))
		return;
	if ((why = publish_check(os, &rel)) != NULL) {
		reply_error(r, PROTO_BAD_REQUEST, "cannot publish %s %s: %s", os->id, rq->arg[1],
		    why);
		free(why);
		return;
	}
	change(d, rq, p, line, &rel, view_month(&d->cal, os, rel.month), r);
}

void
cmd_publish_clear(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct os_def *os;
	const struct release *rel;

	if (!lookup_os(d, rq->arg[0], &os, r))
		return;
	rel = cal_find_release(os, rq->month);
	if (rel == NULL || !rel->runtime) {
		reply_error(r, rel != NULL ? PROTO_CONFLICT : PROTO_NOT_FOUND, rel != NULL ?
		    "%s %s is published in the calendar file, not at run time; change the file "
		    "and reload" : "no run-time published answer for %s %s", os->id, rq->arg[1]);
		return;
	}
	change(d, rq, p, line, NULL, view_month(&d->cal, os, rq->month), r);
}

/* One run-time answer with who, when, from what, and the file's entry for the month. */
static json_t *
entry_json(const struct os_def *os, const struct release *rel)
{
	json_t *o = view_release(rel);
	char m[8];

	json_object_set_new(o, "os", json_string(os->id));
	json_object_set_new(o, "month", json_string(ym_format(rel->month, m)));
	json_object_update_new(o, view_provenance(rel));
	json_object_set_new(o, "file", rel->file ? view_release(rel->file) : json_null());
	json_object_set_new(o, "conflict", view_conflict(os, rel));
	return o;
}

void
cmd_publish_list(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct os_def *only;
	json_t *list;

	if (!lookup_os(d, rq->os, &only, r))
		return;
	list = json_array();
	for (size_t i = 0; i < d->cal.nos; i++) {
		const struct os_def *os = &d->cal.os[i];

		for (size_t k = 0; (only == NULL || os == only) && k < os->nrel; k++)
			if (os->rel[k].runtime)
				json_array_append_new(list, entry_json(os, &os->rel[k]));
	}
	r->data = json_pack("{s:o}", "published", list);
}

/* "hotpatch KB5094125 (published, run time)" for a month row of view_month. */
static void
row_words(struct textbuf *s, const json_t *row)
{
	const json_t *pub = json_object_get(row, "published");

	view_answer_words(s, row);
	textbuf_printf(s, " (%s%s)", view_text(row, "source"),
	    strcmp(view_text(pub, "from"), "runtime") == 0 ? ", run time" :
	    json_is_object(pub) ? ", calendar file" : "");
}

char *
render_publish_change(const json_t *j, struct layout *lo)
{
	const json_t *after = json_object_get(j, "after");
	const json_t *c = json_object_get(after, "conflict");
	struct textbuf s = { 0 };
	char *line;

	textbuf_printf(&s, "%s %s %s: ", strcmp(view_text(j, "action"), "clear") == 0 ?
	    "publish clear" : "published", view_text(j, "os"), view_text(j, "month"));
	row_words(&s, json_object_get(j, "before"));
	textbuf_printf(&s, " -> ");
	row_words(&s, after);
	textbuf_printf(&s, ", by %s\n", view_text(j, "who"));
	if (json_is_object(c)) {
		line = view_conflict_line(c);
		textbuf_printf(&s, "%s\n", line);
		free(line);
	}
	return s.s;
}

/* The calendar file's entry for the month: none, the same, or how it differs. */
static const char *
file_words(const json_t *e, char *buf, size_t len)
{
	const json_t *c = json_object_get(e, "conflict"), *v;
	size_t i, n = 0;

	if (!json_is_object(json_object_get(e, "file")))
		return "-";
	if (!json_is_object(c))
		return "same";
	n = (size_t)snprintf(buf, len, "differs:");
	json_array_foreach(json_object_get(c, "differs"), i, v)
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : " ",
			    json_string_value(v));
	return buf;
}

char *
render_publish_list(const json_t *j, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "OS", 0, TF_KEEP, 0, 0 },
		{ "MONTH", 0, TF_KEEP, 0, 0 },
		{ "ANSWER", 0, TF_CUT, 10, 0 },
		{ "BY", 2, TF_CUT, 8, 0 },
		{ "AT", 3, TF_KEEP, 0, 0 },
		{ "ORIGIN", 4, TF_CUT, 8, 0 },
		{ "CALENDAR FILE", 1, TF_CUT, 13, 0 },
	};
	const json_t *list = json_object_get(j, "published"), *e;
	struct table *t;
	size_t i;
	struct textbuf s, ans;
	char file[96];

	if (json_array_size(list) == 0)
		return xstrdup("nothing published at run time\n");
	t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	json_array_foreach(list, i, e) {
		ans = (struct textbuf){ 0 };
		view_answer_words(&ans, e);
		table_row(t, view_text(e, "os"), view_text(e, "month"), ans.s, view_text(e, "who"),
		    view_text(e, "at"), view_text(e, "origin"), file_words(e, file, sizeof(file)));
		free(ans.s);
	}
	s = textbuf_of(table_layout(t, lo));
	table_free(t);
	json_array_foreach(list, i, e)
		if (json_is_string(json_object_get(e, "note")))
			textbuf_printf(&s, "%s %s  %s\n", view_text(e, "os"), view_text(e, "month"),
			    view_text(e, "note"));
	return s.s;
}
