package main

import "testing"

func TestLoopVariablePerFileVersion(t *testing.T) {
	_, fresh := newRule()
	if fresh[0] == fresh[1] || fresh[0].name != "ana" || fresh[2].name != "cy" {
		t.Errorf("new rule: want three variables seeing ana, bo, cy; got %s %s %s",
			fresh[0].name, fresh[1].name, fresh[2].name)
	}
	_, shared := oldRule()
	if shared[0] != shared[2] || shared[0].name != "cy" {
		t.Errorf("go1.21 file: want one variable holding cy; got %s %s %s",
			shared[0].name, shared[1].name, shared[2].name)
	}
}
