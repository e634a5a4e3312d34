"""The compiled trace reader: the Go toolchain's own trace parser, built once, writing the event
columns `load` keeps (`_reader/main.go`).

`go tool trace -d=parsed` prints about seven lines per event that Python then has to parse
again; the reader hands over the same fields as binary columns instead, several times faster.
It is built from `_reader/main.go` plus a copy of the pinned Go's own `internal/trace`
package, its imports renamed (the way golang.org/x/exp/trace is made from it), into
`scratch/bin` once per Go release. Where that cannot be done (a Go whose `internal/trace`
needs other internal packages, a failed build) `reader()` is None and `load` parses the
text of `go tool trace -d=parsed` instead: the same result, only slower.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from pathlib import Path

from .. import toolchain, workspace
from ..errors import GoCommandError, GomemlabError, GoNotFoundError, UsageError, WorkspaceError
from ..settings import scratch_root
from ..toolchain import Completed, GoToolchain
from .parse import parse_columns
from .records import ParsedEvents

SOURCE = Path(__file__).parent / "_reader" / "main.go"
MODULE = "gomemlab.local/tracereader"
_INTERNAL = re.compile(r'"(internal/[\w./-]+)"')


def _copy_packages(goroot: Path, into: Path) -> bool:
    """Copy `internal/trace` and the `internal/trace/...` packages it imports (without tests)
    under `into/trace`, imports renamed; False if it needs any other internal package."""
    wanted, done = ["internal/trace"], set()
    while wanted:
        package = wanted.pop()
        if package in done:
            continue
        done.add(package)
        source = goroot / "src" / package
        target = into / ("trace" + package[len("internal/trace") :])
        target.mkdir(parents=True, exist_ok=True)
        files = [f for f in source.glob("*.go") if not f.name.endswith("_test.go")]
        if not files:
            return False
        for file in files:
            text = file.read_text()
            for imported in _INTERNAL.findall(text):
                if imported != "internal/trace" and not imported.startswith("internal/trace/"):
                    return False
                wanted.append(imported)
            (target / file.name).write_text(text.replace('"internal/trace', f'"{MODULE}/trace'))
    return True


def _language(found: GoToolchain) -> str:
    return ".".join(found.version.removeprefix("go").split(".")[:2])


def _build(found: GoToolchain, binary: Path, source: Path = SOURCE) -> bool:
    staging = binary.parent.parent / f".{binary.name}-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        if not _copy_packages(found.goroot, staging):
            return False
        (staging / "go.mod").write_text(f"module {MODULE}\n\ngo {_language(found)}\n")
        shutil.copy(source, staging / "main.go")
        done = toolchain.run(
            [found.go, "build", "-trimpath", "-o", staging / binary.name, "."],
            cwd=staging,
            env=toolchain.go_env(
                {"GOFLAGS": "-mod=mod", "GO111MODULE": "on", "GOWORK": "off"}, using=found
            ),
            timeout=600,
        )
        if not done.ok:
            return False
        binary.parent.mkdir(parents=True, exist_ok=True)
        (staging / binary.name).replace(binary)
        return True
    except (GomemlabError, OSError):
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _binary(found: GoToolchain, source: Path = SOURCE) -> Path:
    """Where the program built from `source` (`_NAME/main.go` → `traceNAME`) for `found` is
    kept: one per program source and Go installation."""
    digest = hashlib.sha256(
        source.read_bytes() + found.version.encode() + os.fsencode(found.goroot)
    ).hexdigest()[:16]
    return scratch_root() / "bin" / digest / ("trace" + source.parent.name.strip("_"))


def built() -> bool:
    """Whether the reader for the pinned Go is already built (builds nothing)."""
    try:
        return _binary(toolchain.find_go()).is_file()
    except (GomemlabError, WorkspaceError):
        return False


_FAILED: set[Path] = set()
"""Readers whose build failed in this process (not tried again)."""


def reader() -> Path | None:
    """The reader binary for the pinned Go (built on first use, a few seconds, then kept in
    `scratch/bin`, and built again if that copy is removed), or None where it cannot be built
    (then `load` parses the tool's text)."""
    return program(SOURCE)


def program(source: Path) -> Path | None:
    """The binary of a trace program (`source`: its main.go, built with the pinned Go's
    `internal/trace` beside it), built on first use and kept; None where it cannot be built."""
    try:
        found = toolchain.find_go()
        binary = _binary(found, source)
    except (GomemlabError, WorkspaceError):
        return None
    if binary.is_file():
        return binary
    if binary in _FAILED:
        return None
    if _build(found, binary, source):
        return binary
    _FAILED.add(binary)
    return None


def read(binary: Path, file: Path, *, timeout: float) -> tuple[ParsedEvents, Completed]:
    """The events of the trace `file` as the reader `binary` reads them, and how it ran; a
    trace it cannot read is a GoCommandError with the reader's message."""
    folder = workspace.scratch_dir("trace-read")
    out = folder / "events.columns"
    try:
        done = toolchain.run([binary, file, out], timeout=timeout)
        if not done.ok:
            raise GoCommandError(
                f"the trace reader could not read {file}:\n" + done.stderr.strip()[-2000:],
                command=done.command,
                stderr=done.stderr,
            )
        return parse_columns(out.read_bytes()), done
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def trace_file(trace: object, doing: str) -> Path:
    """The trace file behind `trace` (a `Trace` read from a file, or a path); a UsageError
    saying what `doing` needs otherwise."""
    file = trace if isinstance(trace, str | os.PathLike) else getattr(trace, "file", None)
    if file is None or not Path(file).is_file():
        raise UsageError(
            f"no trace file to {doing} ({trace!r:.80}): pass a Trace that `gm.trace.run` or "
            "`gm.trace.read(FILE)` made, or the path of a trace file"
        )
    return Path(file)


def run_program(source: Path, args: list[str], *, doing: str, timeout: float) -> Completed:
    """Run the trace program built from `source` with `args`; GoNotFoundError where it cannot
    be built, GoCommandError (its message) when it fails, `doing` saying what it did."""
    binary = program(source)
    if binary is None:
        raise GoNotFoundError(
            f"the program for {doing} could not be built with this Go (it needs the "
            "toolchain's internal/trace): run `gomemlab doctor`"
        )
    done = toolchain.run([binary, *args], timeout=timeout)
    if not done.ok:
        raise GoCommandError(
            f"{doing} failed: {done.stderr.strip()[-500:]}",
            command=done.command,
            stderr=done.stderr,
        )
    return done
