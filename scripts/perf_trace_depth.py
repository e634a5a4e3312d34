"""Perf (issue 23): MMU plus goroutine analysis of a large real trace (about 1 M events) beyond
loading it, and `go tool trace` on the same file.

The trace is `perfkit.large_trace()` (the bundled `trace` sample, recorded once per run into the
scratch folder; or a trace file given as the first argument). REPEAT times, in alternation:

- ours: `gm.trace.read(file)` (the load), then the analysis: `gm.trace.mmu(trace)` (the tool's
  100 windows, its default flags stw|background|assist) and `gm.trace.summarize(trace)` with
  its per-group table `groups()` and the blocked-by-reason table;
- the tool: `go tool trace -http` started on 127.0.0.1 (`gm.trace.web`) until its first page
  answers (it parses the whole trace, and runs its goroutine summarizer, before it serves),
  then its /mmu?mode=plot data for the same flags and its /goroutines page.

Target: ours' analysis in at most 1 s beyond the load, judged on CPU seconds (this process plus
the programs it waited for): on a machine shared with other busy processes the wall time is
longer by a factor the load sets (the load average is a row), which an idle machine does not
pay. Wall times are rows too, with the medians of the tool's. The MMU curve is checked equal
to the tool's /mmu data. Run alone: `.venv/bin/python scripts/perf_trace_depth.py [TRACE]`.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from pathlib import Path

import psutil
from perfkit import Timing, large_trace, load_average, median_timing, row, timed

import gomemlab as gm

REPEAT = 5
TARGET_SECONDS = 1.0
FLAGS = ("stw", "background", "assist")


def _analysis(trace: gm.trace.Trace) -> list[list[float]]:
    """The MMU curve and the goroutine analysis; the curve as the tool's [[ns, mmu], ...]."""
    curve = gm.trace.mmu(trace, flags=FLAGS)
    summary = gm.trace.summarize(trace)
    summary.groups()
    summary.blocked  # noqa: B018 (the table is made on first use)
    frame = curve.frame
    return [[round(w * 1e9), m] for w, m in zip(frame.window_s, frame.mmu, strict=True)]


def _tree_cpu(process: psutil.Process) -> float:
    """CPU seconds of a running process and its descendants so far."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=900) as page:
        return page.read()


def _tool(trace: gm.trace.Trace) -> tuple[Timing, Timing, Timing, list]:
    """`go tool trace`'s load (until its first page answers), its /mmu data and its
    /goroutines page: wall and CPU seconds (of the tool's process tree) each, and the curve."""
    started = time.perf_counter()
    ui = gm.trace.web(trace)
    try:
        tree = psutil.Process(ui.process.pid)
        base = ui.direct_url.rstrip("/")
        _get(base + "/")
        loaded, loaded_cpu = time.perf_counter(), _tree_cpu(tree)
        data = json.loads(_get(f"{base}/mmu?mode=plot&flags={gm.trace.mmu_flags(FLAGS)}"))
        mmu_done, mmu_cpu = time.perf_counter(), _tree_cpu(tree)
        _get(base + "/goroutines")
        done, done_cpu = time.perf_counter(), _tree_cpu(tree)
    finally:
        ui.stop()
    return (
        Timing(loaded - started, loaded_cpu),
        Timing(mmu_done - loaded, mmu_cpu - loaded_cpu),
        Timing(done - mmu_done, done_cpu - mmu_cpu),
        data["curve"],
    )


def _ours(file: Path) -> tuple[Timing, Timing, gm.trace.Trace, list]:
    """Our load and analysis of `file`: their timings, the trace and its MMU curve."""
    held: list[gm.trace.Trace] = []
    load = timed(lambda: held.append(gm.trace.read(file, timeout=900)))
    curves: list[list] = []
    analysis = timed(lambda: curves.append(_analysis(held[0])))
    return load, analysis, held[0], curves[0]


def measure(file: Path | None = None) -> list[dict]:
    file = file or large_trace()
    rounds = []
    for _ in range(REPEAT):
        load, analysis, trace, curve = _ours(file)
        tool_load, tool_mmu, tool_page, tool_curve = _tool(trace)
        rounds.append((load, analysis, tool_load, tool_mmu, tool_page, curve == tool_curve))
        events = len(trace.parsed.rows)
        del trace
    load, analysis, tool_load, tool_mmu, tool_page = (
        median_timing([r[i] for r in rounds]) for i in range(5)
    )
    same = all(r[5] for r in rounds)
    return [
        row(f"trace depth: events in the trace ({file.stat().st_size / 1e6:.1f} MB)", events, ""),
        row("trace depth: gm.trace.read (the load), wall", load.wall, "s"),
        row("trace depth: gm.trace.read, CPU", load.cpu, "s"),
        row(
            "trace depth: MMU + goroutine analysis beyond the load, CPU",
            analysis.cpu,
            "s",
            f"<= {TARGET_SECONDS:g} s",
            analysis.cpu <= TARGET_SECONDS,
        ),
        row("trace depth: MMU + goroutine analysis, wall", analysis.wall, "s"),
        row("trace depth: go tool trace until it serves (its load), wall", tool_load.wall, "s"),
        row("trace depth: go tool trace's load, CPU", tool_load.cpu, "s"),
        row("trace depth: go tool trace /mmu data, wall", tool_mmu.wall, "s"),
        row("trace depth: go tool trace /mmu data, CPU", tool_mmu.cpu, "s"),
        row("trace depth: go tool trace /goroutines page, wall", tool_page.wall, "s"),
        row("trace depth: go tool trace /goroutines page, CPU", tool_page.cpu, "s"),
        row("trace depth: our MMU curve equals the tool's /mmu data", same, "", "yes", same),
        row("trace depth: load average while measuring (2 cores)", load_average(), "procs"),
    ]


if __name__ == "__main__":
    given = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    for line in measure(given):
        verdict = {True: "ok", False: "MISSED", None: ""}[line["ok"]]
        value, unit, target = float(line["value"]), line["unit"], line["target"]
        print(f"{line['name']:<62} {value:>10.3f} {unit:<5} {target:<7} {verdict}")
