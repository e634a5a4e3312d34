"""Run a package's benchmarks with `go test -bench` and parse what they print.

Every argument is checked before Go starts: a bad `benchtime`, `count`, `cpu`, `pattern`,
`profile` or `timeout` is a UsageError naming it, not Go's flag list.
"""

from __future__ import annotations

import dataclasses
import os
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .. import binaries, programs, settings, toolchain, validate, workspace
from ..deprecation import deprecated
from ..errors import UsageError
from ..programs import PROFILE_FLAGS, Target
from ..provenance import Provenance
from ..toolchain import Completed, GoToolchain
from .parse import parse_lines
from .records import Result
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

_DURATION = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_MAX_SECONDS = (2**63 - 1) / 1e9  # time.Duration is an int64 of nanoseconds
_BENCHTIME_FORMS = 'a Go duration like "1s", "200ms" or "1m30s", or an iteration count like "100x"'

Progress = Callable[[int, str], None]
"""A progress callback: (results so far, name of the latest benchmark line)."""


def _seconds(duration: str) -> float | None:
    """Seconds of a Go duration like `1.5s` or `200ms` (None for `100x` or other forms)."""
    parts = _DURATION.findall(duration)
    if not parts or "".join(a + b for a, b in parts) != duration:
        return None
    return sum(float(a) * _UNIT_SECONDS[b] for a, b in parts)


def validate_benchtime(value: object, name: str = "benchtime") -> str:
    """A `-benchtime` as Go's testing package takes it: a duration > 0 (`1s`, `200ms`) or an
    iteration count ≥ 1 (`100x`); anything else is a UsageError naming the argument."""
    if not isinstance(value, str):
        hint = (
            f' (did you mean "{value}x" or "{value}s"?)'
            if isinstance(value, int) and not isinstance(value, bool)
            else ""
        )
        raise UsageError(f"{name} must be {_BENCHTIME_FORMS}, not {value!r}{hint}")
    text = value.strip()
    if text.endswith("x"):
        digits = text[:-1]
        if digits.isascii() and digits.isdigit() and 1 <= int(digits) < 2**63:
            return text
        raise UsageError(
            f"{name} {value!r}: an iteration count must be a whole number ≥ 1 "
            f'followed by x, like "100x"'
        )
    seconds = _seconds(text)
    if seconds is None or not 0 < seconds <= _MAX_SECONDS:
        raise UsageError(f"{name} must be {_BENCHTIME_FORMS} (> 0), not {value!r}")
    return text


MAX_COUNT = 1000
"""More runs than this is a typo, not a measurement (each run repeats the whole benchmark)."""


@deprecated("gm.bench.validate_benchtime")
def check_benchtime(value: object, name: str = "benchtime") -> str:
    """The old name of `validate_benchtime` (`check_` is for exercise Verdicts)."""
    return validate_benchtime(value, name)


def settings_for(benchtime: str | None, count: int | None, quick: bool) -> tuple[str, int]:
    """The benchtime and count a run uses: the defaults, shortened in quick mode."""
    asked = benchtime
    if benchtime is None:
        benchtime = QUICK_BENCHTIME if quick else FULL_BENCHTIME
    benchtime = validate_benchtime(benchtime)
    count = (
        validate.count(count, "count", maximum=MAX_COUNT)
        if count is not None
        else (QUICK_COUNT if quick else FULL_COUNT)
    )
    if quick:
        seconds, most = _seconds(benchtime), _seconds(QUICK_BENCHTIME)
        if seconds is not None and most is not None and seconds > most:
            if asked is not None:
                warnings.warn(
                    f"quick mode (GOMEMLAB_QUICK=1) shortens benchtime={asked!r} to "
                    f"{QUICK_BENCHTIME!r}: unset GOMEMLAB_QUICK for the full run",
                    stacklevel=3,
                )
            benchtime = QUICK_BENCHTIME
        count = min(count, QUICK_MAX_COUNT)
    return benchtime, count


def _cpu_arg(cpu: int | str | Sequence[int]) -> str:
    """`-cpu` list text; every entry a whole number ≥ 1."""
    if isinstance(cpu, str):
        words = [c.strip() for c in cpu.split(",") if c.strip()]
        entries: list[object] = [int(c) if c.isascii() and c.isdigit() else c for c in words]
    elif isinstance(cpu, int) and not isinstance(cpu, bool):
        entries = [cpu]
    elif isinstance(cpu, Sequence):
        entries = list(cpu)
    else:
        entries = [cpu]
    if not entries:
        raise UsageError(f"cpu must be a GOMAXPROCS ≥ 1 or a list of them, not {cpu!r}")
    return ",".join(str(validate.gomaxprocs(c, "cpu")) for c in entries)


def _profile_kinds(profile: bool | str | Sequence[str] | None) -> list[str]:
    if not profile:
        return []
    if profile is True:
        kinds = ["mem"]
    elif isinstance(profile, str):
        kinds = [profile]
    elif isinstance(profile, list | tuple):
        kinds = list(profile)
    else:
        raise UsageError(
            f"profile must be True, a kind ({', '.join(PROFILE_FLAGS)}) or a list "
            f"of kinds, not {profile!r}"
        )
    return [validate.choice(k, tuple(PROFILE_FLAGS), "profile") for k in kinds]


def _extra(extra: Sequence[str]) -> list[str]:
    if isinstance(extra, str) or not all(isinstance(e, str) for e in extra):
        raise UsageError(
            f'extra must be a list of go test flags (each a str), like ["-v"], not {extra!r}'
        )
    return list(extra)


class _Display:
    """A live progress bar (tqdm.auto: a widget in Jupyter, a text bar elsewhere)."""

    def __init__(self, title: str, enabled: bool | Progress):
        self.count = 0
        self.callback = enabled if callable(enabled) else None
        self.bar = None
        if enabled is True:
            from tqdm.auto import tqdm

            self.bar = tqdm(
                desc=title,
                unit=" runs",
                leave=True,
                bar_format=("{desc}: {n_fmt} runs · {elapsed}{postfix}"),
            )
            self.bar.set_postfix_str("compiling the test binary…")

    def line(self, text: str) -> None:
        if not text.startswith("Benchmark"):
            return
        try:
            records = parse_lines(text)
        except Exception:  # a damaged line is reported by the final parse, not here
            return
        if not records or not isinstance(records[0], Result):
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


def run(
    target: Target,
    pattern: str = ".",
    *,
    benchtime: str | None = None,
    count: int | None = None,
    cpu: int | str | Sequence[int] | None = None,
    profile: bool | str | Sequence[str] | None = None,
    timeout: float = 1800.0,
    progress: bool | Progress = True,
    extra: Sequence[str] = (),
    go: str | GoToolchain | None = None,
) -> BenchResult:
    """Run the benchmarks of `target` (a topic, folder or snippet) matching `pattern`.

    Runs `go test -run '^$' -bench PATTERN -benchmem -benchtime T -count N [-cpu LIST]`, with
    a live progress display, and returns the parsed BenchResult (`.provenance` holds the
    command and its wall time, compile included). Defaults: benchtime 1s and count 10 (quick
    mode: 20ms and 6; longer durations are capped at 20ms there). `profile` ("mem", "cpu",
    "block", "mutex" or a list) also writes those profiles into a fresh scratch folder:
    `result.profiles["mem"]` is the path. `go` picks another Go release ("1.22", see
    gm.versions). Bad arguments raise UsageError before Go starts.
    """
    pattern = validate.pattern(pattern, "pattern")
    benchtime, count = settings_for(benchtime, count, settings.quick())
    cpu_arg = _cpu_arg(cpu) if cpu is not None else None
    kinds = _profile_kinds(profile)
    timeout = validate.timeout(timeout)
    extra = _extra(extra)
    if not (isinstance(progress, bool) or callable(progress)):
        raise UsageError(
            f"progress must be True, False or a function (runs, name), not {progress!r}"
        )
    package = workspace.resolve(target)
    args = [
        "-run",
        "^$",
        "-bench",
        pattern,
        "-benchmem",
        f"-benchtime={benchtime}",
        f"-count={count}",
    ]
    if cpu_arg is not None:
        args.append(f"-cpu={cpu_arg}")
    profiles = {}
    if kinds:
        folder = workspace.scratch_dir("bench-profile")
        # -o keeps the test binary (which profiling leaves behind) out of the package folder.
        args += ["-o", str(folder / f"{package.name}.test")]
        for kind in kinds:
            profiles[kind] = folder / f"{kind}.out"
            args.append(f"{PROFILE_FLAGS[kind]}={profiles[kind]}")
    args += extra
    display = _Display(f"go test -bench {pattern} ({package.name})", progress)
    try:
        done = programs.test(package, *args, timeout=timeout, on_stdout=display.line, go=go)
    finally:
        display.close()
    provenance = dataclasses.replace(
        done.provenance, files=tuple(str(p) for p in profiles.values())
    )
    result = parse(done.stdout)
    if not len(result) and "-bench" not in " ".join(extra):
        names = list_benchmarks(package)
        raise UsageError(
            f"pattern={pattern!r} matches no benchmark of {package.name}: its benchmarks are "
            + (", ".join(names) if names else "none (no func BenchmarkX(b *testing.B))")
        )
    return dataclasses.replace(result, provenance=provenance, profiles=profiles)


def list_benchmarks(target: Target, pattern: str = ".") -> list[str]:
    """The top-level benchmarks of a package (names without `Benchmark`), via `go test -list`."""
    pattern = validate.pattern(pattern, "pattern")
    package = workspace.resolve(target)
    done = toolchain.go(
        "test",
        "-run",
        "^$",
        "-list",
        f"^Benchmark.*(?:{pattern})",
        package.pattern,
        cwd=package.module_dir,
        timeout=300,
    )
    if not done.ok:
        done.check_build()
    return [
        line.removeprefix("Benchmark")
        for line in done.stdout.splitlines()
        if re.fullmatch(r"Benchmark\S*", line)
    ]


_ZERO_RUN = re.compile(r"^Benchmark\S*\s+0\s", re.MULTILINE)
ZERO_RUN_RETRIES = 2
"""Runs again when a benchmark reports 0 iterations (`BenchmarkX 0 NaN ns/op`): Go 1.27's
testing does that about once in 150 runs of a `b.Loop` benchmark with a fixed `-benchtime=Nx`,
whose loop then never ran (seen in the lab's checks; a measurement that did not happen)."""


def run_test_binary(command: Sequence[str | os.PathLike], **options: Any) -> Completed:
    """Run a test binary's benchmarks (`toolchain.run` options), again while a benchmark
    reports 0 iterations (at most ZERO_RUN_RETRIES more times); the exit status is checked."""
    for _ in range(ZERO_RUN_RETRIES):
        done = toolchain.run(command, **options).check_run()
        if not _ZERO_RUN.search(done.stdout):
            return done
    return toolchain.run(command, **options).check_run()


def run_cached(
    target: Target, pattern: str, *, benchtime: str, count: int, timeout: float
) -> BenchResult:
    """Run the benchmarks matching `pattern` with `-benchmem` from the package's cached test
    binary (what `go test -run '^$' -bench PATTERN -benchmem` would print), as a BenchResult:
    no `go` runs while the binary is up to date (see `gomemlab.binaries`)."""
    package = workspace.resolve(target)
    binary, built = binaries.test_binary(package, timeout)
    done = run_test_binary(
        [
            binary,
            "-test.run",
            "^$",
            "-test.bench",
            pattern,
            "-test.benchmem",
            f"-test.benchtime={benchtime}",
            f"-test.count={count}",
        ],
        cwd=workspace.scratch_dir(f"bench-{package.name}"),
        env=toolchain.go_env(),
        timeout=timeout,
    )
    provenance = Provenance.of(
        done.command,
        go_version=toolchain.find_go().version,
        build_seconds=built,
        run_seconds=done.seconds,
    )
    return dataclasses.replace(parse(done.stdout), provenance=provenance)
