"""The Go source of the phased workload program (run as a snippet in scratch by
`run.run_phases`): phases of allocation with the GC guide model's survival and old-heap death,
sped up, writing runtime/metrics readings as JSON lines."""

SOURCE = """\
// Command phased runs a workload made of phases, the shape the GC guide's model describes:
// each phase allocates at a rate for a while; a share of what it allocates stays live and a
// share of the live heap it started with dies, both evenly over the phase. Time runs `speed`
// times faster than the model's (durations divided, rates multiplied), so the heap has the
// model's shape in MiB. It writes runtime/metrics readings as JSON lines to -metrics.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// obj is one heap object of 1 KiB with a pointer, so the marker has work to follow.
type obj struct {
	next *obj
	pad  [1016]byte
}

const objMiB = 1024 // objects per MiB

type phase struct{ seconds, rateMiB, survive, die float64 }

func parsePhases(text string) ([]phase, error) {
	var out []phase
	for _, part := range strings.Split(text, ";") {
		f := strings.Split(part, ",")
		if len(f) != 4 {
			return nil, fmt.Errorf("phase %q: want seconds,MiB/s,survive,die", part)
		}
		var p [4]float64
		for i, s := range f {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("phase %q: %q is not a number >= 0", part, s)
			}
			p[i] = v
		}
		out = append(out, phase{p[0], p[1], p[2], p[3]})
	}
	return out, nil
}

var names = []string{
	"/gc/cycles/total:gc-cycles", "/gc/heap/goal:bytes", "/gc/heap/live:bytes",
	"/memory/classes/heap/objects:bytes", "/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes", "/gc/gogc:percent", "/gc/gomemlimit:bytes",
	"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/user:cpu-seconds", "/cpu/classes/total:cpu-seconds",
	"/sched/gomaxprocs:threads",
}

type reading struct {
	T      float64            `json:"t_s"`
	Final  bool               `json:"final"`
	Values map[string]float64 `json:"values"`
	Pauses []struct{}         `json:"pauses"`
}

func read(samples []metrics.Sample, start time.Time, final bool) reading {
	metrics.Read(samples)
	r := reading{T: time.Since(start).Seconds(), Final: final, Values: map[string]float64{},
		Pauses: []struct{}{}}
	for _, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			r.Values[s.Name] = float64(s.Value.Uint64())
		case metrics.KindFloat64:
			r.Values[s.Name] = s.Value.Float64()
		}
	}
	return r
}

func main() {
	spec := flag.String("phases", "", "phases: seconds,MiB/s,survive,die;... (model time)")
	speed := flag.Float64("speed", 1, "run this many times faster than the model's time")
	out := flag.String("metrics", "", "write runtime/metrics readings here (JSON lines)")
	every := flag.Duration("every", 5*time.Millisecond, "metrics sampling period")
	flag.Parse()
	phases, err := parsePhases(*spec)
	if err != nil || *speed <= 0 {
		fmt.Fprintln(os.Stderr, "phased:", err, "(and -speed must be > 0)")
		os.Exit(2)
	}
	var enc *json.Encoder
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "phased:", err)
			os.Exit(1)
		}
		defer f.Close()
		enc = json.NewEncoder(f)
	}
	samples := make([]metrics.Sample, len(names))
	for i, n := range names {
		samples[i].Name = n
	}
	start := time.Now()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() { // the sampler
		defer close(stopped)
		tick := time.NewTicker(*every)
		defer tick.Stop()
		for {
			if enc != nil {
				enc.Encode(read(samples, start, false))
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()

	var live []*obj
	var sink *obj
	var allocated float64 // objects allocated so far, all phases
	for _, p := range phases {
		seconds := p.seconds / *speed
		rate := p.rateMiB * *speed * objMiB // objects per second
		startLive := float64(len(live))
		var kept, killed, made float64 // how far the phase has got, in objects
		begin := time.Now()
		for {
			frac := time.Since(begin).Seconds() / seconds
			if frac >= 1 || seconds == 0 {
				frac = 1
			}
			due := frac * p.seconds * p.rateMiB * objMiB // objects the phase should have made
			for made < due {
				x := &obj{next: sink}
				x.pad[0] = byte(made)
				made++
				allocated++
				if kept+1 <= made*p.survive {
					kept++
					live = append(live, x)
				} else {
					sink = x
					sink.next = nil
				}
			}
			for killed+1 <= frac*startLive*p.die && len(live) > 0 {
				killed++
				live[len(live)-1] = nil
				live = live[:len(live)-1]
			}
			if frac == 1 {
				break
			}
			if made >= due { // ahead of the pace: wait a little
				time.Sleep(time.Duration(float64(time.Second) * 64 / rate))
			}
		}
	}
	runtime.KeepAlive(sink)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms) // waits for a cycle printing its gctrace line
	close(done)
	<-stopped
	if enc != nil {
		enc.Encode(read(samples, start, true))
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"seconds": time.Since(start).Seconds(), "allocated_bytes": allocated * 1024,
		"live_objects": len(live), "speed": *speed})
}
"""
