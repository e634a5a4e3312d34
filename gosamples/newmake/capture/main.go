// Command capture has two closures that outlive their call and read a never-changed array:
// up to 128 bytes the closure holds a copy, above that it holds the array's address.
package main

var keep func() int

func fits() {
	var arr [16]int64 // 128 bytes on every platform, never changed: captured by value
	keep = func() int { return int(arr[0]) }
}

func tooBig() {
	var arr [17]int64 // 136 bytes, never changed: captured by reference
	keep = func() int { return int(arr[0]) }
}

func main() { fits(); tooBig() }
