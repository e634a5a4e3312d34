package notes

type X struct{ p int }

func f() int {
	i2 := 1
	x2 := &X{}
	x2.p = &i2
	return x2.p
}
