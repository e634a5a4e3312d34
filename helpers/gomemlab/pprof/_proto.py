"""profile.proto (github.com/google/pprof, proto/profile.proto) for the `protobuf` package's
C (upb) parser, built at run time from a FileDescriptorProto: no .proto file, no protoc.

`classes()` gives the message classes, or None when the `protobuf` package is not installed
(then `parse.py` reads the wire format in pure Python). String-table entries are declared
`bytes` rather than `string`, so invalid UTF-8 is decoded with replacement by us instead of
failing the whole parse.

Samples are many (65,536 in a 4 MB profile) and reading them one by one in Python is what
costs, so three views of the same bytes let the C parser do the work in bulk:

- `Profile`: profile.proto, except that `sample` is `repeated bytes` (each sample's raw bytes);
- `Samples`: one Sample's fields as repeated fields. Protobuf concatenates the repeated fields
  of concatenated messages, so every sample's bytes joined with `SAMPLE_END` after each parse
  as one message holding every location id, value and label in file order; the separator adds
  a sentinel id, value and label, which mark where each sample ends;
- `Labels`: likewise for labels, each followed by `LABEL_END` (a sentinel in every field).

A sentinel that a real profile could hold (location id 2**64-1, value or label field -2**63)
shows up as a wrong count of separators; then the reference reader decides.
"""

from __future__ import annotations

import functools
from typing import Any

_PACKAGE = "gomemlab.pprof"
_I64, _U64, _BYTES, _BOOL, _MSG = 3, 4, 12, 8, 11  # FieldDescriptorProto.Type values
_OPT, _REP = 1, 3  # FieldDescriptorProto.Label values

# message -> (number, name, type, label, message type), as in profile.proto
_MESSAGES: dict[str, tuple[tuple[int, str, int, int, str], ...]] = {
    "Profile": (
        (1, "sample_type", _MSG, _REP, "ValueType"),
        (2, "sample", _BYTES, _REP, ""),
        (3, "mapping", _MSG, _REP, "Mapping"),
        (4, "location", _MSG, _REP, "Location"),
        (5, "function", _MSG, _REP, "Function"),
        (6, "string_table", _BYTES, _REP, ""),
        (7, "drop_frames", _I64, _OPT, ""),
        (8, "keep_frames", _I64, _OPT, ""),
        (9, "time_nanos", _I64, _OPT, ""),
        (10, "duration_nanos", _I64, _OPT, ""),
        (11, "period_type", _MSG, _OPT, "ValueType"),
        (12, "period", _I64, _OPT, ""),
        (13, "comment", _I64, _REP, ""),
        (14, "default_sample_type", _I64, _OPT, ""),
    ),
    "ValueType": ((1, "type", _I64, _OPT, ""), (2, "unit", _I64, _OPT, "")),
    "Samples": (
        (1, "location_id", _U64, _REP, ""),
        (2, "value", _I64, _REP, ""),
        (3, "label", _BYTES, _REP, ""),
    ),
    "Labels": (
        (1, "key", _I64, _REP, ""),
        (2, "str", _I64, _REP, ""),
        (3, "num", _I64, _REP, ""),
        (4, "num_unit", _I64, _REP, ""),
    ),
    "Mapping": (
        (1, "id", _U64, _OPT, ""),
        (2, "memory_start", _U64, _OPT, ""),
        (3, "memory_limit", _U64, _OPT, ""),
        (4, "file_offset", _U64, _OPT, ""),
        (5, "filename", _I64, _OPT, ""),
        (6, "build_id", _I64, _OPT, ""),
        (7, "has_functions", _BOOL, _OPT, ""),
        (8, "has_filenames", _BOOL, _OPT, ""),
        (9, "has_line_numbers", _BOOL, _OPT, ""),
        (10, "has_inline_frames", _BOOL, _OPT, ""),
    ),
    "Location": (
        (1, "id", _U64, _OPT, ""),
        (2, "mapping_id", _U64, _OPT, ""),
        (3, "address", _U64, _OPT, ""),
        (4, "line", _MSG, _REP, "Line"),
        (5, "is_folded", _BOOL, _OPT, ""),
    ),
    "Line": (
        (1, "function_id", _U64, _OPT, ""),
        (2, "line", _I64, _OPT, ""),
        (3, "column", _I64, _OPT, ""),
    ),
    "Function": (
        (1, "id", _U64, _OPT, ""),
        (2, "name", _I64, _OPT, ""),
        (3, "system_name", _I64, _OPT, ""),
        (4, "filename", _I64, _OPT, ""),
        (5, "start_line", _I64, _OPT, ""),
    ),
}


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


ID_SENTINEL = (1 << 64) - 1
VALUE_SENTINEL = -(1 << 63)
SENTINEL_LABEL = b"\x08" + _varint(VALUE_SENTINEL)
SAMPLE_END = (
    b"\x08"
    + _varint(ID_SENTINEL)
    + b"\x10"
    + _varint(VALUE_SENTINEL)
    + b"\x1a"
    + _varint(len(SENTINEL_LABEL))
    + SENTINEL_LABEL
)
LABEL_END = b"".join(bytes([number << 3]) + _varint(VALUE_SENTINEL) for number in (1, 2, 3, 4))


@functools.cache
def classes() -> dict[str, Any] | None:
    """The generated message classes by name (`Profile`, `Samples`, `Labels`, ...), or None
    without the `protobuf` package."""
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError:
        return None
    file = descriptor_pb2.FileDescriptorProto(
        name="gomemlab/pprof/profile.proto", package=_PACKAGE, syntax="proto3"
    )
    for name, fields in _MESSAGES.items():
        message = file.message_type.add(name=name)
        for number, field_name, kind, label, type_name in fields:
            field = message.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = f".{_PACKAGE}.{type_name}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"))
        for name in _MESSAGES
    }


def decode_error() -> type[Exception]:
    """The exception the C parser raises on malformed bytes."""
    from google.protobuf.message import DecodeError

    return DecodeError


def unknown_fields(message: Any) -> list[tuple[int, int]]:
    """(field number, wire type) of each field of `message` the schema does not know, or knows
    under another wire type (protobuf keeps those aside instead of failing)."""
    from google.protobuf.unknown_fields import UnknownFieldSet

    return [(f.field_number, f.wire_type) for f in UnknownFieldSet(message)]
