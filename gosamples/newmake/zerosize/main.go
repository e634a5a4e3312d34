// Command zerosize shows that two heap-allocated zero-size variables share one address.
package main

import "fmt"

var a, b *struct{} // kept in globals: both on the heap

func main() {
	a, b = new(struct{}), new(struct{})
	fmt.Println(a == b)
}
