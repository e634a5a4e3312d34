package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// measure runs one section with its output captured and returns its values by metric (a
// series keeps its last value; see steps for all of them).
func measure(t *testing.T, name string, o options) (map[string]float64, []record) {
	t.Helper()
	var buf bytes.Buffer
	outMu.Lock()
	saved := out
	out = &buf
	outMu.Unlock()
	sections[name](o)
	outMu.Lock()
	out = saved
	outMu.Unlock()
	values := map[string]float64{}
	var records []record
	scanner := bufio.NewScanner(&buf)
	for scanner.Scan() {
		var r record
		if err := json.Unmarshal(scanner.Bytes(), &r); err != nil {
			t.Fatalf("section %s printed a line that is not a record: %q", name, scanner.Text())
		}
		if r.Section != name {
			continue // e.g. the exit section's finalizer, run by a later section's GC
		}
		values[r.Metric] = r.Value
		records = append(records, r)
	}
	return values, records
}

func steps(records []record, metric string) []float64 {
	var values []float64
	for _, r := range records {
		if r.Metric == metric {
			values = append(values, r.Value)
		}
	}
	return values
}

func TestEverySectionPrintsRecords(t *testing.T) {
	for _, name := range sectionNames() {
		o := options{mib: 8, watch: 50 * time.Millisecond}
		if _, records := measure(t, name, o); len(records) == 0 {
			t.Errorf("section %s printed nothing", name)
		}
	}
}

func TestPoolVictimCache(t *testing.T) {
	_, records := measure(t, "pool", options{n: 20})
	hits := steps(records, "hits")
	if len(hits) != 4 || hits[0] < 18 || hits[1] < 18 || hits[2] > 2 || hits[3] > 2 {
		t.Errorf("hits after 0..3 GCs out of 20 = %v; want hits after 0 and 1, misses after 2", hits)
	}
}

func TestPoolKeepsGrownBuffers(t *testing.T) {
	v, _ := measure(t, "poolsize", options{n: 8})
	if v["kept_uncapped"] < 0.9*(8<<20) || v["kept_capped"] > 1<<20 {
		t.Errorf("kept %v bytes uncapped, %v capped; want about 8 MiB and about 0", v["kept_uncapped"],
			v["kept_capped"])
	}
}

func TestFinalizersAndCleanups(t *testing.T) {
	v, _ := measure(t, "finalizers", options{})
	if v["ran_while_reachable"] != 0 || v["gcs_after_drop"] < 1 {
		t.Errorf("finalizer ran %v times while reachable, after %v GCs once dropped",
			v["ran_while_reachable"], v["gcs_after_drop"])
	}
	if v["finalizer_b_gcs"] <= v["finalizer_a_gcs"] || v["finalizer_a_gcs"] < 1 {
		t.Errorf("chain a -> b: finalizers ran after %v and %v GCs; want b's later",
			v["finalizer_a_gcs"], v["finalizer_b_gcs"])
	}
	if v["cleanup_a_gcs"] < 1 || v["cleanup_b_gcs"] < 1 {
		t.Errorf("cleanups did not run: %v", v)
	}
	if v["resurrected_payload"] != 42 || v["resurrected_finalizer_runs"] != 1 {
		t.Errorf("resurrection: payload %v, finalizer runs %v", v["resurrected_payload"],
			v["resurrected_finalizer_runs"])
	}
	if v["cleanup_arg_is_ptr_panics"] != 1 {
		t.Error("AddCleanup(p, f, p) did not panic")
	}
}

func TestCycleTrap(t *testing.T) {
	v, _ := measure(t, "cycles", options{n: 1 << 20})
	if v["finalizer_ran"] != 0 || v["finalizer_kept"] < 0.9*(2<<20) {
		t.Errorf("finalizer on a cycle ran %v times, kept %v bytes", v["finalizer_ran"],
			v["finalizer_kept"])
	}
	if v["cleanup_ran"] != 1 || v["cleanup_kept"] > 1<<20 {
		t.Errorf("cleanup on a cycle ran %v times, kept %v bytes", v["cleanup_ran"], v["cleanup_kept"])
	}
}

func TestWeakCache(t *testing.T) {
	v, _ := measure(t, "weak", options{n: 50})
	if v["alive_after_gc"] != 5 || v["keys_after_cleanup"] != 5 || v["alive_before_gc"] != 50 {
		t.Errorf("weak cache: %v", v)
	}
}

func TestUniqueSavesMemory(t *testing.T) {
	v, _ := measure(t, "unique", options{n: 20_000})
	if v["distinct_handles"] != 100 || v["handles_live"] > v["strings_live"]/4 {
		t.Errorf("unique: %v", v)
	}
}

func TestSubstringPinsDocument(t *testing.T) {
	pinned, _ := measure(t, "substring", options{n: 4})
	fixed, _ := measure(t, "substring", options{n: 4, fix: true})
	for _, m := range []string{"strings_live", "slices_live"} {
		if pinned[m] < 0.9*(4<<20) || fixed[m] > 1<<20 {
			t.Errorf("%s: %v pinned, %v fixed", m, pinned[m], fixed[m])
		}
	}
	retained = nil
}

func TestMapsDoNotShrink(t *testing.T) {
	_, records := measure(t, "maps", options{n: 20_000})
	live := steps(records, "live")
	if len(live) != 4 || live[1] < 0.9*live[0] || live[3] > live[0]/10 {
		t.Errorf("map live bytes filled, deleted, cleared, new map = %v", live)
	}
}

func TestGoroutineLeakProfile(t *testing.T) {
	v, _ := measure(t, "goroutines", options{n: 5})
	if v["leak_profile_available"] != 1 || v["leaked_reported"] < 5 {
		t.Errorf("goroutineleak profile: %v", v)
	}
}

func TestTimersAreCollected(t *testing.T) {
	v, _ := measure(t, "timers", options{n: 20_000})
	if v["dropped_live"] > v["held_live"]/10 {
		t.Errorf("unreferenced timers kept %v bytes (held: %v)", v["dropped_live"], v["held_live"])
	}
}

func TestHeapObjectsDoNotMove(t *testing.T) {
	_, records := measure(t, "address", options{n: 3})
	heap := steps(records, "heap_address")
	for _, a := range heap {
		if a != heap[0] {
			t.Errorf("heap addresses across GCs: %v", heap)
		}
	}
	if stack := steps(records, "stack_address"); stack[0] == stack[1] {
		t.Errorf("the stack variable did not move when its stack grew: %v", stack)
	}
}

func TestReportsAgree(t *testing.T) {
	for id := 0; id < 3; id++ {
		if a, b, c := reportFresh(id), reportPooled(id), reportPooledValue(id); a != b || b != c {
			t.Errorf("report %d: %d, %d, %d bytes", id, a, b, c)
		}
		if checksumStack(id) != checksumPooled(id) {
			t.Errorf("checksum %d differs", id)
		}
	}
}

// BenchmarkBuffer: a 3 KiB report in a fresh buffer, a pooled *[]byte, a pooled []byte.
func BenchmarkBuffer(b *testing.B) {
	b.Run("fresh", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			reportFresh(i)
		}
	})
	b.Run("pooled", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			reportPooled(i)
		}
	})
	b.Run("pooled-value", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			reportPooledValue(i)
		}
	})
}

// BenchmarkSmall: a 64-byte buffer that stays on the stack, and the same from a pool.
func BenchmarkSmall(b *testing.B) {
	b.Run("stack", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			checksumStack(i)
		}
	})
	b.Run("pooled", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			checksumPooled(i)
		}
	})
}
