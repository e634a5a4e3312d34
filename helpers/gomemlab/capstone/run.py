"""Build the capstone's harness around a learner's version and run its jobs, each in a process
of its own under the lab's reaper (toolchain.run): the correctness comparison, the interleaved
benchmark runs, the GC workload, the streamed heap run and the leak profile.

The harness module is assembled in a fresh scratch folder: the baseline (gosamples/capstone),
the learner's files (`yours`), and the harness itself (harness/main.go in this package).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import programs, toolchain, validate, workspace
from ..errors import GoBuildError, GomemlabError, ParseError, UsageError, WorkspaceError
from ..workspace import Package
from . import targets

HERE = Path(__file__).parent
SOURCE_FILE = "aggregate.go"
_PACKAGE_CLAUSE = re.compile(r"^package\s+(\w+)", re.MULTILINE)


def baseline_files() -> dict[str, str]:
    """The baseline's Go files (tests excluded), by name."""
    folder = workspace.sample("capstone").dir
    return {
        p.name: p.read_text()
        for p in sorted(folder.glob("*.go"))
        if not p.name.endswith("_test.go")
    }


def learner_files(version: str | os.PathLike | Mapping[str, str]) -> dict[str, str]:
    """A learner's version as {file name: Go source}: the text of aggregate.go, a mapping of
    file names to sources, or a folder (its .go files, tests excluded) or one .go file."""
    if isinstance(version, Mapping):
        files = {str(k): v for k, v in version.items()}
        for name, text in files.items():
            validate.source(text, f"the text of {name}")
    elif isinstance(version, str) and ("\n" in version or _PACKAGE_CLAUSE.search(version)):
        validate.source(version, "the capstone's source")
        files = {SOURCE_FILE: version}
    elif isinstance(version, str | os.PathLike):
        path = Path(version).expanduser()
        if path.is_file() and path.suffix == ".go":
            files = {path.name: path.read_text()}
        elif path.is_dir():
            files = {
                p.name: p.read_text()
                for p in sorted(path.glob("*.go"))
                if not p.name.endswith("_test.go")
            }
            if not files:
                raise WorkspaceError(
                    f"{path} holds no .go files: give the folder of your capstone package "
                    "(gm.capstone.start() makes one)"
                )
        else:
            raise WorkspaceError(
                f"{path} is neither a folder nor a .go file: give your capstone package's "
                "folder, one of its .go files, or its source text"
            )
    else:
        raise UsageError(
            "the capstone version is Go source text, a {file name: source} mapping, or a "
            f"folder, not {type(version).__name__}"
        )
    for name in files:
        if not name.endswith(".go") or "/" in name or name.startswith("."):
            raise WorkspaceError(f"{name!r} is not a Go file name like aggregate.go")
    clauses = {m.group(1) for text in files.values() if (m := _PACKAGE_CLAUSE.search(text))}
    if "main" in clauses:
        raise UsageError(
            "the capstone is a library package (`package capstone` with Aggregate and "
            "WriteTo), not `package main`: keep the baseline's package clause"
        )
    return files


def harness_module(yours: Mapping[str, str]) -> Package:
    """A fresh scratch module holding the baseline, the learner's files and the harness."""
    module = workspace.scratch_dir("capstone")
    (module / "go.mod").write_text(f"module capcheck\n\ngo {workspace.GO_DIRECTIVE}\n")
    for folder, files in (
        ("baseline", baseline_files()),
        ("yours", dict(yours)),
        ("harness", {"main.go": (HERE / "harness" / "main.go").read_text()}),
    ):
        (module / folder).mkdir()
        for name, text in files.items():
            (module / folder / name).write_text(text)
    return Package(module, "harness", label="capstone-harness")


@dataclass
class Harness:
    """A built harness: `job(...)` runs one job in its own process and returns its output."""

    binary: Path
    timeout: float = 120.0
    env: dict[str, str] = field(default_factory=dict)

    def job(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run one job (GOMAXPROCS=PROCS unless `env` says otherwise); its standard output."""
        done = toolchain.run(
            [self.binary, *args],
            cwd=self.binary.parent,
            env=toolchain.go_env({"GOMAXPROCS": str(targets.PROCS), **self.env, **(env or {})}),
            timeout=self.timeout,
        )
        return done.check_run().stdout  # it ran in the binary's folder

    def json(self, *args: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Run one job that prints a JSON object; the object (ParseError otherwise)."""
        text = self.job(*args, env=env)
        try:
            value = json.loads(text)
        except ValueError:
            raise ParseError(f"the capstone harness printed {text[:80]!r}, not its JSON") from None
        if not isinstance(value, dict):
            raise ParseError(f"the capstone harness printed {text[:80]!r}, not a JSON object")
        return value


CONTRACT = (
    "keep the baseline's two signatures, func Aggregate(r io.Reader) (*Report, error) and "
    "func (r *Report) WriteTo(w io.Writer) (int64, error)"
)


def build(yours: Mapping[str, str], timeout: float = 300.0) -> Harness:
    """Compile the harness around `yours`. A compile error names the learner's own file and
    line (aggregate.go:12:3, not the harness module's path); an error in the harness itself
    means the contract changed, and says so (UsageError)."""
    try:
        binary = programs.build(harness_module(yours), timeout=timeout)
    except GoBuildError as error:
        raise _in_learners_terms(error) from None
    return Harness(binary)


def _in_learners_terms(error: GoBuildError) -> GomemlabError:
    """The build error with the learner's file names, or a UsageError when the harness
    (which calls Aggregate and WriteTo) no longer compiles against the learner's package."""
    mine = [
        replace(d, file=d.file.removeprefix("yours/"))
        for d in error.diagnostics
        if d.file.startswith("yours/")
    ]
    if mine:
        return GoBuildError(mine, command=error.command, stdout=error.stdout, stderr=error.stderr)
    if any(d.file.startswith("harness/") for d in error.diagnostics):
        first = next(d for d in error.diagnostics if d.file.startswith("harness/"))
        return UsageError(
            f"the check cannot call your version ({first.message.splitlines()[0]}): {CONTRACT}"
        )
    return error


def fresh_seed() -> int:
    """A seed nobody saw before the check: the inputs cannot be known in advance."""
    return secrets.randbits(48)


@dataclass(frozen=True)
class Measurements:
    """Everything one check measured; the baseline's and yours side by side."""

    seed: int
    correctness: Mapping[str, Any]
    bench_lines: tuple[str, ...] = ()
    gc: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    heap: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    leaks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


IMPLS = ("baseline", "yours")


def measure(
    harness: Harness,
    *,
    seed: int,
    count: int,
    benchtime: str,
    on_step: Callable[[str], None] = lambda step: None,
) -> Measurements:
    """Run every job: correctness first (a wrong report ends the check there), then `count`
    benchmark runs of each version interleaved (baseline first in even rounds, yours first in
    odd ones), then the GC, heap and leak jobs for both."""
    on_step("correctness on fresh inputs")
    correctness = harness.json("correct", "-seed", str(seed))
    if correctness.get("difference"):
        return Measurements(seed, correctness)
    lines = measure_bench(harness, seed=seed, count=count, benchtime=benchtime, on_step=on_step)
    on_step("the GC's share of the CPU")
    gc = measure_gc(harness, seed=seed)
    on_step("the peak heap under the memory limit")
    heap = {
        impl: harness.json(
            "heap",
            "-impl",
            impl,
            "-seed",
            str(seed),
            "-lines",
            str(targets.HEAP_LINES),
            env={"GOMEMLIMIT": str(targets.MEMORY_LIMIT)},
        )
        for impl in IMPLS
    }
    on_step("goroutines left behind")
    leaks = {impl: harness.json("leak", "-impl", impl, "-seed", str(seed)) for impl in IMPLS}
    return Measurements(seed, correctness, tuple(lines), gc, heap, leaks)


def measure_bench(
    harness: Harness,
    *,
    seed: int,
    count: int,
    benchtime: str,
    on_step: Callable[[str], None] = lambda step: None,
) -> list[str]:
    """`count` benchmark runs of each version, interleaved (baseline first in even rounds,
    yours first in odd ones): the Go benchmark lines they printed."""
    lines: list[str] = []
    for round_ in range(count):
        on_step(f"benchmark runs {round_ + 1} of {count} (each version once)")
        order = IMPLS if round_ % 2 == 0 else IMPLS[::-1]
        for impl in order:
            out = harness.job(
                "bench",
                "-impl",
                impl,
                "-seed",
                str(seed),
                "-lines",
                str(targets.LINES_PER_OP),
                "-benchtime",
                benchtime,
            )
            lines.extend(line for line in out.splitlines() if line.startswith("Benchmark"))
    return lines


def measure_gc(harness: Harness, *, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The GC job, on one P: GC_REPEATS runs of yours and GC_BASELINE_REPEATS of the
    baseline's, interleaved (targets.GC_ORDER); each run's readings."""
    gc: dict[str, list[dict[str, Any]]] = {impl: [] for impl in IMPLS}
    for impl in targets.GC_ORDER:
        gc[impl].append(
            harness.json(
                "gc",
                "-impl",
                impl,
                "-seed",
                str(seed),
                "-lines",
                str(targets.GC_LINES),
                "-rounds",
                str(targets.GC_ROUNDS),
                env={"GOMAXPROCS": str(targets.GC_PROCS)},
            )
        )
    return gc
