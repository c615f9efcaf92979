/*
 * plancell.c: a plan cell's letter, marks and note from its facts (see
 * plancell.h).  A missing string reads as "-", as the renderers print it,
 * so an answer from an older daemon never matches a name by accident.
 */
#include "plancell.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <stdio.h>
#include <string.h>

static const char *
dash(const char *s)
{
	return s != NULL ? s : "-";
}

static bool
eq(const char *s, const char *value)
{
	return strcmp(dash(s), value) == 0;
}

bool
cell_off_baseline(const struct cell_facts *f)
{
	return eq(f->install, "lcu") && (eq(f->cause, "enrolled") || eq(f->cause, "upgrade") ||
	    eq(f->cause, "oob"));
}

bool
cell_install_differs(const struct cell_facts *f)
{
	if (f->install == NULL)
		return false;
	return !eq(f->install, dash(f->kind)) || eq(f->install, "catch-up") ||
	    cell_off_baseline(f);
}

char
cell_letter(const struct cell_facts *f)
{
	const char *ins = dash(f->install != NULL ? f->install : f->kind);

	if (cell_off_baseline(f))
		return 'O';
	for (size_t i = 0; i < view_plan_nkeys; i++)
		if (view_plan_keys[i].install != NULL && strcmp(ins, view_plan_keys[i].install) == 0)
			return view_plan_keys[i].sym[0];
	return '?';
}

bool
cell_unplanned_baseline(const struct cell_facts *f)
{
	return f->unplanned && eq(f->kind, "baseline");
}

bool
cell_forced_in_freeze(const struct cell_facts *f)
{
	return f->forced_in != NULL || f->restart_in != NULL;
}

char *
cell_marks(const struct cell_facts *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", cell_unplanned_baseline(f) ? "*" : "",
	    eq(f->status, "late") ? "!" : "", f->blackout != NULL ? "#" : "",
	    cell_forced_in_freeze(f) ? "~" : "", f->skipped ? "=" : "");
	return buf;
}

bool
cell_needs_note(const struct cell_facts *f)
{
	return !eq(f->status, "ok") || f->blackout != NULL || cell_install_differs(f) ||
	    cell_forced_in_freeze(f) || f->skipped || f->at_risk;
}

const char *
cell_mark_name(const struct cell_facts *f, char mark)
{
	if (mark == '#')
		return f->blackout;
	if (mark == '=')
		return f->pause;
	if (mark != '~')
		return NULL;
	/* the install forced into a freeze, else only its restart */
	return f->forced_in != NULL ? f->forced_in : f->restart_in;
}

char *
cell_note_reason(const struct cell_facts *f)
{
	struct textbuf s = textbuf_of(xstrdup(dash(f->reason)));
	char marks[8];

	cell_marks(f, marks, sizeof(marks));
	for (const char *p = marks; *p != '\0'; p++) {
		const char *name = cell_mark_name(f, *p);

		if (name != NULL && strstr(s.s, name) == NULL)
			textbuf_printf(&s, "; %s: '%s'", view_plan_key(*p)->words, name);
	}
	return s.s;
}

const char *
cell_note_label(const struct cell_facts *f)
{
	if (f->at_risk)
		return f->risk;
	if (!eq(f->status, "ok"))
		return dash(f->status);
	if (f->skipped)
		return "skipped";
	if (cell_forced_in_freeze(f))
		return "forced";
	if (cell_off_baseline(f))
		return "off-baseline";
	if (cell_install_differs(f))
		return dash(f->install);
	return "moved";
}
