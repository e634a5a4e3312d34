"""Start the Go tools' web UIs (`go tool pprof -http`, `go tool trace`) on 127.0.0.1 only."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import html
import os
import secrets
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import toolchain, validate, workspace
from .errors import GoCommandError, UsageError

LOOPBACK = "127.0.0.1"
ENV_PREFIX = "GOMEMLAB_UI_PREFIX"
"""Set by the lab's server extension (gomemlab.serverext) in the server and its kernels."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((LOOPBACK, port)) == 0


def registry() -> Path:
    """This account's private folder of the ports its kernels' tools listen on (mode 0700, in
    Jupyter's runtime folder): the lab's UI proxy forwards to those ports only."""
    from jupyter_core.paths import jupyter_runtime_dir

    folder = Path(jupyter_runtime_dir()) / "gomemlab-ui"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _register(port: int, pid: int) -> str:
    """Record that a tool of this process (`pid`) listens on `port` (atomic, mode 0600), with
    a fresh key for its URLs; returns the key."""
    key = secrets.token_hex(16)
    folder = registry()
    partial = folder / f".{port}.{os.getpid()}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"{pid} {key}")
    os.replace(partial, folder / str(port))
    return key


def _unregister(port: int) -> None:
    with contextlib.suppress(OSError):
        (registry() / str(port)).unlink()


def key(port: int) -> str | None:
    """The key of the tool one of this account's kernels started on `port` and that still
    runs (None otherwise): the entry is this account's own, private, and names a live process
    of this account. The key is the tool's URL secret: the lab's proxy lets the tool's pages
    fetch their own scripts and data with it, from a sandboxed page that sends no cookie."""
    try:
        folder = registry()
        entry = folder / str(port)
        info, where = entry.stat(), folder.stat()
        pid_text, _, found = entry.read_text().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    mine = os.getuid()
    if {info.st_uid, where.st_uid} != {mine} or (info.st_mode | where.st_mode) & 0o077:
        return None
    try:
        os.kill(pid, 0)  # EPERM for another account's process, ESRCH for none
    except OSError:
        return None
    return found.strip()


def registered(port: int) -> bool:
    """True when one of this account's kernels started a tool on `port` that still runs."""
    return key(port) is not None


_RUNNING: set[toolchain.Process] = set()
_LOCK = threading.Lock()


def stop_all() -> None:
    """Stop every web UI this Python process started (run at exit)."""
    with _LOCK:
        running = list(_RUNNING)
        _RUNNING.clear()
    for process in running:
        toolchain.stop(process)


atexit.register(stop_all)


@dataclass(frozen=True)
class WebUI:
    """A running Go web UI: open `url` in a browser tab, `stop()` when done.

    Inside JupyterLab started by `gomemlab lab` (or a hub with the lab's server extension),
    `url` is a path of the lab's own address (`/gomemlab-ui/PORT/KEY/`), so it works on a hub and
    through one SSH tunnel; `direct_url` is the tool's own 127.0.0.1 address. The tool runs
    until `stop()` or until the kernel ends.
    """

    title: str
    direct_url: str
    process: toolchain.Process
    port: int = 0
    path: str = "/"
    key: str = ""

    @property
    def url(self) -> str:
        """Where to open it: under the lab's own URL when served through it, else direct."""
        prefix = os.environ.get(ENV_PREFIX)
        if prefix and self.port:
            keyed = f"/{self.key}" if self.key else ""
            return f"{prefix}{self.port}{keyed}{self.path}"
        return self.direct_url

    @property
    def running(self) -> bool:
        """The tool has not exited."""
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the tool (and anything it started); safe to call twice."""
        with _LOCK:
            _RUNNING.discard(self.process)
        if self.port:
            _unregister(self.port)
        if self.process.returncode is None:
            toolchain.stop(self.process)

    def __enter__(self) -> WebUI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"{self.title}: {self.url} ({state}; .stop() to end it)"

    def _repr_html_(self) -> str:
        state = "running" if self.running else "stopped"
        where = (
            "served through this Jupyter server"
            if self.url != self.direct_url
            else "on the machine running Jupyter"
        )
        return (
            f'<b>{html.escape(self.title)}</b> ({state}): <a href="{html.escape(self.url)}" '
            f'target="_blank">open it in a new tab</a> ({where}; it runs until '
            "<code>.stop()</code> or the kernel ends)"
        )


def serve(
    title: str,
    *go_args: str | os.PathLike,
    port: int | None = None,
    path: str = "/",
    timeout: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> WebUI:
    """Run `go ARGS...` whose web UI listens on `port` (127.0.0.1), and wait until it answers;
    `env`: variables to set for it (e.g. PATH).

    The caller puts `port` into `go_args` (e.g. `-http=127.0.0.1:PORT`); use `free_port()`.
    A port something else already listens on is a UsageError. The tool runs under the reaper,
    so it ends with Python (at exit, and on Linux even when Python is killed); an interrupt
    while it starts stops it.
    """
    timeout = validate.timeout(timeout)
    if port is None:
        raise UsageError("serve needs the port the tool was told to listen on (free_port())")
    if _listening(port):
        raise UsageError(
            f"port {port} on {LOOPBACK} is already in use: pass another port, or "
            "leave it out to get a free one"
        )
    log = workspace.scratch_dir("webui") / "output.log"
    process = toolchain.start_go(*go_args, log=log, env=env)
    with _LOCK:
        _RUNNING.add(process)
    ui = WebUI(title, f"http://{LOOPBACK}:{port}{path}", process, port=port, path=path)
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                output = log.read_text(errors="replace")
                state = "exited" if process.returncode is not None else "timed out"
                raise GoCommandError(
                    f"{title} did not start listening on {LOOPBACK}:{port} ({state}):\n"
                    f"{output[-2000:]}",
                    command=[str(a) for a in go_args],
                    stderr=output,
                )
            time.sleep(0.1)
        ui = dataclasses.replace(ui, key=_register(port, process.pid))
    except BaseException:
        ui.stop()
        raise
    return ui
