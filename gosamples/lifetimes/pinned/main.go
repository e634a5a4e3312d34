package main

import (
	"fmt"
	"runtime"
	"time"
)

// cleanedAfter runs up to gcs collections and reports after how many the cleanup had run
// (waiting up to 200 ms after each), or -1 if it did not run.
func cleanedAfter(done chan struct{}, gcs int) int {
	for i := 1; i <= gcs; i++ {
		runtime.GC()
		select {
		case <-done:
			return i
		case <-time.After(200 * time.Millisecond):
		}
	}
	return -1
}

func main() {
	var pinner runtime.Pinner
	done := make(chan struct{}, 1)
	p := new([64]int)
	pinner.Pin(p) // as C would need it, to keep p after a cgo call
	runtime.AddCleanup(p, func(struct{}) { done <- struct{}{} }, struct{}{})
	p = nil // no Go reference is left: only the pin
	fmt.Println(cleanedAfter(done, 3))
	pinner.Unpin()
	fmt.Println(cleanedAfter(done, 20))
}
