"""Build a sample's program or test binary once and reuse it (chapters 08, 09 and 10 run
theirs a dozen times each).

A chapter runs its sample a dozen times. Asking `go build` whether a binary is up to date
costs 0.1-0.4 s on a quiet machine and seconds under load, and `go test` relinks its test
binary on every call. A stamp beside each binary records the Go version, the build settings
in the environment (GOEXPERIMENT, GOFLAGS, ...) and the name, size and modification time of
every file it was built from; while they match, the binary is
reused without starting `go` (also by the next process); any edit builds again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import programs, toolchain, versions, workspace
from .toolchain import GoToolchain

_BUILD_ENV = ("GOEXPERIMENT", "GOFLAGS", "CGO_ENABLED", "GOOS", "GOARCH", "GOAMD64", "GODEBUG")
"""Environment variables that change what `go build` makes: part of the stamp."""

_BUILT: dict[tuple, Path] = {}
"""Binaries built or found in this process, by stamp."""


def _stamp(package: workspace.Package, tests: bool, found: GoToolchain) -> tuple:
    files = [*package.go_files(tests=tests), package.module_dir / "go.mod"]
    return (
        str(package.dir),
        found.version,
        str(found.goroot),
        tests,
        tuple(os.environ.get(name, "") for name in _BUILD_ENV),
        *((f.name, os.stat(f).st_mtime_ns, os.stat(f).st_size) for f in files),
    )


def _cached(
    package: workspace.Package, tests: bool, found: GoToolchain, output: Path, build
) -> tuple[Path, float]:
    key = _stamp(package, tests, found)
    binary = _BUILT.get(key)
    if binary is not None and binary.is_file():
        return binary, 0.0
    started = time.perf_counter()
    stamp = output.with_name(output.name + ".stamp")
    if not (output.is_file() and stamp.is_file() and stamp.read_text() == repr(key)):
        built = build()
        if isinstance(built, Path) and built != output:  # the builder chose another path:
            output = built  # use it (and stamp nothing)
        else:
            stamp.write_text(repr(key))
    _BUILT[key] = output
    return output, time.perf_counter() - started


def program(
    package: workspace.Package, timeout: float, go: str | GoToolchain | None = None
) -> tuple[Path, float]:
    """The package's program (a `package main`) built by `go` (default: the pinned
    release) and the seconds spent building it; a compile error is a GoBuildError."""
    found = versions.resolve(go)
    output = programs.binary_path(programs.for_release(package, found), None, found.version)
    return _cached(
        package, False, found, output, lambda: programs.build(package, timeout=timeout, go=found)
    )


def test_binary(
    package: workspace.Package, timeout: float, go: str | GoToolchain | None = None
) -> tuple[Path, float]:
    """The package's test binary (`go test -c`) built by `go` and the seconds spent
    building it; a compile error is a GoBuildError."""
    found = versions.resolve(go)
    release = programs.for_release(package, found)
    output = programs.binary_path(release, "test", found.version)
    output = output.with_name(package.name + ".test")
    return _cached(
        package,
        True,
        found,
        output,
        lambda: toolchain.go(
            "test",
            "-c",
            "-o",
            str(output),
            release.pattern,
            cwd=release.module_dir,
            timeout=timeout,
            using=found,
        ).check_build(),
    )
