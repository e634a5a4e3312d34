"""Perf: `gm.pprof.load(path).top()` on a large real profile vs `go tool pprof -top` on the same
file; a warm analysis cell.

The large profile comes from a generated program that allocates through 2^DEPTH distinct call
paths with MemProfileRate=1, so every path is a sample of its own (65,536 samples, ~19 frames
each). Target: load + top in at most half the time of `go tool pprof -top`. The two are timed
alternately (`interleaved_medians`), so load from other processes falls on both alike.
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
    raw_bytes = len(gm.pprof.decompress(data))
    fast = _fast_reader()
    ours, tool = interleaved_medians(
        lambda: gm.pprof.load(big.path).top(),
        lambda: toolchain.go("tool", "pprof", "-top", big.path).check_run(),
        repeat=REPEAT,
    )

    def analysis_cell() -> None:
        p = gm.pprof.run("pprof", "mem", args=["-lines", "20000", "-rounds", "2"])
        p.top("alloc_space", 10)

    cell = median_seconds(analysis_cell, repeat=REPEAT)  # warm: binary built, tool cached
    return [
        row(
            f"pprof: large profile ({len(big):,} samples, {raw_bytes / 1e6:.1f} MB raw)",
            len(data) / 1e6,
            "MB gz",
        ),
        row(
            f"pprof: gm.pprof.load + top ({'protobuf C parser' if fast else 'pure Python'})",
            ours,
            "s",
        ),
        row("pprof: go tool pprof -top", tool, "s"),
        # Throughput depends on the machine's load; the ratio below is the target that holds.
        row("pprof: load + top throughput", len(big) / ours, "samples/s"),
        row(
            "pprof: load + top vs go tool pprof -top",
            ours / tool,
            "x",
            "<= 0.5",
            ours / tool <= 0.5,
        ),
        row("pprof: warm analysis cell (run + decode + top)", cell, "s", "<= 1.5", cell <= 1.5),
    ]


def _fast_reader() -> bool:
    """Whether the `protobuf` package's C parser is there (else the pure-Python reader runs)."""
    from gomemlab.pprof import _proto

    return _proto.classes() is not None


if __name__ == "__main__":
    for line in measure():
        print(line)
