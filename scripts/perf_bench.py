"""Perf: parse throughput of the benchmark parser on 10 k result lines (target ≤ 0.2 s)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import perfkit

from gomemlab.bench import parse

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "bench" / "sample_count6.txt"
LINES = 10_000
REPEAT = 7


def _text() -> str:
    """10 k real result lines (the recorded sample run, repeated) with their config lines."""
    lines = FIXTURE.read_text().splitlines()
    header = [line for line in lines if ":" in line and not line.startswith("Benchmark")]
    results = [line for line in lines if line.startswith("Benchmark")]
    body = (results * (LINES // len(results) + 1))[:LINES]
    return "\n".join([*header, *body, "PASS"]) + "\n"


def _cpu_seconds(action) -> float:
    """Median CPU time of REPEAT calls: other processes on a loaded machine stretch wall time
    far more than they stretch this."""
    times = []
    for _ in range(REPEAT):
        started = time.process_time()
        action()
        times.append(time.process_time() - started)
    return statistics.median(times)


def measure() -> list[dict]:
    """The target is on the median wall time; CPU time is beside it for a loaded machine."""
    text = _text()
    assert len(parse(text).frame) == LINES
    parsed = perfkit.median_seconds(lambda: parse(text), REPEAT)
    return [
        perfkit.row("bench: parse 10k result lines", parsed, "s", "<= 0.2", parsed <= 0.2),
        perfkit.row(
            "bench: parse 10k result lines, CPU time", _cpu_seconds(lambda: parse(text)), "s"
        ),
        perfkit.row(
            "bench: parse 10k lines + build .frame",
            perfkit.median_seconds(lambda: parse(text).frame, REPEAT),
            "s",
        ),
    ]


if __name__ == "__main__":
    for row in measure():
        print(row)
