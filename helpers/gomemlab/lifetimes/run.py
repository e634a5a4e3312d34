"""Run sections of the lifetimes sample and return what they measured."""

from __future__ import annotations

from collections.abc import Mapping

from .. import binaries as _binaries
from .. import settings, toolchain, validate, workspace
from ..bench.run import run_cached as _bench_run_cached
from ..errors import UsageError
from ..pprof.result import Profile
from ..pprof.result import load as load_profile
from ..provenance import Provenance
from .result import LifetimesRun, parse

LIFETIMES_SECTIONS = (
    "pool",
    "poolsize",
    "finalizers",
    "cycles",
    "exit",
    "weak",
    "unique",
    "substring",
    "maps",
    "goroutines",
    "timers",
    "scavenge",
    "settings",
    "address",
)
"""The sample's sections, in the order chapter 09 meets them."""
QUICK_WATCH_S = 0.3
FULL_WATCH_S = 0.5


def run(
    *sections: str,
    fix: bool = False,
    n: int | None = None,
    mib: int | None = None,
    watch: float | None = None,
    memprofile: bool = False,
    leakprofile: bool = False,
    env: Mapping[str, str] | None = None,
    target: workspace.Target = "lifetimes",
    timeout: float = 180.0,
) -> LifetimesRun:
    """Run the named sections of `gosamples/lifetimes` (in order) and parse their JSON lines.

    `n` scales a section (trials, items, entries, documents: see the sample), `mib` and
    `watch` (seconds) size the scavenge section, `fix` makes the substring section keep
    copies. `memprofile` writes an in-use heap profile at the end (after a GC, sampling every
    4 KiB) and `leakprofile` the goroutineleak profile; `gm.lifetimes.profile(result, "heap")`
    decodes them.
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
    seconds = FULL_WATCH_S if watch is None else validate.positive(watch, "watch", unit="seconds")
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
    binary, built = _binaries.program(workspace.resolve(target), timeout)
    done = toolchain.run(
        [binary, *args], cwd=folder, env=toolchain.go_env(env), timeout=timeout
    ).check_run()
    provenance = Provenance.of(
        done.command,
        go_version=toolchain.find_go().version,
        build_seconds=built,
        run_seconds=done.seconds,
        files=profiles.values(),
    )
    result = parse(done.stdout, sections=tuple(sections), provenance=provenance)
    return LifetimesRun(
        result.records,
        result.sections,
        {"fix": fix, "n": n, "mib": mib, "watch_s": seconds},
        provenance,
        profiles,
    )


BENCHTIME = "2000x"
"""The chapter's benchmarks count allocations, which are the same in every iteration: a fixed
2000 iterations measure allocs/op and B/op exactly (ns/op is only shown)."""


def benchmarks(
    pattern: str = ".", *, benchtime: str = BENCHTIME, count: int = 3, timeout: float = 300.0
):
    """The sample's benchmarks matching `pattern`, run with `-benchmem` from its test binary
    (built once, then reused: see `gomemlab.binaries`), as a `gm.bench.BenchResult`."""
    from ..bench.run import validate_benchtime

    return _bench_run_cached(
        "lifetimes",
        validate.pattern(pattern, "pattern"),
        benchtime=validate_benchtime(benchtime),
        count=validate.count(count, "count", maximum=100),
        timeout=validate.timeout(timeout),
    )


def profile(run: LifetimesRun, kind: str = "heap") -> Profile:
    """The profile `run` wrote (`heap` with memprofile=True, `goroutineleak` with
    leakprofile=True), read from its file by `gm.pprof.load`."""
    if kind not in run.profiles:
        raise UsageError(
            f"this run wrote no {kind!r} profile; it wrote: "
            f"{', '.join(run.profiles) or 'none'} (ask for it in run())"
        )
    return load_profile(run.profiles[kind])
