"""The real `go tool pprof` on a Profile: text reports (-top, -list, -raw) and the web UI."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import toolchain, webui

if TYPE_CHECKING:
    from .profile import Profile


@dataclass
class ToolReport:
    """Text printed by `go tool pprof`, with the command that printed it."""

    command: list[str]
    text: str

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        shown = " ".join(["go", *self.command[1:]]) if self.command else ""
        return (f"<div><code>$ {html.escape(shown)}</code>"
                "<pre style='font-family:monospace;font-size:12px;line-height:1.25'>"
                f"{html.escape(self.text)}"
                "</pre></div>")


def pprof_text(profile: Profile, *options: str, timeout: float = 120.0) -> ToolReport:
    """Run `go tool pprof OPTIONS... FILE` (a text report) and return what it printed."""
    path = profile.file()
    done = toolchain.go("tool", "pprof", *options, path, timeout=timeout).check_run()
    argv = ["go", "tool", "pprof", *options, path.name]
    return ToolReport(argv, done.stdout)


def pprof_list(profile: Profile, function: str, sample_index: str) -> ToolReport:
    """`go tool pprof -list FUNCTION`: annotated source of the functions matching the regex."""
    report = pprof_text(profile, f"-sample_index={sample_index}", "-list", function)
    lines = report.text.splitlines()
    # Skip the header (file, type, time, totals): start at the first "ROUTINE" line.
    start = next((i for i, line in enumerate(lines) if line.startswith("ROUTINE")), 0)
    report.text = "\n".join(line.replace("\t", "    ") for line in lines[start:])
    return report


def pprof_web(profile: Profile, sample_index: str, *, view: str = "/") -> webui.WebUI:
    """Start `go tool pprof -http=127.0.0.1:PORT -no_browser` and wait until it answers.

    `view` picks the page: "/" (call graph), "/ui/flamegraph", "/ui/top", "/ui/source".
    """
    path = profile.file()
    port = webui.free_port()
    return webui.serve("go tool pprof", "tool", "pprof", f"-http={webui.LOOPBACK}:{port}",
                       "-no_browser", f"-sample_index={sample_index}", path, port=port,
                       path=view)
