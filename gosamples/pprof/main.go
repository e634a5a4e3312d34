// Command pprof is the sample of the pprof notebook; its topic issue fills it out.
package main

import "fmt"

func main() {
	fmt.Println("pprof sample: see notebooks for what it demonstrates")
}
