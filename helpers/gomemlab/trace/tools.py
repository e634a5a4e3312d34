"""`go tool trace` on a recorded trace: the web UI (a result starts nothing; this does), and
its own region pages read back."""

from __future__ import annotations

import os
import socket
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import loopback, validate, webui
from ..errors import UsageError
from . import toolpages

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


def region_times(trace: Trace, types: Sequence[str]) -> dict[str, dict[tuple[int, ...], int]]:
    """`go tool trace`'s own page of each region type in `types` (`/userregion?type=...`) on
    `trace`: per type, each region's Total time (ns) by (goroutine, task). The tool is started
    on 127.0.0.1 and stopped before this returns."""
    ui = web(trace)
    try:
        base = ui.direct_url.rstrip("/")
        pages = {}
        for type_ in types:
            page = loopback.get(f"{base}/userregion?type={urllib.parse.quote(type_)}", timeout=60)
            _, rows = toolpages.breakdown(page.decode())
            pages[type_] = {key: row["Total"] for key, row in rows.items()}
        return pages
    finally:
        ui.stop()
