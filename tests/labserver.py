"""Start `gomemlab lab` as a test would: loopback, token off, every Jupyter folder private."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from gomemlab import webui


@contextlib.contextmanager
def running_lab(
    home: Path, extra: Sequence[str] = (), *, timeout: float = 120.0, token: str = ""
) -> Iterator[tuple[str, Path]]:
    """The lab's base URL and its log file while it runs; stopped (group and all) after.
    `token`: the login token (default none: the lab opens without one)."""
    port = webui.free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "GOMEMLAB_DATA": str(home / "mine"),
    }
    command = [
        sys.executable,
        "-m",
        "gomemlab.cli",
        "lab",
        "--no-browser",
        "--port",
        str(port),
        "--",
        f"--IdentityProvider.token={token}",
        "--ServerApp.password=",
        *extra,
    ]
    log = home / "lab.log"
    with open(log, "w") as sink:
        server = subprocess.Popen(
            command, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout
        while not webui._listening(port):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", log
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have stopped by itself
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
