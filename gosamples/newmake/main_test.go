package main

import (
	"testing"
	"unsafe"
)

func TestZeroCounterIsFreshAndZero(t *testing.T) {
	a, b := zeroCounter(), zeroCounter()
	if *a != 0 || a == b {
		t.Fatalf("new(int) should give distinct zeroed ints, got %p=%d and %p=%d", a, *a, b, *b)
	}
}

func TestTagWritesThroughToCaller(t *testing.T) {
	labels := make(map[string]string)
	tag(labels, "k", "v")
	if labels["k"] != "v" {
		t.Fatalf("caller's map misses the write made inside tag: %v", labels)
	}
}

func TestGrowSharesArrayNotHeader(t *testing.T) {
	values := make([]int, 3, 8)
	grown := grow(values)
	if len(values) != 3 || len(grown) != 4 {
		t.Fatalf("lengths: caller %d, grown %d; want 3 and 4", len(values), len(grown))
	}
	if values[0] != -1 {
		t.Fatalf("write through the shared backing array was lost: values[0]=%d", values[0])
	}
}

func TestNilMapWritePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("writing to a nil map should panic")
		}
	}()
	var m map[string]int
	m["x"] = 1
}

func TestNewAndCompositeLiteralAreZeroedPointers(t *testing.T) {
	a, b := new(point), &point{}
	var c point
	if *a != (point{}) || *b != (point{}) || c != (point{}) {
		t.Fatalf("want zero points, got %+v %+v %+v", *a, *b, c)
	}
	if a == b {
		t.Fatal("new(point) and &point{} should be two variables")
	}
	if d := new(point{X: 1}); d.X != 1 {
		t.Fatalf("new(expression) should start from the expression, got %+v", *d)
	}
}

func TestReplaceDoesNotReachCaller(t *testing.T) {
	labels := map[string]string{"k": "v"}
	replace(labels)
	if len(labels) != 1 || labels["k"] != "v" {
		t.Fatalf("replace rebinds its own copy of the handle; caller has %v", labels)
	}
}

func TestAppendThenWriteDependsOnCapacity(t *testing.T) {
	roomy := make([]int, 3, 8)
	appendThenWrite(roomy)
	if roomy[0] != -1 || roomy[:4][3] != 99 {
		t.Fatalf("with spare capacity the writes land in the shared array: %v", roomy[:4])
	}
	full := make([]int, 3)
	appendThenWrite(full)
	if full[0] != 0 {
		t.Fatalf("a full slice is copied by append, so the write misses the caller: %v", full)
	}
}

func TestAliasAppends(t *testing.T) {
	a, b := aliasAppends(8)
	if a[3] != 2 || &a[0] != &b[0] {
		t.Fatalf("appends into spare capacity share one array: a=%v b=%v", a, b)
	}
	a, b = aliasAppends(3)
	if a[3] != 1 || b[3] != 2 {
		t.Fatalf("appends past capacity get arrays of their own: a=%v b=%v", a, b)
	}
}

func TestFillReachesCallersChannel(t *testing.T) {
	ch := make(chan int, 3)
	fill(ch, 3)
	if len(ch) != 3 {
		t.Fatalf("len(ch)=%d, want 3", len(ch))
	}
}

func TestNilMapReadsAsEmpty(t *testing.T) {
	var m map[string]int
	delete(m, "x")
	if v, ok := m["x"]; v != 0 || ok || len(m) != 0 {
		t.Fatalf("nil map read: %d %t len %d", v, ok, len(m))
	}
}

func TestNewSliceIsPointerToNilSlice(t *testing.T) {
	p := new([]int)
	if *p != nil {
		t.Fatal("new([]int) should point at a nil slice")
	}
	if s := make([]int, 0); s == nil {
		t.Fatal("make([]int, 0) should be non-nil")
	}
}

func TestHeaderSizes(t *testing.T) {
	word := unsafe.Sizeof(uintptr(0))
	sizes := map[string]uintptr{
		"slice":  unsafe.Sizeof([]int{}),
		"map":    unsafe.Sizeof(map[int]int{}),
		"chan":   unsafe.Sizeof(make(chan int)),
		"string": unsafe.Sizeof(""),
	}
	want := map[string]uintptr{"slice": 3 * word, "map": word, "chan": word, "string": 2 * word}
	for k, v := range want {
		if sizes[k] != v {
			t.Errorf("%s header: %d bytes, want %d", k, sizes[k], v)
		}
	}
}

func TestHeapPreview(t *testing.T) {
	cases := []struct {
		name string
		call func()
		want float64
	}{
		{"newUsedLocally", func() { newUsedLocally() }, 0},
		{"newKept", newKept, 1},
		{"makeUsedLocally", func() { makeUsedLocally() }, 0},
		{"makeKept", makeKept, 1},
	}
	for _, c := range cases {
		if got := testing.AllocsPerRun(50, c.call); got != c.want {
			t.Errorf("%s: %.0f allocs/call, want %.0f", c.name, got, c.want)
		}
	}
}

func TestEverySectionRuns(t *testing.T) {
	for name := range sections {
		if name == "nilmapwrite" {
			continue
		}
		if code := runSection(name); code != 0 {
			t.Errorf("section %s exited %d", name, code)
		}
	}
	if runSection("nope") != 2 {
		t.Error("an unknown section should exit 2")
	}
}

func TestMapIsOneWordAndSliceThree(t *testing.T) {
	m := map[string]int{}
	if unsafe.Sizeof(m) != unsafe.Sizeof(uintptr(0)) || mapWord(m) == nil {
		t.Fatalf("a made map should be one non-nil word, got %d bytes", unsafe.Sizeof(m))
	}
	s := make([]int, 2, 5)
	if h := *(*sliceWords)(unsafe.Pointer(&s)); h.len != 2 || h.cap != 5 || h.data != unsafe.Pointer(&s[0]) {
		t.Fatalf("slice words: %+v", h)
	}
}
