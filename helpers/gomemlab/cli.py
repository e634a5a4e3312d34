"""The `gomemlab` command: doctor, warm, lab."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .doctor import diagnose
from .errors import GomemlabError


def _doctor(_: argparse.Namespace) -> int:
    report = diagnose()
    print(report)
    return 0 if report.ok else 1


def _warm(_: argparse.Namespace) -> int:
    from .warm import warm

    warm(progress=sys.stderr.isatty())
    print("Warm: samples, escape reports and the pprof/trace tools are built.")
    return 0


def _lab(args: argparse.Namespace) -> int:
    """Start JupyterLab on the start-here notebook, bound to 127.0.0.1 only."""
    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    # Our overrides.json: JupyterLab neither asks to fetch news nor checks for updates (the lab
    # is meant to work offline, and the pop-up distracts a class).
    settings = Path(__file__).resolve().parent / "lab_settings"
    command = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={notebooks}",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={args.port}",
               "--ServerApp.default_url=/lab/tree/00-start-here.ipynb",
               f"--LabApp.app_settings_dir={settings}"]
    if args.no_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers, Binder-like images
        command.append("--allow-root")
    command += [a for a in args.jupyter_args if a != "--"]
    os.execv(sys.executable, command)
    return 0  # pragma: no cover


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gomemlab", description="Go Memory Lab helpers")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="show what was found; exit 1 with a fix when not usable"
                        ).set_defaults(func=_doctor)
    commands.add_parser("warm", help="pre-build samples and the pprof/trace tools"
                        ).set_defaults(func=_warm)
    lab = commands.add_parser("lab", help="start JupyterLab on the start-here notebook")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER,
                     help="further options for jupyter lab, after --")
    lab.set_defaults(func=_lab)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GomemlabError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
