"""Run a package's benchmarks with `go test -bench` and parse what they print."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from .. import programs, settings, toolchain, workspace
from ..programs import Target
from .parse import parse_lines
from .result import BenchResult, parse

FULL_BENCHTIME = "1s"
"""Go's own default time per benchmark run."""
FULL_COUNT = 10
"""benchstat's advice: at least 10 runs per benchmark."""
QUICK_BENCHTIME = "20ms"
"""Quick mode (tests, CI) caps every duration benchtime at this."""
QUICK_COUNT = 6
"""Quick mode's default count: the smallest n with a 95% CI of the median."""
QUICK_MAX_COUNT = 10
PROFILE_FLAGS = {"mem": "-memprofile", "cpu": "-cpuprofile", "block": "-blockprofile",
                 "mutex": "-mutexprofile"}

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
                 "h": 3600.0}

Progress = Callable[[int, str], None]
"""A progress callback: (results so far, name of the latest benchmark line)."""


def _seconds(duration: str) -> float | None:
    """Seconds of a Go duration like `1.5s` or `200ms` (None for `100x` or other forms)."""
    parts = _DURATION.findall(duration)
    if not parts or "".join(a + b for a, b in parts) != duration:
        return None
    return sum(float(a) * _UNIT_SECONDS[b] for a, b in parts)


def settings_for(benchtime: str | None, count: int | None, quick: bool) -> tuple[str, int]:
    """The benchtime and count a run uses: the defaults, shortened in quick mode."""
    benchtime = benchtime or (QUICK_BENCHTIME if quick else FULL_BENCHTIME)
    count = count or (QUICK_COUNT if quick else FULL_COUNT)
    if quick:
        seconds = _seconds(benchtime)
        if seconds is not None and seconds > _seconds(QUICK_BENCHTIME):
            benchtime = QUICK_BENCHTIME
        count = min(count, QUICK_MAX_COUNT)
    return benchtime, count


def _cpu_arg(cpu: int | str | Sequence[int]) -> str:
    if isinstance(cpu, int):
        return str(cpu)
    if isinstance(cpu, str):
        return cpu
    return ",".join(str(int(c)) for c in cpu)


def _profile_kinds(profile: bool | str | Sequence[str] | None) -> list[str]:
    if not profile:
        return []
    kinds = ["mem"] if profile is True else [profile] if isinstance(profile, str) else list(
        profile)
    unknown = [k for k in kinds if k not in PROFILE_FLAGS]
    if unknown:
        raise ValueError(f"unknown profile kind(s) {unknown}; choose from {list(PROFILE_FLAGS)}")
    return kinds


class _Display:
    """A live progress bar (tqdm.auto: a widget in Jupyter, a text bar elsewhere)."""

    def __init__(self, title: str, enabled: bool | Progress):
        self.count = 0
        self.callback = enabled if callable(enabled) else None
        self.bar = None
        if enabled is True:
            from tqdm.auto import tqdm
            self.bar = tqdm(desc=title, unit=" runs", leave=True, bar_format=(
                "{desc}: {n_fmt} runs · {elapsed}{postfix}"))
            self.bar.set_postfix_str("compiling the test binary…")

    def line(self, text: str) -> None:
        if not text.startswith("Benchmark"):
            return
        try:
            records = parse_lines(text)
        except Exception:  # a damaged line is reported by the final parse, not here
            return
        if not records or not hasattr(records[0], "iterations"):
            return
        self.count += 1
        name = records[0].name
        if self.bar is not None:
            self.bar.set_postfix_str(name, refresh=False)
            self.bar.update(1)
        if self.callback is not None:
            self.callback(self.count, name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(target: Target, pattern: str = ".", *, benchtime: str | None = None,
        count: int | None = None, cpu: int | str | Sequence[int] | None = None,
        profile: bool | str | Sequence[str] | None = None, timeout: float = 1800.0,
        progress: bool | Progress = True, extra: Sequence[str] = ()) -> BenchResult:
    """Run the benchmarks of `target` (a topic, folder or snippet) matching `pattern`.

    Runs `go test -run '^$' -bench PATTERN -benchmem -benchtime T -count N [-cpu LIST]`, with
    a live progress display, and returns the parsed BenchResult. Defaults: benchtime 1s and
    count 10 (quick mode: 20ms and 6; longer durations are capped at 20ms there). `profile`
    ("mem", "cpu" or both) also writes those profiles into a fresh scratch folder:
    `result.profiles["mem"]` is the path.
    """
    package = workspace.resolve(target)
    benchtime, count = settings_for(benchtime, count, settings.quick())
    args = ["-run", "^$", "-bench", pattern, "-benchmem", f"-benchtime={benchtime}",
            f"-count={count}"]
    if cpu is not None:
        args.append(f"-cpu={_cpu_arg(cpu)}")
    profiles = {}
    kinds = _profile_kinds(profile)
    if kinds:
        folder = workspace.scratch_dir("bench-profile")
        # -o keeps the test binary (which profiling leaves behind) out of the package folder.
        args += ["-o", str(folder / f"{package.name}.test")]
        for kind in kinds:
            profiles[kind] = folder / f"{kind}.out"
            args.append(f"{PROFILE_FLAGS[kind]}={profiles[kind]}")
    args += list(extra)
    display = _Display(f"go test -bench {pattern} ({package.name})", progress)
    started = time.perf_counter()
    try:
        done = programs.test(package, *args, timeout=timeout, on_stdout=display.line)
    finally:
        display.close()
    result = parse(done.stdout)
    result.command = [str(c) for c in done.command]
    result.seconds = time.perf_counter() - started
    result.profiles = profiles
    return result


def list_benchmarks(target: Target, pattern: str = ".") -> list[str]:
    """The top-level benchmarks of a package (names without `Benchmark`), via `go test -list`."""
    package = workspace.resolve(target)
    done = toolchain.go("test", "-run", "^$", "-list", f"^Benchmark.*(?:{pattern})",
                        package.pattern, cwd=package.module_dir, timeout=300)
    if not done.ok:
        done.check_build()
    return [line.removeprefix("Benchmark") for line in done.stdout.splitlines()
            if re.fullmatch(r"Benchmark\S*", line)]
