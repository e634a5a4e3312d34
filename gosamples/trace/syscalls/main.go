//go:build unix

// Syscalls blocks goroutines in read(2) on plain pipes while tracing, so the trace shows
// goroutines in system calls and the Ps handed off from their threads (notebook 06).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

func main() {
	out := flag.String("trace", "", "write an execution trace to this file")
	blocked := flag.Int("blocked", 8, "goroutines that block in read(2)")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	var writers []int
	ready := make(chan struct{}, *blocked)
	for range *blocked {
		var fds [2]int
		if err := syscall.Pipe(fds[:]); err != nil { // a plain (blocking) pipe, not the netpoller's
			log.Fatal(err)
		}
		writers = append(writers, fds[1])
		wg.Add(1)
		go func(fd int) {
			defer wg.Done()
			var b [1]byte
			ready <- struct{}{}    // it goes on straight into read(2), without giving up its P
			syscall.Read(fd, b[:]) // blocks in the kernel, with its thread, until main writes
		}(fds[0])
	}
	for range *blocked { // main runs again only once the runtime took the P from a reader's
		<-ready // thread in read(2), so after the last one, all are in read(2)
	}
	time.Sleep(50 * time.Millisecond) // and a margin, before main wakes them
	for _, fd := range writers {
		syscall.Write(fd, []byte{1})
	}
	wg.Wait()
	trace.Stop()
	fmt.Printf("GOMAXPROCS=%d, %d goroutines blocked in read(2)\n", runtime.GOMAXPROCS(0), *blocked)
}
