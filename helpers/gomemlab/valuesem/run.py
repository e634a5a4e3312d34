"""Run the valuesem sample's `cost` section and read what it printed."""

from __future__ import annotations

import re
from typing import Any

from .. import programs, toolchain, validate, workspace
from ..deprecation import deprecated
from ..errors import UsageError
from ..settings import quick
from .parse import parse_copy_cost
from .result import CopyCost

_BENCHTIME = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h)|\d+x)$")


def run(
    *, benchtime: str | None = None, count: int | None = None, timeout: float = 300.0
) -> CopyCost:
    """Run the valuesem sample's `cost` section (shorter in quick mode) and parse it.

    `benchtime` is Go's form (`20ms`, `1s`, `1000x`); `count` how often each size is timed
    (the fastest run is kept; the cases take turns, so a burst of load falls on all of them
    alike). Defaults: 5 runs of 20ms (quick mode: 5 of 10ms). Load on the machine only makes a
    run slower, so the fastest of several short runs is steadier than one long run.
    """
    benchtime = benchtime or ("10ms" if quick() else "20ms")
    if not isinstance(benchtime, str) or not _BENCHTIME.match(benchtime):
        raise UsageError(
            f"benchtime must be a duration like 200ms or 1s, or a count like "
            f"1000x, not {benchtime!r}"
        )
    count = validate.count(count or 5, "count", maximum=1000)
    args = [f"-benchtime={benchtime}", f"-count={count}", "cost"]
    done = programs.run("valuesem", args, timeout=validate.timeout(timeout))
    return CopyCost(parse_copy_cost(done.stdout), provenance=done.provenance)


@deprecated("gm.valuesem.run()")
def copy_cost(**options: Any) -> CopyCost:
    """The old name of `run` (every entry point that starts Go is called `run`)."""
    return run(**options)


def instructions_at(line: int, function: str, goarch: str) -> list[str]:
    """The machine instructions of `main.go:line` inside `function` (a regular expression over
    symbol names, as `go tool objdump -s` takes) in the valuesem sample built for `goarch`
    (`go tool objdump` reads a binary of any architecture, so amd64 and arm64 both work here)."""
    if not isinstance(line, int) or isinstance(line, bool) or line < 1:
        raise UsageError(f"line must be a line number of main.go (1 or more), not {line!r}")
    function = validate.pattern(function, "function")
    goarch = validate.text(goarch, "goarch")
    sample = workspace.resolve("valuesem")
    binary = workspace.scratch_dir(f"objdump-{goarch}") / "valuesem"
    toolchain.go(
        "build",
        "-o",
        str(binary),
        sample.pattern,
        cwd=sample.module_dir,
        env={"GOARCH": goarch},
        timeout=600,
    ).check_build()
    listing = toolchain.go("tool", "objdump", "-s", function, str(binary)).check_run().stdout
    at = f"main.go:{line}\t"
    return [
        re.split(r"\t+", row.strip())[-1].strip()
        for row in listing.splitlines()[1:]
        if row.strip().startswith(at)
    ]
