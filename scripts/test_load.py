"""`make test-load`: the notebooks that measure the runtime, run by nbval in a busy room.

    python scripts/test_load.py                 # 04 06-12 (those present), three busy loops
    python scripts/test_load.py 07 08 --loops 2 --quick -- -k "Cell and 36"   # after --: pytest's

Three busy loops (Python processes spinning on a core each, in this session so that they share
the scheduler's autogroup with the notebooks' kernels, as in a shell running `while :; do :;
done &` three times) compete for the cores while nbval runs each notebook in turn, in lax mode,
as a learner runs it: full mode, except chapter 10, which runs in quick mode (its full mode
fetches every Go release the lab knows, ~500 MB: a download, not a measurement; `--full` runs it
too); after its cells, each notebook's cells run once more in the same kernel, in quick mode
and with the loops paused (conftest.py's "every cell runs again": it checks that each cell can
run again, not how the runtime behaves under load). This run is the measuring notebooks' only
nbval run in `make test`: with GOMEMLAB_EXECUTED set, each notebook that ran green is saved
there for the course site (see conftest.py). Prints each notebook's wall and CPU seconds (its
kernel's and every Go program's; the busy loops' apart), result and the load average, and exits
with pytest's status (the first non-zero one). The loops end with the script: in a `finally`,
on SIGTERM/SIGHUP/Ctrl-C, and by themselves when the script dies otherwise (they watch their
parent).
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
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
    notebook: Path, quick: bool, extra: Sequence[str], loops: Sequence[subprocess.Popen]
) -> tuple[int, float, float]:
    env = {k: v for k, v in os.environ.items() if k != "GOMEMLAB_QUICK"}
    if quick:
        env["GOMEMLAB_QUICK"] = "1"
    env[BUSY_LOOPS] = ",".join(str(loop.pid) for loop in loops)  # paused for the second run
    argv = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly", "--durations=5"]
    argv += [str(notebook.relative_to(ROOT)), *extra]
    started, cpu = time.perf_counter(), _children_cpu()
    pytest = subprocess.Popen(argv, cwd=ROOT, env=env)
    try:
        status = pytest.wait()
    finally:  # Ctrl-C or a signal: pytest shuts its kernel down on SIGINT
        _stop(pytest, signal.SIGINT, grace=30)
    # the busy loops are still running (not yet waited for): this is the notebook's own CPU,
    # its kernel's and every Go program's it ran
    return status, time.perf_counter() - started, _children_cpu() - cpu


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
    rows = []
    status = 0
    try:
        for _ in range(args.loops):
            loops.append(
                subprocess.Popen(
                    [sys.executable, "-c", BUSY_LOOP, str(os.getpid())], stdin=subprocess.DEVNULL
                )
            )
        print(f"test_load: {len(loops)} busy loops on {os.cpu_count()} cores", flush=True)
        for notebook in chosen:
            quick = args.quick or (notebook.name[:2] in QUICK_ONLY and not args.full)
            done, seconds, cpu = _run(notebook, quick, extra, loops)
            rows.append((notebook.stem, "quick" if quick else "full", done, seconds, cpu))
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
    for stem, mode_name, done, seconds, cpu in rows:
        verdict = "ok" if done == 0 else "FAILED"
        print(f"  {stem:<32} {mode_name:<5} {seconds:7.1f} s wall {cpu:7.1f} s CPU  {verdict}")
    wall, cpu = sum(r[3] for r in rows), sum(r[4] for r in rows)
    print(f"  {'notebooks':<38} {wall:7.1f} s wall {cpu:7.1f} s CPU; busy loops {looped:.1f} s CPU")
    return status


if __name__ == "__main__":
    sys.exit(main())
