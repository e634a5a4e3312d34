// Command tracesummary summarizes a Go execution trace with the Go toolchain's own code:
// internal/trace's Summarizer, the computation behind `go tool trace`'s Goroutines, Regions
// and Tasks pages (its internal/trace package is copied beside this file when gomemlab
// builds the program, as for the trace reader).
//
// Usage: tracesummary TRACE
//
// The trace is read as cmd/trace reads it: every event goes to the summarizer until the end
// or an error, and the trace's end is its last event before the last complete generation.
// Output: JSON {"start", "end" (ns, the trace's first and last kept event), "goroutines",
// "regions", "tasks"}: one object per goroutine (by id), region (by goroutine, then as the
// summarizer lists a goroutine's regions: by start) and task (by id), their times in ns (-1:
// none) and the summarizer's statistics (GoroutineExecStats) as they are.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"gomemlab.local/tracereader/trace"
)

// stats is a GoroutineExecStats in ns, with the tool's "Unknown time".
type stats struct {
	Exec         int64            `json:"exec"`
	SchedWait    int64            `json:"sched_wait"`
	Block        map[string]int64 `json:"block"`
	Syscall      int64            `json:"syscall"`
	SyscallBlock int64            `json:"syscall_block"`
	Unknown      int64            `json:"unknown"`
	Total        int64            `json:"total"`
	Ranges       map[string]int64 `json:"ranges"`
}

type goroutine struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Creation int64  `json:"creation"`
	Start    int64  `json:"start"`
	End      int64  `json:"end"`
	stats
}

type region struct {
	G     int64  `json:"g"`
	Task  int64  `json:"task"`
	Type  string `json:"type"`
	Start int64  `json:"start"`
	End   int64  `json:"end"`
	Begun string `json:"begun"` // the kind of the start event: RegionBegin, or a StateTransition for a region a new goroutine inherits
	Func  string `json:"func"`
	File  string `json:"file"`
	Line  int64  `json:"line"`
	PC    uint64 `json:"pc"`
	Stats stats  `json:"stats"`
}

type task struct {
	ID         int64  `json:"id"`
	Type       string `json:"type"`
	Parent     int64  `json:"parent"`
	Start      int64  `json:"start"`
	End        int64  `json:"end"`
	Goroutines int    `json:"goroutines"`
	Regions    int    `json:"regions"`
	Logs       int    `json:"logs"`
}

func durations(m map[string]time.Duration) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = int64(v)
	}
	return out
}

func statsOf(s trace.GoroutineExecStats) stats {
	return stats{int64(s.ExecTime), int64(s.SchedWaitTime), durations(s.BlockTimeByReason),
		int64(s.SyscallTime), int64(s.SyscallBlockTime), int64(s.UnknownTime()),
		int64(s.TotalTime), durations(s.RangeTime)}
}

// at is an event's time, -1 for none.
func at(ev *trace.Event) int64 {
	if ev == nil {
		return -1
	}
	return int64(ev.Time())
}

// top is the frame cmd/trace groups a region by (regionTopStackFrame: the last one listed).
func top(r *trace.UserRegionSummary) trace.StackFrame {
	var frame trace.StackFrame
	if r.Start != nil && r.Start.Stack() != trace.NoStack {
		for f := range r.Start.Stack().Frames() {
			frame = f
		}
	}
	return frame
}

// summarize reads the trace as cmd/trace's parseTrace does.
func summarize(in io.Reader) (*trace.Summary, trace.Time, trace.Time, error) {
	r, err := trace.NewReader(bufio.NewReaderSize(in, 1<<20))
	if err != nil {
		return nil, 0, 0, err
	}
	s := trace.NewSummarizer()
	var first, last, kept trace.Time
	var valid, n int
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			valid, kept = n, last
			break
		}
		if err != nil {
			if valid == 0 {
				return nil, 0, 0, err
			}
			break
		}
		if n == 0 {
			first = ev.Time()
		}
		n++
		last = ev.Time()
		s.Event(&ev)
		if ev.Kind() == trace.EventSync {
			valid, kept = n, last
		}
	}
	if valid == 0 {
		return nil, 0, 0, errors.New("the trace holds no events")
	}
	return s.Finalize(), first, kept, nil
}

func run(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: tracesummary TRACE")
	}
	file, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer file.Close()
	summary, first, end, err := summarize(file)
	if err != nil {
		return err
	}
	goroutines := []goroutine{}
	regions := []region{}
	for _, g := range summary.Goroutines {
		goroutines = append(goroutines, goroutine{int64(g.ID), g.Name, int64(g.CreationTime),
			int64(g.StartTime), int64(g.EndTime), statsOf(g.GoroutineExecStats)})
		for _, r := range g.Regions {
			f := top(r)
			begun := ""
			if r.Start != nil {
				begun = r.Start.Kind().String()
			}
			regions = append(regions, region{int64(g.ID), int64(r.TaskID), r.Name, at(r.Start),
				at(r.End), begun, f.Func, f.File, int64(f.Line), f.PC, statsOf(r.GoroutineExecStats)})
		}
	}
	tasks := []task{}
	for _, t := range summary.Tasks {
		parent := int64(-1)
		if t.Parent != nil {
			parent = int64(t.Parent.ID)
		}
		tasks = append(tasks, task{int64(t.ID), t.Name, parent, at(t.Start), at(t.End),
			len(t.Goroutines), len(t.Regions), len(t.Logs)})
	}
	// The summarizer keeps maps: sort, so that the same trace always prints the same text.
	slices.SortFunc(goroutines, func(a, b goroutine) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortStableFunc(regions, func(a, b region) int {
		return cmp.Or(cmp.Compare(a.G, b.G), cmp.Compare(a.Start, b.Start))
	})
	slices.SortFunc(tasks, func(a, b task) int { return cmp.Compare(a.ID, b.ID) })
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"start": int64(first), "end": int64(end),
		"goroutines": goroutines, "regions": regions, "tasks": tasks,
	})
}

func main() {
	if os.Getenv("GOGC") == "" {
		// One pass over one file, then exit: the collector may run less often (GOGC=400).
		debug.SetGCPercent(400)
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tracesummary:", err)
		os.Exit(1)
	}
}
