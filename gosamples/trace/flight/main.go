// Command flight serves a stream of small requests while a flight recorder
// (runtime/trace.FlightRecorder, Go 1.25) keeps the last moments of an execution trace in
// memory. One request (-spike) allocates a burst of long-lived memory, so the GC runs and
// drafts it into mark assists: its latency spikes. The spike is noticed only once it is
// over, when the request reports its latency: -factor times the median so far and slower
// than every request before it (no fixed threshold: an idle machine serves the burst in tens
// of milliseconds, a busy one can hold any request that long). The recorder still holds it,
// and the program writes the window to -trace FILE, again at each new record (the file keeps
// the last). Each request logs its number in its task.
//
//	go build -o app . && ./app -trace window.trace && go tool trace window.trace
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/trace"
	"slices"
	"strconv"
	"time"
)

// node is one small object of the burst: the GC must visit each one while it marks.
type node struct {
	next *node
	pad  [7]int64
}

// burst allocates mib MiB of linked nodes and keeps them until it returns.
func burst(mib int) int {
	var head *node
	for range mib << 20 / 64 {
		head = &node{next: head}
	}
	n := 0
	for ; head != nil; head = head.next {
		n++
	}
	return n
}

// handle serves one request: a little work, or the burst for the spike.
func handle(ctx context.Context, id, spike, mib int) int {
	ctx, task := trace.NewTask(ctx, "request")
	defer task.End()
	trace.Log(ctx, "request", strconv.Itoa(id))
	var n int
	trace.WithRegion(ctx, "handle", func() {
		if id == spike {
			n = burst(mib)
			return
		}
		buf := make([]byte, 32<<10)
		for i := range buf {
			buf[i] = byte(id + i)
		}
		n = int(buf[id%len(buf)])
	})
	return n
}

func main() {
	requests := flag.Int("requests", 200, "requests to serve")
	spike := flag.Int("spike", 150, "the request that allocates a burst (its latency spikes)")
	mib := flag.Int("burst", 64, "MiB the spiking request allocates")
	factor := flag.Float64("factor", 20, "a latency this many times the median so far is a spike...")
	least := flag.Duration("least", time.Millisecond, "...and slower than every request before it, and at least this long")
	out := flag.String("trace", "", "write the flight recorder's window here when a spike is seen")
	flag.Parse()

	// Keep at least the last 10 s (up to about 16 MiB of trace): a slow machine stretches the
	// spike to seconds, and its start must still be in the window.
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 10 * time.Second, MaxBytes: 16 << 20})
	if err := fr.Start(); err != nil {
		log.Fatal(err)
	}
	defer fr.Stop()

	ctx := context.Background()
	var latencies []time.Duration
	caught := -1
	for id := range *requests {
		start := time.Now()
		handle(ctx, id, *spike, *mib)
		took := time.Since(start)
		if len(latencies) >= 50 {
			sorted := slices.Sorted(slices.Values(latencies))
			median, slowest := sorted[len(sorted)/2], sorted[len(sorted)-1]
			if took > time.Duration(*factor*float64(median)) && took > slowest && took >= *least {
				// The spike is already over: the recorder still has it.
				caught = id
				trace.Log(ctx, "spike", fmt.Sprintf("request %d took %v (median %v)", id, took, median))
				if *out != "" {
					f, err := os.Create(*out)
					if err != nil {
						log.Fatal(err)
					}
					if _, err := fr.WriteTo(f); err != nil {
						log.Fatal(err)
					}
					if err := f.Close(); err != nil {
						log.Fatal(err)
					}
				}
				fmt.Printf("spike: request %d took %v, %.0fx the median %v; window written\n",
					id, took, float64(took)/float64(median), median)
			}
		}
		latencies = append(latencies, took)
	}
	if caught < 0 {
		fmt.Println("no spike seen")
	}
}
