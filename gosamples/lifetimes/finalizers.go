package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// object is big enough to get its own heap block (the tiny allocator batches pointer-free
// objects under 16 bytes, and a finalizer on those may never run).
type object struct {
	name    string
	next    *object
	payload []byte
}

func newObject(name string, payload int) *object {
	return &object{name: name, payload: make([]byte, payload)}
}

const (
	tries = 20                    // collections before giving up
	wait  = 50 * time.Millisecond // the longest wait after each collection
)

// cycles is the number of finished GC cycles, from runtime/metrics.
func cycles() float64 { return readMetric("/gc/cycles/total:gc-cycles") }

// finalizerSection: when finalizers run, in which order along a chain, resurrection, and
// the same questions for runtime.AddCleanup.
func finalizerSection(options) {
	const s = "finalizers"

	// 1. Never while the object is reachable.
	var ran atomic.Int32
	signal := make(chan struct{}, 1)
	obj := newObject("kept", 64)
	runtime.SetFinalizer(obj, func(*object) { ran.Add(1); signal <- struct{}{} })
	gcUntil(3, wait, signal, func() bool { return ran.Load() > 0 })
	emit(s, "ran_while_reachable", float64(ran.Load()), "count")
	runtime.KeepAlive(obj)
	obj = nil
	emit(s, "gcs_after_drop", float64(gcUntil(tries, wait, signal,
		func() bool { return ran.Load() > 0 })), "count")

	// 2. A chain a -> b, both with finalizers: b's cannot run until a is freed. Each
	// function records how many collections we had forced when it ran.
	type event struct {
		name string
		gcs  int32
	}
	var forced atomic.Int32
	order := make(chan event, 4)
	chain := func(add func(o *object, name string)) map[string]int32 {
		a, b := newObject("a", 64), newObject("b", 64)
		a.next = b
		add(a, "a")
		add(b, "b")
		a, b = nil, nil
		forced.Store(0)
		at := map[string]int32{}
		for i := 0; i < tries && len(at) < 2; i++ {
			forced.Add(1)
			runtime.GC()
			// read what ran until nothing more arrives for a while
			for quiet := false; !quiet; {
				select {
				case r := <-order:
					at[r.name] = r.gcs
				case <-time.After(wait):
					quiet = true
				}
			}
		}
		return at
	}
	at := chain(func(o *object, name string) {
		runtime.SetFinalizer(o, func(*object) { order <- event{name, forced.Load()} })
	})
	emit(s, "finalizer_a_gcs", float64(at["a"]), "count")
	emit(s, "finalizer_b_gcs", float64(at["b"]), "count")
	at = chain(func(o *object, name string) {
		runtime.AddCleanup(o, func(n string) { order <- event{n, forced.Load()} }, name)
	})
	emit(s, "cleanup_a_gcs", float64(at["a"]), "count")
	emit(s, "cleanup_b_gcs", float64(at["b"]), "count")

	// 3. A finalizer gets the object and can make it reachable again; it runs only once.
	var runs atomic.Int32
	revived := make(chan *object, 1)
	ghost := newObject("ghost", 64)
	ghost.payload[0] = 42
	runtime.SetFinalizer(ghost, func(o *object) { runs.Add(1); revived <- o })
	ghost = nil
	var back *object
	gcUntil(tries, wait, nil, func() bool {
		select {
		case back = <-revived:
			return true
		default:
			return false
		}
	})
	emit(s, "resurrected_payload", float64(back.payload[0]), "value")
	back = nil
	gcUntil(5, 10*time.Millisecond, nil, func() bool { return false })
	emit(s, "resurrected_finalizer_runs", float64(runs.Load()), "count")

	// 4. A cleanup gets only its argument, and the argument may not be the object.
	cleanupPanic := func() (msg string) {
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprint(r)
			}
		}()
		o := newObject("self", 64)
		runtime.AddCleanup(o, func(*object) {}, o)
		return ""
	}()
	panicked := 0.0
	if cleanupPanic != "" {
		panicked = 1
	}
	emitText(s, "cleanup_arg_is_ptr_panics", panicked, "bool", cleanupPanic)
}

// cycleSection: a finalizer on an object in a cycle never runs and the cycle is never
// freed; a cleanup on the same kind of cycle runs and the memory comes back.
func cycleSection(o options) {
	const s = "cycles"
	payload := o.n
	if payload == 0 {
		payload = 4 << 20
	}
	makeCycle := func() *object {
		a, b := newObject("a", payload), newObject("b", payload)
		a.next, b.next = b, a
		return a
	}
	var ran atomic.Int32
	signal := make(chan struct{}, 1)

	base := liveHeap()
	runtime.SetFinalizer(makeCycle(), func(*object) { ran.Add(1); signal <- struct{}{} })
	gcs := gcUntil(10, 20*time.Millisecond, signal, func() bool { return ran.Load() > 0 })
	emit(s, "finalizer_ran", float64(ran.Load()), "count")
	emit(s, "finalizer_gcs", float64(gcs), "count") // -1: not after 10 collections
	emit(s, "finalizer_kept", liveHeap()-base, "bytes")

	ran.Store(0)
	base = liveHeap()
	a := makeCycle()
	runtime.AddCleanup(a, func(int) { ran.Add(1); signal <- struct{}{} }, 0)
	a = nil
	gcs = gcUntil(tries, wait, signal, func() bool { return ran.Load() > 0 })
	emit(s, "cleanup_ran", float64(ran.Load()), "count")
	emit(s, "cleanup_gcs", float64(gcs), "count")
	emit(s, "cleanup_kept", liveHeap()-base, "bytes")
	emit(s, "payload", float64(2*payload), "bytes")
}

// exitSection sets a finalizer on an unreachable object and returns: no collection runs
// before the program exits, so the finalizer never runs (it would print exit_finalizer_ran).
func exitSection(options) {
	o := newObject("last", 64)
	runtime.SetFinalizer(o, func(*object) { emit("exit", "exit_finalizer_ran", 1, "count") })
	emit("exit", "finalizer_set", 1, "count")
	emit("exit", "cycles_so_far", cycles(), "cycles")
}
