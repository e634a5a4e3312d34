"""Start the service sample on loopback under the reaper, send it load, read its metrics.

    with gm.service.start() as svc:                 # the first version of every part
        load = svc.load(rate=200, seconds=4)        # loadgen runs in the background
        cpu = gm.pprof.fetch(svc.url, "cpu", seconds=2)
        report = load.result()                      # latency percentiles + metrics over time

    svc = gm.service.start(flight=True)             # keeps a runtime/trace flight recorder
    svc.spikes(); svc.window()                      # spikes caught; the last one's window
    svc.trace(seconds=1)                            # /debug/pprof/trace: a Trace

The service and the load generator run under the reaper: they end with `stop()`, with the
`with` block, at Python's exit, and (on Linux) when the kernel dies, however it dies.
"""

from __future__ import annotations

import atexit
import html
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import binaries, files, loopback, settings, toolchain, validate, workspace
from ..errors import FetchError, GomemlabError, ParseError, ServiceError, UsageError
from ..provenance import Provenance
from .parse import (
    MetricsSnapshot,
    Spike,
    listening_url,
    load_summary,
    metrics_snapshot,
    spikes,
)
from .result import LoadReport

if TYPE_CHECKING:
    from ..trace.result import Trace

PARTS = ("cache", "report", "search")
"""The parts of the service that have a revised version (`start(revised=...)`)."""
ENDPOINTS = ("user", "report", "search")
SENDING = "loadgen: sending"
"""The line the load generator writes to stderr just before its first request."""
START_TIMEOUT = 120.0
"""Seconds to build (first time) and start the service before giving up."""
FLIGHT_FILE = "flight.trace"
"""The file a service started with `flight=True` writes its flight recorder window to."""
SPIKE_RULE = (
    "slower than every request before it, at least 20 times the median of the last 1000 "
    "requests, and at least 10 ms"
)
"""When the service writes its window (its -spike-factor and -spike-least defaults)."""

_RUNNING: set[Service] = set()
_LOCK = threading.Lock()


def stop_all() -> None:
    """Stop every service this Python process started (also run at exit)."""
    with _LOCK:
        running = list(_RUNNING)
    for service in running:
        service.stop()


atexit.register(stop_all)


def _parts(revised: str | Sequence[str]) -> tuple[str, ...]:
    names = [revised] if isinstance(revised, str) else list(revised)
    if names == ["all"]:
        return PARTS
    for name in names:
        validate.choice(name, PARTS, "revised")
    return tuple(sorted(set(names)))


@dataclass(frozen=True, eq=False)
class Service:
    """A running service: its base `url` (127.0.0.1, a free port), the parts it runs revised,
    its process and log. `load(...)` sends load, `metrics()` reads runtime/metrics once,
    `stop()` ends it (also the `with` block, the kernel's end)."""

    url: str
    revised: tuple[str, ...]
    process: toolchain.Process = field(repr=False)
    log: str = field(repr=False)
    flight_file: str | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        """The service has not exited."""
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the service and anything it started; safe to call twice."""
        with _LOCK:
            _RUNNING.discard(self)
        if self.process.returncode is None:
            toolchain.stop(self.process)

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _check_running(self) -> None:
        if not self.running:
            raise ServiceError(
                f"the service at {self.url} has stopped ({_exit(self.process)}); start a new "
                f"one with gm.service.start(). Its log ends:\n{_tail(self.log)}"
            )

    def metrics(self, timeout: float = 10.0) -> MetricsSnapshot:
        """One reading of every scalar runtime/metrics value (its /debug/metrics)."""
        self._check_running()
        body = loopback.get(f"{self.url}/debug/metrics", timeout=timeout)
        return metrics_snapshot(body)

    def load(
        self,
        *,
        rate: float = 200,
        seconds: float = 4,
        mix: dict[str, int] | None = None,
        unique: bool = False,
        ids: int = 100,
        rows: int = 300,
        every: float = 0.2,
    ) -> Load:
        """Start an open-loop load (the Go load generator) and return as soon as it sends;
        `.result()` waits for it to end. `rate` requests per second for `seconds`, spread
        over the endpoints by
        `mix` (weights, default user 6, report 2, search 2); `unique` gives every user request
        a distinct `ref=` parameter; `ids` user ids are asked for, `rows` rows per report.
        The service's runtime/metrics are read every `every` seconds meanwhile."""
        self._check_running()
        rate = validate.positive(rate, "rate", unit="requests per second")
        seconds = validate.positive(seconds, "seconds")
        every = validate.positive(every, "every", unit="seconds")
        weights = dict(mix) if mix is not None else {"user": 6, "report": 2, "search": 2}
        for name, weight in weights.items():
            validate.choice(name, ENDPOINTS, "a mix endpoint")
            validate.count(weight, f"mix[{name!r}]", minimum=0)
        args = [
            "-url", self.url,
            "-rate", f"{rate:g}",
            "-duration", f"{seconds:g}s",
            "-mix", ",".join(f"{k}={v}" for k, v in weights.items()),
            "-ids", str(validate.count(ids, "ids")),
            "-rows", str(validate.count(rows, "rows", minimum=0, maximum=100_000)),
            "-json",
        ]  # fmt: skip
        if unique:
            args.append("-unique")
        binary, _ = binaries.program(workspace.sample("service/loadgen"), timeout=START_TIMEOUT)
        return Load(self, [str(binary), *args], seconds, every)

    def spikes(self) -> tuple[Spike, ...]:
        """The requests the flight recorder caught as spikes so far, oldest first: each one
        was slower than every request before it, at least 20 times the median of the last
        1000 and at least 10 ms (`SPIKE_RULE`), and its window was written."""
        self._flight_file()
        try:
            return spikes(Path(self.log).read_text(errors="replace"))
        except OSError:
            return ()

    def _flight_file(self) -> Path:
        if self.flight_file is None:
            raise UsageError(
                "this service keeps no flight recorder: start one with "
                "gm.service.start(flight=True)"
            )
        return Path(self.flight_file)

    def window(self, *, settle: float = 10.0) -> Trace:
        """The flight recorder's window written for the slowest spike so far (`spikes()[-1]`),
        read as a `Trace` (`gm.trace.read`) from a copy that later spikes do not replace.
        Waits up to `settle` seconds for a window being written to be done. ServiceError when
        no request has been a spike yet."""
        from ..trace.run import read

        file = self._flight_file()
        deadline = time.monotonic() + validate.timeout(settle, "settle")
        while any(file.parent.glob(".flight-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        caught = self.spikes()
        if not caught or not file.is_file():
            raise ServiceError(
                "the flight recorder has caught no spike yet: the service writes its window "
                f"after a request {SPIKE_RULE}. Send a burst of long reports, e.g. "
                'svc.load(mix={"report": 1}, rows=2000, rate=10, seconds=1), during other load.'
            )
        copy = files.copy_atomic(
            file, workspace.scratch_dir("flight") / FLIGHT_FILE, what="the window's copy"
        )
        return read(copy, label=f"flight recorder window: {caught[-1].line}")

    def trace(self, seconds: int = 1) -> Trace:
        """An execution trace of the next `seconds` (whole) seconds of the service, from its
        `/debug/pprof/trace?seconds=N`, read as a `Trace` (the file is kept)."""
        from ..trace.run import read

        self._check_running()
        seconds = validate.count(seconds, "seconds", maximum=60)
        body = loopback.get(f"{self.url}/debug/pprof/trace?seconds={seconds}", timeout=seconds + 60)
        file = files.write_atomic(
            workspace.scratch_dir("service-trace") / "trace.out", body, what="the trace"
        )
        parts = f"revised: {', '.join(self.revised)}" if self.revised else "first version"
        return read(file, label=f"{seconds} s of the service ({parts})")

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        parts = f"revised: {', '.join(self.revised)}" if self.revised else "first version"
        return f"<service at {self.url} ({parts}; {state}; .stop() to end it)>"

    def _repr_html_(self) -> str:
        return f"<code>{html.escape(repr(self))}</code>"


class Load:
    """A load run in progress: the load generator in one thread, metrics readings in another.
    `result()` waits for both and returns a LoadReport."""

    def __init__(self, service: Service, command: list[str], seconds: float, every: float):
        self.service, self.command = service, command
        self._snapshots: list[MetricsSnapshot] = []
        self._done = threading.Event()
        self._outcome: list = []
        self._sending = threading.Event()
        self._snapshot()  # the baseline reading, before the first request
        self._cpu = _cpu_seconds(service)
        self._runner = threading.Thread(target=self._run, args=(seconds,), daemon=True)
        self._reader = threading.Thread(target=self._read, args=(every,), daemon=True)
        self._runner.start()
        self._reader.start()
        # Return once requests flow (the load generator's start takes seconds on a busy
        # machine): a profile taken next covers the load, not the wait for it.
        while not self._sending.wait(0.05) and not self._done.is_set():
            pass

    def _snapshot(self) -> None:
        try:
            self._snapshots.append(self.service.metrics())
        except (FetchError, ParseError, ServiceError) as error:
            self._outcome.append(error)

    def _run(self, seconds: float) -> None:
        try:
            done = toolchain.run(self.command, timeout=seconds + 60, on_stderr=self._said)
            self._outcome.append(done)
        except GomemlabError as error:
            self._outcome.append(error)
        finally:
            self._done.set()

    def _said(self, line: str) -> None:
        if line.startswith(SENDING):
            self._sending.set()

    def _read(self, every: float) -> None:
        while not self._done.wait(every):
            self._snapshot()

    def result(self) -> LoadReport:
        """Wait for the load to end; its LoadReport (ServiceError when the service died, the
        load generator's error when it failed)."""
        self._runner.join()
        self._reader.join()
        self._snapshot()  # the reading after the last reply
        cpu = _cpu_seconds(self.service) - self._cpu
        errors = [o for o in self._outcome if isinstance(o, BaseException)]
        if errors:
            if not self.service.running:
                self.service._check_running()
            raise errors[0]
        done = next(o for o in self._outcome if isinstance(o, toolchain.Completed))
        done.check_run()
        return LoadReport(
            load=load_summary(done.stdout),
            snapshots=tuple(self._snapshots),
            revised=self.service.revised,
            provenance=Provenance.of(self.command, run_seconds=done.seconds),
            cpu_seconds=cpu,
        )


def _cpu_seconds(service: Service) -> float:
    """User + system CPU seconds the service has used: its process and the reaper it runs
    under (nan once it is gone)."""
    import psutil  # a dependency; imported when a load ends, not with gm.service

    try:
        top = psutil.Process(service.process.pid)
        used = [p.cpu_times() for p in (top, *top.children(recursive=True))]
    except psutil.Error:
        return float("nan")
    return sum(t.user + t.system for t in used)


def _exit(process: toolchain.Process) -> str:
    code = process.poll()
    return "still running" if code is None else f"exit status {code}"


def _tail(log: str, lines: int = 12) -> str:
    try:
        with open(log, errors="replace") as f:
            return "".join(f.readlines()[-lines:]).rstrip() or "(empty)"
    except OSError:
        return "(no log)"


def start(
    revised: str | Sequence[str] = (),
    *,
    memprofilerate: int | None = None,
    flight: bool = False,
    timeout: float = START_TIMEOUT,
) -> Service:
    """Build (once) and start the service sample on 127.0.0.1 at a free port, under the
    reaper, and wait until it accepts connections.

    `revised`: the parts to run in their revised version ("cache", "report", "search", or
    "all"); `memprofilerate` sets runtime.MemProfileRate (bytes between heap profile samples;
    smaller is more precise); `flight` keeps a `runtime/trace` flight recorder that writes
    its window after a latency spike (`Service.spikes`, `Service.window`). ServiceError,
    naming what it saw and what to do, when it does not come up within `timeout` seconds.
    """
    parts = _parts(revised)
    timeout = validate.timeout(timeout)
    deadline = time.monotonic() + timeout
    binary, _ = binaries.program(workspace.sample("service"), timeout=timeout)
    args = [str(binary), "-addr", "127.0.0.1:0", "-revised", ",".join(parts)]
    if memprofilerate is not None:
        args += ["-memprofilerate", str(validate.count(memprofilerate, "memprofilerate"))]
    folder = workspace.scratch_dir("service")
    log = folder / "service.log"
    if not isinstance(flight, bool):
        raise UsageError(f"flight must be True or False, not {flight!r}")
    window = str(folder / FLIGHT_FILE) if flight else None
    if window is not None:
        args += ["-flight", window]
    process = toolchain.start(args, log=log, env=toolchain.go_env())
    try:
        while True:
            url = listening_url(log.read_text(errors="replace"))
            if url is not None:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                state = (
                    _exit(process) if process.poll() is not None else f"silent for {timeout:g} s"
                )
                raise ServiceError(
                    f"the service did not come up ({state}): it never printed "
                    f"'listening on ...'. Its log ({log}) ends:\n{_tail(str(log))}\n"
                    "Check that the port range is usable and the machine has memory, or pass "
                    "a larger timeout= on a busy machine."
                )
            time.sleep(0.05)
    except BaseException:
        toolchain.stop(process)
        raise
    service = Service(url, parts, process, str(log), window)
    with _LOCK:
        _RUNNING.add(service)
    return service


def default_seconds() -> float:
    """Seconds of load per run: short in quick mode."""
    return 2.0 if settings.quick() else 4.0
