"""Perf: parse 100 k gctrace lines (a long-running service's trace) with gm.gc.parse_gctrace,
and the cost model over every setting of the GC guide's five graphs."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from gomemlab.gc import parse_gctrace
from gomemlab.gc.costmodel import GUIDE_GRAPHS, GUIDE_LIMITS_MIB, guide_gogc_values

LINES = 100_000
TARGET_S = 0.5
FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "gc" / "gctrace_gogc100.txt"


def trace_text(lines: int = LINES) -> str:
    """`lines` real gctrace lines (the recorded run, repeated with rising cycle numbers)."""
    recorded = [line.split(" ", 2)[2] for line in FIXTURE.read_text().splitlines()]
    return "\n".join(f"gc {i + 1} {recorded[i % len(recorded)]}" for i in range(lines)) + "\n"


def _median(action, repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds of `action` (CPU time shows the cost on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def measure() -> list[dict]:
    text = trace_text()
    assert len(parse_gctrace(text)) == LINES
    wall, cpu = _median(lambda: parse_gctrace(text))
    # one program line every 100 trace lines: the line-by-line parser
    mixed = "".join(
        line + ("\nprogram output\n" if i % 100 == 0 else "\n")
        for i, line in enumerate(text.splitlines())
    )
    assert len(parse_gctrace(mixed)) == LINES
    mixed_wall, _ = _median(lambda: parse_gctrace(mixed), repeat=3)
    settings = [(g, gogc, None) for g in GUIDE_GRAPHS for gogc in guide_gogc_values()] + [
        (g, gogc, limit)
        for g in GUIDE_GRAPHS
        if g.has_limit
        for gogc in (25, 50, 100, 200, 400, "off")
        for limit in GUIDE_LIMITS_MIB
        if limit != 100
    ]
    model_wall, _ = _median(
        lambda: [g.simulate(gogc, limit) for g, gogc, limit in settings], repeat=1
    )
    return [
        {
            "name": f"costmodel: the guide's {len(settings)} slider settings",
            "value": model_wall,
            "unit": "s",
            "target": "",
            "ok": None,
        },
        {
            "name": "gctrace: parse 100k lines",
            "value": wall,
            "unit": "s",
            "target": f"<= {TARGET_S}",
            "ok": wall <= TARGET_S,
        },
        {
            "name": "gctrace: parse 100k lines (CPU time)",
            "value": cpu,
            "unit": "s",
            "target": "",
            "ok": None,
        },
        {
            "name": "gctrace: 100k lines + 1% other lines",
            "value": mixed_wall,
            "unit": "s",
            "target": "",
            "ok": None,
        },
    ]


if __name__ == "__main__":
    for row in measure():
        print(row)
