/*
 * pages.h: the HTML pages, pure renderers.  No JavaScript framework, no
 * external assets: one inline stylesheet, and a few lines of inline script
 * only for the copy buttons.
 */
#ifndef HP_PAGES_H
#define HP_PAGES_H

#include <jansson.h>

/*
 * The index: every feed with webcal:// and http(s):// subscribe links and a
 * copy button.  feeds is [{"path","title","description"}]; base is the
 * site's URL prefix as the client reached it ("http://127.0.0.1:8080").
 * stale is view_stale's list: a line per OS under the header (may be NULL).
 */
char *page_index(const json_t *feeds, const json_t *stale, const char *base);

/* Where the plan page links; NULL members (or no links at all) are left out. */
struct plan_links {
	const char	*home;		/* the feed index; "./" when NULL */
	const char	*prev;		/* the plan of the months before, as many */
	const char	*next;		/* and after */
};

/*
 * The planner grid for a range of months, from the JSON that hotpatchctl
 * plan answers ({"from", "months", "rings": [...]}, view_plan_range): one
 * row per ring and OS, one cell per month with the install's letter and
 * class (baseline, hotpatch, LCU, catch-up, off-baseline), the install
 * window's local date, the marks of the text plan, a title in words,
 * restarts by cause and a legend, all from the tables in views.h.  Under
 * the grid the risks (late, none, skipped, forced, catch-up), then the
 * other cells that need a second look, as numbered notes each cell links
 * to.  A "stale" list in plan (view_stale) gives a line per OS under the
 * header; links, when given, the previous and next months.
 */
char *page_plan(const json_t *plan, const struct plan_links *links);

struct plan_model;
struct rowcache;
/*
 * The same page straight from the plan model (planmodel.h), with no JSON
 * of the rows in between: byte for byte page_plan of view_plan_range's
 * JSON of the same model with "devices" (view_plan_devices' list, may be
 * NULL) and "stale" (view_stale) set.  cache (rowcache.h; NULL: none)
 * gives the ring/OS rows unchanged since its last build, and keeps this
 * build's: the bytes are the same with it or without.
 */
char *page_plan_model(const struct plan_model *pm, const json_t *devices, const json_t *stale,
    const struct plan_links *links, struct rowcache *cache);

/*
 * The fleet forecast from view_fleet's JSON: the fleet's months (installs
 * by kind, restarts, total), why devices take the LCU, and per ring its
 * restarts per month with the installs in each cell's title.  Counts only:
 * no device name is in the JSON, and nothing but counts, ring ids and
 * names, months and reasons is read from it.  A "stale" list (view_stale)
 * gives a line per OS under the header.
 */
char *page_fleet(const json_t *fleet);

#endif
