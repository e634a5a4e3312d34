"""The flight recorder (`runtime/trace.FlightRecorder`, new in Go 1.25): a program keeps the
last moments of an execution trace in memory and writes them out only when something went
wrong, so a spike that is already over can still be read.

The bundled demo (`gosamples/trace/flight`) serves small requests, each a `trace.NewTask`
"request" with a "handle" region; one of them allocates a burst of long-lived memory and its
latency spikes. When a request's latency is `factor` times the median so far, slower than
every request before it (and at least `least_ms`), the demo logs a "spike" message to the
trace, writes the recorder's window to its `-trace FILE` (again at each new record: the file
keeps the last) and goes on. Each request logs its number ("request") in its task. `run`
records that and reads the window back as a `Trace`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import validate
from ..errors import GoCommandError
from ..toolchain import GoToolchain
from ..workspace import sample
from .result import Trace
from .run import run as run_traced

SAMPLE = "trace/flight"
RELEASE = "1.25"
"""The Go release that added runtime/trace.FlightRecorder."""
_CAUGHT = re.compile(r"spike: request (\d+) took (\S+), (\d+)x the median (\S+); window written")


@dataclass(frozen=True)
class Spike:
    """The request the demo caught: its number, and its latency and the median before it as
    the program printed them (Go durations, e.g. "85.3ms")."""

    request: int
    took: str
    median: str
    times_median: int


def args(
    requests: int = 200,
    spike: int = 150,
    burst_mib: int = 64,
    factor: float = 20.0,
    least_ms: float = 1.0,
) -> list[str]:
    """The demo's flags: `requests` served, the one (`spike`, 0-based) that allocates
    `burst_mib` MiB, and what counts as a spike: `factor` times the median latency so far,
    slower than every request before, and at least `least_ms` ms."""
    requests = validate.count(requests, "requests")
    spike = validate.count(spike, "spike", minimum=0, maximum=requests - 1)
    factor = validate.positive(factor, "factor")
    return [
        "-requests",
        str(requests),
        "-spike",
        str(spike),
        "-burst",
        str(validate.mebibytes(burst_mib, "burst_mib")),
        "-factor",
        f"{factor:g}",
        "-least",
        f"{validate.positive(least_ms, 'least_ms'):g}ms",
    ]


def run(
    *,
    flags: list[str] | None = None,
    gomaxprocs: int | None = 2,
    timeout: float = 120.0,
    go: str | GoToolchain | None = None,
) -> Trace:
    """Run the demo (with `flags`, default `args()`) and read the window it wrote; a run that
    saw no spike wrote none (GoCommandError). `go` runs it with another release: before
    Go 1.25 the demo does not compile (no `trace.NewFlightRecorder`)."""
    return run_traced(
        sample(SAMPLE),
        args=args() if flags is None else flags,
        gomaxprocs=gomaxprocs,
        timeout=timeout,
        go=go,
    )


def caught(window: Trace) -> Spike:
    """What the demo said it caught (from its output); GoCommandError if it caught nothing."""
    # the window written last, at the run's slowest request
    found = next(reversed(list(_CAUGHT.finditer(window.program_output))), None)
    if found is None:
        raise GoCommandError(
            f"the flight recorder demo reported no spike: {window.program_output.strip()[:300]!r}"
        )
    return Spike(int(found.group(1)), found.group(2), found.group(4), int(found.group(3)))
