"""Profiles with pprof: record them from real runs, decode them in Python, find hot spots.

p = gm.pprof.run("pprof", "mem")               # the sample writes its own profile
p = gm.pprof.run("pprof", bench="Wasteful")    # go test -bench -benchmem -memprofile
p = gm.pprof.load("mem.pprof")                 # pure decoder: file or bytes -> Profile
p.top("alloc_space"), p.frame, p.plot("top"), p.plot("flame"), p.summary()
d = after.diff(before)                         # go tool pprof -diff_base, as a Profile
d.top(), d.changes(), d.plot("flame"), d.plot("flame_gregg")
gm.pprof.compare([before1, ...], [after1, ...]) # repeated profiles: what appeared, grew, ...
gm.pprof.source_lines(p, "countWasteful"), gm.pprof.tool_text(p, "-top"),
gm.pprof.web(p)                                # the real go tool pprof
p = gm.pprof.fetch(url, "heap", gc=True)       # from a running service (net/http/pprof)
"""

from typing import TYPE_CHECKING, Any

from . import exercises
from .fetch import FETCH_KINDS, fetch, profile_url
from .parse import MAX_PROFILE_BYTES, Decoded, decode, decompress
from .records import Function, Label, Line, Location, Mapping, Sample, ValueType
from .result import (
    FRAME_DOC,
    PLOT_KINDS,
    Profile,
    ProfileDiff,
    StackFrame,
    format_value,
    load,
    parse,
    short_path,
)
from .run import PPROF_KINDS, default_benchtime, run, tiny_fit_paths
from .tools import ToolReport, pprof_text, source_lines, tool_text, web

if TYPE_CHECKING:
    from .repeated import RepeatedComparison, compare

_LAZY = ("RepeatedComparison", "compare")
"""Loaded on first use: `repeated` needs gm.bench's statistics, whose SciPy import takes about
a second, which a notebook that only fetches or reads profiles (11) should not wait for."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import repeated

        return getattr(repeated, name)
    raise AttributeError(f"module 'gomemlab.pprof' has no attribute {name!r}")


__all__ = [
    "FETCH_KINDS",
    "FRAME_DOC",
    "MAX_PROFILE_BYTES",
    "PLOT_KINDS",
    "PPROF_KINDS",
    "Decoded",
    "Function",
    "Label",
    "Line",
    "Location",
    "Mapping",
    "Profile",
    "ProfileDiff",
    "RepeatedComparison",
    "Sample",
    "StackFrame",
    "ToolReport",
    "ValueType",
    "compare",
    "decode",
    "decompress",
    "default_benchtime",
    "exercises",
    "fetch",
    "format_value",
    "load",
    "parse",
    "pprof_text",
    "profile_url",
    "run",
    "short_path",
    "source_lines",
    "tiny_fit_paths",
    "tool_text",
    "web",
]
