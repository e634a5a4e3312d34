package main

import (
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
)

// discard is an interface value, so whatever is written to it escapes to the heap.
var discard io.Writer = io.Discard

// appendReport appends a report of about 3 KiB for one id to buf.
func appendReport(buf []byte, id int) []byte {
	for line := 0; line < 96; line++ {
		buf = append(buf, "item "...)
		buf = strconv.AppendInt(buf, int64(id*100+line), 10)
		buf = append(buf, ": ok, nothing to report here\n"...)
	}
	return buf
}

// reportFresh makes a new 4 KiB buffer for every report: one heap allocation per call.
func reportFresh(id int) int {
	buf := make([]byte, 0, 4096)
	buf = appendReport(buf, id)
	discard.Write(buf)
	return len(buf)
}

// reportPool hands out *[]byte: a pointer fits in an interface without an allocation.
var reportPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// reportPooled reuses buffers from reportPool.
func reportPooled(id int) int {
	bp := reportPool.Get().(*[]byte)
	buf := appendReport((*bp)[:0], id)
	discard.Write(buf)
	*bp = buf
	reportPool.Put(bp)
	return len(buf)
}

// valuePool holds []byte values: each Put boxes a slice header into an interface.
var valuePool = sync.Pool{New: func() any { return make([]byte, 0, 4096) }}

// reportPooledValue is the same as reportPooled but puts the slice itself into the pool.
func reportPooledValue(id int) int {
	buf := valuePool.Get().([]byte)
	buf = appendReport(buf[:0], id)
	discard.Write(buf)
	valuePool.Put(buf) // allocates: the 24-byte slice header goes to the heap
	return len(buf)
}

// checksumStack uses a small buffer that never leaves the frame: it lives on the stack.
func checksumStack(id int) int {
	var buf [16]byte
	return fillAndSum(&buf, id)
}

var smallPool = sync.Pool{New: func() any { return new([16]byte) }}

// checksumPooled does the same with a pooled buffer: no allocation saved, only work added.
func checksumPooled(id int) int {
	buf := smallPool.Get().(*[16]byte)
	sum := fillAndSum(buf, id)
	smallPool.Put(buf)
	return sum
}

// fillAndSum writes 16 bytes derived from id into buf and adds them up.
func fillAndSum(buf *[16]byte, id int) int {
	for i := range buf {
		buf[i] = byte(id + i)
	}
	sum := 0
	for _, c := range buf {
		sum += int(c)
	}
	return sum
}

// victimHits puts one value into a fresh pool, runs gcs collections, and reports whether a
// Get still found it (true) or had to call New (false).
func victimHits(gcs int) bool {
	made := 0
	pool := &sync.Pool{New: func() any { made++; return new([64]byte) }}
	pool.Put(new([64]byte))
	for i := 0; i < gcs; i++ {
		runtime.GC()
	}
	_ = pool.Get()
	return made == 0
}

// poolSection counts Get hits after 0, 1, 2 and 3 collections. It runs on one P so the
// goroutine cannot move to another P between Put and Get (a Get never takes another P's
// private slot, which would look like a miss).
func poolSection(o options) {
	trials := o.n
	if trials == 0 {
		trials = 40
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	emit("pool", "trials", float64(trials), "count")
	for gcs := 0; gcs <= 3; gcs++ {
		hits := 0
		for i := 0; i < trials; i++ {
			if victimHits(gcs) {
				hits++
			}
		}
		emitStep("pool", "hits", gcs, float64(hits), "count")
	}
}

// poolGrowth takes items buffers out of a pool at once (as items concurrent requests
// would), lets each serve one 1 MiB request, and puts back those whose capacity is at most
// limit (0: all of them). It returns the live heap the pool then keeps, in bytes.
func poolGrowth(items, limit int) float64 {
	pool := &sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}
	base := liveHeap()
	bufs := make([]*[]byte, items)
	for i := range bufs {
		bufs[i] = pool.Get().(*[]byte)
		*bufs[i] = slices.Grow((*bufs[i])[:0], 1<<20) // the one big request
	}
	for _, b := range bufs {
		if limit == 0 || cap(*b) <= limit {
			pool.Put(b)
		}
	}
	bufs = nil
	kept := liveHeap() - base // after one GC the buffers sit in the victim cache
	runtime.KeepAlive(pool)
	return kept
}

// poolSizeSection measures what a pool of grown buffers keeps alive, with and without a cap
// on the size of what goes back in (as fmt's own buffer pool does at 64 KiB).
func poolSizeSection(o options) {
	items := o.n
	if items == 0 {
		items = 16
	}
	emit("poolsize", "items", float64(items), "count")
	emit("poolsize", "request", 1<<20, "bytes")
	emit("poolsize", "kept_uncapped", poolGrowth(items, 0), "bytes")
	emit("poolsize", "kept_capped", poolGrowth(items, 64<<10), "bytes")
}
