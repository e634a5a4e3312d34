"""The cgroup v2 path of `gomemlab.cgroups`, against a fake cgroup2 tree in a tmp folder.

The machine the lab is built on mounts cgroup v1, so the v2 code has never met a real v2
kernel. `FakeCgroup2` stands in for one: a mkdir below the mount gets the interface files the
kernel would make (those of the controllers the parent enabled for its children), and every
read and write of an interface file follows the kernel's rules as documented in
Documentation/admin-guide/cgroup-v2.rst: `cgroup.subtree_control` takes "+name"/"-name" for
controllers listed in `cgroup.controllers`, and never while the cgroup (other than the root)
holds processes ("no internal processes"); `cgroup.procs` takes one PID, moves it out of its
old cgroup, and refuses a cgroup that gives controllers to children; `memory.max`,
`memory.swap.max` and `pids.max` take a number or "max", `cpu.max` "$MAX $PERIOD"; a missing
interface file cannot be created (ENOENT); rmdir refuses a cgroup with processes or children
(EBUSY); a process that exited leaves `cgroup.procs`.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
from pathlib import Path

import psutil
import pytest

from gomemlab import cgroups

ALL = ("cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc")
PER_CONTROLLER = {
    "memory": {
        "memory.max": "max",
        "memory.swap.max": "max",
        "memory.peak": "0",
        "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0",
    },
    "pids": {"pids.max": "max"},
    "cpu": {"cpu.max": "max 100000", "cpu.weight": "100"},
}
NUMBER_OR_MAX = re.compile(r"^(\d+|max)$")
FORMATS = {
    "memory.max": NUMBER_OR_MAX,
    "memory.swap.max": NUMBER_OR_MAX,
    "pids.max": NUMBER_OR_MAX,
    "cpu.max": re.compile(r"^(\d+|max)( \d+)?$"),
}


class FakeCgroup2:
    """A cgroup2 mount at `root` (the hub runs in `hub`), with the kernel's rules."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch, hub: str, delegated: bool):
        self.root = tmp / "cgroup2"
        self.table = tmp / "mounts"
        self.table.write_text(
            "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
            f"cgroup2 {self.root} cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n"
        )
        self.own = tmp / "self-cgroup"
        self.own.write_text(f"0::{hub}\n")
        self._real = {
            name: getattr(Path, name) for name in ("mkdir", "rmdir", "write_text", "read_text")
        }
        self._real["mkdir"](self.root)
        self._populate(self.root, ALL)
        self._raw_write(self.root / "cgroup.subtree_control", "cpu memory pids")
        folder, parts = self.root, Path(hub).parts[1:]
        for depth, part in enumerate(parts, 1):
            folder = folder / part
            self._made(folder)
            if delegated and depth < len(parts):
                # systemd's Delegate=yes: enabled down to the hub's cgroup, which may use them
                self._raw_write(folder / "cgroup.subtree_control", "cpu memory pids")
        self._raw_write(folder / "cgroup.procs", f"{os.getpid()}\n")
        self.hub = folder
        for name in ("mkdir", "rmdir", "write_text", "read_text"):
            monkeypatch.setattr(Path, name, self._wrap(name))

    # --- the kernel ------------------------------------------------------------------------
    def _inside(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    def _raw_write(self, path: Path, text: str) -> None:
        self._real["write_text"](path, text)

    def _raw_read(self, path: Path) -> str:
        return self._real["read_text"](path)

    def _populate(self, folder: Path, controllers: tuple[str, ...] | list[str]) -> None:
        files = {
            "cgroup.controllers": " ".join(controllers),
            "cgroup.subtree_control": "",
            "cgroup.procs": "",
            "cgroup.events": "populated 0\nfrozen 0",
        }
        for name in controllers:
            files.update(PER_CONTROLLER.get(name, {}))
        for name, text in files.items():
            self._raw_write(folder / name, text)

    def _made(self, folder: Path) -> None:
        self._real["mkdir"](folder)
        self._populate(folder, self._raw_read(folder.parent / "cgroup.subtree_control").split())

    def procs(self, folder: Path) -> list[int]:
        listed = [int(n) for n in self._raw_read(folder / "cgroup.procs").split()]
        return [
            pid
            for pid in listed
            if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        ]

    def _cgroups(self) -> list[Path]:
        return [self.root, *(p for p in self.root.rglob("*") if p.is_dir())]

    def _write(self, path: Path, text: str) -> None:
        folder, name = path.parent, path.name
        if not path.is_file():
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
        value = text.strip()
        if name == "cgroup.subtree_control":
            available = self._raw_read(folder / "cgroup.controllers").split()
            enabled = self._raw_read(path).split()
            for token in value.split():
                sign, controller = token[0], token[1:]
                if sign not in "+-" or controller not in available:
                    raise OSError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
                if sign == "+" and folder != self.root and self.procs(folder):
                    raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(path))
                if sign == "+" and controller not in enabled:
                    enabled.append(controller)
                if sign == "-" and controller in enabled:
                    enabled.remove(controller)
            self._raw_write(path, " ".join(enabled))
        elif name == "cgroup.procs":
            if not value.isdigit():
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), str(path))
            if folder != self.root and self._raw_read(folder / "cgroup.subtree_control").split():
                raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(path))
            for other in self._cgroups():
                left = [n for n in self._raw_read(other / "cgroup.procs").split() if n != value]
                self._raw_write(other / "cgroup.procs", "\n".join(left))
            self._raw_write(path, f"{self._raw_read(path)}\n{value}".strip())
        elif name in FORMATS:
            if not FORMATS[name].match(value):
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), str(path))
            self._raw_write(path, value)
        else:  # read-only interface files (cgroup.controllers, memory.peak, ...)
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def _rmdir(self, folder: Path) -> None:
        if self.procs(folder) or any(p.is_dir() for p in folder.iterdir()):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(folder))
        for file in folder.iterdir():
            file.unlink()
        self._real["rmdir"](folder)

    def _wrap(self, name: str):
        real = self._real[name]

        def call(path: Path, *args, **kwargs):
            if not self._inside(path):
                return real(path, *args, **kwargs)
            if name == "mkdir":
                if path.exists():
                    if kwargs.get("exist_ok"):
                        return None
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
                return self._made(path)
            if name == "rmdir":
                return self._rmdir(path)
            if name == "write_text":
                return self._write(path, args[0] if args else kwargs["data"])
            if path.name == "cgroup.procs":
                return "".join(f"{pid}\n" for pid in self.procs(path.parent))
            return real(path, *args, **kwargs)

        return call


@pytest.fixture
def delegated(tmp_path, monkeypatch):
    """A hub started as systemd-run --scope -p Delegate=yes would be: alone in its cgroup,
    which may use the controllers."""
    return FakeCgroup2(tmp_path, monkeypatch, "/system.slice/gomemlab.scope", delegated=True)


def test_the_mount_table_picks_v2_when_it_holds_the_controllers(delegated):
    version, where = cgroups.mounts(delegated.table)
    assert version == 2 and where == dict.fromkeys(cgroups.CONTROLLERS, delegated.root)


def test_a_v2_room_bounds_each_learner_and_gives_everything_back(delegated, tmp_path):
    hub = delegated.hub
    room = cgroups.Room.create("gomemlab-hub-t", table=delegated.table, own_cgroup=delegated.own)
    # The kernel gives controllers to children only from a cgroup without processes: the hub
    # moved itself into a leaf beside the room, then enabled them.
    assert room.version == 2 and room.hub_leaf == hub / "gomemlab-hub-t.hub"
    assert delegated.procs(room.hub_leaf) == [os.getpid()] and delegated.procs(hub) == []
    assert (hub / "cgroup.subtree_control").read_text().split() == ["memory", "pids", "cpu"]
    folder = hub / "gomemlab-hub-t"
    assert room.folders == dict.fromkeys(cgroups.CONTROLLERS, folder)
    assert (folder / "cgroup.subtree_control").read_text().split() == ["memory", "pids", "cpu"]

    room.bound("gml-ada", cgroups.Limits(memory=2 * 2**30, pids=1024, cpus=1.5))
    learner = folder / "gml-ada"
    assert (learner / "memory.max").read_text() == str(2 * 2**30)
    assert (learner / "memory.swap.max").read_text() == "0"
    assert (learner / "pids.max").read_text() == "1024"
    assert (learner / "cpu.max").read_text() == "150000 100000"
    room.bound("gml-bob", cgroups.Limits())
    assert (folder / "gml-bob" / "cpu.max").read_text() == "max 100000"

    # A learner's server joins before it execs; what it starts stays in the group.
    child = subprocess.Popen(["sleep", "60"])
    try:
        room.attach("gml-ada", child.pid)
        assert room.pids("gml-ada") == {child.pid} and room.pids() == {child.pid}
        # JupyterHub's spawner, started by the hub, runs in the leaf: it finds the same room.
        leaf_self = tmp_path / "leaf-cgroup"
        leaf_self.write_text("0::/system.slice/gomemlab.scope/gomemlab-hub-t.hub\n")
        again = cgroups.Room.create("gomemlab-hub-t", table=delegated.table, own_cgroup=leaf_self)
        assert again.folders == room.folders and again.delegated == ()

        assert room.oom_kills("gml-ada") == 0 and room.peak_memory("gml-ada") == 0
        own = tmp_path / "ada-cgroup"
        own.write_text("0::/system.slice/gomemlab.scope/gomemlab-hub-t/gml-ada\n")
        bound = cgroups.own_bound(delegated.table, own)
        assert bound == cgroups.Bound(memory=2 * 2**30, cpus=1.5)

        room.remove(timeout=5)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -9  # remove() killed what was left in the learner's group
    assert not folder.exists() and not room.hub_leaf.exists()
    assert delegated.procs(hub) == [os.getpid()]
    assert (hub / "cgroup.subtree_control").read_text() == ""
    room.remove()  # safe to repeat


def test_a_v2_cgroup_shared_with_other_processes_is_a_typed_error(delegated):
    # The hub started from a shell: its cgroup holds the shell too, so the kernel would refuse
    # to give the controllers away (EBUSY); the error says how to start the hub instead.
    (delegated.hub / "cgroup.procs").write_text(str(os.getppid()))
    with pytest.raises(cgroups.CgroupError, match=r"holds other processes .*Delegate=yes"):
        cgroups.Room.create("gomemlab-hub-t", table=delegated.table, own_cgroup=delegated.own)
    assert not (delegated.hub / "gomemlab-hub-t").exists()
    assert not (delegated.hub / "gomemlab-hub-t.hub").exists()


def test_v2_without_delegated_controllers_is_a_typed_error(tmp_path, monkeypatch):
    fake = FakeCgroup2(tmp_path, monkeypatch, "/user.slice/session-1.scope", delegated=False)
    with pytest.raises(cgroups.CgroupError, match=r"has no memory, pids, cpu controller"):
        cgroups.Room.create("gomemlab-hub-t", table=fake.table, own_cgroup=fake.own)
    assert [p.name for p in fake.hub.iterdir() if p.is_dir()] == []


def test_the_fake_kernel_refuses_what_the_real_one_does(delegated):
    # The fake itself: the rules the tests above lean on.
    hub = delegated.hub
    with pytest.raises(OSError, match="Device or resource busy"):
        (hub / "cgroup.subtree_control").write_text("+memory")  # the hub is in it
    with pytest.raises(OSError, match="Invalid argument"):
        (hub / "memory.max").write_text("2G")  # the kernel wants bytes or "max"
    with pytest.raises(FileNotFoundError):
        (hub / "memory.limit_in_bytes").write_text("1")  # a v1 name does not exist on v2
    with pytest.raises(OSError, match="Device or resource busy"):
        hub.rmdir()


def test_go_reads_gomemlimit_as_the_runtime_does():
    assert cgroups.go_memory_limit({"GOMEMLIMIT": "1024MiB"}) == 2**30
    assert cgroups.go_memory_limit({"GOMEMLIMIT": "123"}) == 123
    assert cgroups.go_memory_limit({}) == cgroups.go_memory_limit({"GOMEMLIMIT": "off"})
    assert cgroups.go_memory_limit({}) == 2**63 - 1
    with pytest.raises(cgroups.CgroupError, match="not a size Go reads"):
        cgroups.go_memory_limit({"GOMEMLIMIT": "2G"})


def test_own_bound_on_v1_and_without_cgroups(tmp_path):
    # v1 reports "no bound" as the page counter's maximum; a quota of -1 is no quota.
    for ctrl, files in {
        "memory": {"memory.limit_in_bytes": "9223372036854771712"},
        "cpu": {"cpu.cfs_quota_us": "-1", "cpu.cfs_period_us": "100000"},
        "pids": {},
    }.items():
        folder = tmp_path / ctrl / "room" / "gml-ada"
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text + "\n")
    table = tmp_path / "mounts"
    table.write_text(
        "".join(f"cgroup {tmp_path / c} cgroup rw,{c} 0 0\n" for c in ("memory", "cpu", "pids"))
    )
    own = tmp_path / "self-cgroup"
    own.write_text("4:memory:/room/gml-ada\n3:cpu,cpuacct:/room/gml-ada\n2:pids:/room/gml-ada\n")
    assert cgroups.own_bound(table, own) == cgroups.Bound(None, None)
    (tmp_path / "memory/room/gml-ada/memory.limit_in_bytes").write_text("2147483648\n")
    (tmp_path / "cpu/room/gml-ada/cpu.cfs_quota_us").write_text("50000\n")
    assert cgroups.own_bound(table, own) == cgroups.Bound(2**31, 0.5)
    assert cgroups.own_bound(tmp_path / "no-such-table", own) == cgroups.Bound(None, None)
