"""Statements of the form "Go 1.25 did X, Go 1.26 does Y", checked on each release's own
toolchain: its source (a file, a function, an experiment's default) or what it builds."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .. import toolchain, versions
from ..settings import quick
from ..toolchain import GoToolchain
from .parse import yes_no
from .run import toolchains


def _said(value: object) -> str:
    """A claimed value as the notebook prints it: a yes/no claim in words, not Python's bools."""
    return yes_no(value) if isinstance(value, bool) else str(value)


def _unpacked(series: str) -> bool:
    """Whether a release of `series` ("1.25") is unpacked here already (no disk walk)."""
    root = versions.home()
    return root.is_dir() and any(
        (goroot / "VERSION").is_file() for goroot in root.glob(f"go{series}.*")
    )


def expect_history(
    rule: Callable[[GoToolchain], object],
    history: Mapping[str, object],
    *,
    current: object,
    install: bool | None = None,
) -> str:
    """Assert `rule(release) == history[series]` for each series and `rule(pinned) == current`.

    `install` (default: not in quick mode) fetches missing releases (about 70 MB each, once);
    without it only the releases unpacked here are checked, and the answer names the others.
    Returns one line saying what was checked, for the notebook to print.
    """
    install = not quick() if install is None else install
    here = [series for series in history if install or _unpacked(series)]
    for series, go in zip(here, toolchains(here, progress=False), strict=True):
        got = rule(go)
        if got != history[series]:
            raise AssertionError(
                f"Go {go.version}: {_said(got)!r}, where the text says {_said(history[series])!r}"
            )
    pinned = toolchain.find_go()
    got = rule(pinned)
    if got != current:
        raise AssertionError(
            f"{pinned.version}: {_said(got)!r}, where the text says {_said(current)!r}"
        )
    said = [f"Go {series}: {_said(history[series])}" for series in here]
    line = "; ".join([*said, f"{pinned.version}: {_said(current)}"])
    missing = [series for series in history if series not in here]
    if missing:
        line += (
            f" (NOT checked: Go {', '.join(missing)}, not installed here; full mode installs"
            " them, or gm.versions.install(...))"
        )
    return line
