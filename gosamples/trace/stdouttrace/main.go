// Stdouttrace writes an execution trace to standard output and prints a line into it, as
// `./app > t.out` would: the file is no longer a trace `go tool trace` reads (notebook 06).
package main

import (
	"fmt"
	"log"
	"os"
	"runtime/trace"
)

func main() {
	f, err := os.Create("t.out") // what the shell's "> t.out" does: t.out becomes standard output
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout = f
	if err := trace.Start(os.Stdout); err != nil { // the trace goes to standard output
		log.Fatal(err)
	}
	total := 0
	for i := range 100_000 {
		total += len(make([]byte, i%64+1))
	}
	fmt.Println("total", total) // and so does the program's own output
	trace.Stop()
	f.Close()
}
