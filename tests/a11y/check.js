/*
 * tests/a11y/check.js: an accessibility check run inside Chromium on a page
 * as the browser laid it out (tests/regress/a11y.sh loads the page into an
 * iframe of a given width and calls a11yCheck on it).  It shares nothing
 * with hotpatchd: it reads the DOM and the computed styles only.
 *
 * It checks, after WCAG 2.x:
 *  - contrast: every element with text of its own, against the colour it
 *    is painted on, 4.5:1 (3:1 for large text: 24px, or 18.66px bold);
 *  - names: images, links, buttons and form fields have an accessible name;
 *  - the document has a lang and a title; tables have header cells, each
 *    th a scope or a place in the thead;
 *  - ids are unique and in-page links (href="#x") lead somewhere;
 *  - a box that scrolls sideways can be reached with the keyboard;
 *  - layout: nothing reaches past the right edge of the viewport (the page
 *    does not scroll sideways) except inside a box that scrolls.
 *
 * The colour under a text is worked out from its ancestors alone: each
 * one's background colour, each colour of a background gradient in turn
 * (the worst counts), and opacity as the browser applies it, to the
 * element and everything in it as one group.  Channels are rounded to 8
 * bits at the end, as the browser composites.
 */
"use strict";

function a11yParseColor(s) {
	var m = /rgba?\(([^)]*)\)/.exec(s || "");
	var p;

	if (m === null)
		return s === "transparent" ? [0, 0, 0, 0] : null;
	p = m[1].split(/[\s,\/]+/).filter(function (x) { return x !== ""; }).map(parseFloat);
	return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}

/* Source-over: top on bottom, both [r, g, b, alpha], straight (not premultiplied) colour. */
function a11yOver(top, bottom) {
	var a = top[3] + bottom[3] * (1 - top[3]);
	var c = [0, 0, 0, a];

	if (a === 0)
		return [0, 0, 0, 0];
	for (var i = 0; i < 3; i++)
		c[i] = (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
	return c;
}

/* WCAG 2 relative luminance of an sRGB colour, channels 0..255. */
function a11yLuminance(c) {
	var l = c.slice(0, 3).map(function (v) {
		v /= 255;
		return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
	});
	return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

function a11yRatio(a, b) {
	var la = a11yLuminance(a), lb = a11yLuminance(b);

	return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/* The backgrounds an element may paint: its colour, or each gradient colour over it. */
function a11yLayers(st) {
	var bg = a11yParseColor(st.backgroundColor) || [0, 0, 0, 0];
	var stops = (st.backgroundImage || "").match(/rgba?\([^)]*\)/g);

	if (!stops || st.backgroundImage.indexOf("gradient") < 0)
		return [bg];
	return stops.map(function (s) { return a11yOver(a11yParseColor(s), bg); });
}

/* A short name for an element in a report: tag#id.class "text". */
function a11yWhat(el) {
	var s = el.tagName.toLowerCase();

	if (el.id)
		s += "#" + el.id;
	if (typeof el.className === "string" && el.className.trim() !== "")
		s += "." + el.className.trim().split(/\s+/).join(".");
	return s + ' "' + (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40) + '"';
}

function a11yOwnText(el) {
	for (var n = el.firstChild; n !== null; n = n.nextSibling)
		if (n.nodeType === 3 && n.nodeValue.trim() !== "")
			return true;
	return false;
}

function a11yShown(win, el) {
	var st = win.getComputedStyle(el);

	return el.getClientRects().length > 0 && st.visibility === "visible" && st.display !== "none";
}

/*
 * The worst contrast of el's text: the colour pairs (text over its
 * background, and the background) for every choice of gradient colour in
 * its ancestors, composited from the root with each opacity as a group.
 */
function a11yContrast(win, el) {
	var chain = [], styles, layers, text, worst = null, picks = [[]];

	for (var n = el; n !== null; n = n.parentElement)
		chain.unshift(n);
	styles = chain.map(function (e) { return win.getComputedStyle(e); });
	layers = styles.map(a11yLayers);
	text = a11yParseColor(styles[styles.length - 1].color);
	layers.forEach(function (l) {
		var next = [];

		picks.forEach(function (p) {
			l.forEach(function (_, k) { next.push(p.concat([k])); });
		});
		picks = next.slice(0, 64);
	});
	function paint(i, backdrop, pick, withText) {
		var op = parseFloat(styles[i].opacity);
		var c = a11yOver(layers[i][pick[i]], op < 1 ? [0, 0, 0, 0] : backdrop);

		if (i === chain.length - 1)
			c = withText ? a11yOver(text, c) : c;
		else
			c = paint(i + 1, c, pick, withText);
		return op < 1 ? a11yOver([c[0], c[1], c[2], c[3] * op], backdrop) : c;
	}
	picks.forEach(function (pick) {
		var canvas = [255, 255, 255, 1];
		var fg = paint(0, canvas, pick, true).map(Math.round);
		var bg = paint(0, canvas, pick, false).map(Math.round);
		var r = a11yRatio(fg, bg);

		if (worst === null || r < worst.ratio)
			worst = { ratio: r, fg: fg.slice(0, 3), bg: bg.slice(0, 3) };
	});
	return worst;
}

function a11yLarge(st) {
	var px = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;

	return px >= 24 || (bold && px >= 18.66);
}

/* The accessible name, as far as these pages need it: aria, text, alt, title, label. */
function a11yName(doc, el) {
	var by = el.getAttribute("aria-labelledby"), s = el.getAttribute("aria-label") || "";
	var label;

	if (by)
		s = by.split(/\s+/).map(function (id) {
			var t = doc.getElementById(id);
			return t ? t.textContent : "";
		}).join(" ");
	if (s.trim() === "" && !/^(INPUT|SELECT|TEXTAREA|IMG)$/.test(el.tagName))
		s = el.textContent || "";
	if (s.trim() === "")
		Array.prototype.forEach.call(el.querySelectorAll("img[alt]"), function (i) {
			s += i.getAttribute("alt");
		});
	if (s.trim() === "" && el.tagName === "IMG")
		s = el.getAttribute("alt") || "";
	if (s.trim() === "" && el.id && (label = doc.querySelector('label[for="' + el.id + '"]')))
		s = label.textContent;
	if (s.trim() === "" && el.closest("label"))
		s = el.closest("label").textContent;
	if (s.trim() === "")
		s = el.getAttribute("title") || "";
	return s.trim();
}

function a11yCheck(win, doc) {
	var out = { failures: [], texts: 0 };
	var root = doc.documentElement, all = doc.body.querySelectorAll("*"), ids = {};

	function fail(rule, el, detail, extra) {
		var f = { rule: rule, what: el ? a11yWhat(el) : "document", detail: detail };

		for (var k in extra || {})
			f[k] = extra[k];
		out.failures.push(f);
	}
	out.viewport = { width: win.innerWidth, clientWidth: root.clientWidth,
	    scrollWidth: root.scrollWidth };
	if (!(root.getAttribute("lang") || "").trim())
		fail("lang", null, "the html element has no lang");
	if (!(doc.title || "").trim())
		fail("title", null, "the document has no title");
	Array.prototype.forEach.call(all, function (el) {
		var st = win.getComputedStyle(el), c, need, tag = el.tagName;

		if (el.id) {
			if (ids[el.id])
				fail("id-unique", el, "the id " + el.id + " is used twice");
			ids[el.id] = true;
		}
		if (/^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT)$/.test(tag) || !a11yShown(win, el))
			return;
		if (a11yOwnText(el)) {
			out.texts++;
			c = a11yContrast(win, el);
			need = a11yLarge(st) ? 3 : 4.5;
			if (c.ratio < need)
				fail("contrast", el, "contrast " + c.ratio.toFixed(2) + ":1, needs " + need +
				    ":1", { ratio: c.ratio, fg: c.fg, bg: c.bg });
		}
		if ((tag === "A" && el.hasAttribute("href")) || tag === "BUTTON" ||
		    el.getAttribute("role") === "img" || tag === "IMG" ||
		    (/^(INPUT|SELECT|TEXTAREA)$/.test(tag) && el.type !== "hidden"))
			if ((tag !== "IMG" || !el.hasAttribute("alt")) && a11yName(doc, el) === "")
				fail("name", el, tag.toLowerCase() + " without an accessible name");
		if (/^(auto|scroll)$/.test(st.overflowX) && el.scrollWidth > el.clientWidth &&
		    el.tabIndex < 0 && el.querySelector("a[href],button,input,select,textarea,[tabindex]") === null)
			fail("scroll-focus", el, "scrolls sideways but cannot be reached with the keyboard");
	});
	Array.prototype.forEach.call(doc.querySelectorAll('a[href^="#"]'), function (a) {
		var id = decodeURIComponent(a.getAttribute("href").slice(1));

		if (id !== "" && doc.getElementById(id) === null)
			fail("link-target", a, "no element has the id " + id);
	});
	Array.prototype.forEach.call(doc.querySelectorAll("table"), function (t) {
		if (t.querySelector("th") === null)
			fail("table-headers", t, "a table without header cells");
		Array.prototype.forEach.call(t.querySelectorAll("th"), function (th) {
			if (!th.hasAttribute("scope") && th.closest("thead") === null)
				fail("table-headers", th, "a th with neither scope nor a place in the thead");
		});
	});
	a11yLayout(win, doc, fail);
	return out;
}

/* Is el inside a box that scrolls sideways (whose own box fits the viewport)? */
function a11yInScroller(win, el) {
	for (var p = el.parentElement; p !== null && p !== el.ownerDocument.body; p = p.parentElement)
		if (/^(auto|scroll)$/.test(win.getComputedStyle(p).overflowX))
			return true;
	return false;
}

/* Nothing past the viewport's right edge, but inside a box that scrolls sideways. */
function a11yLayout(win, doc, fail) {
	var root = doc.documentElement, width = root.clientWidth, shown = 0;

	if (root.scrollWidth > width)
		fail("reflow", null, "the page scrolls sideways: " + root.scrollWidth + " px wide in " +
		    width + " px");
	Array.prototype.forEach.call(doc.body.querySelectorAll("*"), function (el) {
		var r;

		if (!a11yShown(win, el) || a11yInScroller(win, el))
			return;
		r = el.getBoundingClientRect();
		if (r.right > width + 0.5 && shown++ < 20)
			fail("reflow", el, "reaches " + Math.round(r.right) + " px in a " + width +
			    " px viewport");
	});
}
