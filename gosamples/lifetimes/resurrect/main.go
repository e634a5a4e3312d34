package main

import (
	"fmt"
	"runtime"
	"time"
	"weak"
)

type Obj struct {
	N    int
	next *Obj
}

var resurrected *Obj

func main() {
	ran := make(chan struct{})
	o := &Obj{N: 42}
	w := weak.Make(o)
	runtime.SetFinalizer(o, func(o *Obj) { resurrected = o; close(ran) })
	o = nil
	runtime.GC()
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
	}
	fmt.Println(resurrected != nil, w.Value() == nil, resurrected != nil && resurrected.N == 42)
}
