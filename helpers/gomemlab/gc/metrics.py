"""Parse the runtime/metrics samples the gc sample writes (JSON lines, one reading per line).

Each line: ``{"t_s": 0.012, "final": false, "values": {"/gc/heap/goal:bytes": ..., ...},
"pauses": [{"lo": 4.1e-06, "hi": 5.1e-06, "n": 1}, ...]}``; `pauses` holds the non-empty
buckets of the cumulative histogram `/sched/pauses/total/gc:seconds` (null = infinite bound).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ..errors import ParseError

PAUSES = "/sched/pauses/total/gc:seconds"
COLUMNS = {  # frame column: (runtime/metrics name, meaning)
    "cycles": ("/gc/cycles/total:gc-cycles", "GC cycles completed"),
    "forced_cycles": ("/gc/cycles/forced:gc-cycles", "cycles started by runtime.GC()"),
    "goal_bytes": ("/gc/heap/goal:bytes", "heap goal for the current cycle, bytes"),
    "live_bytes": ("/gc/heap/live:bytes", "heap marked live by the last cycle, bytes"),
    "heap_bytes": ("/memory/classes/heap/objects:bytes",
                   "heap in use by objects, live or not yet swept, bytes"),
    "total_bytes": ("/memory/classes/total:bytes", "all memory mapped by the runtime, bytes"),
    "released_bytes": ("/memory/classes/heap/released:bytes",
                       "heap memory returned to the OS (still mapped), bytes"),
    "allocs_bytes": ("/gc/heap/allocs:bytes", "bytes allocated since start, cumulative"),
    "stacks_bytes": ("/gc/scan/stack:bytes", "scannable stack bytes"),
    "globals_bytes": ("/gc/scan/globals:bytes", "scannable global bytes"),
    "gogc": ("/gc/gogc:percent", "GOGC"),
    "memlimit_bytes": ("/gc/gomemlimit:bytes", "GOMEMLIMIT, bytes"),
    "limiter_cycle": ("/gc/limiter/last-enabled:gc-cycle",
                      "last cycle in which the GC CPU limiter (about 50%) was on, 0 = never"),
    "gomaxprocs": ("/sched/gomaxprocs:threads", "GOMAXPROCS"),
    "gc_cpu_s": ("/cpu/classes/gc/total:cpu-seconds", "CPU seconds in GC, cumulative"),
    "gc_idle_cpu_s": ("/cpu/classes/gc/mark/idle:cpu-seconds",
                      "CPU seconds of GC on idle Ps, cumulative"),
    "gc_pause_cpu_s": ("/cpu/classes/gc/pause:cpu-seconds",
                       "CPU seconds of GC pauses (pause × GOMAXPROCS), cumulative"),
    "user_cpu_s": ("/cpu/classes/user:cpu-seconds",
                   "CPU seconds running the program's own code, cumulative"),
    "total_cpu_s": ("/cpu/classes/total:cpu-seconds",
                    "available CPU seconds (wall × GOMAXPROCS), cumulative"),
}


@dataclass(frozen=True)
class MetricsLog:
    """The samples of one run: `.frame` (one row per sample) and `.pauses` (final histogram)."""

    samples: list[dict]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Columns: t_s (seconds since sampling started), final, pauses (count), `COLUMNS`
        and limited_bytes (total − released: the memory GOMEMLIMIT counts)."""
        rows = []
        for s in self.samples:
            row = {"t_s": s["t_s"], "final": s["final"],
                   "pauses": sum(b["n"] for b in s["pauses"])}
            for column, (name, _) in COLUMNS.items():
                row[column] = s["values"].get(name, math.nan)
            rows.append(row)
        f = pd.DataFrame(rows, columns=["t_s", "final", "pauses", *COLUMNS])
        # What GOMEMLIMIT limits: mapped memory minus what was returned to the OS.
        f["limited_bytes"] = f.total_bytes - f.released_bytes
        return f

    @cached_property
    def pauses(self) -> pd.DataFrame:
        """The last sample's pause histogram: lo_s, hi_s (bucket bounds, s), count."""
        buckets = self.samples[-1]["pauses"] if self.samples else []
        inf = math.inf
        return pd.DataFrame(
            [(-inf if b["lo"] is None else b["lo"], inf if b["hi"] is None else b["hi"], b["n"])
             for b in buckets], columns=["lo_s", "hi_s", "count"])

    @property
    def last(self) -> dict:
        """The final reading's values, by runtime/metrics name."""
        return dict(self.samples[-1]["values"]) if self.samples else {}

    def gc_cpu_pct(self) -> float:
        """GC CPU % as gctrace computes it: (GC − idle-time GC) / available CPU, at the end."""
        v = self.last
        total = v.get(COLUMNS["total_cpu_s"][0], 0.0)
        if not total:
            return math.nan
        busy = v.get(COLUMNS["gc_cpu_s"][0], 0.0) - v.get(COLUMNS["gc_idle_cpu_s"][0], 0.0)
        return 100.0 * busy / total


    def gc_share_pct(self) -> float:
        """GC's share of the CPU work done: (GC − idle GC) / (that + the program's own), %.

        Unlike `gc_cpu_pct` this does not count idle Ps, so it compares with the cost model,
        where the program stops while one worker collects."""
        v = self.last
        busy = v.get(COLUMNS["gc_cpu_s"][0], 0.0) - v.get(COLUMNS["gc_idle_cpu_s"][0], 0.0)
        work = busy + v.get(COLUMNS["user_cpu_s"][0], 0.0)
        return 100.0 * busy / work if work else math.nan


def _check_sample(obj, line_no: int, line: str) -> dict:
    ok = (isinstance(obj, dict) and isinstance(obj.get("t_s"), (int, float))
          and isinstance(obj.get("values"), dict) and isinstance(obj.get("pauses"), list)
          and all(isinstance(v, (int, float)) for v in obj["values"].values())
          and all(isinstance(b, dict) and isinstance(b.get("n"), int)
                  and all(isinstance(b.get(k), (int, float, type(None))) for k in ("lo", "hi"))
                  for b in obj["pauses"]))
    if not ok:
        raise ParseError("not a runtime/metrics sample (want t_s, values, pauses)",
                         line_no=line_no, line=line)
    obj.setdefault("final", False)
    return obj


def parse_metrics(text: str) -> MetricsLog:
    """Parse the sample's JSON lines (pure; ParseError names a line that is not a sample)."""
    samples = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise ParseError("not JSON", line_no=line_no, line=line) from None
        samples.append(_check_sample(obj, line_no, line))
    return MetricsLog(samples)
