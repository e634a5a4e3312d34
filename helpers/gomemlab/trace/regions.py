"""User regions and tasks (`runtime/trace`'s `WithRegion`/`StartRegion` and `NewTask`): one
row each, and per type the count and latency percentiles, as `go tool trace`'s Regions and
Tasks pages count them; pure functions of the summary program's records (`summary.py`).

A region or task the trace saw begin but not end (or end but not begin) runs to the trace's
end (or from its start), as the tool counts it; `complete` says which saw both. The tool's
region page counts every region in its histogram; its task page counts only complete tasks.
A goroutine created inside a region also gets a region with an empty type that carries the
task (`begun` "StateTransition"): the tool lists those too.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

REGION_COLUMNS = [
    "type",
    "g",
    "task",
    "start",
    "end",
    "duration_ns",
    "complete",
    "begun",
    "exec_ns",
    "sched_wait_ns",
    "block_ns",
    "syscall_ns",
    "syscall_block_ns",
    "assist_ns",
    "func",
    "file",
    "line",
    "pc",
]
TASK_COLUMNS = [
    "type",
    "task",
    "parent",
    "start",
    "end",
    "duration_ns",
    "complete",
    "goroutines",
    "regions",
    "logs",
]
_LOG_DIV = math.log(10 ** (1 / 5))
"""Five histogram buckets per power of ten (`traceviewer.TimeHistogram`)."""


def _span(start: int, end: int, t0: int, duration: int) -> tuple[int, int, bool]:
    """(start, end) since `t0`, an unseen end being the trace's; and whether both were seen."""
    return (
        start - t0 if start >= 0 else 0,
        end - t0 if end >= 0 else duration,
        start >= 0 and end >= 0,
    )


def region_table(records: Sequence[dict], t0: int, duration: int) -> pd.DataFrame:
    """One row per region (`REGION_COLUMNS`), by start: times since `t0` (ns)."""
    rows = []
    for r in records:
        start, end, complete = _span(int(r["start"]), int(r["end"]), t0, duration)
        stats = r["stats"]
        rows.append(
            (
                str(r["type"]),
                int(r["g"]),
                int(r["task"]),
                start,
                end,
                end - start,
                complete,
                str(r["begun"]),
                int(stats["exec"]),
                int(stats["sched_wait"]),
                sum(int(v) for v in stats["block"].values()),
                int(stats["syscall"]),
                int(stats["syscall_block"]),
                int(stats["ranges"].get("GC mark assist", 0)),
                str(r["func"]),
                str(r["file"]),
                int(r["line"]),
                int(r["pc"]),
            )
        )
    frame = pd.DataFrame(rows, columns=REGION_COLUMNS)
    ints = [c for c in REGION_COLUMNS if c not in ("type", "begun", "func", "file", "complete")]
    frame = frame.astype({**dict.fromkeys(ints, "int64"), "complete": "bool"})
    return frame.sort_values(["start", "g"], ignore_index=True)


def task_table(records: Sequence[dict], t0: int, duration: int) -> pd.DataFrame:
    """One row per task (`TASK_COLUMNS`), by id: times since `t0` (ns); parent -1: none."""
    rows = []
    for t in records:
        start, end, complete = _span(int(t["start"]), int(t["end"]), t0, duration)
        rows.append(
            (
                str(t["type"]),
                int(t["id"]),
                int(t["parent"]),
                start,
                end,
                end - start,
                complete,
                int(t["goroutines"]),
                int(t["regions"]),
                int(t["logs"]),
            )
        )
    frame = pd.DataFrame(rows, columns=TASK_COLUMNS)
    ints = [c for c in TASK_COLUMNS if c not in ("type", "complete")]
    frame = frame.astype({**dict.fromkeys(ints, "int64"), "complete": "bool"})
    return frame.sort_values("task", ignore_index=True)


def by_type(frame: pd.DataFrame, keys: list[str], percentiles: Sequence[float]) -> pd.DataFrame:
    """Per `keys`: count (all), complete, and the complete ones' latency: `p50_ns`, ... (for
    each of `percentiles`, linear interpolation) and `max_ns`; NaN without a complete one."""
    grouped = frame.groupby(keys, sort=True)
    out = grouped.size().to_frame("count")
    out["complete"] = grouped["complete"].sum().astype("int64")
    done = frame[frame.complete].groupby(keys, sort=True)["duration_ns"]
    for q in percentiles:
        out[f"p{q:g}_ns"] = done.quantile(q / 100).astype("float64")
    out["max_ns"] = done.max().astype("float64")
    return out.reset_index()


def bucket(duration_ns: int) -> int:
    """The tool's histogram bucket of a duration (`TimeHistogram.Add`)."""
    return int(math.log(duration_ns) / _LOG_DIV) if duration_ns > 0 else 0


def histogram(frame: pd.DataFrame, *, complete_only: bool) -> dict[int, int]:
    """The rows' durations as the tool's page counts them: bucket start (ns) → count."""
    rows = frame[frame.complete] if complete_only else frame
    counts = Counter(bucket(d) for d in rows.duration_ns.tolist())
    return {bucket_min_ns(b): n for b, n in sorted(counts.items())}


def bucket_min_ns(number: int) -> int:
    """The shortest duration of a bucket (ns, as the tool prints it: truncated)."""
    return int(np.exp(number * _LOG_DIV))
