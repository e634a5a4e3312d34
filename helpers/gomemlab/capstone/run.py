"""Build the capstone's harness around a learner's version and run its jobs, each in a process
of its own under the lab's reaper (toolchain.run): the correctness comparison, the interleaved
benchmark runs, the GC workload, the streamed heap run and the leak profile.

The harness is built twice, each in a fresh scratch module holding the baseline
(gosamples/capstone), a package `yours` and the harness itself (harness/main.go in this package):
once with the learner's files as `yours`, once with a copy of the baseline there (once only when
the two are the same files: the baseline judged against itself). Each version is measured in
its own program, so nothing the learner's package does (its init, a goroutine it leaves
running, a GC setting) reaches the baseline's runs. Before each run the binary is checked to be
the one built (a version that rewrote it would otherwise judge itself), and every job of the
learner's version has its reports compared with the baseline's on the same input. The modules
and programs belong to one check: `Harness.remove()` deletes them when it ends.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import programs, toolchain, validate, versions, workspace
from ..errors import GoBuildError, GomemlabError, ParseError, UsageError, WorkspaceError
from ..workspace import Package
from . import targets

HERE = Path(__file__).parent
SOURCE_FILE = "aggregate.go"
MAX_SOURCE_BYTES = 1 << 20
"""A capstone source file larger than this (1 MiB; the baseline's is 7 KB) is the wrong file."""
CORRECT_TIMEOUT = 120.0
"""At most this long for the correctness job (the baseline's takes ~6 s at load 37): an endless
loop in a version is reported in two minutes, not after the check's whole timeout."""
CONTRACT = (
    "keep the baseline's two signatures, func Aggregate(r io.Reader) (*Report, error) and "
    "func (r *Report) WriteTo(w io.Writer) (int64, error)"
)
_PACKAGE_CLAUSE = re.compile(r"^package\s+(\w+)", re.MULTILINE)


BASELINE_SHA256 = "8043c850f02807842e9b9e43d92203d09e603a42d31165b084def8fb2fd41341"
"""The digest of the baseline the course ships (baseline_digest): a check refuses another one,
so an edited gosamples/capstone cannot make the baseline slower. Change it with the baseline."""


def baseline_files() -> dict[str, str]:
    """The baseline's Go files (tests excluded), by name."""
    folder = workspace.sample("capstone").dir
    return {
        p.name: p.read_text()
        for p in sorted(folder.glob("*.go"))
        if not p.name.endswith("_test.go")
    }


def baseline_digest(files: Mapping[str, str]) -> str:
    """A digest of the baseline's files, the same for any line endings git gave them."""
    digest = hashlib.sha256()
    for name in sorted(files):
        text = files[name].replace("\r\n", "\n")
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()


def same_files(one: Mapping[str, str], other: Mapping[str, str]) -> bool:
    """The same Go files with the same text, whatever line endings each was given with."""
    return _lf(one) == _lf(other)


def _lf(files: Mapping[str, str]) -> dict[str, str]:
    return {name: text.replace("\r\n", "\n") for name, text in files.items()}


def shipped_baseline() -> dict[str, str]:
    """The baseline's files, once they are the ones the course ships (WorkspaceError if not)."""
    files = baseline_files()
    if baseline_digest(files) != BASELINE_SHA256:
        raise WorkspaceError(
            f"the baseline in {workspace.sample('capstone').dir} is not the one the course "
            "ships, so the check would judge you against another program: restore it "
            "(git checkout gosamples/capstone) and keep your changes in your own copy "
            "(gm.capstone.start())"
        )
    return files


def _read(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise WorkspaceError(
            f"{path} is {size / (1 << 20):.1f} MiB, too big for a capstone source file "
            f"(at most {MAX_SOURCE_BYTES >> 20} MiB): give the folder of your capstone package"
        )
    return path.read_text()


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
            files = {path.name: _read(path)}
        elif path.is_dir():
            files = {
                p.name: _read(p)
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
    for name, text in files.items():
        if not name.endswith(".go") or "/" in name or name.startswith("."):
            raise WorkspaceError(f"{name!r} is not a Go file name like aggregate.go")
        if len(text.encode()) > MAX_SOURCE_BYTES:
            raise WorkspaceError(
                f"{name} is over {MAX_SOURCE_BYTES >> 20} MiB, too big for a capstone "
                "source file: give the text of your aggregate.go"
            )
    clauses = {m.group(1) for text in files.values() if (m := _PACKAGE_CLAUSE.search(text))}
    if "main" in clauses:
        raise UsageError(
            "the capstone is a library package (`package capstone` with Aggregate and "
            "WriteTo), not `package main`: keep the baseline's package clause"
        )
    if len(clauses) > 1:
        raise UsageError(
            f"your capstone files declare the packages {', '.join(sorted(clauses))}: "
            "one package's files all say the same, `package capstone`"
        )
    return files


STARTED_A_PROCESS = 3
"""The harness's exit status when the version it ran started another program (harness/
children_unix.go): work done there escapes every measurement of the job."""


def harness_module(yours: Mapping[str, str], baseline: Mapping[str, str]) -> Package:
    """A fresh scratch module holding `baseline`, `yours` as package yours, and the harness."""
    module = workspace.scratch_dir("capstone")
    (module / "go.mod").write_text(f"module capcheck\n\ngo {workspace.GO_DIRECTIVE}\n")
    for folder, files in (
        ("baseline", dict(baseline)),
        ("yours", dict(yours)),
        ("harness", {f.name: f.read_text() for f in sorted((HERE / "harness").glob("*.go"))}),
    ):
        (module / folder).mkdir()
        for name, text in files.items():
            (module / folder / name).write_text(text)
    return Package(module, "harness", label="capstone-harness")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Harness:
    """Both built harnesses: `job(impl, ...)` runs one job of one version in its own process
    (the baseline's program holds no code of yours) and returns its output."""

    binaries: Mapping[str, Path]
    timeout: float = 120.0
    env: dict[str, str] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    folders: tuple[Path, ...] = ()
    """The scratch modules and program folders this check made: `remove()` deletes them."""

    def __post_init__(self) -> None:
        self.digests = {impl: _digest(path) for impl, path in self.binaries.items()}

    def remove(self) -> None:
        """Delete the check's modules and programs (and anything its jobs wrote beside them):
        a check leaves nothing in the scratch folder."""
        _remove(self.folders)

    @property
    def binary(self) -> Path:
        """The program that runs your version (the correctness job compares both in it)."""
        return self.binaries["yours"]

    def job(self, impl: str, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run one job of `impl` (GOMAXPROCS=PROCS unless `env` says otherwise); its output."""
        binary = self.binaries[impl]
        if _digest(binary) != self.digests[impl]:
            raise WorkspaceError(
                f"the capstone check's program {binary} changed while the check ran: code "
                "it ran wrote over it. A version must not write outside its own folder; "
                "check it again once it does not"
            )
        done = toolchain.run(
            [binary, args[0], "-impl", impl, *args[1:]],
            cwd=binary.parent,
            env=toolchain.go_env({"GOMAXPROCS": str(targets.PROCS), **self.env, **(env or {})}),
            timeout=min(self.timeout, CORRECT_TIMEOUT) if args[0] == "correct" else self.timeout,
        )
        if done.returncode == STARTED_A_PROCESS and "harness: started a process" in done.stderr:
            whose = "your version" if impl == "yours" else "the baseline"
            raise WorkspaceError(
                f"{whose} started another program during the capstone check's {args[0]} job: "
                "the check measures what Aggregate does in its own process, where work done in "
                "another program is not counted. Do the work in your package, then check again"
            )
        return done.check_run().stdout  # it ran in the binary's folder

    def json(self, impl: str, *args: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Run one job that prints a JSON object; the object (ParseError otherwise)."""
        text = self.job(impl, *args, env=env)
        if not text.strip():
            whose = "your version" if impl == "yours" else "the baseline"
            raise ParseError(
                f"the capstone check's {args[0]} job of {whose} "
                "ended without a word: the program was ended from inside (os.Exit, log.Fatal?) "
                "before the harness could report; Aggregate must return, not end the program"
            )
        return _json_object(text)


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise ParseError(f"the capstone harness printed {text[:80]!r}, not its JSON") from None
    if not isinstance(value, dict):
        raise ParseError(f"the capstone harness printed {text[:80]!r}, not a JSON object")
    return value


def build(yours: Mapping[str, str], baseline: Mapping[str, str], timeout: float = 300.0) -> Harness:
    """Compile the harness around `yours`, and around a copy of `baseline` for the baseline's
    own runs (one program for both when `yours` is `baseline`: the same source builds the same
    program). A compile error names the learner's own file and line (aggregate.go:12:3, not
    the harness module's path); an error in the harness itself means the contract changed,
    and says so (UsageError). The modules and programs are the Harness's (`remove()`); a build
    that fails removes its own."""
    made: list[Path] = []
    try:
        try:
            mine = _build_one(yours, baseline, made, timeout)
        except GoBuildError as error:
            raise _in_learners_terms(error) from None
        same = same_files(yours, baseline)
        theirs = mine if same else _build_one(baseline, baseline, made, timeout)
    except BaseException:
        _remove(made)
        raise
    return Harness({"yours": mine, "baseline": theirs}, folders=tuple(made))


def _build_one(
    yours: Mapping[str, str], baseline: Mapping[str, str], made: list[Path], timeout: float
) -> Path:
    """One harness program; its module and program folder are added to `made` first."""
    package = harness_module(yours, baseline)
    made.append(package.module_dir)
    made.append(programs.binary_path(package, None, versions.resolve(None).version).parent)
    return programs.build(package, timeout=timeout)


def _remove(folders: Iterable[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


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
    """Everything one check measured; the baseline's and yours side by side. `correctness`
    holds a "difference" when your report was wrong: on the fresh inputs, or on a sampled run
    of a later job (then "job" names it)."""

    seed: int
    correctness: Mapping[str, Any]
    bench_lines: tuple[str, ...] = ()
    gc: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    heap: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    leaks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


IMPLS = ("baseline", "yours")


class _Differs(Exception):
    """A sampled report of your version differed from the baseline's in `job`."""

    def __init__(self, job: str, difference: Mapping[str, Any]):
        super().__init__(job)
        self.difference = {**difference, "job": job}


def _verified(job: str, result: Mapping[str, Any]) -> Mapping[str, Any]:
    """`result` of a job of yours, once its "verify" part says the sampled reports matched."""
    verify = result.get("verify") or {}
    if verify.get("difference"):
        raise _Differs(job, verify["difference"])
    return result


def _bench(harness: Harness, impl: str, seed: int, benchtime: str) -> list[str]:
    """One benchmark run of `impl`: its benchmark line(s), verified."""
    out = harness.job(
        impl,
        "bench",
        "-seed",
        str(seed),
        "-lines",
        str(targets.LINES_PER_OP),
        "-benchtime",
        benchtime,
    )
    lines = out.splitlines()
    verify = [line.removeprefix("verify ") for line in lines if line.startswith("verify ")]
    if len(verify) != 1:
        raise ParseError(f"the capstone harness's bench job printed no verify line: {out[:200]!r}")
    _verified("bench", {"verify": _json_object(verify[0])})
    return [line for line in lines if line.startswith("Benchmark")]


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
    odd ones), then the GC jobs (interleaved), the heap jobs (yours, then the baseline on the
    same input) and the leak jobs (both at once). A report of yours that differs from the
    baseline's on the same input in any job ends the check there too."""
    on_step("correctness on fresh inputs")
    correctness = harness.json("yours", "correct", "-seed", str(seed))
    if correctness.get("difference"):
        return Measurements(seed, correctness)
    try:
        return _measure(harness, seed, count, benchtime, on_step, correctness)
    except _Differs as differs:
        return Measurements(seed, {**correctness, "difference": differs.difference})


def _measure(
    harness: Harness,
    seed: int,
    count: int,
    benchtime: str,
    on_step: Callable[[str], None],
    correctness: Mapping[str, Any],
) -> Measurements:
    lines = measure_bench(harness, seed=seed, count=count, benchtime=benchtime, on_step=on_step)
    on_step("the GC's share of the CPU")
    gc = measure_gc(harness, seed=seed)
    on_step("the peak heap under the memory limit")
    heap = measure_heap(harness, seed=seed)
    on_step("goroutines left behind")
    leaks = measure_leaks(harness, seed=seed)
    return Measurements(seed, correctness, tuple(lines), gc, heap, leaks)


def measure_heap(harness: Harness, *, seed: int) -> dict[str, Mapping[str, Any]]:
    """The heap job of each version under the memory limit: yours first, on an input its job
    picks (after your package's init ran), then the baseline's on the same input (-key); the
    baseline's report of it is the one yours must match, so the baseline streams the input
    once, not once more to verify yours. When the reports' digests differ, a last job says
    where (_Differs)."""
    args = ("-seed", str(seed), "-lines", str(targets.HEAP_LINES))
    limit = {"GOMEMLIMIT": str(targets.MEMORY_LIMIT)}
    mine = harness.json("yours", "heap", *args, env=limit)
    key, digest = mine.get("key"), mine.get("report_sha256")
    if not isinstance(key, int) or isinstance(key, bool) or not 0 < key < 2**64:
        raise ParseError(f"the capstone heap job of your version named no input key: {mine}")
    theirs = harness.json("baseline", "heap", *args, "-key", str(key), env=limit)
    if digest != theirs.get("report_sha256"):
        _verified("heap", {"verify": harness.json("yours", "heapdiff", *args, "-key", str(key))})
        raise ParseError("the capstone heap jobs' reports differed; heapdiff said nowhere")
    return {"baseline": theirs, "yours": mine}


def measure_leaks(harness: Harness, *, seed: int) -> dict[str, Mapping[str, Any]]:
    """The leak job of both versions at the same time (each waits up to a second for the
    goroutines its runs started; the baseline's never end): yours in this thread, so an
    interrupt stops it; the baseline's (a few runs of 500 lines, then a wait) beside it."""
    with ThreadPoolExecutor(max_workers=1) as beside:
        theirs = beside.submit(harness.json, "baseline", "leak", "-seed", str(seed))
        mine = harness.json("yours", "leak", "-seed", str(seed))
        return {
            "baseline": _verified("leak", theirs.result()),
            "yours": _verified("leak", mine),
        }


def measure_bench(
    harness: Harness,
    *,
    seed: int,
    count: int,
    benchtime: str,
    on_step: Callable[[str], None] = lambda step: None,
) -> list[str]:
    """`count` benchmark runs of each version, interleaved (baseline first in even rounds,
    yours first in odd ones): the Go benchmark lines they printed, each run verified."""
    lines: list[str] = []
    for round_ in range(count):
        on_step(f"benchmark runs {round_ + 1} of {count} (each version once)")
        order = IMPLS if round_ % 2 == 0 else IMPLS[::-1]
        for impl in order:
            lines.extend(_bench(harness, impl, seed, benchtime))
    return lines


def measure_gc(harness: Harness, *, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The GC job, on one P: GC_REPEATS runs of yours and GC_BASELINE_REPEATS of the
    baseline's, interleaved (targets.GC_ORDER); each run's readings, verified."""
    gc: dict[str, list[dict[str, Any]]] = {impl: [] for impl in IMPLS}
    for impl in targets.GC_ORDER:
        result = harness.json(
            impl,
            "gc",
            "-seed",
            str(seed),
            "-lines",
            str(targets.GC_LINES),
            "-rounds",
            str(targets.GC_ROUNDS),
            env={"GOMAXPROCS": str(targets.GC_PROCS)},
        )
        gc[impl].append(dict(_verified("gc", result)))
    return gc
