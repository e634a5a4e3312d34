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


def measure() -> list[dict]:
    text = _text()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = parse(text)
        frame = result.frame
        times.append(time.perf_counter() - started)
    assert len(frame) == LINES
    parse_only = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        parse(text)
        parse_only.append(time.perf_counter() - started)
    parsed = statistics.median(parse_only)
    return [
        {"name": "bench: parse 10k result lines", "value": parsed, "unit": "s",
         "target": "<= 0.2", "ok": parsed <= 0.2},
        {"name": "bench: parse 10k lines + build .frame", "value": statistics.median(times),
         "unit": "s", "target": "", "ok": None},
    ]


if __name__ == "__main__":
    for row in measure():
        print(row)
