"""`gomemlab warm`: build everything a workshop would otherwise wait for."""

from __future__ import annotations

import os
from collections.abc import Callable

from tqdm.auto import tqdm

from . import programs, toolchain, workspace

STEP_TIMEOUT = 1800.0
"""Seconds a warm-up step may take: a cold build of the pprof tool or of the runtime with an
experiment took over 300 s (the builds' default) on a loaded 2-core machine, as on a workshop
server warming its learners' seed cache while others work."""


def _trace_reader() -> object:
    from .trace import fastread  # a topic's tool, imported only when warming

    return fastread.reader()


def _trace_mmu() -> object:
    from .trace import fastread  # a topic's tool, imported only when warming
    from .trace.mmu import SOURCE

    return fastread.program(SOURCE)


def _steps() -> list[tuple[str, Callable[[], object]]]:
    root = workspace.samples_root()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("process reaper", toolchain.reaper),
        (
            "go tool pprof",
            lambda: toolchain.go("tool", "-n", "pprof", timeout=STEP_TIMEOUT).check_run(),
        ),
        (
            "go tool trace",
            lambda: toolchain.go("tool", "-n", "trace", timeout=STEP_TIMEOUT).check_run(),
        ),
        ("trace reader", _trace_reader),
        ("trace MMU", _trace_mmu),
        (
            "sample tests",
            # Without -count=1: a result Go already cached means the packages are built, and
            # relinking every test binary again cost ~13 s CPU per warm on a warm cache.
            lambda: toolchain.go(
                "test", "-run", "^$", "./...", cwd=root, timeout=STEP_TIMEOUT
            ).check_build(),
        ),
        (
            "escape reports",
            lambda: toolchain.go(
                "build", "-gcflags=-m=2", "./...", cwd=root, timeout=STEP_TIMEOUT
            ).check_build(),
        ),
    ]
    for topic in workspace.TOPICS:
        if topic != "capstone":  # a library: warmed by building its check's harness below
            steps.append((f"sample {topic}", _build(topic)))
    steps.append(("capstone check harness", _capstone_harness))
    # The first build for another architecture compiles the standard library for it (about
    # 10 s of CPU each, 6 s on a quiet 2-core machine): 00, 01 and 02 run samples as 32-bit
    # programs, 02 reads valuesem's machine code for amd64 and arm64.
    if programs.runs_32bit_here():
        steps.append(("32-bit samples (GOARCH=386)", _cross("386", *RUN_32BIT)))
    for goarch in INSTRUCTIONS_FOR:
        steps.append((f"valuesem for {goarch}", _cross(goarch, "./valuesem")))
    # 07 compares the collectors: the runtime built without Green Tea (and without the
    # size-specialised malloc) takes a minute to compile the first time.
    for experiment in ("nogreenteagc", "nosizespecializedmalloc"):
        steps.append((f"runtime with {experiment}", _build("gc", experiment)))
    return steps


RUN_32BIT = ("./start", "./newmake", "./valuesem")
"""The samples the notebooks run as 32-bit programs (`gm.run_32bit`)."""
INSTRUCTIONS_FOR = ("amd64", "arm64")
"""The architectures 02 reads valuesem's instructions for (`gm.valuesem.instructions_at`)."""


def _cross(goarch: str, *packages: str) -> Callable[[], object]:
    """A warm-up step: compile `packages` of the samples (and what they import) for `goarch`;
    nothing is written but Go's build cache."""
    return lambda: toolchain.go(
        "build",
        "-o",
        os.devnull,
        *packages,
        cwd=workspace.samples_root(),
        env={"GOARCH": goarch},
        timeout=STEP_TIMEOUT,
    ).check_build()


def _capstone_harness() -> None:
    """Build the capstone's harness around the baseline, then remove its module and program
    (a check removes its own too): Go's build cache keeps the compiled packages, so a first
    check then compiles only the learner's package."""
    from .capstone import run as capstone  # a topic's tool, imported only when warming

    baseline = capstone.baseline_files()
    capstone.build(baseline, baseline, timeout=STEP_TIMEOUT).remove()


def _build(topic: str, experiment: str | None = None) -> Callable[[], object]:
    """A warm-up step: build `topic`'s sample (with a GOEXPERIMENT), within STEP_TIMEOUT."""
    return lambda: programs.build(topic, goexperiment=experiment, timeout=STEP_TIMEOUT)


def warm(*, progress: bool = True) -> None:
    """Build the pprof and trace tools, the trace reader, every sample, its tests and its
    escape report, and the samples the notebooks build for other architectures.

    With `progress`, a progress bar (a widget in Jupyter); without, one line per step.
    """
    steps = _steps()
    bar = tqdm(steps, desc="warming", unit="step", disable=not progress)
    for label, step in bar:
        bar.set_postfix_str(label)
        if not progress:
            print(f"warming: {label}", flush=True)
        step()
