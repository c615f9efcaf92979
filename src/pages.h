/*
 * pages.h: the two HTML pages, pure renderers.  No JavaScript framework, no
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
 */
char *page_index(const json_t *feeds, const char *base);

/*
 * The planner grid for a year, from the JSON that hotpatchctl plan answers
 * ({"year", "rings": [...]}, see cmd_windows.c): one row per ring and OS,
 * one cell per month with colour for baseline/hotpatch/LCU, marks for
 * late/none/blackout, and the install window's local date.
 */
char *page_plan(const json_t *plan);

#endif
