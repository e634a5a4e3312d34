package capstone

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// The report on a small input, worked out by hand: it defines what a correct version prints.
func TestReportByHand(t *testing.T) {
	input := strings.Join([]string{
		`{"service":"checkout","method":"GET","route":"/cart","status":200,"latency_us":120,"bytes":1000,"user":"a","tags":["EU","beta"]}`,
		`{"route":"/cart","method":"GET","service":"checkout","status":404,"latency_us":90,"bytes":48,"user":"b"}`,
		``,
		`{"service":"checkout","method":"GET","route":"/cart","status":200,"latency_us":400,"bytes":1000,"user":"a","tags":["eu"]}`,
		`{"service":"checkout","method":"GET","route":"/cart","status":503,"latency_us":130,"bytes":0,"tags":[]}`,
		`{"service":"search","method":"POST","route":"/","status":200,"latency_us":7,"bytes":3,"user":"usr \"1\"","extra":{"x":[1,2]}}`,
		`{"service":"search","method":"POST","route":"/","status":"200","latency_us":7,"bytes":3}`,
		`{"service":"search","method":"POST","route":"/","status":200,"latency_us":7.5,"bytes":3}`,
		`{"service":"search","method":"POST","status":200,"latency_us":7,"bytes":3}`,
		`{"service":"search","method":"POST","route":"/","status":200,"latency_us":-1,"bytes":3}`,
		`{"service":"search","method":"POST","route":"/","status":200,"late`,
		`# rotated`,
	}, "\n")
	want := `lines 11 records 5 malformed 6
route checkout GET /cart requests=4 4xx=1 5xx=1 bytes=2048 users=2 latency_us min=90 p50=120 p90=400 p99=400 max=400
route search POST / requests=1 4xx=0 5xx=0 bytes=3 users=1 latency_us min=7 p50=7 p90=7 p99=7 max=7
tag beta 1
tag eu 2
`
	rep, err := Aggregate(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := rep.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestEmptyInput(t *testing.T) {
	rep, err := Aggregate(strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.WriteTo(&out)
	if got := out.String(); got != "lines 0 records 0 malformed 0\n" {
		t.Errorf("empty input: %q", got)
	}
}

// The generator is deterministic, streams, and mixes in malformed and blank lines.
func TestGenerator(t *testing.T) {
	a, b := Generate(7, 3000), Generate(7, 3000)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave two inputs")
	}
	if bytes.Equal(a, Generate(8, 3000)) {
		t.Fatal("two seeds gave the same input")
	}
	if n := bytes.Count(a, []byte("\n")); n != 3000 {
		t.Fatalf("%d lines, want 3000", n)
	}
	rep, err := Aggregate(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Malformed < 20 || rep.Malformed > 100 || rep.Lines > 2990 || len(rep.Routes) < 10 {
		t.Errorf("lines %d malformed %d routes %d: not the mix the generator promises",
			rep.Lines, rep.Malformed, len(rep.Routes))
	}
}

var sink int64

// BenchmarkAggregate is the capstone's measure: one op reads and reports 10 000 lines.
func BenchmarkAggregate(b *testing.B) {
	data := Generate(1, 10000)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rep, err := Aggregate(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n, _ := rep.WriteTo(io.Discard)
		sink += n
	}
}
