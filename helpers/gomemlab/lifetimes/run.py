"""Run sections of the lifetimes sample and return what they measured."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

from .. import programs, settings, toolchain, validate, workspace
from ..errors import UsageError
from ..provenance import Provenance
from .result import LifetimesRun, parse

LIFETIMES_SECTIONS = ("pool", "poolsize", "finalizers", "cycles", "exit", "weak", "unique",
                      "substring", "maps", "goroutines", "timers", "scavenge", "settings",
                      "address")
"""The sample's sections, in the order chapter 09 meets them."""
QUICK_WATCH_S = 0.3
FULL_WATCH_S = 0.5


_BUILT: dict[tuple, Path] = {}
"""Binaries built in this process, by package folder and the state of its files."""


def _state(package: workspace.Package) -> tuple:
    files = [*package.go_files(tests=False), package.module_dir / "go.mod"]
    return (str(package.dir), *((f.name, os.stat(f).st_mtime_ns, os.stat(f).st_size)
                                for f in files))


def _binary(package: workspace.Package, timeout: float) -> tuple[Path, float]:
    """The package's binary and the seconds spent building it: a chapter runs the sample a
    dozen times, and asking `go build` whether it is up to date costs ~0.4 s each time."""
    key = _state(package)
    binary = _BUILT.get(key)
    if binary is not None and binary.is_file():
        return binary, 0.0
    started = time.perf_counter()
    binary = programs.build(package, timeout=timeout)
    _BUILT[key] = binary
    return binary, time.perf_counter() - started


def run(*sections: str, fix: bool = False, n: int | None = None, mib: int | None = None,
        watch: float | None = None, memprofile: bool = False, leakprofile: bool = False,
        env: Mapping[str, str] | None = None, target: workspace.Target = "lifetimes",
        timeout: float = 180.0) -> LifetimesRun:
    """Run the named sections of `gosamples/lifetimes` (in order) and parse their JSON lines.

    `n` scales a section (trials, items, entries, documents: see the sample), `mib` and
    `watch` (seconds) size the scavenge section, `fix` makes the substring section keep
    copies. `memprofile` writes an in-use heap profile at the end (after a GC, sampling every
    4 KiB) and `leakprofile` the goroutineleak profile; `result.profile("heap")` decodes them.
    `env` adds environment variables (e.g. GOGC, GOMEMLIMIT). Files go to a scratch folder.
    """
    if not sections:
        raise UsageError(f"name at least one section: {', '.join(LIFETIMES_SECTIONS)}")
    for name in sections:
        validate.choice(name, LIFETIMES_SECTIONS, "section")
    args = ["-section", ",".join(sections)]
    if fix:
        args.append("-fix")
    if n is not None:
        args += ["-n", str(validate.count(n, "n"))]
    if mib is not None:
        args += ["-mib", str(validate.count(mib, "mib", maximum=1024))]
    seconds = FULL_WATCH_S if watch is None else validate.positive(watch, "watch",
                                                                    unit="seconds")
    if watch is None and settings.quick():
        seconds = QUICK_WATCH_S
    args += ["-watch", f"{seconds:g}s"]
    folder = workspace.scratch_dir("lifetimes")
    profiles = {}
    if memprofile:
        profiles["heap"] = folder / "heap.pprof"
        args += ["-memprofile", str(profiles["heap"])]
    if leakprofile:
        profiles["goroutineleak"] = folder / "goroutineleak.pprof"
        args += ["-leakprofile", str(profiles["goroutineleak"])]
    timeout = validate.timeout(timeout)
    binary, built = _binary(workspace.resolve(target), timeout)
    done = toolchain.run([binary, *args], cwd=folder, env=toolchain.go_env(env),
                         timeout=timeout).check_run()
    provenance = Provenance.of(done.command, go_version=toolchain.find_go().version,
                               build_seconds=built, run_seconds=done.seconds,
                               files=profiles.values())
    result = parse(done.stdout, sections=tuple(sections), provenance=provenance)
    return LifetimesRun(result.records, result.sections,
                        {"fix": fix, "n": n, "mib": mib, "watch_s": seconds}, provenance,
                        profiles)
