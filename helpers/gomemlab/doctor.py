"""`gomemlab doctor`: what the lab found on this machine, and how to fix what is missing."""

from __future__ import annotations

import html
import importlib.metadata
import platform
import sys
from dataclasses import dataclass

from . import toolchain, workspace
from .errors import GomemlabError

PYTHON_PACKAGES = ("pandas", "matplotlib", "scipy", "ipywidgets", "tqdm", "jupyterlab")
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
    checks: list[Check]

    @property
    def ok(self) -> bool:
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
                "✅" if c.ok else "❌", html.escape(c.name), html.escape(c.detail),
                f"<br>fix: {html.escape(c.fix)}" if c.fix else "")
            for c in self.checks
        )
        return f"<table>{rows}</table>"


def _go_checks() -> list[Check]:
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
    checks.append(Check("Go build cache", done.ok, done.stdout.strip() or done.stderr.strip()))
    return checks


def _package_check(name: str) -> Check:
    try:
        return Check(name, True, importlib.metadata.version(name))
    except importlib.metadata.PackageNotFoundError:
        return Check(name, False, "not installed", "pip install -e . (or re-run `make lab`)")


def diagnose() -> DoctorReport:
    """Check Python, Go, the samples, the scratch folder and the Python packages."""
    python_ok = sys.version_info[:2] >= MIN_PYTHON
    checks = [Check("Python", python_ok, f"{platform.python_version()} ({sys.executable})",
                    "" if python_ok else "use Python 3.10 or newer")]
    checks += _go_checks()
    try:
        checks.append(Check("samples", True, str(workspace.samples_root())))
    except GomemlabError as exc:
        checks.append(Check("samples", False, "not found", str(exc)))
    try:
        checks.append(Check("scratch folder", True, str(workspace.scratch_root())))
    except OSError as exc:
        checks.append(Check("scratch folder", False, str(exc), "set GOMEMLAB_SCRATCH"))
    checks += [_package_check(name) for name in PYTHON_PACKAGES]
    return DoctorReport(checks)
