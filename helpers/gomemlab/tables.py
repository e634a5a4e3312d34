"""One look for every table the lab shows, and readable numbers in it."""

from __future__ import annotations

import html
import math
import numbers
import re

import pandas as pd

from . import validate
from .errors import UsageError

_TABLE_STYLE = (
    "border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums;margin:4px 0"
)
CELL_STYLE = "padding:2px 10px;text-align:right"
"""Every table cell's inline style (also in widgets, where JupyterLab's table CSS is absent)."""
_CELL = re.compile(r"<(td|th)((?: [^>]*)?)>")


@validate.typed
def to_html(frame: pd.DataFrame, *, caption: str = "", index: bool = False) -> str:
    """A DataFrame as a plain HTML table (no grid), with an optional caption above it."""
    body = frame.to_html(index=index, border=0, escape=True, na_rep="–", justify="left")
    for opening in ('<table border="0" class="dataframe">', '<table class="dataframe">'):
        body = body.replace(opening, f'<table class="gml-table" style="{_TABLE_STYLE}">', 1)
    # Inline cell padding: inside a widget JupyterLab's table styles do not apply, and the
    # columns would run together.
    body = _CELL.sub(lambda m: f'<{m[1]} style="{CELL_STYLE}"{m[2] or ""}>', body)
    head = f'<div style="font-size:12px;color:#555">{html.escape(caption)}</div>' if caption else ""
    return head + scroll_region(body, caption or table_name(frame))


def table_name(frame: pd.DataFrame) -> str:
    """A table's name for a screen reader when it has no caption: its first columns."""
    columns = [str(c) for c in frame.columns]
    more = ", …" if len(columns) > 4 else ""
    return f"table of {', '.join(columns[:4])}{more}" if columns else "table"


def scroll_region(inner: str, name: str) -> str:
    """HTML that may be wider than the output (a table of many columns): scrolled inside
    its own region, which Tab reaches (the arrow keys then scroll it) and a screen reader
    names, instead of overflowing JupyterLab's output area, which no key can scroll."""
    return (
        f'<div class="gml-scroll" role="region" tabindex="0" aria-label="{html.escape(name)}" '
        f'style="overflow-x:auto;max-width:100%">{inner}</div>'
    )


def _number(value: object, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
        raise UsageError(f"{name} must be a number, not {type(value).__name__} {value!r:.40}")


def format_bytes(n: float) -> str:
    """1536 -> "1.5 KiB"; exact below 1 KiB ("936 B")."""
    _number(n, "n")
    if n is None or (isinstance(n, float) and not math.isfinite(n)):
        return str(n)
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"  # pragma: no cover


def format_number(x: float) -> str:
    """A number for a table or message: thousands separated, ±inf and nan spelled out."""
    if x is None:
        raise UsageError("x must be a number, not None")
    _number(x, "x")
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("∞" if x > 0 else "−∞")
    if abs(x) >= 1e15:
        return f"{x:,.3g}"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def readable_bytes(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with its byte counts as B, KiB, MiB: the numeric columns named for
    space or bytes, and `flat`/`cum` when `frame.attrs["unit"]` is bytes (a pprof table)."""
    shown = frame.copy()
    for name in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[name]):
            continue
        named = "space" in str(name) or "bytes" in str(name)
        if named or (name in ("flat", "cum") and frame.attrs.get("unit") == "bytes"):
            shown[name] = shown[name].map(format_bytes)
    return shown
