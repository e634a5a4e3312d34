// Command pprof builds a word-frequency report in two ways, one allocation-heavy and one
// frugal, so that a CPU or memory profile has clear hot spots to find.
//
//	go build -o app . && ./app -memprofile mem.out && go tool pprof -sample_index=alloc_space mem.out
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
)

// corpus makes n lines of text from a small vocabulary, deterministically.
func corpus(n int) []string {
	words := []string{"stack", "heap", "escape", "pointer", "value", "slice", "map", "gc"}
	lines := make([]string, n)
	for i := range lines {
		var b strings.Builder
		for j := 0; j < 12; j++ {
			b.WriteString(words[(i*7+j*3)%len(words)])
			b.WriteByte(' ')
		}
		lines[i] = b.String()
	}
	return lines
}

// countWasteful splits every line into a fresh slice and lower-cases every word into a new
// string: many short-lived allocations.
func countWasteful(lines []string) map[string]int {
	counts := map[string]int{}
	for _, line := range lines {
		for _, word := range strings.Fields(line) {
			counts[strings.ToLower(word)]++
		}
	}
	return counts
}

// countFrugal walks each line in place and only allocates when it meets a new word.
func countFrugal(lines []string) map[string]int {
	counts := make(map[string]int, 16)
	for _, line := range lines {
		for len(line) > 0 {
			word, rest, _ := strings.Cut(line, " ")
			if word != "" {
				counts[word]++
			}
			line = rest
		}
	}
	return counts
}

// top returns the k most frequent words, ties broken by the word.
func top(counts map[string]int, k int) []string {
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	return words[:min(k, len(words))]
}

func main() {
	lines := flag.Int("lines", 200_000, "lines of text to count")
	rounds := flag.Int("rounds", 5, "times to count them, each way")
	memprofile := flag.String("memprofile", "", "write an allocation profile to this file")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	text := corpus(*lines)
	var wasteful, frugal map[string]int
	for range *rounds {
		wasteful = countWasteful(text)
		frugal = countFrugal(text)
	}
	fmt.Printf("%d lines x %d rounds; top words: %v; both ways agree: %v\n",
		*lines, *rounds, top(frugal, 3), fmt.Sprint(wasteful) == fmt.Sprint(frugal))

	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		runtime.GC() // up-to-date statistics for the profile
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			log.Fatal(err)
		}
	}
}
