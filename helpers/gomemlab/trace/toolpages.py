"""`go tool trace`'s own pages read back (pure: HTML text in, numbers out), to hold the lab's
tables equal to them in tests and notebook checks: Go durations, the breakdown tables of the
goroutine and region pages, the Goroutines, Regions and Tasks pages.

The pages are Go templates (cmd/trace's goroutines.go, regions.go, tasks.go); a page that does
not have the expected shape is a ParseError naming what is missing."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from ..errors import ParseError

_UNITS = {"h": 3600 * 10**9, "m": 60 * 10**9, "s": 10**9, "ms": 10**6, "µs": 10**3, "ns": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|µs|ns|m|s)")


def duration_ns(text: str) -> int:
    """A Go `time.Duration.String()` ("1h2m3.5s", "12.5µs", "0s") as whole ns (exact)."""
    text = text.strip()
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ParseError(f"not a Go duration: {text[:80]!r}")
    return int(sum(Decimal(number) * _UNITS[unit] for number, unit in parts))


def breakdown(page: str) -> tuple[list[str], dict[tuple[int, ...], dict[str, int]]]:
    """The first "details" table of a goroutine or region page: its stat names, and per row
    (the goroutine id, and the task id on a region page) {stat: ns, "Total": ns}."""
    start = page.find('<table class="details">')
    end = page.find("</table>", start)
    if start < 0 or end < 0:
        raise ParseError('no breakdown table (<table class="details">) in the page')
    table = page[start:end]
    names = re.findall(r"reloadTable\('sortby', '([^']*)'\)", table)
    if not names or names[0] != "Total time":
        raise ParseError(f"the breakdown table's first column is not Total time: {names[:3]}")
    stats = names[1:]
    rows = {}
    for row in table.split("<tr>")[2:]:
        ids = tuple(int(n) for n in re.findall(r'<a href="/trace\?(?:goid|focustask)=(\d+)"', row))
        cells = re.findall(r"<td> ([^<]*?) ?</td>", row)
        times = [duration_ns(c) for c in cells]
        if len(times) != 1 + len(stats) or not ids:
            raise ParseError(f"a breakdown row without {1 + len(stats)} times: {row[:200]!r}")
        rows[ids] = {"Total": times[0], **dict(zip(stats, times[1:], strict=True))}
    return stats, rows


def goroutine_groups(page: str) -> list[tuple[str, int, int]]:
    """The Goroutines page: (start function, count, total execution time ns) per row."""
    rows = re.findall(
        r'<a href="/goroutine\?name=[^"]*">([^<]*)</a></code></td>\s*'
        r"<td>(\d+)</td>\s*<td>([^<]*)</td>",
        page,
    )
    return [(html.unescape(n), int(c), duration_ns(t)) for n, c, t in rows]


def type_histograms(page: str) -> list[tuple[str, int, dict[int, int]]]:
    """The Regions or Tasks page: (type, count, {bucket start ns: count}) per row, the
    histogram's empty buckets left out."""
    out = []
    for row in page.split("\n  <tr>")[1:]:
        found = re.search(r'<pre>&#34;(.*?)&#34;<br>|<td>([^<]*)</td>\s*<td><a href="/user', row)
        if found is None:
            continue
        type_ = html.unescape(found.group(1) if found.group(1) is not None else found.group(2))
        count = int(re.search(r'<a href="/user(?:region|task)\?type=[^"]*">(\d+)</a>', row)[1])
        buckets = re.findall(
            r'<td class="histoTime" align="right">(?:<a href=[^>]*>)?([^<]+)(?:</a>)?</td>'
            r'<td><div[^>]*>&nbsp;</div></td><td align="right"><div[^>]*>(\d+)</div>',
            row,
        )
        out.append((type_, count, {duration_ns(t): int(n) for t, n in buckets if int(n)}))
    return out


def tasks(page: str) -> dict[int, tuple[int, bool]]:
    """A task page: task id → (its elapsed time in ns, complete)."""
    found = re.findall(
        r'<tr class="first">\s*<td class="when">[^<]*</td>\s*<td class="elapsed">([^<]*)</td>'
        r".*?>Task (\d+)</a>.*?\((complete|incomplete)\)",
        page,
        re.S,
    )
    return {int(t): (duration_ns(e), c == "complete") for e, t, c in found}
