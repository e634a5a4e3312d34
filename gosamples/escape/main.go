// Command escape is the sample of the escape notebook; its topic issue fills it out.
package main

import "fmt"

func main() {
	fmt.Println("escape sample: see notebooks for what it demonstrates")
}
