// Command cpuclock writes two CPU profiles: os.Args[1] while it sleeps for a second, os.Args[2]
// while two goroutines spin; it prints the busy part's wall and CPU seconds.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func cpuSeconds() float64 { // user + system CPU time of the whole process so far
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		panic(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()).Seconds()
}

var sink uint64

func spin(n int) { // pure CPU work, no allocation
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	atomic.AddUint64(&sink, x) // two goroutines add: atomically
}

func profile(path string, work func()) {
	out, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		panic(err)
	}
	work()
	pprof.StopCPUProfile()
}

func main() {
	profile(os.Args[1], func() { time.Sleep(time.Second) }) // wall time without CPU time
	startWall, startCPU := time.Now(), cpuSeconds()
	profile(os.Args[2], busy)
	fmt.Printf("%.3f %.3f\n", time.Since(startWall).Seconds(), cpuSeconds()-startCPU)
}

func busy() {
	var wg sync.WaitGroup
	for range 2 { // two threads busy at once
		wg.Add(1)
		go func() { defer wg.Done(); spin(300_000_000) }()
	}
	wg.Wait()
}
