/*
 * pages.c: the HTML pages: the feed index, the planner grid and the fleet.  Pure
 * renderers from JSON (the grid also from the plan model, planmodel.h) to
 * one self-contained HTML5 document: UTF-8, one
 * inline stylesheet, no external assets, and on the index a few lines of
 * script for the copy buttons.  Every text from the data is escaped, in
 * element content and in attribute values alike.
 */
#include "pages.h"
#include "plancell.h"
#include "planmodel.h"
#include "planrange.h"
#include "rowcache.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The string at key, or "" when it is missing or not a string. */
static const char *
text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Append s as it is: the plan page's many fixed pieces need no format. */
static void
put(struct textbuf *out, const char *s)
{
	textbuf_add(out, s, strlen(s));
}

/* Append s with the five HTML specials escaped; safe in content and quoted attributes. */
static void
append_esc(struct textbuf *out, const char *s)
{
	const char *p, *run = s;

	for (p = s;; p++) {
		const char *ent;

		switch (*p) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		case '\0': ent = NULL; break;
		default: continue;
		}
		if (p > run)
			textbuf_add(out, run, (size_t)(p - run));
		if (ent == NULL)
			return;
		put(out, ent);
		run = p + 1;
	}
}

static const char base_css[] =
    ":root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;"
    "--accent:#0b5cad}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;padding:1rem;max-width:72rem;font:16px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,sans-serif;color:var(--fg);background:var(--bg)}\n"
    "h1{font-size:1.6rem;margin:.2rem 0 .4rem}h2{font-size:1.2rem;margin:0 0 .3rem}\n"
    "a{color:var(--accent)}p{margin:.3rem 0}.muted{color:var(--muted)}\n"
    ".stale{border-left:4px solid #b42318;background:#fff4e5;padding:.4rem .8rem;"
    "margin:.6rem 0}\n";

/* The common head of both pages, up to and including <body>. */
static void
append_head(struct textbuf *s, const char *title, const char *css)
{
	textbuf_printf(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	append_esc(s, title);
	textbuf_printf(s, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", base_css, css);
}

/*
 * What the calendar does not know yet, one line per stale OS
 * (view_stale_line), under the header of both pages; nothing when all is current.
 */
static void
append_stale(struct textbuf *s, const json_t *stale)
{
	const json_t *st;
	size_t i;

	if (json_array_size(stale) == 0)
		return;
	textbuf_printf(s, "<div class=\"stale\" role=\"status\">\n");
	json_array_foreach(stale, i, st) {
		char *line = view_stale_line(st);

		textbuf_printf(s, "<p data-os=\"");
		append_esc(s, text(st, "os"));
		textbuf_printf(s, "\">");
		append_esc(s, line);
		textbuf_printf(s, "</p>\n");
		free(line);
	}
	textbuf_printf(s, "</div>\n");
}

/* ---- the index ---- */

static const char index_css[] =
    ".feed{border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem;margin:.8rem 0}\n"
    ".subscribe{display:inline-block;padding:.35rem .9rem;border-radius:6px;"
    "background:var(--accent);color:#fff;text-decoration:none;font-weight:600}\n"
    ".subscribe:focus,.subscribe:hover{background:#084a8c}\n"
    ".url{display:flex;gap:.4rem;margin-top:.5rem}\n"
    ".url input{flex:1;min-width:0;padding:.35rem .5rem;font:14px ui-monospace,monospace;"
    "border:1px solid var(--line);border-radius:6px;background:#f6f8fa;color:var(--fg)}\n"
    ".url button{padding:.35rem .9rem;border:1px solid var(--line);border-radius:6px;"
    "background:#f6f8fa;color:var(--fg);font:inherit;cursor:pointer}\n";

/* Copy the input next to the button; clipboard API, else select() + execCommand. */
static const char index_js[] =
    "document.querySelectorAll('.url').forEach(function(d){\n"
    "  var i=d.querySelector('input'),b=d.querySelector('button');\n"
    "  if(/^https?:$/.test(location.protocol))i.value=new URL(i.value,location.href).href;\n"
    "  b.addEventListener('click',function(){\n"
    "    function done(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy';},1500);}\n"
    "    function old(){i.focus();i.select();try{document.execCommand('copy');done();}catch(e){}}\n"
    "    if(navigator.clipboard&&window.isSecureContext)navigator.clipboard.writeText(i.value).then(done,old);\n"
    "    else old();\n"
    "  });\n"
    "});\n";

/*
 * The URL of path on the site: base + path, or with base "" the path made
 * relative (no leading slash), for a static export opened from any folder.
 */
static char *
site_url(const char *base, const char *path)
{
	size_t n = strlen(base);

	while (*path == '/')
		path++;
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (n == 0)
		return xstrdup(*path != '\0' ? path : "./");
	return xasprintf("%.*s/%s", (int)n, base, path);
}

/* The webcal:// form of an http(s) URL, or NULL for anything else. */
static char *
webcal_url(const char *url)
{
	if (strncmp(url, "http://", 7) == 0)
		return xasprintf("webcal://%s", url + 7);
	if (strncmp(url, "https://", 8) == 0)
		return xasprintf("webcal://%s", url + 8);
	return NULL;
}

char *
page_index(const json_t *feeds, const json_t *stale, const char *base)
{
	const json_t *f;
	struct textbuf s = { 0 };
	char *plan, *fleet;
	size_t i;

	if (base == NULL)
		base = "";
	append_head(&s, "hotpatchd", index_css);
	plan = site_url(base, "/plan");
	fleet = site_url(base, "/fleet");
	textbuf_printf(&s, "<header>\n<h1>hotpatchd</h1>\n<p class=\"muted\">Windows hotpatch release "
	    "calendars. Subscribe in your calendar app, or copy a feed&#39;s URL. "
	    "Planners: <a class=\"plan\" href=\"");
	append_esc(&s, plan);
	textbuf_printf(&s, "\">the plan, ring by month, from this month</a>; <a class=\"fleet\" href=\"");
	append_esc(&s, fleet);
	textbuf_printf(&s, "\">the fleet forecast, devices by month</a>.</p>\n");
	append_stale(&s, stale);
	textbuf_printf(&s, "</header>\n<main>\n");
	free(plan);
	free(fleet);
	json_array_foreach(feeds, i, f) {
		const char *path = text(f, "path");
		char *url = site_url(base, path), *wc = *base != '\0' ? webcal_url(url) : NULL;

		textbuf_printf(&s, "<section class=\"feed\" data-path=\"");
		append_esc(&s, path);
		textbuf_printf(&s, "\">\n<h2>");
		append_esc(&s, *text(f, "title") != '\0' ? text(f, "title") : path);
		textbuf_printf(&s, "</h2>\n");
		if (*text(f, "description") != '\0') {
			textbuf_printf(&s, "<p>");
			append_esc(&s, text(f, "description"));
			textbuf_printf(&s, "</p>\n");
		}
		textbuf_printf(&s, "<p><a class=\"subscribe\" href=\"");
		append_esc(&s, wc != NULL ? wc : url);
		textbuf_printf(&s, "\">%s</a></p>\n", wc != NULL ? "Subscribe" : "Download");
		textbuf_printf(&s, "<div class=\"url\"><input type=\"text\" readonly value=\"");
		append_esc(&s, url);
		textbuf_printf(&s, "\" aria-label=\"Feed URL\"><button type=\"button\" class=\"copy\">Copy"
		    "</button></div>\n</section>\n");
		free(wc);
		free(url);
	}
	if (json_array_size(feeds) == 0)
		textbuf_printf(&s, "<p class=\"muted\">No feeds.</p>\n");
	textbuf_printf(&s, "</main>\n<script>\n%s</script>\n</body>\n</html>\n", index_js);
	return s.s;
}

/* ---- the plan ---- */

/*
 * Every text passes WCAG 2 AA contrast (4.5:1) on its background, checked
 * in Chromium by tests/regress/a11y.sh: no cell is dimmed with opacity (an
 * ineligible row is marked by a stripe and its reason in words instead).
 */
static const char plan_css[] =
    "body{max-width:none}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);"
    "border-radius:8px;margin:.8rem 0}\n"
    ".scroll:focus{outline:2px solid var(--accent);outline-offset:2px}\n"
    "table.plan{border-collapse:separate;border-spacing:0;font-size:14px;"
    "font-variant-numeric:tabular-nums;min-width:100%}\n"
    ".plan th,.plan td{padding:.3rem .45rem;border-bottom:1px solid var(--line);"
    "border-right:1px solid var(--line);white-space:nowrap;text-align:center}\n"
    ".plan thead th{position:sticky;top:0;background:#f6f8fa;z-index:1}\n"
    ".plan th.ring{position:sticky;left:0;z-index:2;background:#fff;text-align:left;"
    "white-space:normal;min-width:10rem;max-width:16rem}\n"
    ".plan thead th.ring{background:#f6f8fa;z-index:3}\n"
    ".plan th.ring small{display:block;font-weight:400;color:var(--muted)}\n"
    ".plan th.ring .why{color:#8a1c0b}\n"
    ".plan tr.ineligible th.ring{box-shadow:inset 4px 0 0 #8a1c0b}\n"
    ".plan td.baseline{background:#fbd3cc;color:#1b1f24}\n"
    ".plan td.hotpatch{background:#cdebd3;color:#1b1f24}\n"
    ".plan td.lcu{background:#fde6a8;color:#1b1f24}\n"
    /* catch-up and off-baseline restart like a baseline: the same warm hue, hatched apart */
    ".plan td.catchup{background:#f7b8ad;color:#1b1f24}\n"
    ".plan td.offbase{background:repeating-linear-gradient(135deg,#fde6a8 0 6px,#f7c873 6px 9px);"
    "color:#1b1f24}\n"
    ".plan td.forced{box-shadow:inset 0 -3px 0 #8a1c0b}\n"
    ".plan td.skipped{background:#eef1f4;color:#57606a;text-decoration:line-through}\n"
    ".plan td.late{box-shadow:inset 0 0 0 2px #b42318}\n"
    ".plan td.none{background-image:repeating-linear-gradient(45deg,transparent 0 6px,"
    "rgba(0,0,0,.08) 6px 8px)}\n"
    ".plan td.blackout{outline:2px dashed #1b1f24;outline-offset:-4px}\n"
    ".plan td:target{outline:3px solid var(--accent);outline-offset:-3px}\n"
    ".plan .k{font-weight:700}.plan .mark{font-weight:700;color:#8a1c0b}\n"
    /* the note a cell links to: the cell's text colour, underlined, so it passes on every hue */
    ".plan a.ref{color:inherit;font-size:12px;vertical-align:super;margin-left:.2rem;"
    "padding:0 .1rem}\n"
    ".plan td.restarts{text-align:left;background:#fff;white-space:normal;min-width:9rem}\n"
    ".plan td.restarts small{color:var(--muted)}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:0;list-style:none;"
    "font-size:14px}\n"
    ".legend .sw{display:inline-block;min-width:1.6rem;text-align:center;font-weight:700;"
    "border:1px solid var(--line);border-radius:4px;margin-right:.3rem}\n"
    ".pager{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.4rem 0}\n"
    ".notes ol{padding-left:2rem;margin:.4rem 0}.notes li{margin:.3rem 0;overflow-wrap:anywhere}\n"
    ".notes li:target{background:#fff4e5}\n"
    "@media (max-width:600px){body{padding:.6rem}.plan th.ring{min-width:7.5rem;"
    "max-width:9rem;font-size:13px}}\n"
    ".legend .baseline{background:#fbd3cc}.legend .hotpatch{background:#cdebd3}"
    ".legend .lcu{background:#fde6a8}.legend .catchup{background:#f7b8ad}"
    ".legend .offbase{background:#f7c873}.legend .skipped{background:#eef1f4}\n";

static const char *const month_abbr[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
    "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The legend's entry of a one-character letter or mark; a stand-in for an unknown letter. */
static const struct plan_key *
key_of(char sym)
{
	static const struct plan_key unknown = { "?", NULL, "unknown", NULL, "unknown install" };
	const struct plan_key *k = view_plan_key(sym);

	return k != NULL ? k : &unknown;
}

/*
 * The page reads its rows and cells through a source, so one renderer
 * serves the plan's JSON (page_plan) and the plan model (page_plan_model).
 */
#define PAGE_CAUSES_MAX	8	/* room for view_nrestart_causes */

/* One ring/OS row as the page shows it; "" for what is missing. */
struct page_row {
	const char	*ring, *name, *os, *timezone;
	bool		 eligible;
	const char	*not_eligible;
	int		 total;
	int		 causes[PAGE_CAUSES_MAX];	/* in view_restart_causes' order */
	size_t		 ncell;
};

struct page_src {
	size_t			 nrow;
	void			(*row)(const struct page_src *, size_t, struct page_row *);
	void			(*cell)(const struct page_src *, size_t, size_t, struct cell_facts *);
	const json_t		*plan;		/* page_plan's */
	const struct plan_model	*pm;		/* page_plan_model's */
	const json_t		*devices;	/* view_plan_devices' list, or NULL */
};

/*
 * The cell's title: what the letter and the marks abbreviate, in words, then
 * the engine's reason.  A pointer hover gets it at once; the numbered note
 * the cell links to says the same for touch, keyboard and screen readers.
 */
static char *
cell_title(const struct cell_facts *m, char letter, const char *marks, bool none)
{
	const char *loc = m->local, *reason = m->reason != NULL ? m->reason : "";
	struct textbuf title = { 0 };

	textbuf_printf(&title, "%s%s", key_of(letter)->words, strchr(marks, '*') ? " (unplanned)" : "");
	if (!none && strlen(loc) >= 10)
		textbuf_printf(&title, "; window %.10s %s", loc, loc + (strlen(loc) > 11 ? 11 : 10));
	if (none)
		textbuf_printf(&title, "; %s", key_of('-')->words);
	for (const char *p = marks; *p != '\0'; p++) {
		const char *name = cell_mark_name(m, *p);

		if (*p == '*')
			continue;
		if (*p == '#')
			textbuf_printf(&title, "; blackout %s", name != NULL ? name : "");
		else
			textbuf_printf(&title, "; %s%s%s%s", key_of(*p)->words, name != NULL ? " (" : "",
			    name != NULL ? name : "", name != NULL ? ")" : "");
	}
	if (*reason != '\0')
		textbuf_printf(&title, ": %s", reason);
	return title.s;
}

/*
 * The numbered notes under the grid: one per row and (label, reason), its
 * months together.  The risks come first, numbered from 1, then the rest;
 * a cell links to its note and the note links back to each of its cells.
 */
struct plan_note {
	size_t		 row;
	const char	*label;
	char		*reason;	/* cell_note_reason */
	uint64_t	 months;	/* bit c: the plan's month c */
	bool		 at_risk;
	int		 number;
};

struct plan_notes {
	struct plan_note *note;
	size_t		 n;
	size_t		 ncol;
	int		*of;		/* the note number of row r, month c at r * ncol + c; 0: none */
	int		 nrisk;
};

/* The notes of row r's months, from pn->n on: a search among this row's notes only. */
static void
row_notes(const struct page_src *src, size_t r, struct plan_notes *pn)
{
	size_t first = pn->n, i;
	struct page_row g;

	src->row(src, r, &g);
	for (size_t c = 0; c < g.ncell && c < pn->ncol; c++) {
		struct cell_facts m;
		const char *label;
		char *why;

		src->cell(src, r, c, &m);
		if (!cell_needs_note(&m))
			continue;
		label = cell_note_label(&m);
		why = cell_note_reason(&m);
		for (i = first; i < pn->n; i++)
			if (strcmp(pn->note[i].label, label) == 0 && strcmp(pn->note[i].reason, why) == 0)
				break;
		if (i == pn->n)
			pn->note[pn->n++] = (struct plan_note){ .row = r, .label = label,
			    .reason = why, .at_risk = m.at_risk };
		else
			free(why);
		pn->note[i].months |= UINT64_C(1) << c;
		pn->of[r * pn->ncol + c] = (int)i + 1;
	}
}

static void
notes_collect(const struct page_src *src, size_t ncol, struct plan_notes *pn)
{
	size_t nrow = src->nrow;
	int k = 1;

	pn->ncol = ncol;
	pn->n = 0;
	pn->note = xcalloc(nrow * ncol + 1, sizeof(*pn->note));
	pn->of = xcalloc(nrow * ncol + 1, sizeof(*pn->of));
	for (size_t r = 0; r < nrow; r++)
		row_notes(src, r, pn);
	for (size_t i = 0; i < pn->n; i++)
		if (pn->note[i].at_risk)
			pn->note[i].number = k++;
	pn->nrisk = k - 1;
	for (size_t i = 0; i < pn->n; i++)
		if (!pn->note[i].at_risk)
			pn->note[i].number = k++;
	for (size_t i = 0; i < nrow * ncol; i++)
		if (pn->of[i] > 0)
			pn->of[i] = pn->note[pn->of[i] - 1].number;
}

static void
notes_free(struct plan_notes *pn)
{
	for (size_t i = 0; i < pn->n; i++)
		free(pn->note[i].reason);
	free(pn->note);
	free(pn->of);
}

/*
 * One month's cell, id "cROW-COL": the install's letter (cell_letter) and
 * its class, the local day, the marks of the text grid (cell_marks), each
 * mark a class too, so colour is never the only sign, and the number of
 * its note, a link.
 */
static void
append_cell(struct textbuf *s, const struct cell_facts *m, size_t row, size_t col, int note)
{
	const char *loc = m->local;
	bool none = m->status != NULL && strcmp(m->status, "none") == 0;
	char letter = cell_letter(m), marks[8];
	char *title;

	cell_marks(m, marks, sizeof(marks));
	textbuf_printf(s, "<td id=\"c%zu-%zu\" data-month=\"", row, col);
	append_esc(s, m->month);
	put(s, "\" data-kind=\"");
	append_esc(s, m->kind != NULL ? m->kind : "");
	put(s, "\" data-install=\"");
	append_esc(s, m->install != NULL ? m->install : m->kind != NULL ? m->kind : "");
	put(s, "\" data-status=\"");
	append_esc(s, m->status != NULL ? m->status : "");
	textbuf_printf(s, "\" class=\"%s%s", key_of(letter)->cls, none ? " none" : "");
	for (const char *p = marks; *p != '\0'; p++)
		textbuf_printf(s, " %s", key_of(*p)->cls);
	title = cell_title(m, letter, marks, none);
	put(s, "\" title=\"");
	append_esc(s, title);
	free(title);
	textbuf_printf(s, "\"><span class=\"k\">%c</span> ", key_of(letter)->sym[0]);
	if (!none && strlen(loc) >= 10)
		textbuf_printf(s, "<span class=\"d\">%.2s/%.2s</span>", loc + 5, loc + 8);
	else
		put(s, "<span class=\"d\">&ndash;</span>");
	if (*marks != '\0')
		textbuf_printf(s, "<span class=\"mark\">%s</span>", marks);
	if (note > 0)
		textbuf_printf(s, "<a class=\"ref\" href=\"#note-%d\" aria-label=\"note %d\">%d</a>", note,
		    note, note);
	put(s, "</td>");
}

/* The restarts cell: the plan's total, then the causes that are not zero (view_restart_causes). */
static void
append_restarts(struct textbuf *s, const struct page_row *g)
{
	const char *sep = "";

	textbuf_printf(s, "<td class=\"restarts\" data-total=\"%d\"><strong>%d</strong>", g->total,
	    g->total);
	if (g->total == 0) {
		put(s, "</td>");
		return;
	}
	put(s, " <small>");
	for (size_t i = 0; i < view_nrestart_causes && i < PAGE_CAUSES_MAX; i++) {
		const struct restart_cause *c = &view_restart_causes[i];

		if (g->causes[i] == 0)
			continue;
		textbuf_printf(s, "%s<span data-cause=\"%s\" title=\"%s\">%d %s</span>", sep, c->key,
		    c->words, g->causes[i], c->name);
		sep = ", ";
	}
	put(s, "</small></td>");
}

/* "Broad / win11-24h2": the row's ring name (or id) and OS, escaped. */
static void
append_row_name(struct textbuf *s, const struct page_row *g)
{
	append_esc(s, *g->name != '\0' ? g->name : g->ring);
	put(s, " / ");
	append_esc(s, g->os);
}

/* One ring/OS row, the row-th of the plan: g, and its cells' facts fc (pn->ncol of them). */
static void
append_row(struct textbuf *s, const struct page_row *g, const struct cell_facts *fc, size_t row,
    const struct plan_notes *pn)
{
	put(s, "<tr data-ring=\"");
	append_esc(s, g->ring);
	put(s, "\" data-os=\"");
	append_esc(s, g->os);
	textbuf_printf(s, "\"%s>\n<th scope=\"row\" class=\"ring\">",
	    g->eligible ? "" : " class=\"ineligible\"");
	append_row_name(s, g);
	put(s, "<small>");
	append_esc(s, g->ring);
	if (*g->timezone != '\0') {
		put(s, " &middot; ");
		append_esc(s, g->timezone);
	}
	put(s, "</small>");
	if (!g->eligible) {
		put(s, "<small class=\"why\">Not eligible: ");
		append_esc(s, *g->not_eligible != '\0' ? g->not_eligible : "-");
		put(s, "</small>");
	}
	put(s, "</th>\n");
	for (size_t i = 0; i < g->ncell && i < pn->ncol; i++) {
		append_cell(s, &fc[i], row, i, pn->of[row * pn->ncol + i]);
		put(s, "\n");
	}
	append_restarts(s, g);
	put(s, "\n</tr>\n");
}

/* A cell's facts, every one that append_cell reads, into k. */
static void
cell_key(struct rowkey *k, const struct cell_facts *m)
{
	const char *const str[] = { m->kind, m->install, m->status, m->cause, m->reason,
	    m->blackout, m->pause, m->forced_in, m->restart_in, m->risk };

	rowkey_strn(k, m->month, sizeof(m->month));
	rowkey_strn(k, m->local, sizeof(m->local));
	for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		rowkey_str(k, str[i]);
	rowkey_int(k, m->at_risk);
	rowkey_int(k, m->unplanned);
	rowkey_int(k, m->skipped);
}

/*
 * The key of the row-th row: all append_row reads, its index (the cells'
 * ids), the row, the number of columns, and each cell's facts and note.
 */
static uint64_t
row_key(struct rowkey *k, const struct page_row *g, const struct cell_facts *fc, size_t row,
    const struct plan_notes *pn)
{
	const char *const str[] = { g->ring, g->name, g->os, g->timezone, g->not_eligible };

	rowkey_reset(k);
	rowkey_int(k, (long long)row);
	rowkey_int(k, (long long)pn->ncol);
	rowkey_int(k, (long long)g->ncell);
	for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		rowkey_str(k, str[i]);
	rowkey_int(k, g->eligible);
	rowkey_int(k, g->total);
	for (size_t i = 0; i < PAGE_CAUSES_MAX; i++)
		rowkey_int(k, g->causes[i]);
	for (size_t i = 0; i < g->ncell && i < pn->ncol; i++) {
		cell_key(k, &fc[i]);
		rowkey_int(k, pn->of[row * pn->ncol + i]);
	}
	return rowkey_hash(k);
}

/* The row-th row, copied from the cache when its key is there, else drawn and kept. */
static void
append_row_cached(struct textbuf *s, const struct page_src *src, size_t row,
    const struct plan_notes *pn, struct rowcache *cache, struct rowkey *k, struct cell_facts *fc)
{
	struct page_row g;
	const char *kept;
	size_t len, at = s->len;
	uint64_t key = 0;

	src->row(src, row, &g);
	for (size_t i = 0; i < g.ncell && i < pn->ncol; i++)
		src->cell(src, row, i, &fc[i]);
	if (cache != NULL) {
		key = row_key(k, &g, fc, row, pn);
		if ((kept = rowcache_get(cache, key, &len)) != NULL) {
			textbuf_add(s, kept, len);
			return;
		}
	}
	append_row(s, &g, fc, row, pn);
	if (cache != NULL)
		rowcache_put(cache, key, s->s + at, s->len - at);
}

/*
 * A ring's devices row, after its last OS row: how many devices, and per
 * month how many of them restart.  Counts only, as on the fleet page.
 */
static void
append_devices_row(struct textbuf *s, const json_t *e, const struct plan_range *r)
{
	long long n = json_integer_value(json_object_get(e, "devices"));
	long long total = json_integer_value(json_object_get(e, "restarts_total"));
	const json_t *rs = json_object_get(e, "restarts"), *v;
	size_t i;
	char ym[8];

	put(s, "<tr class=\"devices\" data-ring=\"");
	append_esc(s, text(e, "ring"));
	textbuf_printf(s, "\" data-devices=\"%lld\">\n<th scope=\"row\" class=\"ring\">%lld "
	    "device%s<small>", n, n, n == 1 ? "" : "s");
	append_esc(s, text(e, "ring"));
	put(s, " &middot; every OS; per month, those that restart</small></th>\n");
	json_array_foreach(rs, i, v) {
		long long k = json_integer_value(v);

		if (i >= (size_t)r->months)
			break;
		ym_format(r->from + (int)i, ym);
		if (!json_is_integer(v)) {	/* a month already past: not forecast */
			textbuf_printf(s, "<td data-month=\"%s\" class=\"past\">&ndash;</td>\n", ym);
			continue;
		}
		textbuf_printf(s, "<td data-month=\"%s\" data-restarts=\"%lld\" class=\"%s\" "
		    "title=\"%lld of %lld devices restart\">%lld</td>\n", ym, k,
		    k > 0 ? "restart" : "quiet", k, n, k);
	}
	textbuf_printf(s, "<td class=\"restarts\" data-total=\"%lld\"><strong>%lld</strong> "
	    "<small>device restarts</small></td>\n</tr>\n", total, total);
}

/* The legend: every letter and mark of view_plan_keys, as the cells show them, then RESTARTS. */
static void
append_legend(struct textbuf *s)
{
	textbuf_printf(s, "<ul class=\"legend\">\n");
	for (size_t i = 0; i < view_plan_nkeys; i++) {
		const struct plan_key *k = &view_plan_keys[i];

		textbuf_printf(s, "<li data-sym=\"");
		append_esc(s, k->sym);
		textbuf_printf(s, "\"><span class=\"sw%s%s\">", k->cls != NULL ? " " : "",
		    k->cls != NULL ? k->cls : "");
		append_esc(s, k->page_sym != NULL ? k->page_sym : k->sym);
		textbuf_printf(s, "</span>");
		append_esc(s, k->words);
		textbuf_printf(s, "</li>\n");
	}
	textbuf_printf(s, "<li data-sym=\"restarts\"><span class=\"sw\">Restarts</span>the total over "
	    "these months, then by cause:");
	for (size_t i = 0; i < view_nrestart_causes; i++)
		textbuf_printf(s, "%s %s (%s)", i > 0 ? "," : "", view_restart_causes[i].name,
		    view_restart_causes[i].words);
	textbuf_printf(s, "</li>\n</ul>\n");
}

/* The header cells: each month, with its year in the first and in January across a year end. */
static void
append_month_heads(struct textbuf *s, const struct plan_range *r)
{
	bool spans = ym_year(r->from) != ym_year(plan_range_last(r));
	char ym[8];

	for (int c = 0; c < r->months; c++) {
		ym_t m = r->from + c;

		textbuf_printf(s, "<th scope=\"col\" data-month=\"%s\">%s", ym_format(m, ym),
		    month_abbr[ym_month(m) - 1]);
		if (spans && (c == 0 || ym_month(m) == 1))
			textbuf_printf(s, " %d", ym_year(m));
		textbuf_printf(s, "</th>");
	}
}

/* The links to the plans of the months before and after, when the site gives them. */
static void
append_pager(struct textbuf *s, const struct plan_range *r, const struct plan_links *links)
{
	struct plan_range p;
	char w[PLAN_RANGE_WORDS];

	if (links == NULL || (links->prev == NULL && links->next == NULL))
		return;
	textbuf_printf(s, "<nav class=\"pager\" aria-label=\"Other months\">");
	if (links->prev != NULL && plan_range_step(r, -1, &p)) {
		textbuf_printf(s, "<a rel=\"prev\" href=\"");
		append_esc(s, links->prev);
		textbuf_printf(s, "\">&larr; Previous: %s</a>", plan_range_words(&p, w, sizeof(w)));
	}
	if (links->next != NULL && plan_range_step(r, 1, &p)) {
		textbuf_printf(s, "<a rel=\"next\" href=\"");
		append_esc(s, links->next);
		textbuf_printf(s, "\">Next: %s &rarr;</a>", plan_range_words(&p, w, sizeof(w)));
	}
	textbuf_printf(s, "</nav>\n");
}

/* One note: the row, the label, its months (links back to the cells) and the reason. */
static void
append_note(struct textbuf *s, const struct plan_note *nt, const struct page_src *src,
    const struct plan_range *r)
{
	const char *sep = "";
	struct page_row g;
	char ym[8];

	src->row(src, nt->row, &g);
	textbuf_printf(s, "<li id=\"note-%d\" data-ring=\"", nt->number);
	append_esc(s, g.ring);
	put(s, "\" data-os=\"");
	append_esc(s, g.os);
	put(s, "\" data-label=\"");
	append_esc(s, nt->label);
	put(s, "\">");
	append_row_name(s, &g);
	put(s, ": <strong>");
	append_esc(s, nt->label);
	put(s, "</strong> in ");
	for (int c = 0; c < r->months; c++) {
		ym_t m = r->from + c;

		if (!(nt->months & (UINT64_C(1) << c)))
			continue;
		textbuf_printf(s, "%s<a href=\"#c%zu-%d\" data-month=\"%s\">%s %d</a>", sep, nt->row, c,
		    ym_format(m, ym), month_abbr[ym_month(m) - 1], ym_year(m));
		sep = ", ";
	}
	put(s, ": ");
	append_esc(s, nt->reason);
	put(s, "</li>\n");
}

/*
 * The notes at risk (or the others) in their numbers' order.  The numbers
 * were given in the notes' order, risks first (notes_collect), so one pass
 * lists them: no search for each number.
 */
static void
append_notes_of(struct textbuf *s, const struct plan_notes *pn, bool at_risk,
    const struct page_src *src, const struct plan_range *r)
{
	for (size_t i = 0; i < pn->n; i++)
		if (pn->note[i].at_risk == at_risk)
			append_note(s, &pn->note[i], src, r);
}

/*
 * The risks, then the other notes, as numbered lists under the grid: the
 * words of every cell that needs a second look, readable without a pointer.
 */
static void
append_notes(struct textbuf *s, const struct plan_notes *pn, const struct page_src *src,
    const struct plan_range *r)
{
	textbuf_printf(s, "<section class=\"notes risks\" id=\"at-risk\" aria-labelledby=\"at-risk-h\">\n"
	    "<h2 id=\"at-risk-h\">At risk</h2>\n");
	if (pn->nrisk == 0)
		textbuf_printf(s, "<p>No risks: every install has a window before its deadline, and no "
		    "pause, freeze or missed baseline gets in the way.</p>\n");
	else
		textbuf_printf(s, "<p class=\"muted\">Late or missing windows, releases a pause skipped, "
		    "deadlines that force an install or restart into a freeze, and catch-up "
		    "restarts. Each cell links to its note.</p>\n<ol>\n");
	append_notes_of(s, pn, true, src, r);
	textbuf_printf(s, "%s</section>\n", pn->nrisk > 0 ? "</ol>\n" : "");
	if ((int)pn->n == pn->nrisk)
		return;
	textbuf_printf(s, "<section class=\"notes\" id=\"notes\" aria-labelledby=\"notes-h\">\n"
	    "<h2 id=\"notes-h\">Notes</h2>\n<p class=\"muted\">A blackout moved the window, or "
	    "the install is not the month&#39;s kind.</p>\n<ol start=\"%d\">\n", pn->nrisk + 1);
	append_notes_of(s, pn, false, src, r);
	textbuf_printf(s, "</ol>\n</section>\n");
}

/*
 * The devices entry of ring id: the list is in the rings' order, as the
 * rows are, so the one after the last found is tried first (*at); a
 * search of the whole list only when that fails.
 */
static const json_t *
ring_devices(const json_t *devices, const char *id, size_t *at)
{
	const json_t *e = json_array_get(devices, *at);
	size_t i;

	if (e != NULL && strcmp(text(e, "ring"), id) == 0) {
		++*at;
		return e;
	}
	json_array_foreach(devices, i, e)
		if (strcmp(text(e, "ring"), id) == 0) {
			*at = i + 1;
			return e;
		}
	return NULL;
}

/* The grid: a header row of months, then every ring/OS row and the rings' devices rows. */
static void
append_grid(struct textbuf *s, const struct page_src *src, const struct plan_range *r,
    const struct plan_notes *pn, struct rowcache *cache)
{
	int year = plan_range_year_of(r);
	struct cell_facts *fc = xcalloc(pn->ncol + 1, sizeof(*fc));
	struct rowkey k = { 0 };
	size_t at = 0;
	char ym[8];

	textbuf_printf(s, "<div class=\"scroll\" role=\"region\" aria-label=\"Plan, ring by month\" "
	    "tabindex=\"0\">\n<table class=\"plan\" data-from=\"%s\" data-months=\"%d\"",
	    ym_format(r->from, ym), r->months);
	if (year != 0)
		textbuf_printf(s, " data-year=\"%d\"", year);
	put(s, ">\n<thead>\n<tr><th scope=\"col\" class=\"ring\">Ring / OS</th>");
	append_month_heads(s, r);
	put(s, "<th scope=\"col\">Restarts</th></tr>\n</thead>\n<tbody>\n");
	for (size_t i = 0; i < src->nrow; i++) {
		struct page_row g, next;
		const json_t *e;

		append_row_cached(s, src, i, pn, cache, &k, fc);
		/* A ring's devices come once, after its last OS. */
		src->row(src, i, &g);
		if (i + 1 < src->nrow) {
			src->row(src, i + 1, &next);
			if (strcmp(next.ring, g.ring) == 0)
				continue;
		}
		e = ring_devices(src->devices, g.ring, &at);
		if (e != NULL && json_integer_value(json_object_get(e, "devices")) > 0)
			append_devices_row(s, e, r);
	}
	put(s, "</tbody>\n</table>\n</div>\n");
	rowkey_free(&k);
	free(fc);
}

/*
 * The page of src over r (r->months 0: none to draw), titled words; its
 * rows from cache when it has them (NULL: none).  The cache's hint
 * reserves the room at once: the page of 10,000 rings is 49 MB, and
 * growing it by doubling copies it again and again.
 */
static char *
plan_page(const struct page_src *src, const struct plan_range *r, const char *words,
    const json_t *stale, const struct plan_links *links, struct rowcache *cache)
{
	struct plan_notes pn;
	struct textbuf s = { 0 };
	char *title;

	if (cache != NULL && rowcache_hint(cache) > 0)
		textbuf_reserve(&s, rowcache_hint(cache) + rowcache_hint(cache) / 16);
	notes_collect(src, (size_t)r->months, &pn);
	title = xasprintf("hotpatchd plan %s", words);
	append_head(&s, title, plan_css);
	free(title);
	textbuf_printf(&s, "<header>\n<h1>Plan %s</h1>\n<p class=\"muted\">Each ring&#39;s install "
	    "window per month, as the day in the ring&#39;s time zone, and its restarts in these "
	    "months. <a href=\"", words);
	append_esc(&s, links != NULL && links->home != NULL ? links->home : "./");
	textbuf_printf(&s, "\">Feeds</a></p>\n");
	append_pager(&s, r, links);
	append_stale(&s, stale);
	textbuf_printf(&s, "</header>\n<main>\n");
	append_legend(&s);
	append_grid(&s, src, r, &pn, cache);
	if (src->nrow == 0)
		textbuf_printf(&s, "<p class=\"muted\">No rings.</p>\n");
	else
		append_notes(&s, &pn, src, r);
	textbuf_printf(&s, "</main>\n</body>\n</html>\n");
	notes_free(&pn);
	if (cache != NULL)
		rowcache_sweep(cache, s.len);
	return s.s;
}

/* ---- the plan from its JSON ---- */

static void
json_row(const struct page_src *src, size_t i, struct page_row *out)
{
	const json_t *g = json_array_get(json_object_get(src->plan, "rings"), i);
	const json_t *rs = json_object_get(g, "restarts");

	*out = (struct page_row){ .ring = text(g, "ring"), .name = text(g, "name"),
	    .os = text(g, "os"), .timezone = text(g, "timezone"),
	    .eligible = !json_is_false(json_object_get(g, "eligible")),
	    .not_eligible = text(g, "not_eligible"),
	    .total = (int)json_integer_value(json_object_get(rs, "total")),
	    .ncell = json_array_size(json_object_get(g, "months")) };
	for (size_t k = 0; k < view_nrestart_causes && k < PAGE_CAUSES_MAX; k++)
		out->causes[k] = (int)json_integer_value(json_object_get(rs,
		    view_restart_causes[k].key));
}

static void
json_cell(const struct page_src *src, size_t i, size_t c, struct cell_facts *out)
{
	const json_t *g = json_array_get(json_object_get(src->plan, "rings"), i);

	view_cell_facts(json_array_get(json_object_get(g, "months"), c), out);
}

char *
page_plan(const json_t *plan, const struct plan_links *links)
{
	struct page_src src = { .nrow = json_array_size(json_object_get(plan, "rings")),
	    .row = json_row, .cell = json_cell, .plan = plan,
	    .devices = json_object_get(plan, "devices") };
	struct plan_range r = plan_range_year(HP_YEAR_MIN);
	char words[PLAN_RANGE_WORDS];

	if (view_plan_range_of(plan, &r)) {
		plan_range_words(&r, words, sizeof(words));
	} else {	/* no months to draw, but still a page */
		snprintf(words, sizeof(words), "(no months)");
		r.months = 0;
	}
	return plan_page(&src, &r, words, json_object_get(plan, "stale"), links, NULL);
}

/* ---- the plan from the model ---- */

static void
model_row(const struct page_src *src, size_t i, struct page_row *out)
{
	const struct plan_row *row = &src->pm->row[i];
	const struct restarts *rs = &row->restarts;
	/* view_restart_causes' order: baseline, unplanned, lcu, catchup, offbase, oob */
	const int causes[] = { rs->baseline, rs->unplanned, rs->lcu, rs->catchup, rs->offbase,
	    rs->oob };

	*out = (struct page_row){ .ring = row->ring->id, .name = row->ring->name,
	    .os = row->os->id, .timezone = row->ring->timezone,
	    .eligible = row->not_eligible == NULL,
	    .not_eligible = row->not_eligible != NULL ? row->not_eligible : "",
	    .total = rs->total, .ncell = (size_t)src->pm->range.months };
	memcpy(out->causes, causes, sizeof(causes));
}

static void
model_cell(const struct page_src *src, size_t i, size_t c, struct cell_facts *out)
{
	plan_model_facts(src->pm, &src->pm->row[i], plan_model_cell(src->pm, i, (int)c), out);
}

char *
page_plan_model(const struct plan_model *pm, const json_t *devices, const json_t *stale,
    const struct plan_links *links, struct rowcache *cache)
{
	struct page_src src = { .nrow = pm->nrow, .row = model_row, .cell = model_cell, .pm = pm,
	    .devices = devices };
	char words[PLAN_RANGE_WORDS];

	plan_range_words(&pm->range, words, sizeof(words));
	return plan_page(&src, &pm->range, words, stale, links, cache);
}

/* ---- the fleet ---- */

/* A box that scrolls sideways takes the keyboard's focus (tabindex), so it can be scrolled. */
static const char fleet_css[] =
    ".scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px;margin:.8rem 0}\n"
    ".scroll:focus{outline:2px solid var(--accent);outline-offset:2px}\n"
    "table.fleet{border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums;"
    "min-width:100%}\n"
    ".fleet th,.fleet td{padding:.3rem .5rem;border-bottom:1px solid var(--line);"
    "text-align:right;white-space:nowrap}\n"
    ".fleet thead th{background:#f6f8fa}.fleet th.ring,.fleet th[scope=row]{text-align:left}\n"
    ".fleet th.ring small{display:block;font-weight:400;color:var(--muted)}\n"
    ".fleet tfoot th,.fleet tfoot td{font-weight:700}\n"
    ".fleet td.restart{background:#fbd3cc}.fleet td.quiet{background:#cdebd3}\n"
    ".why li{margin:.2rem 0}\n";

/* The month's counts as cells: one per install kind (install_kind_name), then restarts. */
static void
append_counts(struct textbuf *s, const json_t *m)
{
	const json_t *ins = json_object_get(m, "install");

	for (int k = INS_HOTPATCH; k <= INS_LCU; k++)
		textbuf_printf(s, "<td data-install=\"%s\">%lld</td>", install_kind_name(k),
		    (long long)json_integer_value(json_object_get(ins, install_kind_name(k))));
	textbuf_printf(s, "<td data-restarts>%lld</td>",
	    (long long)json_integer_value(json_object_get(m, "restarts")));
}

/* The fleet's months: a row each, their total in the footer. */
static void
append_fleet_months(struct textbuf *s, const json_t *f)
{
	const json_t *m;
	size_t i;

	textbuf_printf(s, "<h2 id=\"months-h\">All rings</h2>\n<div class=\"scroll\" role=\"region\" "
	    "aria-labelledby=\"months-h\" tabindex=\"0\">\n<table class=\"fleet months\">\n"
	    "<thead>\n<tr><th scope=\"col\">Month</th>");
	for (int k = INS_HOTPATCH; k <= INS_LCU; k++)
		textbuf_printf(s, "<th scope=\"col\">%s</th>", install_kind_name(k));
	textbuf_printf(s, "<th scope=\"col\">restarts</th></tr>\n</thead>\n<tbody>\n");
	json_array_foreach(json_object_get(f, "months"), i, m) {
		textbuf_printf(s, "<tr data-month=\"");
		append_esc(s, text(m, "month"));
		textbuf_printf(s, "\"><th scope=\"row\">");
		append_esc(s, text(m, "month"));
		textbuf_printf(s, "</th>");
		append_counts(s, m);
		textbuf_printf(s, "</tr>\n");
	}
	textbuf_printf(s, "</tbody>\n<tfoot>\n<tr><th scope=\"row\">Total</th>");
	append_counts(s, json_object_get(f, "total"));
	textbuf_printf(s, "</tr>\n</tfoot>\n</table>\n</div>\n");
}

/* Why devices take the LCU, most first; nothing when none do. */
static void
append_fleet_reasons(struct textbuf *s, const json_t *reasons)
{
	const json_t *w;
	size_t i;

	if (json_array_size(reasons) == 0)
		return;
	textbuf_printf(s, "<h2>Why the LCU</h2>\n<p class=\"muted\">Devices in the month with the most "
	    "for each reason.</p>\n<ul class=\"why\">\n");
	json_array_foreach(reasons, i, w) {
		long long n = (long long)json_integer_value(json_object_get(w, "devices"));

		textbuf_printf(s, "<li><strong>%lld</strong> device%s: ", n, n == 1 ? "" : "s");
		append_esc(s, text(w, "reason"));
		textbuf_printf(s, "</li>\n");
	}
	textbuf_printf(s, "</ul>\n");
}

/* A ring's month: its restarts, the installs in the title. */
static void
append_fleet_cell(struct textbuf *s, const json_t *m)
{
	const json_t *ins = json_object_get(m, "install");
	long long r = (long long)json_integer_value(json_object_get(m, "restarts"));

	textbuf_printf(s, "<td data-month=\"");
	append_esc(s, text(m, "month"));
	textbuf_printf(s, "\" class=\"%s\" title=\"", r > 0 ? "restart" : "quiet");
	for (int k = INS_HOTPATCH; k <= INS_LCU; k++)
		textbuf_printf(s, "%s%s %lld", k > 0 ? ", " : "", install_kind_name(k),
		    (long long)json_integer_value(json_object_get(ins, install_kind_name(k))));
	textbuf_printf(s, "\">%lld</td>", r);
}

/* One row per ring with devices: its restarts per month and in all. */
static void
append_fleet_rings(struct textbuf *s, const json_t *f)
{
	const json_t *months = json_object_get(f, "months"), *g, *m;
	size_t i, k;

	textbuf_printf(s, "<h2 id=\"rings-h\">Restarts per ring</h2>\n<div class=\"scroll\" role=\"region\" "
	    "aria-labelledby=\"rings-h\" tabindex=\"0\">\n<table class=\"fleet "
	    "rings\">\n<thead>\n<tr><th scope=\"col\" class=\"ring\">Ring</th>"
	    "<th scope=\"col\">Devices</th>");
	json_array_foreach(months, i, m) {
		textbuf_printf(s, "<th scope=\"col\">");
		append_esc(s, text(m, "month"));
		textbuf_printf(s, "</th>");
	}
	textbuf_printf(s, "<th scope=\"col\">Total</th></tr>\n</thead>\n<tbody>\n");
	json_array_foreach(json_object_get(f, "rings"), i, g) {
		long long n = (long long)json_integer_value(json_object_get(g, "devices"));

		if (n == 0)
			continue;
		textbuf_printf(s, "<tr data-ring=\"");
		append_esc(s, text(g, "ring"));
		textbuf_printf(s, "\"><th scope=\"row\" class=\"ring\">");
		append_esc(s, *text(g, "name") != '\0' ? text(g, "name") : text(g, "ring"));
		textbuf_printf(s, "<small>");
		append_esc(s, text(g, "ring"));
		textbuf_printf(s, " &middot; %lld eligible, %lld below the latest baseline</small></th>"
		    "<td>%lld</td>", (long long)json_integer_value(json_object_get(g, "eligible")),
		    (long long)json_integer_value(json_object_get(g, "below_baseline")), n);
		json_array_foreach(json_object_get(g, "months"), k, m)
			append_fleet_cell(s, m);
		textbuf_printf(s, "<td>%lld</td></tr>\n", (long long)json_integer_value(
		    json_object_get(json_object_get(g, "total"), "restarts")));
	}
	textbuf_printf(s, "</tbody>\n</table>\n</div>\n");
}

char *
page_fleet(const json_t *fleet)
{
	const json_t *tot = json_object_get(fleet, "total");
	struct textbuf s = { 0 };
	char *title = xasprintf("hotpatchd fleet %s to %s", text(fleet, "from"),
	    text(fleet, "to"));

	append_head(&s, title, fleet_css);
	free(title);
	textbuf_printf(&s, "<header>\n<h1>Fleet ");
	append_esc(&s, text(fleet, "from"));
	textbuf_printf(&s, " to ");
	append_esc(&s, text(fleet, "to"));
	textbuf_printf(&s, "</h1>\n<p class=\"muted\">How many devices install what each month, and "
	    "how many restart. Counts only. <a href=\"./\">Feeds</a> &middot; "
	    "<a href=\"plan\">Plan</a></p>\n<p class=\"summary\"><strong>%lld</strong> devices, "
	    "%lld counted in their rings: %lld eligible for hotpatch, %lld below the latest "
	    "baseline, %lld of unknown build; %lld without a ring, %lld whose OS is not "
	    "found.</p>\n", (long long)json_integer_value(json_object_get(tot, "devices")),
	    (long long)json_integer_value(json_object_get(tot, "counted")),
	    (long long)json_integer_value(json_object_get(tot, "eligible")),
	    (long long)json_integer_value(json_object_get(tot, "below_baseline")),
	    (long long)json_integer_value(json_object_get(tot, "build_unknown")),
	    (long long)json_integer_value(json_object_get(tot, "no_ring")),
	    (long long)json_integer_value(json_object_get(tot, "no_os")));
	append_stale(&s, json_object_get(fleet, "stale"));
	textbuf_printf(&s, "</header>\n<main>\n");
	append_fleet_months(&s, fleet);
	append_fleet_reasons(&s, json_object_get(tot, "lcu_reasons"));
	append_fleet_rings(&s, fleet);
	textbuf_printf(&s, "</main>\n</body>\n</html>\n");
	return s.s;
}
