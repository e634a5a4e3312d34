"""Measure, on each Go release, the behaviours that changed: one live run per release."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import binaries as _binaries
from .. import experiments, programs, toolchain, validate, versions, workspace
from ..deprecation import deprecated
from ..errors import GoBuildError, UsageError
from ..provenance import Provenance
from ..settings import quick
from ..toolchain import GoToolchain
from ..workspace import Package, resolve, samples_root
from .parse import (
    churn_trace,
    escape_verdicts,
    first_error,
    gctrace_values,
    parse_probe,
    probe_values,
)
from .result import MatrixRow, ReleaseMatrix

NOT_AVAILABLE = "not available"
"""The value of a feature row when the release's compiler rejects the feature."""


@dataclass(frozen=True)
class Behaviour:
    """One row of the matrix: what is measured, since which release it changed, and why."""

    key: str
    title: str
    since: str
    why: str
    expect: Callable[[int], str] | None = None
    """The value the release notes predict on Go 1.<minor> (None: a measurement only)."""


def _by(since: int, old: str, new: str) -> Callable[[int], str]:
    return lambda minor: new if minor >= since else old


BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour(
        "loopvar.printed",
        "closures over a for-loop's i print",
        "1.22",
        "Go 1.22 gives each iteration its own loop variable (when go.mod says 1.22+), "
        "so three closures see 0, 1, 2 instead of the one shared i, which ends at 3.",
        _by(22, "333", "012"),
    ),
    Behaviour(
        "loopvar.escape",
        "the loop variable i captured by a closure",
        "1.22",
        "One shared i is changed after a closure captures it, so it must be captured by "
        "reference and moved to the heap; a per-iteration i never changes after capture, "
        "so the closure copies it.",
        _by(22, "moved to heap: i", "captured by value"),
    ),
    Behaviour(
        "loopvar.allocs",
        "allocations to build three closures over i",
        "1.22",
        "The shared i cost one heap object of its own (7 = i + 3 closures + 3 growths of "
        "the slice); per-iteration copies live inside the closures (6); from 1.26 the "
        "escaping slice grows on the stack and moves to the heap once (4).",
        lambda minor: "7" if minor < 22 else "6" if minor < 26 else "4",
    ),
    Behaviour(
        "make_var.escape",
        "make([]byte, n) with n known at run time",
        "1.25",
        "From Go 1.25 the compiler gives a variable-size make a small stack buffer and "
        "uses it when n fits, so the backing store need not go to the heap.",
        _by(25, "escapes to heap", "does not escape"),
    ),
    Behaviour(
        "make_var.allocs",
        "allocations of make([]byte, n), n = 8..15",
        "1.25",
        "A small n fits the 32-byte stack buffer: no heap allocation.",
        _by(25, "1", "0"),
    ),
    Behaviour(
        "explicit256k.escape",
        "var a [256 KiB]byte (explicit declaration)",
        "1.24",
        "The limit for an explicitly declared variable on the stack fell from 10 MB to "
        "128 KiB, so a 256 KiB array that used to sit in the frame now goes to the heap.",
        _by(24, "stays on the stack", "moved to heap: a"),
    ),
    Behaviour(
        "explicit256k.allocs",
        "heap allocations of one call with that 256 KiB array",
        "1.24",
        "The same change, seen by the runtime: the frame used to hold the array.",
        _by(24, "0", "1"),
    ),
    Behaviour(
        "explicit16m.escape",
        "var a [16 MiB]byte (explicit declaration)",
        "always",
        "Above every release's limit for declared variables (10 MB, later 128 KiB).",
        _by(0, "", "moved to heap: a"),
    ),
    Behaviour(
        "implicit32k.escape",
        "make([]byte, 32 KiB) (implicit allocation)",
        "always",
        "Below the 64 KiB limit for new, &T{} and constant-size make.",
        _by(0, "", "does not escape"),
    ),
    Behaviour(
        "implicit128k.escape",
        "make([]byte, 128 KiB) (implicit allocation)",
        "always",
        "Above the 64 KiB limit for implicit allocations on every release.",
        _by(0, "", "escapes to heap"),
    ),
    Behaviour(
        "append4.allocs",
        "allocations to append 4 ints to a nil slice (kept local)",
        "1.25",
        "The same 32-byte stack buffer serves a slice grown by append that never "
        "leaves the function, so the first few appends need no heap; before, each growth "
        "(cap 1, 2, 4) was a heap allocation.",
        _by(25, "3", "0"),
    ),
    Behaviour(
        "append4_returned.allocs",
        "allocations to append 4 ints, then return the slice",
        "1.26",
        "Go 1.26 grows even an escaping slice in a stack buffer and copies it to "
        "the heap once, when it leaves the function: one allocation instead of three.",
        _by(26, "3", "1"),
    ),
    Behaviour(
        "funcvar.escape",
        "var a [4]int, &a passed through a func variable assigned twice",
        "1.27",
        "Before 1.27 a call through a local func variable assigned more than once was a call "
        "to an unknown function, so its pointer arguments escaped; 1.27 merges the escape "
        "facts of every function assigned to it (cmd/compile/internal/escape/call.go).",
        _by(27, "moved to heap: a", "stays on the stack"),
    ),
    Behaviour(
        "funcvar.allocs",
        "heap allocations of one such call",
        "1.27",
        "The same change, seen by the runtime: one allocation for a before 1.27, none after.",
        _by(27, "1", "0"),
    ),
    Behaviour(
        "bloop",
        "a benchmark written with for b.Loop()",
        "1.24",
        "testing.B.Loop arrived in Go 1.24; older compilers reject the method.",
        _by(24, NOT_AVAILABLE, "available"),
    ),
    Behaviour(
        "newexpr",
        "new(42): new with an expression",
        "1.26",
        "Go 1.26 lets new take a value, not only a type; older compilers say 42 is not a type.",
        _by(26, NOT_AVAILABLE, "available"),
    ),
    Behaviour(
        "map.hint_helps",
        "make(map, 1000) allocates less than make(map) for 1000 keys",
        "always",
        "A size hint builds the table once instead of growing it; true for the "
        "old buckets and for Swiss tables (1.24) alike.",
        _by(0, "", "yes"),
    ),
    Behaviour(
        "map.no_hint.bytes",
        "heap bytes to insert 1000 int keys, no hint",
        "1.24",
        "Go 1.24 replaced the bucket map with Swiss tables (groups of 8 slots with a "
        "control word), which changes how much memory a growing map allocates.",
    ),
    Behaviour(
        "map.no_hint.allocs",
        "allocations to insert 1000 int keys, no hint",
        "1.24",
        "Swiss tables grow by splitting tables of up to 1024 slots, not by doubling one "
        "bucket array.",
    ),
    Behaviour(
        "map.hint.bytes",
        "heap bytes to insert 1000 int keys, hint 1000",
        "1.24",
        "With a hint both designs allocate once for the whole table.",
    ),
    Behaviour(
        "map.hint.allocs",
        "allocations to insert 1000 int keys, hint 1000",
        "1.24",
        "Counted with runtime.MemStats around 20 calls.",
    ),
    Behaviour(
        "experiment.greenteagc",
        "built with the Green Tea collector",
        "1.26",
        "Green Tea marks small objects a span at a time; an opt-in experiment in 1.25, "
        "the default from 1.26.",
        _by(26, "off", "on"),
    ),
    Behaviour(
        "experiment.sizespecializedmalloc",
        "size-specialised small allocation",
        "1.27",
        "From 1.27 small allocations go through code specialised per size class.",
        _by(27, "off", "on"),
    ),
    Behaviour(
        "experiment.jsonv2",
        "encoding/json on its v2 implementation",
        "1.27",
        "From 1.27 encoding/json is a layer over the new encoding/json/v2 decoder.",
        _by(27, "off", "on"),
    ),
    Behaviour(
        "gc.cycles",
        "GC cycles while churning 2M objects over a 200k-node list",
        "always",
        "Every release collects; how many cycles depends on the pacer.",
        _by(0, "", "yes"),
    ),
    Behaviour(
        "gc.mark_cpu_ms",
        "GC mark CPU (assist + background + idle), ms",
        "1.26",
        "The marker's CPU time, summed over cycles from gctrace: Green Tea changes how "
        "marking walks the heap (times are noisy on a loaded machine).",
    ),
    Behaviour(
        "gc.mark_clock_ms",
        "GC concurrent mark wall time, ms",
        "1.26",
        "Wall time of the concurrent mark phases, summed over cycles.",
    ),
    Behaviour(
        "json.allocs_per_op",
        "allocs/op of one json.Unmarshal of a small order",
        "1.27",
        "The v2-based decoder allocates differently for the same document.",
    ),
    Behaviour(
        "json.ns_per_op",
        "ns/op of one json.Unmarshal of a small order",
        "1.27",
        "Timing: noisy under load, compare the shape, not the digits.",
    ),
    Behaviour(
        "smallalloc.ns_per_op",
        "ns/op to allocate one 16-byte pointerful object",
        "1.27",
        "Size-specialised malloc shortens the path for small objects (timing).",
    ),
)
"""The matrix's rows, in order."""
BEHAVIOUR_KEYS = tuple(b.key for b in BEHAVIOURS)


@validate.typed
def sample(name: str = "") -> Package:
    """The releases sample (`""`), or its `bloop` / `newexpr` sub-package."""
    return resolve(samples_root() / "releases" / name)


def default_series() -> tuple[str, ...]:
    """versions.QUICK_SERIES in quick mode (GOMEMLAB_QUICK=1), else all of versions.SERIES."""
    return versions.QUICK_SERIES if quick() else versions.SERIES


@validate.typed
def toolchains(
    series: Sequence[str] | None = None, *, progress: bool = True
) -> tuple[GoToolchain, ...]:
    """The toolchains of `series` (default: default_series()), installing missing ones."""
    chosen = tuple(default_series() if series is None else series)
    return tuple(_toolchain(s, progress) for s in chosen)


def disk_bytes(found: GoToolchain) -> int:
    """The bytes an unpacked release takes on disk (its GOROOT's files)."""
    if not isinstance(found, GoToolchain):
        raise UsageError(
            "disk_bytes takes a toolchain (gm.find_go() or gm.versions.install(...)), "
            f"not {type(found).__name__}"
        )
    total, folders = 0, [found.goroot]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


def _toolchain(series: str, progress: bool) -> GoToolchain:
    """The release's toolchain: the pinned one, an unpacked one (found by its VERSION file,
    without measuring its disk as versions.find does: 4 s a call here), else installed."""
    if not isinstance(series, str):
        return versions.resolve(series)
    text = series.strip().removeprefix("go")
    pinned = toolchain.find_go()
    if pinned.release == text or versions.language_version(pinned) == text:
        return pinned
    root = versions.home()
    candidates = []
    for goroot in root.glob("go1.*") if root.is_dir() else ():
        version_file = goroot / "VERSION"
        if not version_file.is_file() or not (goroot / "bin").is_dir():
            continue
        version = version_file.read_text().splitlines()[0].strip()
        found = GoToolchain(
            go=goroot / "bin" / ("go.exe" if os.name == "nt" else "go"),
            goroot=goroot,
            version=version,
            source="gm.versions",
        )
        if text in (found.release, versions.language_version(found)):
            candidates.append(found)
    if candidates:
        return max(candidates, key=lambda f: f.version_tuple)
    return versions.install(series, progress=progress)


def _experiment(found: GoToolchain, name: str, key: str) -> str:
    """What the release's own sources say about GOEXPERIMENT `name` (e.g. GreenTeaGC)."""
    exists = (
        found.goroot / "src" / "internal" / "goexperiment" / f"exp_{name.lower()}_on.go"
    ).is_file()
    if not exists:
        return f"no {name.lower()} experiment in this release"
    on = experiments.baseline(found).get(name, False)
    return f"GOEXPERIMENT={name.lower()} exists; {'on' if on else 'off'} by default (exp.go)"


def _escape_values(found: GoToolchain, package: Package) -> dict[str, str]:
    release = programs.for_release(package, found)
    done = toolchain.go(
        "build",
        "-o",
        os.devnull,
        "-gcflags=-m=2",
        release.pattern,
        cwd=release.module_dir,
        using=found,
    ).check_build()
    return escape_verdicts(done.stderr + done.stdout)


def _feature(run: Callable[[], object]) -> tuple[str, str]:
    try:
        run()
    except GoBuildError as error:
        return NOT_AVAILABLE, first_error(error.stderr + "\n" + error.stdout)
    return "available", ""


_BENCHTIME = re.compile(r"^(\d+x|\d+(\.\d+)?(ns|us|ms|s|m))$")


def _benchtime(value: object) -> str:
    if not isinstance(value, str) or not _BENCHTIME.match(value):
        raise UsageError(f'benchtime is a count like "20000x" or a time like "0.2s", not {value!r}')
    return value


def _run_bloop(found: GoToolchain, timeout: float) -> None:
    """Build the b.Loop package's tests with `found` (GoBuildError when it cannot) and run its
    benchmark once: what `go test -run '^$' -bench . -benchtime=1x` does, with the test binary
    built once and reused (`gomemlab.binaries`)."""
    binary, _ = _binaries.test_binary(sample("bloop"), timeout, found)
    toolchain.run(
        [binary, "-test.run", "^$", "-test.bench", ".", "-test.benchtime=1x"],
        cwd=workspace.scratch_dir("run-releases"),
        env=toolchain.go_env(using=found),
        timeout=timeout,
    ).check_run()


def measure_release(
    go: str | GoToolchain, *, benchtime: str = "5000x", timeout: float = 300.0
) -> tuple[dict[str, str], dict[str, str], Provenance]:
    """Every behaviour measured on one release: (values, details, provenance of the probe).

    Three kinds of run: the probe program under `GODEBUG=gctrace=1` (a heap churn for the
    collector's rows, then measurements and two benchmarks), the compiler's `-m=2` verdicts,
    and the two feature packages."""
    found = versions.resolve(go)
    benchtime, timeout = _benchtime(benchtime), validate.timeout(timeout)
    started = time.perf_counter()
    binary, built = _binaries.program(sample(), timeout, found)
    probe = toolchain.run(
        [binary, benchtime],
        cwd=workspace.scratch_dir("run-releases"),
        env=toolchain.go_env({"GODEBUG": "gctrace=1"}, using=found),
        timeout=timeout,
    ).check_run()
    probe = dataclasses.replace(probe, build_seconds=built, go_version=found.version)
    said = parse_probe(probe.stdout)
    values = _escape_values(found, sample())
    values.update(probe_values(said))
    details: dict[str, str] = {}
    values["bloop"], details["bloop"] = _feature(lambda: _run_bloop(found, timeout))
    values["newexpr"], details["newexpr"] = _feature(
        lambda: _binaries.program(sample("newexpr"), timeout, found)
    )
    gc_values, cycles = gctrace_values(churn_trace(probe.stderr))
    values.update(gc_values)
    details["gc.cycles"] = f"{cycles} cycles"
    for name, key in (
        ("GreenTeaGC", "experiment.greenteagc"),
        ("SizeSpecializedMalloc", "experiment.sizespecializedmalloc"),
        ("JSONv2", "experiment.jsonv2"),
    ):
        details[key] = _experiment(found, name, key)
    provenance = Provenance.of(
        probe.command,
        go_version=found.version,
        build_seconds=probe.build_seconds,
        run_seconds=time.perf_counter() - started - probe.build_seconds,
    )
    return values, details, provenance


def rows_for(
    version: str, values: Mapping[str, str], details: Mapping[str, str] | None = None
) -> list[MatrixRow]:
    """The matrix rows of one release (`version` like "go1.21.13") from its measured values
    (pure: a KeyError names a behaviour without a value)."""
    found = GoToolchain(go=Path("go"), goroot=Path("."), version=version, source="measured")
    if len(found.version_tuple) < 2:
        raise UsageError(f"version is written like go1.21.13, not {version!r}")
    minor, details = found.version_tuple[1], details or {}
    rows = []
    for b in BEHAVIOURS:
        value = values[b.key]
        expected = b.expect(minor) if b.expect else ""
        rows.append(
            MatrixRow(
                release=found.version.removeprefix("go"),
                series=versions.language_version(found),
                behaviour=b.key,
                title=b.title,
                since=b.since,
                value=value,
                number=_as_number(value) if b.key.endswith(_NUMERIC) else math.nan,
                expected=expected,
                as_expected=(value == expected) if b.expect else None,
                detail=details.get(b.key, ""),
                why=b.why,
            )
        )
    return rows


_NUMERIC = (".allocs", ".bytes", "_ms", "_per_op")
"""Behaviours whose values are quantities (the others are words, even "333")."""


def _as_number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return math.nan


@validate.typed
def run(
    series: Sequence[str] | None = None,
    *,
    benchtime: str = "5000x",
    timeout: float = 300.0,
    progress: bool = True,
    workers: int | None = None,
) -> ReleaseMatrix:
    """The matrix: every behaviour in BEHAVIOURS measured live on each release.

    `series` defaults to versions.QUICK_SERIES in quick mode, else versions.SERIES; missing
    releases are installed first (pip download, about 70 MB each). `benchtime` is passed to
    the two benchmarks (`5000x`: a fixed count, so each release does the same work).
    Releases are measured `workers` at a time (default up to 3: most of the time is spent
    waiting for the go command), so timings of one release overlap another's work.
    """
    chosen = tuple(default_series() if series is None else series)
    if not chosen or not all(isinstance(s, str) for s in chosen):
        raise UsageError(
            f'series must name at least one release, e.g. ("1.21", "1.27"), not {chosen!r:.60}'
        )
    timeout, benchtime = validate.timeout(timeout), _benchtime(benchtime)
    found = [_toolchain(s, progress) for s in chosen]
    threads = (
        int(validate.positive(workers, "workers")) if workers is not None else min(3, len(found))
    )
    with ThreadPoolExecutor(max_workers=threads) as pool:
        measured = list(
            pool.map(
                lambda release: measure_release(release, benchtime=benchtime, timeout=timeout),
                found,
            )
        )
    rows: list[MatrixRow] = []
    for release, (values, details, _) in zip(found, measured, strict=True):
        rows += rows_for(release.version, values, details)
    return ReleaseMatrix(tuple(rows), tuple(p for *_, p in measured))


@deprecated("gm.releases.run(series)")
def measure(series: Sequence[str] | None = None, **options: Any) -> ReleaseMatrix:
    """The old name of `run` (every entry point that starts Go is called `run`; `measure`
    also named layout's struct measurement)."""
    return run(series, **options)
