// Command hints fills local maps made with size hints of 8, 16 and one known at run time.
package main

var words = []string{"go", "gc", "heap", "stack", "escape", "pprof", "trace", "alloc"}

// distinct8 and distinct16 put the same 8 words in a local map made with a size hint.
//
//go:noinline
func distinct8() int {
	seen := make(map[string]*int, 8)
	for _, w := range words {
		seen[w] = nil
	}
	return len(seen)
}

//go:noinline
func distinct16() int {
	seen := make(map[string]*int, 16)
	for _, w := range words {
		seen[w] = nil
	}
	return len(seen)
}

// distinctN's hint is known only when it runs.
//
//go:noinline
func distinctN(n int) int {
	seen := make(map[string]*int, n)
	for _, w := range words {
		seen[w] = nil
	}
	return len(seen)
}

func main() { println(distinct8(), distinct16(), distinctN(8)) }
