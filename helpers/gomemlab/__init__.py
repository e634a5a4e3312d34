"""Go Memory Lab: run the Go toolchain from notebooks and show what it says about memory.

Import as `import gomemlab as gm`, then `gm.setup()` in a notebook (or `%load_ext gomemlab`)
to turn the Jupyter integration on; importing changes nothing outside the package. Topic
modules (`gm.escape`, `gm.bench`, `gm.gc`, ...) load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from .checks import Verdict
from .doctor import diagnose as doctor
from .errors import (
    Diagnostic,
    GoBuildError,
    GoCommandError,
    GomemlabError,
    GoNotFoundError,
    GoRunError,
    GoTimeoutError,
    GoVersionError,
    ParseError,
    UsageError,
    WorkspaceError,
)
from .programs import build, run, run_32bit, run_section, test
from .progress import progress
from .provenance import Provenance
from .settings import quick
from .source import show_go
from .toolchain import SERIES, find_go
from .workspace import TOPICS, Package, sample, scratch_copy, snippet

__version__ = "0.1.0"

_LAZY_MODULES = (
    *TOPICS,
    "versions",
    "checks",
    "figures",
    "tables",
    "validate",
    "paths",
    "gosource",
    "xray",
)
"""Modules `gm.<name>` imports on first use: every topic (one registry, `workspace.TOPICS`:
a sample package and a module each) and the shared ones a notebook reaches for."""


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'gomemlab' has no attribute {name!r}")


def about() -> str:
    """One line naming the Go toolchain, its garbage collector and the settings this notebook
    ran with."""
    from .experiments import collector

    go = find_go()
    mode = "quick mode (short runs)" if quick() else "full settings"
    return f"Go {go.release} ({go.source}) · GC: {collector(go)} · gomemlab {__version__} · {mode}"


def setup() -> None:
    """Turn the Jupyter integration on in this kernel: the lab's errors as readable panels
    that fail the cell, a static picture beside every widget (for handouts), and table cells
    shown whole (pandas' `display.max_colwidth`). Each notebook's first cell calls it; in a
    plain Python process it does nothing."""
    from . import _ipython

    _ipython.install()


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext gomemlab`: the same as `gm.setup()`."""
    from . import _ipython

    _ipython.install(ipython)


__all__ = [
    "SERIES",
    "TOPICS",
    "Diagnostic",
    "GoBuildError",
    "GoCommandError",
    "GoNotFoundError",
    "GoRunError",
    "GoTimeoutError",
    "GoVersionError",
    "GomemlabError",
    "Package",
    "ParseError",
    "Provenance",
    "UsageError",
    "Verdict",
    "WorkspaceError",
    "about",
    "build",
    "doctor",
    "find_go",
    "progress",
    "quick",
    "run",
    "run_32bit",
    "run_section",
    "sample",
    "scratch_copy",
    "setup",
    "show_go",
    "snippet",
    "test",
]
