// Command tracemmu computes a trace's minimum mutator utilization (MMU) with the Go
// toolchain's own code: internal/trace's MutatorUtilizationV2 and MMUCurve, the functions
// `go tool trace` serves at /mmu (its internal/trace package is copied beside this file when
// gomemlab builds the program, as for the trace reader).
//
// Usage: tracemmu FLAGS TRACE [WINDOW_NS ...]
//
// FLAGS joins with "|" any of stw, background, assist, sweep, perProc (the names of the
// tool's /mmu?flags=). The events are those the tool keeps: read up to the last complete
// generation when the trace ends in an error. With windows, the curve is the MMU at each;
// without, it is at the tool's own 100 windows (/mmu?mode=plot: from the first power of 1000
// below one second whose MMU is under 0.0001, over six orders of magnitude, at most the
// trace's length, spaced evenly in log). Output: JSON {"xMin", "xMax", "curve": [[ns, mmu]]}.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"gomemlab.local/tracereader/trace"
)

var flagBits = map[string]trace.UtilFlags{
	"stw":        trace.UtilSTW,
	"background": trace.UtilBackground,
	"assist":     trace.UtilAssist,
	"sweep":      trace.UtilSweep,
	"perProc":    trace.UtilPerProc,
}

// events reads the trace as cmd/trace does: every event up to the last Sync (or EOF) before
// an error; an error before any complete generation fails. Of those it keeps the ones that
// can change what MutatorUtilizationV2 computes (see used), in blocks, then joins them into
// one slice: a 1M-event trace then costs a third less CPU time and memory than with every
// event appended to one growing slice, and the curve is the same.
func events(in io.Reader) ([]trace.Event, error) {
	r, err := trace.NewReader(bufio.NewReaderSize(in, 1<<20))
	if err != nil {
		return nil, err
	}
	var all blocks
	kept := 0
	var last trace.Event
	lastKept := true
	pending, since := false, trace.Time(0)
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			if !lastKept {
				all.add(last) // the curve ends at the trace's last event
			}
			return all.joined(all.n), nil
		}
		if err != nil {
			if kept == 0 {
				return nil, err
			}
			return all.joined(kept), nil
		}
		last, lastKept = ev, true
		switch {
		case used(&ev):
			all.add(ev)
			pending, since = true, ev.Time()
		case pending:
			all.add(ev)
			pending = ev.Time() == since
		default:
			lastKept = false
		}
		if ev.Kind() == trace.EventSync {
			kept = all.n
		}
	}
}

// used says whether MutatorUtilizationV2 may change its state on ev (the kinds its switches
// handle). Any other event only records the current utilization at its time, and that
// changes the result only for the first such event after a used one, at a later time (the
// events kept while pending): a used event at time T leaves each series' last point at or
// below the current utilization, another event at T never raises it, the first one at a
// later time brings it to the current one, and after that the others find the two equal and
// record nothing.
func used(ev *trace.Event) bool {
	switch ev.Kind() {
	case trace.EventSync, trace.EventLabel, trace.EventRangeActive, trace.EventRangeBegin,
		trace.EventRangeEnd:
		return true
	case trace.EventMetric:
		return ev.Metric().Name == "/sched/gomaxprocs:threads"
	case trace.EventStateTransition:
		return ev.StateTransition().Resource.Kind == trace.ResourceGoroutine
	}
	return false
}

// blocks collects events in fixed-size blocks, so that collecting them moves none.
type blocks struct {
	list [][]trace.Event
	n    int
}

const blockSize = 1 << 14

func (b *blocks) add(ev trace.Event) {
	if b.n%blockSize == 0 {
		b.list = append(b.list, make([]trace.Event, 0, blockSize))
	}
	b.list[len(b.list)-1] = append(b.list[len(b.list)-1], ev)
	b.n++
}

// joined is the first n events as one slice.
func (b *blocks) joined(n int) []trace.Event {
	out := make([]trace.Event, 0, n)
	for _, block := range b.list {
		out = append(out, block[:min(len(block), n-len(out))]...)
		if len(out) == n {
			break
		}
	}
	return out
}

// span is the time from the earliest to the latest point of any utilization function.
func span(util [][]trace.MutatorUtil) time.Duration {
	first, last := util[0][0].Time, util[0][len(util[0])-1].Time
	for _, u := range util[1:] {
		first = min(first, u[0].Time)
		last = max(last, u[len(u)-1].Time)
	}
	return time.Duration(last - first)
}

// defaultWindows are the 100 windows of the tool's plot, and its bounds.
func defaultWindows(curve *trace.MMUCurve, length time.Duration) ([]time.Duration, time.Duration, time.Duration) {
	low := time.Second
	for low > 1 && curve.MMU(low) >= 0.0001 {
		low /= 1000
	}
	high := min(low*1e6, length)
	a, b := math.Log(float64(low)), math.Log(float64(high))
	const n = 100
	windows := make([]time.Duration, n)
	for i := range windows {
		windows[i] = time.Duration(math.Exp(float64(i)/(n-1)*(b-a) + a))
	}
	return windows, low, high
}

func run(args []string) error {
	if len(args) < 2 {
		return errors.New("usage: tracemmu FLAGS TRACE [WINDOW_NS ...]")
	}
	var flags trace.UtilFlags
	for _, name := range strings.Split(args[0], "|") {
		bit, ok := flagBits[name]
		if !ok && name != "" {
			return fmt.Errorf("unknown utilization flag %q", name)
		}
		flags |= bit
	}
	var windows []time.Duration
	for _, arg := range args[2:] {
		ns, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || ns <= 0 {
			return fmt.Errorf("window %q is not a positive number of nanoseconds", arg)
		}
		windows = append(windows, time.Duration(ns))
	}
	file, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer file.Close()
	evs, err := events(file)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return errors.New("the trace holds no events")
	}
	util := trace.MutatorUtilizationV2(evs, flags)
	if len(util) == 0 || len(util[0]) == 0 {
		return errors.New("the trace shows no processor running")
	}
	curve := trace.NewMMUCurve(util)
	var low, high time.Duration
	if windows == nil {
		windows, low, high = defaultWindows(curve, span(util))
	}
	points := make([][2]float64, len(windows))
	for i, w := range windows {
		points[i] = [2]float64{float64(w), curve.MMU(w)}
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"xMin": int64(low), "xMax": int64(high), "curve": points,
	})
}

func main() {
	if os.Getenv("GOGC") == "" {
		// One pass over one file, then exit: the collector may run less often (GOGC=400).
		debug.SetGCPercent(400)
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tracemmu:", err)
		os.Exit(1)
	}
}
