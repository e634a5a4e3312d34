package main

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"weak"
)

type Big struct{ data [1 << 20]byte } // 1 MiB, pointer-free

func fill(n int) []*Big {
	s := make([]*Big, n)
	for i := range s {
		s[i] = new(Big)
	}
	return s
}

// alive reports whether the object behind w survived a full collection.
func alive(w weak.Pointer[Big]) bool {
	runtime.GC()
	return w.Value() != nil
}

func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func main() {
	s := fill(8)
	popped := weak.Make(s[7])
	s = s[:7] // pop
	t := fill(8)
	cleared := weak.Make(t[7])
	t[7] = nil // clear the slot, then pop
	t = t[:7]
	fmt.Println(alive(popped), alive(cleared))

	u := fill(8)
	old := weak.Make(u[5])
	u = append(u[:0], new(Big), new(Big)) // reuse
	v := fill(8)
	oldCleared := weak.Make(v[5])
	clear(v) // nil every slot, then reuse
	v = append(v[:0], new(Big), new(Big))
	fmt.Println(alive(old), alive(oldCleared))

	b := make([]byte, 32<<20) // a buffer that once grew to 32 MiB
	b = append(b[:0], "a small message"...)
	kept := liveHeap()
	b = append(make([]byte, 0, 64), b...) // a right-sized copy
	fmt.Println(kept, liveHeap(), len(b))
	runtime.KeepAlive(s)
	runtime.KeepAlive(t)
	runtime.KeepAlive(u)
	runtime.KeepAlive(v)
}
