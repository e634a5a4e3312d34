"""The capstone's worked path, measured: each step of docs/capstone.md checked against every
target, printed as the Markdown table the instructor's page shows.

    .venv/bin/python scripts/capstone_path.py [--seed N]

Steps: the baseline, tests/fixtures/capstone/stream (step 1), .../structs (step 2), and the
reference solution (helpers/gomemlab/capstone/reference). Records no attempt.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import gomemlab as gm
from gomemlab.capstone.targets import TIME_RATIO

ROOT = Path(__file__).resolve().parent.parent
STEPS = {
    "baseline (gosamples/capstone)": None,  # check_baseline(): a check of it would measure nothing
    "1. stream, no goroutine per line": ROOT / "tests/fixtures/capstone/stream",
    "2. decode into a struct": ROOT / "tests/fixtures/capstone/structs",
    "3. the reference solution": Path(gm.capstone.__file__).parent / "reference",
}


def main() -> None:
    """Check every step on one seed and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    seed = parser.parse_args().seed
    names = [t.name for t in gm.capstone.TARGETS[1:]]
    print(f"| step | {' | '.join(names)} | check (s) |")
    print(f"|---|{'---|' * len(names)}---|")
    for step, folder in STEPS.items():
        result = (
            gm.capstone.check_baseline(seed=seed)
            if folder is None
            else gm.capstone.check(folder, seed=seed, record=False)
        )
        row = result.frame.set_index("target")
        cells = [f"{row.yours[n]} {'✔' if row.met[n] else '✘'}" for n in names]
        # each step's time is measured against the baseline's runs of its own check: the ratio
        ratio = next(j.ratio for j in result.judgements if j.target.name == "time/op")
        cells[names.index("time/op")] += f" ({ratio * TIME_RATIO:.2f}×)"
        print(f"| {step} | {' | '.join(cells)} | {result.seconds:.0f} |", flush=True)
    print(f"\nseed {seed}; load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
