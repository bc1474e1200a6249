#!/usr/bin/env python3
"""Checks what scripts/browser-test.sh measured in Chromium: the layout report the harness
page left in the dumped DOM, and the light and dark screenshots (decoded here with the
standard library: zlib and the five PNG row filters).

Usage: browser-check.py DOM.html LIGHT.png DARK.png   (exit 0 = every check passed)
"""

import collections
import html
import json
import re
import struct
import sys
import zlib


def read_report(path):
    text = open(path, encoding="utf-8").read()
    match = re.search(r'<pre id="report">(.*?)</pre>', text, re.S)
    if not match:
        raise SystemExit("FAIL: the harness left no report in the DOM")
    body = html.unescape(match.group(1))
    if body == "pending":
        raise SystemExit("FAIL: the page did not finish loading in the browser's time budget")
    return json.loads(body)


def png_pixels(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        content = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", content)
        elif kind == b"IDAT":
            chunks.append(content)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {colour})")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def colour_summary(path):
    """The most common colour, the share of pixels that differ from it, distinct colours."""
    width, height, rows = png_pixels(path)
    counts = collections.Counter(pixel for row in rows[::2] for pixel in row[::2])
    dominant, count = counts.most_common(1)[0]
    total = sum(counts.values())
    return dominant, 1 - count / total, len(counts), (width, height)


def luminance(rgb):
    r, g, b = (channel / 255 for channel in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def main(dom, light, dark):
    report = read_report(dom)
    if "error" in report:
        raise SystemExit(f"FAIL: the harness could not read the page: {report['error']}")
    wide, narrow = report["wide"], report["narrow"]
    checks = []

    def check(ok, what):
        checks.append((ok, what))
        print(("ok    " if ok else "FAIL  ") + what)

    check(wide["math"] > 0, f"{wide['math']} MathML <math> elements ({wide['mathBlocks']} display)")
    check(wide["mathInMathMLNamespace"] == wide["math"], "every <math> parsed as MathML")
    check(wide["mathWithSize"] == wide["math"], f"{wide['mathWithSize']} of {wide['math']} formulas have a size")
    check(wide["fractions"] > 0 and wide["fractionsStacked"] == wide["fractions"],
          f"{wide['fractionsStacked']} of {wide['fractions']} fractions typeset (numerator above denominator)")
    check(wide["texFallbacks"] == 0, f"{wide['texFallbacks']} formulas left as TeX source")
    check(wide["tables"] > 0 and wide["tablesLaidOut"] == wide["tables"],
          f"{wide['tablesLaidOut']} of {wide['tables']} tables laid out as tables")
    sizes = wide["plotSizes"]
    check(len(sizes) > 0 and all(w > 0 and h > 0 for w, h in sizes),
          f"{len(sizes)} plots as SVG, sizes {sorted(set(map(tuple, sizes)))}")
    check(wide["scriptElements"] == 0, "no <script> in the page")
    check(wide["contentsLinks"] >= 2 and wide["contentsLinksResolve"],
          f"{wide['contentsLinks']} contents links, each to a heading")
    check(wide["headingAnchors"] > 0, f"{wide['headingAnchors']} headings with anchors")
    check(narrow["pres"] > 0 and narrow["presScrolling"] == 0,
          f"at 420 px, {narrow['presScrolling']} of {narrow['pres']} code/output blocks hide text behind a scrollbar")
    check(narrow["scrollWidth"] <= narrow["clientWidth"],
          f"no sideways scrolling at 420 px (content {narrow['scrollWidth']} px, screen {narrow['clientWidth']} px)")

    for name, path in (("light", light), ("dark", dark)):
        dominant, share, distinct, size = colour_summary(path)
        check(share > 0.02 and distinct > 16,
              f"{name} screenshot {size[0]}x{size[1]} is not blank ({share:.1%} of pixels differ from "
              f"the background {dominant}, {distinct} colours)")
        if name == "light":
            check(luminance(dominant) > 0.7, f"light screenshot background is light ({dominant})")
        else:
            check(luminance(dominant) < 0.3, f"dark screenshot background is dark ({dominant}): prefers-color-scheme")

    failed = sum(1 for ok, _ in checks if not ok)
    print(f"browser: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    sys.exit(main(*sys.argv[1:]))
