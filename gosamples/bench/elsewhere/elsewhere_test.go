// Package elsewhere has a benchmark whose loop allocates nothing itself but has another
// goroutine allocate: -benchmem counts the whole process (notebook 04).
package elsewhere

import "testing"

var sinkBig []byte

// The loop's goroutine allocates nothing; on its first step it has another goroutine
// allocate 64 KiB, and waits until it has.
func BenchmarkElsewhere(b *testing.B) {
	ask, done := make(chan struct{}), make(chan struct{})
	go func() {
		<-ask
		sinkBig = make([]byte, 64<<10)
		close(done)
	}()
	first := true
	for b.Loop() {
		if first {
			close(ask)
			<-done
			first = false
		}
	}
}
