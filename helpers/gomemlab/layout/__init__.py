"""Memory layout: struct sizes and padding, size classes, pointer-free memory, stacks.

lay = gm.layout.layouts()              # the sample's structs, as unsafe reports them
lay.plot("bytes", names=["Padded"])    # fields and padding, byte by byte
gm.layout.measure(src)                 # compile your structs: Sizeof, Offsetof, B/op
gm.layout.alloc_sweep().plot()         # B/op of n-byte objects vs the runtime's classes
gm.layout.scan(), gm.layout.stack()    # GC scan work per working set; a stack that moves
"""

from . import optimize
from .optimize import Hole, Placed, go_struct, optimal_order, optimal_size, place
from .parse import LAYOUT_KINDS, parse_lines, parse_scan_stats, parse_size_classes
from .records import (
    AllocRecord,
    ClassScans,
    FieldRecord,
    OtherRecord,
    ScanRecord,
    SizeClass,
    StackRecord,
    StructRecord,
    TypeRecord,
)
from .result import (
    CLASS_FRAME_DOC,
    FRAME_DOC,
    SCAN_FRAME_DOC,
    SWEEP_FRAME_DOC,
    Layout,
    ScanReport,
    SizeClasses,
    SizeSweep,
    StackReport,
    StructLayout,
)
from .run import (
    alloc_sweep,
    benchmarks,
    layouts,
    measure,
    scan,
    size_class_file,
    size_classes,
    stack,
    struct_names,
)


def __getattr__(name: str):
    """`exercises` loads on first use."""
    if name == "exercises":
        import importlib

        return importlib.import_module(".exercises", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CLASS_FRAME_DOC",
    "FRAME_DOC",
    "LAYOUT_KINDS",
    "SCAN_FRAME_DOC",
    "SWEEP_FRAME_DOC",
    "AllocRecord",
    "ClassScans",
    "FieldRecord",
    "Hole",
    "Layout",
    "OtherRecord",
    "Placed",
    "ScanRecord",
    "ScanReport",
    "SizeClass",
    "SizeClasses",
    "SizeSweep",
    "StackRecord",
    "StackReport",
    "StructLayout",
    "StructRecord",
    "TypeRecord",
    "alloc_sweep",
    "benchmarks",
    "go_struct",
    "layouts",
    "measure",
    "optimal_order",
    "optimal_size",
    "optimize",
    "parse_lines",
    "parse_scan_stats",
    "parse_size_classes",
    "place",
    "scan",
    "size_class_file",
    "size_classes",
    "stack",
    "struct_names",
]
