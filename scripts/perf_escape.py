"""Perf: warm `gm.escape.analyze()` vs the raw `go build -gcflags=-m=2`, and parse throughput."""

from __future__ import annotations

import subprocess
import tempfile
import time

from perfkit import interleaved_medians, median_seconds

from gomemlab import escape, toolchain, workspace
from gomemlab.escape.parse import parse_lines

REPEAT = 21
STDLIB = "net/http"  # a large package: about 24 k lines, 3.7 MB of -m=2 output


def measure() -> list[dict]:
    package = workspace.sample("escape")
    raw_argv = [str(toolchain.find_go().go), *escape.command(package, level=2)]
    env = toolchain.go_env()

    def raw() -> None:
        subprocess.run(raw_argv, cwd=package.module_dir, env=env, check=True,
                       capture_output=True)

    ours, theirs = interleaved_medians(lambda: escape.analyze(package, level=2), raw, REPEAT)
    ratio = ours / theirs
    # Our own work (parse, source spans, report) in CPU time: unlike wall time, it does not
    # move with the load other processes put on the machine.
    cpu_started = time.process_time()
    for _ in range(REPEAT):
        escape.analyze(package, level=2)
    python_cpu = (time.process_time() - cpu_started) / REPEAT

    with tempfile.TemporaryDirectory() as folder:
        done = toolchain.go("build", "-gcflags=-m=2", STDLIB, cwd=folder, timeout=600)
    text = done.check_build().stderr + done.stdout
    seconds = median_seconds(lambda: parse_lines(text), repeat=3)
    messages, _, _ = parse_lines(text)
    lines = len(text.splitlines())
    other = sum(m.kind == "other" for m in messages)
    return [
        {"name": "escape: warm raw `go build -gcflags=-m=2`", "value": theirs, "unit": "s",
         "target": "", "ok": None},
        {"name": "escape: warm gm.escape.analyze()", "value": ours, "unit": "s", "target": "",
         "ok": None},
        {"name": "escape: analyze/raw ratio", "value": ratio, "unit": "x", "target": "<= 1.15",
         "ok": ratio <= 1.15},
        {"name": "escape: Python CPU per analyze()", "value": python_cpu * 1e3, "unit": "ms",
         "target": "", "ok": None},
        {"name": f"escape: parse {STDLIB} -m=2 ({lines} lines)", "value": lines / seconds,
         "unit": "lines/s", "target": "", "ok": None},
        {"name": f"escape: parse {STDLIB} -m=2 throughput", "value": len(text) / seconds / 1e6,
         "unit": "MB/s", "target": "", "ok": None},
        {"name": f"escape: {STDLIB} messages of kind other", "value": float(other),
         "unit": f"of {len(messages)}", "target": "", "ok": None},
    ]


if __name__ == "__main__":
    for row in measure():
        print(row)
