// Command lifetimes measures how long Go values live and what keeps them alive: sync.Pool
// and its victim cache, finalizers and cleanups, weak pointers and unique handles, leaks in a
// collected language, and how the heap's free memory goes back to the operating system.
//
// Each section prints its measurements as JSON lines, one measurement a line:
//
//	{"section":"pool","metric":"hits","step":1,"value":50,"unit":"count"}
//
//	lifetimes -section pool,weak          # or: lifetimes pool weak
//	lifetimes -section substring -fix -memprofile heap.pprof
//	lifetimes -section goroutines -leakprofile leak.pprof
//
// The sections are listed by -list. Live heap sizes are read from runtime/metrics
// (/gc/heap/live:bytes) right after a forced collection.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"
)

// record is one measurement line.
type record struct {
	Section string   `json:"section"`
	Metric  string   `json:"metric"`
	Step    *int     `json:"step,omitempty"`
	T       *float64 `json:"t,omitempty"`
	Value   float64  `json:"value"`
	Unit    string   `json:"unit"`
	Text    string   `json:"text,omitempty"`
}

var (
	outMu sync.Mutex
	out   io.Writer = os.Stdout
)

func write(r record) {
	line, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	outMu.Lock()
	defer outMu.Unlock()
	fmt.Fprintf(out, "%s\n", line)
}

// emit prints one measurement.
func emit(section, metric string, value float64, unit string) {
	write(record{Section: section, Metric: metric, Value: value, Unit: unit})
}

// emitStep prints one measurement of a series (step 0, 1, 2, ...).
func emitStep(section, metric string, step int, value float64, unit string) {
	write(record{Section: section, Metric: metric, Step: &step, Value: value, Unit: unit})
}

// emitText prints a measurement that carries a message.
func emitText(section, metric string, value float64, unit, text string) {
	write(record{Section: section, Metric: metric, Value: value, Unit: unit, Text: text})
}

// emitAt prints one reading of a time series, t seconds after the series began.
func emitAt(section, metric string, step int, t float64, value float64, unit string) {
	write(record{Section: section, Metric: metric, Step: &step, T: &t, Value: value, Unit: unit})
}

// readMetric reads one runtime/metrics value as a number.
func readMetric(name string) float64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	switch s[0].Value.Kind() {
	case metrics.KindUint64:
		return float64(s[0].Value.Uint64())
	case metrics.KindFloat64:
		return s[0].Value.Float64()
	}
	panic("lifetimes: no metric " + name)
}

// liveHeap forces a full collection and returns the live heap it found, in bytes.
func liveHeap() float64 {
	runtime.GC()
	return readMetric("/gc/heap/live:bytes")
}

// gcUntil runs collections until done is true or tries run out, waiting up to wait after
// each one (finalizers and cleanups run on their own goroutine, after the cycle). It returns
// the number of collections it ran, or -1 if done never became true.
func gcUntil(tries int, wait time.Duration, signal <-chan struct{}, done func() bool) int {
	for i := 1; i <= tries; i++ {
		runtime.GC()
		timer := time.NewTimer(wait)
		select {
		case <-signal:
		case <-timer.C:
		}
		timer.Stop()
		if done() {
			return i
		}
	}
	return -1
}

// options are the command-line settings the sections read.
type options struct {
	fix         bool          // the substring section keeps copies instead of slices
	n           int           // the scale of a section (0: its default)
	watch       time.Duration // how long the scavenge section watches the heap
	mib         int           // MiB the scavenge section allocates and drops
	leakprofile string        // the goroutines section writes its leak profile here
}

// retained keeps a section's result reachable until the heap profile is written.
var retained []any

var sections = map[string]func(options){
	"pool":       poolSection,
	"poolsize":   poolSizeSection,
	"finalizers": finalizerSection,
	"cycles":     cycleSection,
	"exit":       exitSection,
	"weak":       weakSection,
	"unique":     uniqueSection,
	"substring":  substringSection,
	"maps":       mapSection,
	"goroutines": goroutineSection,
	"timers":     timerSection,
	"scavenge":   scavengeSection,
	"settings":   settingsSection,
	"address":    addressSection,
}

func sectionNames() []string {
	names := make([]string, 0, len(sections))
	for name := range sections {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func main() {
	var o options
	section := flag.String("section", "", "comma-separated sections to run (or name them as arguments)")
	list := flag.Bool("list", false, "list the sections and exit")
	memprofile := flag.String("memprofile", "", "write an in-use heap profile here at the end")
	flag.BoolVar(&o.fix, "fix", false, "substring: keep copies (strings.Clone, bytes.Clone)")
	flag.IntVar(&o.n, "n", 0, "scale of a section (0: its default)")
	flag.DurationVar(&o.watch, "watch", 500*time.Millisecond, "scavenge: how long to watch")
	flag.IntVar(&o.mib, "mib", 64, "scavenge: MiB to allocate and drop")
	flag.StringVar(&o.leakprofile, "leakprofile", "", "goroutines: write the goroutineleak profile here")
	flag.Parse()
	if *list {
		fmt.Println(strings.Join(sectionNames(), "\n"))
		return
	}
	if *memprofile != "" {
		runtime.MemProfileRate = 4096 // record about one allocation per 4 KiB, from the start
	}
	var names []string
	if *section != "" {
		names = strings.Split(*section, ",")
	}
	names = append(names, flag.Args()...)
	if len(names) == 0 {
		fmt.Fprintln(os.Stderr, "name a section:", strings.Join(sectionNames(), ", "))
		os.Exit(2)
	}
	for _, name := range names {
		run, ok := sections[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "no section %q; the sections are %s\n", name,
				strings.Join(sectionNames(), ", "))
			os.Exit(2)
		}
		run(o)
	}
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		runtime.GC() // the in-use profile is as of the last finished collection
		if err := pprof.WriteHeapProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		f.Close()
	}
	runtime.KeepAlive(retained)
}
