"""Checks a Chromium screenshot of the profile page: python3 check_screenshot.py PAGE.png

Each section heading carries a square marker of its own colour (ProfileStyle.swift); the check
finds the four markers, in order from the top, and requires the band of the picture between one
marker and the next to be drawn (pixels other than the page and section backgrounds), with the
colours only that section draws: the matrix's present-cell slate, the heatmap's red/blue scale,
the cards' bar blue. Colours of filled shapes, not text, so fonts cannot make it flaky.
Prints one line per section; exits 1 with the reason when a check fails.
"""
import sys

from PIL import Image

MARKERS = [("overview", (0x4F, 0x6B, 0xED)), ("missingness", (0x0F, 0x76, 0x6E)),
           ("nullity-correlation", (0xB2, 0x18, 0x2B)), ("columns", (0x7C, 0x3A, 0xED))]
# Colours a section must draw somewhere in its band (besides its marker).
CONTENT = {"missingness": [(0x33, 0x41, 0x55)], "nullity-correlation": [(0x21, 0x66, 0xAC), (0xB2, 0x18, 0x2B), (0x9C, 0xA3, 0xAF)],
           "columns": [(0x6D, 0x83, 0xF2)], "overview": [(0xB4, 0x53, 0x09), (0x1F, 0x29, 0x37)]}
BACKGROUNDS = [(0xF5, 0xF6, 0xF8), (0xFF, 0xFF, 0xFF)]


def near(a, b, tolerance=6):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def main():
    image = Image.open(sys.argv[1]).convert("RGB")
    width, height = image.size
    # The colour histogram of each row (Pillow's getcolors, in C), so every later question is a look-up.
    rows = [{colour: n for n, colour in image.crop((0, y, width, y + 1)).getcolors(width)} for y in range(height)]
    background = sum(rows[y].get(BACKGROUNDS[0], 0) + rows[y].get(BACKGROUNDS[1], 0) for y in range(height))
    if background >= width * height * 0.995:
        sys.exit(f"the screenshot is blank ({width}x{height})")

    def first_row_with(colour, start, minimum):
        for y in range(start, height):
            if sum(n for p, n in rows[y].items() if near(p, colour, 2)) >= minimum:
                return y
        return None

    # A marker is a 12 px square: rows with 8+ pixels of its colour.
    tops = []
    start = 0
    for name, colour in MARKERS:
        y = first_row_with(colour, start, 8)
        if y is None:
            sys.exit(f"section {name}: its marker (#{colour[0]:02x}{colour[1]:02x}{colour[2]:02x}) is not drawn below row {start}")
        tops.append((name, y))
        start = y + 14
    for index, (name, top) in enumerate(tops):
        bottom = tops[index + 1][1] if index + 1 < len(tops) else height
        drawn = 0
        found = {colour: 0 for colour in CONTENT[name]}
        for y in range(top + 14, bottom):
            for p, n in rows[y].items():
                if not any(near(p, b, 3) for b in BACKGROUNDS):
                    drawn += n
                for colour in found:
                    if near(p, colour, 8):
                        found[colour] += n
        if drawn < 500:
            sys.exit(f"section {name} (rows {top}-{bottom}): nearly empty ({drawn} drawn pixels)")
        if not any(found.values()):
            sys.exit(f"section {name} (rows {top}-{bottom}): none of its colours drawn")
        print(f"{name}: rows {top}-{bottom}, {drawn} drawn pixels")


main()
