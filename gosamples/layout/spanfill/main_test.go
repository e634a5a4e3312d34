package main

import "testing"

func TestPerSpanCountsObjectsOfOnePage(t *testing.T) {
	objects := make([]*pointerFree, 1000)
	for i := range objects {
		objects[i] = new(pointerFree)
	}
	if most := perSpan(objects); most < 1 || most > 8192/32 {
		t.Fatalf("perSpan = %d, want 1..256 objects of 32 bytes in one 8 KiB page", most)
	}
}
