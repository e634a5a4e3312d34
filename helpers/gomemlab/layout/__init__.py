"""Memory layout: struct sizes and padding, size classes, pointer-free memory, stacks.

lay = gm.layout.run()                  # the sample's structs, as unsafe reports them
lay.plot("bytes", names=["Padded"])    # fields and padding, byte by byte
gm.layout.run(src)                     # compile your structs: Sizeof, Offsetof, B/op
gm.layout.alloc_sweep().plot()         # B/op of n-byte objects vs the runtime's classes
gm.layout.scan(), gm.layout.stack()    # GC scan work per working set; a stack that moves
"""

from ..deprecation import old_names
from . import optimize
from .optimize import Hole, Placed, go_struct, optimal_order, optimal_size, place
from .parse import LAYOUT_KINDS, parse_lines, parse_scan_stats, parse_size_classes
from .records import (
    AllocRecord,
    ClassScans,
    FieldRecord,
    OtherLine,
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
    run,
    scan,
    size_class_file,
    size_classes,
    sizes_hold,
    stack,
    struct_names,
)

_old_names = old_names(__name__, {"OtherRecord": "OtherLine"}, globals())


def __getattr__(name: str):
    """`exercises` loads on first use."""
    if name == "exercises":
        import importlib

        return importlib.import_module(".exercises", __name__)
    if name == "OtherRecord":
        return _old_names(name)
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
    "OtherLine",
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
    "run",
    "scan",
    "size_class_file",
    "size_classes",
    "sizes_hold",
    "stack",
    "struct_names",
]
