// Package runflag shows what `go test -run` matches (notebook 04): the pattern
// is a regular expression, case-sensitive, matched anywhere in a test's name.
package runflag

import "testing"

func Test_nonempty(t *testing.T) {}
func TestNoneSuch(t *testing.T)  {}
func TestJoin(t *testing.T)      {}
