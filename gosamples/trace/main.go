// Command trace is the sample of the trace notebook; its topic issue fills it out.
package main

import "fmt"

func main() {
	fmt.Println("trace sample: see notebooks for what it demonstrates")
}
