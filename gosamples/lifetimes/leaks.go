package main

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// loadBlob returns a fresh 1 MiB document, as if read from a file.
func loadBlob(i int) string {
	return strings.Repeat(string(rune('a'+i%26)), 1<<20)
}

// loadBytes returns a fresh 1 MiB buffer, as if read from a socket.
func loadBytes(i int) []byte {
	return bytes.Repeat([]byte{byte('a' + i%26)}, 1<<20)
}

// headers keeps the first 16 bytes of each document: a substring shares the document's
// memory, so each one keeps its whole 1 MiB document alive.
func headers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = loadBlob(i)[:16]
	}
	return out
}

// headersCloned keeps copies: strings.Clone lets each document die.
func headersCloned(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Clone(loadBlob(i)[:16])
	}
	return out
}

// prefixes keeps a 16-byte subslice of each buffer (the same trap with slices).
func prefixes(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = loadBytes(i)[:16]
	}
	return out
}

// prefixesCopied keeps copies.
func prefixesCopied(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = bytes.Clone(loadBytes(i)[:16])
	}
	return out
}

// substringSection measures the live heap that 16-byte headers of 1 MiB documents keep;
// with -fix the headers are copies. The results stay reachable for -memprofile.
func substringSection(o options) {
	const s = "substring"
	n := o.n
	if n == 0 {
		n = 16
	}
	emit(s, "documents", float64(n), "count")
	emit(s, "document", 1<<20, "bytes")
	emit(s, "fixed", map[bool]float64{false: 0, true: 1}[o.fix], "bool")
	base := liveHeap()
	var h []string
	if o.fix {
		h = headersCloned(n)
	} else {
		h = headers(n)
	}
	retained = append(retained, h)
	emit(s, "strings_live", liveHeap()-base, "bytes")
	base = liveHeap()
	var p [][]byte
	if o.fix {
		p = prefixesCopied(n)
	} else {
		p = prefixes(n)
	}
	retained = append(retained, p)
	emit(s, "slices_live", liveHeap()-base, "bytes")
}

// record is a map value of 128 bytes.
type row [128]byte

// mapSection fills a map, deletes every key, and compares with a fresh map.
func mapSection(o options) {
	const s = "maps"
	n := o.n
	if n == 0 {
		n = 100_000
	}
	emit(s, "n", float64(n), "count")
	base := liveHeap()
	m := map[int]row{}
	for i := 0; i < n; i++ {
		m[i] = row{}
	}
	emitStep(s, "live", 0, liveHeap()-base, "bytes")
	for i := 0; i < n; i++ {
		delete(m, i)
	}
	emit(s, "len_after_delete", float64(len(m)), "count")
	emitStep(s, "live", 1, liveHeap()-base, "bytes")
	clear(m)
	emitStep(s, "live", 2, liveHeap()-base, "bytes")
	fresh := make(map[int]row, len(m))
	for k, v := range m {
		fresh[k] = v
	}
	m = fresh
	emitStep(s, "live", 3, liveHeap()-base, "bytes")
	runtime.KeepAlive(m)
}

// parked is reachable from a global: goroutines blocked on it are not leaks the runtime can
// prove, since some code could still send on it.
var parked = make(chan int)

// leak starts n goroutines that wait on a channel only they can reach: nobody can ever send.
func leak(n int) {
	for i := 0; i < n; i++ {
		ch := make(chan int)
		go func() { <-ch }()
	}
}

// park starts n goroutines waiting on the global channel.
func park(n int) {
	for i := 0; i < n; i++ {
		go func() { <-parked }()
	}
}

// goroutineSection leaks goroutines, parks as many on a reachable channel, and asks the
// goroutineleak profile (Go 1.26+) which ones it can prove are stuck forever.
func goroutineSection(o options) {
	const s = "goroutines"
	n := o.n
	if n == 0 {
		n = 10
	}
	before := runtime.NumGoroutine()
	leak(n)
	park(n)
	emit(s, "started_leaking", float64(n), "count")
	emit(s, "started_parked", float64(n), "count")
	emit(s, "goroutines_before", float64(before), "count")
	profile := pprof.Lookup("goroutineleak")
	if profile == nil {
		emit(s, "leak_profile_available", 0, "bool")
		return
	}
	emit(s, "leak_profile_available", 1, "bool")
	var found int
	gcUntil(tries, 20*time.Millisecond, nil, func() bool {
		profile.WriteTo(io.Discard, 0) // runs a collection that looks for leaked goroutines
		found = profile.Count()
		return found >= n
	})
	emit(s, "goroutines_after", float64(runtime.NumGoroutine()), "count")
	emit(s, "goroutine_profile", float64(pprof.Lookup("goroutine").Count()), "count")
	emit(s, "leaked_reported", float64(found), "count")
	if o.leakprofile != "" {
		f, err := os.Create(o.leakprofile)
		if err != nil {
			panic(err)
		}
		if err := profile.WriteTo(f, 0); err != nil {
			panic(err)
		}
		f.Close()
	}
}

// selectWithTimeout waits for a value or for a minute, the classic loop body.
func selectWithTimeout(ready <-chan int) int {
	select {
	case v := <-ready:
		return v
	case <-time.After(time.Minute):
		return -1
	}
}

// timerSection runs n selects that each create a one-minute time.After timer and never wait
// for it, then measures the live heap; the held variant keeps every timer's channel, which
// is what the runtime itself did before Go 1.23 (an unfired timer stayed in its heap).
func timerSection(o options) {
	const s = "timers"
	n := o.n
	if n == 0 {
		n = 100_000
	}
	emit(s, "n", float64(n), "count")
	ready := make(chan int, 1)
	base := liveHeap()
	for i := 0; i < n; i++ {
		ready <- i
		selectWithTimeout(ready)
	}
	emit(s, "dropped_live", liveHeap()-base, "bytes")
	base = liveHeap()
	held := make([]<-chan time.Time, n)
	for i := range held {
		held[i] = time.After(time.Minute)
	}
	emit(s, "held_live", liveHeap()-base, "bytes")
	runtime.KeepAlive(held)
}
