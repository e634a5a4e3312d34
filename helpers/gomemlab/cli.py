"""The `gomemlab` command: doctor, warm, lab, reset, progress, hub, export, xray, capstone."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import toolchain
from .doctor import diagnose
from .errors import GomemlabError, UsageError


def _doctor(_: argparse.Namespace) -> int:
    report = diagnose()
    print(report)
    return 0 if report.ok else 1


def _warm(_: argparse.Namespace) -> int:
    from .warm import warm

    warm(progress=sys.stderr.isatty())
    print(
        "Warm: samples (and their builds for other architectures), escape reports, the "
        "pprof/trace tools and the trace reader are built."
    )
    return 0


def _lab(args: argparse.Namespace) -> int:
    """Start JupyterLab on the learner's copy of the notebooks, bound to 127.0.0.1 only."""
    from . import lab

    argv = lab.command(args.port, no_browser=args.no_browser, extra=args.jupyter_args)
    print(
        f"Your notebooks: {lab.working_copy()} (the originals stay untouched; "
        "`gomemlab reset NN` restores one)",
        flush=True,
    )
    toolchain.become(sys.executable, argv)
    return 0  # pragma: no cover


def _reset(args: argparse.Namespace) -> int:
    from . import lab

    restored, kept = lab.reset(args.notebook)
    print(
        f"restored {restored.name}"
        + (
            f"; your edited copy is kept as {kept.parent.name}/{kept.name}"
            if kept
            else " (it had no changes)"
        )
    )
    return 0


def _hub(args: argparse.Namespace) -> int:
    """Start the workshop server (JupyterHub on 127.0.0.1) until Ctrl-C."""
    from . import hub

    if args.action == "progress":
        from .room import read

        homes = (Path(args.root).expanduser() if args.root else hub.default_root()) / "home"
        if not homes.is_dir():
            raise UsageError(f"no learners' homes in {homes}: pass the hub's --root")
        print(read(homes))
        return 0
    names = hub.learners(args.users)
    seed = None
    if not args.no_seed:
        print(
            "Warming the learners' seed Go build cache (once; minutes the first time)...",
            flush=True,
        )
        seed = hub.seed_cache(Path(args.root) if args.root else hub.default_root())
    from .cgroups import Limits

    server = hub.start(
        args.port,
        users=names,
        root=args.root,
        password=os.environ.get("GOMEMLAB_HUB_PASSWORD"),
        log="file",
        seed=seed,
        isolate=not args.trusted_room,
        limits=Limits(
            memory=round(args.memory_gib * 2**30), pids=args.tasks, cpus=args.cpus or None
        ),
    )
    print(
        f"Workshop server: {server.url} (127.0.0.1 only; e.g. ssh -L {args.port}:127.0.0.1:"
        f"{args.port} this-machine)\nLearners: {names[0]} ... {names[-1]}; shared password: "
        f"{server.password}\nHomes: {server.root / 'home'}; log: {server.log}\n"
        "Ctrl-C stops the hub and every learner's server.",
        flush=True,
    )

    def _interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the learners' servers too
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export

    if args.site:
        from .site import build

        if args.with_solutions:
            raise UsageError("the site leaves the solutions out: drop --with-solutions")
        index = build(
            args.site,
            args.notebooks,
            quick=args.quick,
            live_url=args.live_url,
            progress=sys.stderr.isatty(),
            executed=args.executed,
        )
        print(f"wrote the site: {index}")
        return 0
    written = export(
        args.notebooks,
        out=args.out,
        with_solutions=args.with_solutions,
        quick=args.quick,
        progress=sys.stderr.isatty(),
        executed=args.executed,
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def _xray(args: argparse.Namespace) -> int:
    """X-ray a Go package: print the top allocating lines with their why; write the report."""
    from . import files, xray

    found = xray.run(args.path, bench=args.bench, go=args.go, benchtime=args.benchtime)
    print(found.provenance.line())
    for row, why in found.whys(args.top):
        print(f"{row.file}:{row.line}: {row.source.strip()}\n    {why}")
    if found.profile is None:
        print("(no -bench: only the compiler's verdicts; add -bench REGEX to profile)")
    if args.o:
        out = files.write_atomic(Path(args.o), found.html(), what="the x-ray report")
        print(f"wrote {out}")
    return 0


def _progress(_: argparse.Namespace) -> int:
    from .progress import progress

    print(progress())
    return 0


def _capstone(args: argparse.Namespace) -> int:
    """`capstone start [DIR]` makes your copy of the baseline; `capstone check PATH` judges it."""
    from . import capstone

    if args.action == "start":
        folder = capstone.start(args.path)
        print(f"Your capstone copy: {folder} (edit it, then: gomemlab capstone check {folder})")
        return 0
    if args.path is None:
        raise UsageError("gomemlab capstone check needs the folder of your version: check PATH")
    result = capstone.check(args.path, seed=args.seed)
    if not result.frame.empty:  # no rows when nothing was judged: a wrong report, or the baseline
        print(result.frame[["target", "baseline", "yours", "met", "margin"]].to_string(index=False))
    print(result.verdict)
    print(f"attempts so far: {len(capstone.attempts())} (gm.capstone.plot_attempts() draws them)")
    return 0 if result.passed else 1


def main(argv: list[str] | None = None) -> int:
    """Run the `gomemlab` command line; the exit status."""
    parser = argparse.ArgumentParser(prog="gomemlab", description="Go Memory Lab helpers")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "doctor", help="show what was found; exit 1 with a fix when not usable"
    ).set_defaults(func=_doctor)
    commands.add_parser("warm", help="pre-build samples and the pprof/trace tools").set_defaults(
        func=_warm
    )
    lab = commands.add_parser("lab", help="start JupyterLab on the start-here notebook")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true")
    lab.add_argument(
        "jupyter_args", nargs=argparse.REMAINDER, help="further options for jupyter lab, after --"
    )
    lab.set_defaults(func=_lab)
    reset = commands.add_parser("reset", help="restore one notebook; your edited copy is kept")
    reset.add_argument("notebook", help="e.g. 03 or 03-escape-analysis")
    reset.set_defaults(func=_reset)
    commands.add_parser("progress", help="which exercises you have solved").set_defaults(
        func=_progress
    )
    workshop = commands.add_parser("hub", help="a workshop server: JupyterHub for N learners")
    workshop.add_argument(
        "action",
        nargs="?",
        choices=("start", "progress"),
        default="start",
        help="start the server (default), or show the room's progress (instructor, as root)",
    )
    workshop.add_argument(
        "--root", help="the hub's folder (default $GOMEMLAB_HUB_ROOT or ~/.local/state/...)"
    )
    workshop.add_argument("--port", type=int, default=8000)
    workshop.add_argument("--users", type=int, default=8, help="learner01 ... learnerNN")
    workshop.add_argument(
        "--no-seed",
        action="store_true",
        help="learners start with an empty Go build cache (no warm copy)",
    )
    workshop.add_argument(
        "--trusted-room",
        action="store_true",
        help="no account or cgroup per learner: every server is this account (not as root)",
    )
    workshop.add_argument(
        "--memory-gib", type=float, default=2.0, help="memory per learner (default 2 GiB)"
    )
    workshop.add_argument(
        "--tasks", type=int, default=1024, help="processes + threads per learner (1024)"
    )
    workshop.add_argument(
        "--cpus",
        type=float,
        default=0,
        help="CPU cores per learner (default: no cap, equal shares)",
    )
    workshop.set_defaults(func=_hub)
    capstone = commands.add_parser(
        "capstone", help="the capstone: start your copy, or check it against every target"
    )
    capstone.add_argument("action", choices=("start", "check"))
    capstone.add_argument(
        "path", nargs="?", help="start: where (default: your data folder); check: your version"
    )
    capstone.add_argument(
        "--seed", type=int, help="check on inputs from this seed (default: fresh)"
    )
    capstone.set_defaults(func=_capstone)
    handouts = commands.add_parser("export", help="execute notebooks, write HTML handouts")
    handouts.add_argument("notebooks", nargs="*", help="e.g. 03 07 (default: all)")
    handouts.add_argument("--out", default="handouts", help="folder for the HTML files")
    handouts.add_argument(
        "--with-solutions",
        action="store_true",
        help="keep the exercises' solutions (left out by default)",
    )
    handouts.add_argument("--quick", action="store_true", help="quick mode (short runs)")
    handouts.add_argument(
        "--site",
        metavar="DIR",
        help="write one static site of the course into DIR (index, chapters, navigation)",
    )
    handouts.add_argument(
        "--executed",
        metavar="FOLDER",
        help="make the pages from notebooks a test run executed into FOLDER (GOMEMLAB_EXECUTED) "
        "instead of running them again",
    )
    handouts.add_argument(
        "--live-url",
        help="with --site: a JupyterLab address each chapter links to (its notebook there)",
    )
    handouts.set_defaults(func=_export)
    xray = commands.add_parser(
        "xray", help="why does each line allocate? compiler + profile + benchmarks, per line"
    )
    xray.add_argument("path", help="a folder or .go file inside a Go module (or a sample name)")
    xray.add_argument("-bench", "--bench", help="benchmarks to run and profile (a -bench regex)")
    xray.add_argument("-o", "--o", metavar="REPORT.html", help="write a standalone HTML report")
    xray.add_argument("-benchtime", "--benchtime", help="go test -benchtime (default: short)")
    xray.add_argument("-go", "--go", help="another Go release, e.g. 1.24 (see gm.versions)")
    xray.add_argument("-top", "--top", type=int, default=5, help="lines to explain (5)")
    xray.set_defaults(func=_xray)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GomemlabError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
