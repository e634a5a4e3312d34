// Command valuesem contrasts value semantics (each name has its own copy) with pointer
// semantics (names share one value).
//
// Run it without arguments for a short tour, or with the name of one section
// (assign, calls, methods, arrays, range, share, cost, limits). The cost section times copies
// with testing.Benchmark; -benchtime and -count make it shorter or steadier.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
	"unsafe"
)

type user struct {
	name   string
	visits int
}

// visitByValue works on its own copy: the caller's user does not change.
func visitByValue(u user) user {
	u.visits++
	return u
}

// visitByPointer works on the caller's user through its address.
func visitByPointer(u *user) {
	u.visits++
}

// newUser returns a user by value: the caller receives a copy in its own frame.
func newUser(name string) user {
	return user{name: name}
}

var (
	benchtime = flag.Duration("benchtime", 200*time.Millisecond, "cost: target time per measurement")
	count     = flag.Int("count", 3, "cost: measurements per case, interleaved (the fastest is kept)")
)

func main() {
	testing.Init()
	flag.Parse()
	if flag.NArg() > 0 {
		os.Exit(runSection(flag.Arg(0)))
	}
	u := newUser("ana")
	copied := visitByValue(u)
	fmt.Printf("after visitByValue: caller %d visits, returned copy %d visits\n", u.visits, copied.visits)
	visitByPointer(&u)
	fmt.Printf("after visitByPointer: caller %d visits\n", u.visits)
}

// sections maps a section name to the function that prints it.
var sections = map[string]func(){
	"assign":  showAssign,
	"calls":   showCalls,
	"methods": showMethods,
	"arrays":  showArrays,
	"range":   showRange,
	"share":   showShare,
	"cost":    showCost,
	"limits":  showLimits,
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

// --- assignment copies a value; a pointer shares it ---

type point struct{ X, Y int }

func showAssign() {
	a := point{1, 2}
	b := a // b is a second point, a copy of a
	b.X = 99
	fmt.Printf("value:   a=%+v b=%+v\n", a, b)

	p := &a // p holds a's address: one point, two ways to reach it
	p.X = 99
	fmt.Printf("pointer: a=%+v *p=%+v same point: %t\n", a, *p, p == &a)
}

// --- returning a value copies it out; returning a pointer shares the original ---

type config struct {
	retries int
	verbose bool
}

var defaultConfig = config{retries: 3}

// defaults returns a copy of the package's default configuration.
func defaults() config {
	return defaultConfig
}

// sharedDefaults returns the address of the package's default configuration.
func sharedDefaults() *config {
	return &defaultConfig
}

func showCalls() {
	u := newUser("ana")
	copied := visitByValue(u)
	fmt.Printf("visitByValue(u):    caller visits=%d, returned copy visits=%d\n", u.visits, copied.visits)
	visitByPointer(&u)
	fmt.Printf("visitByPointer(&u): caller visits=%d\n", u.visits)

	mine := defaults()
	mine.retries = 10
	fmt.Printf("defaults() copy changed to %d: defaultConfig.retries=%d\n",
		mine.retries, defaultConfig.retries)
	fmt.Printf("returning a config copies %d bytes and allocates %.0f times per call\n",
		unsafe.Sizeof(mine), testing.AllocsPerRun(100, func() { mine = defaults() }))
	shared := sharedDefaults()
	shared.retries = 10
	fmt.Printf("sharedDefaults() changed to %d: defaultConfig.retries=%d\n",
		shared.retries, defaultConfig.retries)
	defaultConfig.retries = 3
}

// --- methods: a value receiver is a copy ---

type counter struct{ hits int }

// AddBuggy has a value receiver: it increments a copy that is dropped on return.
func (c counter) AddBuggy() { c.hits++ }

// Add has a pointer receiver: it increments the counter it was called on.
func (c *counter) Add() { c.hits++ }

// Hits only reads, so a value receiver is fine.
func (c counter) Hits() int { return c.hits }

func showMethods() {
	var c counter
	for range 3 {
		c.AddBuggy()
	}
	fmt.Printf("3 x AddBuggy (value receiver):  hits=%d\n", c.Hits())
	for range 3 {
		c.Add() // Go takes the address for us: (&c).Add()
	}
	fmt.Printf("3 x Add (pointer receiver):     hits=%d\n", c.Hits())
}

// --- arrays are values; slices share ---

// zeroFirstOfArray gets its own copy of the whole array.
func zeroFirstOfArray(a [5]int) { a[0] = 0 }

// zeroFirstOfSlice gets a copy of the header, which points at the caller's array.
func zeroFirstOfSlice(s []int) { s[0] = 0 }

func showArrays() {
	a := [5]int{1, 2, 3, 4, 5}
	b := a
	b[1] = 99
	zeroFirstOfArray(a)
	fmt.Printf("array: a=%v b=%v (assignment and call each copied all %d bytes)\n",
		a, b, unsafe.Sizeof(a))

	s := []int{1, 2, 3, 4, 5}
	t := s
	t[1] = 99
	zeroFirstOfSlice(s)
	fmt.Printf("slice: s=%v t=%v (assignment and call each copied a %d-byte header)\n",
		s, t, unsafe.Sizeof(s))
}

// --- range copies each element into the loop variable ---

// visitAllBuggy changes the loop variable, a copy of each element.
func visitAllBuggy(users []user) {
	for _, u := range users {
		u.visits++
	}
}

// visitAll changes the elements themselves, through their index.
func visitAll(users []user) {
	for i := range users {
		users[i].visits++
	}
}

// loopAddresses keeps the address of the loop variable in each iteration.
func loopAddresses(users []user) []*user {
	var ptrs []*user
	for _, u := range users {
		ptrs = append(ptrs, &u)
	}
	return ptrs
}

func showRange() {
	users := []user{{name: "ana"}, {name: "bo"}, {name: "cy"}}
	visitAllBuggy(users)
	fmt.Printf("range by value: visits=%d %d %d\n", users[0].visits, users[1].visits, users[2].visits)
	visitAll(users)
	fmt.Printf("range by index: visits=%d %d %d\n", users[0].visits, users[1].visits, users[2].visits)

	ptrs := loopAddresses(users)
	fmt.Printf("&u per iteration: names=%s %s %s distinct=%t points into the slice=%t\n",
		ptrs[0].name, ptrs[1].name, ptrs[2].name, ptrs[0] != ptrs[1] && ptrs[1] != ptrs[2],
		ptrs[0] == &users[0])
}

// --- sharing is what sends a value to the heap (a preview of escape analysis) ---

var (
	keptValue   user
	keptPointer *user
)

//go:noinline
func keepCopy() {
	u := user{name: "ana"}
	keptValue = u // the global gets a copy; u itself can stay in this frame
}

//go:noinline
func keepShared() {
	u := user{name: "ana"}
	keptPointer = &u // the global shares u, which must outlive this frame
}

//go:noinline
func returnCopy() user {
	return user{name: "ana"}
}

//go:noinline
func returnShared() *user {
	return &user{name: "ana"}
}

func showShare() {
	rows := []struct {
		name string
		call func()
	}{
		{"keepCopy", keepCopy},
		{"keepShared", keepShared},
		{"returnCopy", func() { keptValue = returnCopy() }},
		{"returnShared", func() { keptPointer = returnShared() }},
	}
	for _, r := range rows {
		fmt.Printf("%-12s %.0f allocs/call\n", r.name, testing.AllocsPerRun(100, r.call))
	}
}

// --- the cost of a copy grows with the size of the value ---

// struct8 ... struct32K are structs from 8 B to 32 KiB: n words of 8 bytes each.
type struct8 struct{ words [1]int64 }

type struct64 struct{ words [8]int64 }

type struct512 struct{ words [64]int64 }

type struct4K struct{ words [512]int64 }

type struct32K struct{ words [4096]int64 }

//go:noinline
func firstByteOfValue[T any](v T) byte {
	return *(*byte)(unsafe.Pointer(&v))
}

//go:noinline
func firstByteOfPointer[T any](v *T) byte {
	return *(*byte)(unsafe.Pointer(v))
}

// copyCase is one thing timed: passing a value of `size` bytes, by value or by pointer.
type copyCase struct {
	size   uintptr
	passed string
	bench  func(b *testing.B)
	best   testing.BenchmarkResult
}

// cases times passing a T by value and by pointer.
func cases[T any]() []*copyCase {
	var v T
	size := unsafe.Sizeof(v)
	return []*copyCase{
		{size: size, passed: "value", bench: func(b *testing.B) {
			for b.Loop() {
				firstByteOfValue(v)
			}
		}},
		{size: size, passed: "pointer", bench: func(b *testing.B) {
			for b.Loop() {
				firstByteOfPointer(&v)
			}
		}},
	}
}

// timeFastest runs every case -count times, interleaved (one run of each case per round, so a
// burst of load elsewhere falls on all of them alike), and keeps each case's fastest run: load
// on the machine only ever makes a run slower.
func timeFastest(all []*copyCase) {
	for round := range *count {
		for _, c := range all {
			r := testing.Benchmark(c.bench)
			if round == 0 || perCall(r) < perCall(c.best) {
				c.best = r
			}
		}
	}
}

// perCall is the mean time of one call in nanoseconds, with its fraction (NsPerOp truncates
// to whole nanoseconds: it divides the integer nanoseconds by N).
func perCall(r testing.BenchmarkResult) float64 {
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

func showCost() {
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		panic(err)
	}
	var all []*copyCase
	all = append(all, cases[struct8]()...)
	all = append(all, cases[struct64]()...)
	all = append(all, cases[struct512]()...)
	all = append(all, cases[struct4K]()...)
	all = append(all, cases[struct32K]()...)
	timeFastest(all)
	fmt.Println("bytes,passed,ns_per_call,allocs_per_call,bytes_allocated_per_call,calls")
	for _, c := range all {
		fmt.Printf("%d,%s,%.3f,%d,%d,%d\n", c.size, c.passed, perCall(c.best),
			c.best.AllocsPerOp(), c.best.AllocedBytesPerOp(), c.best.N)
	}
}

// --- two ways a value that is only copied still reaches the heap ---

var (
	lastByte  byte
	keptBoxed any
)

// bigCopy only copies a 200 KiB array, too big for a stack frame: both arrays go to the heap.
//
//go:noinline
func bigCopy() {
	var big [200 << 10]byte // 200 KiB, only ever copied
	copied := big
	lastByte = copied[len(copied)-1]
}

// boxedCopy keeps a copy of a user in an interface that outlives the call: the copy is boxed.
//
//go:noinline
func boxedCopy(visits int) {
	u := user{name: "ana", visits: visits}
	keptBoxed = u // a copy, boxed in an interface that outlives the call
}

func showLimits() {
	fmt.Println(testing.AllocsPerRun(20, bigCopy), testing.AllocsPerRun(20, func() { boxedCopy(31) }))
}
