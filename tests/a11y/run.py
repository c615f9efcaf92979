#!/usr/bin/env python3
# tests/a11y/run.py: run tests/a11y/check.js on HTML pages in headless Chromium.
#
#   run.py [--width PX] [--height PX] --profile DIR PAGE.html...
#
# Each page is loaded into an iframe exactly PX wide (Chromium's window has a minimum
# width, an iframe none), the checker runs on it once it has loaded, and its answer comes
# back in the DOM that --dump-dom prints.  One JSON line per page on stdout:
# {"page": PATH, "viewport": {...}, "texts": N, "failures": [...]}; exit 0 if every page
# was checked (whatever it found), 2 if Chromium gave no answer for one.
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WRAPPER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>a11y</title>
<style>body{margin:0}iframe{border:0;display:block}</style></head><body>
<iframe id="page" title="page under test" style="width:%(w)dpx;height:%(h)dpx"></iframe>
<script>%(checker)s</script>
<script>
var f = document.getElementById("page");
f.addEventListener("load", function () {
  var s = document.createElement("script"), r;
  try { r = a11yCheck(f.contentWindow, f.contentDocument); }
  catch (e) { r = {error: String(e) + " " + (e.stack || "")}; }
  s.type = "application/json";
  s.id = "a11y-result";
  s.textContent = JSON.stringify(r).replace(/</g, "\\\\u003c");
  document.body.appendChild(s);
});
f.srcdoc = %(page)s;
</script></body></html>
"""
MARK = '<script type="application/json" id="a11y-result">'


def check(page, width, height, profile):
    checker = open(os.path.join(HERE, "check.js"), encoding="utf-8").read()
    html = open(page, encoding="utf-8").read()
    text = json.dumps(html).replace("</", "<\\/")
    with tempfile.NamedTemporaryFile("w", suffix=".html", dir=profile, delete=False,
                                     encoding="utf-8") as w:
        w.write(WRAPPER % {"w": width, "h": height, "checker": checker, "page": text})
    try:
        dom = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + os.path.join(profile, "chromium"),
             "--window-size=%d,%d" % (width + 100, height + 100), "--dump-dom",
             "file://" + w.name],
            capture_output=True, text=True, timeout=120).stdout
    finally:
        os.unlink(w.name)
    at = dom.find(MARK)
    if at < 0:
        return None
    body = dom[at + len(MARK):]
    return json.loads(body[:body.index("</script>")])


def main(argv):
    width, height, profile, pages = 1280, 900, None, []
    i = 0
    while i < len(argv):
        if argv[i] in ("--width", "--height", "--profile"):
            v = argv[i + 1]
            if argv[i] == "--width":
                width = int(v)
            elif argv[i] == "--height":
                height = int(v)
            else:
                profile = v
            i += 2
            continue
        pages.append(argv[i])
        i += 1
    if profile is None or not pages:
        print("usage: run.py [--width PX] [--height PX] --profile DIR PAGE.html...",
              file=sys.stderr)
        return 64
    rc = 0
    for p in pages:
        r = check(p, width, height, profile)
        if r is None:
            rc = 2
            r = {"error": "no answer from chromium"}
        r["page"] = p
        print(json.dumps(r))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
