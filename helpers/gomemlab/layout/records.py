"""Frozen records of one line of the layout sample's output, and of one size class."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..deprecation import old_names


@dataclass(frozen=True)
class StructRecord:
    """A struct as `unsafe.Sizeof`/`unsafe.Alignof` report it."""

    name: str
    size: int
    align: int
    fields: int
    line_no: int = 0


@dataclass(frozen=True)
class FieldRecord:
    """One field of a struct: where it starts (`unsafe.Offsetof`), its size and alignment,
    and whether it holds a pointer the collector must follow."""

    struct: str
    index: int
    name: str
    type: str
    offset: int
    size: int
    align: int
    pointers: bool
    line_no: int = 0

    @property
    def end(self) -> int:
        """The offset just past the field."""
        return self.offset + self.size


@dataclass(frozen=True)
class TypeRecord:
    """The size of a value of a built-in type (for a header type, the header alone)."""

    name: str
    size: int
    align: int
    line_no: int = 0


@dataclass(frozen=True)
class AllocRecord:
    """One `testing.Benchmark` of `new(T)` run inside a program: bytes and allocations per op."""

    name: str
    bytes_per_op: int
    allocs_per_op: int
    iterations: int
    line_no: int = 0


@dataclass(frozen=True)
class ScanRecord:
    """What one working set costs the collector (see the sample's `ScanInfo`)."""

    shape: str
    elements: int
    element_bytes: int
    heap_scan_bytes: int
    live_bytes: int
    gc_cpu_seconds: float
    gc_wall_seconds: float
    gc_cpu_seconds_min: float
    gc_wall_seconds_min: float
    cycles: int
    line_no: int = 0


@dataclass(frozen=True)
class ClassScans:
    """Green Tea's scanner statistics for one size class in one GC cycle (`GODEBUG=gctrace=2`:
    `scan: class 32B A+B+C=T objs, S+D=U spans`; `size` 0 is the large-object line `class L`).

    `single` objects were scanned alone (the only mark on their span), `sparse` one by one from
    a span scan, `dense` by the vector kernel (`scan.ScanSpanPacked`, amd64 with AVX-512 only);
    `sparse_spans`/`dense_spans` count the span scans of each kind."""

    size: int
    single: int
    sparse: int
    dense: int
    sparse_spans: int
    dense_spans: int

    @property
    def per_object(self) -> int:
        """Objects whose scannable bytes were counted up to their last pointer."""
        return self.single + self.sparse


@dataclass(frozen=True)
class StackRecord:
    """One goroutine's stack growing under a recursion (see the sample's `StackInfo`)."""

    starting_size: int
    depth: int
    frame_bytes: int
    addr_before: int
    addr_after: int
    value: int
    used_bytes: int
    stacks_before: int
    stacks_deep: int
    stacks_after: int
    line_no: int = 0


@dataclass(frozen=True)
class OtherLine:
    """A well-formed JSON line of a kind this parser does not know: kept, never dropped."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    line_no: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))


@dataclass(frozen=True)
class SizeClass:
    """One row of the runtime's size-class table (`sizeclasses.go`)."""

    size_class: int
    bytes_per_object: int
    bytes_per_span: int
    objects: int
    tail_waste: int
    max_waste_pct: float
    min_align: int


Record = (
    StructRecord | FieldRecord | TypeRecord | AllocRecord | ScanRecord | StackRecord | OtherLine
)

__getattr__ = old_names(__name__, {"OtherRecord": "OtherLine"}, globals())
