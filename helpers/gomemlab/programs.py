"""Build Go packages into binaries and run them, with typed errors."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from . import toolchain
from .toolchain import Completed
from .workspace import Package, resolve, scratch_root

Target = str | os.PathLike | Package
BUILD_TIMEOUT_FLOOR = 120.0
"""A build may take this long even under a short run timeout (a cold cache compiles the std)."""


def binary_path(package: Package, gcflags: str | None = None) -> Path:
    """A stable output path per package folder and flags: an up-to-date binary is not relinked."""
    key = hashlib.sha256(f"{package.dir}\0{gcflags or ''}".encode()).hexdigest()[:16]
    folder = scratch_root() / "bin" / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (package.name + (".exe" if os.name == "nt" else ""))


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an advisory lock on `path`.lock: two notebooks building one binary take turns."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: builds of one binary may race
        yield
        return
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(target: Target, *, gcflags: str | None = None, timeout: float = 300.0) -> Path:
    """Compile a main package and return the binary's path; GoBuildError on a compile error.

    The binary's path is stable per package folder, so an up-to-date binary is not relinked
    (about 0.08 s warm); concurrent builds of one package are serialised.
    """
    package = resolve(target)
    output = binary_path(package, gcflags)
    args = ["build", "-o", str(output)]
    if gcflags:
        args.append(f"-gcflags={gcflags}")
    with _exclusive(output):
        toolchain.go(*args, package.pattern, cwd=package.module_dir,
                     timeout=timeout).check_build()
    return output


def run(target: Target, args: Sequence[str] = (), *, env: Mapping[str, str] | None = None,
        timeout: float = 60.0, cwd: str | os.PathLike | None = None,
        on_stdout: Callable[[str], None] | None = None, check: bool = True) -> Completed:
    """Build and run a Go program (a topic, folder or snippet) and return what it printed.

    The program runs in `cwd` (default: the package folder), with the lab's Go environment plus
    `env`, killed with its children after `timeout` seconds (GoTimeoutError). With `check`, a
    non-zero exit raises GoRunError, which shows a panic's message and source line.
    """
    package = resolve(target)
    started = time.perf_counter()
    binary = build(package, timeout=max(timeout, BUILD_TIMEOUT_FLOOR))
    built = time.perf_counter() - started
    done = toolchain.run([binary, *args], cwd=cwd or package.dir,
                         env=toolchain.go_env(env), timeout=timeout, on_stdout=on_stdout)
    done = dataclasses.replace(done, build_seconds=built)
    return done.check_run() if check else done


def test(target: Target, *args: str, timeout: float = 600.0,
         env: Mapping[str, str] | None = None,
         on_stdout: Callable[[str], None] | None = None) -> Completed:
    """`go test ARGS... PACKAGE` in the package's module; compile errors raise GoBuildError."""
    package = resolve(target)
    done = toolchain.go("test", *args, package.pattern, cwd=package.module_dir, env=env,
                        timeout=timeout, on_stdout=on_stdout)
    if not done.ok and "[build failed]" in done.stdout + done.stderr:
        done.check_build()
    return done.check_run()
