// Command start holds the programs of the start-here notebook.
//
// Run it with the name of one section: count (heap allocations of 1 000 kept points),
// blocks (the 16-byte blocks those points lie in), crash (a write to a nil map) or
// runaway (a program that never ends and starts a second process).
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"unsafe"
)

type point struct{ x, y int }

var kept []*point

// allocations counts the heap allocations the runtime records while n points are built and kept.
func allocations(n int) uint64 {
	keep := make([]*point, 0, n)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range n {
		keep = append(keep, &point{i, i}) // stored in a slice that outlives the loop
	}
	runtime.ReadMemStats(&after)
	kept = keep
	return after.Mallocs - before.Mallocs
}

func count() {
	baseline := allocations(0)
	fmt.Println("mallocs for 1000 points:", allocations(1000), "baseline (no points):", baseline)
}

// blocks counts the distinct 16-byte blocks that n kept points lie in.
func blocks(n int) int {
	seen := map[uintptr]bool{}
	for _, p := range kept[:n] {
		seen[uintptr(unsafe.Pointer(p))&^15] = true
	}
	return len(seen)
}

func countBlocks() {
	counted := allocations(1000)
	fmt.Println(unsafe.Sizeof(point{}), counted, blocks(1000))
}

func crash() {
	var m map[string]int // declared, never made: nil
	m["k"]++
}

func runaway() {
	child := exec.Command("sleep", "600") // a second process, started by this program
	if err := child.Start(); err != nil {
		panic(err)
	}
	fmt.Println("pids:", os.Getpid(), child.Process.Pid)
	for {
		// never ends
	}
}

var sections = map[string]func(){
	"count":   count,
	"blocks":  countBlocks,
	"crash":   crash,
	"runaway": runaway,
}

func main() {
	names := make([]string, 0, len(sections))
	for name := range sections {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(os.Args) != 2 || sections[os.Args[1]] == nil {
		fmt.Fprintf(os.Stderr, "usage: start SECTION; sections: %v\n", names)
		os.Exit(2)
	}
	sections[os.Args[1]]()
}
