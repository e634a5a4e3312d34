package main

import (
	"fmt"
	"runtime"
)

var sink *[80]*int

// The fewest bytes per new([80]*int) over five batches of 1000 (other allocations only add).
func main() {
	fewest := ^uint64(0)
	for batch := 0; batch < 5; batch++ {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < 1000; i++ {
			sink = new([80]*int)
		}
		runtime.ReadMemStats(&after)
		fewest = min(fewest, (after.TotalAlloc-before.TotalAlloc)/1000)
	}
	fmt.Println(fewest)
}
