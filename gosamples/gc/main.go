// Command gc is the garbage collector's test subject for notebook 07.
//
// It keeps a live heap of a chosen size (a linked structure, so the collector has pointers
// to follow), then allocates short-lived objects at a chosen rate until a duration or an
// allocation budget runs out. A sampler goroutine writes runtime/metrics readings as JSON
// lines to the file named by -metrics; the last line is written after the work stops.
//
//	gc -live 32 -alloc 512 -rate 0 -metrics m.jsonl
//
// Run it with GODEBUG=gctrace=1 to see one line per collection on standard error.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"time"
)

// node is one heap object: a pointer (work for the marker) and some payload.
type node struct {
	next *node
	pad  [48]byte
}

const nodeSize = 64 // bytes; unsafe.Sizeof(node{}) on 64-bit platforms

// config holds the command-line settings.
type config struct {
	liveMiB   float64       // live heap kept reachable for the whole run
	allocMiB  float64       // stop after allocating this much (0: no budget)
	rateMiB   float64       // allocation rate in MiB/s (0: as fast as possible)
	duration  time.Duration // stop after this long (0: no time limit)
	survive   float64       // fraction of new objects that replace an old live one
	forced    int           // runtime.GC() calls after the work
	every     time.Duration // metrics sampling period
	metrics   string        // JSON-lines file for runtime/metrics samples ("" = none)
	burstSize int           // objects allocated between rate checks
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("gc", flag.ContinueOnError)
	fs.Float64Var(&c.liveMiB, "live", 16, "live heap to keep reachable, MiB")
	fs.Float64Var(&c.allocMiB, "alloc", 256, "allocation budget, MiB (0: none)")
	fs.Float64Var(&c.rateMiB, "rate", 0, "allocation rate, MiB/s (0: as fast as possible)")
	fs.DurationVar(&c.duration, "duration", 0, "run time limit (0: none)")
	fs.Float64Var(&c.survive, "survive", 0, "fraction of new objects that stay live, 0..1")
	fs.IntVar(&c.forced, "forced", 0, "runtime.GC() calls at the end")
	fs.DurationVar(&c.every, "every", 5*time.Millisecond, "metrics sampling period")
	fs.StringVar(&c.metrics, "metrics", "", "write runtime/metrics samples here (JSON lines)")
	fs.IntVar(&c.burstSize, "burst", 1024, "objects allocated between rate checks")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.liveMiB < 0 || c.allocMiB < 0 || c.rateMiB < 0 || c.forced < 0:
		return c, fmt.Errorf("-live, -alloc, -rate and -forced must not be negative")
	case c.survive < 0 || c.survive > 1:
		return c, fmt.Errorf("-survive must be between 0 and 1, got %g", c.survive)
	case c.allocMiB == 0 && c.duration == 0:
		return c, fmt.Errorf("give -alloc or -duration, or the run never ends")
	case c.every <= 0 || c.burstSize <= 0:
		return c, fmt.Errorf("-every and -burst must be positive")
	}
	return c, nil
}

// Summary is what the program prints on standard output when it finishes.
type Summary struct {
	LiveObjects  int     `json:"live_objects"`
	Allocated    uint64  `json:"allocated_bytes"`
	Objects      uint64  `json:"allocated_objects"`
	Seconds      float64 `json:"seconds"`
	GCCycles     uint64  `json:"gc_cycles"`
	Checksum     uint64  `json:"checksum"`
	RateMiBPerS  float64 `json:"rate_mib_per_s"`
	GOMAXPROCS   int     `json:"gomaxprocs"`
	ForcedCycles int     `json:"forced_requested"`
}

// workload holds the live set and allocates garbage.
type workload struct {
	live []*node
	rng  uint64
	sink *node
}

func newWorkload(liveMiB float64) *workload {
	n := int(liveMiB * (1 << 20) / nodeSize)
	w := &workload{live: make([]*node, n), rng: 0x9e3779b97f4a7c15}
	var prev *node
	for i := range w.live {
		x := &node{next: prev}
		w.live[i] = x
		prev = x
	}
	return w
}

func (w *workload) random() uint64 { // xorshift64: cheap and allocation free
	w.rng ^= w.rng << 13
	w.rng ^= w.rng >> 7
	w.rng ^= w.rng << 17
	return w.rng
}

// burst allocates n objects; each survives (replacing a random old one) with probability p.
func (w *workload) burst(n int, p float64) {
	limit := uint64(p * math.MaxUint64)
	if p >= 1 {
		limit = math.MaxUint64
	}
	for i := 0; i < n; i++ {
		x := &node{}
		x.pad[0] = byte(i)
		if len(w.live) > 0 && p > 0 && w.random() <= limit {
			w.live[w.random()%uint64(len(w.live))] = x
		} else {
			w.sink = x // the previous sink becomes garbage (new objects point nowhere)
		}
	}
}

func (w *workload) checksum() uint64 {
	var s uint64
	for _, x := range w.live {
		if x != nil {
			s += uint64(x.pad[0])
		}
	}
	return s
}

func run(c config, stdout io.Writer) error {
	var sampler *Sampler
	if c.metrics != "" {
		f, err := os.Create(c.metrics)
		if err != nil {
			return err
		}
		defer f.Close()
		sampler = StartSampler(f, c.every)
	}
	start := time.Now()
	w := newWorkload(c.liveMiB)
	budget := uint64(c.allocMiB * (1 << 20) / nodeSize)
	var done uint64
	for {
		elapsed := time.Since(start)
		if c.duration > 0 && elapsed >= c.duration || budget > 0 && done >= budget {
			break
		}
		if c.rateMiB > 0 { // pace: never run ahead of rate × elapsed
			ahead := float64(done*nodeSize)/(1<<20)/c.rateMiB - elapsed.Seconds()
			if ahead > 0 {
				time.Sleep(time.Duration(ahead * float64(time.Second)))
				continue
			}
		}
		n := c.burstSize
		if budget > 0 && budget-done < uint64(n) {
			n = int(budget - done)
		}
		w.burst(n, c.survive)
		done += uint64(n)
	}
	for i := 0; i < c.forced; i++ {
		runtime.GC()
	}
	// runtime.GC returns before the collector has finished printing its gctrace line, and
	// exiting then can cut the line short. ReadMemStats stops the world, which waits until
	// the collector has printed and let go of the world.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	seconds := time.Since(start).Seconds()
	if sampler != nil {
		if err := sampler.Stop(); err != nil {
			return err
		}
	}
	var cycles [1]metrics.Sample
	cycles[0].Name = "/gc/cycles/total:gc-cycles"
	metrics.Read(cycles[:])
	s := Summary{
		LiveObjects: len(w.live), Allocated: done * nodeSize, Objects: done,
		Seconds: seconds, GCCycles: cycles[0].Value.Uint64(), Checksum: w.checksum(),
		RateMiBPerS: float64(done*nodeSize) / (1 << 20) / seconds,
		GOMAXPROCS:  runtime.GOMAXPROCS(0), ForcedCycles: c.forced,
	}
	runtime.KeepAlive(w)
	return json.NewEncoder(stdout).Encode(s)
}

func main() {
	c, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gc:", err)
		os.Exit(2)
	}
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gc:", err)
		os.Exit(1)
	}
}
