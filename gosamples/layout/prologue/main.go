package main

//go:noinline
func deep(n int) int {
	var frame [1024]byte
	frame[n%1024] = byte(n)
	if n == 0 {
		return 0
	}
	return deep(n-1) + int(frame[0])
}

func main() { println(deep(8)) }
