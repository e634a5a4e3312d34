// Command harness measures one version of the capstone against the baseline: the package
// capcheck/yours is the learner's copy, capcheck/baseline the course's. gomemlab builds it twice
// in scratch modules: once with your version as capcheck/yours, once with a copy of the baseline
// there, so the baseline is measured in a program that holds none of your code (your package's
// init cannot slow it down), and runs one job per process, the two versions alternating. Every
// job prints one JSON object (bench prints a Go benchmark line, then a "verify" line).
//
//	harness correct -seed S              the reports of both on fresh inputs, compared
//	harness bench -impl yours -lines N   one benchmark run (testing.Benchmark) of N-line inputs
//	harness gc -impl yours -lines N -rounds K    GC's share of the CPU over a fixed workload
//	harness heap -impl yours -lines N [-key K]    the peak heap while a streamed input is aggregated
//	harness heapdiff -impl yours -lines N -key K  where the heap job's report of yours differs
//	harness leak -impl yours             goroutines left after three runs (and goroutineleak)
//
// Measured runs never read the same bytes twice: each reads its own pick of the seed's lines,
// chosen by a key drawn inside the job after your package's init ran, with the "time" digits
// (which no report shows) scrambled. A report remembered from an earlier run, or worked out from
// the seed in advance, does not fit; sampled runs of your version are compared with the
// baseline's report of the same input ("verify"), so skipping work when the input looks like a
// measured one is seen as well. The heap job of yours runs first, on a key it draws; the
// baseline's heap job then reads the same input (-key) and the two reports' digests are
// compared by gomemlab, so the baseline streams the input once per check, not twice. A job in
// which the version started another program (which could do the work where no measurement
// reaches) ends with status 3 instead of its result.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
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
		fail("usage: harness correct|bench|gc|heap|heapdiff|leak [flags]")
	}
	job := os.Args[1]
	flags := flag.NewFlagSet(job, flag.ExitOnError)
	impl := flags.String("impl", "yours", "baseline or yours")
	seed := flags.Uint64("seed", 1, "the inputs' seed")
	lines := flags.Int("lines", 10000, "lines per input")
	rounds := flags.Int("rounds", 20, "inputs aggregated by the gc job")
	benchtime := flags.String("benchtime", "300ms", "the bench job's -test.benchtime (a time, or Nx)")
	key := flags.Uint64("key", 0, "the heap jobs' input key (0: drawn in the job)")
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
		emit(gcShare(run, *impl, *seed, *lines, *rounds))
	case "heap":
		emit(peakHeap(run, *seed, *lines, *key))
	case "heapdiff":
		emit(heapDiff(run, *seed, *lines, *key))
	case "leak":
		emit(leaks(run, *impl, *seed))
	default:
		fail("no job " + job)
	}
	if startedProcess() {
		// its work done elsewhere, where the job's measurements do not reach
		fmt.Fprintln(os.Stderr, "harness: started a process")
		os.Exit(startedExit)
	}
}

// startedExit is the harness's exit status when the version it ran started another program.
const startedExit = 3

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
			return correctness{Cases: i + 1, Difference: differ(want, got, problem, n, s)}
		}
	}
	return correctness{Cases: len(sizes)}
}

// differ says where two reports first differ.
func differ(want, got, problem string, lines int, seed uint64) *difference {
	wantLines, gotLines := strings.Split(want, "\n"), strings.Split(got, "\n")
	k := 0
	for k < len(wantLines) && k < len(gotLines) && wantLines[k] == gotLines[k] {
		k++
	}
	d := &difference{Lines: lines, Seed: seed, Line: k + 1, Problem: problem}
	if k < len(wantLines) {
		d.Want = wantLines[k]
	}
	if k < len(gotLines) {
		d.Got = gotLines[k]
	}
	return d
}

var sink atomic.Int64

// pool is a generated input with a quarter more lines than a measured run reads.
type pool struct {
	data   []byte
	starts []int // where each line starts, and len(data) last
	order  []int
	lines  int
	pcg    rand.PCG
	rng    *rand.Rand
}

func newPool(seed uint64, lines int) *pool {
	p := &pool{data: baseline.Generate(seed, lines+lines/4), starts: []int{0}, lines: lines}
	for i, c := range p.data {
		if c == '\n' {
			p.starts = append(p.starts, i+1)
		}
	}
	p.order = make([]int, len(p.starts)-1)
	p.rng = rand.New(&p.pcg)
	return p
}

// input writes the input of the run `key` into buf: `lines` of the pool's lines, picked and
// ordered by the key, their "time" digits scrambled. The report does not depend on line order
// or on the time field, only on which lines were picked.
func (p *pool) input(buf []byte, key uint64) []byte {
	p.pcg.Seed(key, 0x5eed)
	for i := range p.order {
		p.order[i] = i
	}
	p.rng.Shuffle(len(p.order), func(i, j int) { p.order[i], p.order[j] = p.order[j], p.order[i] })
	buf = buf[:0]
	for _, i := range p.order[:min(p.lines, len(p.order))] {
		start := len(buf)
		buf = append(buf, p.data[p.starts[i]:p.starts[i+1]]...)
		scrambleTime(buf[start:], p.rng)
	}
	return buf
}

var timeField = []byte(`"time":"`)

// scrambleTime replaces the microsecond digits of a line's time ("2026-12-07T05:04:09.123456Z")
// with random ones; a line cut short keeps its length and stays malformed.
func scrambleTime(line []byte, rng *rand.Rand) {
	i := bytes.Index(line, timeField)
	if i < 0 {
		return
	}
	value := line[i+len(timeField):]
	for k := 20; k < 26 && k < len(value) && '0' <= value[k] && value[k] <= '9'; k++ {
		value[k] = byte('0' + rng.IntN(10))
	}
}

// measured remembers which input each measured run read and a digest of the report it wrote.
type measured struct {
	keys    []uint64
	digests [][sha256.Size]byte
	out     bytes.Buffer
}

// aggregate runs one version on `input` and writes its report into m.out.
func (m *measured) aggregate(run aggregate, input []byte) {
	rep, err := run(bytes.NewReader(input))
	if err != nil {
		fail(err.Error())
	}
	m.out.Reset()
	n, _ := rep.WriteTo(&m.out)
	sink.Add(n)
}

func (m *measured) remember(key uint64) {
	m.keys = append(m.keys, key)
	m.digests = append(m.digests, sha256.Sum256(m.out.Bytes()))
}

// Verification is what a job found when it compared sampled runs of your version with the
// baseline's report of the same input.
type Verification struct {
	Runs     int         `json:"runs"`
	Compared int         `json:"compared"`
	Diff     *difference `json:"difference,omitempty"`
}

const sampled = 2

// verify compares `sampled` runs, picked at random, with the baseline's report of their input
// (after the measuring, in the same process). The baseline needs no verifying.
func (m *measured) verify(impl string, p *pool, seed uint64) Verification {
	v := Verification{Runs: len(m.keys)}
	if impl == "baseline" {
		return v
	}
	var buf []byte
	for _, k := range rand.Perm(len(m.keys))[:min(sampled, len(m.keys))] {
		buf = p.input(buf, m.keys[k])
		want, problem := report(impls["baseline"], bytes.NewReader(buf))
		if problem != "" {
			fail("the baseline failed: " + problem)
		}
		v.Compared++
		if sha256.Sum256([]byte(want)) != m.digests[k] {
			got, problem := report(impls[impl], bytes.NewReader(buf))
			v.Diff = differ(want, got, problem, p.lines, seed)
			if v.Diff.Want == "" && v.Diff.Got == "" && problem == "" {
				v.Diff.Problem = "while being measured, your version wrote another report " +
					"than it writes for the same input now"
			}
			return v
		}
	}
	return v
}

// bench prints one line in Go's benchmark format, for gomemlab's benchmark parser, and a line
// "verify {json}" (see verify).
func bench(run aggregate, impl string, seed uint64, lines int, benchtime string) {
	p := newPool(seed, lines)
	if err := flag.Set("test.benchtime", benchtime); err != nil {
		fail(err.Error())
	}
	m := &measured{}
	var buf []byte
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer() // making the input is not measured
			key := rand.Uint64()
			buf = p.input(buf, key)
			b.StartTimer()
			m.aggregate(run, buf)
			b.StopTimer()
			m.remember(key)
			b.StartTimer()
		}
	})
	if r.N == 0 {
		fail("the benchmark did not run: Aggregate failed on generated input")
	}
	fmt.Printf("BenchmarkAggregate/impl=%s-%d\t%d\t%d ns/op\t%d B/op\t%d allocs/op\n",
		impl, runtime.GOMAXPROCS(0), r.N, r.NsPerOp(), r.AllocedBytesPerOp(), r.AllocsPerOp())
	line, err := json.Marshal(m.verify(impl, p, seed))
	if err != nil {
		fail(err.Error())
	}
	fmt.Printf("verify %s\n", line)
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
	GCSeconds     float64      `json:"gc_seconds"`
	IdleGCSeconds float64      `json:"idle_gc_seconds"`
	UserSeconds   float64      `json:"user_seconds"`
	Cycles        float64      `json:"cycles"`
	Share         float64      `json:"share"`
	TotalSeconds  float64      `json:"total_seconds"`
	AllocBytes    float64      `json:"alloc_bytes"`
	WallSeconds   float64      `json:"wall_seconds"`
	Verify        Verification `json:"verify"`
}

// gcShare aggregates `rounds` inputs of `lines` lines (each its own pick of the pool, made in a
// reused buffer: making it allocates nothing) and returns the GC's share of the CPU the
// program used: GC time, less the idle-priority mark workers' (they run only on a P that had
// nothing else to do: time no goroutine of the program lost), over that plus user and scavenger
// time. These are runtime/metrics' estimates, brought up to date at each GC. Counting the idle
// workers would make the share of a one-goroutine program on two Ps follow how long each mark
// phase lasts on the wall clock, which a busy machine stretches.
func gcShare(run aggregate, impl string, seed uint64, lines, rounds int) share {
	p := newPool(seed, lines)
	m := &measured{keys: make([]uint64, 0, rounds), digests: make([][sha256.Size]byte, 0, rounds)}
	buf := make([]byte, 0, len(p.data))
	runtime.GC()
	before := read(cpuClasses...)
	start := time.Now()
	for range rounds {
		key := rand.Uint64()
		buf = p.input(buf, key)
		m.aggregate(run, buf)
		m.remember(key)
	}
	runtime.GC() // brings the CPU estimates up to date
	after := read(cpuClasses...)
	wall := time.Since(start).Seconds()
	gc, idle, user, scav := after[0]-before[0], after[1]-before[1], after[2]-before[2], after[3]-before[3]
	cost := gc - idle
	return share{
		GCSeconds: gc, IdleGCSeconds: idle, UserSeconds: user, Cycles: after[4] - before[4],
		Share:        cost / (cost + user + scav),
		TotalSeconds: after[5] - before[5], AllocBytes: after[6] - before[6],
		WallSeconds: wall, Verify: m.verify(impl, p, seed),
	}
}

// streamed is a generated input made as it is read, like baseline.NewInput, of `lines` lines:
// of the lines of NewInput(seed, lines+lines/4) it keeps `lines`, chosen by the key as it goes
// (each line is kept with probability lines still wanted / lines still to come), their "time"
// digits scrambled. The same seed and key give the same input.
type streamed struct {
	in            *bufio.Reader
	rng           *rand.Rand
	wanted, ahead int
	line, pending []byte
}

func newStreamed(seed uint64, lines int, key uint64) *streamed {
	return &streamed{
		in:     bufio.NewReader(baseline.NewInput(seed, lines+lines/4)),
		rng:    rand.New(rand.NewPCG(key, 0x5eed)),
		wanted: lines,
		ahead:  lines + lines/4,
	}
}

func (s *streamed) Read(p []byte) (int, error) {
	for len(s.pending) == 0 {
		if s.wanted == 0 {
			return 0, io.EOF
		}
		line, err := s.in.ReadSlice('\n')
		if err != nil {
			return 0, err // the generator's lines all end in '\n' and are short
		}
		if s.rng.IntN(s.ahead) < s.wanted {
			s.line = append(s.line[:0], line...)
			scrambleTime(s.line, s.rng)
			s.pending = s.line
			s.wanted--
		}
		s.ahead--
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

type peak struct {
	PeakBytes  float64 `json:"peak_bytes"`
	LimitBytes float64 `json:"limit_bytes"`
	Cycles     float64 `json:"cycles"`
	Seconds    float64 `json:"seconds"`
	Key        uint64  `json:"key"`
	Report     string  `json:"report_sha256"`
}

// peakHeap aggregates an input made as it is read (so the input is not in memory unless the
// implementation keeps it) and samples the heap's live-and-dead object bytes every millisecond;
// the limit is whatever GOMEMLIMIT the caller set. The input is the one `key` picks, or (key 0)
// one drawn here, after the package's init ran; the result names the key and the report's
// digest, which gomemlab compares with the baseline's report of the same input.
func peakHeap(run aggregate, seed uint64, lines int, key uint64) peak {
	const objects = "/memory/classes/heap/objects:bytes"
	for key == 0 {
		key = rand.Uint64()
	}
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
	rep, err := run(newStreamed(seed, lines, key))
	if err != nil {
		fail(err.Error())
	}
	if v := uint64(read(objects)[0]); v > highest.Load() {
		highest.Store(v)
	}
	var out bytes.Buffer
	rep.WriteTo(&out)
	close(done)
	<-stopped
	return peak{
		PeakBytes:  float64(highest.Load()),
		LimitBytes: read("/gc/gomemlimit:bytes")[0],
		Cycles:     read("/gc/cycles/total:gc-cycles")[0] - before,
		Seconds:    time.Since(start).Seconds(),
		Key:        key,
		Report:     fmt.Sprintf("%x", sha256.Sum256(out.Bytes())),
	}
}

// heapDiff says where your report of the heap job's input `key` differs from the baseline's
// (run only once the two heap jobs' digests differed): both read the input again here.
func heapDiff(run aggregate, seed uint64, lines int, key uint64) Verification {
	want, problem := report(impls["baseline"], newStreamed(seed, lines, key))
	if problem != "" {
		fail("the baseline failed: " + problem)
	}
	got, problem := report(run, newStreamed(seed, lines, key))
	v := Verification{Runs: 1, Compared: 1, Diff: differ(want, got, problem, lines, seed)}
	if got == want && problem == "" {
		v.Diff.Problem = "while being measured, your version wrote another report " +
			"than it writes for the same input now"
	}
	return v
}

type leaked struct {
	Leaked    int          `json:"leaked"`
	Lingering int          `json:"lingering"`
	Stacks    []string     `json:"stacks"`
	Verify    Verification `json:"verify"`
}

// linger is how long goroutines an Aggregate started may take to end after it returned.
const linger = time.Second

// leaks runs the implementation three times, then counts the goroutines that still exist a
// while after (any your package started before the first run, in its init, are not counted)
// and asks the goroutineleak profile (a GC cycle that finds goroutines blocked on something no
// running goroutine can reach). A goroutine blocked on a channel a global variable holds, or
// sleeping, is not in that profile, but it is counted as lingering.
func leaks(run aggregate, impl string, seed uint64) leaked {
	p := newPool(seed, 500)
	m := &measured{}
	var buf []byte
	start := runtime.NumGoroutine()
	for range 3 {
		key := rand.Uint64()
		buf = p.input(buf, key)
		m.aggregate(run, buf)
		m.remember(key)
	}
	for deadline := time.Now().Add(linger); runtime.NumGoroutine() > start && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	var result leaked
	result.Lingering = max(0, runtime.NumGoroutine()-start)
	var out bytes.Buffer
	if err := pprof.Lookup("goroutineleak").WriteTo(&out, 1); err != nil {
		fail(err.Error())
	}
	text := out.String()
	fmt.Sscanf(text, "goroutineleak profile: total %d", &result.Leaked)
	_, stacks, _ := strings.Cut(text, "\n")
	for _, block := range strings.Split(stacks, "\n\n") {
		if block = strings.TrimSpace(block); block != "" {
			result.Stacks = append(result.Stacks, block)
		}
	}
	result.Verify = m.verify(impl, p, seed)
	return result
}
