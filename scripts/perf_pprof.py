"""Perf: decode a large real profile with gm.pprof vs `go tool pprof -raw`; a warm analysis cell.

The large profile comes from a generated program that allocates through 2^DEPTH distinct call
paths with MemProfileRate=1, so every path is a sample of its own.
"""

from __future__ import annotations

import statistics
import time

import gomemlab as gm
from gomemlab import toolchain

DEPTH = 16
REPEAT = 3

MANY_STACKS = f"""package main

import (
	"flag"
	"os"
	"runtime"
	"runtime/pprof"
)

var sink []byte

// left and right recurse n levels; the bits of p choose the path, so each p has its own stack.
func left(n, p int) {{
	if n == 0 {{
		sink = make([]byte, p%1000+1)
		return
	}}
	if p>>(n-1)&1 == 0 {{
		left(n-1, p)
	}} else {{
		right(n-1, p)
	}}
}}

func right(n, p int) {{
	if n == 0 {{
		sink = make([]byte, p%1000+1)
		return
	}}
	if p>>(n-1)&1 == 0 {{
		left(n-1, p)
	}} else {{
		right(n-1, p)
	}}
}}

func main() {{
	out := flag.String("memprofile", "", "profile file")
	flag.Parse()
	for p := range 1 << {DEPTH} {{
		left({DEPTH}, p)
	}}
	f, err := os.Create(*out)
	if err != nil {{
		panic(err)
	}}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {{
		panic(err)
	}}
}}
"""


def _median(action) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure() -> list[dict]:
    big = gm.pprof.run(gm.snippet(MANY_STACKS, label="manystacks"), "mem", memprofilerate=1)
    data = big.path.read_bytes()
    raw_bytes = len(gm.pprof.decode.decompress(data))
    ours = _median(lambda: gm.pprof.parse(data).top("alloc_space", 10))
    tool = _median(lambda: toolchain.go("tool", "pprof", "-raw", big.path).check_run())
    toolchain.go("build", "-o", "/dev/null", ".", cwd=gm.sample("pprof").dir)  # warm

    def analysis_cell() -> None:
        p = gm.pprof.run("pprof", "mem", args=["-lines", "20000", "-rounds", "2"])
        p.top("alloc_space", 10)

    analysis_cell()  # warm: binary built, tool cached
    cell = _median(analysis_cell)
    return [
        {"name": f"pprof: large profile ({len(big):,} samples, {raw_bytes / 1e6:.1f} MB raw)",
         "value": len(data) / 1e6, "unit": "MB gz", "target": "", "ok": None},
        {"name": "pprof: gm.pprof.parse + top", "value": ours, "unit": "s", "target": "",
         "ok": None},
        {"name": "pprof: go tool pprof -raw", "value": tool, "unit": "s", "target": "",
         "ok": None},
        {"name": "pprof: parse + top throughput", "value": len(big) / ours, "unit": "samples/s",
         "target": ">= 20000", "ok": len(big) / ours >= 20_000},
        {"name": "pprof: parse vs go tool pprof -raw", "value": ours / tool, "unit": "x",
         "target": "<= 3", "ok": ours / tool <= 3},
        {"name": "pprof: warm analysis cell (run + decode + top)", "value": cell, "unit": "s",
         "target": "<= 1.5", "ok": cell <= 1.5},
    ]


if __name__ == "__main__":
    for row in measure():
        print(row)
