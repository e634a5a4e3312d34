// Command releases measures, on whichever Go release builds it, behaviours that changed
// between Go 1.21 and 1.27. It first churns a heap (run it with GODEBUG=gctrace=1 to see the
// collector work), then prints one "name value" line per measurement and two benchmark
// lines; with the argument "gc" it only churns.
//
// Only syntax that Go 1.21 accepts is used, so every release can build it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// sinkFuncs keeps closures reachable, so they must live on the heap.
var sinkFuncs []func() string

// Closures collects one closure per loop iteration, each returning the loop variable. Before
// Go 1.22 all of them share one variable i (they print 333); from 1.22 each iteration has its
// own i (012).
func Closures() []func() string {
	var funcs []func() string
	for i := 0; i < 3; i++ {
		funcs = append(funcs, func() string { return strconv.Itoa(i) })
	}
	return funcs
}

// Count makes a slice whose size is known only at run time.
func Count(n int) int {
	b := make([]byte, n)
	return len(b)
}

// Explicit256K declares a 256 KiB array variable (an explicit declaration).
func Explicit256K(i int) byte {
	var a [256 << 10]byte
	a[i] = 1
	return a[i/2]
}

// Explicit16M declares a 16 MiB array variable.
func Explicit16M(i int) byte {
	var a [16 << 20]byte
	a[i] = 1
	return a[i/2]
}

// Implicit32K allocates 32 KiB with make and a constant size (an implicit allocation).
func Implicit32K(i int) byte {
	b := make([]byte, 32<<10)
	b[i] = 1
	return b[i/2]
}

// Implicit128K allocates 128 KiB with make and a constant size.
func Implicit128K(i int) byte {
	b := make([]byte, 128<<10)
	b[i] = 1
	return b[i/2]
}

// AppendSmall grows a slice from nil with append, n elements.
func AppendSmall(n int) int {
	var s []int
	for i := 0; i < n; i++ {
		s = append(s, i)
	}
	return len(s)
}

// AppendReturned grows a slice from nil with append and returns it, so the result escapes.
func AppendReturned(n int) []int {
	var s []int
	for i := 0; i < n; i++ {
		s = append(s, i)
	}
	return s
}

// sum and first read an array through a pointer they do not keep.
//
//go:noinline
func sum(p *[4]int) int { return p[0] + p[1] + p[2] + p[3] }

//go:noinline
func first(p *[4]int) int { return p[0] }

// FuncVar calls through a local func variable that holds one of two known functions. Before
// Go 1.27 escape analysis saw a call through a variable assigned twice as a call to an
// unknown function, so &a escaped; from 1.27 it merges what every assigned callee does with
// its argument, and neither keeps it.
func FuncVar(which bool) int {
	f := sum
	if which {
		f = first
	}
	var a [4]int
	a[0] = 1
	return f(&a)
}

var sinkInts []int

// FillMap inserts n keys into a map, sized in advance when hint is true.
func FillMap(n int, hint bool) int {
	var m map[int]int
	if hint {
		m = make(map[int]int, n)
	} else {
		m = make(map[int]int)
	}
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return len(m)
}

// Order is the JSON document decoded by DecodeOrder.
type Order struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Tags  []string `json:"tags"`
	Price float64  `json:"price"`
	Lines []struct {
		SKU string `json:"sku"`
		Qty int    `json:"qty"`
	} `json:"lines"`
}

// OrderJSON is a small order document.
var OrderJSON = []byte(`{"id":42,"name":"gopher","tags":["a","bb","ccc"],"price":9.5,` +
	`"lines":[{"sku":"x-1","qty":2},{"sku":"y-22","qty":1},{"sku":"z-333","qty":7}]}`)

// DecodeOrder decodes OrderJSON with encoding/json.
func DecodeOrder() (Order, error) {
	var o Order
	err := json.Unmarshal(OrderJSON, &o)
	return o, err
}

// costs returns the heap allocations and bytes one call of f makes: the average over runs
// calls, the least of five such batches (the runtime's own background allocations, counted
// by MemStats too, only ever add).
func costs(runs int, f func()) (allocs, bytes float64) {
	f() // warm up: one-time costs are not counted
	allocs, bytes = math.Inf(1), math.Inf(1)
	for batch := 0; batch < 5; batch++ {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < runs; i++ {
			f()
		}
		runtime.ReadMemStats(&after)
		allocs = math.Min(allocs, float64(after.Mallocs-before.Mallocs)/float64(runs))
		bytes = math.Min(bytes, float64(after.TotalAlloc-before.TotalAlloc)/float64(runs))
	}
	return allocs, bytes
}

var sinkInt int

func measurements() []string {
	var said []string
	add := func(name string, value any) { said = append(said, fmt.Sprint(name, " ", value)) }
	var out strings.Builder
	for _, f := range Closures() {
		out.WriteString(f())
	}
	add("loopvar.printed", out.String())
	allocs, _ := costs(200, func() { sinkFuncs = Closures() })
	add("loopvar.allocs", allocs)
	allocs, _ = costs(200, func() { sinkInt = Count(sinkInt%8 + 8) })
	add("make_var.allocs", allocs)
	allocs, _ = costs(200, func() { sinkInt = AppendSmall(4) })
	add("append4.allocs", allocs)
	allocs, _ = costs(200, func() { sinkInts = AppendReturned(4) })
	add("append4_returned.allocs", allocs)
	allocs, _ = costs(5, func() { sinkInt += int(Explicit256K(sinkInt % 100)) })
	add("explicit256k.allocs", allocs)
	allocs, _ = costs(200, func() { sinkInt += FuncVar(sinkInt%2 == 0) })
	add("funcvar.allocs", allocs)
	for _, hint := range []bool{false, true} {
		allocs, bytes := costs(20, func() { sinkInt = FillMap(1000, hint) })
		add(fmt.Sprintf("map1000.hint_%v.allocs", hint), allocs)
		add(fmt.Sprintf("map1000.hint_%v.bytes", hint), bytes)
	}
	allocs, bytes := costs(200, func() {
		if _, err := DecodeOrder(); err != nil {
			panic(err)
		}
	})
	add("json_decode.allocs", allocs)
	add("json_decode.bytes", bytes)
	add("experiment.greenteagc", greenTea)
	add("experiment.sizespecializedmalloc", sizeSpecialized)
	add("experiment.jsonv2", jsonV2)
	return said
}

// node is a heap object with pointers, for the collector to trace.
type node struct {
	next  *node
	value [4]int
}

// churn keeps a linked list of 200k nodes alive and allocates 2M short-lived ones.
func churn() {
	var live *node
	for i := 0; i < 200000; i++ {
		live = &node{next: live}
	}
	var garbage *node
	for i := 0; i < 2000000; i++ {
		garbage = &node{value: [4]int{i}}
		if i%1000 == 0 {
			garbage.next = live
		}
	}
	runtime.KeepAlive(live)
	runtime.KeepAlive(garbage)
	fmt.Println("gc.churned", 2000000)
}

// small is a 16-byte object with a pointer: a size class the 1.27 allocator specialises.
type small struct {
	next *small
	n    int
}

var sinkSmall *small

// benchSmallAlloc allocates one 16-byte pointerful object per iteration.
func benchSmallAlloc(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkSmall = &small{next: sinkSmall, n: i}
		if i%64 == 0 {
			sinkSmall = nil
		}
	}
}

// benchDecodeOrder decodes one small JSON document per iteration.
func benchDecodeOrder(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeOrder(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarks runs the two benchmarks with testing.Benchmark for a fixed benchtime such as
// "20000x" and returns their results in the format `go test -bench -benchmem` prints.
func benchmarks(benchtime string) []string {
	testing.Init()
	if err := flag.Set("test.benchtime", benchtime); err != nil {
		panic(err)
	}
	var lines []string
	for _, bench := range []struct {
		name string
		f    func(*testing.B)
	}{{"SmallAlloc", benchSmallAlloc}, {"DecodeOrder", benchDecodeOrder}} {
		r := testing.Benchmark(bench.f)
		lines = append(lines, fmt.Sprintf("Benchmark%s\t%s\t%s", bench.name, r, r.MemString()))
	}
	return lines
}

// ChurnDone is written to standard error when the churn ends: under GODEBUG=gctrace=1 the
// cycle lines before it are the churn's.
const ChurnDone = "releases: churn done"

// Usage: releases [benchtime] churns the heap, then prints the measurements (benchtime
// default 5000x); releases gc only churns.
func main() {
	churn()
	fmt.Fprintln(os.Stderr, ChurnDone)
	if len(os.Args) > 1 && os.Args[1] == "gc" {
		return
	}
	benchtime := "5000x"
	if len(os.Args) > 1 {
		benchtime = os.Args[1]
	}
	for _, line := range measurements() {
		fmt.Println(line)
	}
	for _, line := range benchmarks(benchtime) {
		fmt.Println(line)
	}
}
