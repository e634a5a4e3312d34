"""Perf: warm `gm.escape.analyze()` vs the raw `go build -gcflags=-m=2`, and parse throughput.

The two are run alternately (so load from other processes falls on both alike) and compared
by their fastest runs: on a shared machine load only ever adds time, so the minimum is the
least noisy estimate of what each costs. Run alone: `.venv/bin/python scripts/perf_escape.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time

from perfkit import median_seconds, row, seconds

from gomemlab import escape, gosource, toolchain, workspace
from gomemlab.escape.parse import parse_output

REPEAT = 25
TARGET = 1.05
STDLIB = "net/http"  # a large package: about 24 k lines, 3.7 MB of -m=2 output


def _interleaved(first, second, repeat: int) -> list[tuple[float, float]]:
    first(), second()  # warm both (build cache, goast binary, parsed sources)
    return [(seconds(first), seconds(second)) for _ in range(repeat)]


def measure() -> list[dict]:
    package = workspace.sample("escape")
    raw_argv = [str(toolchain.find_go().go), *escape.command(package, level=2)]
    env = toolchain.go_env()

    def raw() -> None:
        subprocess.run(raw_argv, cwd=package.module_dir, env=env, check=True,
                       capture_output=True)

    pairs = _interleaved(lambda: escape.analyze(package, level=2), raw, REPEAT)
    ours, theirs = min(a for a, _ in pairs), min(b for _, b in pairs)
    ratio = ours / theirs
    paired = statistics.median(a / b for a, b in pairs)
    # Our own work (parse, spans, report) in CPU time: unlike wall time, it does not move
    # with the load other processes put on the machine.
    cpu_started = time.process_time()
    for _ in range(REPEAT):
        escape.analyze(package, level=2)
    python_cpu = (time.process_time() - cpu_started) / REPEAT
    gosource.tool.cache_clear()
    cold_spans = median_seconds(lambda: (gosource._cache.clear(),
                                         gosource.declarations(package)), repeat=5)

    with tempfile.TemporaryDirectory() as folder:
        done = toolchain.go("build", "-gcflags=-m=2", STDLIB, cwd=folder, timeout=600)
    text = done.check_build().stderr + done.stdout
    parse_seconds = median_seconds(lambda: parse_output(text), repeat=3)
    output = parse_output(text)
    lines = len(text.splitlines())
    other = sum(m.kind == "other" for m in output.messages)
    return [
        row("escape: warm raw `go build -gcflags=-m=2` (fastest)", theirs, "s"),
        row("escape: warm gm.escape.analyze() (fastest)", ours, "s"),
        row("escape: analyze/raw ratio (fastest runs)", ratio, "x", f"<= {TARGET}",
            ratio <= TARGET),
        row("escape: analyze/raw ratio (median of pairs)", paired, "x"),
        row("escape: Python CPU per analyze()", python_cpu * 1e3, "ms"),
        row("escape: go/parser spans of the sample, uncached", cold_spans * 1e3, "ms"),
        row(f"escape: parse {STDLIB} -m=2 ({lines} lines)", lines / parse_seconds, "lines/s"),
        row(f"escape: parse {STDLIB} -m=2 throughput", len(text) / parse_seconds / 1e6,
            "MB/s"),
        row(f"escape: {STDLIB} messages of kind other", float(other),
            f"of {len(output.messages)}"),
    ]


if __name__ == "__main__":
    for item in measure():
        print(item)
