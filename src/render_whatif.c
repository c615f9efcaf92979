/*
 * render_whatif.c: the text of plan --what-if and --set, from their JSON
 * (view_whatif.c): the plan as it would be, as plan draws it, then what
 * changes against today's plan.  A plain plan is render_plan's alone.
 */
#include "render.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"
#include "whatif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON value in words: strings as they are, true/false as yes/no, null as "-". */
static char *
words(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "yes" : "no");
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_array(v)) {
		struct textbuf s = { 0 };
		char *w;
		const json_t *e;
		size_t i;

		json_array_foreach(v, i, e) {
			w = words(e);
			textbuf_printf(&s, "%s%s", i > 0 ? "; " : "", w);
			free(w);
		}
		return s.s != NULL ? xasprintf("[%s]", s.s) : xstrdup("[]");
	}
	return xstrdup("-");
}

/* "what if ring files DIR/a.yaml, b.yaml and --set ring2.deferral_days=9" */
static void
append_asked(struct textbuf *s, const json_t *w)
{
	const json_t *files = json_object_get(w, "files"), *set = json_object_get(w, "set"), *e;
	size_t i;

	textbuf_printf(s, "\nwhat if");
	if (json_is_string(json_object_get(w, "directory"))) {
		textbuf_printf(s, " the ring files were the %zu of %s", json_array_size(files),
		    view_text(w, "directory"));
	} else if (json_array_size(files) > 0) {
		textbuf_printf(s, " the rings of ");
		json_array_foreach(files, i, e)
			textbuf_printf(s, "%s%s", i > 0 ? ", " : "", json_string_value(e));
	}
	json_array_foreach(set, i, e)
		textbuf_printf(s, "%s--set %s", i == 0 && json_array_size(files) > 0 ? ", then " :
		    i > 0 ? ", " : " ", json_string_value(e));
	textbuf_printf(s, ": what changes against today's plan\n");
}

static void
append_settings(struct textbuf *s, const json_t *list)
{
	const json_t *e;
	size_t i;

	if (json_array_size(list) == 0)
		return;
	textbuf_printf(s, "\nsettings:\n");
	json_array_foreach(list, i, e) {
		char *a = words(json_object_get(e, "before")), *b = words(json_object_get(e, "after"));

		textbuf_printf(s, "  %s %s: %s -> %s\n", json_is_string(json_object_get(e, "ring")) ?
		    view_text(e, "ring") : "every ring's", view_text(e, "key"), a, b);
		free(a);
		free(b);
	}
}

static void
append_rows(struct textbuf *s, const char *what, const json_t *list)
{
	const json_t *e;
	size_t i;

	if (json_array_size(list) == 0)
		return;
	textbuf_printf(s, "\n%s:", what);
	json_array_foreach(list, i, e)
		textbuf_printf(s, "%s %s %s", i > 0 ? "," : "", view_text(e, "ring"), view_text(e, "os"));
	textbuf_printf(s, "\n");
}

/* "11/20", or "-" for no window, of a cell summary's day. */
static void
day_text(const json_t *v, char *buf, size_t len)
{
	const char *d = json_string_value(v);

	if (d != NULL && strlen(d) == 10)
		snprintf(buf, len, "%.2s/%.2s", d + 5, d + 8);
	else
		snprintf(buf, len, "-");
}

/* "day 01/19 -> 01/26, status ok -> late" of a changed cell. */
static char *
change_text(const json_t *c)
{
	const json_t *a = json_object_get(c, "before"), *b = json_object_get(c, "after"), *k;
	struct textbuf s = { 0 };
	size_t i;

	json_array_foreach(json_object_get(c, "changed"), i, k) {
		const char *key = json_string_value(k);
		char x[16], y[16];
		char *wa, *wb;

		if (strcmp(key, "day") == 0) {
			day_text(json_object_get(a, key), x, sizeof(x));
			day_text(json_object_get(b, key), y, sizeof(y));
			textbuf_printf(&s, "%s%s %s -> %s", i > 0 ? ", " : "", key, x, y);
			continue;
		}
		wa = words(json_object_get(a, key));
		wb = words(json_object_get(b, key));
		textbuf_printf(&s, "%s%s %s -> %s", i > 0 ? ", " : "", key, wa, wb);
		free(wa);
		free(wb);
	}
	return s.s != NULL ? s.s : xstrdup("");
}

/* One line of the cells: a ring's month and change, for every OS it is the same for. */
struct cell_line {
	const char	*ring, *month;
	char		*change;
	struct textbuf	 os;
};

/*
 * The changed cells, one line per ring, month and change: the OSes of a
 * ring whose month changes alike share a line.
 */
static void
append_cells(struct textbuf *s, const json_t *cells)
{
	struct cell_line *l = xcalloc(json_array_size(cells) + 1, sizeof(*l));
	struct strindex idx = { 0 };
	char **keys = xcalloc(json_array_size(cells) + 1, sizeof(*keys));
	const json_t *c;
	size_t i, n = 0, pos;

	json_array_foreach(cells, i, c) {
		char *change = change_text(c);

		keys[i] = xasprintf("%s\t%s\t%s", view_text(c, "ring"), view_text(c, "month"),
		    change);
		if (strindex_get(&idx, keys[i], &pos)) {
			textbuf_printf(&l[pos].os, ",%s", view_text(c, "os"));
			free(change);
			continue;
		}
		l[n] = (struct cell_line){ view_text(c, "ring"), view_text(c, "month"), change,
		    textbuf_of(xstrdup(view_text(c, "os"))) };
		strindex_put(&idx, keys[i], n++);
	}
	textbuf_printf(s, n > 0 ? "\ninstalls that change (day of the window, kind, install, restart, "
	    "status):\n" : "\nno install changes: every cell is as it is today\n");
	for (i = 0; i < n; i++) {
		textbuf_printf(s, "  %s %s %s: %s\n", l[i].ring, l[i].os.s, l[i].month, l[i].change);
		free(l[i].change);
		free(l[i].os.s);
	}
	for (i = 0; i < json_array_size(cells); i++)
		free(keys[i]);
	free(keys);
	free(l);
	strindex_free(&idx);
}

/* Restarts per ring, before and after, every ring of either plan. */
static void
append_restarts(struct textbuf *s, const json_t *list, struct layout *lo)
{
	struct table *t = table_new(4);
	const json_t *e;
	size_t i;
	char *tab;

	if (json_array_size(list) == 0)
		return;
	table_row(t, "RING", "RESTARTS TODAY", "WOULD BE", "CHANGE");
	json_array_foreach(list, i, e) {
		const json_t *a = json_object_get(e, "before"), *b = json_object_get(e, "after");
		char x[24], y[24], d[24];
		json_int_t diff = json_integer_value(b) - json_integer_value(a);

		snprintf(x, sizeof(x), json_is_integer(a) ? "%lld" : "-", (long long)json_integer_value(a));
		snprintf(y, sizeof(y), json_is_integer(b) ? "%lld" : "-", (long long)json_integer_value(b));
		if (!json_is_integer(a) || !json_is_integer(b))
			snprintf(d, sizeof(d), json_is_integer(a) ? "removed" : "added");
		else
			snprintf(d, sizeof(d), diff == 0 ? "=" : "%+lld", (long long)diff);
		table_row(t, view_text(e, "ring"), x, y, d);
	}
	tab = table_layout(t, lo);
	textbuf_printf(s, "\nrestarts per ring (every OS of the ring added up):\n%s", tab);
	free(tab);
	table_free(t);
}

static void
append_risks(struct textbuf *s, const char *what, const json_t *list)
{
	const json_t *e;
	size_t i;

	if (json_array_size(list) == 0)
		return;
	textbuf_printf(s, "\n%s:\n", what);
	json_array_foreach(list, i, e)
		textbuf_printf(s, "  %s %s %s %s: %s\n", view_text(e, "ring"), view_text(e, "os"),
		    view_text(e, "month"), view_text(e, "risk"), view_text(e, "reason"));
}

static void
append_devices(struct textbuf *s, const json_t *dv, struct layout *lo)
{
	struct table *t;
	const json_t *e;
	size_t i;
	char *tab;

	if (!json_is_object(dv))
		return;
	t = table_new(6);
	table_row(t, "RING", "DEVICES", "CHANGED", "DAY", "RESTART", "MOVED IN");
	json_array_foreach(json_object_get(dv, "rings"), i, e) {
		char v[5][24];
		static const char *const keys[] = { "devices", "changed", "day", "restart", "moved" };

		/* A ring without devices in the what-if has nothing to show. */
		if (json_integer_value(json_object_get(e, "devices")) == 0)
			continue;
		for (int k = 0; k < 5; k++)
			snprintf(v[k], sizeof(v[k]), "%lld",
			    (long long)json_integer_value(json_object_get(e, keys[k])));
		table_row(t, view_text(e, "ring"), v[0], v[1], v[2], v[3], v[4]);
	}
	tab = table_layout(t, lo);
	textbuf_printf(s, "\ndevices whose install day or restart changes in %s..%s:\n%s",
	    view_text(dv, "from"), view_text(dv, "to"), tab);
	if (json_integer_value(json_object_get(dv, "left")) > 0)
		textbuf_printf(s, "%lld devices in a ring today would be in none\n",
		    (long long)json_integer_value(json_object_get(dv, "left")));
	free(tab);
	table_free(t);
}

/*
 * A refused what-if: its errors, one a line, as a refused reload prints
 * them; none for a single error, which the reply's message line says.
 */
static char *
errors_text(const json_t *errs)
{
	const json_t *e;
	struct textbuf s = { 0 };
	size_t i;

	if (json_array_size(errs) < 2)
		return xstrdup("");
	json_array_foreach(errs, i, e)
		textbuf_printf(&s, "%s\n", json_string_value(e));
	return s.s;
}

char *
render_plan_whatif(const json_t *j, struct layout *lo)
{
	const json_t *diff = json_object_get(j, "diff");
	struct textbuf s;

	if (json_is_array(json_object_get(j, "errors")))
		return errors_text(json_object_get(j, "errors"));
	s = textbuf_of(render_plan(j, lo));
	if (diff == NULL)
		return s.s;
	append_asked(&s, json_object_get(j, "what_if"));
	append_settings(&s, json_object_get(diff, "settings"));
	append_rows(&s, "rows added", json_object_get(diff, "rows_added"));
	append_rows(&s, "rows removed", json_object_get(diff, "rows_removed"));
	append_cells(&s, json_object_get(diff, "cells"));
	append_restarts(&s, json_object_get(diff, "restarts"), lo);
	append_risks(&s, "new risks", json_object_get(diff, "risks_new"));
	append_risks(&s, "risks that go away", json_object_get(diff, "risks_gone"));
	append_devices(&s, json_object_get(diff, "devices"), lo);
	return s.s;
}
