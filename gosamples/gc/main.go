// Command gc is the sample of the gc notebook; its topic issue fills it out.
package main

import "fmt"

func main() {
	fmt.Println("gc sample: see notebooks for what it demonstrates")
}
