"""Run a Go program under `GODEBUG=gctrace=1` (and read the gc sample's runtime/metrics
samples), or one run per GOGC value: arguments are checked first, every mistake a UsageError."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .. import programs, validate, workspace
from ..errors import UsageError
from ..programs import Target
from ..settings import quick
from ..toolchain import Completed, GoToolchain
from .result import GCRun, MiB, SweepResult, parse_gctrace, parse_metrics

GOGC_SWEEP = (25, 50, 100, 200, 400, "off")
WORKLOAD_FLAGS = {
    "live_mib": "-live",
    "alloc_mib": "-alloc",
    "rate_mib": "-rate",
    "duration_s": "-duration",
    "survive": "-survive",
    "forced": "-forced",
}
"""The gc sample's workload settings (keyword arguments of `run`) and the flags they set."""
MAX_REAL_RATE_MIB_S = 400.0
"""The fastest real allocation `run_phases` picks a speed for (MiB/s)."""
_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def default_workload() -> dict[str, int]:
    """The gc sample's workload for this mode: a 16 MiB live heap and 256 MiB (quick: 128) of
    short-lived 64-byte objects, allocated as fast as the program can."""
    return {"live_mib": 16, "alloc_mib": 128 if quick() else 256}


def _amount(value: Any, name: str, *, unit: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise UsageError(f"{name} must be a number ≥ 0 ({unit}), not {value!r}")
    return value


def _workload_args(workload: dict[str, Any]) -> list[str]:
    """The sample's flags for `workload` (defaults filled in), each value checked."""
    unknown = sorted(set(workload) - set(WORKLOAD_FLAGS))
    if unknown:
        raise UsageError(
            f"unknown workload setting(s) {unknown}: the gc sample takes {sorted(WORKLOAD_FLAGS)}"
        )
    merged = {**default_workload(), **{k: v for k, v in workload.items() if v is not None}}
    for name in ("live_mib", "alloc_mib", "rate_mib"):
        if name in merged:
            _amount(merged[name], name, unit="MiB" if name != "rate_mib" else "MiB/s")
    if isinstance(merged.get("live_mib"), int):
        validate.mebibytes(merged["live_mib"], "live_mib")
    if "duration_s" in merged:
        validate.positive(merged["duration_s"], "duration_s", unit="seconds")
    if (
        "survive" in merged
        and not 0 <= _amount(merged["survive"], "survive", unit="a fraction") <= 1
    ):
        raise UsageError(
            f"survive is the fraction of new objects that stay live, from 0 to "
            f"1, not {merged['survive']!r}"
        )
    if "forced" in merged:
        validate.count(merged["forced"], "forced", minimum=0)
    if not merged.get("alloc_mib") and "duration_s" not in merged:
        raise UsageError("give alloc_mib > 0 or duration_s, or the sample never stops")
    argv = []
    for key, value in merged.items():
        argv += [WORKLOAD_FLAGS[key], f"{value}s" if key == "duration_s" else str(value)]
    return argv


def run(
    target: Target = "gc",
    *,
    gogc: int | str | None = None,
    memlimit: int | str | None = None,
    gomaxprocs: int | None = None,
    args: Sequence[str] = (),
    metrics: bool | None = None,
    every: str = "5ms",
    timeout: float = 120.0,
    go: str | GoToolchain | None = None,
    goexperiment: str | None = None,
    **workload: Any,
) -> GCRun:
    """Run `target` with `GODEBUG=gctrace=1` and the given GOGC / GOMEMLIMIT / GOMAXPROCS.

    For the bundled gc sample (the default), `workload` sets its flags: live_mib, alloc_mib,
    rate_mib, duration_s, survive, forced (defaults: `default_workload()`), and its
    runtime/metrics samples are collected from a scratch folder every `every` (a Go duration;
    `metrics=False` to skip). Other programs get `args` only. `memlimit` is bytes (int) or
    Go's text ("64MiB"). GOGC is a whole number ≥ 0 or "off". `go` picks another Go release
    ("1.22", see gm.versions); the result's provenance names it. `goexperiment` builds the
    program with GOEXPERIMENT (e.g. "nogreenteagc" for the classic collector).
    """
    gogc_text = None if gogc is None else validate.gogc(gogc)
    limit_text = None if memlimit is None else validate.memory_limit(memlimit, "memlimit")
    if gomaxprocs is not None:
        validate.gomaxprocs(gomaxprocs)
    timeout = validate.timeout(timeout)
    if not isinstance(every, str) or not _DURATION.match(every):
        raise UsageError(f'every must be a Go duration such as "5ms", not {every!r}')
    if isinstance(args, str) or not all(isinstance(a, str) for a in args):
        raise UsageError(f"args must be a list of strings, not {args!r}")
    package = workspace.resolve(target)
    is_sample = package.dir == workspace.sample("gc").dir
    if workload and not is_sample:
        raise UsageError(
            f"workload settings {sorted(workload)} are flags of the gc sample "
            f"only; pass args=[...] to another program"
        )
    if metrics and not is_sample:
        raise UsageError("metrics=True needs the gc sample (it writes the samples itself)")
    argv = list(args)
    metrics_path: Path | None = None
    if is_sample:
        argv += _workload_args(workload)
        if metrics is not False:
            metrics_path = workspace.scratch_dir("gc") / "metrics.jsonl"
            argv += ["-metrics", str(metrics_path), "-every", every]
    env = {"GODEBUG": "gctrace=1"}
    for name, value in (
        ("GOGC", gogc_text),
        ("GOMEMLIMIT", limit_text),
        ("GOMAXPROCS", gomaxprocs),
    ):
        if value is not None:
            env[name] = str(value)
    done = programs.run(package, argv, env=env, timeout=timeout, go=go, goexperiment=goexperiment)
    shown_gogc = None if gogc_text is None else ("off" if gogc_text == "off" else int(gogc_text))
    settings = {
        "gogc": shown_gogc,
        "memlimit": limit_text,
        "gomaxprocs": gomaxprocs,
        "workload": dict(workload) or None,
    }
    return _finished(done, settings, metrics_path)


def _finished(done: Completed, settings: dict[str, Any], metrics_path: Path | None) -> GCRun:
    """A finished run's result: its gctrace and, when it wrote them, its runtime/metrics
    samples (the file and its scratch folder are removed once read)."""
    provenance = done.provenance
    samples = None
    if metrics_path is not None:
        samples = parse_metrics(metrics_path.read_text(), provenance=provenance)
        metrics_path.unlink()
        metrics_path.parent.rmdir()
    return GCRun(
        settings=settings,
        log=parse_gctrace(done.stderr, provenance=provenance),
        metrics=samples,
        completed=done,
        provenance=provenance,
    )


def sweep(
    target: Target = "gc",
    gogc: Iterable[int | str] = GOGC_SWEEP,
    *,
    progress: bool = True,
    **run_kwargs: Any,
) -> SweepResult:
    """Run `target` once per GOGC value (with a progress bar) and compare the runs."""
    values = [validate.gogc(g) and g for g in gogc]
    if not values:
        raise UsageError("gogc must list at least one setting, e.g. [50, 100, 'off']")
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(values), desc="GOGC sweep", unit="run", leave=False)
    runs = []
    try:
        for value in values:
            if bar is not None:
                bar.set_postfix_str(f"GOGC={value}")
            runs.append(run(target, gogc=value, **run_kwargs))
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return SweepResult(tuple(runs))


def _phase_spec(phases: Sequence[Any]) -> str:
    from .costmodel import Phase

    if not phases or not all(isinstance(p, Phase) for p in phases):
        raise UsageError("phases must be a non-empty list of gm.gc.Phase")
    return ";".join(
        f"{p.duration_s:g},{p.alloc_mib_s:g},{p.survival:g},{p.old_death:g}" for p in phases
    )


def run_phases(
    phases: Any,
    *,
    gogc: int | str = 100,
    memlimit_mib: float | None = None,
    other_mib: float = 0.0,
    speed: float | None = None,
    every: str = "5ms",
    timeout: float = 120.0,
    go: str | GoToolchain | None = None,
) -> GCRun:
    """Run a real Go program with the shape of a cost-model workload (a list of `Phase`, or a
    `GuideGraph`, whose other memory it takes): each phase allocates 1 KiB objects at its rate,
    keeps its `survival` share and drops its `old_death` share of the live heap it started
    with, evenly over the phase, `speed` times faster than the model's clock (default 2,
    quick mode 10, lowered so that no phase allocates above MAX_REAL_RATE_MIB_S). Under
    gctrace, with runtime/metrics readings; GOMEMLIMIT is the model's limit minus its other
    memory (which the program does not allocate)."""
    from ._phased_go import SOURCE

    if hasattr(phases, "phases"):  # a GuideGraph
        other_mib = phases.other_mib
        phases = phases.phases
    phases = list(phases)
    spec = _phase_spec(phases)
    if speed is None:  # quick mode runs faster, but never allocates beyond what a core can
        fastest = max(p.alloc_mib_s for p in phases) or 1.0
        speed = min(10.0 if quick() else 2.0, max(1.0, MAX_REAL_RATE_MIB_S / fastest))
    speed = validate.positive(speed, "speed")
    gogc_text = validate.gogc(gogc)
    limit = None
    if memlimit_mib is not None:
        room = validate.positive(memlimit_mib, "memlimit_mib", unit="MiB") - other_mib
        if room <= 0:
            raise UsageError(
                f"memlimit_mib {memlimit_mib:g} leaves no room above the "
                f"{other_mib:g} MiB of other memory"
            )
        limit = f"{int(room * MiB)}"
    timeout = validate.timeout(timeout)
    if not isinstance(every, str) or not _DURATION.match(every):
        raise UsageError(f'every must be a Go duration such as "5ms", not {every!r}')
    metrics_path = workspace.scratch_dir("gcphased") / "metrics.jsonl"
    env = {"GODEBUG": "gctrace=1", "GOGC": gogc_text}
    if limit is not None:
        env["GOMEMLIMIT"] = limit
    done = programs.run(
        workspace.snippet(SOURCE),
        ["-phases", spec, "-speed", f"{speed:g}", "-metrics", str(metrics_path), "-every", every],
        env=env,
        timeout=timeout,
        go=go,
    )
    settings = {
        "gogc": "off" if gogc_text == "off" else int(gogc_text),
        "memlimit": limit,
        "memlimit_mib": memlimit_mib,
        "other_mib": other_mib,
        "speed": speed,
        "phases": spec,
    }
    return _finished(done, settings, metrics_path)
