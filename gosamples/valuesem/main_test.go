package main

import (
	"flag"
	"testing"
	"unsafe"
)

func TestValueSemanticsCopies(t *testing.T) {
	u := newUser("ana")
	got := visitByValue(u)
	if u.visits != 0 || got.visits != 1 {
		t.Fatalf("caller %d, copy %d: want 0 and 1", u.visits, got.visits)
	}
}

func TestPointerSemanticsShares(t *testing.T) {
	u := newUser("ana")
	visitByPointer(&u)
	if u.visits != 1 {
		t.Fatalf("caller sees %d visits, want 1", u.visits)
	}
}

func TestAssignmentCopiesPointerShares(t *testing.T) {
	a := point{1, 2}
	b := a
	b.X = 99
	if a.X != 1 {
		t.Fatalf("assignment should copy: a=%+v", a)
	}
	p := &a
	p.X = 99
	if a.X != 99 {
		t.Fatalf("a pointer should share: a=%+v", a)
	}
}

func TestDefaultsIsACopy(t *testing.T) {
	t.Cleanup(func() { defaultConfig.retries = 3 })
	c := defaults()
	c.retries = 10
	if defaultConfig.retries != 3 {
		t.Fatalf("defaults() should return a copy; defaultConfig.retries=%d", defaultConfig.retries)
	}
	sharedDefaults().retries = 10
	if defaultConfig.retries != 10 {
		t.Fatalf("sharedDefaults() should share; defaultConfig.retries=%d", defaultConfig.retries)
	}
}

func TestReceivers(t *testing.T) {
	var c counter
	c.AddBuggy()
	if c.Hits() != 0 {
		t.Fatalf("a value receiver works on a copy; hits=%d", c.Hits())
	}
	c.Add()
	if c.Hits() != 1 {
		t.Fatalf("a pointer receiver works on the original; hits=%d", c.Hits())
	}
}

func TestArraysCopySlicesShare(t *testing.T) {
	a := [5]int{1, 2, 3, 4, 5}
	zeroFirstOfArray(a)
	s := []int{1, 2, 3}
	zeroFirstOfSlice(s)
	if a[0] != 1 || s[0] != 0 {
		t.Fatalf("array a=%v (want unchanged), slice s=%v (want s[0]=0)", a, s)
	}
}

func TestRangeCopies(t *testing.T) {
	users := []user{{name: "ana"}, {name: "bo"}}
	visitAllBuggy(users)
	if users[0].visits != 0 {
		t.Fatal("the range variable is a copy")
	}
	visitAll(users)
	if users[0].visits != 1 || users[1].visits != 1 {
		t.Fatalf("indexing reaches the elements: %+v", users)
	}
	ptrs := loopAddresses(users)
	if ptrs[0] == ptrs[1] || ptrs[0].name != "ana" || ptrs[1].name != "bo" || ptrs[0] == &users[0] {
		t.Fatal("Go 1.22+: a fresh loop variable per iteration, a copy of the element")
	}
}

func TestSharingAllocates(t *testing.T) {
	cases := []struct {
		name string
		call func()
		want float64
	}{
		{"keepCopy", keepCopy, 0},
		{"keepShared", keepShared, 1},
		{"returnCopy", func() { keptValue = returnCopy() }, 0},
		{"returnShared", func() { keptPointer = returnShared() }, 1},
	}
	for _, c := range cases {
		if got := testing.AllocsPerRun(50, c.call); got != c.want {
			t.Errorf("%s: %.0f allocs/call, want %.0f", c.name, got, c.want)
		}
	}
}

func TestStructSizes(t *testing.T) {
	got := []uintptr{unsafe.Sizeof(struct8{}), unsafe.Sizeof(struct64{}), unsafe.Sizeof(struct512{}),
		unsafe.Sizeof(struct4K{}), unsafe.Sizeof(struct32K{})}
	want := []uintptr{8, 64, 512, 4096, 32768}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("struct %d: %d bytes, want %d", i, got[i], want[i])
		}
	}
}

func TestFirstByte(t *testing.T) {
	v := [4]int64{7}
	if firstByteOfValue(v) != 7 || firstByteOfPointer(&v) != 7 {
		t.Fatal("both helpers read the first byte")
	}
}

func TestEverySectionRuns(t *testing.T) {
	if err := flag.Set("benchtime", "1ms"); err != nil {
		t.Fatal(err)
	}
	if err := flag.Set("count", "1"); err != nil {
		t.Fatal(err)
	}
	for name := range sections {
		if code := runSection(name); code != 0 {
			t.Errorf("section %s exited %d", name, code)
		}
	}
	if runSection("nope") != 2 {
		t.Error("an unknown section should exit 2")
	}
}

func BenchmarkCopy32KiB(b *testing.B) {
	var v struct32K
	for b.Loop() {
		firstByteOfValue(v)
	}
}

func BenchmarkPointer32KiB(b *testing.B) {
	var v struct32K
	for b.Loop() {
		firstByteOfPointer(&v)
	}
}

func TestCopiesThatStillReachTheHeap(t *testing.T) {
	if got := testing.AllocsPerRun(20, bigCopy); got != 2 {
		t.Errorf("bigCopy: %v allocations per call, want 2 (both 200 KiB arrays on the heap)", got)
	}
	if got := testing.AllocsPerRun(20, func() { boxedCopy(31) }); got != 1 {
		t.Errorf("boxedCopy: %v allocations per call, want 1 (the boxed copy)", got)
	}
}
