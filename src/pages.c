/*
 * pages.c: the two HTML pages, the feed index and the planner grid.  Pure
 * renderers from JSON to one self-contained HTML5 document: UTF-8, one
 * inline stylesheet, no external assets, and on the index a few lines of
 * script for the copy buttons.  Every text from the data is escaped, in
 * element content and in attribute values alike.
 */
#include "pages.h"
#include "table.h"
#include "util.h"

#include <ctype.h>
#include <stdbool.h>
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

/* Append s with the five HTML specials escaped; safe in content and quoted attributes. */
static void
append_esc(char **out, const char *s)
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
			strappend(out, "%.*s", (int)(p - run), run);
		if (ent == NULL)
			return;
		strappend(out, "%s", ent);
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
    "a{color:var(--accent)}p{margin:.3rem 0}.muted{color:var(--muted)}\n";

/* The common head of both pages, up to and including <body>. */
static void
append_head(char **s, const char *title, const char *css)
{
	strappend(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	append_esc(s, title);
	strappend(s, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", base_css, css);
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
page_index(const json_t *feeds, const char *base)
{
	const json_t *f;
	char *s = NULL, *plan;
	size_t i;

	if (base == NULL)
		base = "";
	append_head(&s, "hotpatchd", index_css);
	plan = site_url(base, "/plan");
	strappend(&s, "<header>\n<h1>hotpatchd</h1>\n<p class=\"muted\">Windows hotpatch release "
	    "calendars. Subscribe in your calendar app, or copy a feed&#39;s URL. "
	    "Planners: <a class=\"plan\" href=\"");
	append_esc(&s, plan);
	strappend(&s, "\">the year&#39;s plan, ring by month</a>.</p>\n</header>\n<main>\n");
	free(plan);
	json_array_foreach(feeds, i, f) {
		const char *path = text(f, "path");
		char *url = site_url(base, path), *wc = *base != '\0' ? webcal_url(url) : NULL;

		strappend(&s, "<section class=\"feed\" data-path=\"");
		append_esc(&s, path);
		strappend(&s, "\">\n<h2>");
		append_esc(&s, *text(f, "title") != '\0' ? text(f, "title") : path);
		strappend(&s, "</h2>\n");
		if (*text(f, "description") != '\0') {
			strappend(&s, "<p>");
			append_esc(&s, text(f, "description"));
			strappend(&s, "</p>\n");
		}
		strappend(&s, "<p><a class=\"subscribe\" href=\"");
		append_esc(&s, wc != NULL ? wc : url);
		strappend(&s, "\">%s</a></p>\n", wc != NULL ? "Subscribe" : "Download");
		strappend(&s, "<div class=\"url\"><input type=\"text\" readonly value=\"");
		append_esc(&s, url);
		strappend(&s, "\" aria-label=\"Feed URL\"><button type=\"button\" class=\"copy\">Copy"
		    "</button></div>\n</section>\n");
		free(wc);
		free(url);
	}
	if (json_array_size(feeds) == 0)
		strappend(&s, "<p class=\"muted\">No feeds.</p>\n");
	strappend(&s, "</main>\n<script>\n%s</script>\n</body>\n</html>\n", index_js);
	return s;
}

/* ---- the plan ---- */

static const char plan_css[] =
    "body{max-width:none}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);"
    "border-radius:8px;margin:.8rem 0}\n"
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
    ".plan tr.ineligible td{opacity:.6}\n"
    ".plan td.baseline{background:#fbd3cc;color:#1b1f24}\n"
    ".plan td.hotpatch{background:#cdebd3;color:#1b1f24}\n"
    ".plan td.lcu{background:#fde6a8;color:#1b1f24}\n"
    ".plan td.late{box-shadow:inset 0 0 0 2px #b42318}\n"
    ".plan td.none{background-image:repeating-linear-gradient(45deg,transparent 0 6px,"
    "rgba(0,0,0,.08) 6px 8px)}\n"
    ".plan td.blackout{outline:2px dashed #1b1f24;outline-offset:-4px}\n"
    ".plan .k{font-weight:700}.plan .mark{font-weight:700;color:#8a1c0b}\n"
    ".plan td.restarts{text-align:left;background:#fff;white-space:normal;min-width:9rem}\n"
    ".plan td.restarts small{color:var(--muted)}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:0;list-style:none;"
    "font-size:14px}\n"
    ".legend .sw{display:inline-block;min-width:1.6rem;text-align:center;font-weight:700;"
    "border:1px solid var(--line);border-radius:4px;margin-right:.3rem}\n"
    "@media (max-width:600px){body{padding:.6rem}.plan th.ring{min-width:7.5rem;"
    "max-width:9rem;font-size:13px}}\n"
    ".legend .baseline{background:#fbd3cc}.legend .hotpatch{background:#cdebd3}"
    ".legend .lcu{background:#fde6a8}\n";

static const char *const month_abbr[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
    "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The kind as a CSS class (only the three known ones), and its letter and wording. */
static const char *
kind_class(const char *kind)
{
	if (strcmp(kind, "baseline") == 0 || strcmp(kind, "hotpatch") == 0 ||
	    strcmp(kind, "lcu") == 0)
		return kind;
	return "unknown";
}

static const char *
kind_words(const char *kind)
{
	if (strcmp(kind, "baseline") == 0)
		return "baseline, restart";
	if (strcmp(kind, "hotpatch") == 0)
		return "hotpatch, no restart";
	if (strcmp(kind, "lcu") == 0)
		return "LCU, restart";
	return kind;
}

/* One month's cell. */
static void
append_cell(char **s, const json_t *m)
{
	const char *kind = text(m, "kind"), *st = text(m, "status"), *loc = text(m,
	    "window_start_local"), *reason = text(m, "reason"), *bo = text(m, "blackout");
	bool late = strcmp(st, "late") == 0, none = strcmp(st, "none") == 0;
	bool blackout = json_is_string(json_object_get(m, "blackout"));
	bool unplanned = json_is_true(json_object_get(m, "unplanned")) &&
	    strcmp(kind, "baseline") == 0;
	bool has_day = strlen(loc) >= 10 && !none;
	char *title = NULL;

	strappend(s, "<td data-month=\"");
	append_esc(s, text(m, "month"));
	strappend(s, "\" data-kind=\"");
	append_esc(s, kind);
	strappend(s, "\" data-status=\"");
	append_esc(s, st);
	strappend(s, "\" class=\"%s%s%s%s%s\"", kind_class(kind), late ? " late" : "",
	    none ? " none" : "", blackout ? " blackout" : "", unplanned ? " unplanned" : "");

	/* The title: what the cell abbreviates, in words. */
	strappend(&title, "%s%s", kind_words(kind), unplanned ? " (unplanned)" : "");
	if (has_day)
		strappend(&title, "; window %.10s %s", loc, loc + (strlen(loc) > 11 ? 11 : 10));
	if (late)
		strappend(&title, "; late: after the install deadline");
	if (none)
		strappend(&title, "; no window before the next offer");
	if (blackout)
		strappend(&title, "; blackout %s", bo);
	if (*reason != '\0')
		strappend(&title, ": %s", reason);
	strappend(s, " title=\"");
	append_esc(s, title);
	free(title);

	strappend(s, "\"><span class=\"k\">%c</span> ",
	    strcmp(kind_class(kind), "unknown") != 0 ? toupper((unsigned char)*kind) : '?');
	if (has_day)
		strappend(s, "<span class=\"d\">%.2s/%.2s</span>", loc + 5, loc + 8);
	else
		strappend(s, "<span class=\"d\">&ndash;</span>");
	if (unplanned || late || blackout)
		strappend(s, "<span class=\"mark\">%s%s%s</span>", unplanned ? "*" : "",
		    late ? "!" : "", blackout ? "#" : "");
	strappend(s, "</td>");
}

/* The restarts cell: the year's total, then the causes that are not zero. */
static void
append_restarts(char **s, const json_t *rs)
{
	static const struct {
		const char *key, *words;
	} part[] = { { "baseline", "baseline" }, { "unplanned", "unplanned" }, { "lcu", "LCU" },
	    { "oob", "out-of-band" } };
	int total = (int)json_integer_value(json_object_get(rs, "total"));
	const char *sep = "";

	strappend(s, "<td class=\"restarts\" data-total=\"%d\"><strong>%d</strong>", total, total);
	if (total != 0) {
		strappend(s, " <small>");
		for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
			int v = (int)json_integer_value(json_object_get(rs, part[i].key));

			if (v != 0) {
				strappend(s, "%s%d %s", sep, v, part[i].words);
				sep = ", ";
			}
		}
		strappend(s, "</small>");
	}
	strappend(s, "</td>");
}

/* One ring/OS row. */
static void
append_row(char **s, const json_t *g)
{
	const json_t *months = json_object_get(g, "months"), *m;
	bool eligible = !json_is_false(json_object_get(g, "eligible"));
	const char *name = *text(g, "name") != '\0' ? text(g, "name") : text(g, "ring");
	size_t i;

	strappend(s, "<tr data-ring=\"");
	append_esc(s, text(g, "ring"));
	strappend(s, "\" data-os=\"");
	append_esc(s, text(g, "os"));
	strappend(s, "\"%s>\n<th scope=\"row\" class=\"ring\">", eligible ? "" : " class=\"ineligible\"");
	append_esc(s, name);
	strappend(s, " / ");
	append_esc(s, text(g, "os"));
	strappend(s, "<small>");
	append_esc(s, text(g, "ring"));
	if (*text(g, "timezone") != '\0') {
		strappend(s, " &middot; ");
		append_esc(s, text(g, "timezone"));
	}
	strappend(s, "</small>");
	if (!eligible) {
		strappend(s, "<small class=\"why\">Not eligible: ");
		append_esc(s, *text(g, "not_eligible") != '\0' ? text(g, "not_eligible") : "-");
		strappend(s, "</small>");
	}
	strappend(s, "</th>\n");
	json_array_foreach(months, i, m) {
		append_cell(s, m);
		strappend(s, "\n");
	}
	append_restarts(s, json_object_get(g, "restarts"));
	strappend(s, "\n</tr>\n");
}

static const char plan_legend[] =
    "<ul class=\"legend\">\n"
    "<li><span class=\"sw baseline\">B</span>baseline: restart</li>\n"
    "<li><span class=\"sw hotpatch\">H</span>hotpatch: no restart</li>\n"
    "<li><span class=\"sw lcu\">L</span>LCU: restart</li>\n"
    "<li><span class=\"sw\">11/20</span>local day the install window opens</li>\n"
    "<li><span class=\"sw\">*</span>unplanned baseline</li>\n"
    "<li><span class=\"sw\">!</span>late: after the install deadline</li>\n"
    "<li><span class=\"sw\">&ndash;</span>no window before the next offer</li>\n"
    "<li><span class=\"sw\">#</span>a blackout moved or blocked it (hover for why)</li>\n"
    "</ul>\n";

char *
page_plan(const json_t *plan)
{
	const json_t *rings = json_object_get(plan, "rings"), *g;
	int year = (int)json_integer_value(json_object_get(plan, "year"));
	char *s = NULL, *title = xasprintf("hotpatchd plan %d", year);
	size_t i;

	append_head(&s, title, plan_css);
	free(title);
	strappend(&s, "<header>\n<h1>Plan %d</h1>\n<p class=\"muted\">Each ring&#39;s install "
	    "window per month, as the day in the ring&#39;s time zone, and its restarts in the "
	    "year. <a href=\"./\">Feeds</a></p>\n</header>\n<main>\n", year);
	strappend(&s, "%s<div class=\"scroll\">\n<table class=\"plan\" data-year=\"%d\">\n"
	    "<thead>\n<tr><th scope=\"col\" class=\"ring\">Ring / OS</th>", plan_legend, year);
	for (int c = 0; c < 12; c++)
		strappend(&s, "<th scope=\"col\" data-month=\"%04d-%02d\">%s</th>", year, c + 1,
		    month_abbr[c]);
	strappend(&s, "<th scope=\"col\">Restarts</th></tr>\n</thead>\n<tbody>\n");
	json_array_foreach(rings, i, g)
		append_row(&s, g);
	strappend(&s, "</tbody>\n</table>\n</div>\n");
	if (json_array_size(rings) == 0)
		strappend(&s, "<p class=\"muted\">No rings.</p>\n");
	strappend(&s, "</main>\n</body>\n</html>\n");
	return s;
}
