// Command layout reports memory layout facts for notebook 08, as JSON lines on stdout.
//
// Sections (run one, several, or all; the default is all):
//
//	layout            unsafe.Sizeof/Alignof/Offsetof of the sample's structs and common headers
//	scan   [-n N]     what the collector must scan for N elements of four shapes, and its CPU
//	stack  [-depth D] a goroutine's stack growing by copying, and a pointer that follows it
//
//	layout -n 1048576 -gcs 5 scan stack
//
// Every line is one JSON object with a "kind": struct, field, type, scan, stack or metric.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"runtime/metrics"
	"time"
	"unsafe"
)

// Sections lists the sections in the order "all" runs them.
var Sections = []string{"layout", "scan", "stack"}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "layout:", err)
		os.Exit(2)
	}
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("layout", flag.ContinueOnError)
	n := fs.Int("n", 1<<20, "elements per working set in the scan section")
	gcs := fs.Int("gcs", 5, "forced collections timed per shape in the scan section")
	depth := fs.Int("depth", 64, "recursion depth (1 KiB frames) in the stack section")
	section := fs.String("section", "", "a section to run (same as naming it as an argument)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	chosen := fs.Args()
	if *section != "" {
		chosen = append(chosen, *section)
	}
	if len(chosen) == 0 || (len(chosen) == 1 && chosen[0] == "all") {
		chosen = Sections
	}
	if *n < 1 || *gcs < 1 || *depth < 0 {
		return fmt.Errorf("-n and -gcs must be >= 1 and -depth >= 0")
	}
	enc := json.NewEncoder(w)
	for _, name := range chosen {
		var err error
		switch name {
		case "layout":
			err = reportLayout(enc)
		case "scan":
			err = reportScan(enc, *n, *gcs)
		case "stack":
			err = enc.Encode(stackGrowth(*depth))
		default:
			return fmt.Errorf("unknown section %q (choose from %v or all)", name, Sections)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ---- layout ----------------------------------------------------------------------------

// StructInfo is one struct's size and alignment, as unsafe reports them.
type StructInfo struct {
	Kind   string  `json:"kind"` // "struct"
	Name   string  `json:"name"`
	Size   uintptr `json:"size"`
	Align  uintptr `json:"align"`
	Fields int     `json:"fields"`
}

// FieldInfo is one field: where it starts, how big it is, what alignment it needs.
type FieldInfo struct {
	Kind     string  `json:"kind"` // "field"
	Struct   string  `json:"struct"`
	Index    int     `json:"index"`
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	Offset   uintptr `json:"offset"`
	Size     uintptr `json:"size"`
	Align    uintptr `json:"align"`
	Pointers bool    `json:"pointers"` // the field holds a pointer the collector must follow
}

// TypeInfo is the size of a built-in type's value (for headers: the header, not the data).
type TypeInfo struct {
	Kind  string  `json:"kind"` // "type"
	Name  string  `json:"name"`
	Size  uintptr `json:"size"`
	Align uintptr `json:"align"`
}

// structSizes are taken with unsafe.Sizeof/Alignof directly (the compiler's constants);
// reflect only walks the fields, and main_test.go checks it agrees with unsafe.Offsetof.
var structSizes = []struct {
	value       any
	size, align uintptr
}{
	{Padded{}, unsafe.Sizeof(Padded{}), unsafe.Alignof(Padded{})},
	{Packed{}, unsafe.Sizeof(Packed{}), unsafe.Alignof(Packed{})},
	{Reading{}, unsafe.Sizeof(Reading{}), unsafe.Alignof(Reading{})},
	{Mixed{}, unsafe.Sizeof(Mixed{}), unsafe.Alignof(Mixed{})},
	{Word33{}, unsafe.Sizeof(Word33{}), unsafe.Alignof(Word33{})},
	{Pair{}, unsafe.Sizeof(Pair{}), unsafe.Alignof(Pair{})},
	{PtrPair{}, unsafe.Sizeof(PtrPair{}), unsafe.Alignof(PtrPair{})},
	{PairPtrLast{}, unsafe.Sizeof(PairPtrLast{}), unsafe.Alignof(PairPtrLast{})},
	{QuadPtrFirst{}, unsafe.Sizeof(QuadPtrFirst{}), unsafe.Alignof(QuadPtrFirst{})},
	{QuadPtrLast{}, unsafe.Sizeof(QuadPtrLast{}), unsafe.Alignof(QuadPtrLast{})},
}

var (
	aString string
	aSlice  []byte
	anAny   any
	aMap    map[string]int
	aChan   chan int
	aFunc   func()
	aPtr    *int
	anArray [4]int64
	empty   struct{}
)

var typeSizes = []TypeInfo{
	{"type", "string", unsafe.Sizeof(aString), unsafe.Alignof(aString)},
	{"type", "[]byte", unsafe.Sizeof(aSlice), unsafe.Alignof(aSlice)},
	{"type", "any", unsafe.Sizeof(anAny), unsafe.Alignof(anAny)},
	{"type", "map[string]int", unsafe.Sizeof(aMap), unsafe.Alignof(aMap)},
	{"type", "chan int", unsafe.Sizeof(aChan), unsafe.Alignof(aChan)},
	{"type", "func()", unsafe.Sizeof(aFunc), unsafe.Alignof(aFunc)},
	{"type", "*int", unsafe.Sizeof(aPtr), unsafe.Alignof(aPtr)},
	{"type", "[4]int64", unsafe.Sizeof(anArray), unsafe.Alignof(anArray)},
	{"type", "struct{}", unsafe.Sizeof(empty), unsafe.Alignof(empty)},
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Chan,
		reflect.Func, reflect.Interface, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

func reportLayout(enc *json.Encoder) error {
	for _, s := range structSizes {
		t := reflect.TypeOf(s.value)
		if err := enc.Encode(StructInfo{"struct", t.Name(), s.size, s.align, t.NumField()}); err != nil {
			return err
		}
		for i := range t.NumField() {
			f := t.Field(i)
			info := FieldInfo{"field", t.Name(), i, f.Name, f.Type.String(), f.Offset,
				f.Type.Size(), uintptr(f.Type.Align()), hasPointers(f.Type)}
			if err := enc.Encode(info); err != nil {
				return err
			}
		}
	}
	for _, t := range typeSizes {
		if err := enc.Encode(t); err != nil {
			return err
		}
	}
	return nil
}

// ---- scan ------------------------------------------------------------------------------

// ScanInfo is what one working set costs the collector.
type ScanInfo struct {
	Kind         string  `json:"kind"` // "scan"
	Shape        string  `json:"shape"`
	Elements     int     `json:"elements"`
	ElementBytes uintptr `json:"element_bytes"`
	// HeapScanBytes is /gc/scan/heap:bytes after two forced collections: the heap bytes the
	// collector would have to scan (pointer-free objects count zero).
	HeapScanBytes uint64 `json:"heap_scan_bytes"`
	// LiveBytes is /gc/heap/live:bytes: everything the last cycle found reachable.
	LiveBytes uint64 `json:"live_bytes"`
	// GCCPUSeconds is /cpu/classes/gc/total:cpu-seconds spent in the timed collections (an
	// estimate the runtime keeps); GCWallSeconds is their wall time. Both are per cycle, the
	// mean over Cycles; the Min fields are the cheapest single cycle (load only adds time).
	GCCPUSeconds     float64 `json:"gc_cpu_seconds"`
	GCWallSeconds    float64 `json:"gc_wall_seconds"`
	GCCPUSecondsMin  float64 `json:"gc_cpu_seconds_min"`
	GCWallSecondsMin float64 `json:"gc_wall_seconds_min"`
	Cycles           int     `json:"cycles"`
}

var shared = new(int)

// workingSet builds n elements of one shape and returns them (kept live by the caller).
func workingSet(shape string, n int) (any, uintptr) {
	switch shape {
	case "[]Pair":
		return make([]Pair, n), unsafe.Sizeof(Pair{})
	case "[]*Pair":
		s := make([]*Pair, n)
		for i := range s {
			s[i] = &Pair{A: i}
		}
		return s, unsafe.Sizeof(Pair{})
	case "[]PtrPair":
		s := make([]PtrPair, n)
		for i := range s {
			s[i].P = shared
		}
		return s, unsafe.Sizeof(PtrPair{})
	case "[]PairPtrLast":
		s := make([]PairPtrLast, n)
		for i := range s {
			s[i].P = shared
		}
		return s, unsafe.Sizeof(PairPtrLast{})
	case "[]*QuadPtrFirst":
		s := make([]*QuadPtrFirst, n)
		for i := range s {
			s[i] = &QuadPtrFirst{P: shared}
		}
		return s, unsafe.Sizeof(QuadPtrFirst{})
	case "[]*QuadPtrLast":
		s := make([]*QuadPtrLast, n)
		for i := range s {
			s[i] = &QuadPtrLast{P: shared}
		}
		return s, unsafe.Sizeof(QuadPtrLast{})
	}
	panic("unknown shape " + shape)
}

// ScanShapes are the working sets the scan section compares, in order.
var ScanShapes = []string{
	"[]Pair", "[]*Pair", "[]PtrPair", "[]PairPtrLast", "[]*QuadPtrFirst", "[]*QuadPtrLast",
}

func read(names ...string) []metrics.Sample {
	samples := make([]metrics.Sample, len(names))
	for i, name := range names {
		samples[i].Name = name
	}
	metrics.Read(samples)
	return samples
}

// measureScan builds one working set and measures it. Around it, it writes two marker lines to
// stderr ("layout: scan begin SHAPE", "layout: scan read SHAPE"): run with GODEBUG=gctrace=2,
// the runtime writes its per-cycle scanner statistics to stderr too, so the markers tell which
// statistics belong to which shape, and the last ones before "read" are those of the cycle
// that set /gc/scan/heap:bytes.
func measureScan(shape string, n, gcs int) ScanInfo {
	fmt.Fprintln(os.Stderr, "layout: scan begin", shape)
	ws, elem := workingSet(shape, n)
	runtime.GC()
	runtime.GC()
	before := read("/gc/scan/heap:bytes", "/gc/heap/live:bytes")
	fmt.Fprintln(os.Stderr, "layout: scan read", shape)
	info := ScanInfo{
		Kind: "scan", Shape: shape, Elements: n, ElementBytes: elem,
		HeapScanBytes: before[0].Value.Uint64(), LiveBytes: before[1].Value.Uint64(),
		Cycles: gcs,
	}
	for i := range gcs {
		cpu := read("/cpu/classes/gc/total:cpu-seconds")[0].Value.Float64()
		start := time.Now()
		runtime.GC()
		wall := time.Since(start).Seconds()
		cpu = read("/cpu/classes/gc/total:cpu-seconds")[0].Value.Float64() - cpu
		info.GCCPUSeconds += cpu / float64(gcs)
		info.GCWallSeconds += wall / float64(gcs)
		if i == 0 || cpu < info.GCCPUSecondsMin {
			info.GCCPUSecondsMin = cpu
		}
		if i == 0 || wall < info.GCWallSecondsMin {
			info.GCWallSecondsMin = wall
		}
	}
	runtime.KeepAlive(ws)
	return info
}

func reportScan(enc *json.Encoder, n, gcs int) error {
	for _, shape := range ScanShapes {
		if err := enc.Encode(measureScan(shape, n, gcs)); err != nil {
			return err
		}
		runtime.GC() // the working set is garbage now: start the next shape from a clean heap
	}
	return nil
}

// ---- stack -----------------------------------------------------------------------------

// StackInfo shows one goroutine's stack growing while a pointer into it stays valid.
type StackInfo struct {
	Kind string `json:"kind"` // "stack"
	// StartingSize is /gc/stack/starting-size:bytes: what a new goroutine's stack starts at.
	StartingSize uint64 `json:"starting_size"`
	Depth        int    `json:"depth"`
	FrameBytes   int    `json:"frame_bytes"`
	// AddrBefore and AddrAfter are the address of one local variable, x, before and after a
	// deep recursion; Value is *p read after it, through a pointer p taken before it.
	AddrBefore uintptr `json:"addr_before"`
	AddrAfter  uintptr `json:"addr_after"`
	Value      int     `json:"value"`
	// UsedBytes is how far below x the deepest frame lay (measured on the final stack).
	UsedBytes uintptr `json:"used_bytes"`
	// StacksBefore/Deep/After are /memory/classes/heap/stacks:bytes, the runtime's stack
	// memory in use for all goroutines, before the recursion, at its deepest, after it.
	StacksBefore uint64 `json:"stacks_before"`
	StacksDeep   uint64 `json:"stacks_deep"`
	StacksAfter  uint64 `json:"stacks_after"`
}

const frameBytes = 1024

type deepest struct {
	addr   uintptr
	stacks uint64
}

// recurse uses a 1 KiB frame per call; the deepest call records where it is and how much
// stack memory the runtime has in use.
//
//go:noinline
func recurse(n int, out *deepest) int {
	var frame [frameBytes]byte
	frame[n%frameBytes] = byte(n)
	if n == 0 {
		out.addr = uintptr(unsafe.Pointer(&frame[0]))
		out.stacks = read("/memory/classes/heap/stacks:bytes")[0].Value.Uint64()
		return int(frame[0])
	}
	return recurse(n-1, out) + int(frame[n%frameBytes])
}

func stackGrowth(depth int) StackInfo {
	done := make(chan StackInfo)
	go func() {
		x := 42
		p := &x // a pointer into this goroutine's stack: x does not escape
		info := StackInfo{Kind: "stack", Depth: depth, FrameBytes: frameBytes}
		info.StartingSize = read("/gc/stack/starting-size:bytes")[0].Value.Uint64()
		info.AddrBefore = uintptr(unsafe.Pointer(p))
		info.StacksBefore = read("/memory/classes/heap/stacks:bytes")[0].Value.Uint64()
		var d deepest
		recurse(depth, &d)
		info.AddrAfter = uintptr(unsafe.Pointer(p))
		info.Value = *p
		info.UsedBytes = info.AddrAfter - d.addr
		info.StacksDeep = d.stacks
		info.StacksAfter = read("/memory/classes/heap/stacks:bytes")[0].Value.Uint64()
		done <- info
	}()
	return <-done
}
