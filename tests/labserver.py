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
from typing import Any

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


@contextlib.contextmanager
def lab_page(
    home: Path, executable: str, args: Sequence[str], *, width: int = 1400
) -> Iterator[Any]:
    """A Chromium tab on a lab running on `home`, its app exposed (window.jupyterapp) and
    ready; the browser closed and the lab stopped after."""
    from playwright.sync_api import sync_playwright

    extra = [
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
    ]
    with running_lab(home, extra) as (base, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(args))
        try:
            tab = browser.new_page(viewport={"width": width, "height": 900})
            tab.set_default_timeout(120_000)
            tab.goto(f"{base}/")
            tab.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget")
            yield tab
        finally:
            browser.close()
