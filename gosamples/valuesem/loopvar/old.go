//go:build go1.21

// This file is compiled with Go 1.21 semantics: one loop variable for the whole loop.

package main

func oldRule() (users []user, ptrs []*user) {
	users = []user{{name: "ana"}, {name: "bo"}, {name: "cy"}}
	for _, u := range users {
		ptrs = append(ptrs, &u)
	}
	return users, ptrs
}
