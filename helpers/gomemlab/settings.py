"""Run-wide settings read from the environment."""

from __future__ import annotations

import os


def quick() -> bool:
    """Quick mode (`GOMEMLAB_QUICK=1`, set by the tests): shorter benchmarks and runs.

    Learners get the full, statistically sound settings by default.
    """
    return os.environ.get("GOMEMLAB_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}
