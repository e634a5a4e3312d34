"""Decode a pprof profile (gzip-compressed profile.proto) into typed records: pure and total.

The message layout (github.com/google/pprof, proto/profile.proto): a Profile holds sample
types, samples (location ids leaf first, one value per sample type, labels), mappings,
locations (each a list of lines, the innermost inlined call first), functions, a string table
that every name refers to by index, and the period, time and duration of the recording.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import ParseError
from .wire import (
    BYTES,
    VARINT,
    as_int64,
    fields,
    packed_varints,
    read_varint,
    repeated_ints,
    small_message,
)

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class ValueType:
    """What a sample value measures: type ("alloc_space") and unit ("bytes")."""

    type: str
    unit: str


@dataclass(frozen=True)
class Function:
    id: int
    name: str
    system_name: str
    filename: str
    start_line: int


@dataclass(frozen=True)
class Line:
    """One source line of a location: the function and line number (column if recorded)."""

    function: Function | None
    line: int
    column: int = 0


@dataclass(frozen=True)
class Location:
    """A program counter and its source lines: lines[0] is the innermost inlined call."""

    id: int
    mapping_id: int
    address: int
    lines: tuple[Line, ...]
    is_folded: bool = False


@dataclass(frozen=True)
class Mapping:
    id: int
    start: int
    limit: int
    offset: int
    filename: str
    build_id: str


class Label(NamedTuple):
    """A sample label: a string (`text`) or a number with an optional unit."""

    key: str
    text: str = ""
    number: int = 0
    unit: str = ""


class Sample(NamedTuple):
    """Location ids leaf first, one value per sample type, and labels."""

    location_ids: tuple[int, ...]
    values: tuple[int, ...]
    labels: tuple[Label, ...] = ()


@dataclass
class Decoded:
    """Everything the profile message holds, with string indices resolved."""

    sample_types: list[ValueType]
    samples: list[Sample]
    locations: dict[int, Location]
    functions: dict[int, Function]
    mappings: list[Mapping]
    period_type: ValueType | None = None
    period: int = 0
    time_nanos: int = 0
    duration_nanos: int = 0
    comments: list[str] = field(default_factory=list)
    default_sample_type: str = ""
    drop_frames: str = ""
    keep_frames: str = ""


def decompress(data: bytes) -> bytes:
    """The protobuf bytes of a profile: gunzipped if gzip-compressed, else as given."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(f"a profile is bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ParseError("empty input: not a pprof profile")
    if data[:2] == GZIP_MAGIC:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ParseError(f"corrupt or truncated gzip data: {exc}") from None
    text_start = data[:40].lstrip()
    if text_start[:1].isalpha() and b":" in text_start:
        raise ParseError("this looks like a text profile (written with debug=1 or older Go); "
                         "write it with debug=0 for the pprof format")
    return data


class _Reader:
    """Decodes the top-level message; string indices are resolved at the end."""

    def __init__(self, data: bytes):
        self.data = data
        self.strings: list[str] = []

    def text(self, index: int, what: str) -> str:
        if not 0 <= index < len(self.strings):
            raise ParseError(f"{what} refers to string {index}, but the string table has "
                             f"{len(self.strings)} entries")
        return self.strings[index]

    def varints(self, span: tuple[int, int], what: str) -> dict[int, int]:
        """Singular varint fields of a small message, by field number."""
        fast = small_message(self.data, *span)
        if fast is not None:
            return fast
        out: dict[int, int] = {}
        for number, wire, value in fields(self.data, *span):
            if wire == VARINT:
                out[number] = value  # type: ignore[assignment]
            elif number in _VARINT_FIELDS.get(what, ()):
                raise ParseError(f"{what} field {number} has wire type {wire}, expected varint")
        return out

    def value_type(self, span: tuple[int, int]) -> ValueType:
        v = self.varints(span, "ValueType")
        return ValueType(self.text(v.get(1, 0), "a sample type"),
                         self.text(v.get(2, 0), "a sample unit"))

    def function(self, span: tuple[int, int]) -> Function:
        v = self.varints(span, "Function")
        return Function(id=v.get(1, 0), name=self.text(v.get(2, 0), "a function name"),
                        system_name=self.text(v.get(3, 0), "a function name"),
                        filename=self.text(v.get(4, 0), "a file name"),
                        start_line=as_int64(v.get(5, 0)))

    def mapping(self, span: tuple[int, int]) -> Mapping:
        v = self.varints(span, "Mapping")
        return Mapping(id=v.get(1, 0), start=v.get(2, 0), limit=v.get(3, 0), offset=v.get(4, 0),
                       filename=self.text(v.get(5, 0), "a mapping file"),
                       build_id=self.text(v.get(6, 0), "a build id"))

    def location(self, span: tuple[int, int], functions: dict[int, Function]) -> Location:
        scalars: dict[int, int] = {}
        lines: list[Line] = []
        for number, wire, value in fields(self.data, *span):
            if number == 4 and wire == BYTES:
                v = self.varints(value, "Line")  # type: ignore[arg-type]
                fid = v.get(1, 0)
                if fid and fid not in functions:
                    raise ParseError(f"a location line refers to function {fid}, which the "
                                     "profile does not define")
                lines.append(Line(functions.get(fid), as_int64(v.get(2, 0)),
                                  as_int64(v.get(3, 0))))
            elif wire == VARINT:
                scalars[number] = value  # type: ignore[assignment]
        return Location(id=scalars.get(1, 0), mapping_id=scalars.get(2, 0),
                        address=scalars.get(3, 0), lines=tuple(lines),
                        is_folded=bool(scalars.get(5, 0)))

    def sample(self, span: tuple[int, int], n_types: int) -> Sample:
        """One sample. Fast path for the usual layout (packed ids and values, labels); any
        other well-formed layout goes through the generic field reader."""
        data = self.data
        pos, end = span
        ids: list[int] = []
        values: list[int] = []
        labels: list[Label] = []
        while pos < end:
            key = data[pos]
            if key not in _PACKED_SAMPLE_KEYS or pos + 1 >= end:
                return self._sample_generic(span, n_types)
            length = data[pos + 1]
            pos += 2
            if length >= 0x80:
                length, pos = read_varint(data, pos - 1, end)
            if length > end - pos:
                raise ParseError(f"sample field claims {length} bytes at byte {pos}, only "
                                 f"{end - pos} left (truncated?)")
            if key == 0x0A:
                ids += packed_varints(data, (pos, pos + length))
            elif key == 0x12:
                values += packed_varints(data, (pos, pos + length))
            else:
                labels.append(self.label((pos, pos + length)))
            pos += length
        return self._checked(ids, values, labels, n_types)

    def _sample_generic(self, span: tuple[int, int], n_types: int) -> Sample:
        ids: list[int] = []
        values: list[int] = []
        labels: list[Label] = []
        for number, wire, value in fields(self.data, *span):
            if number == 1:
                ids += repeated_ints(self.data, wire, value)
            elif number == 2:
                values += repeated_ints(self.data, wire, value)
            elif number == 3 and wire == BYTES:
                labels.append(self.label(value))  # type: ignore[arg-type]
        return self._checked(ids, values, labels, n_types)

    def label(self, span: tuple[int, int]) -> Label:
        v = self.varints(span, "Label")
        return Label(self.text(v.get(1, 0), "a label key"), self.text(v.get(2, 0), "a label value"),
                     as_int64(v.get(3, 0)), self.text(v.get(4, 0), "a label unit"))

    @staticmethod
    def _checked(ids: list[int], values: list[int], labels: list[Label], n_types: int) -> Sample:
        if len(values) != n_types:
            raise ParseError(f"a sample has {len(values)} values but the profile declares "
                             f"{n_types} sample types")
        if values and max(values) >= 1 << 63:
            values = [as_int64(v) for v in values]
        return Sample(tuple(ids), tuple(values), tuple(labels))


_PACKED_SAMPLE_KEYS = frozenset({0x0A, 0x12, 0x1A})  # fields 1, 2, 3 as length-delimited
_VARINT_FIELDS = {"ValueType": (1, 2), "Function": (1, 2, 3, 4, 5), "Line": (1, 2, 3),
                  "Label": (1, 2, 3, 4), "Mapping": tuple(range(1, 11))}


def decode(data: bytes) -> Decoded:
    """Decode profile bytes (gzip-compressed or not). Raises ParseError on anything malformed."""
    raw = decompress(data)
    reader = _Reader(raw)
    spans: dict[int, list[tuple[int, int]]] = {2: [], 1: [], 3: [], 4: [], 5: [], 11: []}
    scalars: dict[int, int] = {}
    comments: list[int] = []
    for number, wire, value in fields(raw):
        if number == 6:
            if wire != BYTES:
                raise ParseError(f"string table entry with wire type {wire}")
            start, end = value  # type: ignore[misc]
            reader.strings.append(raw[start:end].decode("utf-8", errors="replace"))
        elif number == 13:
            comments += repeated_ints(raw, wire, value)
        elif number in spans:
            if wire != BYTES:
                raise ParseError(f"profile field {number} should be a message, has wire type "
                                 f"{wire}: not a pprof profile")
            spans[number].append(value)  # type: ignore[arg-type]
        elif wire == VARINT:
            scalars[number] = value  # type: ignore[assignment]
    if not reader.strings or reader.strings[0] != "":
        raise ParseError("no string table (or its first entry is not empty): "
                         "not a pprof profile")
    if not spans[1]:
        raise ParseError("the profile declares no sample types: not a pprof profile")
    sample_types = [reader.value_type(s) for s in spans[1]]
    functions: dict[int, Function] = {}
    for span in spans[5]:
        fn = reader.function(span)
        if fn.id == 0:
            raise ParseError("a function has id 0 (ids must be non-zero)")
        functions[fn.id] = fn
    locations: dict[int, Location] = {}
    for span in spans[4]:
        loc = reader.location(span, functions)
        if loc.id == 0:
            raise ParseError("a location has id 0 (ids must be non-zero)")
        locations[loc.id] = loc
    samples = [reader.sample(span, len(sample_types)) for span in spans[2]]
    for sample in samples:
        for lid in sample.location_ids:
            if lid not in locations:
                raise ParseError(f"a sample refers to location {lid}, which the profile does "
                                 "not define")
    default = reader.text(scalars.get(14, 0), "the default sample type")
    if default and default not in {t.type for t in sample_types}:
        raise ParseError(f"the default sample type {default!r} is none of the profile's sample "
                         "types")
    return Decoded(
        sample_types=sample_types, samples=samples, locations=locations, functions=functions,
        mappings=[reader.mapping(s) for s in spans[3]],
        period_type=reader.value_type(spans[11][-1]) if spans[11] else None,
        period=as_int64(scalars.get(12, 0)), time_nanos=as_int64(scalars.get(9, 0)),
        duration_nanos=as_int64(scalars.get(10, 0)),
        comments=[reader.text(i, "a comment") for i in comments],
        default_sample_type=default,
        drop_frames=reader.text(scalars.get(7, 0), "drop_frames"),
        keep_frames=reader.text(scalars.get(8, 0), "keep_frames"),
    )
