// Command trace runs a small pipeline of goroutines that allocate as they work, and can
// record an execution trace of it: goroutines, processors, threads, GC cycles and pauses.
//
//	go build -o app . && ./app -trace t.out && go tool trace t.out
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
)

// node is one small heap object of the long-lived data: the GC must visit every one of them
// (following next) in each cycle's mark phase.
type node struct {
	next *node
	id   int
	pad  [6]int64
}

// keepAlive builds about mib MiB of linked nodes that stay reachable for the whole run.
func keepAlive(mib int) []*node {
	count := mib << 20 / 64
	heads := make([]*node, 0, 64)
	for i := range count {
		if i%(count/64+1) == 0 {
			heads = append(heads, nil)
		}
		last := len(heads) - 1
		heads[last] = &node{next: heads[last], id: i}
	}
	return heads
}

// buffer returns a fresh 16 KiB buffer filled from item. Returning it makes it escape, so
// it lives on the heap and keeps the garbage collector busy. (Were it inlined into work, the
// compiler could prove the buffer dies there and keep it on the stack: no GC at all.)
//
//go:noinline
func buffer(item int) []byte {
	buf := make([]byte, 16<<10)
	for i := range buf {
		buf[i] = byte(item * i)
	}
	return buf
}

// work makes a few short-lived buffers per item and sums their bytes.
func work(item int) int {
	sum := 0
	for range 4 {
		for _, b := range buffer(item) {
			sum += int(b)
		}
	}
	return sum
}

// pipeline fans items out to workers and sums their results.
func pipeline(ctx context.Context, items, workers int) int {
	jobs := make(chan int)
	results := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer trace.StartRegion(ctx, "worker").End()
			for item := range jobs {
				results <- work(item)
			}
		}()
	}
	go func() {
		for i := range items {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	total := 0
	for r := range results {
		total += r
	}
	return total
}

func main() {
	items := flag.Int("items", 4_000, "items to push through the pipeline")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "worker goroutines")
	live := flag.Int("live", 8, "MiB of long-lived linked data the GC must mark each cycle")
	out := flag.String("trace", "", "write an execution trace to this file")
	flag.Parse()

	kept := keepAlive(*live)
	runtime.GC() // finish the collection that building kept may have started, before tracing
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			log.Fatal(err)
		}
		defer trace.Stop()
	}
	ctx, task := trace.NewTask(context.Background(), "pipeline")
	trace.Logf(ctx, "settings", "items=%d workers=%d live=%dMiB", *items, *workers, *live)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	total := pipeline(ctx, *items, *workers)
	runtime.ReadMemStats(&after)
	task.End()
	runtime.KeepAlive(kept)
	fmt.Printf("%d items, %d workers, GOMAXPROCS=%d: checksum %d, %d GC cycles\n",
		*items, *workers, runtime.GOMAXPROCS(0), total, after.NumGC-before.NumGC)
}
