"""Trace reading speed on a large real trace (about 1 M events), against `go tool trace` alone.

Records the trace sample with enough items for ~1 M events (`perfkit.large_trace`, shared with
perf_trace_depth.py; or takes a trace file given as the first argument), then measures, in
alternation and `ROUNDS` times each (the fastest of each is kept: load on a shared machine
only adds time):

- `go tool trace -d=parsed` alone: run through the lab's toolchain layer, its output read
  line by line and dropped (the same pipe reading `gm.trace.read` pays);
- `gm.trace.read(file)` (the compiled trace reader and the decoding of its columns; the text
  path when the reader cannot be built) and then `summary()` (the summary tables: GC
  cycles, pauses, assists, goroutines, Ps, threads);
- the text parser alone on the saved text (events/s): `load`'s fallback.

Target (issue 8): load + summary <= 1.3x the tool alone. Run alone:
`.venv/bin/python scripts/perf_trace.py [TRACE]` (prints the rows).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from perfkit import large_trace

import gomemlab as gm
from gomemlab import toolchain, workspace

ROUNDS = 2
TARGET_RATIO = 1.3
TARGET_SECONDS_PER_MILLION = 5.0  # "1 M events in a few seconds"


def _reference_loop() -> float:
    """Seconds for 5 M additions in pure Python: how fast this machine is right now."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - started


def _tool_alone(file: Path) -> float:
    started = time.perf_counter()
    toolchain.go(
        "tool",
        "trace",
        "-d=parsed",
        str(file),
        timeout=900,
        keep_stdout=False,
        on_stdout=lambda line: None,
    ).check_run()
    return time.perf_counter() - started


def _load_and_summary(file: Path) -> tuple[float, float, gm.trace.Trace]:
    started = time.perf_counter()
    trace = gm.trace.read(file, timeout=900)
    loaded = time.perf_counter()
    trace.summary()
    return loaded - started, time.perf_counter() - loaded, trace


def measure(file: Path | None = None) -> list[dict]:
    if file is None:
        file = large_trace()
    tool_runs, load_runs, summary_runs = [], [], []
    for _ in range(ROUNDS):
        tool_runs.append(_tool_alone(file))
        load_s, summary_s, trace = _load_and_summary(file)
        load_runs.append(load_s)
        summary_runs.append(summary_s)
        events = len(trace.parsed.rows)
        del trace
    tool_s, load_s, summary_s = min(tool_runs), min(load_runs), min(summary_runs)
    ratio = (load_s + summary_s) / tool_s

    text_file = workspace.scratch_dir("perf-trace") / "parsed.txt"
    with open(text_file, "w") as sink:
        toolchain.go(
            "tool",
            "trace",
            "-d=parsed",
            str(file),
            timeout=900,
            keep_stdout=False,
            on_stdout=lambda line: sink.write(line + "\n"),
        ).check_run()
    text = text_file.read_text()
    text_file.unlink()
    started = time.perf_counter()
    parsed = gm.trace.parse_events(text)
    parse_s = time.perf_counter() - started
    del text
    per_million = parse_s * 1e6 / len(parsed.rows)
    return [
        {
            "name": "trace: events in the large trace",
            "value": float(events),
            "unit": "events",
            "target": "",
            "ok": None,
        },
        {
            "name": "trace: text parser throughput (events)",
            "value": len(parsed.rows) / parse_s,
            "unit": "events/s",
            "target": "",
            "ok": None,
        },
        {
            "name": "trace: text parser throughput (lines)",
            "value": parsed.lines / parse_s,
            "unit": "lines/s",
            "target": "",
            "ok": None,
        },
        {
            "name": "trace: text parser time per 1 M events",
            "value": per_million,
            "unit": "s",
            "target": f"<= {TARGET_SECONDS_PER_MILLION:g} s",
            "ok": per_million <= TARGET_SECONDS_PER_MILLION,
        },
        {
            "name": "trace: go tool trace -d=parsed alone",
            "value": tool_s,
            "unit": "s",
            "target": "",
            "ok": None,
        },
        {
            "name": "trace: gm.trace.read (compiled reader)",
            "value": load_s,
            "unit": "s",
            "target": "",
            "ok": None,
        },
        {
            "name": "trace: summary tables after load",
            "value": summary_s,
            "unit": "s",
            "target": "",
            "ok": None,
        },
        {
            "name": "trace: (load + summary) / tool alone",
            "value": ratio,
            "unit": "x",
            "target": f"<= {TARGET_RATIO:g}",
            "ok": ratio <= TARGET_RATIO,
        },
        {
            "name": "trace: reference, 5 M Python additions",
            "value": _reference_loop(),
            "unit": "s",
            "target": "",
            "ok": None,
        },
    ]


if __name__ == "__main__":
    given = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    for row in measure(given):
        verdict = {True: "ok", False: "MISSED", None: ""}[row["ok"]]
        print(
            f"{row['name']:<48} {row['value']:>14,.3f} {row['unit']:<9} {row['target']:<14}"
            f" {verdict}"
        )
