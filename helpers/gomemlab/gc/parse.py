"""Pure parsers: `GODEBUG=gctrace=1` text and the gc sample's runtime/metrics JSON lines.

gctrace, every layout Go has printed (newest first), all accepted:

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

Metrics: each line ``{"t_s": 0.012, "final": false, "values": {"/gc/heap/goal:bytes": ...},
"pauses": [{"lo": 4.1e-06, "hi": 5.1e-06, "n": 1}, ...]}``; `pauses` holds the non-empty
buckets of the cumulative histogram `/sched/pauses/total/gc:seconds` (null = infinite bound).
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError, UsageError
from .records import COLUMNS, GCCycle, OtherLine

NAN = math.nan

_N = r"[\d.]+"  # a number; float() (or the CSV reader) rejects "1.2.3" and names the line
GCTRACE_LINE = re.compile(
    # The one regex for the Go 1.5+ layout: used on single lines (fullmatch) and, with
    # MULTILINE, over a whole text made only of trace lines (findall, the fast path). How
    # many clock phases and cpu terms there are is checked after the match (3 and 2+3, or
    # Go 1.5/1.6's 5 and 4+3): a looser pattern is a faster one.
    rf"^gc #?(\d+) @({_N})s (\d+)%( \(checking for goroutine leaks\))?: "
    rf"({_N}(?:\+{_N})+) ms clock, ({_N}(?:\+{_N})+/{_N}/{_N}\+{_N}) ms cpu, "
    r"(\d+->\d+->\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) ?MB globals, )?"
    r"(\d+) P( \(forced\))?$",
    re.MULTILINE,
)
"""Groups: cycle, t_s, cpu_pct, leak check, clock (a+b+c), cpu (a+b/c/d+e), heaps (a->b->c),
goal, stacks, globals, procs, forced."""
_GO14 = re.compile(  # Go 1.3-1.4 (phases in µs); Go 1.1-1.2 printed ms and "MB 16 -> 18 ..."
    r"gc(\d+)\((\d+)\): (\d+(?:\+\d+)+) (us|ms), (\d+) -> (\d+) MB\b.*"
)
_HUGE = re.compile(r"\d{19}")  # no GC count, size or P count has 19 digits
_CANDIDATE = re.compile(r"gc ?#?\d")
_LINE_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines splits at these too
_FIELDS_PER_ROW = 20  # the fast path's CSV: every number of a 3-phase line, and two flags
_DTYPES: dict[str, Any] = {name: float for name in COLUMNS}
_DTYPES.update(line_no=int, cycle=int, procs=int, forced=bool, leak_check=bool, format=object)


def as_text(data: Any, name: str = "text") -> str:
    """`data` as text: a str as is, bytes decoded as UTF-8 (bad bytes replaced)."""
    if isinstance(data, bytes | bytearray):
        return bytes(data).decode("utf-8", errors="replace")
    if not isinstance(data, str):
        raise UsageError(
            f"{name} must be the program's output as text (str) or bytes, not {type(data).__name__}"
        )
    return data


def _floats(text: str, sep: str) -> list[float]:
    return [float(x) for x in text.split(sep)]


def _cycle(groups: tuple, line_no: int, line: str) -> GCCycle:
    try:
        return _cycle_of(groups, line_no, line)
    except ValueError:  # a "number" such as 1.2.3
        raise ParseError(
            "a malformed number in a gctrace line", line_no=line_no, line=line
        ) from None


def _cycle_of(groups: tuple, line_no: int, line: str) -> GCCycle:
    (cycle, t, pct, leak, clock, cpu, heaps, goal, stacks, globals_, procs, forced) = groups
    phases = _floats(clock, "+")
    before, marks, after = cpu.split("/")
    head = _floats(before, "+")  # sweep termination [, scan, sync], assist
    idle, term = _floats(after, "+")
    if (len(phases), len(head)) not in ((3, 2), (5, 4)):
        raise ParseError(
            f"expected 3 or 5 clock phases matching the cpu times, got {clock!r} and {cpu!r}",
            line_no=line_no,
            line=line,
        )
    if stacks is not None:
        fmt = "go1.18+"
    elif len(phases) == 3:
        fmt = "go1.7-1.17"
    else:
        fmt = "go1.5-1.6"
    h0, h1, h2 = _floats(heaps, "->")
    return GCCycle(
        line_no=line_no,
        cycle=int(cycle),
        t_s=float(t),
        cpu_pct=float(pct),
        clock_sweep_term_ms=phases[0],
        clock_mark_ms=sum(phases[1:-1]),
        clock_mark_term_ms=phases[-1],
        cpu_sweep_term_ms=head[0],
        cpu_assist_ms=head[-1],
        cpu_background_ms=float(marks) + sum(head[1:-1]),
        cpu_idle_ms=idle,
        cpu_mark_term_ms=term,
        heap_start_mib=h0,
        heap_end_mib=h1,
        heap_live_mib=h2,
        goal_mib=float(goal),
        stacks_mib=NAN if stacks is None else float(stacks),
        globals_mib=NAN if globals_ is None else float(globals_),
        procs=int(procs),
        forced=forced is not None,
        stw_ms=phases[0] + phases[-1],
        format=fmt,
        leak_check=leak is not None,
    )


def _go14(match: re.Match, line_no: int) -> GCCycle:
    cycle, procs, phases, unit, h0, h1 = match.groups()
    pause_ms = sum(_floats(phases, "+")) / (1000.0 if unit == "us" else 1.0)
    return GCCycle(
        line_no=line_no,
        cycle=int(cycle),
        t_s=NAN,
        cpu_pct=NAN,
        clock_sweep_term_ms=NAN,
        clock_mark_ms=NAN,
        clock_mark_term_ms=NAN,
        cpu_sweep_term_ms=NAN,
        cpu_assist_ms=NAN,
        cpu_background_ms=NAN,
        cpu_idle_ms=NAN,
        cpu_mark_term_ms=NAN,
        heap_start_mib=float(h0),
        heap_end_mib=float(h1),
        heap_live_mib=float(h1),
        goal_mib=NAN,
        stacks_mib=NAN,
        globals_mib=NAN,
        procs=int(procs),
        forced=False,
        stw_ms=pause_ms,
        format="go1.3-1.4" if unit == "us" else "go1.1-1.2",
    )


def parse_lines(text: str) -> tuple[list[GCCycle], list[OtherLine]]:
    """Split gctrace text into cycles and other lines, line by line (see the docstring)."""
    cycles: list[GCCycle] = []
    others: list[OtherLine] = []
    # A program that exits while the runtime prints a trace line leaves the last line cut off.
    cut_off = 0 if text.endswith("\n") else text.count("\n") + 1
    match_line = GCTRACE_LINE.fullmatch
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.startswith("gc"):
            others.append(OtherLine(line_no, raw))
            continue
        if _HUGE.search(line):
            raise ParseError("a count too large for a gctrace line", line_no=line_no, line=line)
        match = match_line(line)
        if match is not None:
            cycles.append(_cycle(match.groups(), line_no, line))
            continue
        old = _GO14.fullmatch(line)
        if line_no == cut_off and old is None:
            others.append(OtherLine(line_no, raw, kind="truncated"))
        elif old is not None:
            cycles.append(_go14(old, line_no))
        elif _CANDIDATE.match(line):
            raise ParseError(
                "a gctrace line in no format this parser knows", line_no=line_no, line=line
            )
        else:
            others.append(OtherLine(line_no, raw))
    return cycles, others


def records_frame(cycles: list[GCCycle]) -> pd.DataFrame:
    """The cycles as a DataFrame, one column per GCCycle field."""
    frame = pd.DataFrame(
        [tuple(getattr(c, name) for name in COLUMNS) for c in cycles], columns=list(COLUMNS)
    )
    return frame.astype(_DTYPES)


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
        rows = GCTRACE_LINE.findall(text)
        if len(rows) != lines:
            return None
        csv = "\n".join(map(",".join, rows))
        del rows
    csv = csv.replace("->", ",").replace("+", ",").replace("/", ",")
    if csv.count(",") != (_FIELDS_PER_ROW - 1) * lines:  # a five-phase (Go 1.5/1.6) line
        return None
    names = [
        "cycle",
        "t_s",
        "cpu_pct",
        "leak",
        "c1",
        "c2",
        "c3",
        "u1",
        "u2",
        "u3",
        "u4",
        "u5",
        "h0",
        "h1",
        "h2",
        "goal",
        "stacks",
        "globals",
        "procs",
        "forced",
    ]
    kinds = {"leak": str, "forced": str, "cycle": "int64", "procs": "int64"}
    try:
        raw = pd.read_csv(
            io.StringIO(csv),
            header=None,
            names=names,
            dtype={n: kinds.get(n, float) for n in names},
            keep_default_na=False,
            na_values={"stacks": [""], "globals": [""]},
            engine="c",
        )
    except (ValueError, OverflowError):  # let the line parser name the line
        return None
    stacks = raw.stacks
    return pd.DataFrame(
        {
            "line_no": np.asarray(line_nos, dtype=np.int64)
            if line_nos
            else np.arange(1, lines + 1, dtype=np.int64),
            "cycle": raw.cycle,
            "t_s": raw.t_s,
            "cpu_pct": raw.cpu_pct,
            "clock_sweep_term_ms": raw.c1,
            "clock_mark_ms": raw.c2,
            "clock_mark_term_ms": raw.c3,
            "cpu_sweep_term_ms": raw.u1,
            "cpu_assist_ms": raw.u2,
            "cpu_background_ms": raw.u3,
            "cpu_idle_ms": raw.u4,
            "cpu_mark_term_ms": raw.u5,
            "heap_start_mib": raw.h0,
            "heap_end_mib": raw.h1,
            "heap_live_mib": raw.h2,
            "goal_mib": raw.goal,
            "stacks_mib": stacks,
            "globals_mib": raw["globals"],
            "procs": raw.procs,
            "forced": raw.forced != "",
            "stw_ms": raw.c1 + raw.c3,
            "format": np.where(stacks.isna(), "go1.7-1.17", "go1.18+").astype(object),
            "leak_check": raw.leak != "",
        }
    )


def gctrace_table(data: str | bytes) -> tuple[pd.DataFrame, tuple[OtherLine, ...]]:
    """gctrace text (or bytes) -> (cycles as a DataFrame of the GCCycle fields, other lines)."""
    text = as_text(data, "gctrace")
    if text.count("\ngc") + text.startswith("gc") == text.count("\n") + (not text.endswith("\n")):
        fast = _whole_text(text)  # only trace lines, it seems
        if fast is not None:
            return fast, ()
    lines = text.splitlines()
    trace = [(no, line.rstrip()) for no, line in enumerate(lines, 1) if line.startswith("gc")]
    if trace:  # trace lines among others: the fast path on the trace lines alone
        fast = _whole_text("\n".join(line for _, line in trace), [no for no, _ in trace])
        if fast is not None:
            return fast, tuple(
                OtherLine(no, line) for no, line in enumerate(lines, 1) if not line.startswith("gc")
            )
    cycles, others = parse_lines(text)
    return records_frame(cycles), tuple(others)


def explain(line: str) -> pd.DataFrame:
    """One gctrace line (Go 1.7+), field by field: printed text, column, value, meaning."""
    text = as_text(line, "line").strip()
    match = GCTRACE_LINE.fullmatch(text)
    if match is None or "\n" in text:
        raise UsageError(f"explain() takes one gctrace line of Go 1.7 or later, not {line!r}")
    c = _cycle(match.groups(), 1, text)
    if c.format not in ("go1.18+", "go1.7-1.17"):
        raise UsageError(
            "explain() takes one gctrace line of Go 1.7 or later (this one has "
            "Go 1.5/1.6's five clock phases)"
        )
    p = c.procs
    clock, cpu = match.group(5), match.group(6)
    ck = [f"{x} of {clock} ms clock" for x in clock.split("+")]
    cu = [f"{x} of {cpu} ms cpu" for x in re.split(r"[+/]", cpu)]
    rows = [
        (f"gc {c.cycle}", "cycle", c.cycle, "GC number: collections since the program started"),
        (f"@{c.t_s:g}s", "t_s", c.t_s, "when this cycle started (s since program start)"),
        (
            f"{c.cpu_pct:g}%",
            "cpu_pct",
            c.cpu_pct,
            "share of all CPU time so far spent in GC (idle-time marking not counted)",
        ),
        (
            ck[0],
            "clock_sweep_term_ms",
            c.clock_sweep_term_ms,
            "STW sweep termination: world stopped, leftover sweeping finished, write barrier on",
        ),
        (
            ck[1],
            "clock_mark_ms",
            c.clock_mark_ms,
            "concurrent mark: the program runs while the GC traces pointers from the roots",
        ),
        (
            ck[2],
            "clock_mark_term_ms",
            c.clock_mark_term_ms,
            "STW mark termination: world stopped, marking finished, next goal computed",
        ),
        (
            cu[0],
            "cpu_sweep_term_ms",
            c.cpu_sweep_term_ms,
            f"CPU of sweep termination: its wall time × {p} P (every P waits)",
        ),
        (
            cu[1],
            "cpu_assist_ms",
            c.cpu_assist_ms,
            "mark assists: allocating goroutines made to mark in proportion to what they allocate",
        ),
        (
            cu[2],
            "cpu_background_ms",
            c.cpu_background_ms,
            "background mark workers (the GC's own 25% of the Ps)",
        ),
        (cu[3], "cpu_idle_ms", c.cpu_idle_ms, "marking done by Ps that had nothing else to run"),
        (
            cu[4],
            "cpu_mark_term_ms",
            c.cpu_mark_term_ms,
            f"CPU of mark termination: its wall time × {p} P",
        ),
        (
            f"{c.heap_start_mib:g}->",
            "heap_start_mib",
            c.heap_start_mib,
            "heap in use when the cycle started (MiB, rounded down)",
        ),
        (
            f"->{c.heap_end_mib:g}->",
            "heap_end_mib",
            c.heap_end_mib,
            "heap in use when marking ended: it grew because the program kept allocating",
        ),
        (
            f"->{c.heap_live_mib:g} MB",
            "heap_live_mib",
            c.heap_live_mib,
            "heap marked live (reachable, or allocated during the mark)",
        ),
        (
            f"{c.goal_mib:g} MB goal",
            "goal_mib",
            c.goal_mib,
            "the heap size this cycle aimed to finish by",
        ),
        (
            f"{c.stacks_mib:g} MB stacks",
            "stacks_mib",
            c.stacks_mib,
            "goroutine stacks scanned for pointers (a root; part of the next goal)",
        ),
        (
            f"{c.globals_mib:g} MB globals",
            "globals_mib",
            c.globals_mib,
            "global variables scanned for pointers (a root; part of the next goal)",
        ),
        (f"{p} P", "procs", p, "GOMAXPROCS: Ps, the slots that run goroutines on OS threads"),
        (
            "(forced)" if c.forced else "(not forced)",
            "forced",
            c.forced,
            "a runtime.GC() call started this cycle"
            if c.forced
            else "started because the heap neared its goal",
        ),
    ]
    return pd.DataFrame(rows, columns=["printed", "column", "value", "meaning"])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_sample(obj: Any, line_no: int, line: str) -> dict:
    if isinstance(obj, dict) and obj.get("pauses", []) is None:
        # Go before 1.22 has no /sched/pauses/total/gc:seconds: the sample writes null.
        obj = {**obj, "pauses": []}
    ok = (
        isinstance(obj, dict)
        and _is_number(obj.get("t_s"))
        and isinstance(obj.get("values"), dict)
        and isinstance(obj.get("pauses"), list)
        and all(_is_number(v) for v in obj["values"].values())
        and all(
            isinstance(b, dict)
            and isinstance(b.get("n"), int)
            and all(b.get(k) is None or _is_number(b.get(k)) for k in ("lo", "hi"))
            for b in obj["pauses"]
        )
    )
    if not ok:
        raise ParseError(
            "not a runtime/metrics sample (want t_s, values, pauses)", line_no=line_no, line=line
        )
    return {
        "t_s": obj["t_s"],
        "final": bool(obj.get("final", False)),
        "values": obj["values"],
        "pauses": obj["pauses"],
    }


def metrics_samples(data: str | bytes) -> tuple[dict, ...]:
    """The gc sample's JSON lines -> one dict per reading (t_s, final, values, pauses);
    blank lines are skipped, anything else that is not a sample is a ParseError."""
    text = as_text(data, "metrics")
    samples = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise ParseError("not JSON", line_no=line_no, line=line) from None
        samples.append(_check_sample(obj, line_no, line))
    return tuple(samples)
