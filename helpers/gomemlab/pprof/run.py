"""Record a profile with the real toolchain: a program's own flags, or `go test -bench`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from .. import programs, settings, workspace
from ..errors import GomemlabError
from .profile import Profile, load

KINDS = {"mem": "-memprofile", "cpu": "-cpuprofile"}


def default_benchtime(kind: str) -> str:
    """Default `-benchtime` for a profiled benchmark: short in quick mode; CPU profiles sample
    100 times a second, so they need longer runs than memory profiles."""
    if settings.quick():
        return "300ms" if kind == "cpu" else "100ms"
    return "2s" if kind == "cpu" else "1s"


def _godebug(memprofilerate: int | None, env: Mapping[str, str] | None) -> dict[str, str]:
    extra = dict(env or {})
    if memprofilerate is not None:
        current = extra.get("GODEBUG", os.environ.get("GODEBUG", ""))
        extra["GODEBUG"] = ",".join(filter(None, [current, f"memprofilerate={memprofilerate}"]))
    return extra


def run(target: str | os.PathLike | workspace.Package = "pprof", kind: str = "mem", *,
        bench: str | None = None, args: Sequence[str] = (), memprofilerate: int | None = None,
        benchtime: str | None = None, gcflags: str | None = None,
        env: Mapping[str, str] | None = None, timeout: float = 300.0) -> Profile:
    """Record a memory (`kind="mem"`) or CPU (`"cpu"`) profile and return it decoded.

    Without `bench`, the program is built and run with `args` plus `-memprofile FILE` (or
    `-cpuprofile FILE`): the program writes its own profile, like the sample's `main`. With
    `bench` (a -bench pattern), runs `go test -run '^$' -bench PATTERN -benchmem -memprofile
    FILE` instead (`benchtime` defaults to `default_benchtime(kind)`, shorter in quick mode;
    `args` are appended). `memprofilerate` sets runtime.MemProfileRate (1 = record every allocation;
    the default samples one allocation per 512 KiB). Files go to a fresh scratch folder; the
    Profile keeps the file's `path`, the `command` and its `output`.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'mem' or 'cpu', not {kind!r}")
    folder = workspace.scratch_dir(f"pprof-{kind}")
    path = folder / f"{kind}.pprof"
    if bench is None:
        done = programs.run(target, [*args, KINDS[kind], str(path)], cwd=folder,
                            env=_godebug(memprofilerate, env), timeout=timeout)
    else:
        options = ["-run", "^$", "-bench", bench, "-benchmem", "-count", "1",
                   "-benchtime", benchtime or default_benchtime(kind), f"{KINDS[kind]}={path}",
                   "-o", str(folder / "bench.test")]
        if memprofilerate is not None:
            options.append(f"-memprofilerate={memprofilerate}")
        if gcflags:
            options.append(f"-gcflags={gcflags}")
        done = programs.test(target, *options, *args, env=env, timeout=timeout)
    if not path.is_file():
        raise GomemlabError(
            f"the run wrote no profile to {path} (does the program accept {KINDS[kind]} FILE?)"
            f"\n{done.stdout}{done.stderr}")
    profile = load(path)
    profile.command = done.command
    profile.output = done.stdout + done.stderr
    return profile
