"""The real `go tool pprof` on a profile: text reports (-top, -list, -raw) and the web UI.

These take anything with a profile's `path` and `data` (a `Profile`), and are the only place
in gm.pprof that starts `go tool pprof` (`tool_text`, `source_lines`, `web`: a result
starts nothing).
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import files, paths, settings, toolchain, validate, webui
from ..errors import GomemlabError, UsageError
from ..provenance import Provenance
from ..result import FrozenResult

if TYPE_CHECKING:
    from .result import Profile

WEB_VIEWS = ("/", "/ui/", "/ui/top", "/ui/flamegraph", "/ui/peek", "/ui/source", "/ui/disasm")
"""Pages of the pprof web UI `pprof_web(view=...)` may open."""


class ProfileSource(Protocol):
    """What the tools need of a profile: its file, else its bytes."""

    @property
    def path(self) -> Path | None:
        """The profile's file, if it has one."""

    @property
    def data(self) -> bytes:
        """The profile's bytes (used when there is no file)."""


@dataclass(frozen=True, repr=False)
class ToolReport(FrozenResult):
    """Text printed by `go tool pprof`, with the command that printed it."""

    command: tuple[str, ...]
    text: str
    provenance: Provenance = field(default_factory=Provenance, repr=False)

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        """The command and its text; the `Build ID:` line (a hash of the binary) left out."""
        shown = " ".join(["go", *self.command[1:]]) if self.command else ""
        text = "\n".join(
            line for line in self.text.split("\n") if not line.startswith("Build ID: ")
        )
        return (
            f"<div><code>$ {html.escape(shown)}</code>"
            "<pre style='font-family:monospace;font-size:12px;line-height:1.25'>"
            f"{html.escape(text)}"
            "</pre></div>"
        )


def profile_file(profile: ProfileSource | str | os.PathLike) -> Path:
    """The profile as a file for `go tool pprof`: its `path`, else its bytes written once to a
    scratch file named by their hash."""
    if isinstance(profile, str | os.PathLike):
        return Path(profile)
    if not (hasattr(profile, "path") and hasattr(profile, "data")):
        raise UsageError(
            "profile must be a Profile (gm.pprof.run or gm.pprof.load) or the path of a "
            f"profile file, not {type(profile).__name__} {profile!r:.40}"
        )
    if profile.path is not None and Path(profile.path).is_file():
        return Path(profile.path)
    if not profile.data:
        raise UsageError("this profile has neither a file nor its bytes for go tool pprof")
    folder = settings.scratch_root() / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{hashlib.sha256(profile.data).hexdigest()[:20]}.pb.gz"
    if not out.is_file():
        staging = out.with_suffix(f".{os.getpid()}.tmp")
        staging.write_bytes(profile.data)
        staging.replace(out)
    return out


@validate.typed
def pprof_text(
    profile: ProfileSource | str | os.PathLike, *options: str, timeout: float = 120.0
) -> ToolReport:
    """Run `go tool pprof OPTIONS... FILE` (a text report) and return what it printed."""
    timeout = validate.timeout(timeout)
    for option in options:
        validate.text(option, "option")
    path = profile_file(profile)
    done = toolchain.go("tool", "pprof", *options, path, timeout=timeout).check_run()
    return ToolReport(("go", "tool", "pprof", *options, path.name), done.stdout, done.provenance)


def pprof_list(profile: ProfileSource, function: str, sample_index: str) -> ToolReport:
    """`go tool pprof -list FUNCTION`: annotated source of the functions matching the regex."""
    validate.pattern(function, "function")
    report = pprof_text(profile, f"-sample_index={sample_index}", "-list", function)
    lines = report.text.splitlines()
    # Skip the header (file, type, time, totals): start at the first "ROUTINE" line.
    start = next((i for i, line in enumerate(lines) if line.startswith("ROUTINE")), 0)
    text = "\n".join(line.replace("\t", "    ") for line in lines[start:])
    return ToolReport(report.command, paths.short(text), report.provenance)


def pprof_web(profile: ProfileSource, sample_index: str, *, view: str = "/") -> webui.WebUI:
    """Start `go tool pprof -http=127.0.0.1:PORT -no_browser` and wait until it answers.

    `view` picks the page: "/" (call graph), "/ui/flamegraph", "/ui/top", "/ui/source".
    """
    validate.choice(view, WEB_VIEWS, "view")
    path = profile_file(profile)
    port = webui.free_port()
    stand_in = None if graphviz_dot() else _graph_stand_in()
    return webui.serve(
        "go tool pprof",
        "tool",
        "pprof",
        f"-http={webui.LOOPBACK}:{port}",
        "-no_browser",
        f"-sample_index={sample_index}",
        path,
        port=port,
        path=view,
        env=None if stand_in is None else {"PATH": f"{stand_in}{os.pathsep}{os.environ['PATH']}"},
    )


def graphviz_dot() -> str | None:
    """Graphviz's `dot` on PATH (pprof's View → Graph runs it), or None."""
    return shutil.which("dot")


GRAPH_STAND_IN = Path(__file__).parent.parent / "static" / "graphviz-missing.svg"
"""What View → Graph shows when Graphviz is missing (instead of pprof's bare error page, which
has no menu and no way back): a notice inside pprof's own page, menus intact."""


def _graph_stand_in() -> Path:
    """A folder holding a `dot` that ignores its input and prints `GRAPH_STAND_IN` (for pprof,
    which runs `dot -Tsvg` from PATH), for POSIX shells and Windows."""
    folder = settings.scratch_root() / "bin" / "graphviz-missing"
    folder.mkdir(parents=True, exist_ok=True)
    files.write_atomic(folder / "graph.svg", GRAPH_STAND_IN.read_bytes(), what="the notice")
    files.write_atomic(
        folder / "dot", '#!/bin/sh\ncat >/dev/null\ncat "$(dirname "$0")/graph.svg"\n', what="dot"
    )
    (folder / "dot").chmod(0o755)
    files.write_atomic(
        folder / "dot.cmd", '@more >nul\r\n@type "%~dp0graph.svg"\r\n', what="dot.cmd"
    )
    return folder


def lab_goroot() -> str | None:
    """The GOROOT of the lab's own toolchain (None when there is none)."""
    try:
        return str(toolchain.find_go().goroot)
    except GomemlabError:
        return None


def tool_text(profile: Profile, *options: str, timeout: float = 120.0) -> ToolReport:
    """What `go tool pprof OPTIONS... FILE` prints for `profile` (e.g. "-top")."""
    return pprof_text(profile, *options, timeout=timeout)


def source_lines(profile: Profile, function: str, sample_index: str | None = None) -> ToolReport:
    """`go tool pprof -list FUNCTION`: the source of matching functions, line by line, with
    flat and cum values of `sample_index` (default: the profile's own)."""
    return pprof_list(profile, function, profile.sample_types[profile._index(sample_index)])


def web(profile: Profile, sample_index: str | None = None, *, view: str = "/") -> webui.WebUI:
    """Start `go tool pprof -http` on 127.0.0.1 for `profile` (a WebUI: open `.url`, then
    `.stop()`); `view` is the page to open, e.g. "/ui/flamegraph"."""
    return pprof_web(profile, profile.sample_types[profile._index(sample_index)], view=view)
