"""Writing a learner's files so that nothing is lost: every write goes to a file beside the
target, is flushed to disk, and only then takes the target's name (`os.replace`), so a full
disk or a crash leaves the old file whole, never half of the new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import WorkspaceError
from .paths import short


def _why(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full: free some space and try again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "it is not writable: choose a folder you can write to"
    return "choose another folder"


def unwritable(path: Path, error: OSError, what: str) -> WorkspaceError:
    """The typed error for a failed write of `what` at `path`: what, where, what to do."""
    reason = error.strerror or str(error)
    return WorkspaceError(f"cannot write {what} {short(str(path))} ({reason}): {_why(error)}")


def unreadable(path: Path, error: OSError, what: str) -> WorkspaceError:
    """The typed error for a failed read of `what` at `path`."""
    reason = error.strerror or str(error)
    return WorkspaceError(
        f"cannot read {what} {short(str(path))} ({reason}): check the file and its permissions"
    )


def append_line(path: Path, line: str, *, what: str) -> Path:
    """Add `line` (text without a newline) as the last line of `path`, under a lock file
    beside it so two processes never lose each other's line; the file is replaced atomically
    (`write_atomic`), so a full disk never leaves half a line. A last line that lost its
    newline (a crash, a hand edit) keeps its own line. WorkspaceError when it cannot write."""
    with locked(path.parent / f".{path.name}.lock"):
        old = path.read_bytes() if path.is_file() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        return write_atomic(path, old + line.encode() + b"\n", what=what)


def write_atomic(path: str | os.PathLike, data: bytes | str, *, what: str = "the file") -> Path:
    """Write `data` to `path` atomically: the old file stays whole until the new one is on
    disk. A failure (e.g. a full disk) leaves no partial file and raises WorkspaceError."""
    target = Path(path)
    payload = data.encode() if isinstance(data, str) else bytes(data)
    staging = None
    try:
        handle, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                os.chmod(staging, target.stat().st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):
                os.chmod(staging, 0o666 & ~_umask())
        os.replace(staging, target)
        staging = None
    except OSError as error:
        raise unwritable(target, error, what) from None
    finally:
        if staging is not None:
            with contextlib.suppress(OSError):
                os.unlink(staging)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def copy_atomic(source: Path, target: Path, *, what: str = "the file") -> Path:
    """Copy `source` over `target` atomically (see `write_atomic`)."""
    return write_atomic(target, source.read_bytes(), what=what)


def keep_beside(path: Path, label: str, folder: Path | None = None) -> Path:
    """Keep the current `path` under a new, unique name beside it, or in `folder` (made if
    needed) (`STEM.LABEL-YYYYMMDD-HHMMSS[-N].SUFFIX`) by hard-linking, so `path` itself never
    disappears; falls back to a copy where links are not possible. Two calls in the same
    second keep two files."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    where = path.parent if folder is None else folder
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unwritable(folder, error, "the folder of kept copies") from None
    for n in range(1, 10_000):
        tail = "" if n == 1 else f"-{n}"
        kept = where / f"{path.stem}.{label}-{stamp}{tail}{path.suffix}"
        try:
            os.link(path, kept)
            return kept
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP):
                raise unwritable(kept, error, "a kept copy") from None
        # no hard links here: claim the name exclusively, then fill it atomically
        try:
            with open(kept, "xb"):
                pass
        except FileExistsError:
            continue
        except OSError as error:
            raise unwritable(kept, error, "a kept copy") from None
        return copy_atomic(path, kept, what="a kept copy")
    raise WorkspaceError(f"too many kept copies of {short(str(path))}: delete some")


def usable_folder(path: Path, what: str, setting: str) -> Path:
    """`path` made if needed and checked writable, else a WorkspaceError naming `setting`."""
    if path.exists() and not path.is_dir():
        raise WorkspaceError(
            f"{what} {short(str(path))} is a file, not a folder: set {setting} to a folder"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "not writable")
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as error:
        raise WorkspaceError(
            f"{what} {short(str(path))} cannot be used ({error.strerror or error}): set "
            f"{setting} to a folder you can write to"
        ) from None
    return path


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a lock file) where the OS offers one (POSIX)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one writer is the common case
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
