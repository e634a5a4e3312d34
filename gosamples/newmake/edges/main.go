// Command edges sits on the stack-size limits (64 KiB for new, 128 KiB for a declared
// variable) and calls a method through a local interface variable the compiler can see.
package main

type adder interface{ add(*int) }

type plusOne struct{}

func (plusOne) add(p *int) { *p++ }

func newAtLimit() byte   { p := new([65536]byte); return p[len(p)-1] }
func newOverLimit() byte { p := new([65537]byte); return p[len(p)-1] }
func varAtLimit() byte   { var a [131072]byte; return a[len(a)-1] }
func varOverLimit() byte { var a [131073]byte; return a[len(a)-1] }

func localInterface() int {
	x := 0
	var a adder = plusOne{} // the compiler sees the dynamic type
	a.add(&x)
	return x
}

func main() { newAtLimit(); newOverLimit(); varAtLimit(); varOverLimit(); localInterface() }
