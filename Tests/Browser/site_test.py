#!/usr/bin/env python3
"""PortDoc's site in a real browser: headless Chromium (Debian's) driven by Playwright.

For every page of the sites it builds (the repository's Output/, the six-locale fixture with an
RTL Arabic and a Japanese page, the documentation-set fixture), at 1280 px and 390 px wide:
  - no console errors and no uncaught exceptions;
  - every link of the language switcher leads to a page whose <html lang> is the link's language;
  - no table and no caption is wider than the viewport, no caption narrower than its table;
  - with the print stylesheet, the switcher is hidden, external URLs are printed after their
    links, notices stay visible and table rows do not split across pages.
Then `portdoc serve`: an edit to Locales/en.po shows in the open page within two seconds, and a
broken catalog shows the overlay with file:line:col.

  site_test.py --portdoc PATH [--screenshots DIR]

With --screenshots, writes PNGs for the README instead of testing: the English page at desktop
and phone width, the Arabic (RTL) and Japanese (CJK) fixture pages.
"""
import argparse
import functools
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
WIDTHS = [1280, 390]
failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}", flush=True)


def build_site(portdoc, project, out):
    """Builds `project` (a fixture without templates gets the repository's) into `out`."""
    work = Path(tempfile.mkdtemp(prefix="portdoc-browser-"))
    for name in ["Catalog", "Locales", "Templates"]:
        src = project / name
        shutil.copytree(src if src.exists() else ROOT / name, work / name)
    r = subprocess.run([portdoc, "build", "-o", str(out)], cwd=work, capture_output=True, text=True)
    shutil.rmtree(work)
    if r.returncode != 0:
        sys.exit(f"portdoc build of {project} failed ({r.returncode}):\n{r.stderr}")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def static_server(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const table of document.querySelectorAll('table')) {
    const t = table.getBoundingClientRect();
    const cap = table.querySelector('caption');
    const c = cap ? cap.getBoundingClientRect() : null;
    out.push({id: table.id || (cap ? cap.textContent.slice(0, 40) : 'table'), vw,
              table: [t.left, t.right, t.width], caption: c ? [c.left, c.right, c.width] : null});
  }
  return out;
}"""

# Language names that a narrow screen breaks inside a word (more than one line box).
BROKEN_NAMES = """() => Array.from(document.querySelectorAll('.languages a')).filter(a => a.getClientRects().length > 1).map(a => a.textContent)"""

SWITCHER = """() => Array.from(document.querySelectorAll('.languages a[href]')).map(a => ({
  href: a.href, lang: a.getAttribute('hreflang') || a.getAttribute('lang') }))"""

PRINT = """() => {
  const shown = el => el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0;
  const external = Array.from(document.querySelectorAll('a[href^="http"]'));
  return {
    switcher: Array.from(document.querySelectorAll('.languages')).map(shown),
    notices: Array.from(document.querySelectorAll('.notice, .fallback-notice')).map(shown),
    urls: external.map(a => [a.getAttribute('href'), a.classList.contains('url') ? a.textContent : getComputedStyle(a, '::after').content]),
    rows: Array.from(document.querySelectorAll('tr')).slice(0, 5).map(tr => getComputedStyle(tr).breakInside),
  };
}"""


def test_page(browser, url, name):
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = page.goto(url)
        check(response is not None and response.ok, f"{name} @{width}: HTTP {response.status if response else 'none'}")
        page.wait_for_load_state("load")
        check(errors == [], f"{name} @{width}: console errors {errors}")
        for t in page.evaluate(LAYOUT):
            left, right, w = t["table"]
            vw = t["vw"]
            check(left >= -0.5 and right <= vw + 0.5, f"{name} @{width}: table '{t['id']}' is wider than the viewport ({left:.0f}..{right:.0f} of {vw})")
            if t["caption"]:
                cl, cr, cw = t["caption"]
                check(cl >= -0.5 and cr <= vw + 0.5, f"{name} @{width}: caption '{t['id']}' is wider than the viewport")
                check(cw >= w - 1, f"{name} @{width}: caption '{t['id']}' ({cw:.0f} px) is narrower than its table ({w:.0f} px)")
        broken = page.evaluate(BROKEN_NAMES)
        check(broken == [], f"{name} @{width}: language names broken across lines: {broken}")
        if width == WIDTHS[0]:
            for link in page.evaluate(SWITCHER):
                other = browser.new_page()
                r = other.goto(link["href"])
                ok = r is not None and r.ok
                check(ok, f"{name}: language switcher link {link['href']} answers {r.status if r else 'none'}")
                if ok and link["lang"]:
                    lang = other.evaluate("() => document.documentElement.getAttribute('lang')")
                    check(lang == link["lang"], f"{name}: the switcher's {link['lang']} link leads to a page in '{lang}'")
                other.close()
            page.emulate_media(media="print")
            p = page.evaluate(PRINT)
            check(not any(p["switcher"]), f"{name}: the print stylesheet shows the language switcher")
            check(all(p["notices"]), f"{name}: a notice is hidden in print")
            for href, content in p["urls"]:
                check(href in content, f"{name}: print shows neither the URL of the link {href} nor the URL after it ({content})")
            check(all(b == "avoid" for b in p["rows"]), f"{name}: table rows may split across printed pages ({p['rows']})")
        page.close()


def pages(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


def test_serve(browser, portdoc):
    work = Path(tempfile.mkdtemp(prefix="portdoc-browser-serve-"))
    for name in ["Catalog", "Locales", "Templates"]:
        shutil.copytree(ROOT / name, work / name)
    server = subprocess.Popen([portdoc, "serve", "--port", "0", "--interval", "0.1"], cwd=work,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        deadline = time.time() + 30
        while time.time() < deadline and url is None:
            line = server.stdout.readline()
            m = re.search(r"serving (http://\S+/)", line)
            if m:
                url = m.group(1)
        check(url is not None, "serve did not print its address")
        if url is None:
            return
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: errors.append(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None)
        page.goto(url + "html/en/index.html")
        title = page.title()
        po = work / "Locales/en.po"
        text = po.read_text(encoding="utf-8")
        old = 'msgstr "Ports used by ESET PROTECT On-Prem"'
        check(old in text, "the English title is not where the test expects it")
        started = time.time()
        po.write_text(text.replace(old, 'msgstr "Ports used by ESET PROTECT On-Prem (live)"'), encoding="utf-8")
        try:
            page.wait_for_function("() => document.title.includes('(live)')", timeout=2000)
            check(True, "")
            print(f"serve: the edit to Locales/en.po showed in the open page after {time.time() - started:.2f} s", flush=True)
        except Exception:
            check(False, f"serve: the edit to Locales/en.po did not show within 2 s (title: {page.title()!r}, was {title!r})")
        catalog = work / "Catalog/eset-protect-ports.yaml"
        ctext = catalog.read_text(encoding="utf-8")
        catalog.write_text(ctext.replace("ports: [3128]", "ports: [31280000]", 1), encoding="utf-8")
        try:
            page.wait_for_selector("#portdoc-overlay", timeout=3000)
            overlay = page.inner_text("#portdoc-overlay")
            check("Catalog/eset-protect-ports.yaml:63:21: error: port 31280000" in overlay, f"serve: the overlay does not name the position: {overlay!r}")
            check("(live)" in page.title(), "serve: the last good page did not stay")
        except Exception:
            check(False, "serve: no overlay appeared within 3 s of breaking the catalog")
        catalog.write_text(ctext, encoding="utf-8")
        try:
            page.wait_for_selector("#portdoc-overlay", state="detached", timeout=3000)
            check(True, "")
        except Exception:
            check(False, "serve: the overlay did not go after the catalog was fixed")
        check(errors == [], f"serve: console errors {errors}")
        page.close()
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=10)
        check(code == 130, f"serve: SIGINT ended it with {code}, not 130")
        shutil.rmtree(work)


def screenshots(browser, sites, out):
    out.mkdir(parents=True, exist_ok=True)
    shots = [("page-en-desktop.png", sites["seed"] + "html/en/index.html", 1280),
             ("page-en-phone.png", sites["seed"] + "html/en/index.html", 390),
             ("page-ar-rtl-phone.png", sites["locales"] + "html/ar/index.html", 390),
             ("page-ja-cjk-desktop.png", sites["locales"] + "html/ja/index.html", 1280)]
    for name, url, width in shots:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url)
        if "phone" in name:
            # The first table of ports with its caption, which must span the table's width.
            page.evaluate("() => { const t = document.querySelector('table'); window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY - 8); }")
        page.screenshot(path=str(out / name), full_page=False)
        page.close()
        print(f"wrote {out / name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--portdoc", required=True)
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    portdoc = str(Path(args.portdoc).resolve())
    scratch = Path(tempfile.mkdtemp(prefix="portdoc-browser-sites-"))
    servers = []
    try:
        sites = {}
        folders = {"seed": ROOT / "Output"}
        for name, project in [("locales", ROOT / "Tests/PortDocTests/Fixtures/locales"), ("set", ROOT / "Tests/PortDocTests/Fixtures/set")]:
            build_site(portdoc, project, scratch / name)
            folders[name] = scratch / name
        for name, folder in folders.items():
            server, url = static_server(folder)
            servers.append(server)
            sites[name] = url
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            if args.screenshots:
                screenshots(browser, sites, args.screenshots)
                return 0
            count = 0
            for name, folder in folders.items():
                for rel in pages(folder):
                    test_page(browser, sites[name] + rel, f"{name}/{rel}")
                    count += 1
            test_serve(browser, portdoc)
            browser.close()
        print(f"browser tests: {count} pages at {' and '.join(f'{w} px' for w in WIDTHS)}, {checks} checks, {len(failures)} failed")
        return 1 if failures else 0
    finally:
        for s in servers:
            s.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
