#!/usr/bin/env python3
"""make bench: PortDoc against Hugo, pandoc and xmllint on the same content, side by side.

For each size, PortDoc builds the project (all formats, DTD validation of every page); Hugo builds a
site from PortDoc's own Markdown pages (the same tables, one page per locale); pandoc turns the same
Markdown into HTML, GFM and a man page per locale; xmllint --valid checks the same XHTML pages that
`portdoc validate` checks. Every command runs several times, the commands of a size taking turns
(one run of each per round), so that a slow minute of this shared machine slows them alike; the
table shows the median wall time, the median user+sys CPU time and the largest peak RSS, and the
ratios PortDoc/peer. The linear targets compare builds of two sizes measured the same way, taking
turns, after the sizes. A clean build's earlier output is moved aside, not deleted, until the
size is over (SetAside says why). The results replace the part of BENCHMARKS.md between the bench
markers.
"""
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".build", "release", "portdoc")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SLOW_RUNS = int(os.environ.get("BENCH_SLOW_RUNS", "3"))
NINE = "en,fr,es,it,nl,pl,pt,sv,cs"  # with the German source: 10 locales
SIZES = [
    # name, roles, rows per role, translations, peers, documents, runs
    ("seed", None, None, None, {"hugo", "pandoc", "xmllint", "noop"}, 1, RUNS),
    ("5k rows x 2 locales", 50, 100, "en", {"xmllint"}, 1, RUNS),
    ("10k rows x 2 locales", 100, 100, "en", {"hugo", "pandoc", "xmllint", "noop"}, 1, RUNS),
    ("50k rows x 10 locales", 100, 500, NINE, {"xmllint"}, 1, SLOW_RUNS),
    ("100k rows x 10 locales", 100, 1000, NINE, {"hugo", "xmllint"}, 1, SLOW_RUNS),
    # A documentation set: 50 documents of 4 roles x 10 rows, sharing sentences, in 10 locales.
    ("50 documents x 10 locales", 4, 10, NINE, {"hugo", "xmllint", "noop"}, 50, RUNS),
]


# The sizes whose builds the linear targets compare: twice the rows, at most 2.1 times the time.
LINEAR_PAIRS = [("5k rows x 2 locales", "10k rows x 2 locales"), ("50k rows x 10 locales", "100k rows x 10 locales")]


def sh(cmd, cwd=None, check=True):
    return subprocess.run(cmd, cwd=cwd, shell=isinstance(cmd, str), check=check, capture_output=True, text=True)


def measure(cmd, cwd, runs, prepare=None, env=None):
    """Runs `cmd` `runs` times; median wall and user+sys CPU, and the largest peak RSS.

    Wall time comes from a monotonic clock around the process, CPU time and peak RSS from wait4()
    (which include the processes the command waits for). A command without shell syntax is run
    directly, so that no shell start-up is measured."""
    walls, cpus, rss = [], [], []
    argv = cmd.split() if not any(c in cmd for c in ";|&$<>") else ["sh", "-c", cmd]
    for _ in range(runs):
        if prepare:
            prepare()
        start = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        if p.returncode != 0:
            sys.exit(f"bench: '{cmd}' failed in {cwd} (exit {p.returncode}):\n{err}")
        walls.append(wall)
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "rss": max(rss) / 1024, "runs": runs, "cmd": cmd}


class SetAside:
    """Moves a command's earlier output out of its way instead of deleting it, and deletes what it
    moved once the measurements that could be charged for it are over.

    On a file system without a journal, as here, ext4 does not hand out an inode freed in the last
    60 seconds (300 more while its inode table block is unwritten): every file a command creates
    first steps over each such inode in the block group (recently_deleted in fs/ext4/ialloc.c).
    Deleting the 2,075 files and folders of the 50-document set's Output, and Hugo's 1,020, right
    before each build charged that scan to the next command, growing with every round: PortDoc's
    system time went 0.28, 1.13, 1.23, 1.74, 1.97 s over five rounds, Hugo's 0.49 to 1.32 s; with
    the outputs moved aside, 0.20-0.36 s and 0.56-0.73 s. What is kept at most: three runs of
    100k x 10 (PortDoc's Output 471 MB, Hugo's 186 MB each), or of the linear pair 50k and 100k
    (2.1 GB)."""

    def __init__(self, work):
        self.folder = os.path.join(work, "set-aside")
        self.count = 0

    def __call__(self, path):
        if os.path.lexists(path):
            os.makedirs(self.folder, exist_ok=True)
            self.count += 1
            os.rename(path, os.path.join(self.folder, str(self.count)))

    def empty(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def take_turns(jobs):
    """Measures `jobs`, (name, runs, measure's arguments) each, in rounds: one run of every job
    that has runs left per round. Medians and peak as `measure` gives them."""
    samples = {name: [] for name, _, _ in jobs}
    for round in range(max(runs for _, runs, _ in jobs)):
        for name, runs, args in jobs:
            if round < runs:
                samples[name].append(measure(runs=1, **args))
    return {name: {"wall": statistics.median(m["wall"] for m in ms), "cpu": statistics.median(m["cpu"] for m in ms),
                   "rss": max(m["rss"] for m in ms), "runs": len(ms), "cmd": ms[0]["cmd"]} for name, ms in samples.items()}


def version(cmd):
    try:
        return sh(cmd).stdout.strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001 - shown in the report
        return f"unavailable ({e})"


def project(work, name, roles, rows, locales, documents=1):
    d = os.path.join(work, name.replace(" ", "-"))
    if roles is None:
        os.makedirs(d)
        for folder in ["Catalog", "Locales", "Templates"]:
            shutil.copytree(os.path.join(ROOT, folder), os.path.join(d, folder))
    else:
        sh([BIN, "generate", "--roles", str(roles), "--rows", str(rows), "--locales", locales, "--documents", str(documents),
            "--templates", os.path.join(ROOT, "Templates"), d])
    sh([BIN, "build"], cwd=d)
    return d


def hugo_site(d):
    """A Hugo site whose pages are PortDoc's Markdown pages, one per locale."""
    site = os.path.join(d, "hugo")
    os.makedirs(os.path.join(site, "content"))
    os.makedirs(os.path.join(site, "layouts", "_default"))
    with open(os.path.join(site, "config.toml"), "w") as f:
        f.write('baseURL = "http://example.org/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]\n'
                '[markup.goldmark.renderer]\nunsafe = true\n')
    with open(os.path.join(site, "layouts", "_default", "single.html"), "w") as f:
        f.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body>{{ .Content }}</body></html>\n")
    md_root = os.path.join(d, "Output", "markdown")
    for locale in sorted(os.listdir(md_root)):
        for name in os.listdir(os.path.join(md_root, locale)):
            text = open(os.path.join(md_root, locale, name), encoding="utf-8").read()
            # A single-quoted YAML scalar: backslashes (Markdown escapes) stay as they are.
            title = text.splitlines()[0].lstrip("# ").replace("'", "''")
            with open(os.path.join(site, "content", f"{locale}-{name}"), "w", encoding="utf-8") as f:
                f.write(f"---\ntitle: '{title}'\n---\n" + text)
    return site


def pandoc_script(d):
    """The pandoc commands, written to a script file (a set has too many pages for one `sh -c`)."""
    md_root = os.path.join(d, "Output", "markdown")
    lines = ["set -e", "mkdir -p pandoc-out"]
    for locale in sorted(os.listdir(md_root)):
        for name in os.listdir(os.path.join(md_root, locale)):
            src = os.path.join(md_root, locale, name)
            out = f"pandoc-out/{locale}-{name[:-3]}"
            lines += [f"pandoc -f gfm -t html5 -s --metadata title={locale} -o {out}.html {src}",
                      f"pandoc -f gfm -t gfm -o {out}.md {src}",
                      f"pandoc -f gfm -t man -s --metadata title={locale} -o {out}.7 {src}"]
    script = os.path.join(d, "pandoc.sh")
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    return "sh pandoc.sh"


def html_pages(d):
    root = os.path.join(d, "Output", "html")
    return sorted(os.path.relpath(os.path.join(p, f), d) for p, _, fs in os.walk(root) for f in fs if f.endswith((".html", ".svg")))


def fmt_time(s):
    if s < 0.1:
        return f"{s * 1000:.1f} ms"
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit("bench: build PortDoc first (make bench does)")
    work = tempfile.mkdtemp(prefix="portdoc-bench-")
    aside = SetAside(work)
    results = {}
    projects = {}
    try:
        for name, roles, rows, locales, peers, documents, runs in SIZES:
            print(f"bench: {name}", flush=True)
            d = project(work, name, roles, rows, locales, documents)
            clean = lambda d=d: aside(os.path.join(d, "Output"))
            # In the order of a round: each starts from what the ones before it left (a build's
            # Output for validate and the no-op build).
            jobs = [("portdoc build", runs, dict(cmd=f"{BIN} build", cwd=d, prepare=clean))]
            if name == "seed":
                # What the user cache saves: the same build laying the diagrams out again (no
                # layouts kept), and a first build on a machine (an empty cache: the DTDs found in
                # the XML catalog and flattened, Graphviz's plugin folder made, the layouts made).
                cache = os.path.join(work, "cache")
                env = dict(os.environ, XDG_CACHE_HOME=cache)
                def no_layouts(d=d, cache=cache):
                    clean()
                    aside(os.path.join(cache, "portdoc", "layouts"))
                subprocess.run([BIN, "build", "--force", "--output", os.path.join(work, "warm")], cwd=d, env=env, check=True, capture_output=True)
                def empty_cache(d=d, cache=cache):
                    clean()
                    aside(cache)
                jobs += [("portdoc build, diagrams laid out again", runs, dict(cmd=f"{BIN} build", cwd=d, prepare=no_layouts, env=env)),
                         ("portdoc build, empty user cache", runs, dict(cmd=f"{BIN} build", cwd=d, prepare=empty_cache, env=env))]
            jobs.append(("portdoc validate (XHTML, SVG)", runs, dict(cmd=f"{BIN} validate Output/html", cwd=d)))
            if "noop" in peers:
                jobs.append(("portdoc build (no change)", runs, dict(cmd=f"{BIN} build", cwd=d)))
            if "hugo" in peers:
                hugo_site(d)
                jobs.append(("hugo", runs, dict(cmd="hugo --quiet --source hugo --destination hugo-out", cwd=d,
                                                prepare=lambda d=d: aside(os.path.join(d, "hugo", "hugo-out")))))
            if "pandoc" in peers:
                jobs.append(("pandoc (html, gfm, man per locale)", SLOW_RUNS if roles else runs, dict(cmd=pandoc_script(d), cwd=d)))
            if "xmllint" in peers:
                # The same files portdoc validate checks; a script file, since 500 pages overflow one command line.
                with open(os.path.join(d, "xmllint.sh"), "w") as f:
                    f.write("exec xmllint --valid --noout --nonet " + " ".join(html_pages(d)) + "\n")
                jobs.append(("xmllint --valid", runs, dict(cmd="sh xmllint.sh", cwd=d)))
            row = take_turns(jobs)
            aside.empty()
            projects[name] = d
            results[name] = row
            if name == "seed":
                results["incremental"] = incremental(d)
        # The linear targets: the two builds of each pair taking turns.
        print("bench: linear pairs", flush=True)
        for small, large in LINEAR_PAIRS:
            runs = next(r for n, *_, r in SIZES if n == large)
            jobs = [(n, runs, dict(cmd=f"{BIN} build", cwd=projects[n], prepare=lambda d=projects[n]: aside(os.path.join(d, "Output"))))
                    for n in (small, large)]
            results.setdefault("linear", {})[(small, large)] = take_turns(jobs)
            aside.empty()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results)


def incremental(d):
    """No change writes nothing; one locale's change rewrites only that locale's files."""
    before = {p: os.stat(os.path.join(d, "Output", p)).st_mtime_ns for p in files(d)}
    quiet = sh([BIN, "build"], cwd=d).stdout.strip()
    unchanged = all(os.stat(os.path.join(d, "Output", p)).st_mtime_ns == t for p, t in before.items())
    po = os.path.join(d, "Locales", "en.po")
    text = open(po, encoding="utf-8").read()
    open(po, "w", encoding="utf-8").write(text.replace('msgstr "Connection to the ESET repository"', 'msgstr "Connection to the ESET repository (edited)"'))
    changed_out = sh([BIN, "build"], cwd=d).stdout.strip()
    rewritten = sorted(p for p, t in before.items() if os.stat(os.path.join(d, "Output", p)).st_mtime_ns != t)
    return {"quiet": quiet, "unchanged": unchanged, "changed": changed_out, "rewritten": rewritten}


def files(d):
    root = os.path.join(d, "Output")
    return sorted(os.path.relpath(os.path.join(p, f), root) for p, _, fs in os.walk(root) for f in fs)


def report(results):
    seed, k10 = results["seed"], results["10k rows x 2 locales"]
    k100 = results["100k rows x 10 locales"]
    lines = []
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except Exception:  # noqa: BLE001
        pass
    lines += [f"Measured by `make bench` on {time.strftime('%Y-%m-%d', time.gmtime())} ({RUNS} runs each, {SLOW_RUNS} at 50k and 100k rows and for pandoc at 10k rows; "
              f"medians; peak RSS is the largest seen) on "
              f"{os.cpu_count()} cores ({cpu}).", ""]
    lines += ["Tools: " + "; ".join([version([BIN, "--version"]) if False else "portdoc (this commit, release build)",
                                      version(["hugo", "version"]), version(["pandoc", "--version"]),
                                      version("xmllint --version 2>&1")]), ""]
    lines += ["| size | command | wall | user+sys CPU | CPU/wall | peak RSS | PortDoc build / this |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for size, row in results.items():
        if size in ("incremental", "linear"):
            continue
        base = row["portdoc build"]["wall"]
        for cmd, m in row.items():
            ratio = "" if cmd == "portdoc build" else f"{base / m['wall']:.2f}"
            lines.append(f"| {size} | {cmd} | {fmt_time(m['wall'])} | {fmt_time(m['cpu'])} | {m['cpu'] / m['wall']:.2f} | {m['rss']:.0f} MiB | {ratio} |")
    lines.append("")
    lines += ["Linear targets: the builds of two sizes taking turns, after the sizes above.", "",
              "| sizes | builds, taking turns (median wall; user+sys CPU) | larger / smaller |", "| --- | --- | ---: |"]
    for (small, large), pair in results["linear"].items():
        lines.append(f"| {small} → {large} | {fmt_time(pair[small]['wall'])}, {fmt_time(pair[large]['wall'])}; "
                     f"{fmt_time(pair[small]['cpu'])}, {fmt_time(pair[large]['cpu'])} | {pair[large]['wall'] / pair[small]['wall']:.2f}x |")
    lines.append("")
    inc = results["incremental"]

    def verdict(ok):
        return "met" if ok else "**not met**"

    def ratio(size, a, b, key="wall"):
        return results[size][a][key] / results[size][b][key]

    targets = [
        ("seed: at most 0.5x Hugo's wall time", ratio("seed", "portdoc build", "hugo") <= 0.5,
         f"PortDoc/Hugo = {ratio('seed', 'portdoc build', 'hugo'):.2f}"),
        ("seed: at least 10x faster than pandoc", ratio("seed", "pandoc (html, gfm, man per locale)", "portdoc build") >= 10,
         f"pandoc/PortDoc = {ratio('seed', 'pandoc (html, gfm, man per locale)', 'portdoc build'):.1f}x"),
        ("10k x 2: at most 1.0x Hugo's wall time", ratio("10k rows x 2 locales", "portdoc build", "hugo") <= 1.0,
         f"PortDoc/Hugo = {ratio('10k rows x 2 locales', 'portdoc build', 'hugo'):.2f}"),
        ("10k x 2: at most 1.5x Hugo's CPU time", ratio("10k rows x 2 locales", "portdoc build", "hugo", "cpu") <= 1.5,
         f"PortDoc/Hugo = {ratio('10k rows x 2 locales', 'portdoc build', 'hugo', 'cpu'):.2f}"),
        ("100k x 10: at most 1.0x Hugo's wall time", ratio("100k rows x 10 locales", "portdoc build", "hugo") <= 1.0,
         f"PortDoc/Hugo = {ratio('100k rows x 10 locales', 'portdoc build', 'hugo'):.2f}"),
        ("100k x 10: peak RSS under 768 MiB", k100["portdoc build"]["rss"] < 768, f"{k100['portdoc build']['rss']:.0f} MiB"),
        ("50 documents x 10: at most 1.0x Hugo's wall time", ratio("50 documents x 10 locales", "portdoc build", "hugo") <= 1.0,
         f"PortDoc/Hugo = {ratio('50 documents x 10 locales', 'portdoc build', 'hugo'):.2f}"),
    ]
    for size, row in results.items():
        if size not in ("incremental", "linear") and "xmllint --valid" in row:
            r = row["portdoc validate (XHTML, SVG)"]["wall"] / row["xmllint --valid"]["wall"]
            targets.append((f"validation cheaper than xmllint --valid, start-up included ({size})", r < 1, f"PortDoc/xmllint = {r:.2f}"))
    targets += [
        ("no-op rebuild under 15 ms, nothing written (seed)", inc["unchanged"] and seed["portdoc build (no change)"]["wall"] < 0.015,
         f"{fmt_time(seed['portdoc build (no change)']['wall'])}; modification times kept: {inc['unchanged']}"),
    ]
    for (small, large), pair in results["linear"].items():
        r = pair[large]["wall"] / pair[small]["wall"]
        targets.append((f"linear: {large} / {small}, taking turns, at most 2.1x", r <= 2.1, f"{r:.2f}x"))
    targets += [
        ("one locale changed: only its files rewritten", inc["rewritten"] == ["html/en/index.html", "man/man7/eset-protect-ports.7", "markdown/en/eset-protect-ports.md"],
         "rewritten: " + ", ".join(inc["rewritten"])),
    ]
    lines += ["| target | result | measured |", "| --- | --- | --- |"]
    lines += [f"| {t} | {verdict(ok)} | {m} |" for t, ok, m in targets]
    lines += ["", "Commands (run in the project folder; `$PORTDOC` is `.build/release/portdoc`):", ""]
    for cmd, m in k10.items():
        shown = m["cmd"].replace(BIN, "$PORTDOC")
        if len(shown) > 300:
            shown = shown[:300] + " …"
        lines.append(f"- {cmd}: `{shown}`")
    lines.append("")
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n\n<!-- bench:start -->\n<!-- bench:end -->\n"
    start, end = text.index("<!-- bench:start -->"), text.index("<!-- bench:end -->")
    text = text[:start] + "<!-- bench:start -->\n" + "\n".join(lines) + text[end:]
    open(path, "w", encoding="utf-8").write(text)
    print("\n".join(lines))
    print(f"bench: wrote {path}")


if __name__ == "__main__":
    main()
