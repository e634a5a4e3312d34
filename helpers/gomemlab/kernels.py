"""Kernels the lab starts itself (`gomemlab export`, the test run's notebooks): reached over
Unix sockets in a folder of their own, not over TCP ports on loopback.

jupyter_client's default picks five free TCP ports, lets go of them, and the kernel binds them
a moment later. A process that binds one of them in between (another kernel starting, a Go
program, a server under test) leaves the kernel unable to start: it prints "Address already in
use" and never answers ("Kernel didn't respond in 60 seconds"); a cold CI met it once in about
seven runs. A Unix socket's name cannot be taken that way, and its folder (made by mkdtemp:
mode 0700) is this account's alone. On Windows, where zmq has no Unix sockets, the default
stands.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

from jupyter_client.manager import KernelManager


@contextlib.contextmanager
def private_kernel(kernel_name: str = "python3", **options: Any) -> Iterator[KernelManager]:
    """A KernelManager (not started: nbclient starts it) whose kernel listens on Unix sockets
    in a new private folder, removed when the block ends. `options` go to KernelManager."""
    if os.name != "posix":  # pragma: no cover - Windows: TCP on loopback, jupyter's default
        yield KernelManager(kernel_name=kernel_name, **options)
        return
    # A short path: a Unix socket's name holds at most 107 bytes (the runtime folder under a
    # deep HOME, with the kernel's uuid in every name, can be longer)
    folder = tempfile.mkdtemp(prefix="gomemlab-kernel-")
    try:
        yield KernelManager(
            kernel_name=kernel_name,
            transport="ipc",
            connection_file=os.path.join(folder, "kernel.json"),
            **options,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
