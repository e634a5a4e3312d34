"""Perf: warm `gm.escape.run()` vs the raw `go build -gcflags=-m=2`, and parse throughput.

The two are run alternately (so load from other processes falls on both alike) and compared
by their fastest runs: on a shared machine load only ever adds time, so the minimum is the
least noisy estimate of what each costs. Run alone: `.venv/bin/python scripts/perf_escape.py`.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import tempfile
import time

from perfkit import median_seconds, row, seconds

from gomemlab import escape, gosource, toolchain, workspace
from gomemlab.escape.parse import parse_output

REPEAT = 30
TARGET = 1.05
STDLIB = "net/http"  # a large package: about 24 k lines, 3.7 MB of -m=2 output


def _interleaved(*actions, repeat: int) -> list[tuple[float, ...]]:
    for action in actions:  # warm each (build cache, goast binary, parsed sources)
        action()
    return [tuple(seconds(action) for action in actions) for _ in range(repeat)]


def _cpu(action, repeat: int) -> tuple[float, float]:
    """CPU seconds per call spent in this process and in the processes it started: unlike
    wall time, neither grows with the load other processes put on the machine."""
    action()
    own, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(repeat):
        action()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return (time.process_time() - own) / repeat, spent / repeat


def measure() -> list[dict]:
    package = workspace.sample("escape")
    raw_argv = [str(toolchain.find_go().go), *escape.command(package, level=2)]
    env = toolchain.go_env()

    def raw() -> None:
        subprocess.run(raw_argv, cwd=package.module_dir, env=env, check=True, capture_output=True)

    def raw_new_session() -> None:  # as toolchain.run starts it: a session of its own
        subprocess.run(
            raw_argv,
            cwd=package.module_dir,
            env=env,
            check=True,
            capture_output=True,
            start_new_session=True,
        )

    def through_toolchain() -> None:  # what every topic pays: the lab's runner (reaper, pumps)
        toolchain.go(*escape.command(package, level=2), cwd=package.module_dir).check_build()

    def without_reaper() -> None:  # the same runner, without the process reaper in front
        toolchain.run(raw_argv, cwd=package.module_dir, env=env, contain=False).check_build()

    runs = _interleaved(
        lambda: escape.run(package, level=2),
        raw,
        through_toolchain,
        without_reaper,
        raw_new_session,
        repeat=REPEAT,
    )
    ours, theirs, runner, bare, session = (min(run[i] for run in runs) for i in range(5))
    ratio = ours / theirs
    paired = statistics.median(run[0] / run[1] for run in runs)
    # The same comparison in CPU time (ours and our children's), which load does not inflate:
    # the extra CPU analyze() spends over the raw build, added to the raw build's fastest run.
    own, children = _cpu(lambda: escape.run(package, level=2), REPEAT)
    raw_own, raw_children = _cpu(raw, REPEAT)
    extra = (own - raw_own) + (children - raw_children)
    cpu_ratio = (theirs + extra) / theirs
    gosource.tool.cache_clear()
    cold_spans = median_seconds(
        lambda: (gosource._cache.clear(), gosource.declarations(package)), repeat=5
    )

    with tempfile.TemporaryDirectory() as folder:
        done = toolchain.go("build", "-gcflags=-m=2", STDLIB, cwd=folder, timeout=600)
    text = done.check_build().stderr + done.stdout
    parse_seconds = median_seconds(lambda: parse_output(text), repeat=3)
    output = parse_output(text)
    lines = len(text.splitlines())
    other = sum(m.kind == "other" for m in output.messages)
    return [
        row("escape: warm raw `go build -gcflags=-m=2` (fastest)", theirs, "s"),
        row("escape: warm gm.escape.run() (fastest)", ours, "s"),
        row(
            "escape: analyze/raw ratio (fastest runs)", ratio, "x", f"<= {TARGET}", ratio <= TARGET
        ),
        row("escape: analyze/raw ratio (median of pairs)", paired, "x"),
        row("escape: warm toolchain.go(same args) (fastest)", runner, "s"),
        row("escape: analyze/toolchain.go ratio (fastest runs)", ours / runner, "x"),
        row("escape: warm toolchain.run(contain=False) (fastest)", bare, "s"),
        row("escape: warm raw build in a new session (fastest)", session, "s"),
        row("escape: Python CPU per analyze() (raw: its subprocess.run)", own * 1e3, "ms"),
        row("escape: Python CPU per raw build's subprocess.run", raw_own * 1e3, "ms"),
        row("escape: child CPU per analyze() (go + reaper)", children * 1e3, "ms"),
        row("escape: child CPU per raw build (go)", raw_children * 1e3, "ms"),
        row("escape: analyze/raw ratio from CPU (raw fastest + extra CPU)", cpu_ratio, "x"),
        row("escape: go/parser spans of the sample, uncached", cold_spans * 1e3, "ms"),
        row(f"escape: parse {STDLIB} -m=2 ({lines} lines)", lines / parse_seconds, "lines/s"),
        row(f"escape: parse {STDLIB} -m=2 throughput", len(text) / parse_seconds / 1e6, "MB/s"),
        row(f"escape: {STDLIB} messages of kind other", float(other), f"of {len(output.messages)}"),
    ]


if __name__ == "__main__":
    for item in measure():
        print(item)
