package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// ---- tests -----------------------------------------------------------------------------

func TestReflectAgreesWithUnsafe(t *testing.T) {
	var p Padded
	want := []uintptr{unsafe.Offsetof(p.Active), unsafe.Offsetof(p.ID), unsafe.Offsetof(p.Urgent),
		unsafe.Offsetof(p.Time), unsafe.Offsetof(p.Closed), unsafe.Offsetof(p.Count)}
	typ := reflect.TypeOf(p)
	for i, offset := range want {
		if got := typ.Field(i).Offset; got != offset {
			t.Errorf("field %d: reflect offset %d, unsafe.Offsetof %d", i, got, offset)
		}
	}
	for _, s := range structSizes {
		typ := reflect.TypeOf(s.value)
		if typ.Size() != s.size || uintptr(typ.Align()) != s.align {
			t.Errorf("%s: reflect %d/%d, unsafe %d/%d", typ.Name(), typ.Size(), typ.Align(),
				s.size, s.align)
		}
	}
}

func TestPackedIsSmaller(t *testing.T) {
	if unsafe.Sizeof(Packed{}) >= unsafe.Sizeof(Padded{}) {
		t.Fatalf("Packed %d B is not smaller than Padded %d B", unsafe.Sizeof(Packed{}),
			unsafe.Sizeof(Padded{}))
	}
}

func TestSectionsPrintJSON(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-n", "1024", "-gcs", "1", "-depth", "16", "all"}, &out); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var v struct{ Kind string }
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		kinds[v.Kind]++
	}
	if kinds["struct"] != len(structSizes) || kinds["scan"] != len(ScanShapes) || kinds["stack"] != 1 {
		t.Fatalf("kinds %v", kinds)
	}
	if err := run([]string{"nonsense"}, &out); err == nil {
		t.Fatal("an unknown section is not an error")
	}
}

func TestStackPointerFollowsTheMove(t *testing.T) {
	info := stackGrowth(64)
	if info.Value != 42 {
		t.Fatalf("the value behind the pointer changed: %d", info.Value)
	}
	if info.AddrBefore == info.AddrAfter {
		t.Fatalf("64 KiB of frames did not move a %d-byte stack", info.StartingSize)
	}
	if info.UsedBytes < 64*frameBytes {
		t.Fatalf("deepest frame only %d bytes down", info.UsedBytes)
	}
}

func TestPointerFreeIsNotScanned(t *testing.T) {
	free := measureScan("[]Pair", 1<<16, 1)
	ptrs := measureScan("[]PtrPair", 1<<16, 1)
	if ptrs.HeapScanBytes < free.HeapScanBytes+(1<<16)*8 {
		t.Fatalf("scan bytes: pointer-free %d, with pointers %d", free.HeapScanBytes,
			ptrs.HeapScanBytes)
	}
}

// ---- benchmarks ------------------------------------------------------------------------

var (
	sinkBytes   []byte
	sinkString  string
	sinkPadded  *Padded
	sinkPacked  *Packed
	sinkReading *Reading
	sinkWord33  *Word33
	sinkPoint   *point
	sinkInt     int
)

// AllocSizes are the byte counts BenchmarkAlloc sweeps: each side of several class edges.
var AllocSizes = []int{1, 8, 9, 16, 17, 24, 25, 32, 33, 48, 49, 64, 65, 80, 81, 96, 97, 112,
	113, 128, 129, 160, 200, 256, 257, 320, 384, 448, 512, 513, 640, 768, 1024, 1025, 1500,
	2048, 2049, 3000, 4096, 4097, 6000, 8192, 8193}

// BenchmarkAlloc allocates a pointer-free []byte of each size: B/op is its size class.
func BenchmarkAlloc(b *testing.B) {
	for _, n := range AllocSizes {
		b.Run(fmt.Sprintf("bytes=%d", n), func(b *testing.B) {
			for b.Loop() {
				sinkBytes = make([]byte, n)
			}
		})
	}
}

// BenchmarkNew allocates one struct of the sample: B/op is the class its Sizeof falls in.
func BenchmarkNew(b *testing.B) {
	b.Run("type=Padded", func(b *testing.B) {
		for b.Loop() {
			sinkPadded = new(Padded)
		}
	})
	b.Run("type=Packed", func(b *testing.B) {
		for b.Loop() {
			sinkPacked = new(Packed)
		}
	})
	b.Run("type=Reading", func(b *testing.B) {
		for b.Loop() {
			sinkReading = new(Reading)
		}
	})
	b.Run("type=Word33", func(b *testing.B) {
		for b.Loop() {
			sinkWord33 = new(Word33)
		}
	})
}

var (
	text  = strings.Repeat("memory layout! ", 8) // 120 bytes: past the compiler's 32-byte stack buffer
	data  = []byte(text)
	index = map[string]int{text: 1}
)

// BenchmarkConvert: string <-> []byte conversions that copy, and ones that do not.
func BenchmarkConvert(b *testing.B) {
	b.Run("op=bytes(s)", func(b *testing.B) { // a new []byte that outlives the call: copy
		for b.Loop() {
			sinkBytes = []byte(text)
		}
	})
	b.Run("op=string(b)", func(b *testing.B) { // a new string that outlives the call: copy
		for b.Loop() {
			sinkString = string(data)
		}
	})
	b.Run("op=map[string(b)]", func(b *testing.B) { // a map lookup key: no copy
		for b.Loop() {
			sinkInt = index[string(data)]
		}
	})
	b.Run("op=string(b)==s", func(b *testing.B) { // a comparison: no copy
		for b.Loop() {
			if string(data) == text {
				sinkInt++
			}
		}
	})
	b.Run("op=readonly-bytes(s)", func(b *testing.B) { // read-only, non-escaping: zero-copy
		for b.Loop() {
			sinkInt = countSpaces(text)
		}
	})
	b.Run("op=mutated-bytes(s)", func(b *testing.B) { // written to and returned: copy
		for b.Loop() {
			sinkBytes = upper(text)
		}
	})
	b.Run("op=unsafe.String", func(b *testing.B) { // shares the bytes: no copy, no safety
		for b.Loop() {
			sinkString = unsafe.String(unsafe.SliceData(data), len(data))
		}
	})
}

// countSpaces converts s to []byte and only reads it: the compiler may skip the copy.
func countSpaces(s string) int {
	b := []byte(s)
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == ' ' {
			n++
		}
	}
	return n
}

// upper converts s to []byte and writes to it: the copy is needed.
func upper(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return b
}

type point struct{ X, Y, Z int }

//go:noinline
func sum(p *point) int { return p.X + p.Y + p.Z }

// BenchmarkFrame: the same value kept in the frame, or moved to the heap because it escapes.
func BenchmarkFrame(b *testing.B) {
	b.Run("where=stack", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := point{i, i, i} // &p is passed down, never kept: p stays in the frame
			sinkInt = sum(&p)
		}
	})
	b.Run("where=heap", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := &point{i, i, i} // stored in a global: outlives the frame, moved to the heap
			sinkPoint = p
			sinkInt = sum(p)
		}
	})
}
