// Command trace runs a small pipeline of goroutines that allocate as they work, and can
// record an execution trace of it: goroutines, processors, GC cycles and their pauses.
//
//	go build -o app . && ./app -trace t.out && go tool trace t.out
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
)

// buffer returns a fresh 16 KiB buffer stamped with item. Returning it makes it escape, so
// it lives on the heap and keeps the garbage collector busy. (Were it inlined into work, the
// compiler could prove the buffer dies there and keep it on the stack: no GC at all.)
//
//go:noinline
func buffer(item int) []byte {
	buf := make([]byte, 16<<10)
	buf[item%len(buf)] = byte(item)
	return buf
}

// work makes a few short-lived buffers per item and sums what was stamped in them.
func work(item int) int {
	sum := 0
	for range 4 {
		sum += int(buffer(item)[item%(16<<10)])
	}
	return sum
}

// pipeline fans items out to workers and sums their results.
func pipeline(items, workers int) int {
	jobs := make(chan int)
	results := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
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
	items := flag.Int("items", 20_000, "items to push through the pipeline")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "worker goroutines")
	out := flag.String("trace", "", "write an execution trace to this file")
	flag.Parse()

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
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	total := pipeline(*items, *workers)
	runtime.ReadMemStats(&after)
	fmt.Printf("%d items, %d workers, GOMAXPROCS=%d: checksum %d, %d GC cycles\n",
		*items, *workers, runtime.GOMAXPROCS(0), total, after.NumGC-before.NumGC)
}
