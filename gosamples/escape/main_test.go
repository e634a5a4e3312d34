package main

import "testing"

// wantAllocs is what each case allocates per call on Go 1.27 (amd64/arm64).
var wantAllocs = map[string]float64{
	"returnValue":          0,
	"returnPointer":        1,
	"storeInValue":         0,
	"storeThroughPointer":  1,
	"passInterface":        1,
	"passInterfaceInlined": 0,
	"counter":              2,
	"sumWithClosure":       0,
	"explicitAtLimit":      0,
	"explicitOverLimit":    1,
	"implicitAtLimit":      0,
	"implicitOverLimit":    1,
	"makeVariable(32)":     0,
	"makeVariable(33)":     1,
	"makeVariable(1024)":   1,
	"appendPointer":        1,
	"storeInMap":           1,
	"sendPointer":          1,
	"printTo(7)":           0,
	"printTo(1000)":        1,
	"ageInlined":           0,
	"ageNotInlined":        1,
}

func TestAllocs(t *testing.T) {
	for _, c := range cases() {
		want, ok := wantAllocs[c.name]
		if !ok {
			continue // the json cases allocate inside encoding/json: counted, not pinned
		}
		if got := allocsPerCall(c); got != want {
			t.Errorf("%s: %g allocs/op, want %g", c.name, got, want)
		}
	}
}

func TestJSONPatternsAgree(t *testing.T) {
	data := []byte(`{"name":"Ada","age":36}`)
	a, errA := decodeValue(data)
	b, errB := decodePointer(data)
	if errA != nil || errB != nil || *a != *b || a.Name != "Ada" {
		t.Fatalf("decodeValue=%v,%v decodePointer=%v,%v", a, errA, b, errB)
	}
}

func TestMainRuns(t *testing.T) {
	main()
}

func BenchmarkMakeVariable(b *testing.B) {
	for _, n := range []int{32, 33, 1024} {
		b.Run(map[int]string{32: "n=32", 33: "n=33", 1024: "n=1024"}[n], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				makeVariable(n)
			}
		})
	}
}
