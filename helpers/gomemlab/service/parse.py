"""Parsers for what the service sample and its load generator print (pure: text in, records
out; ParseError on anything else)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..errors import ParseError

LISTENING = re.compile(r"^listening on (http://\S+)$", re.MULTILINE)
"""The line the service prints once it accepts connections."""


@dataclass(frozen=True)
class Latency:
    """One endpoint's latencies under load: how many succeeded, and percentiles (ms)."""

    endpoint: str
    count: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class LoadSummary:
    """What `loadgen -json` printed: requests sent and failed, seconds, latency per endpoint."""

    sent: int
    failed: int
    seconds: float
    latencies: tuple[Latency, ...]


@dataclass(frozen=True)
class MetricsSnapshot:
    """One reading of the service's /debug/metrics: when (Unix ns) and every scalar
    runtime/metrics value by name."""

    unix_nano: int
    values: MappingProxyType[str, float]


def listening_url(log: str) -> str | None:
    """The base URL the service said it listens on, or None if it has not said so yet."""
    found = LISTENING.search(log)
    return found.group(1) if found else None


def _json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        head = text[:80] if isinstance(text, str) else text[:80].decode("utf-8", "replace")
        raise ParseError(f"{what} is not JSON ({error})", line_no=1, line=head) from None


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParseError(f"{what} must be a number, not {value!r:.40}")
    return float(value)


def load_summary(text: str) -> LoadSummary:
    """Parse the JSON object `loadgen -json` prints (the last non-empty line of its output)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ParseError("loadgen printed nothing")
    data = _json(lines[-1], "loadgen's summary")
    if not isinstance(data, dict) or not isinstance(data.get("endpoints"), dict):
        raise ParseError("loadgen's summary has no endpoints", line=lines[-1])
    latencies = []
    for name, row in sorted(data["endpoints"].items()):
        if not isinstance(row, dict):
            raise ParseError(f"endpoint {name!r}: not an object", line=lines[-1])
        values = [
            _number(row.get(key), f"{name}.{key}")
            for key in ("count", "p50_ms", "p90_ms", "p99_ms", "max_ms")
        ]
        if values[0] != int(values[0]) or values[0] < 0:
            raise ParseError(f"{name}.count must be a whole number, not {values[0]}")
        latencies.append(Latency(name, int(values[0]), *values[1:]))
    sent, failed, seconds = (_number(data.get(key), key) for key in ("sent", "failed", "seconds"))
    if not (sent == int(sent) and failed == int(failed) and 0 <= failed <= sent):
        raise ParseError(f"sent {sent} and failed {failed} are not counts with failed <= sent")
    if not math.isfinite(seconds) or seconds < 0:
        raise ParseError(f"seconds must be a finite duration, not {seconds}")
    return LoadSummary(int(sent), int(failed), seconds, tuple(latencies))


def metrics_snapshot(body: str | bytes) -> MetricsSnapshot:
    """Parse the body of the service's /debug/metrics."""
    data = _json(body, "the metrics body")
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise ParseError("the metrics body has no 'metrics' object")
    when = data.get("unix_nano")
    if isinstance(when, bool) or not isinstance(when, int):
        raise ParseError(f"unix_nano must be an integer, not {when!r:.40}")
    values = {name: _number(value, name) for name, value in data["metrics"].items()}
    return MetricsSnapshot(when, MappingProxyType(dict(sorted(values.items()))))


SPIKE = re.compile(
    r"^spike: (?P<path>/\S*) took (?P<took>\S+), (?P<times>\d+)x the median (?P<median>\S+); "
    r"took_ns=(?P<ns>\d+); window written$",
    re.MULTILINE,
)
"""The line the service (with -flight) prints after writing a spike's window."""


@dataclass(frozen=True)
class Spike:
    """A request the service caught as a spike, as it printed it: the endpoint, its latency
    (`took`, a Go duration, and `took_ns`), and the median of the requests before it
    (`median`, a Go duration) it was `times_median` times."""

    endpoint: str
    took: str
    took_ns: int
    median: str
    times_median: int

    @property
    def line(self) -> str:
        """The spike in words, as the service logged it in the request's trace task."""
        return f"/{self.endpoint} took {self.took}, {self.times_median}x the median {self.median}"


def spikes(log: str) -> tuple[Spike, ...]:
    """Every spike whose window the service wrote, oldest first (its log's `spike:` lines)."""
    return tuple(
        Spike(m["path"].lstrip("/"), m["took"], int(m["ns"]), m["median"], int(m["times"]))
        for m in SPIKE.finditer(log)
    )
