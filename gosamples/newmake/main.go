// Command newmake shows what new and make give back.
//
// new(T) allocates a zeroed T and returns a pointer to it. make builds a slice, map or
// channel: a small header that refers to storage shared by every copy of that header.
package main

import "fmt"

// zeroCounter returns a pointer to a fresh, zeroed int, made with new.
func zeroCounter() *int {
	return new(int)
}

// tag writes into a map it was handed. The caller sees the write: a map value is a
// reference to the table, so both names reach the same entries.
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
