"""Record an execution trace of a Go program and read it back through `go tool trace`."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import programs, settings, toolchain, workspace
from ..errors import GoCommandError, ParseError
from ..workspace import Package
from .model import Trace
from .reader import EventParser

Target = str | os.PathLike | Package


def sample_args(items: int | None = None, workers: int | None = None,
                live_mib: int | None = None) -> list[str]:
    """Flags for the bundled `trace` sample (quick mode: a shorter run)."""
    args = ["-items", str(items if items is not None else (1500 if settings.quick() else 4000))]
    if workers is not None:
        args += ["-workers", str(workers)]
    if live_mib is not None:
        args += ["-live", str(live_mib)]
    return args


def _env(gomaxprocs: int | None, gogc: int | str | None,
         env: Mapping[str, str] | None) -> dict[str, str]:
    extra = dict(env or {})
    if gomaxprocs is not None:
        extra["GOMAXPROCS"] = str(gomaxprocs)
    if gogc is not None:
        extra["GOGC"] = str(gogc)
    return extra


def record(target: Target = "trace", *, args: Sequence[str] = (), gomaxprocs: int | None = None,
           gogc: int | str | None = None, env: Mapping[str, str] | None = None,
           test: str | None = None, timeout: float = 120.0) -> tuple[Path, str]:
    """Run a program with `-trace FILE` (or `go test -run TEST -trace FILE` when `test` names
    tests) and return the trace file (in a fresh scratch folder) and what the program printed.

    A program must accept a `-trace FILE` flag that starts `runtime/trace` (as the `trace`
    sample does); any Go test can be traced with `test=`.
    """
    folder = workspace.scratch_dir("trace")
    file = folder / "trace.out"
    extra = _env(gomaxprocs, gogc, env)
    if test is not None:
        done = programs.test(target, "-run", test, "-count=1", f"-trace={file}", *args,
                             env=extra, timeout=timeout)
    else:
        done = programs.run(target, [*args, "-trace", str(file)], env=extra, timeout=timeout,
                            cwd=folder)
    if not file.is_file() or file.stat().st_size == 0:
        raise GoCommandError(f"the program ran but wrote no trace to {file}: does it start "
                             "runtime/trace when given -trace FILE?", command=done.command,
                             stdout=done.stdout, stderr=done.stderr)
    return file, done.stdout


def load(file: str | os.PathLike, *, label: str = "", program_output: str = "",
         timeout: float = 300.0) -> Trace:
    """Read a trace file: `go tool trace -d=parsed FILE`, parsed line by line as it streams."""
    file = Path(file)
    parser = EventParser()
    failed: list[ParseError] = []

    def feed(line: str) -> None:
        # A parse error must not stop the reading of the pipe (the tool would block on a
        # full pipe until the timeout): remember the first one, skip the rest of the output.
        if not failed:
            try:
                parser.feed_line(line)
            except ParseError as error:
                failed.append(error)

    started = time.perf_counter()
    done = toolchain.go("tool", "trace", "-d=parsed", os.fspath(file), timeout=timeout,
                        on_stdout=feed, keep_stdout=False)
    if failed:
        raise failed[0]
    if not done.ok:
        raise GoCommandError(f"`go tool trace -d=parsed` could not read {file}:\n"
                             + done.stderr.strip()[-2000:], command=done.command,
                             stderr=done.stderr)
    parsed = parser.close()
    seconds = time.perf_counter() - started
    return Trace(parsed, file=file, label=label or file.name, program_output=program_output,
                 tool_seconds=seconds)


def run(target: Target = "trace", *, args: Sequence[str] | None = None,
        gomaxprocs: int | None = None, gogc: int | str | None = None,
        env: Mapping[str, str] | None = None, test: str | None = None,
        timeout: float = 120.0) -> Trace:
    """Trace a run of `target` (default: the bundled `trace` sample) and return the `Trace`.

    `gomaxprocs`/`gogc` set GOMAXPROCS/GOGC for the run. For the bundled sample, `args`
    defaults to a run sized for the mode (quick mode: shorter).
    """
    if args is None:
        args = sample_args() if target == "trace" and test is None else ()
    file, output = record(target, args=args, gomaxprocs=gomaxprocs, gogc=gogc, env=env,
                          test=test, timeout=timeout)
    settings_text = ", ".join(f"{k}={v}" for k, v in
                              (("GOMAXPROCS", gomaxprocs), ("GOGC", gogc)) if v is not None)
    name = target.name if isinstance(target, Package) else Path(os.fspath(target)).name
    label = f"{name}" + (f" ({settings_text})" if settings_text else "")
    return load(file, label=label, program_output=output, timeout=timeout)
