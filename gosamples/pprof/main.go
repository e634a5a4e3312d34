// Command pprof counts word frequencies in two ways, one allocation-heavy and one frugal, so
// that a memory or CPU profile has clear hot spots to find.
//
//	go build -o app . && ./app -memprofile mem.out && go tool pprof -sample_index=alloc_space mem.out
//	./app -cpuprofile cpu.out -way wasteful && go tool pprof -top cpu.out
//
// A profile file name of "-" writes the profile to standard output (`./app -memprofile - > p.out`);
// the report line then goes to standard error. GODEBUG=memprofilerate=1 records every allocation.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
)

// vocabulary is the text's words; the capitalised ones make strings.ToLower allocate.
var vocabulary = []string{"Stack", "heap", "Escape", "pointer", "Value", "slice", "map", "GC"}

// corpus makes n lines of twelve words each, deterministically.
func corpus(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		var b strings.Builder
		for j := 0; j < 12; j++ {
			b.WriteString(vocabulary[(i*7+j*3)%len(vocabulary)])
			b.WriteByte(' ')
		}
		lines[i] = b.String()
	}
	return lines
}

// countWasteful splits every line into a fresh slice of words and lower-cases each word into
// a new string: one allocation per line plus one per capitalised word, all short-lived.
func countWasteful(lines []string) map[string]int {
	counts := map[string]int{}
	for _, line := range lines {
		words := strings.Fields(line)
		for _, word := range words {
			counts[strings.ToLower(word)]++
		}
	}
	return counts
}

// countFrugal walks each line in place, lower-cases each word into one reused buffer and
// allocates only when it meets a word it has not counted before.
func countFrugal(lines []string) map[string]int {
	seen := make(map[string]*int, 16)
	buf := make([]byte, 0, 64)
	for _, line := range lines {
		for line != "" {
			word, rest, _ := strings.Cut(line, " ")
			line = rest
			if word == "" {
				continue
			}
			buf = appendLower(buf[:0], word)
			if n := seen[string(buf)]; n != nil { // a lookup: string(buf) is not copied
				*n++
				continue
			}
			first := 1
			seen[string(buf)] = &first
		}
	}
	counts := make(map[string]int, len(seen))
	for word, n := range seen {
		counts[word] = *n
	}
	return counts
}

// appendLower appends word to dst with ASCII letters lower-cased.
func appendLower(dst []byte, word string) []byte {
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
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

// output opens a profile destination: "-" is standard output.
func output(name string) io.WriteCloser {
	if name == "-" {
		return os.Stdout
	}
	f, err := os.Create(name)
	if err != nil {
		log.Fatal(err)
	}
	return f
}

func main() {
	lines := flag.Int("lines", 100_000, "lines of text to count")
	rounds := flag.Int("rounds", 3, "times to count them")
	way := flag.String("way", "both", "which way to count: wasteful, frugal or both")
	memprofile := flag.String("memprofile", "", "write an allocation profile to this file (- for stdout)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file (- for stdout)")
	flag.Parse()

	report := io.Writer(os.Stdout)
	if *memprofile == "-" || *cpuprofile == "-" {
		report = os.Stderr
	}
	if *cpuprofile != "" {
		f := output(*cpuprofile)
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	text := corpus(*lines)
	var counts map[string]int
	for range *rounds {
		switch *way {
		case "wasteful":
			counts = countWasteful(text)
		case "frugal":
			counts = countFrugal(text)
		case "both":
			counts = countWasteful(text)
			if fmt.Sprint(countFrugal(text)) != fmt.Sprint(counts) {
				log.Fatal("the two ways disagree")
			}
		default:
			log.Fatalf("-way must be wasteful, frugal or both, not %q", *way)
		}
	}
	fmt.Fprintf(report, "%d lines x %d rounds (%s); top words: %v\n", *lines, *rounds, *way,
		top(counts, 3))

	if *memprofile != "" {
		f := output(*memprofile)
		defer f.Close()
		runtime.GC() // the in-use columns describe the heap as of the last completed GC
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			log.Fatal(err)
		}
	}
	runtime.KeepAlive(text) // still in use when the profile is written: see inuse_space
}
