"""One decoded record of a pprof profile each: frozen, with string-table indices resolved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class ValueType:
    """What a sample value measures: type ("alloc_space") and unit ("bytes")."""

    type: str
    unit: str


@dataclass(frozen=True)
class Function:
    """A function: its id, names, source file and first line."""

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
    """A mapped binary: address range, offset, file and build id."""

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
