package main

func countSpaces(s string) int {
	b := []byte(s) // only read, never kept
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == ' ' {
			n++
		}
	}
	return n
}

func upper(s string) []byte {
	b := []byte(s) // written to, and returned
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return b
}

func main() { println(countSpaces("a b"), len(upper("ab"))) }
