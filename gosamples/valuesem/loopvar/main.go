// Command loopvar takes &u of the range variable in two files of one program: this one
// follows the module's language version (one variable per iteration), old.go follows Go 1.21
// (one variable for the whole loop).
package main

import "fmt"

type user struct{ name string }

func newRule() (users []user, ptrs []*user) {
	users = []user{{name: "ana"}, {name: "bo"}, {name: "cy"}}
	for _, u := range users {
		ptrs = append(ptrs, &u)
	}
	return users, ptrs
}

func report(file string, users []user, ptrs []*user) {
	fmt.Printf("%s file: names=%s %s %s distinct=%t points into the slice=%t\n", file,
		ptrs[0].name, ptrs[1].name, ptrs[2].name, ptrs[0] != ptrs[1], ptrs[0] == &users[0])
}

func main() {
	users, ptrs := newRule()
	report("go 1.27", users, ptrs)
	users, ptrs = oldRule()
	report("go 1.21", users, ptrs)
}
