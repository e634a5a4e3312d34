"""The learner's own copy of the notebooks, and the JupyterLab command that serves it.

The repository's `notebooks/` stay pristine: `gomemlab lab` serves a per-user working copy
(`<data>/notebooks`, see `settings.data_dir`), made from the pristine notebooks on first
start; notebooks added later are copied in, edited ones are never overwritten. `reset(name)`
restores one, keeping the edited copy in the `earlier versions` folder beside it (not next to
the notebook, where JupyterLab's file browser would show two entries starting
"03-escape-anal…"), so nothing a learner wrote is lost. It refuses while the notebook is open
in a running JupyterLab: the open tab would save its old cells back over the restored file
(JupyterLab asks "File Changed" with Overwrite focused, so Enter undoes the reset).

Every copy is written atomically (`files.write_atomic`); a copy that is not a readable
notebook (half-written when a disk filled up before this was so) is kept aside as
`NAME.damaged-….ipynb` and copied anew from the pristine one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from . import files, validate
from .errors import UsageError, WorkspaceError
from .settings import data_dir, data_folder

START = "00-start-here.ipynb"
KEPT = "earlier versions"
"""The folder, inside the working copy, of the copies reset and repair keep."""


class NotebookOpenError(WorkspaceError):
    """The notebook to reset is open in a running JupyterLab: close its tab first."""


def pristine() -> Path:
    """The repository's notebooks (never written by the lab)."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def working_copy() -> Path:
    """The learner's notebooks folder: `<data>/notebooks` ($GOMEMLAB_DATA or the user's
    data folder)."""
    return data_dir() / "notebooks"


@validate.typed
def readable(path: Path) -> bool:
    """Whether `path` holds a whole notebook (JSON with a list of cells), e.g. not one cut
    short by a full disk."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("cells"), list) and "nbformat" in data


def prepare() -> tuple[Path, list[str]]:
    """Make sure the working copy exists and holds every notebook, each readable; (its folder,
    names added or repaired). A damaged copy is kept aside, never deleted."""
    data_folder()
    target = files.usable_folder(working_copy(), "the notebooks folder", "GOMEMLAB_DATA")
    added = []
    for notebook in sorted(pristine().glob("*.ipynb")):
        copy = target / notebook.name
        if copy.exists() and readable(copy):
            continue
        if copy.exists():
            files.keep_beside(copy, "damaged", target / KEPT)
        files.copy_atomic(notebook, copy, what="the notebook")
        added.append(notebook.name)
    return target, added


def notebook(name: str) -> Path:
    """The pristine notebook `name` ("03", "03-escape-analysis" or the file name)."""
    if not isinstance(name, str):
        raise UsageError(
            f'the notebook is named by text like "03" or "03-escape-analysis", not '
            f"{type(name).__name__} {name!r}"
        )
    matches = [
        p
        for p in sorted(pristine().glob("*.ipynb"))
        if p.name == name or p.stem == name or p.name.startswith(f"{name}-")
    ]
    if len(matches) != 1:
        names = ", ".join(p.stem for p in sorted(pristine().glob("*.ipynb")))
        raise UsageError(f"no single notebook called {name!r}: the notebooks are {names}")
    return matches[0]


def reset(name: str) -> tuple[Path, Path | None]:
    """Restore one notebook of the working copy to the pristine one; the edited copy is kept
    in `earlier versions/` as `NAME.edited-YYYYMMDD-HHMMSS[-N].ipynb` (a new name each
    time). Returns (restored, kept or None). A NotebookOpenError, with nothing changed, while
    a running JupyterLab has the notebook open."""
    original = notebook(name)
    data_folder()
    folder = files.usable_folder(working_copy(), "the notebooks folder", "GOMEMLAB_DATA")
    copy = folder / original.name
    where = open_in(folder, original.name)
    if where:
        raise NotebookOpenError(
            f"{original.name} is open in JupyterLab ({', '.join(where)}): close its tab "
            f"(File > Close and Shut Down Notebook), then run `gomemlab reset {name}` again. "
            "Reset under an open tab would let the tab's next save put your old version back."
        )
    kept = None
    if copy.exists() and copy.read_bytes() != original.read_bytes():
        # even a damaged copy: it is the learner's
        kept = files.keep_beside(copy, "edited", folder / KEPT)
    files.copy_atomic(original, copy, what="the notebook")
    prepare()
    return copy, kept


def _servers() -> list[dict]:
    """The Jupyter servers of this user that are running (their runtime files)."""
    try:
        from jupyter_server.serverapp import list_running_servers
    except ImportError:  # no Jupyter here: nothing can have the notebook open
        return []
    return list(list_running_servers())


def _get(server: dict, path: str) -> Any:
    """JSON from a running server's REST API (None when it does not answer in 2 s)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(server["url"].rstrip("/") + path)
    if server.get("token"):
        request.add_header("Authorization", f"token {server['token']}")
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return json.loads(answer.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None  # a stale runtime file, or a server busy elsewhere


def open_in(folder: Path, name: str) -> list[str]:
    """The URLs of running Jupyter servers serving `folder` that have notebook `name` open:
    a kernel session on it (`/api/sessions`), or a tab in a saved JupyterLab workspace
    (`/lab/api/workspaces`, where an open notebook is a `notebook:NAME` entry)."""
    found = []
    for server in _servers():
        root = Path(server.get("root_dir") or server.get("notebook_dir") or "/")
        try:
            if root.resolve() != folder.resolve():
                continue
        except OSError:
            continue
        sessions = _get(server, "/api/sessions") or []
        opened = any(isinstance(s, dict) and s.get("path") == name for s in sessions)
        workspaces = _get(server, "/lab/api/workspaces") or {}
        values = workspaces.get("workspaces", {}).get("values", []) if workspaces else []
        tabbed = any(f"notebook:{name}" in (w.get("data") or {}) for w in values)
        if opened or tabbed:
            found.append(server["url"])
    return found


def command(port: int, *, no_browser: bool, extra: list[str]) -> list[str]:
    """The `jupyter lab` argument list: the working copy, 127.0.0.1 only, start-here first."""
    folder, _ = prepare()
    settings = Path(__file__).resolve().parent / "lab_settings"
    argv = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--notebook-dir={folder}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        # LabApp's own default_url ("/lab") wins over ServerApp's: set the lab's.
        f"--LabApp.default_url=/lab/tree/{START}",
        # Our overrides.json: JupyterLab neither asks to fetch news nor checks for updates.
        f"--LabApp.app_settings_dir={settings}",
        # The Go tools' web UIs at a path of the lab's own URL (gomemlab.serverext).
        "--ServerApp.jpserver_extensions=gomemlab.serverext=True",
    ]
    if no_browser:
        argv.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers, Binder-like images
        argv.append("--allow-root")
    return argv + [a for a in extra if a != "--"]
