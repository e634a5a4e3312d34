"""Trace parsing speed on a large real trace (about 1 M events).

Records the trace sample with enough items for ~1 M events, then measures, separately:
`go tool trace -d=parsed` itself (output read and discarded), our parser on the saved text
(lines/s, events/s), the streaming `gm.trace.load` (both together) and the derived tables.
Run alone: `.venv/bin/python scripts/perf_trace.py` (prints the rows).
"""

from __future__ import annotations

import time

import gomemlab as gm
from gomemlab import toolchain, workspace

ITEMS = 60_000
TARGET_SECONDS_PER_MILLION = 5.0  # "1 M events in a few seconds"


def _reference_loop() -> float:
    """Seconds for 5 M additions in pure Python: how fast this machine is right now."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - started


def measure() -> list[dict]:
    file = gm.trace.record(args=gm.trace.sample_args(items=ITEMS, live_mib=8), gomaxprocs=2,
                           timeout=600).file
    text_file = workspace.scratch_dir("perf-trace") / "parsed.txt"

    started = time.perf_counter()
    toolchain.go("tool", "trace", "-d=parsed", str(file), timeout=900, keep_stdout=False,
                 on_stdout=lambda line: None).check_run()
    tool_s = time.perf_counter() - started

    with open(text_file, "w") as sink:
        toolchain.go("tool", "trace", "-d=parsed", str(file), timeout=900, keep_stdout=False,
                     on_stdout=lambda line: sink.write(line + "\n")).check_run()
    text = text_file.read_text()
    started = time.perf_counter()
    parsed = gm.trace.parse_events(text)
    parse_s = time.perf_counter() - started
    del text

    started = time.perf_counter()
    trace = gm.trace.load(file)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    trace.summary()
    derive_s = time.perf_counter() - started
    text_file.unlink()

    events, lines = len(parsed.rows), parsed.lines
    rate = events / parse_s
    per_million = parse_s * 1e6 / events
    return [
        {"name": "trace: events in the large trace", "value": float(events), "unit": "events",
         "target": "", "ok": None},
        {"name": "trace: parse throughput (events)", "value": rate, "unit": "events/s",
         "target": "", "ok": None},
        {"name": "trace: parse throughput (lines)", "value": lines / parse_s, "unit": "lines/s",
         "target": "", "ok": None},
        {"name": "trace: parse time per 1 M events", "value": per_million, "unit": "s",
         "target": f"<= {TARGET_SECONDS_PER_MILLION:g} s", "ok": per_million
         <= TARGET_SECONDS_PER_MILLION},
        {"name": "trace: go tool trace -d=parsed alone", "value": tool_s, "unit": "s",
         "target": "", "ok": None},
        {"name": "trace: gm.trace.load (tool + streaming parse)", "value": load_s, "unit": "s",
         "target": "", "ok": None},
        {"name": "trace: derived tables (summary)", "value": derive_s, "unit": "s",
         "target": "", "ok": None},
        {"name": "trace: reference, 5 M Python additions", "value": _reference_loop(),
         "unit": "s", "target": "", "ok": None},
    ]


if __name__ == "__main__":
    for row in measure():
        verdict = {True: "ok", False: "MISSED", None: ""}[row["ok"]]
        print(f"{row['name']:<48} {row['value']:>14,.3f} {row['unit']:<9} {row['target']:<14}"
              f" {verdict}")
