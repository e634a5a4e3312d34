"""Perf: time bounds that were test assertions, measured here as figures with their targets.

A test asserts what the lab does (the run ended by its timeout, nothing it started lives on, no
`go build` was started); how long that took moves with the machine's load, so it is measured
here (median of a few runs) against the bound the test used to assert:

- a run past its timeout returns soon after it (was tests/test_toolchain.py: < 3.5 s for 2 s);
- a line callback that fails does not stall a chatty program (test_toolchain.py: < 30 s);
- a program whose child holds its stdout returns when the program ends (test_reliability.py:
  < 15 s, build included; here the run alone);
- a stamped binary is reused without a build (test_lifetimes_live.py: < 0.5 s);
- the GC sample paced at 0.4 s, and 10 s of a guide graph at speed 10 (test_gc_live.py:
  < 2 s and < 5 s);
- a 1 GiB gzip bomb is refused at the cap (test_pprof_decode.py: < 30 s, ~0.3 s idle).
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import uuid
import zlib

from perfkit import row, seconds

import gomemlab as gm
from gomemlab import binaries, toolchain

REPEAT = 5

RUNAWAY = "package main\n\nfunc main() {\n\tfor {\n\t}\n}\n"
CHATTY = (
    'package main\n\nimport "fmt"\n\nfunc main() {\n'
    '\tfor i := range 200000 {\n\t\tfmt.Println("line", i)\n\t}\n}\n'
)
LEAVER = """package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	child := exec.Command("sleep", "300", os.Args[1])
	child.Stdout = os.Stdout
	if err := child.Start(); err != nil {
		panic(err)
	}
	fmt.Println("started")
}
"""


def _median(action, repeat: int = REPEAT) -> float:
    return statistics.median(seconds(action) for _ in range(repeat))


def _timeout_overshoot() -> float:
    program = gm.snippet(RUNAWAY)
    gm.build(program)

    def once() -> None:
        try:
            gm.run(program, timeout=2)
        except gm.GoTimeoutError:
            return
        raise AssertionError("the runaway program ended by itself")

    return _median(once, 3) - 2


def _failing_callback() -> float:
    binary = gm.build(gm.snippet(CHATTY))

    def explode(_line: str) -> None:
        raise ValueError("callback failed")

    def once() -> None:
        try:
            toolchain.run([binary], on_stdout=explode, timeout=120)
        except ValueError:
            return

    return _median(once)


def _child_holding_stdout() -> float:
    program = gm.snippet(LEAVER)
    gm.build(program)
    marker = f"gomemlab-perf-{uuid.uuid4().hex[:12]}"
    try:
        return _median(lambda: gm.run(program, [marker], timeout=60))
    finally:  # the run kills them; this only guards against a regression
        for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
            try:
                with open(os.path.join(entry.path, "cmdline"), "rb") as cmdline:
                    if marker.encode() in cmdline.read():
                        os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue


def _stamped_binary() -> float:
    package = gm.workspace.resolve("lifetimes")
    binaries.program(package, 300)

    def fresh_process_lookup() -> None:
        binaries._BUILT.clear()  # as a fresh process sees it
        binaries.program(package, 300)

    return _median(fresh_process_lookup)


def _gc_pacing() -> tuple[float, float]:
    paced = statistics.median(
        gm.gc.run(live_mib=4, alloc_mib=0, rate_mib=50, duration_s=0.4).sample_stats["seconds"]
        for _ in range(3)
    )
    phased = gm.gc.run_phases(gm.gc.GUIDE_GRAPHS[0], gogc=100, speed=10).sample_stats["seconds"]
    return paced, phased


def _gzip_bomb() -> float:
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    bomb = b"".join(packer.compress(zeros) for _ in range(1 << 10)) + packer.flush()

    def once() -> None:
        try:
            gm.pprof.decode(bomb)
        except gm.ParseError:
            return
        raise AssertionError("a 1 GiB gzip bomb was decoded")

    return _median(once, 3)


def measure() -> list[dict]:
    overshoot = _timeout_overshoot()
    callback = _failing_callback()
    holding = _child_holding_stdout() if sys.platform.startswith("linux") else float("nan")
    stamped = _stamped_binary()
    paced, phased = _gc_pacing()
    bomb = _gzip_bomb()
    return [
        row("run past its 2 s timeout: return after it", overshoot, "s", "< 1.5", overshoot < 1.5),
        row("failing line callback, 200k lines: run", callback, "s", "< 30", callback < 30),
        row("child holding stdout: run returns", holding, "s", "< 15", holding < 15),
        row("stamped binary reused (no build)", stamped, "s", "< 0.5", stamped < 0.5),
        row("GC sample paced for 0.4 s: ran", paced, "s", "< 2", paced < 2),
        row("guide graph, 10 s at speed 10: ran", phased, "s", "< 5", phased < 5),
        row("1 GiB gzip bomb refused at the cap", bomb, "s", "< 30", bomb < 30),
    ]


if __name__ == "__main__":
    for line in measure():
        print(line)
