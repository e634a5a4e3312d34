package main

import "testing"

func TestClosuresFollowTheModulesGoLine(t *testing.T) {
	got := ""
	for _, f := range Closures() {
		got += f()
	}
	// gosamples/go.mod says go 1.27, so each iteration has its own i.
	if got != "012" {
		t.Fatalf("closures printed %q, want 012 (per-iteration loop variables)", got)
	}
}

func TestDecodeOrder(t *testing.T) {
	o, err := DecodeOrder()
	if err != nil || o.ID != 42 || len(o.Lines) != 3 || o.Lines[2].Qty != 7 {
		t.Fatalf("DecodeOrder() = %+v, %v", o, err)
	}
}

func TestSizes(t *testing.T) {
	if Count(10) != 10 || AppendSmall(4) != 4 || len(AppendReturned(3)) != 3 || FillMap(10, true) != 10 {
		t.Fatal("helpers broken")
	}
	if Explicit256K(3)+Explicit16M(3)+Implicit32K(3)+Implicit128K(3) != 0 {
		t.Fatal("arrays should start zeroed")
	}
	if FuncVar(true) != 1 || FuncVar(false) != 1 {
		t.Fatal("FuncVar reads a[0] = 1 through either function")
	}
}

// BenchmarkSmallAlloc allocates one 16-byte pointerful object per iteration.
func BenchmarkSmallAlloc(b *testing.B) { benchSmallAlloc(b) }

// BenchmarkDecodeOrder decodes one small JSON document per iteration.
func BenchmarkDecodeOrder(b *testing.B) { benchDecodeOrder(b) }
