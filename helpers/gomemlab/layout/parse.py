"""Pure parsers: the layout sample's JSON lines, and the runtime's size-class table.

`parse_lines(text)` reads what `gosamples/layout` (or a struct-measuring snippet) prints: one
JSON object per line with a `kind`. A known kind with missing or mistyped fields, or a line
that is not a JSON object, is a `ParseError` naming the line; an unknown kind is kept as an
`OtherLine`. `parse_size_classes(text)` reads the comment table at the top of Go's
generated `sizeclasses.go`. `parse_scan_stats(stderr)` reads the scanner statistics the runtime
prints with `GODEBUG=gctrace=2`, per shape of the sample's scan section.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from typing import Any

from ..errors import ParseError
from .records import (
    AllocRecord,
    ClassScans,
    FieldRecord,
    OtherLine,
    Record,
    ScanRecord,
    SizeClass,
    StackRecord,
    StructRecord,
    TypeRecord,
)

LAYOUT_KINDS = {
    "struct": StructRecord,
    "field": FieldRecord,
    "type": TypeRecord,
    "alloc": AllocRecord,
    "scan": ScanRecord,
    "stack": StackRecord,
}
"""The `kind` of each JSON line and the record it becomes."""


def _typed(cls: type, data: dict[str, Any], line_no: int, line: str) -> Record:
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name == "line_no":
            continue
        if f.name not in data:
            raise ParseError(f"{data['kind']} line lacks {f.name!r}", line_no=line_no, line=line)
        value = data[f.name]
        want = f.type if isinstance(f.type, str) else f.type.__name__
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "str": isinstance(value, str),
        }.get(want, True)
        if not ok:
            raise ParseError(
                f"{data['kind']} field {f.name!r} should be {want}, not {value!r}",
                line_no=line_no,
                line=line,
            )
        values[f.name] = float(value) if want == "float" else value
    return cls(**values, line_no=line_no)


def parse_lines(text: str | bytes) -> tuple[Record, ...]:
    """Every non-blank line of `text` as a record (see `LAYOUT_KINDS`)."""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise ParseError(f"expected text, not {type(text).__name__}")
    records: list[Record] = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            raise ParseError("not a JSON line", line_no=line_no, line=line) from None
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            raise ParseError(
                "a JSON object with a string 'kind' expected", line_no=line_no, line=line
            )
        cls = LAYOUT_KINDS.get(data["kind"])
        if cls is None:
            records.append(OtherLine(data["kind"], data, line_no))
        else:
            records.append(_typed(cls, data, line_no, line))
    return tuple(records)


_CLASS_HEADER = re.compile(
    r"^//\s*class\s+bytes/obj\s+bytes/span\s+objects\s+tail waste\s+"
    r"max waste\s+min align\s*$"
)
_CLASS_ROW = re.compile(r"^//\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)%\s+(\d+)\s*$")


def parse_size_classes(text: str) -> tuple[SizeClass, ...]:
    """The rows of the `// class bytes/obj ...` table in Go's `sizeclasses.go`, in order.

    ParseError if the table is missing, a row inside it is malformed, or classes are not
    numbered 1, 2, 3, ... with growing sizes.
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, not {type(text).__name__}")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _CLASS_HEADER.match(line)), None)
    if start is None:
        raise ParseError("no '// class  bytes/obj  bytes/span ...' table in the text")
    rows: list[SizeClass] = []
    for line_no, line in enumerate(lines[start + 1 :], start + 2):
        if not line.strip() or line.strip() == "//":
            break
        match = _CLASS_ROW.match(line)
        if not match:
            raise ParseError("a size-class row expected", line_no=line_no, line=line)
        cls, size, span, objects, tail, waste, align = match.groups()
        row = SizeClass(
            int(cls), int(size), int(span), int(objects), int(tail), float(waste), int(align)
        )
        expected = rows[-1].size_class + 1 if rows else 1
        if row.size_class != expected or (
            rows and row.bytes_per_object <= rows[-1].bytes_per_object
        ):
            raise ParseError(
                f"size class {row.size_class} out of order (expected {expected} "
                "with a larger size)",
                line_no=line_no,
                line=line,
            )
        rows.append(row)
    if not rows:
        raise ParseError("the size-class table has no rows", line_no=start + 1)
    return tuple(rows)


_SCAN_MARK = re.compile(r"layout: scan (begin|read) (\S+)\n")
_SCAN_CLASS = re.compile(
    r"^scan: class (L|(\d+)B) (\d+)\+(\d+)\+(\d+)=(\d+) objs, (\d+)\+(\d+)=(\d+) spans$"
)


def parse_scan_stats(text: str | bytes) -> dict[str, dict[int, ClassScans]]:
    """Per shape of the sample's scan section, the scanner statistics (`ClassScans` by class
        size, 0 = large objects) of the last GC cycle before the shape's metrics were read.

        Reads the stderr of `layout scan` run with `GODEBUG=gctrace=2`: the sample writes
        `layout: scan begin SHAPE` and `layout: scan read SHAPE` around each shape (one write
        each), and the runtime writes `scan: total ...` and then one `scan: class ...` line per
    size class at the end of every cycle, in pieces, so a marker can land inside a runtime
    line: the markers are taken out first, and a cycle belongs to the side of a marker its
    `scan: total` line began on. Other lines (gctrace's own) are ignored, and so is an
    unfinished last line (the program may exit while the runtime prints its final cycle).
    ParseError on a malformed `scan:` line, a sum that does not add up, or markers out of
    order."""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise ParseError(f"expected text, not {type(text).__name__}")
    marks: list[tuple[int, str, str]] = []  # (offset in the text without markers, what, shape)
    pieces: list[str] = []
    kept = last = 0
    for m in _SCAN_MARK.finditer(text):
        pieces.append(text[last : m.start()])
        kept += m.start() - last
        last = m.end()
        marks.append((kept, m.group(1), m.group(2)))
    pieces.append(text[last:])
    clean = "".join(pieces)
    cycles: list[tuple[int, dict[int, ClassScans]]] = []  # (offset of 'scan: total', classes)
    offset = 0
    for line_no, line in enumerate(clean.splitlines(keepends=True), 1):
        at, offset = offset, offset + len(line)
        if not line.endswith("\n"):
            break  # the program exited while the runtime was still printing its last cycle
        line = line.rstrip("\n")
        if line.startswith("scan: total "):
            cycles.append((at, {}))
        elif line.startswith("scan: class "):
            found = _SCAN_CLASS.match(line)
            if not found or not cycles:
                raise ParseError("a 'scan: class' line expected", line_no=line_no, line=line)
            single, sparse, dense, objs, sparse_spans, dense_spans, spans = (
                int(x) for x in found.groups()[2:]
            )
            if single + sparse + dense != objs or sparse_spans + dense_spans != spans:
                raise ParseError("the scan counts do not add up", line_no=line_no, line=line)
            size = int(found.group(2)) if found.group(2) else 0
            cycles[-1][1][size] = ClassScans(size, single, sparse, dense, sparse_spans, dense_spans)
    stats: dict[str, dict[int, ClassScans]] = {}
    shape: str | None = None
    began = 0
    for at, what, name in marks:
        if (what == "begin") != (shape is None) or (what == "read" and name != shape):
            raise ParseError(f"scan markers out of order at 'layout: scan {what} {name}'")
        if what == "begin":
            shape, began = name, at
            continue
        inside = [classes for start, classes in cycles if began <= start < at]
        stats[name] = inside[-1] if inside else {}
        shape = None
    if shape is not None:
        raise ParseError(f"no 'layout: scan read' line for {shape}")
    return stats
