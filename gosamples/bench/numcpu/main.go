// Numcpu prints runtime.NumCPU and the GOMAXPROCS the runtime chose (notebook 04).
package main

import (
	"fmt"
	"runtime"
)

func main() { fmt.Println(runtime.NumCPU(), runtime.GOMAXPROCS(0)) }
