"""Kernels the lab starts itself (`gomemlab export`, the test run's notebooks): reached over Unix
sockets in a folder of their own, not over TCP ports on loopback.

jupyter_client's default picks five free TCP ports, lets go of them, and the kernel binds them
a moment later. A process that binds one of them in between (another kernel starting, a Go
program, a server under test) leaves the kernel unable to start: it prints "Address already in
use" and never answers ("Kernel didn't respond in 60 seconds"); a cold CI met it once in about
seven runs. A Unix socket's name cannot be taken that way, and its folder (made by mkdtemp:
mode 0700) is this account's alone. Where zmq has no Unix sockets (Windows), or the folder's
path leaves no room for a socket's name, the default stands.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

SOCKET_PATH_MAX = 103
"""The longest path a Unix socket's name may have on every system the lab runs on (sun_path:
108 bytes on Linux, 104 on macOS, the final NUL included)."""
SOCKET_NAME = "kernel-ipc-99"
"""The longest name a kernel's socket gets in its folder (jupyter numbers them from 1)."""


@contextlib.contextmanager
def private_kernel(kernel_name: str = "python3", **options: Any) -> Iterator[AsyncKernelManager]:
    """A kernel manager (not started: nbclient starts it; asynchronous, nbclient's own kind, so
    its cell timeouts hold) whose kernel listens on Unix sockets in a new private folder. When
    the block ends, the kernel is shut down if it still runs (nbclient leaves a kernel it was
    given running) and the folder removed. `options` go to AsyncKernelManager."""
    folder = tempfile.mkdtemp(prefix="gomemlab-kernel-") if os.name == "posix" else None
    if folder is not None and len(os.path.join(folder, SOCKET_NAME).encode()) > SOCKET_PATH_MAX:
        os.rmdir(folder)  # a long TMPDIR: TCP on loopback, jupyter's default
        folder = None
    if folder is not None:
        connection = {"transport": "ipc", "connection_file": os.path.join(folder, "kernel.json")}
        options = {**connection, **options}
    manager = AsyncKernelManager(kernel_name=kernel_name, **options)
    try:
        yield manager
    finally:
        try:
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
