"""`go tool trace` on a recorded trace: the web UI (a result starts nothing; this does)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from .. import validate, webui
from ..errors import UsageError

if TYPE_CHECKING:
    from .result import Trace


def web(trace: Trace, port: int | None = None) -> webui.WebUI:
    """Open `trace` in `go tool trace` on 127.0.0.1; `.stop()` the result when done (it is
    stopped when Python exits anyway: `webui.serve` runs it under the reaper).

    `port`: a free TCP port (default: any free one); one in use is a UsageError.
    """
    if trace.file is None or not Path(trace.file).is_file():
        raise UsageError(
            "this Trace has no trace file to serve: `gm.trace.run` or "
            "`gm.trace.read(FILE)` make one that has"
        )
    if port is None:
        port = webui.free_port()
    else:
        port = validate.count(port, "port", minimum=1, maximum=65535)
        _check_free(port)
    return webui.serve(
        "go tool trace",
        "tool",
        "trace",
        f"-http={webui.LOOPBACK}:{port}",
        os.fspath(trace.file),
        port=port,
    )


def _check_free(port: int) -> None:
    """UsageError if 127.0.0.1:`port` cannot be bound (webui.serve sees only a listener; a
    port bound but not yet listening would make the tool fail to start)."""
    with socket.socket() as probe:
        try:
            probe.bind((webui.LOOPBACK, port))
        except OSError:
            raise UsageError(
                f"port {port} on {webui.LOOPBACK} is in use: pass another port=, or none to get "
                "a free one"
            ) from None
