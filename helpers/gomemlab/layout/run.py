"""Run the layout sample (or a struct-measuring snippet) and return frozen results."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import binaries as _binaries
from .. import programs, settings, toolchain, validate, workspace
from ..bench.run import run_cached as _bench_run_cached
from ..deprecation import deprecated
from ..errors import ParseError, UsageError, WorkspaceError
from ..provenance import Provenance
from .parse import parse_lines, parse_scan_stats, parse_size_classes
from .records import OtherLine, ScanRecord, StackRecord
from .result import Layout, ScanReport, SizeClasses, SizeSweep, StackReport

TOPIC = "layout"
SIZE_CLASS_FILES = ("src/internal/runtime/gc/sizeclasses.go", "src/runtime/sizeclasses.go")
"""Where the generated class table lives under GOROOT (Go 1.25+ first, then older releases)."""
FULL_SCAN_ELEMENTS = 1 << 18
QUICK_SCAN_ELEMENTS = 1 << 17
BENCH_ITERATIONS = "2000x"
"""B/op and allocs/op are counts per operation: a fixed 2000 iterations measure them."""
BENCH_COUNT = 3
"""Runs per size: a stray allocation elsewhere in the process only adds bytes to one run, so
the fewest B/op of three runs is the object's cost."""

_TYPE_NAME = re.compile(r"^type\s+([A-Za-z_]\w*)\s+struct\b", re.MULTILINE)

_HARNESS = """package main

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"testing"
	"unsafe"
)

%(source)s

var layoutSink any

func layoutHasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Chan,
		reflect.Func, reflect.Interface, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() > 0 && layoutHasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if layoutHasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

func layoutDescribe[T any](enc *json.Encoder, name string, bench bool) {
	var zero T
	t := reflect.TypeFor[T]()
	enc.Encode(map[string]any{"kind": "struct", "name": name, "size": unsafe.Sizeof(zero),
		"align": unsafe.Alignof(zero), "fields": t.NumField()})
	for i := range t.NumField() {
		f := t.Field(i)
		enc.Encode(map[string]any{"kind": "field", "struct": name, "index": i, "name": f.Name,
			"type": f.Type.String(), "offset": f.Offset, "size": f.Type.Size(),
			"align": f.Type.Align(), "pointers": layoutHasPointers(f.Type)})
	}
	if !bench {
		return
	}
	// the fewest of %(count)d runs: an allocation elsewhere in the process only ever adds
	var best testing.BenchmarkResult
	for i := range %(count)d {
		r := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				layoutSink = new(T)
			}
		})
		if i == 0 || r.AllocedBytesPerOp() < best.AllocedBytesPerOp() {
			best = r
		}
	}
	enc.Encode(map[string]any{"kind": "alloc", "name": name,
		"bytes_per_op": best.AllocedBytesPerOp(), "allocs_per_op": best.AllocsPerOp(),
		"iterations": best.N})
}

func main() {
	testing.Init()
	flag.Set("test.benchtime", "%(benchtime)s")
	flag.Parse()
	enc := json.NewEncoder(os.Stdout)
%(calls)s}
"""


def _run_sample(
    args: Sequence[str], timeout: float, godebug: str | None = None
) -> toolchain.Completed:
    """Run the layout sample's program, built once and reused (`gomemlab.binaries`), with
    `godebug` added after any GODEBUG settings of the environment (the last setting wins)."""
    binary, built = _binaries.program(workspace.resolve(TOPIC), timeout)
    env = toolchain.go_env()
    if godebug:
        env["GODEBUG"] = ",".join(x for x in (env.get("GODEBUG", ""), godebug) if x)
    done = toolchain.run(
        [binary, *args],
        cwd=workspace.scratch_dir(f"run-{TOPIC}"),
        env=env,
        timeout=timeout,
    ).check_run()
    return dataclasses.replace(done, build_seconds=built, go_version=toolchain.find_go().version)


def benchmarks(
    pattern: str = ".",
    *,
    benchtime: str = BENCH_ITERATIONS,
    count: int = BENCH_COUNT,
    timeout: float = 300.0,
):
    """The sample's benchmarks matching `pattern`, with `-benchmem`, from its test binary
    (built once with `go test -c`, then reused), as a `gm.bench.BenchResult`."""
    from ..bench.run import validate_benchtime

    return _bench_run_cached(
        TOPIC,
        validate.pattern(pattern, "pattern"),
        benchtime=validate_benchtime(benchtime),
        count=validate.count(count, "count", maximum=100),
        timeout=validate.timeout(timeout),
    )


def run(
    source: str | None = None,
    *,
    names: Sequence[str] | None = None,
    bench: bool = True,
    timeout: float = 120.0,
) -> Layout:
    """Struct layouts as Go's `unsafe` reports them. Without `source`: the sample's structs
    and built-in types (`layout layout`). With `source` (Go type declarations, no package
    clause or imports): a program made of them reports each struct's
    `unsafe.Sizeof`/`Alignof`/`Offsetof` (of `names`, default every struct) and, with
    `bench`, the B/op and allocs/op of `new(T)` measured by `testing.Benchmark` (the fewest
    of `BENCH_COUNT` runs)."""
    if source is None:
        if names is not None:
            raise UsageError("names= picks structs of your source: pass the source too")
        done = _run_sample(["layout"], validate.timeout(timeout))
        return Layout(parse_lines(done.stdout), done.provenance)
    return _declared(source, names=names, bench=bench, timeout=timeout)


@deprecated("gm.layout.run()")
def layouts(*, timeout: float = 120.0) -> Layout:
    """The old name of `run()` (every entry point that starts Go is called `run`)."""
    return run(timeout=timeout)


@deprecated("gm.layout.run(source)")
def measure(source: str, **options: Any) -> Layout:
    """The old name of `run(source)` (`measure` also named the releases' live matrix)."""
    return run(source, **options)


def struct_names(source: str) -> list[str]:
    """The struct types `source` declares (`type Name struct`), in order."""
    return _TYPE_NAME.findall(validate.text(source, "source"))


def _declared(source: str, *, names: Sequence[str] | None, bench: bool, timeout: float) -> Layout:
    """`run(source)`: the layouts of the structs `source` declares."""
    source = validate.text(source, "source")
    timeout = validate.timeout(timeout)
    if re.search(r"^\s*(package|import)\b", source, re.MULTILINE):
        raise UsageError(
            "source holds declarations only: leave out `package` and `import` "
            "(the lab supplies them)"
        )
    if names is not None and (isinstance(names, str) or not isinstance(names, Sequence)):
        raise UsageError(f'names must be a list of type names like ["A"], not {names!r:.60}')
    chosen = list(names) if names is not None else struct_names(source)
    generic = re.findall(r"^\s*type\s+([A-Za-z_]\w*)\s*\[[^\]]*\]\s*struct\b", source, re.M)
    if not chosen and generic:
        raise UsageError(
            f"{generic[0]} is generic: a generic type has no layout until it is instantiated. "
            f"Add e.g. `type {generic[0]}Int = {generic[0]}[int]` and pass "
            f'names=["{generic[0]}Int"]'
        )
    if not chosen:
        raise UsageError("source declares no struct type (`type Name struct { ... }`)")
    for name in chosen:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise UsageError(f"{name!r} is not a Go type name")
    calls = "".join(f'\tlayoutDescribe[{n}](enc, "{n}", {str(bench).lower()})\n' for n in chosen)
    package = workspace.snippet(
        _HARNESS
        % {"source": source, "calls": calls, "benchtime": BENCH_ITERATIONS, "count": BENCH_COUNT},
        label="layout-measure",
    )
    done = programs.run(package, timeout=timeout)
    return Layout(parse_lines(done.stdout), done.provenance)


def size_class_file(goroot: str | Path | None = None) -> Path:
    """The toolchain's `sizeclasses.go` (WorkspaceError if this GOROOT has none)."""
    if goroot is not None and not isinstance(goroot, str | os.PathLike):
        raise UsageError(f"goroot must be a folder (a path), not {type(goroot).__name__}")
    root = Path(goroot) if goroot is not None else toolchain.find_go().goroot
    for rel in SIZE_CLASS_FILES:
        if (root / rel).is_file():
            return root / rel
    raise WorkspaceError(
        f"no sizeclasses.go under {root} (looked for "
        f"{', '.join(SIZE_CLASS_FILES)}): is GOROOT complete?"
    )


def size_classes(goroot: str | Path | None = None) -> SizeClasses:
    """The runtime's size-class table, parsed from the toolchain's own source file."""
    path = size_class_file(goroot)
    go = toolchain.find_go()
    shown = "$GOROOT/" + next(r for r in SIZE_CLASS_FILES if path.as_posix().endswith(r))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"{path} is not UTF-8 text ({error.reason} at byte {error.start}): is GOROOT intact?"
        ) from None
    return SizeClasses(
        parse_size_classes(text),
        shown,
        Provenance.of(go_version=go.version, files=[path]),
    )


def alloc_rows(frame: pd.DataFrame) -> tuple[tuple[int, float, float], ...]:
    """(bytes, B/op, allocs/op) of the `Alloc/bytes=N` runs in a BenchResult's frame (the
    size is read from the benchmark's name); repeated runs that measured the same are kept
    once, runs that disagree all stay."""
    rows: dict[tuple[int, float, float], None] = {}
    for name, b_per_op, allocs in zip(
        frame["name"], frame["B/op"], frame["allocs/op"], strict=True
    ):
        size = re.search(r"^Alloc/bytes=(\d+)$", str(name))
        if size:
            rows[(int(size.group(1)), float(b_per_op), float(allocs))] = None
    return tuple(rows)


def alloc_sweep(benchmarks=None, *, timeout: float = 600.0) -> SizeSweep:
    """B/op of the sample's `BenchmarkAlloc/bytes=N` sweep, beside the class table.

    `benchmarks` is a BenchResult that already ran `BenchmarkAlloc` (e.g. with the other
    benchmarks of the sample, in one `go test`); without it the sweep runs now.
    """
    if benchmarks is not None and not hasattr(benchmarks, "frame"):
        raise UsageError(
            "benchmarks must be a BenchResult that ran BenchmarkAlloc (from gm.bench.run or "
            f"gm.layout.benchmarks), not {type(benchmarks).__name__} {benchmarks!r:.60}"
        )
    if benchmarks is None:
        benchmarks = _bench_run_cached(
            TOPIC,
            "^BenchmarkAlloc$",
            benchtime=BENCH_ITERATIONS,
            count=BENCH_COUNT,
            timeout=validate.timeout(timeout),
        )
    measured = alloc_rows(benchmarks.frame)
    if not measured:
        raise UsageError("the benchmarks hold no BenchmarkAlloc/bytes=N results")
    provenance = getattr(benchmarks, "provenance", None)
    if not isinstance(provenance, Provenance):
        provenance = Provenance.of(
            getattr(benchmarks, "command", ()) or (), go_version=toolchain.find_go().version
        )
    return SizeSweep(measured, size_classes(), provenance)


def scan(*, n: int | None = None, gcs: int | None = None, timeout: float = 300.0) -> ScanReport:
    """What each of the sample's working sets costs the collector (`layout -n N scan`, run with
    `GODEBUG=gctrace=2` so the runtime also reports which scanner path ran: `ScanReport.scanner`).
    Defaults: 256 Ki elements and 5 timed collections (quick mode: 128 Ki and 3)."""
    quick = settings.quick()
    n = validate.count(
        n if n is not None else (QUICK_SCAN_ELEMENTS if quick else FULL_SCAN_ELEMENTS), "n"
    )
    gcs = validate.count(gcs if gcs is not None else (3 if quick else 5), "gcs", maximum=100)
    timeout = validate.timeout(timeout)
    done = _run_sample(["-n", str(n), "-gcs", str(gcs), "scan"], timeout, godebug="gctrace=2")
    records = tuple(r for r in parse_lines(done.stdout) if isinstance(r, ScanRecord))
    return ScanReport(records, done.provenance, scanner=parse_scan_stats(done.stderr))


def sizes_hold(goarch: str, declarations: str, expect: Mapping[str, int]) -> bool:
    """Whether the compiler, building `declarations` (Go types; `unsafe` and `sync/atomic`
    are imported for them) for GOARCH=`goarch`, agrees with every `expression: value` of
    `expect`: each pair becomes two constants, value - expression and expression - value,
    and a negative constant of an unsigned type does not compile. Nothing runs, so any
    architecture Go supports can be asked."""
    goarch = validate.text(goarch, "goarch")
    checks = "".join(f"\t_ = {e} - {v}\n\t_ = {v} - {e}\n" for e, v in expect.items())
    imports = '\t"unsafe"\n' + ('\t"sync/atomic"\n' if "atomic." in declarations else "")
    source = f"package arch\n\nimport (\n{imports})\n\n{declarations}\n\nconst (\n{checks})\n"
    package = workspace.snippet({"arch.go": source}, label="arch")
    return toolchain.go("build", ".", cwd=package.module_dir, env={"GOARCH": goarch}).ok


def stack(*, depth: int = 64, timeout: float = 60.0) -> StackReport:
    """A goroutine's stack growing under `depth` calls of 1 KiB frames (`layout stack`)."""
    depth = validate.count(depth, "depth", minimum=0, maximum=100_000)
    timeout = validate.timeout(timeout)
    done = _run_sample(["-depth", str(depth), "stack"], timeout)
    records = [r for r in parse_lines(done.stdout) if isinstance(r, StackRecord)]
    if len(records) != 1:
        raise UsageError(f"expected one stack line, got {len(records)}")
    return StackReport(records[0], done.provenance)


_WORKING_SET_HARNESS = """package main

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"runtime"
	"runtime/metrics"
	"time"
)

%(source)s

func wsRead(names ...string) []metrics.Sample {
	samples := make([]metrics.Sample, len(names))
	for i, name := range names {
		samples[i].Name = name
	}
	metrics.Read(samples)
	return samples
}

func main() {
	n := flag.Int("n", 1<<18, "elements")
	gcs := flag.Int("gcs", 3, "timed collections")
	flag.Parse()
	ws := newWorkingSet(*n)
	runtime.GC()
	runtime.GC()
	before := wsRead("/gc/scan/heap:bytes", "/gc/heap/live:bytes")
	var cpuSum, wallSum, cpuMin, wallMin float64
	for i := range *gcs {
		cpu := wsRead("/cpu/classes/gc/total:cpu-seconds")[0].Value.Float64()
		start := time.Now()
		runtime.GC()
		wall := time.Since(start).Seconds()
		cpu = wsRead("/cpu/classes/gc/total:cpu-seconds")[0].Value.Float64() - cpu
		cpuSum, wallSum = cpuSum+cpu, wallSum+wall
		if i == 0 || cpu < cpuMin {
			cpuMin = cpu
		}
		if i == 0 || wall < wallMin {
			wallMin = wall
		}
	}
	sum := ws.Sum()
	elem, shape := reflect.TypeOf(ws), reflect.TypeOf(ws).String()
	if elem.Kind() == reflect.Slice {
		elem = elem.Elem()
		shape = "[]" + elem.String()
	}
	enc := json.NewEncoder(os.Stdout)
	enc.Encode(map[string]any{"kind": "scan", "shape": shape,
		"elements": *n, "element_bytes": elem.Size(),
		"heap_scan_bytes": before[0].Value.Uint64(), "live_bytes": before[1].Value.Uint64(),
		"gc_cpu_seconds": cpuSum / float64(*gcs), "gc_wall_seconds": wallSum / float64(*gcs),
		"gc_cpu_seconds_min": cpuMin, "gc_wall_seconds_min": wallMin, "cycles": *gcs})
	enc.Encode(map[string]any{"kind": "sum", "value": sum})
	runtime.KeepAlive(ws)
}
"""


def working_set(
    source: str, *, n: int = 1 << 18, gcs: int = 3, timeout: float = 120.0
) -> tuple[ScanReport, int]:
    """Build the working set `source` declares and measure what it costs the collector.

    `source` (declarations, with any `import` lines it needs) defines `type WorkingSet ...`,
    `func newWorkingSet(n int) WorkingSet` and `func (WorkingSet) Sum() int`.
    Returns the ScanReport of its one row and `Sum()`.
    """
    source = validate.text(source, "source")
    n = validate.count(n, "n")
    gcs = validate.count(gcs, "gcs", maximum=100)
    timeout = validate.timeout(timeout)
    imports = re.findall(r'^import\s+(?:\(\s*([^)]*)\)|("[^"]+"))', source, re.MULTILINE)
    body = re.sub(r'^import\s+(?:\([^)]*\)|"[^"]+")', "", source, flags=re.MULTILINE)
    body = re.sub(r"^package\s+\w+\s*$", "", body, flags=re.MULTILINE)
    extra = sorted(
        {p for group in imports for text in group for p in re.findall(r'"([^"]+)"', text)}
        - {"encoding/json", "flag", "os", "reflect", "runtime", "runtime/metrics", "time"}
    )
    harness = _WORKING_SET_HARNESS % {"source": body}
    if extra:
        harness = harness.replace(
            "import (\n", "import (\n" + "".join(f'\t"{p}"\n' for p in extra), 1
        )
    package = workspace.snippet(harness, label="layout-working-set")
    done = programs.run(package, ["-n", str(n), "-gcs", str(gcs)], timeout=timeout)
    records = parse_lines(done.stdout)
    scans = tuple(r for r in records if isinstance(r, ScanRecord))
    sums = [r for r in records if isinstance(r, OtherLine) and r.kind == "sum"]
    if len(scans) != 1 or len(sums) != 1 or not isinstance(sums[0].data.get("value"), int):
        raise UsageError("the working-set program printed no scan or sum line")
    return ScanReport(scans, done.provenance), int(sums[0].data["value"])
