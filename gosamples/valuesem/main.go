// Command valuesem contrasts value semantics (each name has its own copy) with pointer
// semantics (names share one value).
package main

import "fmt"

type user struct {
	name   string
	visits int
}

// visitByValue works on its own copy: the caller's user does not change.
func visitByValue(u user) user {
	u.visits++
	return u
}

// visitByPointer works on the caller's user through its address.
func visitByPointer(u *user) {
	u.visits++
}

// newUser returns a user by value: the caller receives a copy in its own frame.
func newUser(name string) user {
	return user{name: name}
}

func main() {
	u := newUser("ana")
	copied := visitByValue(u)
	fmt.Printf("after visitByValue: caller %d visits, returned copy %d visits\n", u.visits, copied.visits)
	visitByPointer(&u)
	fmt.Printf("after visitByPointer: caller %d visits\n", u.visits)
}
