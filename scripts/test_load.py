"""`make test-load`: the notebooks that measure the runtime, run by nbval in a busy room.

    python scripts/test_load.py                 # 04 06-12 (those present), three busy loops
    python scripts/test_load.py 07 08 --loops 2 --quick -- -k "Cell and 36"   # after --: pytest's

Three busy loops (Python processes spinning on a core each, in this session so that they share the
scheduler's autogroup with the notebooks' kernels, as in a shell running `while :; do :; done &`
three times) compete for the cores while nbval runs each notebook in turn, in lax mode, as a
learner runs it: full mode, except chapter 10, which runs in quick mode (its full mode fetches
every Go release the lab knows, ~500 MB: a download, not a measurement; `--full` runs it too); one
pytest run for the full-mode notebooks, one for the quick ones. After its cells, each notebook's
cells run once more in the same kernel, in quick mode and with the loops paused (conftest.py's
"every cell runs again": it checks that each cell can run again, not how the runtime behaves under
load). This run is the measuring notebooks' only nbval run in `make test`: with GOMEMLAB_EXECUTED
set, each notebook that ran green is saved there for the course site (see conftest.py). Prints each
notebook's wall and CPU seconds (its kernel's and every Go program's; the busy loops' apart),
failed items and the load average, and exits with pytest's status (the first non-zero one). The
loops end with the script: in a `finally`, on SIGTERM/SIGHUP/Ctrl-C, and by themselves when the
script dies otherwise (they watch their parent).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURING = ("04", "06", "07", "08", "09", "10", "11", "12")
NOTEBOOKS = tuple(n for n in MEASURING if any(ROOT.glob(f"notebooks/{n}-*.ipynb")))
"""The chapters that measure the runtime (11, the running service, and 12, the capstone, when
this checkout has them); `make test-load` names the same."""
BUSY_LOOPS = "GOMEMLAB_BUSY_LOOPS"
"""The loops' process ids, for conftest.py: it pauses them while a notebook's cells run again."""
NOTEBOOK_TIMES = "GOMEMLAB_NOTEBOOK_TIMES"
"""A file conftest.py appends each notebook's wall and CPU seconds to."""
QUICK_ONLY = {"10"}
"""Chapter 10's full mode fetches every Go release the lab knows: quick mode unless --full."""

BUSY_LOOP = """
import os, sys
parent = int(sys.argv[1])
while os.getppid() == parent:  # the script is gone: stop
    for _ in range(1_000_000):
        pass
"""


def _notebook(name: str) -> Path:
    found = sorted(ROOT.glob(f"notebooks/{name}*.ipynb"))
    if len(found) != 1:
        raise SystemExit(f"test_load: {name!r} names {len(found)} notebooks, not one")
    return found[0]


def _stop(process: subprocess.Popen, first: int = signal.SIGTERM, grace: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(first)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _children_cpu() -> float:
    """CPU seconds (user + system) of the children this process has waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(
    notebooks: Sequence[Path], quick: bool, extra: Sequence[str], loops: Sequence[subprocess.Popen]
) -> tuple[int, list[dict]]:
    """nbval over `notebooks`, in one pytest run (one start-up of pytest and its plugins, paid
    under load); its status, and each notebook's record (conftest.py's NOTEBOOK_TIMES)."""
    env = {k: v for k, v in os.environ.items() if k != "GOMEMLAB_QUICK"}
    if quick:
        env["GOMEMLAB_QUICK"] = "1"
    env[BUSY_LOOPS] = ",".join(str(loop.pid) for loop in loops)  # paused for the second run
    with tempfile.NamedTemporaryFile(prefix="gomemlab-load-", suffix=".jsonl") as times:
        env[NOTEBOOK_TIMES] = times.name
        argv = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly"]
        argv += [f"--durations={5 * len(notebooks)}"]
        argv += [str(notebook.relative_to(ROOT)) for notebook in notebooks] + list(extra)
        pytest = subprocess.Popen(argv, cwd=ROOT, env=env)
        try:
            status = pytest.wait()
        finally:  # Ctrl-C or a signal: pytest shuts its kernel down on SIGINT
            _stop(pytest, signal.SIGINT, grace=30)
        lines = Path(times.name).read_text().splitlines()
    records = [record for record in map(_parsed, lines) if record is not None]
    ran = {record["notebook"] for record in records}
    # a notebook whose kernel never started (or a run cut short) has no record: a row says so
    records += [
        {"notebook": n.stem, "wall": None, "cpu": None, "failed": None}
        for n in notebooks
        if n.stem not in ran
    ]
    return status, records


def _parsed(line: str) -> dict | None:
    """A notebook's record, or None for a line cut short (pytest killed while writing it)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _seconds(value: float | None) -> str:
    return f"{value:7.1f}" if value is not None else "      ?"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the notebooks under load; pytest's status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", default=NOTEBOOKS, help="e.g. 07 08")
    parser.add_argument("--loops", type=int, default=3, help="busy loops (default 3)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="every notebook in quick mode")
    mode.add_argument("--full", action="store_true", help="chapter 10 in full mode too")
    argv = list(sys.argv[1:] if argv is None else argv)
    cut = argv.index("--") if "--" in argv else len(argv)
    args, extra = parser.parse_args(argv[:cut]), argv[cut + 1 :]  # after --: for pytest
    chosen = [_notebook(name) for name in args.notebooks]
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    loops = []
    rows: list[tuple[dict, str]] = []
    runs: list[tuple[int, float, float]] = []  # notebooks, wall, CPU of each pytest run
    status = 0
    try:
        for _ in range(args.loops):
            loops.append(
                subprocess.Popen(
                    [sys.executable, "-c", BUSY_LOOP, str(os.getpid())], stdin=subprocess.DEVNULL
                )
            )
        print(f"test_load: {len(loops)} busy loops on {os.cpu_count()} cores", flush=True)

        def quick(notebook: Path) -> bool:
            return args.quick or (notebook.name[:2] in QUICK_ONLY and not args.full)

        for mode in (False, True):  # the full-mode notebooks in one run, the quick ones in one
            group = [notebook for notebook in chosen if quick(notebook) == mode]
            if group:
                started, cpu = time.perf_counter(), _children_cpu()
                done, records = _run(group, mode, extra, loops)
                # the busy loops are still running (not yet waited for): pytest's own CPU
                # and its kernels' (with every Go program's they ran)
                runs.append((len(group), time.perf_counter() - started, _children_cpu() - cpu))
                rows += [(r, "quick" if mode else "full") for r in records]
                status = status or done
    except KeyboardInterrupt as stopped:
        print(f"test_load: stopped ({stopped or 'Ctrl-C'})", file=sys.stderr)
        status = 130
    finally:
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut the clean-up
        before = _children_cpu()
        for loop in loops:
            loop.send_signal(signal.SIGCONT)  # in case a notebook's run left it paused
            _stop(loop)
        looped = _children_cpu() - before
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ntest_load: {len(loops)} busy loops, load average now {load}")
    for record, mode_name in rows:
        failed = record["failed"]
        verdict = "did not run" if failed is None else f"FAILED ({failed})" if failed else "ok"
        print(
            f"  {record['notebook']:<32} {mode_name:<5} {_seconds(record['wall'])} s wall "
            f"{_seconds(record['cpu'])} s CPU  {verdict}"
        )
    wall, cpu = sum(r[1] for r in runs), sum(r[2] for r in runs)
    print(
        f"  {'pytest':<38} {wall:7.1f} s wall {cpu:7.1f} s CPU in {len(runs)} run(s) of "
        f"{sum(r[0] for r in runs)} notebooks; busy loops {looped:.1f} s CPU"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
