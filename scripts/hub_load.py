"""Load test of the workshop server: N simulated learners on one machine (run by hand).

For each N: start the hub (hub/jupyterhub_config.py) on 127.0.0.1 with fresh homes, start N
learners' servers through the hub's REST API (the load script's admin token), then every learner
at once runs the pristine notebooks (default 03-escape-analysis and 07-gc) cell by cell in their
own kernel (REST + the kernel websocket, as JupyterLab does). Reports per-cell latency p50/p95,
the pass rate (cells without an error), peak memory per learner (RSS of their server, kernel and
Go children, summed) and the hub's own. Loopback only; every wait is bounded.

    .venv/bin/python scripts/hub_load.py --users 1 4 8            # full settings (learners')
    .venv/bin/python scripts/hub_load.py --users 4 --quick        # GOMEMLAB_QUICK=1 kernels
    .venv/bin/python scripts/hub_load.py --users 8 --seed /tmp/x  # warm Go cache copies

Needs `pip install jupyterhub` and `npm ci --prefix hub`. Not a test: the numbers move with
the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

from gomemlab import hub

ROOT = Path(__file__).resolve().parents[1]


def _cells(name: str) -> list[str]:
    """The code cells nbval would run in the pristine notebook `name` (nbval-skip left out)."""
    book = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return [
        c.source
        for c in book.cells
        if c.cell_type == "code" and "nbval-skip" not in c.metadata.get("tags", [])
    ]


def _rss_by_user(h: hub.Hub) -> dict[str, int]:
    """Bytes of RSS per learner (their server, kernels, Go children) and '(hub)' for the rest."""
    totals: dict[str, int] = {}
    for proc in h.processes():
        try:
            owner = proc.environ().get("JUPYTERHUB_USER", "(hub)")
            totals[owner] = totals.get(owner, 0) + proc.memory_info().rss
        except psutil.Error:
            continue
    return totals


async def _sample(h: hub.Hub, peaks: dict[str, int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        now = await asyncio.to_thread(_rss_by_user, h)
        for owner, rss in now.items():
            peaks[owner] = max(peaks.get(owner, 0), rss)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def _learner(
    h: hub.Hub, user: str, server: str, notebooks: list[str], cell_timeout: float, deadline: float
) -> list[dict]:
    token = await asyncio.to_thread(hub.user_token, h, user)
    runs = []
    for name in notebooks:
        kernel = await hub.Kernel.open(h, server, token, path=f"{name}.ipynb")
        began = time.perf_counter()
        try:
            for index, source in enumerate(_cells(name)):
                left = deadline - time.monotonic()
                if left <= 0:
                    runs.append(
                        {
                            "user": user,
                            "notebook": name,
                            "cell": index,
                            "status": "not run (budget)",
                            "seconds": None,
                            "error": "",
                        }
                    )
                    continue
                run = await kernel.run(source, timeout=min(cell_timeout, left))
                runs.append(
                    {
                        "user": user,
                        "notebook": name,
                        "cell": index,
                        "status": run.status,
                        "seconds": run.seconds,
                        "error": run.error[:200],
                    }
                )
        finally:
            await kernel.close()
        runs.append(
            {
                "user": user,
                "notebook": name,
                "cell": "all",
                "status": "wall",
                "seconds": time.perf_counter() - began,
                "error": "",
            }
        )
    return runs


def _disk(folder: Path) -> int:
    """Bytes of the files under `folder` (a learner's home: caches, notebook copy)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file())


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")
    )


async def _one(
    n: int,
    notebooks: list[str],
    quick: bool,
    cell_timeout: float,
    budget: float,
    seed: Path | None,
    isolate: bool,
) -> dict:
    users = hub.learners(n)
    with tempfile.TemporaryDirectory(prefix="gomemlab-hubload-") as root:
        began = time.monotonic()
        h = await asyncio.to_thread(
            hub.start,
            hub.free_port(),
            users=users,
            root=root,
            quick=quick,
            seed=seed,
            timeout=240,
            isolate=isolate,
        )
        peaks: dict[str, int] = {}
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample(h, peaks, stop))
        try:
            spawn_began = time.perf_counter()
            servers = await asyncio.gather(
                *(asyncio.to_thread(h.start_server, u, timeout=600) for u in users)
            )
            spawn = time.perf_counter() - spawn_began
            deadline = time.monotonic() + budget
            runs_began = time.perf_counter()
            per_user = await asyncio.gather(
                *(
                    _learner(h, u, s, notebooks, cell_timeout, deadline)
                    for u, s in zip(users, servers, strict=True)
                )
            )
            runs_wall = time.perf_counter() - runs_began
            bounded = [h.room.peak_memory(u) for u in users] if h.room else []
        finally:
            # Not awaited in threads: Ctrl-C cancels this task, and an await here would be
            # cancelled too, leaving the hub, its learners and their accounts behind.
            stop.set()
            sampler.cancel()
            h.stop()
            homes = [_disk(h.home(u)) for u in users]
            left = h.processes()
            if isolate:
                hub.remove_learners(users)
    runs = [r for user_runs in per_user for r in user_runs]
    cells = [r for r in runs if r["cell"] != "all"]
    timed = [r["seconds"] for r in cells if r["seconds"] is not None]
    ok = sum(r["status"] == "ok" for r in cells)
    walls = {
        nb: [r["seconds"] for r in runs if r["cell"] == "all" and r["notebook"] == nb]
        for nb in notebooks
    }
    learner_peaks = [peaks.get(u, 0) for u in users]
    return {
        "users": n,
        "quick": quick,
        "seeded_go_cache": seed is not None,
        "isolated": isolate,
        "cgroup_peak_per_learner_MiB_max": max(bounded, default=0) / 2**20,
        "spawn_seconds_all": round(spawn, 1),
        "cells": len(cells),
        "ok": ok,
        "pass_rate": ok / len(cells) if cells else 0.0,
        "p50_s": _pct(timed, 0.5),
        "p95_s": _pct(timed, 0.95),
        "max_s": max(timed, default=0),
        "notebook_wall_median_s": {nb: statistics.median(w) for nb, w in walls.items() if w},
        "runs_wall_s": round(runs_wall, 1),
        "peak_rss_per_learner_MiB_median": statistics.median(learner_peaks) / 2**20,
        "peak_rss_per_learner_MiB_max": max(learner_peaks) / 2**20,
        "home_disk_MiB_median": statistics.median(homes) / 2**20,
        "peak_rss_hub_and_proxy_MiB": peaks.get("(hub)", 0) / 2**20,
        "not_run_budget": sum(r["status"] == "not run (budget)" for r in cells),
        # Failures first and never hidden behind the cells the budget left out.
        "errors": sorted(
            {
                f"{r['notebook']}[{r['cell']}] {r['status']}: {r['error']}"
                for r in cells
                if r["status"] not in ("ok", "not run (budget)")
            }
        )[:20],
        "slowest": [
            f"{r['user']} {r['notebook']}[{r['cell']}] {r['seconds']:.1f}s"
            for r in sorted(
                (r for r in cells if r["seconds"] is not None), key=lambda r: -r["seconds"]
            )[:4]
        ],
        "processes_left": len(left),
        "total_seconds": round(time.monotonic() - began, 1),
        "cpus": psutil.cpu_count(),
        "load_average_1m_after": psutil.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load test for each N given; print a table (and --json FILE)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--notebooks", nargs="+", default=["03-escape-analysis", "07-gc"])
    parser.add_argument("--quick", action="store_true", help="GOMEMLAB_QUICK=1 in the kernels")
    parser.add_argument(
        "--seed",
        type=Path,
        metavar="ROOT",
        help="give learners a copy of a warm Go build cache made (once) under "
        "ROOT/seed, as `gomemlab hub` does",
    )
    parser.add_argument(
        "--trusted-room",
        action="store_true",
        help="no account or cgroup per learner (the default isolates them; needs root)",
    )
    parser.add_argument("--cell-timeout", type=float, default=600)
    parser.add_argument(
        "--budget",
        type=float,
        default=1800,
        help="seconds the learners' runs may take per N; later cells not run",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if hub.proxy_program() is None:
        print("configurable-http-proxy is missing: npm ci --prefix hub", file=sys.stderr)
        return 2
    seed = hub.seed_cache(args.seed) if args.seed else None
    results = []
    for n in args.users:
        hub.learners(n)  # a bad N fails before anything starts
        result = asyncio.run(
            _one(
                n,
                args.notebooks,
                args.quick,
                args.cell_timeout,
                args.budget,
                seed,
                not args.trusted_room,
            )
        )
        results.append(result)
        print(json.dumps(result, indent=1), flush=True)
    mode = "quick (GOMEMLAB_QUICK=1)" if args.quick else "full (GOMEMLAB_QUICK unset)"
    mode += ", seeded Go caches" if seed else ", empty Go caches"
    mode += ", trusted room" if args.trusted_room else ", isolated (account + cgroup each)"
    print(f"\n{mode}, {psutil.cpu_count()} CPUs, notebooks {' '.join(args.notebooks)}\n")
    print(
        "| N | cells | pass | p50 s | p95 s | "
        + " | ".join(f"{nb} wall s" for nb in args.notebooks)
        + " | peak RSS/learner MiB | hub+proxy MiB |"
    )
    print("|---" * (7 + len(args.notebooks)) + "|")
    for r in results:
        walls = " | ".join(
            f"{r['notebook_wall_median_s'].get(nb, float('nan')):.0f}" for nb in args.notebooks
        )
        print(
            f"| {r['users']} | {r['cells']} | {r['pass_rate']:.1%} | {r['p50_s']:.2f} | "
            f"{r['p95_s']:.2f} | {walls} | {r['peak_rss_per_learner_MiB_median']:.0f} "
            f"(max {r['peak_rss_per_learner_MiB_max']:.0f}) | "
            f"{r['peak_rss_hub_and_proxy_MiB']:.0f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0 if all(r["processes_left"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
