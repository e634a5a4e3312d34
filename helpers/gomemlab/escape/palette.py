"""Colours, symbols and words of the verdicts, shared by the listing (HTML) and the plots.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies), and every verdict also carries a symbol, a word and a hatch, so nothing depends
on colour alone.
"""

from __future__ import annotations

CATEGORY_STYLE = {  # category: (symbol, word, colour, light tint)
    "heap": ("▲", "heap", "#D55E00", "#fbe3d4"),
    "leak": ("◆", "leak", "#E69F00", "#fdf0d2"),
    "stack": ("●", "stack", "#0072B2", "#dcebf5"),
    "inline": ("↪", "inline", "#009E73", "#e0f3ec"),
    "note": ("·", "note", "#6b6b6b", "#eeeeee"),
}
KIND_STYLE = {  # kind: (colour, hatch)
    "moved_to_heap": ("#D55E00", "//"),
    "escapes_to_heap": ("#f0a07a", "\\\\"),
    "leaking_param": ("#E69F00", ".."),
    "leaking_param_content": ("#f5cd6e", "oo"),
    "leaking_to_result": ("#CC79A7", "++"),
    "does_not_escape": ("#0072B2", ""),
    "can_inline": ("#009E73", "xx"),
    "cannot_inline": ("#56B4E9", "--"),
    "inlining_call": ("#7fcfb7", "||"),
    "devirtualized": ("#999999", ""),
}
SEVERITY = ("heap", "leak", "stack", "inline", "note")
"""Categories from most to least important: a source line is tinted by its worst message."""


def kind_style(kind: str) -> tuple[str, str]:
    """(colour, hatch) of a message kind; grey without a hatch for the rare ones."""
    return KIND_STYLE.get(kind, ("#999999", ""))
