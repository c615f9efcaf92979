/*
 * changes.c: the ring of recent changes and the one question asked of it.
 * Every generation must be found in it: a change that was not noted (or
 * fell out of the ring) counts as everything.
 */
#include "changes.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void
changes_note(struct changes *c, unsigned generation, enum change_scope scope, const char *os)
{
	struct change *e;

	if (c->n == CHANGES_KEPT) {
		free(c->v[c->first].os);
		c->first = (c->first + 1) % CHANGES_KEPT;
		c->n--;
	}
	e = &c->v[(c->first + c->n++) % CHANGES_KEPT];
	e->generation = generation;
	e->scope = scope == CHANGE_OS && os == NULL ? CHANGE_ALL : scope;
	e->os = e->scope == CHANGE_OS ? xstrdup(os) : NULL;
}

/* The change that made generation g, or NULL if it is not remembered. */
static const struct change *
change_of(const struct changes *c, unsigned g)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct change *e = &c->v[(c->first + i) % CHANGES_KEPT];

		if (e->generation == g)
			return e;
	}
	return NULL;
}

static bool
touches(const struct change *e, const struct reads *r)
{
	switch (e->scope) {
	case CHANGE_OS:
		return r->reads_os == NULL || r->reads_os(r->arg, e->os);
	case CHANGE_DEVICES:
		return r->devices;
	case CHANGE_ALL:
		break;
	}
	return true;
}

bool
changes_spare(const struct changes *c, unsigned built, unsigned now, const struct reads *r)
{
	const struct change *e;

	if (now - built > CHANGES_KEPT)
		return false;
	for (unsigned g = built + 1; g != now + 1; g++)
		if ((e = change_of(c, g)) == NULL || touches(e, r))
			return false;
	return true;
}

void
changes_free(struct changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[(c->first + i) % CHANGES_KEPT].os);
	memset(c, 0, sizeof(*c));
}
