// Command bench is the sample of the bench notebook; its topic issue fills it out.
package main

import "fmt"

func main() {
	fmt.Println("bench sample: see notebooks for what it demonstrates")
}
