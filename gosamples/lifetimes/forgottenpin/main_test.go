package main

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// The program must die: the test runs main in a child copy of the test binary.
func TestForgottenPinIsFatal(t *testing.T) {
	if os.Getenv("GOSAMPLES_RUN_MAIN") == "1" {
		main()
		return
	}
	child := exec.Command(os.Args[0], "-test.run=^TestForgottenPinIsFatal$")
	child.Env = append(os.Environ(), "GOSAMPLES_RUN_MAIN=1")
	out, err := child.CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("found leaking pinned pointer")) {
		t.Fatalf("want a fatal error about the leaking pinned pointer, got %v:\n%s", err, out)
	}
}
