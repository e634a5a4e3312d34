package main

import (
	"encoding/json"
	"net/http"
	"runtime/metrics"
	"time"
)

// snapshot is the body of /debug/metrics: every scalar runtime/metrics value, by name.
type snapshot struct {
	UnixNano int64              `json:"unix_nano"`
	Metrics  map[string]float64 `json:"metrics"`
}

func readMetrics() snapshot {
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if d.Kind == metrics.KindUint64 || d.Kind == metrics.KindFloat64 {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(samples)
	out := snapshot{UnixNano: time.Now().UnixNano(), Metrics: make(map[string]float64, len(samples))}
	for _, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			out.Metrics[s.Name] = float64(s.Value.Uint64())
		case metrics.KindFloat64:
			out.Metrics[s.Name] = s.Value.Float64()
		}
	}
	return out
}

func serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(readMetrics())
}
