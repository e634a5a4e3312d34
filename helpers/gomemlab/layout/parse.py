"""Pure parsers: the layout sample's JSON lines, and the runtime's size-class table.

`parse_lines(text)` reads what `gosamples/layout` (or a struct-measuring snippet) prints: one
JSON object per line with a `kind`. A known kind with missing or mistyped fields, or a line
that is not a JSON object, is a `ParseError` naming the line; an unknown kind is kept as an
`OtherRecord`. `parse_size_classes(text)` reads the comment table at the top of Go's
generated `sizeclasses.go`.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from typing import Any

from ..errors import ParseError
from .records import (
    AllocRecord,
    FieldRecord,
    OtherRecord,
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
            records.append(OtherRecord(data["kind"], data, line_no))
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
