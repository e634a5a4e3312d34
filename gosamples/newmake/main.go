// Command newmake shows what new and make give back.
//
// new(T) allocates a zeroed T and returns a pointer to it. make builds a slice, map or
// channel: a small header that refers to storage shared by every copy of that header.
//
// Run it without arguments for a short tour, or with the name of one section
// (new, map, slice, alias, chan, nilmap, nilmapwrite, newslice, sizes, words, funcwords,
// clone, growth, heap, limits).
package main

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"
	"unsafe"
)

// zeroCounter returns a pointer to a fresh, zeroed int, made with new.
func zeroCounter() *int {
	return new(int)
}

// tag writes into a map it was handed. The caller sees the write: a map value is a
// pointer to the runtime's table, so both copies of it reach the same entries.
func tag(labels map[string]string, key, value string) {
	labels[key] = value
}

// grow appends to a slice it was handed. The caller does not see the new length: the
// slice header (pointer, length, capacity) was copied, only the backing array is shared.
func grow(values []int) []int {
	values = append(values, 99)
	values[0] = -1
	return values
}

func main() {
	if len(os.Args) > 1 {
		os.Exit(runSection(os.Args[1]))
	}
	counter := zeroCounter()
	*counter += 3
	fmt.Printf("new(int): %T pointing at %d\n", counter, *counter)

	labels := make(map[string]string)
	tag(labels, "aaa", "set inside tag")
	fmt.Printf("make(map): after tag(labels, ...) the caller sees %q\n", labels["aaa"])

	values := make([]int, 3, 8)
	grown := grow(values)
	fmt.Printf("make([]int, 3, 8): caller len=%d values[0]=%d; grow's copy len=%d\n",
		len(values), values[0], len(grown))

	var nilMap map[string]string
	fmt.Printf("a nil map reads as empty: len=%d, nilMap[\"x\"]=%q\n", len(nilMap), nilMap["x"])
}

// sections maps a section name to the function that prints it.
var sections = map[string]func(){
	"new":         showNew,
	"map":         showMap,
	"slice":       showSlice,
	"alias":       showAlias,
	"chan":        showChan,
	"nilmap":      showNilMap,
	"nilmapwrite": writeNilMap,
	"newslice":    showNewSlice,
	"sizes":       showSizes,
	"words":       showWords,
	"funcwords":   showFuncWords,
	"clone":       showClone,
	"growth":      showGrowth,
	"heap":        showHeap,
	"limits":      showLimits,
}

func runSection(name string) int {
	show, ok := sections[name]
	if !ok {
		names := make([]string, 0, len(sections))
		for n := range sections {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "unknown section %q; sections: %v\n", name, names)
		return 2
	}
	show()
	return 0
}

// --- new(T), &T{} and var t T ---

type point struct {
	X, Y  int
	Label string
}

func showNew() {
	a := new(point)             // a *point to a fresh, zeroed point
	b := &point{}               // the same, written as the address of a composite literal
	var c point                 // a point value (no pointer at all), also zeroed
	d := new(point{X: 1, Y: 2}) // Go 1.26+: new(expression) starts from that value
	n := new(42)                // works for any expression, even a constant

	fmt.Printf("new(point)          %-12T %+v\n", a, *a)
	fmt.Printf("&point{}            %-12T %+v\n", b, *b)
	fmt.Printf("var c point         %-12T %+v\n", c, c)
	fmt.Printf("new(point{X:1,Y:2}) %-12T %+v\n", d, *d)
	fmt.Printf("new(42)             %-12T %v\n", n, *n)
	fmt.Printf("new(point) twice gives two variables: %t\n", new(point) != new(point))
}

// --- maps: the handle is copied, the table is shared ---

// replace points its own copy of the handle at a brand-new map: the caller never sees it.
func replace(labels map[string]string) {
	labels = map[string]string{"fresh": "map"}
	labels["more"] = "entries"
}

func showMap() {
	labels := make(map[string]string)
	tag(labels, "some string", "written inside tag")
	fmt.Printf("after tag: caller sees labels[%q] = %q\n", "some string", labels["some string"])
	replace(labels)
	fmt.Printf("after replace: caller still has len=%d, labels[%q] = %q\n",
		len(labels), "fresh", labels["fresh"])
}

// --- slices: the header is copied, the backing array is shared (while it has room) ---

// appendThenWrite appends to its copy of the header, then writes element 0.
func appendThenWrite(s []int) {
	s = append(s, 99)
	s[0] = -1
}

func showSlice() {
	for _, capacity := range []int{8, 3} {
		s := make([]int, 3, capacity)
		appendThenWrite(s)
		fmt.Printf("cap=%d: caller len=%d s=%v s[:cap]=%v\n", capacity, len(s), s, s[:cap(s)])
	}
}

// aliasAppends appends twice to the same base slice and returns both results.
func aliasAppends(capacity int) (a, b []int) {
	base := make([]int, 3, capacity)
	a = append(base, 1)
	b = append(base, 2)
	return a, b
}

func showAlias() {
	for _, capacity := range []int{8, 3} {
		a, b := aliasAppends(capacity)
		fmt.Printf("cap=%d: a=%v b=%v same array: %t\n", capacity, a, b, &a[0] == &b[0])
	}
}

// --- channels: every copy of a channel value is the same channel ---

// fill sends n values into the channel it was handed.
func fill(ch chan<- int, n int) {
	for i := range n {
		ch <- i * 10
	}
}

func showChan() {
	ch := make(chan int, 3)
	fill(ch, 3)
	fmt.Printf("after fill: caller's channel holds len=%d of cap=%d: %d %d %d\n",
		len(ch), cap(ch), <-ch, <-ch, <-ch)

	done := make(chan string)
	go func(reply chan<- string) { reply <- "sent from a goroutine" }(done)
	fmt.Printf("received: %s\n", <-done)

	var nilCh chan int
	select {
	case nilCh <- 1:
		fmt.Println("sent on a nil channel")
	default:
		fmt.Println("send on a nil channel: not ready (it would block forever)")
	}
	select {
	case <-nilCh:
		fmt.Println("received from a nil channel")
	default:
		fmt.Println("receive on a nil channel: not ready (it would block forever)")
	}
}

// --- a nil map reads as empty, but cannot be written ---

func showNilMap() {
	var m map[string]int
	n := 0
	for range m {
		n++
	}
	delete(m, "x")
	v, ok := m["x"]
	fmt.Printf("nil map: m==nil %t, len=%d, m[\"x\"]=%d ok=%t, range ran %d times, delete is a no-op\n",
		m == nil, len(m), v, ok, n)
}

// writeNilMap panics: a nil map has no table to put the entry in.
func writeNilMap() {
	var m map[string]int
	m["x"] = 1
}

// --- make vs new for slices and maps ---

func showNewSlice() {
	p := new([]int) // a pointer to a nil slice: new does not build the slice
	fmt.Printf("new([]int):      %T, *p==nil %t, len=%d\n", p, *p == nil, len(*p))
	*p = append(*p, 1, 2)
	fmt.Printf("after append:    *p=%v\n", *p)

	s := make([]int, 3) // a slice of 3 zeroed ints, ready to use
	fmt.Printf("make([]int, 3):  %T, s==nil %t, s=%v\n", s, s == nil, s)
	e := make([]int, 0)
	fmt.Printf("make([]int, 0):  e==nil %t, len=%d\n", e == nil, len(e))

	m := new(map[string]int) // a pointer to a nil map
	fmt.Printf("new(map):        %T, *m==nil %t\n", m, *m == nil)
}

// --- header sizes, measured by the compiler ---

func showSizes() {
	big := make([]int, 1_000_000)
	var ptr *int
	var str string
	var fn func()
	var iface any
	var arr [4]int
	rows := []struct {
		name  string
		bytes uintptr
		holds string
	}{
		{"*int", unsafe.Sizeof(ptr), "an address"},
		{"map[string]int", unsafe.Sizeof(map[string]int{}), "a pointer to the runtime's map"},
		{"chan int", unsafe.Sizeof(make(chan int)), "a pointer to the runtime's channel"},
		{"func()", unsafe.Sizeof(fn), "a pointer to a funcval (code pointer + captured variables)"},
		{"string", unsafe.Sizeof(str), "pointer + length"},
		{"any", unsafe.Sizeof(iface), "type + data word (pointer to the value or a pointer itself)"},
		{"[]int", unsafe.Sizeof([]int{}), "pointer + length + capacity"},
		{"[]int len 1000000", unsafe.Sizeof(big), "pointer + length + capacity"},
		{"[4]int", unsafe.Sizeof(arr), "the four ints themselves"},
		{"point", unsafe.Sizeof(point{}), "two ints and a string header"},
	}
	fmt.Println("type,bytes,holds")
	for _, r := range rows {
		fmt.Printf("%s,%d,%s\n", r.name, r.bytes, r.holds)
	}
}

// --- what the words of a map and a slice value hold ---

// mapWord is the one word a map value is made of, read as a pointer.
func mapWord(m map[string]int) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&m))
}

// sliceWords are the three words of a slice header: pointer, length, capacity.
type sliceWords struct {
	data     unsafe.Pointer
	len, cap int
}

func showWords() {
	m := make(map[string]int)
	copied := m
	fmt.Printf("map: %d-byte value; its word is the runtime's map: %t; a copy holds the same word: %t\n",
		unsafe.Sizeof(m), mapWord(m) == reflect.ValueOf(m).UnsafePointer(), mapWord(copied) == mapWord(m))
	var nilMap map[string]int
	fmt.Printf("nil map: its word is nil: %t\n", mapWord(nilMap) == nil)

	ch := make(chan int, 1)
	sameCh := ch
	fmt.Printf("chan: %d-byte value; its word is the runtime's channel: %t; a copy holds the same word: %t\n",
		unsafe.Sizeof(ch), *(*unsafe.Pointer)(unsafe.Pointer(&ch)) == reflect.ValueOf(ch).UnsafePointer(),
		*(*unsafe.Pointer)(unsafe.Pointer(&sameCh)) == *(*unsafe.Pointer)(unsafe.Pointer(&ch)))

	s := make([]int, 3, 8)
	h := *(*sliceWords)(unsafe.Pointer(&s))
	fmt.Printf("slice: %d-byte header = pointer to element 0: %t, len %d, cap %d\n",
		unsafe.Sizeof(s), h.data == unsafe.Pointer(&s[0]), h.len, h.cap)
}

// --- does new mean heap? (a preview of escape analysis) ---

var (
	kept      *point
	keptSlice []int
)

//go:noinline
func newUsedLocally() int {
	p := new(point)
	p.X = 7
	return p.X + p.Y
}

//go:noinline
func newKept() {
	p := new(point)
	p.X = 7
	kept = p
}

//go:noinline
func makeUsedLocally() int {
	s := make([]int, 8)
	s[3] = 7
	return s[3]
}

//go:noinline
func makeKept() {
	s := make([]int, 8)
	s[3] = 7
	keptSlice = s
}

func showHeap() {
	fmt.Printf("new(point) used only inside the function: %.0f allocs/call\n",
		testing.AllocsPerRun(100, func() { newUsedLocally() }))
	fmt.Printf("new(point) kept after the function returns: %.0f allocs/call\n",
		testing.AllocsPerRun(100, newKept))
	fmt.Printf("make([]int, 8) used only inside the function: %.0f allocs/call\n",
		testing.AllocsPerRun(100, func() { makeUsedLocally() }))
	fmt.Printf("make([]int, 8) kept after the function returns: %.0f allocs/call\n",
		testing.AllocsPerRun(100, makeKept))
}

// --- what the word of a func value points at ---

func hello() {}

// funcval is the word of a func value, read as a pointer to the runtime's funcval: its first
// word is the address of the code, the words after it hold a closure's captured variables.
func funcval[F any](f F) *[2]uintptr {
	return *(**[2]uintptr)(unsafe.Pointer(&f))
}

func showFuncWords() {
	code := reflect.ValueOf(hello).Pointer() // the address of hello's machine code
	fv := funcval(hello)
	fmt.Printf("func: its word is the code address: %t; it points at a funcval whose first word is: %t\n",
		uintptr(unsafe.Pointer(fv)) == code, fv[0] == code)

	count := 0
	increment := func() { count++ } // count changes after capture: captured by reference
	fmt.Printf("closure: second word is &count: %t\n",
		funcval(increment)[1] == uintptr(unsafe.Pointer(&count)))
	limit := 41
	below := func(x int) bool { return x < limit } // limit never changes: captured by value
	fmt.Printf("closure: second word is the value of limit: %d\n", funcval(below)[1])
	increment()
	_ = below(0)
}

// --- slices.Clone copies the elements, and may keep spare capacity ---

var clones [][]int // where the clone is kept, as a clone handed out would be

func showClone() {
	s := make([]int, 5)
	c := slices.Clone(s)
	clones = append(clones, c)
	fmt.Printf("slices.Clone(s) with len(s) = cap(s) = 5 gives len %d cap %d, own array: %t (an int is %d bytes)\n",
		len(c), cap(c), &c[0] != &s[0], unsafe.Sizeof(0))

	// Go 1.24+ clones with append(S{}, s...): an empty clone no longer points into s's array
	// (before, append(s[:0:0], s...) did, and kept a big array alive; go.dev/issue/68488).
	big := make([]int, 0, 1<<16)
	empty := slices.Clone(big[:0])
	clones = append(clones, empty)
	fmt.Printf("slices.Clone of an empty slice of a big array: nil %t, points into that array: %t; "+
		"of a nil slice: nil %t\n", empty == nil, unsafe.SliceData(empty) == unsafe.SliceData(big),
		slices.Clone([]int(nil)) == nil)
}

// --- how append grows a slice ---

func showGrowth() {
	var s []int
	previous := -1
	fmt.Println("len,cap,bytes")
	for i := range 4000 {
		s = append(s, i)
		if cap(s) != previous {
			fmt.Printf("%d,%d,%d\n", len(s), cap(s), uintptr(cap(s))*unsafe.Sizeof(0))
			previous = cap(s)
		}
	}
}

// --- counterexamples: created inside a function, used only there, and still on the heap ---

type adder interface{ add(*int) }

type plusOne struct{}

func (plusOne) add(p *int) { *p++ }

var someAdder adder = plusOne{}

//go:noinline
func newHuge() byte {
	p := new([70000]byte) // over 64 KiB: too big for an implicit stack variable
	return p[len(p)-1]
}

//go:noinline
func makeWords(n int) int {
	s := make([]int64, n) // a run-time length: on the stack only if it fits in 32 bytes
	return len(s)
}

//go:noinline
func throughInterface() int {
	x := 0
	someAdder.add(&x) // the compiler cannot see which add runs, so &x may be kept
	return x
}

//go:noinline
func throughConcrete() int {
	x := 0
	plusOne{}.add(&x)
	return x
}

func showLimits() {
	for _, r := range []struct {
		name string
		call func()
	}{
		{"new([70000]byte)", func() { newHuge() }},
		{"make([]int64, n) n=4", func() { makeWords(4) }},
		{"make([]int64, n) n=5", func() { makeWords(5) }},
		{"&x to an interface method", func() { throughInterface() }},
		{"&x to a concrete method", func() { throughConcrete() }},
	} {
		fmt.Printf("%s: %.0f allocs/call\n", r.name, testing.AllocsPerRun(100, r.call))
	}
}
