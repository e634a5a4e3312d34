"""Perf: decode a large real profile with gm.pprof vs `go tool pprof -raw`; a warm analysis cell.

The large profile comes from a generated program that allocates through 2^DEPTH distinct call
paths with MemProfileRate=1, so every path is a sample of its own.
"""

from __future__ import annotations

from perfkit import interleaved_medians, median_seconds, row

import gomemlab as gm
from gomemlab import toolchain

DEPTH = 16
REPEAT = 5

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


def measure() -> list[dict]:
    big = gm.pprof.run(gm.snippet(MANY_STACKS, label="manystacks"), "mem", memprofilerate=1)
    data = big.path.read_bytes()
    raw_bytes = len(gm.pprof.decode.decompress(data))
    ours, tool = interleaved_medians(
        lambda: gm.pprof.parse(data).top("alloc_space", 10),
        lambda: toolchain.go("tool", "pprof", "-raw", big.path).check_run(), repeat=REPEAT)

    def analysis_cell() -> None:
        p = gm.pprof.run("pprof", "mem", args=["-lines", "20000", "-rounds", "2"])
        p.top("alloc_space", 10)

    cell = median_seconds(analysis_cell, repeat=REPEAT)  # warm: binary built, tool cached
    return [
        row(f"pprof: large profile ({len(big):,} samples, {raw_bytes / 1e6:.1f} MB raw)",
            len(data) / 1e6, "MB gz"),
        row("pprof: gm.pprof.parse + top", ours, "s"),
        row("pprof: go tool pprof -raw", tool, "s"),
        row("pprof: parse + top throughput", len(big) / ours, "samples/s", ">= 20000",
            len(big) / ours >= 20_000),
        row("pprof: parse + top vs go tool pprof -raw", ours / tool, "x", "<= 3",
            ours / tool <= 3),
        row("pprof: warm analysis cell (run + decode + top)", cell, "s", "<= 1.5", cell <= 1.5),
    ]


if __name__ == "__main__":
    for row in measure():
        print(row)
