"""Decode a pprof profile (gzip-compressed profile.proto) into a `Decoded`: pure and total.

The message layout (github.com/google/pprof, proto/profile.proto): a Profile holds sample
types, samples (location ids leaf first, one value per sample type, labels), mappings,
locations (each a list of lines, the innermost inlined call first), functions, a string table
that every name refers to by index, and the period, time and duration of the recording.

Two readers give the same result. The fast one is the `protobuf` package's C (upb) parser
with profile.proto built at run time (`_proto.py`); the reference one reads the wire format in
pure Python (`_wire.py`), used when `protobuf` is not installed and whenever the fast one finds
anything wrong, so that every corrupt input gets the reference reader's ParseError, which says
what is wrong and at which byte. Samples are kept as columns (numpy arrays); `Decoded.samples`
builds the per-sample records on first use.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from ..errors import ParseError
from . import _proto
from ._wire import (
    BYTES,
    VARINT,
    as_int64,
    fields,
    packed_varints,
    read_varint,
    repeated_ints,
    small_message,
)
from .records import Function, Label, Line, Location, Mapping, Sample, ValueType

GZIP_MAGIC = b"\x1f\x8b"
MAX_PROFILE_BYTES = 256 * 1024 * 1024
"""The most a profile may decompress to (256 MiB; Go's own profiles of a large program are a
few MB). Decompression streams in 1 MiB steps and stops with a ParseError as soon as the output
passes this cap, so a gzip bomb costs at most the cap in memory and the time to inflate it (about
0.3 s on an idle core; 2.7 s was measured for a 4.7 MB bomb on a machine with load 12)."""
_CHUNK = 1 << 20
_U64 = (1 << 64) - 1


@dataclass(frozen=True, eq=False)
class Decoded:
    """Everything the profile message holds, with string indices resolved.

    Samples are columns: sample i's location ids are `stack_ids[stack_starts[i]:
    stack_starts[i + 1]]` (leaf first), its values `values[i]` (one per sample type), its labels
    the rows of `label_table` (sample, key, str, num, num_unit; string-table indices into
    `strings`). `samples` and `label_rows` give them as records (built once, on first use).
    """

    sample_types: tuple[ValueType, ...]
    locations: MappingType[int, Location]
    functions: MappingType[int, Function]
    mappings: tuple[Mapping, ...]
    stack_ids: np.ndarray
    stack_starts: np.ndarray
    values: np.ndarray
    label_table: np.ndarray = field(default_factory=lambda: np.zeros((0, 5), np.int64))
    strings: tuple[str, ...] = ("",)
    period_type: ValueType | None = None
    period: int = 0
    time_nanos: int = 0
    duration_nanos: int = 0
    comments: tuple[str, ...] = ()
    default_sample_type: str = ""
    drop_frames: str = ""
    keep_frames: str = ""

    def __len__(self) -> int:
        return len(self.stack_starts) - 1

    @cached_property
    def label_rows(self) -> tuple[tuple[int, Label], ...]:
        """(sample index, label) for every label, in file order."""
        text = self.strings
        return tuple(
            (i, Label(text[key], text[value], number, text[unit]))
            for i, key, value, number, unit in self.label_table.tolist()
        )

    @cached_property
    def labels(self) -> tuple[tuple[Label, ...], ...]:
        """Each sample's labels, in file order."""
        per: list[list[Label]] = [[] for _ in range(len(self))]
        for index, label in self.label_rows:
            per[index].append(label)
        return tuple(map(tuple, per))

    @cached_property
    def samples(self) -> tuple[Sample, ...]:
        """Each sample as a record: location ids, values, labels."""
        ids = self.stack_ids.tolist()
        starts = self.stack_starts.tolist()
        values = self.values.tolist()
        return tuple(
            Sample(tuple(ids[a:b]), tuple(v), labels)
            for a, b, v, labels in zip(starts[:-1], starts[1:], values, self.labels, strict=True)
        )


def decompress(data: bytes, *, limit: int = MAX_PROFILE_BYTES) -> bytes:
    """The protobuf bytes of a profile: gunzipped (at most `limit` bytes, see
    `MAX_PROFILE_BYTES`) if gzip-compressed, else as given."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(f"a profile is bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ParseError("empty input: not a pprof profile")
    if data[:2] == GZIP_MAGIC:
        return _gunzip(data, limit)
    if len(data) > limit:
        raise ParseError(
            f"the profile is {len(data):,} bytes, more than the {limit:,} this reader accepts"
        )
    text_start = data[:40].lstrip()
    if text_start[:1].isalpha() and b":" in text_start:
        raise ParseError(
            "this looks like a text profile (written with debug=1 or older Go); "
            "write it with debug=0 for the pprof format"
        )
    return data


def _gunzip(data: bytes, limit: int) -> bytes:
    """Every gzip member of `data`, streamed, stopping once the output passes `limit`."""
    chunks: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while not stream.eof:
                piece = stream.decompress(pending, _CHUNK)
                size += len(piece)
                if size > limit:
                    raise ParseError(
                        f"the gzip data decompresses to more than {limit:,} bytes (the cap "
                        f"for a profile; from {len(data):,} compressed bytes): not a profile, "
                        "or a gzip bomb"
                    )
                chunks.append(piece)
                pending = stream.unconsumed_tail
                if not piece and not pending:
                    raise ParseError("corrupt or truncated gzip data: the stream ends early")
            rest = stream.unused_data
            if rest[:2] != GZIP_MAGIC:
                if rest.strip(b"\0"):
                    raise ParseError(f"{len(rest)} bytes of trailing garbage after the gzip data")
                break
    except zlib.error as exc:
        raise ParseError(f"corrupt or truncated gzip data: {exc}") from None
    return b"".join(chunks)


def decode(data: bytes, *, limit: int = MAX_PROFILE_BYTES) -> Decoded:
    """Decode profile bytes (gzip-compressed or not). Raises ParseError on anything malformed;
    a profile may decompress to at most `limit` bytes."""
    raw = decompress(data, limit=limit)
    classes = _proto.classes()
    if classes is not None:
        try:
            return _decode_fast(classes, raw)
        except _Doubtful:
            pass  # the reference reader decides: its precise ParseError, or the profile
    return _decode_reference(raw)


# --- the fast reader: protobuf's C parser, then checks on whole columns ---------------------


class _Doubtful(Exception):
    """The fast reader found something wrong: the reference reader says exactly what."""


def _parse(cls: Any, data: bytes) -> Any:
    try:
        message = cls.FromString(data)
    except _proto.decode_error() as exc:
        raise _Doubtful(str(exc)) from None
    if _proto.unknown_fields(message):
        raise _Doubtful("a field has an unexpected wire type")
    return message


def _decode_fast(classes: dict[str, Any], raw: bytes) -> Decoded:
    message = _parse(classes["Profile"], raw)
    strings = [s.decode("utf-8", errors="replace") for s in message.string_table]
    if not strings or strings[0] or not message.sample_type:
        raise _Doubtful("no string table or no sample types")

    def text(index: int) -> str:
        if not 0 <= index < len(strings):
            raise _Doubtful(f"string index {index} out of range")
        return strings[index]

    small = [*message.sample_type, *message.function, *message.mapping, *message.location]
    small += [line for loc in message.location for line in loc.line]
    if message.HasField("period_type"):
        small.append(message.period_type)
    if any(_proto.unknown_fields(m) for m in small):
        raise _Doubtful("a record has a field with an unexpected wire type")
    sample_types = tuple(ValueType(text(t.type), text(t.unit)) for t in message.sample_type)
    functions: dict[int, Function] = {}
    for f in message.function:
        if f.id == 0:
            raise _Doubtful("function id 0")
        functions[f.id] = Function(
            f.id, text(f.name), text(f.system_name), text(f.filename), f.start_line
        )
    locations: dict[int, Location] = {}
    for loc in message.location:
        lines = []
        for line in loc.line:
            if line.function_id and line.function_id not in functions:
                raise _Doubtful("undefined function")
            lines.append(Line(functions.get(line.function_id), line.line, line.column))
        if loc.id == 0:
            raise _Doubtful("location id 0")
        locations[loc.id] = Location(
            loc.id, loc.mapping_id, loc.address, tuple(lines), loc.is_folded
        )
    ids, starts, values, label_table = _sample_columns(
        classes, message.sample, len(sample_types), len(strings)
    )
    if len(ids) and not np.isin(ids, np.fromiter(locations, np.uint64, len(locations))).all():
        raise _Doubtful("a sample refers to an undefined location")
    default = text(message.default_sample_type)
    if default and default not in {t.type for t in sample_types}:
        raise _Doubtful("unknown default sample type")
    return Decoded(
        sample_types=sample_types,
        locations=MappingProxyType(locations),
        functions=MappingProxyType(functions),
        mappings=tuple(
            Mapping(
                m.id,
                m.memory_start,
                m.memory_limit,
                m.file_offset,
                text(m.filename),
                text(m.build_id),
            )
            for m in message.mapping
        ),
        stack_ids=ids,
        stack_starts=starts,
        values=values,
        label_table=label_table,
        strings=tuple(strings),
        period_type=(
            ValueType(text(message.period_type.type), text(message.period_type.unit))
            if message.HasField("period_type")
            else None
        ),
        period=message.period,
        time_nanos=message.time_nanos,
        duration_nanos=message.duration_nanos,
        comments=tuple(text(i) for i in message.comment),
        default_sample_type=default,
        drop_frames=text(message.drop_frames),
        keep_frames=text(message.keep_frames),
    )


def _split(column: np.ndarray, sentinel: int, parts: int) -> tuple[np.ndarray, np.ndarray]:
    """`column` without its `parts` sentinels, and where each part starts (parts + 1)."""
    ends = np.flatnonzero(column == sentinel)
    if len(ends) != parts or (parts and ends[-1] != len(column) - 1):
        raise _Doubtful("a sentinel value occurs in the profile itself")
    starts = np.zeros(parts + 1, dtype=np.int64)
    starts[1:] = ends + 1 - np.arange(1, parts + 1)
    return np.delete(column, ends), starts


def _last_of_each(column: np.ndarray, parts: int) -> np.ndarray:
    """Per part of a sentinel-separated column: its last value (protobuf: the last occurrence
    of a singular field wins), 0 for an empty part."""
    ends = np.flatnonzero(column == _proto.VALUE_SENTINEL)
    if len(ends) != parts:
        raise _Doubtful("a sentinel value occurs in a label")
    previous = np.concatenate(([-1], ends[:-1]))
    present = ends - previous > 1
    return np.where(present, column[np.maximum(ends - 1, 0)], 0)


def _sample_columns(
    classes: dict[str, Any], samples: Any, n_types: int, n_strings: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Location ids, stack offsets, values and labels (sample, key, str, num, num_unit) of the
    samples, as columns, read in bulk (see `_proto`)."""
    n = len(samples)
    flat = _parse(
        classes["Samples"], _proto.SAMPLE_END.join(samples) + _proto.SAMPLE_END if n else b""
    )
    ids, starts = _split(np.array(flat.location_id, dtype=np.uint64), _proto.ID_SENTINEL, n)
    values, value_starts = _split(np.array(flat.value, dtype=np.int64), _proto.VALUE_SENTINEL, n)
    if len(values) != n * n_types or (np.diff(value_starts) != n_types).any():
        raise _Doubtful("a sample has the wrong number of values")
    raw_labels = list(flat.label)
    is_end = np.array([b == _proto.SENTINEL_LABEL for b in raw_labels], dtype=bool)
    if int(is_end.sum()) != n:
        raise _Doubtful("a sentinel label occurs in the profile itself")
    sample_of_label = np.cumsum(is_end)[~is_end]
    real = [b for b, end in zip(raw_labels, is_end.tolist(), strict=True) if not end]
    table = np.zeros((len(real), 5), dtype=np.int64)
    table[:, 0] = sample_of_label
    if real:
        labels = _parse(classes["Labels"], _proto.LABEL_END.join(real) + _proto.LABEL_END)
        for column, name in enumerate(("key", "str", "num", "num_unit"), 1):
            table[:, column] = _last_of_each(
                np.array(getattr(labels, name), dtype=np.int64), len(real)
            )
        indices = table[:, [1, 2, 4]]
        if indices.min() < 0 or indices.max() >= n_strings:
            raise _Doubtful("a label refers to a string the table does not have")
    return ids, starts, values.reshape(n, n_types), table


# --- the reference reader: the wire format in pure Python ------------------------------------


class _Reader:
    """Decodes the top-level message; string indices are resolved at the end."""

    def __init__(self, data: bytes):
        self.data = data
        self.strings: list[str] = []

    def top_level(self) -> tuple[dict[int, list[tuple[int, int]]], dict[int, int], list[int]]:
        """Read the string table; return the spans of the sub-messages by field number, the
        scalar fields and the comment indices."""
        raw = self.data
        spans: dict[int, list[tuple[int, int]]] = {2: [], 1: [], 3: [], 4: [], 5: [], 11: []}
        scalars: dict[int, int] = {}
        comments: list[int] = []
        for number, wire, value in fields(raw):
            if number == 6:
                if wire != BYTES:
                    raise ParseError(f"string table entry with wire type {wire}")
                start, end = value  # type: ignore[misc]
                self.strings.append(raw[start:end].decode("utf-8", errors="replace"))
            elif number == 13:
                comments += repeated_ints(raw, wire, value)
            elif number in spans:
                if wire != BYTES:
                    raise ParseError(
                        f"profile field {number} should be a message, has wire "
                        f"type {wire}: not a pprof profile"
                    )
                spans[number].append(value)  # type: ignore[arg-type]
            elif wire == VARINT:
                scalars[number] = value  # type: ignore[assignment]
        return spans, scalars, comments

    def text(self, index: int, what: str) -> str:
        if not 0 <= index < len(self.strings):
            raise ParseError(
                f"{what} refers to string {index}, but the string table has "
                f"{len(self.strings)} entries"
            )
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
        return ValueType(
            self.text(v.get(1, 0), "a sample type"), self.text(v.get(2, 0), "a sample unit")
        )

    def function(self, span: tuple[int, int]) -> Function:
        v = self.varints(span, "Function")
        return Function(
            id=v.get(1, 0) & _U64,
            name=self.text(v.get(2, 0), "a function name"),
            system_name=self.text(v.get(3, 0), "a function name"),
            filename=self.text(v.get(4, 0), "a file name"),
            start_line=as_int64(v.get(5, 0)),
        )

    def mapping(self, span: tuple[int, int]) -> Mapping:
        v = self.varints(span, "Mapping")
        return Mapping(
            id=v.get(1, 0),
            start=v.get(2, 0),
            limit=v.get(3, 0),
            offset=v.get(4, 0),
            filename=self.text(v.get(5, 0), "a mapping file"),
            build_id=self.text(v.get(6, 0), "a build id"),
        )

    def location(self, span: tuple[int, int], functions: dict[int, Function]) -> Location:
        scalars: dict[int, int] = {}
        lines: list[Line] = []
        for number, wire, value in fields(self.data, *span):
            if number == 4 and wire == BYTES:
                v = self.varints(value, "Line")  # type: ignore[arg-type]
                fid = v.get(1, 0) & _U64
                if fid and fid not in functions:
                    raise ParseError(
                        f"a location line refers to function {fid}, which the "
                        "profile does not define"
                    )
                lines.append(Line(functions.get(fid), as_int64(v.get(2, 0)), as_int64(v.get(3, 0))))
            elif wire == VARINT:
                scalars[number] = value  # type: ignore[assignment]
        return Location(
            id=scalars.get(1, 0) & _U64,
            mapping_id=scalars.get(2, 0),
            address=scalars.get(3, 0),
            lines=tuple(lines),
            is_folded=bool(scalars.get(5, 0)),
        )

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
                raise ParseError(
                    f"sample field claims {length} bytes at byte {pos}, only "
                    f"{end - pos} left (truncated?)"
                )
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
        return Label(
            self.text(v.get(1, 0), "a label key"),
            self.text(v.get(2, 0), "a label value"),
            as_int64(v.get(3, 0)),
            self.text(v.get(4, 0), "a label unit"),
        )

    @staticmethod
    def _checked(ids: list[int], values: list[int], labels: list[Label], n_types: int) -> Sample:
        if len(values) != n_types:
            raise ParseError(
                f"a sample has {len(values)} values but the profile declares {n_types} sample types"
            )
        if values and (max(values) >= 1 << 63):
            values = [as_int64(v) for v in values]
        if ids and max(ids) > _U64:
            ids = [i & _U64 for i in ids]
        return Sample(tuple(ids), tuple(values), tuple(labels))


_PACKED_SAMPLE_KEYS = frozenset({0x0A, 0x12, 0x1A})  # fields 1, 2, 3 as length-delimited
_VARINT_FIELDS = {
    "ValueType": (1, 2),
    "Function": (1, 2, 3, 4, 5),
    "Line": (1, 2, 3),
    "Label": (1, 2, 3, 4),
    "Mapping": tuple(range(1, 11)),
}


def _decode_reference(raw: bytes) -> Decoded:
    """The pure-Python reader: every check, with a message naming what is wrong."""
    reader = _Reader(raw)
    spans, scalars, comments = reader.top_level()
    if not reader.strings or reader.strings[0] != "":
        raise ParseError("no string table (or its first entry is not empty): not a pprof profile")
    if not spans[1]:
        raise ParseError("the profile declares no sample types: not a pprof profile")
    sample_types = tuple(reader.value_type(s) for s in spans[1])
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
                raise ParseError(
                    f"a sample refers to location {lid}, which the profile does not define"
                )
    default = reader.text(scalars.get(14, 0), "the default sample type")
    if default and default not in {t.type for t in sample_types}:
        raise ParseError(
            f"the default sample type {default!r} is none of the profile's sample types"
        )
    starts = np.zeros(len(samples) + 1, dtype=np.int64)
    np.cumsum([len(s.location_ids) for s in samples], out=starts[1:])
    index = {text: i for i, text in reversed(list(enumerate(reader.strings)))}
    return Decoded(
        sample_types=sample_types,
        locations=MappingProxyType(locations),
        functions=MappingProxyType(functions),
        mappings=tuple(reader.mapping(s) for s in spans[3]),
        stack_ids=np.array([i for s in samples for i in s.location_ids], dtype=np.uint64),
        stack_starts=starts,
        values=np.array([s.values for s in samples], dtype=np.int64).reshape(
            len(samples), len(sample_types)
        ),
        label_table=np.array(
            [
                (i, *(index[t] for t in (lb.key, lb.text)), lb.number, index[lb.unit])
                for i, s in enumerate(samples)
                for lb in s.labels
            ],
            dtype=np.int64,
        ).reshape(-1, 5),
        strings=tuple(reader.strings),
        period_type=reader.value_type(spans[11][-1]) if spans[11] else None,
        period=as_int64(scalars.get(12, 0)),
        time_nanos=as_int64(scalars.get(9, 0)),
        duration_nanos=as_int64(scalars.get(10, 0)),
        comments=tuple(reader.text(i, "a comment") for i in comments),
        default_sample_type=default,
        drop_frames=reader.text(scalars.get(7, 0), "drop_frames"),
        keep_frames=reader.text(scalars.get(8, 0), "keep_frames"),
    )


__all__ = ["GZIP_MAGIC", "MAX_PROFILE_BYTES", "Decoded", "decode", "decompress"]
