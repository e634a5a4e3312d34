"""Struct layout reasoning, done by our own code (pure): Go's placement rule, the holes it
leaves, and the field order that leaves none (the reasoning of `go vet`'s fieldalignment).

Go places each field at the next offset that is a multiple of its alignment, gives a struct
the largest alignment of its fields, and rounds the size up to a multiple of it. A zero-size
last field gets one byte of its own first (so its address never points past the struct).
These functions reproduce that from each field's size and alignment; the notebook checks
the results against `unsafe.Sizeof` of the same structs compiled by Go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .. import validate
from ..errors import UsageError
from .records import FieldRecord


@dataclass(frozen=True)
class Placed:
    """A field at the offset Go's rule gives it."""

    name: str
    type: str
    offset: int
    size: int
    align: int
    pointers: bool


@dataclass(frozen=True)
class Hole:
    """Padding: bytes `start` to `end` (exclusive) that belong to no field."""

    start: int
    end: int

    @property
    def size(self) -> int:
        """Bytes from start to end."""
        return self.end - self.start


def _align_up(n: int, align: int) -> int:
    return (n + align - 1) // align * align


@validate.typed
def _check_fields(fields: object) -> None:
    if isinstance(fields, str) or not isinstance(fields, Sequence):
        raise UsageError(
            "fields must be a list of fields (e.g. layout.structs['T'].fields), not "
            f"{type(fields).__name__}"
        )
    for field in fields:
        if not all(hasattr(field, a) for a in ("size", "align", "pointers")):
            raise UsageError(
                f"fields must hold field records (with size, align, pointers), not "
                f"{type(field).__name__} {field!r:.40}"
            )


@validate.typed
def place(fields: Sequence[FieldRecord | Placed]) -> tuple[tuple[Placed, ...], int, int]:
    """Lay `fields` out in the given order: (placed fields, struct size, struct alignment)."""
    _check_fields(fields)
    offset, align, placed = 0, 1, []
    for f in fields:
        if f.align < 1 or f.align & (f.align - 1) or f.size < 0 or f.size % f.align:
            raise UsageError(
                f"field {f.name}: alignment must be a power of two dividing the "
                f"size, not size {f.size}, align {f.align}"
            )
        offset = _align_up(offset, f.align)
        placed.append(Placed(f.name, f.type, offset, f.size, f.align, f.pointers))
        offset += f.size
        align = max(align, f.align)
    if placed and placed[-1].size == 0 and offset > 0:
        offset += 1
    return tuple(placed), _align_up(offset, align), align


def holes(fields: Sequence[FieldRecord | Placed], size: int) -> tuple[Hole, ...]:
    """The padding between fields (in offset order) and after the last one up to `size`."""
    found, cursor = [], 0
    for f in sorted(fields, key=lambda f: f.offset):
        if f.offset > cursor:
            found.append(Hole(cursor, f.offset))
        cursor = max(cursor, f.offset + f.size)
    if size > cursor:
        found.append(Hole(cursor, size))
    return tuple(found)


def optimal_order(fields: Sequence[FieldRecord | Placed]) -> tuple[FieldRecord | Placed, ...]:
    """The fields reordered to leave no hole between them: zero-size fields first (so none is
    last), then by alignment, largest first; among equals, pointerful fields before
    pointer-free ones (a shorter prefix for the collector to scan), then larger first. The
    sort is stable, so fields that tie keep the order they were written in."""
    _check_fields(fields)
    return tuple(sorted(fields, key=lambda f: (f.size != 0, -f.align, not f.pointers, -f.size)))


def optimal_size(fields: Sequence[FieldRecord | Placed]) -> int:
    """The size of the struct with its fields in `optimal_order`."""
    return place(optimal_order(fields))[1]


def go_type(type_text: str, package: str = "main") -> str:
    """A type as reflect prints it, written for Go source inside `package` (`*main.T` -> `*T`)."""
    return type_text.replace(f"{package}.", "")


def go_struct(name: str, fields: Sequence[FieldRecord | Placed]) -> str:
    """Go source declaring struct `name` with `fields` in the given order."""
    width = max((len(f.name) for f in fields), default=0)
    body = "".join(f"\t{f.name:<{width}} {go_type(f.type)}\n" for f in fields)
    return f"type {name} struct {{\n{body}}}\n"
