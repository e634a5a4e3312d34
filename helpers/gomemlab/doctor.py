"""`gomemlab doctor`: what the lab found on this machine, and how to fix what is missing."""

from __future__ import annotations

import html
import importlib.metadata
import platform
import re
import sys
import time
from dataclasses import dataclass

from . import programs, toolchain, workspace
from .errors import GomemlabError, GoTimeoutError

PYTHON_PACKAGES = (
    "pandas",
    "numpy",
    "matplotlib",
    "scipy",
    "pygments",
    "ipywidgets",
    "tqdm",
    "jupyterlab",
)
_PROBE = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("gomemlab probe ok") }\n'
MIN_PYTHON = (3, 10)


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class DoctorReport:
    """Every check the doctor made, in order; `ok` when all passed."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return all(check.ok for check in self.checks)

    def __str__(self) -> str:
        lines = []
        for check in self.checks:
            mark = "ok " if check.ok else "BAD"
            lines.append(f"[{mark}] {check.name:<18} {check.detail}")
            if check.fix:
                lines.append(f"      fix: {check.fix}")
        verdict = "All good." if self.ok else "Something needs fixing (see `fix:` above)."
        return "\n".join([*lines, verdict])

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr><td>{}</td><td><b>{}</b></td><td><code>{}</code>{}</td></tr>".format(
                "✔" if c.ok else "✘",
                html.escape(c.name),
                html.escape(c.detail),
                f"<br>fix: {html.escape(c.fix)}" if c.fix else "",
            )
            for c in self.checks
        )
        return f"<table>{rows}</table>"


def _go_checks() -> list[Check]:
    """The toolchain, its build cache, and a tiny program built and run."""
    try:
        found = toolchain.find_go()
    except GomemlabError as exc:
        return [Check("Go toolchain", False, type(exc).__name__, str(exc))]
    checks = [
        Check("Go toolchain", True, f"{found.version} ({found.source})"),
        Check("go binary", True, str(found.go)),
        Check("GOROOT", True, str(found.goroot)),
    ]
    done = toolchain.go("env", "GOCACHE", timeout=30)
    cache = done.stdout.strip()
    usable = done.ok and cache not in ("", "off")
    checks.append(
        Check(
            "Go build cache",
            usable,
            cache or done.stderr.strip(),
            "" if usable else "set GOCACHE (or HOME) to a writable folder",
        )
    )
    checks.append(_probe_check())
    checks.append(_trace_reader_check())
    checks.append(_graphviz_check())
    return checks


def _trace_reader_check() -> Check:
    """Whether traces are read by the compiled reader yet (never a failure: without it they
    are read from `go tool trace`'s text, the same tables, several times slower)."""
    from .trace import fastread  # a topic's tool, looked at only here

    if fastread.built():
        return Check("trace reader", True, "built: traces load fast")
    return Check(
        "trace reader",
        True,
        "not built yet: the first trace builds it (a few seconds), or `gomemlab warm` does now",
    )


def _graphviz_check() -> Check:
    """Whether Graphviz's `dot` is there for pprof's View → Graph (never a failure: without it
    that one view shows the lab's notice and every other view works)."""
    from .pprof.tools import graphviz_dot  # a topic's tool, looked at only here

    dot = graphviz_dot()
    if dot is not None:
        return Check("Graphviz (dot)", True, f"{dot}: pprof's View → Graph draws the call graph")
    return Check(
        "Graphviz (dot)",
        True,
        "not installed: pprof's View → Graph shows a notice instead of the call graph; the flame "
        "graph, top, peek and source views, and the lab's own plots, need no Graphviz",
        "for the call graph: apt install graphviz, brew install graphviz, or graphviz.org",
    )


def _probe_check() -> Check:
    """Build and run a tiny program: the proof that the lab can do its work here."""
    try:
        done = programs.run(workspace.snippet(_PROBE, label="probe"), timeout=120)
    except GomemlabError as exc:
        first = str(exc).splitlines()[0]
        return Check(
            "build and run",
            False,
            first,
            "see the message; `make lab` reinstalls, GOMEMLAB_SCRATCH moves scratch",
        )
    ok = done.stdout.strip() == "gomemlab probe ok"
    return Check(
        "build and run",
        ok,
        f"a test program built in {done.build_seconds:.2f} s and ran in {done.seconds:.2f} s"
        if ok
        else f"printed {done.stdout[:80]!r}",
        "" if ok else "the Go toolchain does not work: reinstall with `make lab`",
    )


def _data_check() -> Check:
    """The learner's data folder (notebook copies, progress) can be made and written."""
    from .settings import data_folder

    try:
        return Check("data folder", True, str(data_folder()))
    except GomemlabError as exc:
        return Check("data folder", False, "unusable", str(exc))


def _package_check(name: str) -> Check:
    try:
        return Check(name, True, importlib.metadata.version(name))
    except importlib.metadata.PackageNotFoundError:
        return Check(name, False, "not installed", "pip install -e . (or re-run `make lab`)")


def diagnose() -> DoctorReport:
    """Check Python, Go, the samples, the scratch folder and the Python packages."""
    python_ok = sys.version_info[:2] >= MIN_PYTHON
    checks = [
        Check(
            "Python",
            python_ok,
            f"{platform.python_version()} ({sys.executable})",
            "" if python_ok else "use Python 3.10 or newer",
        )
    ]
    try:
        checks.append(Check("scratch folder", True, str(workspace.scratch_root())))
    except GomemlabError as exc:
        checks.append(Check("scratch folder", False, "unusable", str(exc)))
        return DoctorReport(tuple(checks))
    checks.append(_data_check())
    checks += _go_checks()
    try:
        checks.append(Check("samples", True, str(workspace.samples_root())))
    except GomemlabError as exc:
        checks.append(Check("samples", False, "not found", str(exc)))
    checks += [_package_check(name) for name in PYTHON_PACKAGES]
    return DoctorReport(tuple(checks))


RUNAWAY = ("start", "runaway")
"""The sample and section of a Go program that never ends and starts a process (`sleep`)
that outlives it unless it is reaped (gosamples/start, `runaway`)."""


def process_state(pid: int) -> str:
    """'gone' once no process has this id (or only its zombie is left), else 'STILL RUNNING'."""
    return "STILL RUNNING" if toolchain.alive(pid) else "gone"


@dataclass(frozen=True)
class Runaway:
    """What stopping the `RUNAWAY` program left behind: the error's first line, the seconds
    the run took, and the state of the program and of the `sleep` it started."""

    error: str
    waited_s: float
    program: str
    child: str

    def __str__(self) -> str:
        return (
            f"{self.error}\nafter {self.waited_s:.1f} s: the program is {self.program}; "
            f"its sleep is {self.child}"
        )


def runaway(timeout: float = 3.0) -> Runaway:
    """Run the `RUNAWAY` program with a time limit of `timeout` seconds (its build done
    before) and report whether the program and its child are still running afterwards."""
    sample, section = RUNAWAY
    programs.build(sample, timeout=600)  # so the time limit below meets a cached build only
    started = time.perf_counter()
    try:
        programs.run(sample, [section], timeout=timeout)
    except GoTimeoutError as error:
        stopped = error
    else:
        raise AssertionError("the runaway program ended by itself")
    waited = time.perf_counter() - started
    pids = re.search(r"^pids: (\d+) (\d+)$", stopped.stdout, re.M)
    if pids is None:
        raise AssertionError(
            f"the runaway program was stopped after {waited:.1f} s, before it printed its process"
            " ids: the machine is too busy for this time limit; run it again with a longer one"
        )
    program, child = int(pids[1]), int(pids[2])
    return Runaway(
        str(stopped).splitlines()[0], waited, process_state(program), process_state(child)
    )
