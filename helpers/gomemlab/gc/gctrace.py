"""Parse `GODEBUG=gctrace=1` output: one record per collection, every format Go has printed.

Formats (newest first), all accepted:

* Go 1.18+: ``gc 7 @0.203s 13%: 0.12+29+0.12 ms clock, 0.25+1.9/13/0.14+0.25 ms cpu,
  43->49->24 MB, 50 MB goal, 0 MB stacks, 0 MB globals, 2 P`` (+ `` (forced)``). Go 1.27 may add
  `` (checking for goroutine leaks)`` after the percentage.
* Go 1.7-1.17: the same without the stacks and globals fields.
* Go 1.5-1.6: five clock phases (sweep termination, scan, synchronize Ps, mark, mark
  termination); the middle three are concurrent and are summed into `clock_mark_ms`.
* Go 1.3-1.4 (stop-the-world collector): ``gc12(8): 0+0+6000+1000 us, 26 -> 53 MB, ...``, and
  Go 1.1-1.2, the same in ms (``gc3(1): 0+1+0 ms, 4 -> 2 MB 16 -> 18 (19-1) objects, ...``):
  the whole collection is one pause, kept in `stw_ms`; the fields those lines lack are NaN.

Any other line (the program's own stderr, ``GC forced``, scavenger lines) is kept as an
`OtherLine`, never dropped. A line that starts like a trace line but does not parse raises
ParseError naming it, except an unfinished last line starting with "gc" (no newline after
it): a program that exits while the runtime prints leaves one (even just ``gc ``), and it is
kept with kind "truncated".
"""

from __future__ import annotations

import contextlib
import gc
import io
import math
import re
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..errors import ParseError

NAN = math.nan

_MODERN = re.compile(
    r"gc #?(\d+) @(\d+(?:\.\d+)?)s (\d+)%( \(checking for goroutine leaks\))?: "
    r"([\d.+]+) ms clock, ([\d.+/]+) ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, "
    r"(?:(\d+) MB stacks, (\d+) ?MB globals, )?"
    r"(\d+) P( \(forced\))?"
)
_F = r"(\d+(?:\.\d+)?)"
_FAST = re.compile(  # the Go 1.7+ layout in one pass: no splitting needed
    rf"gc #?(\d+) @{_F}s (\d+)%( \(checking for goroutine leaks\))?: "
    rf"{_F}\+{_F}\+{_F} ms clock, {_F}\+{_F}/{_F}/{_F}\+{_F} ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, "
    r"(?:(\d+) MB stacks, (\d+) ?MB globals, )?"
    r"(\d+) P( \(forced\))?"
)
_WHOLE = re.compile(  # the same layout over a whole text, for traces with no other lines;
    # neighbouring numbers are captured together (fewer strings) and split by the CSV reader
    r"^gc (\d+) @([\d.]+)s (\d+)%( \(checking for goroutine leaks\))?: "
    r"([\d.]+\+[\d.]+\+[\d.]+) ms clock, ([\d.]+\+[\d.]+/[\d.]+/[\d.]+\+[\d.]+) ms cpu, "
    r"(\d+->\d+->\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?"
    r"(\d+) P( \(forced\))?$", re.MULTILINE)
_LINE_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines splits at these too
_GO14 = re.compile(  # Go 1.3-1.4 (phases in µs); Go 1.1-1.2 printed ms and "MB 16 -> 18 ..."
    r"gc(\d+)\((\d+)\): (\d+(?:\+\d+)+) (us|ms), (\d+) -> (\d+) MB\b.*"
)
_HUGE = re.compile(r"\d{19}")  # no GC count, size or P count has 19 digits
_CANDIDATE = re.compile(r"gc ?#?\d")
_NUM = r"\d+(?:\.\d+)?"
_CLOCK = re.compile(rf"{_NUM}(?:\+{_NUM})+")
_CPU = re.compile(rf"{_NUM}(?:\+{_NUM})*\+{_NUM}/{_NUM}/{_NUM}\+{_NUM}")


@dataclass(slots=True)
class GCCycle:
    """One collection as gctrace reported it.

    Times are milliseconds except `t_s` (seconds since program start); heap sizes are MiB,
    rounded down by the runtime (it prints bytes >> 20). CPU times are summed over all Ps.
    """

    line_no: int  # 1-based line in the parsed text
    cycle: int  # the GC number, counting from 1
    t_s: float  # when the cycle started, seconds since the program started
    cpu_pct: float  # share of CPU time spent in GC since the program started, %
    clock_sweep_term_ms: float  # wall time of the STW sweep termination
    clock_mark_ms: float  # wall time of the concurrent mark (and scan)
    clock_mark_term_ms: float  # wall time of the STW mark termination
    cpu_sweep_term_ms: float  # CPU time of sweep termination (its wall time × Ps)
    cpu_assist_ms: float  # CPU time goroutines spent assisting the marker while allocating
    cpu_background_ms: float  # CPU time of the dedicated and fractional background markers
    cpu_idle_ms: float  # CPU time of marking on otherwise idle Ps
    cpu_mark_term_ms: float  # CPU time of mark termination
    heap_start_mib: float  # heap in use when the cycle started
    heap_end_mib: float  # heap in use when marking ended
    heap_live_mib: float  # heap marked live by this cycle
    goal_mib: float  # the heap goal this cycle worked toward
    stacks_mib: float  # scannable goroutine stacks (Go 1.18+, else NaN)
    globals_mib: float  # scannable globals (Go 1.18+, else NaN)
    procs: int  # Ps (GOMAXPROCS) used
    forced: bool  # started by runtime.GC() (or debug.FreeOSMemory)
    stw_ms: float  # total stop-the-world wall time: sweep termination + mark termination
    format: str  # "go1.18+", "go1.7-1.17", "go1.5-1.6", "go1.3-1.4" or "go1.1-1.2"
    leak_check: bool = False  # Go 1.27: "(checking for goroutine leaks)" cycle


@dataclass(frozen=True, slots=True)
class OtherLine:
    """A line that is not a gctrace record (kept so nothing is silently dropped)."""

    line_no: int
    text: str
    kind: str = "other"


COLUMNS = tuple(f.name for f in fields(GCCycle))


def _parts(text: str, sep: str) -> list[float]:
    return [float(x) for x in text.split(sep)]


def _modern(match: re.Match, line_no: int, line: str) -> GCCycle:
    (cycle, t, pct, leak, clock, cpu, h0, h1, h2, goal, stacks, globals_, procs,
     forced) = match.groups()
    if not _CLOCK.fullmatch(clock) or not _CPU.fullmatch(cpu):
        raise ParseError("malformed clock or cpu times in a gctrace line", line_no=line_no,
                         line=line)
    phases = _parts(clock, "+")
    before, marks, after = cpu.split("/", 1)[0], cpu.split("/")[1], cpu.rsplit("/", 1)[1]
    head = _parts(before, "+")  # sweep termination [, scan, sync], assist
    idle, term = _parts(after, "+")
    modern = len(phases) == 3
    if (len(phases), len(head)) not in ((3, 2), (5, 4)):
        raise ParseError(f"expected 3 or 5 clock phases matching the cpu times, got {clock!r} "
                         f"and {cpu!r}", line_no=line_no, line=line)
    if stacks is not None:
        fmt = "go1.18+"
    elif modern:
        fmt = "go1.7-1.17"
    else:
        fmt = "go1.5-1.6"
    return GCCycle(
        line_no=line_no, cycle=int(cycle), t_s=float(t), cpu_pct=float(pct),
        clock_sweep_term_ms=phases[0], clock_mark_ms=sum(phases[1:-1]),
        clock_mark_term_ms=phases[-1], cpu_sweep_term_ms=head[0], cpu_assist_ms=head[-1],
        cpu_background_ms=float(marks) + sum(head[1:-1]), cpu_idle_ms=idle,
        cpu_mark_term_ms=term, heap_start_mib=float(h0), heap_end_mib=float(h1),
        heap_live_mib=float(h2), goal_mib=float(goal),
        stacks_mib=NAN if stacks is None else float(stacks),
        globals_mib=NAN if globals_ is None else float(globals_), procs=int(procs),
        forced=forced is not None, stw_ms=phases[0] + phases[-1], format=fmt,
        leak_check=leak is not None,
    )


def _go14(match: re.Match, line_no: int) -> GCCycle:
    cycle, procs, phases, unit, h0, h1 = match.groups()
    pause_ms = sum(_parts(phases, "+")) / (1000.0 if unit == "us" else 1.0)
    return GCCycle(
        line_no=line_no, cycle=int(cycle), t_s=NAN, cpu_pct=NAN, clock_sweep_term_ms=NAN,
        clock_mark_ms=NAN, clock_mark_term_ms=NAN, cpu_sweep_term_ms=NAN, cpu_assist_ms=NAN,
        cpu_background_ms=NAN, cpu_idle_ms=NAN, cpu_mark_term_ms=NAN,
        heap_start_mib=float(h0), heap_end_mib=float(h1), heap_live_mib=float(h1),
        goal_mib=NAN, stacks_mib=NAN, globals_mib=NAN, procs=int(procs), forced=False,
        stw_ms=pause_ms, format="go1.3-1.4" if unit == "us" else "go1.1-1.2",
    )


def parse_lines(text: str) -> tuple[list[GCCycle], list[OtherLine]]:
    """Split gctrace text into cycles and other lines (see the module docstring)."""
    cycles: list[GCCycle] = []
    others: list[OtherLine] = []
    # A program that exits while the runtime prints a trace line leaves the last line cut off.
    cut_off = 0 if text.endswith("\n") else text.count("\n") + 1
    fast_match = _FAST.fullmatch
    modern_match = _MODERN.fullmatch
    append = cycles.append
    nan = NAN
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("gc") and _HUGE.search(line):
            raise ParseError("a count too large for a gctrace line", line_no=line_no, line=line)
        if line.startswith("gc"):
            fast = fast_match(line)
            if fast is not None:
                (cycle, t, pct, leak, c1, c2, c3, u1, u2, u3, u4, u5, h0, h1, h2, goal, stacks,
                 globals_, procs, forced) = fast.groups()
                c1, c3 = float(c1), float(c3)
                append(GCCycle(
                    line_no, int(cycle), float(t), float(pct), c1, float(c2), c3, float(u1),
                    float(u2), float(u3), float(u4), float(u5), float(h0), float(h1), float(h2),
                    float(goal), nan if stacks is None else float(stacks),
                    nan if globals_ is None else float(globals_), int(procs),
                    forced is not None, c1 + c3,
                    "go1.7-1.17" if stacks is None else "go1.18+", leak is not None))
                continue
            match = modern_match(line)
            if match is not None:
                cycles.append(_modern(match, line_no, line))
                continue
            if line_no == cut_off and _GO14.fullmatch(line) is None:
                others.append(OtherLine(line_no, raw, kind="truncated"))
                continue
            if _CANDIDATE.match(line):
                old = _GO14.fullmatch(line)
                if old is None:
                    raise ParseError("a gctrace line in no format this parser knows",
                                     line_no=line_no, line=line)
                cycles.append(_go14(old, line_no))
                continue
        others.append(OtherLine(line_no, raw))
    return cycles, others


def records_frame(cycles: list[GCCycle]) -> pd.DataFrame:
    """The cycles as a DataFrame, one column per GCCycle field."""
    frame = pd.DataFrame([tuple(getattr(c, name) for name in COLUMNS) for c in cycles],
                         columns=list(COLUMNS))
    return frame.astype(_DTYPES)


_DTYPES = {name: float for name in COLUMNS}
_DTYPES.update(line_no=int, cycle=int, procs=int, forced=bool, leak_check=bool, format=object)


@contextlib.contextmanager
def _no_cyclic_gc():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _whole_text(text: str, line_nos: list[int] | None = None) -> pd.DataFrame | None:
    """Fast path for a text made only of Go 1.7+ trace lines: one regex pass over the whole
    text and pandas' C number parser. None when any line needs the line-by-line parser."""
    lines = text.count("\n") + (not text.endswith("\n"))
    if not text or any(brk in text for brk in _LINE_BREAKS):
        return None
    with _no_cyclic_gc():  # a million short-lived strings: no need to look for cycles
        rows = _WHOLE.findall(text)
        if len(rows) != lines:
            return None
        csv = "\n".join(map(",".join, rows)).replace("+", ",").replace("/", ",")
        del rows
    csv = csv.replace("->", ",")
    names = ["cycle", "t_s", "cpu_pct", "leak", "c1", "c2", "c3", "u1", "u2", "u3", "u4", "u5",
             "h0", "h1", "h2", "goal", "stacks", "globals", "procs", "forced"]
    kinds = {"leak": str, "forced": str, "cycle": "int64", "procs": "int64"}
    try:
        raw = pd.read_csv(io.StringIO(csv), header=None, names=names,
                          dtype={n: kinds.get(n, float) for n in names},
                          keep_default_na=False, na_values={"stacks": [""], "globals": [""]},
                          engine="c")
    except (ValueError, OverflowError):  # e.g. "1.2.3": let the line parser name the line
        return None
    stacks = raw.stacks
    return pd.DataFrame({
        "line_no": np.asarray(line_nos, dtype=np.int64) if line_nos
        else np.arange(1, lines + 1, dtype=np.int64), "cycle": raw.cycle, "t_s": raw.t_s,
        "cpu_pct": raw.cpu_pct, "clock_sweep_term_ms": raw.c1, "clock_mark_ms": raw.c2,
        "clock_mark_term_ms": raw.c3, "cpu_sweep_term_ms": raw.u1, "cpu_assist_ms": raw.u2,
        "cpu_background_ms": raw.u3, "cpu_idle_ms": raw.u4, "cpu_mark_term_ms": raw.u5,
        "heap_start_mib": raw.h0, "heap_end_mib": raw.h1, "heap_live_mib": raw.h2,
        "goal_mib": raw.goal, "stacks_mib": stacks,
        "globals_mib": raw["globals"],
        "procs": raw.procs, "forced": raw.forced != "", "stw_ms": raw.c1 + raw.c3,
        "format": np.where(stacks.isna(), "go1.7-1.17", "go1.18+").astype(object),
        "leak_check": raw.leak != "",
    })


def parse_table(text: str) -> tuple[pd.DataFrame, list[OtherLine]]:
    """Cycles as a DataFrame (columns: the GCCycle fields) and the other lines."""
    if text.count("\ngc") + text.startswith("gc") == text.count("\n") + (not text.endswith("\n")):
        fast = _whole_text(text)  # only trace lines, it seems
        if fast is not None:
            return fast, []
    lines = text.splitlines()
    trace = [(no, line.rstrip()) for no, line in enumerate(lines, 1) if line.startswith("gc")]
    if trace:  # trace lines among others: the fast path on the trace lines alone
        fast = _whole_text("\n".join(line for _, line in trace), [no for no, _ in trace])
        if fast is not None:
            return fast, [OtherLine(no, line) for no, line in enumerate(lines, 1)
                          if not line.startswith("gc")]
    cycles, others = parse_lines(text)
    return records_frame(cycles), others
