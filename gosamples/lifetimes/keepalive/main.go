package main

import (
	"fmt"
	"runtime"
	"time"
)

// File stands for a wrapper whose cleanup releases something (an OS file descriptor).
type File struct {
	fd   int
	name *string
}

func open(released chan struct{}) *File {
	f := &File{fd: 3}
	runtime.AddCleanup(f, func(c chan struct{}) { close(c) }, released)
	return f
}

// releasedDuring reports whether the cleanup ran during a collection and a wait of up to 1 s.
func releasedDuring(released chan struct{}) bool {
	runtime.GC()
	select {
	case <-released:
		return true
	case <-time.After(time.Second):
		return false
	}
}

//go:noinline
func without(released chan struct{}) bool {
	f := open(released)
	fd := f.fd // the last use of f: from here on nothing keeps it alive
	early := releasedDuring(released)
	_ = fd // ... while the descriptor would still be in use
	return early
}

//go:noinline
func with(released chan struct{}) bool {
	f := open(released)
	fd := f.fd
	early := releasedDuring(released)
	_ = fd
	runtime.KeepAlive(f) // f stays reachable up to here
	return early
}

func main() {
	r1, r2 := make(chan struct{}), make(chan struct{})
	fmt.Println(without(r1), with(r2))
}
