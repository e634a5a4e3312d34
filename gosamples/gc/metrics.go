package main

import (
	"encoding/json"
	"io"
	"math"
	"runtime/metrics"
	"sync"
	"time"
)

// Scalars are the runtime/metrics values every sample records.
var Scalars = []string{
	"/gc/cycles/total:gc-cycles",
	"/gc/cycles/automatic:gc-cycles",
	"/gc/cycles/forced:gc-cycles",
	"/gc/heap/goal:bytes",
	"/gc/heap/live:bytes",
	"/gc/heap/allocs:bytes",
	"/gc/scan/stack:bytes",
	"/gc/scan/globals:bytes",
	"/gc/gogc:percent",
	"/gc/gomemlimit:bytes",
	"/gc/limiter/last-enabled:gc-cycle",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/sched/gomaxprocs:threads",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/gc/pause:cpu-seconds",
	"/cpu/classes/user:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
}

// PauseMetric is the histogram of GC stop-the-world pauses (two per cycle).
const PauseMetric = "/sched/pauses/total/gc:seconds"

// Bucket is one non-empty histogram bucket: [Lo, Hi) seconds; nil stands for an infinite bound.
type Bucket struct {
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
	N  uint64   `json:"n"`
}

// Sample is one JSON line of the metrics file.
type Sample struct {
	T      float64            `json:"t_s"` // seconds since the sampler started
	Final  bool               `json:"final"`
	Values map[string]float64 `json:"values"`
	Pauses []Bucket           `json:"pauses"` // cumulative, non-empty buckets only
}

// Sampler reads runtime/metrics periodically and writes each reading as a JSON line.
type Sampler struct {
	out     *json.Encoder
	samples []metrics.Sample
	start   time.Time
	stop    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	err     error
}

// StartSampler writes a first sample now and then one every period until Stop.
func StartSampler(w io.Writer, period time.Duration) *Sampler {
	s := &Sampler{out: json.NewEncoder(w), start: time.Now(), stop: make(chan struct{})}
	for _, name := range append(append([]string{}, Scalars...), PauseMetric) {
		s.samples = append(s.samples, metrics.Sample{Name: name})
	}
	s.write(false)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				s.write(false)
			}
		}
	}()
	return s
}

// Stop ends the periodic samples, writes the final one and reports the first write error.
func (s *Sampler) Stop() error {
	close(s.stop)
	s.wg.Wait()
	s.write(true)
	return s.err
}

func (s *Sampler) write(final bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	metrics.Read(s.samples)
	line := Sample{T: time.Since(s.start).Seconds(), Final: final, Values: map[string]float64{}}
	for _, m := range s.samples {
		switch m.Value.Kind() {
		case metrics.KindUint64:
			line.Values[m.Name] = float64(m.Value.Uint64())
		case metrics.KindFloat64:
			line.Values[m.Name] = m.Value.Float64()
		case metrics.KindFloat64Histogram:
			line.Pauses = sparse(m.Value.Float64Histogram())
		}
	}
	if err := s.out.Encode(line); err != nil && s.err == nil {
		s.err = err
	}
}

// sparse keeps the non-empty buckets of a histogram, with infinite bounds as nil.
func sparse(h *metrics.Float64Histogram) []Bucket {
	bound := func(x float64) *float64 {
		if math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	out := []Bucket{}
	for i, n := range h.Counts {
		if n > 0 {
			out = append(out, Bucket{Lo: bound(h.Buckets[i]), Hi: bound(h.Buckets[i+1]), N: n})
		}
	}
	return out
}
