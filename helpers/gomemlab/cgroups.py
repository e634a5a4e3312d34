"""Per-learner resource bounds with Linux control groups (v2 where it holds the controllers,
else the v1 hierarchies), for the workshop server.

A `Room` is one folder per controller, made inside the cgroup the hub itself runs in (so any
bound already put on the hub also bounds the room), named after the hub's marker; each learner
gets a child folder with their memory, process and CPU bounds. A learner's server is put into
their group before it execs (`attach`, from the spawner's preexec), so their kernels and every Go
program those start inherit it. `Room.remove()` kills what is left and removes the folders.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import GomemlabError

CONTROLLERS = ("memory", "pids", "cpu")
_PERIOD_US = 100_000
MOUNTS = Path("/proc/self/mounts")
OWN = Path("/proc/self/cgroup")
_UNBOUNDED = 2**62
"""v1 reports "no memory bound" as the page counter's maximum (9223372036854771712 with 4 KiB
pages): any bound this large is none."""


class CgroupError(GomemlabError):
    """A control group could not be made, bounded, joined or removed."""


@dataclass(frozen=True)
class Limits:
    """What one learner may use: `memory` bytes (RAM, and RAM + swap where accounted), `pids`
    tasks (threads count), `cpus` cores of CPU time per 100 ms (None: no cap, only an equal
    share with the other learners when the cores are busy)."""

    memory: int = 2 * 2**30
    pids: int = 1024
    cpus: float | None = None

    def __post_init__(self) -> None:
        if self.memory < 256 * 2**20:
            raise CgroupError(f"memory bound {self.memory} B: give each learner 256 MiB or more")
        if self.pids < 64:
            raise CgroupError(f"pids bound {self.pids}: a Jupyter server needs 64 or more")
        if self.cpus is not None and not 0.1 <= self.cpus <= 4096:
            raise CgroupError(f"cpus bound {self.cpus}: between 0.1 and 4096 cores, or None")

    def go_env(self) -> dict[str, str]:
        """GOMEMLIMIT (and GOMAXPROCS under a CPU cap) for the learner's Go programs.

        Go reads neither the memory bound nor (before 1.25) the CPU cap from cgroups. The
        learner's server and kernel live in the same bound (~0.6 GiB measured), so a Go program
        gets half of it as its soft limit: the collector works harder before the kernel's OOM
        killer has to act. Under a CPU cap, GOMAXPROCS is the cap rounded up (Go 1.25+ would
        pick the same but never below 2)."""
        env = {"GOMEMLIMIT": f"{self.memory // 2 // 2**20}MiB"}
        if self.cpus is not None:
            env["GOMAXPROCS"] = str(max(1, math.ceil(self.cpus)))
        return env


def mounts(table: Path = MOUNTS) -> tuple[int, dict[str, Path]]:
    """(2, {controller: the v2 mount}) when cgroup v2 holds our controllers, else
    (1, {controller: its v1 mount}), read from the mount table."""
    v1: dict[str, Path] = {}
    v2: Path | None = None
    for line in table.read_text().splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        where, kind, options = Path(parts[1]), parts[2], parts[3].split(",")
        if kind == "cgroup2":
            v2 = where
        elif kind == "cgroup":
            for name in CONTROLLERS:
                if name in options:
                    v1[name] = where
    if v2 is not None and (v2 / "cgroup.controllers").exists():
        available = (v2 / "cgroup.controllers").read_text().split()
        if all(name in available for name in CONTROLLERS):
            return 2, dict.fromkeys(CONTROLLERS, v2)
    missing = [name for name in CONTROLLERS if name not in v1]
    if missing:
        raise CgroupError(
            f"no cgroup controller {', '.join(missing)} is mounted (see /proc/self/mounts): "
            "per-learner bounds need cgroup v2 with memory, pids and cpu, or the v1 hierarchies"
        )
    return 1, v1


def _own_paths(version: int, own: Path = OWN) -> dict[str, str]:
    """The cgroup this process is in, per controller, from /proc/self/cgroup."""
    found: dict[str, str] = {}
    for line in own.read_text().splitlines():
        _, names, path = line.split(":", 2)
        if version == 2 and names == "":
            return dict.fromkeys(CONTROLLERS, path)
        for name in names.split(","):
            if name in CONTROLLERS:
                found[name] = path
    return found


def _write(path: Path, value: str) -> None:
    try:
        path.write_text(value)
    except OSError as error:
        raise CgroupError(
            f"cannot write {value!r} to {path}: {error.strerror} (the hub must run as root "
            "with the cgroup controllers writable)"
        ) from None


@dataclass(frozen=True)
class Room:
    """The folders of one hub's cgroups: {controller: folder}; a learner's group is a child.

    On cgroup v2, `hub_leaf` is the leaf the hub moved itself into so that the controllers
    could be given to the room (None: nothing moved), and `delegated` the controllers the
    room enabled in the hub's cgroup; `remove()` gives both back."""

    version: int
    folders: dict[str, Path]
    hub_leaf: Path | None = None
    delegated: tuple[str, ...] = ()

    @classmethod
    def create(cls, name: str, *, table: Path = MOUNTS, own_cgroup: Path = OWN) -> Room:
        """Make the room's folders inside the cgroup this process runs in (CgroupError when the
        controllers are missing or not writable: nothing is left behind then). `table` and
        `own_cgroup` are /proc/self/mounts and /proc/self/cgroup (other files in tests). A
        process in the hub's v2 leaf (`<name>.hub`, e.g. JupyterHub's spawner) finds the same
        room as the hub."""
        version, where = mounts(table)
        own = _own_paths(version, own_cgroup)
        parents = {}
        for ctrl in CONTROLLERS:
            path = Path(own.get(ctrl, "/"))
            if path.name == f"{name}.hub":
                path = path.parent
            parents[ctrl] = where[ctrl] / str(path).lstrip("/")
        folders = {ctrl: parents[ctrl] / name for ctrl in CONTROLLERS}
        made: list[Path] = []
        leaf: Path | None = None
        delegated: tuple[str, ...] = ()
        try:
            if version == 2:
                leaf, delegated = _delegate(parents["memory"], name)
            for folder in dict.fromkeys(folders.values()):
                if not folder.is_dir():
                    folder.mkdir()
                    made.append(folder)
            if version == 2:
                _write(folders["memory"] / "cgroup.subtree_control", _tokens("+", CONTROLLERS))
        except (OSError, CgroupError) as error:
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            if version == 2:
                with contextlib.suppress(OSError, CgroupError):
                    _undelegate(parents["memory"], leaf, delegated)
            if isinstance(error, CgroupError):
                raise
            raise CgroupError(
                f"cannot make the learners' cgroup {error.filename}: {error.strerror} (the hub "
                "must run as root with the cgroup controllers writable)"
            ) from None
        return cls(version, folders, leaf, delegated)

    def group(self, user: str) -> dict[str, Path]:
        """The learner's folder per controller."""
        return {ctrl: folder / user for ctrl, folder in self.folders.items()}

    def bound(self, user: str, limits: Limits) -> None:
        """Make (or re-bound) the learner's group."""
        group = self.group(user)
        for folder in dict.fromkeys(group.values()):
            try:
                folder.mkdir(exist_ok=True)
            except OSError as error:
                raise CgroupError(f"cannot make {folder}: {error.strerror}") from None
        quota = "max" if limits.cpus is None else str(round(limits.cpus * _PERIOD_US))
        if self.version == 2:
            folder = group["memory"]
            _write(folder / "memory.max", str(limits.memory))
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", "0")
            _write(folder / "pids.max", str(limits.pids))
            _write(folder / "cpu.max", f"{quota} {_PERIOD_US}")
            return
        memory = group["memory"]
        _write(memory / "memory.limit_in_bytes", str(limits.memory))
        if (memory / "memory.memsw.limit_in_bytes").exists():
            _write(memory / "memory.memsw.limit_in_bytes", str(limits.memory))
        _write(group["pids"] / "pids.max", str(limits.pids))
        _write(group["cpu"] / "cpu.shares", "1024")
        _write(group["cpu"] / "cpu.cfs_period_us", str(_PERIOD_US))
        _write(group["cpu"] / "cpu.cfs_quota_us", "-1" if quota == "max" else quota)

    def attach(self, user: str, pid: int = 0) -> None:
        """Put process `pid` (0: the caller) into the learner's group; its children follow."""
        for folder in dict.fromkeys(self.group(user).values()):
            _write(folder / "cgroup.procs", str(pid or os.getpid()))

    def pids(self, user: str | None = None) -> set[int]:
        """Processes in the learner's group (None: in every learner's group)."""
        folders = [self.folders["pids"]] if user is None else [self.group(user)["pids"]]
        if user is None:
            folders += [p for p in self.folders["pids"].iterdir() if p.is_dir()]
        found: set[int] = set()
        for folder in folders:
            with contextlib.suppress(OSError):
                found |= {int(n) for n in (folder / "cgroup.procs").read_text().split()}
        return found

    def oom_kills(self, user: str) -> int:
        """How many processes the kernel's OOM killer ended inside the learner's bound."""
        folder = self.group(user)["memory"]
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        for line in (folder / name).read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def peak_memory(self, user: str) -> int:
        """The most memory the learner's group has held, in bytes."""
        folder = self.group(user)["memory"]
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        return int((folder / name).read_text())

    def kill(self, user: str | None = None, timeout: float = 10) -> None:
        """SIGKILL every process in the learner's group (None: every learner's), until empty."""
        deadline = time.monotonic() + timeout
        while left := self.pids(user):
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                raise CgroupError(f"processes {sorted(left)} outlived SIGKILL for {timeout:g} s")
            time.sleep(0.05)

    def remove(self, timeout: float = 10) -> None:
        """Kill what is left and remove every learner's group and the room; on v2 give the
        hub's cgroup back as it was (safe to repeat)."""
        if any(folder.exists() for folder in self.folders.values()):
            self._remove_folders(timeout)
        if self.version == 2:
            _undelegate(self.folders["memory"].parent, self.hub_leaf, self.delegated)

    def _remove_folders(self, timeout: float) -> None:
        self.kill(None, timeout)
        deadline = time.monotonic() + timeout
        for room in dict.fromkeys(self.folders.values()):
            children = [p for p in room.iterdir() if p.is_dir()] if room.exists() else []
            for folder in [*children, room]:
                while True:
                    try:
                        folder.rmdir()
                        break
                    except FileNotFoundError:
                        break
                    except OSError as error:
                        # EBUSY while the kernel reaps the last tasks.
                        if error.errno != errno.EBUSY or time.monotonic() > deadline:
                            raise CgroupError(f"cannot remove {folder}: {error.strerror}") from None
                        time.sleep(0.05)


def _tokens(sign: str, controllers: tuple[str, ...]) -> str:
    return " ".join(sign + name for name in controllers)


def _delegate(parent: Path, name: str) -> tuple[Path | None, tuple[str, ...]]:
    """cgroup v2: let the children of `parent` (the hub's cgroup) use memory, pids and cpu.

    The kernel gives a cgroup's controllers to its children only while it holds no process
    itself (the "no internal processes" rule; the root is exempt), so the hub first moves
    itself into a leaf `<name>.hub` beside the room. Any other process in `parent` is an error
    that says how to start the hub. Returns (the leaf or None, the controllers enabled)."""
    enabled = set(_read(parent / "cgroup.subtree_control").split())
    missing = tuple(c for c in CONTROLLERS if c not in enabled)
    if not missing:
        return None, ()
    absent = [c for c in missing if c not in _read(parent / "cgroup.controllers").split()]
    if absent:
        raise CgroupError(
            f"cgroup v2: {parent} has no {', '.join(absent)} controller to give the learners "
            "(start the hub where they are delegated, e.g. systemd-run --scope -p Delegate=yes)"
        )
    procs = {int(n) for n in _read(parent / "cgroup.procs").split()}
    others = sorted(procs - {os.getpid()})
    if others:
        raise CgroupError(
            f"cgroup v2: {parent} holds other processes ({', '.join(map(str, others[:5]))}), "
            "so the kernel will not give its controllers to the learners' groups: start the "
            "hub in a cgroup of its own (e.g. systemd-run --scope -p Delegate=yes gomemlab hub)"
        )
    leaf = None
    if procs:
        leaf = parent / f"{name}.hub"
        try:
            leaf.mkdir(exist_ok=True)
        except OSError as error:
            raise CgroupError(f"cannot make {leaf}: {error.strerror}") from None
        _write(leaf / "cgroup.procs", str(os.getpid()))
    _write(parent / "cgroup.subtree_control", _tokens("+", missing))
    return leaf, missing


def _undelegate(parent: Path, leaf: Path | None, delegated: tuple[str, ...]) -> None:
    """Undo `_delegate`: turn the controllers off again and move the hub's processes back."""
    if delegated:
        _write(parent / "cgroup.subtree_control", _tokens("-", delegated))
    if leaf is None or not leaf.is_dir():
        return
    for pid in _read(leaf / "cgroup.procs").split():
        with contextlib.suppress(CgroupError):  # it may have exited meanwhile
            _write(parent / "cgroup.procs", pid)
    try:
        leaf.rmdir()
    except OSError as error:
        raise CgroupError(f"cannot remove {leaf}: {error.strerror}") from None


@dataclass(frozen=True)
class Bound:
    """The bound the calling process runs under, read from its own cgroup: `memory` bytes
    (None: unbounded) and `cpus` cores of CPU time per period (None: no quota)."""

    memory: int | None
    cpus: float | None


def own_bound(table: Path = MOUNTS, own_cgroup: Path = OWN) -> Bound:
    """The memory bound and CPU quota of the cgroup this process is in (v2 or v1), as the
    kernel reports them (a learner's server on the workshop server: their `Limits`). No
    bound at all where no cgroup controllers are mounted (macOS, Windows, a bare chroot)."""
    try:
        version, where = mounts(table)
    except (OSError, CgroupError):
        return Bound(None, None)
    own = _own_paths(version, own_cgroup)
    memory_dir = where["memory"] / own.get("memory", "/").lstrip("/")
    cpu_dir = where["cpu"] / own.get("cpu", "/").lstrip("/")
    if version == 2:
        memory_text = _read(memory_dir / "memory.max")
        quota, period = _read(cpu_dir / "cpu.max").split()
    else:
        memory_text = _read(memory_dir / "memory.limit_in_bytes")
        quota, period = _read(cpu_dir / "cpu.cfs_quota_us"), _read(cpu_dir / "cpu.cfs_period_us")
    memory = None if memory_text == "max" or int(memory_text) >= _UNBOUNDED else int(memory_text)
    cpus = None if quota in ("max", "-1") else int(quota) / int(period)
    return Bound(memory, cpus)


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError as error:
        raise CgroupError(f"cannot read {path}: {error.strerror}") from None


def go_memory_limit(env: Mapping[str, str]) -> int:
    """The GOMEMLIMIT, in bytes, of a Go program started with environment `env`: Go's own
    reading of the variable (`parseByteCount` in the runtime), math.MaxInt64 when it is unset
    or "off"."""
    text = env.get("GOMEMLIMIT", "off").strip()
    if text == "off":
        return 2**63 - 1
    number = text.rstrip("KMGTiB")
    unit = text[len(number) :] or "B"
    scale = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
    if not number.isdigit() or unit not in scale:
        raise CgroupError(f"GOMEMLIMIT={text!r} is not a size Go reads (e.g. 1024MiB)")
    return int(number) * scale[unit]
