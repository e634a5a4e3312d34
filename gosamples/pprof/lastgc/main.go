// Command lastgc shows that a memory profile describes the heap as of the last completed
// garbage collection: it allocates 1 MiB, keeps it, and writes a heap profile, with a
// collection before the allocation (-first), after it (-last), both or neither.
package main

import (
	"flag"
	"os"
	"runtime"
	"runtime/pprof"
)

var keep []byte

// hold allocates 1 MiB and keeps it reachable.
func hold() { keep = make([]byte, 1<<20) }

func main() {
	out := flag.String("memprofile", "", "profile file")
	first := flag.Bool("first", false, "collect once before allocating")
	last := flag.Bool("last", false, "collect again before writing the profile")
	flag.Parse()
	if *first {
		runtime.GC()
	}
	hold()
	if *last {
		runtime.GC()
	}
	f, err := os.Create(*out)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		panic(err)
	}
}
