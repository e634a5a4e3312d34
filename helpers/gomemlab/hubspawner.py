"""The workshop server's spawner: each learner's server as their own account, in their own cgroup.

JupyterHub's `LocalProcessSpawner` runs a server as a local account (setuid in the child before
exec). `LearnerSpawner` adds what a room of strangers needs: the account is made on the first
start (`accounts.ensure`: home 0700), the learner's warm Go cache copy is theirs, the child joins
the learner's cgroup (memory, pids, CPU bounds) before it drops to the learner's uid, and the
learner's Go programs get GOMEMLIMIT (and GOMAXPROCS under a CPU cap) from that bound. A server
is never started as uid 0; stopping it kills everything left in the learner's group.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Float, Instance, Integer, Unicode

from . import accounts, cgroups


def trust_checkout(package: Path = Path(__file__)) -> dict[str, str]:
    """Git settings (as environment) that let a learner's `go build` stamp VCS information
    from the lab's git checkout, which another account (root) owns: without them git refuses
    with "dubious ownership" and every build of a package inside the checkout (the lab's Go
    source reader in helpers/gomemlab/_goast) fails with "error obtaining VCS status". Only
    that one folder is trusted, not every repository (`safe.directory=*` would let a learner's
    crafted repository run commands as another learner). Empty when not in a checkout."""
    for folder in package.resolve().parents:
        if (folder / ".git").exists():
            return {
                "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": "safe.directory",
                "GIT_CONFIG_VALUE_0": str(folder),
            }
    return {}


class LearnerSpawner(LocalProcessSpawner):
    """A learner's server: their own account, home, Go cache copy and cgroup."""

    homes = Unicode(help="folder of the learners' homes (<root>/home)").tag(config=True)
    seed_gocache = Unicode("", help="a warm Go build cache each NEW learner gets a copy of").tag(
        config=True
    )
    memory = Integer(2 * 2**30, help="bytes of memory (and memory + swap) per learner").tag(
        config=True
    )
    tasks = Integer(1024, help="processes and threads per learner").tag(config=True)
    cpus = Float(0.0, help="cores of CPU time per learner; 0: no cap, an equal share").tag(
        config=True
    )
    cgroup_name = Unicode(help="the room's cgroup folder name (one per hub)").tag(config=True)
    room = Instance(cgroups.Room, allow_none=True)

    @property
    def limits(self) -> cgroups.Limits:
        """The bound of every learner."""
        return cgroups.Limits(memory=self.memory, pids=self.tasks, cpus=self.cpus or None)

    def _room(self) -> cgroups.Room:
        if self.room is None:
            self.room = cgroups.Room.create(self.cgroup_name)
        return self.room

    def _account(self) -> Any:
        found = accounts.lookup(self.user.name)
        if found is None:
            raise accounts.AccountError(f"{self.user.name} has no account yet")
        return found

    def make_preexec_fn(self, name: str) -> Any:
        """Join the learner's cgroup (as root), then drop to their account for good."""
        account = self._account()
        if account.pw_uid == 0:
            raise accounts.AccountError(f"refusing to start {name}'s server as root")
        room, user = self._room(), self.user.name
        drop = set_user_setuid(account.pw_name)

        def preexec() -> None:
            room.attach(user)
            drop()

        return preexec

    def user_env(self, env: dict[str, str]) -> dict[str, str]:
        """HOME, USER and SHELL of the learner's account; their Go programs' bounds; git's
        trust in the lab's own checkout."""
        account = self._account()
        env.update(USER=account.pw_name, HOME=account.pw_dir, SHELL="/bin/sh")
        env.update(self.limits.go_env())
        env.update(trust_checkout())
        return env

    async def start(self) -> Any:
        """Make the account and group if needed, give a new learner their cache copy, start."""
        home = Path(self.homes) / self.user.name
        account = await asyncio.to_thread(accounts.ensure, self.user.name, home)
        room = self._room()
        await asyncio.to_thread(room.kill, self.user.name)  # nothing left from an earlier run
        room.bound(self.user.name, self.limits)
        await asyncio.to_thread(self._seed, home, account)
        return await super().start()

    def _seed(self, home: Path, account: Any) -> None:
        """A new learner's Go build cache starts as a COPY of the warm seed, owned by them (a
        cache shared writable between accounts is not safe); an existing one is never touched.
        ~230 MiB, copied in a thread so the hub keeps answering everyone else."""
        target = home / ".cache" / "go-build"
        if not self.seed_gocache or not Path(self.seed_gocache).is_dir() or target.exists():
            return
        partial = target.with_name("go-build.copying")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(self.seed_gocache, partial, symlinks=True)
        accounts.give(home / ".cache", account)
        partial.rename(target)  # a copy cut short is never taken for a cache

    async def stop(self, now: bool = False) -> None:
        """Stop the server, then everything it left in the learner's group (kernels, Go)."""
        await super().stop(now)
        if self.room is not None:
            await asyncio.to_thread(self.room.kill, self.user.name)
