"""One operating-system account per learner, for the workshop server (Linux, run as root).

A learner `learner01` of the hub is the account `gml-learner01` (the prefix keeps the hub's
accounts apart from the machine's real users), with no password and no login shell, its home
`<root>/home/learner01` of mode 0700: no other learner can list, read or write it.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from . import toolchain
from .errors import GomemlabError

PREFIX = "gml-"
NOLOGIN = next(
    (s for s in ("/usr/sbin/nologin", "/sbin/nologin") if Path(s).exists()), "/bin/false"
)


class AccountError(GomemlabError):
    """A learner's account could not be made, found or removed."""


def system_name(user: str) -> str:
    """The account name of hub user `user`."""
    return PREFIX + user


def lookup(user: str) -> pwd.struct_passwd | None:
    """The learner's account, or None when it does not exist."""
    try:
        return pwd.getpwnam(system_name(user))
    except KeyError:
        return None


def require_root() -> None:
    """AccountError unless this process can make accounts (root, with useradd)."""
    if os.geteuid() != 0:
        raise AccountError(
            "one account per learner needs the hub to run as root (it makes the accounts, "
            "then each learner's server runs as their own account, never as root)"
        )
    for program in ("useradd", "userdel"):
        if shutil.which(program) is None:
            raise AccountError(
                f"{program} is not installed: the hub makes learners' accounts with it"
            )


def ensure(user: str, home: Path) -> pwd.struct_passwd:
    """The learner's account (made when missing) with `home` of mode 0700, owned by them."""
    found = lookup(user)
    if found is None:
        home.parent.mkdir(parents=True, exist_ok=True)
        done = toolchain.run(
            [
                "useradd",
                "--home-dir",
                str(home),
                "--create-home",
                "--user-group",
                "--shell",
                NOLOGIN,
                "--comment",
                f"Go Memory Lab learner {user}",
                system_name(user),
            ],
            timeout=60,
            contain=False,
        )
        if done.returncode != 0:
            raise AccountError(
                f"useradd {system_name(user)} failed ({done.returncode}): {done.stderr.strip()}"
            )
        found = pwd.getpwnam(system_name(user))
    if found.pw_uid == 0 or found.pw_gid == 0:
        raise AccountError(f"account {found.pw_name} has uid or gid 0: a learner is never root")
    if Path(found.pw_dir) != home:
        raise AccountError(
            f"account {found.pw_name} exists with home {found.pw_dir}, not {home}: remove it "
            f"(userdel -r {found.pw_name}) or use another hub root"
        )
    home.mkdir(exist_ok=True)
    os.chown(home, found.pw_uid, found.pw_gid)
    home.chmod(0o700)
    return found


def give(tree: Path, account: pwd.struct_passwd) -> None:
    """Make every file under `tree` (and `tree`) the learner's own (no symlink followed)."""
    for folder, dirs, files in os.walk(tree):
        os.chown(folder, account.pw_uid, account.pw_gid, follow_symlinks=False)
        for name in dirs + files:
            os.chown(Path(folder) / name, account.pw_uid, account.pw_gid, follow_symlinks=False)


def remove(user: str) -> None:
    """Remove the learner's account and home (userdel -r); nothing when it does not exist."""
    if lookup(user) is None:
        return
    done = toolchain.run(["userdel", "--remove", system_name(user)], timeout=60, contain=False)
    # 12: the home could not be removed (e.g. already gone): the account itself is.
    if done.returncode not in (0, 12) or lookup(user) is not None:
        raise AccountError(
            f"userdel -r {system_name(user)} failed ({done.returncode}): {done.stderr.strip()}"
        )
