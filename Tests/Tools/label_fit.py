#!/usr/bin/env python3
"""Checks that every label of a PortDoc diagram (Graphviz SVG) fits its box, measured with real
fonts: Liberation Sans for Latin text (the metric twin of Helvetica, which the diagram names),
IPAGothic for Japanese and Chinese, DejaVu Sans for Arabic, Hebrew and the rest. Prints one line
per label that overflows (file, node, text, text width, box width) and exits 1 if any does.

Usage: label_fit.py FILE.svg ...      (Debian: python3-pil fonts-liberation2 fonts-ipafont-gothic fonts-dejavu-core)
"""
import re
import sys
import xml.etree.ElementTree as ET
from PIL import ImageFont

FONTS = {
    "latin": "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "cjk": "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "other": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}
SVG = "{http://www.w3.org/2000/svg}"
_cache = {}


def font(kind, size):
    key = (kind, size)
    if key not in _cache:
        _cache[key] = ImageFont.truetype(FONTS[kind], size=int(round(size * 100)))  # 100x for precision
    return _cache[key]


def kind_of(ch):
    v = ord(ch)
    if v < 0x250 or 0x1E00 <= v <= 0x1EFF or 0x2000 <= v <= 0x206F:
        return "latin"
    if 0x2E80 <= v <= 0x9FFF or 0xF900 <= v <= 0xFAFF or 0xFF00 <= v <= 0xFFEF or 0x3000 <= v <= 0x30FF:
        return "cjk"
    return "other"


def width(text, size):
    """Width in points of `text` at `size` points, each run in the font that covers it."""
    total = 0.0
    run, run_kind = "", None
    for ch in text + "\0":
        k = kind_of(ch) if ch != "\0" else None
        if k != run_kind and run:
            total += font(run_kind, size).getlength(run) / 100
            run = ""
        run_kind = k
        if ch != "\0":
            run += ch
    return total


def box(path_d):
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path_d)]
    xs = numbers[0::2]
    return min(xs), max(xs)


def check(path):
    failures = []
    root = ET.parse(path).getroot()
    count = 0
    for g in root.iter(SVG + "g"):
        if g.get("class") != "node":
            continue
        shape = g.find(SVG + "path") if g.find(SVG + "path") is not None else g.find(SVG + "polygon")
        if shape is None:
            continue
        if shape.tag == SVG + "path":
            left, right = box(shape.get("d"))
        else:
            xs = [float(p.split(",")[0]) for p in shape.get("points").split()]
            left, right = min(xs), max(xs)
        name = g.find(SVG + "title").text
        for t in g.findall(SVG + "text"):
            count += 1
            size = float(t.get("font-size"))
            x = float(t.get("x"))
            w = width(t.text or "", size)
            if x - w / 2 < left + 1 or x + w / 2 > right - 1:
                failures.append(f"{path}: node {name}: '{t.text}' is {w:.1f} pt wide, its box {right - left:.1f} pt")
    return count, failures


def main(paths):
    failures = []
    labels = 0
    for p in paths:
        n, f = check(p)
        labels += n
        failures += f
    for f in failures:
        print(f)
    print(f"label_fit: {labels} labels in {len(paths)} diagrams, {len(failures)} overflowing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
