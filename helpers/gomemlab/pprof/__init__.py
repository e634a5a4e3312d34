"""Profiles with pprof: record them from real runs, decode them in Python, find hot spots.

    p = gm.pprof.run("pprof", "mem")               # the sample writes its own profile
    p = gm.pprof.run("pprof", bench="Wasteful")    # go test -bench -benchmem -memprofile
    p = gm.pprof.parse(data)                       # pure decoder: bytes -> Profile
    p.top("alloc_space"), p.frame, p.plot_top(), p.flame(), p.list("countWasteful"), p.web()
"""

from .decode import Decoded, Function, Label, Line, Location, Mapping, Sample, ValueType
from .profile import FRAME_DOC, Frame, Profile, format_value, load, parse, short_path
from .run import KINDS, default_benchtime, run
from .tools import ToolReport, pprof_text

__all__ = [
    "FRAME_DOC", "KINDS", "Decoded", "Frame", "Function", "Label", "Line", "Location",
    "Mapping", "Profile", "Sample", "ToolReport", "ValueType", "default_benchtime", "format_value",
    "load", "parse", "pprof_text", "run", "short_path",
]
