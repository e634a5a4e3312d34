package main

import (
	"runtime"
	"time"
)

//go:noinline
func forget() {
	var p runtime.Pinner
	p.Pin(new([64]int)) // never unpinned
}

func main() {
	forget()
	for range 20 {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
	}
}
