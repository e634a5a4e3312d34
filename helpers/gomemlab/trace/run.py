"""Record an execution trace of a Go program and read it back through `go tool trace`."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import programs, toolchain, validate, versions, workspace
from ..deprecation import deprecated
from ..errors import GoCommandError, ParseError, UsageError
from ..provenance import Provenance
from ..result import FrozenResult
from ..toolchain import Completed, GoToolchain
from ..workspace import Package, Target
from . import fastread
from .parse import CHUNK_LINES, EventParser
from .records import ParsedEvents
from .result import Trace


@dataclass(frozen=True, repr=False)
class Recording(FrozenResult):
    """A trace file a run wrote, what the program printed, and how it was run."""

    file: Path
    program_output: str
    provenance: Provenance


def sample_args(
    items: int | None = None, workers: int | None = None, live_mib: int | None = None
) -> list[str]:
    """Flags for the bundled `trace` sample (1500 items: six or seven GC cycles, enough for
    every per-cycle check).

    `items` pushed through the pipeline (≥ 1), `workers` goroutines (≥ 1), `live_mib` MiB of
    long-lived data (≥ 0); UsageError otherwise.
    """
    if items is None:
        items = 1500
    args = ["-items", str(validate.count(items, "items"))]
    if workers is not None:
        args += ["-workers", str(validate.count(workers, "workers"))]
    if live_mib is not None:
        args += ["-live", str(validate.mebibytes(live_mib, "live_mib"))]
    return args


def _env(
    gomaxprocs: int | None, gogc: int | str | None, env: Mapping[str, str] | None
) -> dict[str, str]:
    if env is not None and not isinstance(env, Mapping):
        raise UsageError(f"env must be a mapping of names to values, not {type(env).__name__}")
    extra = {str(k): str(v) for k, v in (env or {}).items()}
    if gomaxprocs is not None:
        extra["GOMAXPROCS"] = str(validate.gomaxprocs(gomaxprocs))
    if gogc is not None:
        extra["GOGC"] = validate.gogc(gogc)
    return extra


def _args(args: Sequence[str] | str) -> list[str]:
    if isinstance(args, str) or not all(isinstance(a, str) for a in args):
        raise UsageError(f"args must be a list of strings (one per argument), not {args!r}")
    return list(args)


def record(
    target: Target = "trace",
    *,
    args: Sequence[str] = (),
    gomaxprocs: int | None = None,
    gogc: int | str | None = None,
    env: Mapping[str, str] | None = None,
    test: str | None = None,
    timeout: float = 120.0,
    go: str | GoToolchain | None = None,
) -> Recording:
    """Run a program with `-trace FILE` (or `go test -run TEST -trace FILE` when `test` names
    tests) and return the `Recording`: the trace file (in a fresh scratch folder), what the
    program printed, and its provenance (command, build and run seconds).

    A program must accept a `-trace FILE` flag that starts `runtime/trace` (as the `trace`
    sample does); any Go test can be traced with `test=` (a `-run` pattern).
    """
    timeout = validate.timeout(timeout)
    args = _args(args)
    extra = _env(gomaxprocs, gogc, env)
    if test is not None:
        validate.pattern(test, "test")
    folder = workspace.scratch_dir("trace")
    file = folder / "trace.out"
    if test is not None:
        done = programs.test(
            target,
            "-run",
            test,
            "-count=1",
            f"-trace={file}",
            *args,
            env=extra,
            timeout=timeout,
            go=go,
        )
    else:
        done = programs.run(
            target, [*args, "-trace", str(file)], env=extra, timeout=timeout, cwd=folder, go=go
        )
    if not file.is_file() or file.stat().st_size == 0:
        raise GoCommandError(
            f"the program ran but wrote no trace to {file}: does it start "
            "runtime/trace when given -trace FILE?",
            command=done.command,
            stdout=done.stdout,
            stderr=done.stderr,
        )
    provenance = dataclasses.replace(done.provenance, files=(os.fspath(file),))
    return Recording(file, done.stdout, provenance)


def read_text(file: Path, *, timeout: float) -> tuple[ParsedEvents, Completed]:
    """The events of a trace file from the text of `go tool trace -d=parsed FILE`, parsed as
    it streams (`read`'s way when the compiled reader cannot be built), and how it ran."""
    parser = EventParser()
    failed: list[ParseError] = []
    pending: list[str] = []
    append = pending.append

    def flush() -> None:
        # A parse error must not stop the reading of the pipe (the tool would block on a
        # full pipe until the timeout): remember the first one, skip the rest of the output.
        if not failed:
            try:
                parser.feed_lines(pending)
            except ParseError as error:
                failed.append(error)
        pending.clear()

    tail = [""]

    def feed(text: str) -> None:  # pieces of up to 1 MiB, cut anywhere
        lines = (tail[0] + text).split("\n")
        tail[0] = lines.pop()
        pending.extend(lines)
        if len(pending) >= CHUNK_LINES:
            flush()

    done = toolchain.go(
        "tool",
        "trace",
        "-d=parsed",
        os.fspath(file),
        timeout=timeout,
        on_stdout_chunk=feed,
        keep_stdout=False,
    )
    if tail[0]:
        append(tail[0])
    flush()
    if failed:
        raise failed[0]
    if not done.ok:
        raise GoCommandError(
            f"`go tool trace -d=parsed` could not read {file}:\n" + done.stderr.strip()[-2000:],
            command=done.command,
            stderr=done.stderr,
        )
    parsed = parser.close()
    return parsed, done


def read(
    file: str | os.PathLike,
    *,
    label: str = "",
    program_output: str = "",
    provenance: Provenance | None = None,
    timeout: float = 300.0,
) -> Trace:
    """Read a trace file into a `Trace`: the events `go tool trace -d=parsed FILE` prints,
    read by the compiled reader (`fastread`; else from the tool's text, the same result).

    Memory: no text is held whole, and the events are kept as rows with identical stacks
    stored once. `provenance` (default: the reading command and its seconds) says where the
    trace came from.
    """
    timeout = validate.timeout(timeout)
    file = Path(file)
    if not file.is_file():
        raise UsageError(
            f"no trace file at {file}: record one with gm.trace.record or `go test -trace FILE`"
        )
    started = time.perf_counter()
    binary = fastread.reader()
    if binary is not None:
        parsed, done = fastread.read(binary, file, timeout=timeout)
    else:
        parsed, done = read_text(file, timeout=timeout)
    if provenance is None:
        provenance = Provenance.of(
            done.command,
            go_version=done.provenance.go_version,
            run_seconds=time.perf_counter() - started,
            files=[file],
        )
    return Trace(
        parsed,
        file=file,
        label=label or file.name,
        program_output=program_output,
        provenance=provenance,
    )


@deprecated("gm.trace.read(file)")
def load(file: str | os.PathLike, **options: Any) -> Trace:
    """The old name of `read`: it runs a Go program (the trace reader), so it is not a pure
    `load` like `gm.pprof.load`."""
    return read(file, **options)


def run(
    target: Target = "trace",
    *,
    args: Sequence[str] | None = None,
    gomaxprocs: int | None = None,
    gogc: int | str | None = None,
    env: Mapping[str, str] | None = None,
    test: str | None = None,
    timeout: float = 120.0,
    go: str | GoToolchain | None = None,
) -> Trace:
    """Trace a run of `target` (default: the bundled `trace` sample) and return the `Trace`.

    `gomaxprocs`/`gogc` set GOMAXPROCS/GOGC for the run. For the bundled sample, `args`
    defaults to a run sized for the mode (quick mode: shorter). The Trace's provenance is the
    program's run (command, build and run seconds, the trace file); `go` records it with
    another Go release ("1.22"); the pinned `go tool trace` reads it.
    """
    if args is None:
        args = sample_args() if target == "trace" and test is None else ()
    found = versions.resolve(go)
    recording = record(
        target,
        args=args,
        gomaxprocs=gomaxprocs,
        gogc=gogc,
        env=env,
        test=test,
        timeout=timeout,
        go=found,
    )
    settings_text = ", ".join(
        f"{k}={v}" for k, v in (("GOMAXPROCS", gomaxprocs), ("GOGC", gogc)) if v is not None
    )
    name = target.name if isinstance(target, Package) else Path(os.fspath(target)).name
    label = f"{name}" + (f" ({settings_text})" if settings_text else "")
    return read(
        recording.file,
        label=label,
        program_output=recording.program_output,
        provenance=recording.provenance,
        timeout=max(timeout, 300.0),
    )
