// Command harness measures one version of the capstone against the baseline: the package
// capcheck/yours is the learner's copy, capcheck/baseline the course's. gomemlab builds it in a
// scratch module and runs one job per process, so the baseline and yours alternate in separate,
// equal processes. Every job prints one JSON object (bench prints a Go benchmark line).
//
//	harness correct -seed S              the reports of both on fresh inputs, compared
//	harness bench -impl yours -lines N   one benchmark run (testing.Benchmark) of N-line inputs
//	harness gc -impl yours -lines N -rounds K    GC's share of the CPU over a fixed workload
//	harness heap -impl yours -lines N    the peak heap while a streamed input is aggregated
//	harness leak -impl yours             the goroutineleak profile after three runs
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	baseline "capcheck/baseline"
	yours "capcheck/yours"
)

type aggregate func(io.Reader) (io.WriterTo, error)

var impls = map[string]aggregate{
	"baseline": func(r io.Reader) (io.WriterTo, error) { return baseline.Aggregate(r) },
	"yours":    func(r io.Reader) (io.WriterTo, error) { return yours.Aggregate(r) },
}

func main() {
	testing.Init()
	if len(os.Args) < 2 {
		fail("usage: harness correct|bench|gc|heap|leak [flags]")
	}
	job := os.Args[1]
	flags := flag.NewFlagSet(job, flag.ExitOnError)
	impl := flags.String("impl", "yours", "baseline or yours")
	seed := flags.Uint64("seed", 1, "the inputs' seed")
	lines := flags.Int("lines", 10000, "lines per input")
	rounds := flags.Int("rounds", 20, "inputs aggregated by the gc job")
	benchtime := flags.String("benchtime", "300ms", "the bench job's -test.benchtime (a time, or Nx)")
	flags.Parse(os.Args[2:])
	run, ok := impls[*impl]
	if !ok {
		fail("no implementation " + *impl)
	}
	switch job {
	case "correct":
		emit(correct(*seed))
	case "bench":
		bench(run, *impl, *seed, *lines, *benchtime)
	case "gc":
		emit(gcShare(run, *seed, *lines, *rounds))
	case "heap":
		emit(peakHeap(run, *seed, *lines))
	case "leak":
		emit(leaks(run, *seed))
	default:
		fail("no job " + job)
	}
}

func emit(v any) {
	if err := json.NewEncoder(os.Stdout).Encode(v); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "harness:", msg)
	os.Exit(2)
}

// report runs one implementation and returns its report, or the error or panic it gave.
func report(run aggregate, input io.Reader) (text string, problem string) {
	defer func() {
		if p := recover(); p != nil {
			problem = fmt.Sprint("panic: ", p)
		}
	}()
	rep, err := run(input)
	if err != nil {
		return "", "error: " + err.Error()
	}
	var out bytes.Buffer
	if _, err := rep.WriteTo(&out); err != nil {
		return "", "WriteTo error: " + err.Error()
	}
	return out.String(), ""
}

// chunks hands out its data in pieces of random size, as a network or a pipe would.
type chunks struct {
	data []byte
	rng  *rand.Rand
}

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), 1+c.rng.IntN(4096))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

type difference struct {
	Lines   int    `json:"lines"`
	Seed    uint64 `json:"seed"`
	Line    int    `json:"line"`
	Want    string `json:"want"`
	Got     string `json:"got"`
	Problem string `json:"problem,omitempty"`
}

type correctness struct {
	Cases      int         `json:"cases"`
	Difference *difference `json:"difference,omitempty"`
}

// correct compares both reports on inputs from a fresh seed: empty, tiny, and up to 30 000
// lines, the learner's read in chunks of random size.
func correct(seed uint64) correctness {
	sizes := []int{0, 1, 7, 200, 3000, 30000}
	for i, n := range sizes {
		s := seed + uint64(i)
		data := baseline.Generate(s, n)
		want, problem := report(impls["baseline"], bytes.NewReader(data))
		if problem != "" {
			fail("the baseline failed: " + problem)
		}
		got, problem := report(impls["yours"], &chunks{data, rand.New(rand.NewPCG(s, 1))})
		if got != want || problem != "" {
			wantLines, gotLines := strings.Split(want, "\n"), strings.Split(got, "\n")
			k := 0
			for k < len(wantLines) && k < len(gotLines) && wantLines[k] == gotLines[k] {
				k++
			}
			d := &difference{Lines: n, Seed: s, Line: k + 1, Problem: problem}
			if k < len(wantLines) {
				d.Want = wantLines[k]
			}
			if k < len(gotLines) {
				d.Got = gotLines[k]
			}
			return correctness{Cases: i + 1, Difference: d}
		}
	}
	return correctness{Cases: len(sizes)}
}

var sink atomic.Int64

// bench prints one line in Go's benchmark format, for gomemlab's benchmark parser.
func bench(run aggregate, impl string, seed uint64, lines int, benchtime string) {
	data := baseline.Generate(seed, lines)
	if err := flag.Set("test.benchtime", benchtime); err != nil {
		fail(err.Error())
	}
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep, err := run(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			n, _ := rep.WriteTo(io.Discard)
			sink.Add(n)
		}
	})
	if r.N == 0 {
		fail("the benchmark did not run: Aggregate failed on generated input")
	}
	fmt.Printf("BenchmarkAggregate/impl=%s-%d\t%d\t%d ns/op\t%d B/op\t%d allocs/op\n",
		impl, runtime.GOMAXPROCS(0), r.N, r.NsPerOp(), r.AllocedBytesPerOp(), r.AllocsPerOp())
}

func read(names ...string) []float64 {
	samples := make([]metrics.Sample, len(names))
	for i, n := range names {
		samples[i].Name = n
	}
	metrics.Read(samples)
	values := make([]float64, len(names))
	for i, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindFloat64:
			values[i] = s.Value.Float64()
		case metrics.KindUint64:
			values[i] = float64(s.Value.Uint64())
		}
	}
	return values
}

var cpuClasses = []string{
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/user:cpu-seconds",
	"/cpu/classes/scavenge/total:cpu-seconds",
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/total:cpu-seconds",
	"/gc/heap/allocs:bytes",
}

type share struct {
	GCSeconds     float64 `json:"gc_seconds"`
	IdleGCSeconds float64 `json:"idle_gc_seconds"`
	UserSeconds   float64 `json:"user_seconds"`
	Cycles        float64 `json:"cycles"`
	Share         float64 `json:"share"`
	TotalSeconds  float64 `json:"total_seconds"`
	AllocBytes    float64 `json:"alloc_bytes"`
	WallSeconds   float64 `json:"wall_seconds"`
}

// gcShare aggregates the same input `rounds` times and returns the GC's share of the CPU the
// program used: GC time, less the idle-priority mark workers' (they run only on a P that had
// nothing else to do: time no goroutine of the program lost), over that plus user and scavenger
// time. These are runtime/metrics' estimates, brought up to date at each GC. Counting the idle
// workers would make the share of a one-goroutine program on two Ps follow how long each mark
// phase lasts on the wall clock, which a busy machine stretches.
func gcShare(run aggregate, seed uint64, lines, rounds int) share {
	data := baseline.Generate(seed, lines)
	runtime.GC()
	before := read(cpuClasses...)
	start := time.Now()
	for range rounds {
		rep, err := run(bytes.NewReader(data))
		if err != nil {
			fail(err.Error())
		}
		n, _ := rep.WriteTo(io.Discard)
		sink.Add(n)
	}
	runtime.GC() // brings the CPU estimates up to date
	after := read(cpuClasses...)
	gc, idle, user, scav := after[0]-before[0], after[1]-before[1], after[2]-before[2], after[3]-before[3]
	cost := gc - idle
	return share{
		GCSeconds: gc, IdleGCSeconds: idle, UserSeconds: user, Cycles: after[4] - before[4],
		Share:        cost / (cost + user + scav),
		TotalSeconds: after[5] - before[5], AllocBytes: after[6] - before[6],
		WallSeconds: time.Since(start).Seconds(),
	}
}

type peak struct {
	PeakBytes  float64 `json:"peak_bytes"`
	LimitBytes float64 `json:"limit_bytes"`
	Cycles     float64 `json:"cycles"`
	Seconds    float64 `json:"seconds"`
}

// peakHeap aggregates an input made as it is read (so the input is not in memory unless the
// implementation keeps it) and samples the heap's live-and-dead object bytes every millisecond;
// the limit is whatever GOMEMLIMIT the caller set.
func peakHeap(run aggregate, seed uint64, lines int) peak {
	const objects = "/memory/classes/heap/objects:bytes"
	runtime.GC()
	var highest atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if v := uint64(read(objects)[0]); v > highest.Load() {
				highest.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	before := read("/gc/cycles/total:gc-cycles")[0]
	rep, err := run(baseline.NewInput(seed, lines))
	if err != nil {
		fail(err.Error())
	}
	if v := uint64(read(objects)[0]); v > highest.Load() {
		highest.Store(v)
	}
	rep.WriteTo(io.Discard)
	close(done)
	<-stopped
	return peak{
		PeakBytes:  float64(highest.Load()),
		LimitBytes: read("/gc/gomemlimit:bytes")[0],
		Cycles:     read("/gc/cycles/total:gc-cycles")[0] - before,
		Seconds:    time.Since(start).Seconds(),
	}
}

type leaked struct {
	Leaked int      `json:"leaked"`
	Stacks []string `json:"stacks"`
}

// leaks runs the implementation three times, then asks the goroutineleak profile (a GC cycle
// that finds goroutines blocked on something no running goroutine can reach).
func leaks(run aggregate, seed uint64) leaked {
	for i := range 3 {
		rep, err := run(bytes.NewReader(baseline.Generate(seed+uint64(i), 500)))
		if err != nil {
			fail(err.Error())
		}
		rep.WriteTo(io.Discard)
	}
	var out bytes.Buffer
	if err := pprof.Lookup("goroutineleak").WriteTo(&out, 1); err != nil {
		fail(err.Error())
	}
	var result leaked
	text := out.String()
	fmt.Sscanf(text, "goroutineleak profile: total %d", &result.Leaked)
	_, stacks, _ := strings.Cut(text, "\n")
	for _, block := range strings.Split(stacks, "\n\n") {
		if block = strings.TrimSpace(block); block != "" {
			result.Stacks = append(result.Stacks, block)
		}
	}
	return result
}
