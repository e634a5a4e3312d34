"""A small reader of the protobuf wire format: just what profile.proto needs.

A message is a sequence of fields, each a key varint (field number << 3 | wire type) followed
by a varint (type 0), 8 bytes (1), a length and that many bytes (2) or 4 bytes (5). Repeated
integers come either one per field or "packed" in one length-delimited field. Every read is
bounds-checked: malformed input raises ParseError, never IndexError or an endless loop.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import ParseError

VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5
_MAX_VARINT_BYTES = 10
_U64 = (1 << 64) - 1


def read_varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """The unsigned varint at `pos` and the position after it."""
    result = 0
    shift = 0
    start = pos
    while True:
        if pos >= end:
            raise ParseError(f"truncated varint at byte {start}")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & _U64, pos  # protobuf keeps the low 64 bits of a 10-byte varint
        shift += 7
        if pos - start >= _MAX_VARINT_BYTES:
            raise ParseError(f"varint longer than {_MAX_VARINT_BYTES} bytes at byte {start}")


def as_int64(value: int) -> int:
    """An unsigned 64-bit varint read as a two's-complement int64 (how int64 fields encode)."""
    value &= 0xFFFF_FFFF_FFFF_FFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def fields(
    data: bytes, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int, int | tuple[int, int]]]:
    """(field number, wire type, value) for each field of the message in data[start:end].

    The value is an int for varint and fixed fields, and a (start, end) span into `data` for
    length-delimited ones (so nested messages are read without copying).
    """
    pos = start
    end = len(data) if end is None else end
    while pos < end:
        key, pos = read_varint(data, pos, end)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ParseError(f"field number 0 at byte {pos}: not a protobuf message")
        if wire == VARINT:
            value, pos = read_varint(data, pos, end)
            yield number, wire, value
        elif wire == BYTES:
            length, pos = read_varint(data, pos, end)
            if length > end - pos:
                raise ParseError(
                    f"field {number} claims {length} bytes at byte {pos}, "
                    f"only {end - pos} left (truncated?)"
                )
            yield number, wire, (pos, pos + length)
            pos += length
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
            if size > end - pos:
                raise ParseError(f"truncated fixed-size field {number} at byte {pos}")
            yield number, wire, int.from_bytes(data[pos : pos + size], "little")
            pos += size
        else:
            raise ParseError(f"unsupported wire type {wire} for field {number} at byte {pos}")


def packed_varints(data: bytes, span: tuple[int, int]) -> list[int]:
    """The varints packed in data[span[0]:span[1]] (fast path when each fits in one byte)."""
    start, end = span
    chunk = data[start:end]
    if not chunk or max(chunk) < 0x80:
        return list(chunk)
    values: list[int] = []
    append = values.append
    result = shift = 0
    for byte in chunk:
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            append(result & _U64)
            result = shift = 0
        else:
            shift += 7
            if shift >= 7 * _MAX_VARINT_BYTES:
                raise ParseError(
                    f"varint longer than {_MAX_VARINT_BYTES} bytes in a packed "
                    f"field at byte {start}"
                )
    if shift:
        raise ParseError(f"truncated varint at the end of a packed field at byte {start}")
    return values


def small_message(data: bytes, start: int, end: int) -> dict[int, int] | None:
    """The varint fields of a small message, by number, when every key and value is a plain
    varint with a one-byte key (the common case: read without the generic machinery).
    None when the message has anything else; then use `fields`."""
    out: dict[int, int] = {}
    pos = start
    while pos < end:
        key = data[pos]
        if key >= 0x80 or key & 7 != VARINT:
            return None
        pos += 1
        if pos < end and data[pos] < 0x80:
            out[key >> 3] = data[pos]
            pos += 1
        else:
            out[key >> 3], pos = read_varint(data, pos, end)
    return out


def repeated_ints(data: bytes, wire: int, value: int | tuple[int, int]) -> list[int]:
    """A repeated integer field's values from one occurrence, packed or not."""
    if wire == BYTES:
        return packed_varints(data, value)  # type: ignore[arg-type]
    if wire == VARINT:
        return [value]  # type: ignore[list-item]
    raise ParseError(f"a repeated integer field has wire type {wire}")
