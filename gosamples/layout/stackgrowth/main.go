package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

func read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// down recurses n frames of 1 KiB, says so at the bottom, and waits there until wait closes.
//
//go:noinline
func down(n int, bottom *sync.WaitGroup, wait chan struct{}) int {
	var frame [1024]byte
	frame[n%1024] = byte(n)
	if n == 0 {
		bottom.Done()
		<-wait
		return 0
	}
	return down(n-1, bottom, wait) + int(frame[0])
}

func main() {
	if len(os.Args) > 1 { // the ceiling: a recursion that never ends
		defer func() { fmt.Println("recovered:", recover()) }() // never runs: the error is fatal
		debug.SetMaxStack(1 << 20)
		down(1<<30, nil, nil)
	}
	start := read("/gc/stack/starting-size:bytes")
	var bottom, back sync.WaitGroup
	wait, done := make(chan struct{}), make(chan struct{})
	for range 64 {
		bottom.Add(1)
		back.Add(1)
		go func() {
			down(32, &bottom, wait) // park 32 KiB deep
			back.Done()
			<-done // then park at the top of the stack
		}()
	}
	bottom.Wait()
	runtime.GC()
	runtime.GC()
	adapted := read("/gc/stack/starting-size:bytes")
	deep := read("/memory/classes/heap/stacks:bytes")
	close(wait)
	back.Wait()
	for range 6 {
		runtime.GC()
	}
	fmt.Println(start, adapted, deep, read("/memory/classes/heap/stacks:bytes"))
	close(done)
}
