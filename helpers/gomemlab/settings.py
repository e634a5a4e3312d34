"""Run-wide settings read from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import WorkspaceError
from .paths import remember


def quick() -> bool:
    """Quick mode (`GOMEMLAB_QUICK=1`, set by the tests): shorter benchmarks and runs.

    Learners get the full, statistically sound settings by default.
    """
    return os.environ.get("GOMEMLAB_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}


def scratch_root() -> Path:
    """Where scratch modules, built binaries and run folders go: $GOMEMLAB_SCRATCH, else the
    user's cache folder (`$XDG_CACHE_HOME/gomemlab` or `~/.cache/gomemlab`).

    Raises WorkspaceError (saying what to set) when it cannot be made or written.
    """
    named = os.environ.get("GOMEMLAB_SCRATCH")
    base = (
        folder_from_env(named)
        if named
        else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gomemlab"
    )
    try:
        base.mkdir(parents=True, exist_ok=True)
        if not os.access(base, os.W_OK | os.X_OK):
            raise PermissionError(13, "not writable")
    except OSError as error:
        raise WorkspaceError(
            f"the scratch folder {base} cannot be used ({error.strerror or error}): set "
            "GOMEMLAB_SCRATCH to a writable folder, e.g. export GOMEMLAB_SCRATCH=/tmp/gomemlab"
        ) from None
    remember(base.resolve(), "…/scratch")
    return base


_RESOLVED: dict[str, Path] = {}


def folder_from_env(named: str) -> Path:
    """A folder named in the environment, made absolute against the working folder the first
    time it is seen: a relative GOMEMLAB_SCRATCH means the same folder for the whole run, even
    in processes the lab starts elsewhere (it never lands inside the package)."""
    if named not in _RESOLVED:
        _RESOLVED[named] = Path(os.path.abspath(Path(named).expanduser()))
    return _RESOLVED[named]


def data_dir() -> Path:
    """The learner's own data (notebook copies, progress): $GOMEMLAB_DATA, else the user's
    data folder (platformdirs: ~/.local/share/gomemlab on Linux)."""
    import platformdirs

    named = os.environ.get("GOMEMLAB_DATA")
    return folder_from_env(named) if named else Path(platformdirs.user_data_dir("gomemlab"))


def data_folder() -> Path:
    """`data_dir()`, made if needed and checked writable; WorkspaceError (naming GOMEMLAB_DATA)
    when it cannot be used."""
    from .files import usable_folder

    return usable_folder(data_dir(), "the data folder", "GOMEMLAB_DATA")
