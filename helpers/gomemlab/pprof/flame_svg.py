"""A flame graph as static SVG for a handout with no JavaScript: every label is real <text>
(readable, selectable, found by the browser's search), shortened with "…" to fit its box, and
every box carries its full name and numbers in a <title> (the browser's tooltip). Hatching is
an SVG <pattern>, so a change's sign survives printing in black and white. Pure: a
`FlameLayout` in, a string out.
"""

from __future__ import annotations

import html
import itertools
import re
import textwrap

from .flame import Box, FlameLayout, alt_text, label_candidates

WIDTH_PX = 1000
ROW_PX = 20
FONT_PX = 11
CHAR_PX = FONT_PX * 0.62
"""Room one character needs: monospace fonts are 0.60 em wide (DejaVu Sans Mono 0.602)."""
TITLE_FONT_PX = 14
_ids = itertools.count()


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _e(text: str) -> str:
    """Text for SVG: escaped, and characters XML cannot hold (control codes) as U+FFFD."""
    return html.escape(_NOT_XML.sub("\ufffd", text))


def ellipsised(text: str, room_px: float) -> str:
    """`text` if it fits in `room_px`, else its start and "…" (at least 3 characters of it),
    else ""."""
    chars = int(room_px // CHAR_PX)
    if len(text) <= chars:
        return text
    if chars < 4:
        return ""
    return text[: chars - 1] + "…"


def label_for(box: Box, room_px: float) -> str:
    """The first of the box's `label_candidates` that fits, else its bare name cut short
    with "…" (the full name is in the box's <title>)."""
    candidates = label_candidates(box)
    for candidate in candidates:
        if len(candidate) * CHAR_PX <= room_px:
            return candidate
    return ellipsised(candidates[-1], room_px)


def render(layout: FlameLayout) -> str:
    """The layout as an inline <svg> (its title wrapped to the width, the boxes, how to read
    the width, and the legend one entry a line), whose `aria-label` is the layout's text
    alternative."""
    uid = f"gmflame{next(_ids)}"
    e = _e
    title_lines = textwrap.wrap(layout.title, int((WIDTH_PX - 8) // (TITLE_FONT_PX * 0.62)))
    top = 8 + len(title_lines) * (TITLE_FONT_PX + 6)
    below = top + max(layout.depth, 1) * ROW_PX + 22
    height = below + 20 * len(layout.legend) + 10
    hatched = {fill: f"url(#{uid}h{i})" for i, fill in enumerate(_hatched_fills(layout))}

    def paint(fill: str, hatch: str) -> str:
        return hatched[fill] if hatch else fill

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gm-flame" width="{WIDTH_PX}" '
        f'height="{height}" viewBox="0 0 {WIDTH_PX} {height}" role="img" '
        f'aria-label="{e(alt_text(layout))}" style="max-width:100%;height:auto;'
        f"font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace\">",
        f"<title>{e(layout.title)}</title>",
        f"<desc>{e(layout.summary)}</desc>",
        "<defs>",
        *(
            f'<pattern id="{url[5:-1]}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{e(fill)}"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>'
            for fill, url in hatched.items()
        ),
        "</defs>",
        *(
            f'<text x="4" y="{6 + (i + 1) * (TITLE_FONT_PX + 6) - 6}" '
            f'font-size="{TITLE_FONT_PX}" font-weight="bold" fill="#111">{e(line)}</text>'
            for i, line in enumerate(title_lines)
        ),
    ]
    if not layout.boxes:
        out.append(
            f'<text x="{WIDTH_PX / 2}" y="{top + 13}" text-anchor="middle" fill="#111">'
            f"{e(layout.empty_text)}</text>"
        )
    for b in layout.boxes:
        x, w, y = b.x * WIDTH_PX, b.width * WIDTH_PX, top + b.depth * ROW_PX
        out.append(f"<g><title>{e(b.tooltip)}</title>")
        out.append(
            f'<rect x="{x:.2f}" y="{y}" width="{max(w - 0.5, 0.5):.2f}" height="{ROW_PX - 1}" '
            f'fill="{paint(b.fill, b.hatch)}"/>'
        )
        if b.bar is not None:
            share, colour, hatch = b.bar
            out.append(
                f'<rect x="{x:.2f}" y="{y + ROW_PX - 5}" width="{min(share * WIDTH_PX, w):.2f}" '
                f'height="4" fill="{paint(colour, hatch)}"/>'
            )
        label = label_for(b, w - 6)
        if label:
            out.append(
                f'<text x="{x + 3:.2f}" y="{y + 12}" font-size="{FONT_PX}" '
                f'fill="#111">{e(label)}</text>'
            )
        out.append("</g>")
    out.append(f'<text x="4" y="{below - 6}" font-size="12" fill="#333">{e(layout.xlabel)}</text>')
    for i, entry in enumerate(layout.legend):
        y = below + 20 * i
        out.append(
            f'<rect x="4" y="{y + 2}" width="14" height="14" stroke="#555" '
            f'fill="{paint(entry.fill, entry.hatch)}"/>'
        )
        out.append(f'<text x="24" y="{y + 14}" font-size="12" fill="#111">{e(entry.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _hatched_fills(layout: FlameLayout) -> list[str]:
    fills = [b.fill for b in layout.boxes if b.hatch]
    fills += [b.bar[1] for b in layout.boxes if b.bar is not None and b.bar[2]]
    fills += [e.fill for e in layout.legend if e.hatch]
    return list(dict.fromkeys(fills))
