package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// rss is the resident set size in bytes from /proc/self/statm (-1 where there is none).
func rss() float64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return -1
	}
	pages, err := strconv.ParseFloat(fields[1], 64)
	if err != nil {
		return -1
	}
	return pages * float64(os.Getpagesize())
}

var heapClasses = []struct{ metric, name string }{
	{"/memory/classes/heap/objects:bytes", "objects"},
	{"/memory/classes/heap/free:bytes", "free"},
	{"/memory/classes/heap/released:bytes", "released"},
	{"/memory/classes/heap/unused:bytes", "unused"},
	{"/gc/heap/goal:bytes", "goal"},
}

// scavengeSection allocates and touches o.mib MiB, drops it, and samples the heap's memory
// classes and RSS while the background scavenger works, then calls debug.FreeOSMemory.
func scavengeSection(o options) {
	const s = "scavenge"
	start := time.Now()
	step := 0
	sample := func() {
		t := time.Since(start).Seconds()
		for _, c := range heapClasses {
			emitAt(s, c.name, step, t, readMetric(c.metric), "bytes")
		}
		emitAt(s, "rss", step, t, rss(), "bytes")
		step++
	}
	event := func(name string) {
		emitAt(s, "event_"+name, step, time.Since(start).Seconds(), 1, "event")
	}
	sample()
	chunks := make([][]byte, o.mib)
	for i := range chunks {
		chunks[i] = make([]byte, 1<<20)
		for j := 0; j < len(chunks[i]); j += 4096 {
			chunks[i][j] = 1 // touch every page so it is resident
		}
	}
	for i := 0; i < 2; i++ { // the 64 MiB live for a moment, as the plot shows it
		time.Sleep(50 * time.Millisecond)
		sample()
	}
	runtime.KeepAlive(chunks)
	event("dropped")
	chunks = nil
	runtime.GC() // the 64 MiB are garbage now: this cycle frees them
	sample()
	// Phase 1: watch. The freed pages were in use during this cycle, so the scavenger
	// leaves them alone for now (it expects memory that was just busy to be reused).
	for deadline := time.Now().Add(o.watch); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		sample()
	}
	// Phase 2: one more cycle, then watch the scavenger return pages, until it has returned
	// an eighth of the allocation, or 3 s have passed.
	event("gc")
	before := readMetric("/memory/classes/heap/released:bytes")
	runtime.GC()
	sample()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		sample()
		if readMetric("/memory/classes/heap/released:bytes")-before >= float64(o.mib<<20)/8 {
			break
		}
	}
	for i := 0; i < 2; i++ {
		time.Sleep(50 * time.Millisecond)
		sample()
	}
	event("freeosmemory")
	debug.FreeOSMemory()
	sample()
	for i := 0; i < 2; i++ { // and the state it leaves, for a moment
		time.Sleep(50 * time.Millisecond)
		sample()
	}
	emit(s, "allocated", float64(o.mib<<20), "bytes")
}

// settingsSection reads GOGC and GOMEMLIMIT as the runtime sees them, then changes both at
// run time.
func settingsSection(options) {
	const s = "settings"
	emitStep(s, "gogc", 0, readMetric("/gc/gogc:percent"), "percent")
	emitStep(s, "memlimit", 0, readMetric("/gc/gomemlimit:bytes"), "bytes")
	emit(s, "env_gogc_previous", float64(debug.SetGCPercent(200)), "percent")
	emitStep(s, "gogc", 1, readMetric("/gc/gogc:percent"), "percent")
	emit(s, "memlimit_query", float64(debug.SetMemoryLimit(-1)), "bytes") // -1: only asks
	emit(s, "env_memlimit_previous", float64(debug.SetMemoryLimit(256<<20)), "bytes")
	emitStep(s, "memlimit", 1, readMetric("/gc/gomemlimit:bytes"), "bytes")
	emit(s, "gogc_previous", float64(debug.SetGCPercent(-1)), "percent")
	// off reads as -1 stored in a uint64: convert it back
	off := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(off)
	emitStep(s, "gogc", 2, float64(int64(off[0].Value.Uint64())), "percent")
}

// pinned is an object whose address we watch.
type pinned struct {
	value int
	next  *pinned
}

var (
	garbage []*pinned
	watched *pinned // reachable from a global: this object lives on the heap
)

// deep recurses with 8 KiB frames, so a goroutine's stack must grow (by copying) to fit.
//
//go:noinline
func deep(n int) int {
	var frame [8 << 10]byte
	frame[n%len(frame)] = byte(n)
	if n == 0 {
		return int(frame[0])
	}
	return deep(n-1) + int(frame[n%len(frame)])
}

// addressSection prints a heap object's address after each of several collections, with
// other objects allocated and freed around it, and the address of a local variable of a
// fresh goroutine before and after its stack grew.
func addressSection(o options) {
	const s = "address"
	gcs := o.n
	if gcs == 0 {
		gcs = 5
	}
	watched = &pinned{value: 7}
	for i := 0; i <= gcs; i++ {
		emitStep(s, "heap_address", i, float64(uintptr(unsafe.Pointer(watched))), "address")
		for j := 0; j < 10_000; j++ {
			garbage = append(garbage, &pinned{value: j})
		}
		garbage = nil
		runtime.GC()
	}
	emit(s, "value", float64(watched.value), "value")
	done := make(chan struct{})
	go func() {
		defer close(done)
		var local pinned // does not escape: it lives in this goroutine's stack frame
		p := &local
		emitStep(s, "stack_address", 0, float64(uintptr(unsafe.Pointer(p))), "address")
		deep(64) // 512 KiB of frames: the stack is copied to a bigger one, p is adjusted
		p.value = 7
		emitStep(s, "stack_address", 1, float64(uintptr(unsafe.Pointer(p))), "address")
		emit(s, "stack_value", float64(local.value), "value")
	}()
	<-done
}
