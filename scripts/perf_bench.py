"""Perf: parse throughput of the benchmark parser on 10 k result lines (target ≤ 0.2 s)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from gomemlab.bench import parse

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "bench" / \
    "sample_count6.txt"
LINES = 10_000
REPEAT = 7


def _text() -> str:
    """10 k real result lines (the recorded sample run, repeated) with their config lines."""
    lines = FIXTURE.read_text().splitlines()
    header = [line for line in lines if ":" in line and not line.startswith("Benchmark")]
    results = [line for line in lines if line.startswith("Benchmark")]
    body = (results * (LINES // len(results) + 1))[:LINES]
    return "\n".join([*header, *body, "PASS"]) + "\n"


def _times(work) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of REPEAT calls of `work`."""
    wall, cpu = [], []
    for _ in range(REPEAT):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def measure() -> list[dict]:
    """Median wall time (the target), plus CPU time, which other processes on a loaded
    machine disturb less, and the fastest run (load only adds time)."""
    text = _text()
    assert len(parse(text).frame) == LINES
    wall, cpu = _times(lambda: parse(text))
    with_frame, _ = _times(lambda: parse(text).frame)
    parsed = statistics.median(wall)
    return [
        {"name": "bench: parse 10k result lines", "value": parsed, "unit": "s",
         "target": "<= 0.2", "ok": parsed <= 0.2},
        {"name": "bench: parse 10k result lines, CPU time", "value": statistics.median(cpu),
         "unit": "s", "target": "", "ok": None},
        {"name": "bench: parse 10k result lines, fastest of 7", "value": min(wall), "unit": "s",
         "target": "", "ok": None},
        {"name": "bench: parse 10k lines + build .frame", "value": statistics.median(with_frame),
         "unit": "s", "target": "", "ok": None},
    ]


if __name__ == "__main__":
    for row in measure():
        print(row)
