package main

//go:noinline
func total(p *[64]int) int {
	s := 0
	for _, v := range p {
		s += v
	}
	return s
}

func callee() int { // a pointer into this frame, handed down
	var a [64]int
	a[3] = 7
	return total(&a)
}

func outlives() *int { // the variable outlives its frame
	n := 7
	return &n
}

func otherGoroutine() int { // the closure runs on another goroutine's stack
	x := 0
	done := make(chan bool)
	go func() {
		x = 7
		done <- true
	}()
	<-done
	return x
}

func main() { println(callee(), *outlives(), otherGoroutine()) }
