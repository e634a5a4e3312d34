package capstone

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
)

// The traffic the generator draws from: a handful of services, their routes, users, tags.
var (
	services = []string{"checkout", "search", "catalog", "auth", "images", "ledger"}
	routes   = []string{"/", "/cart", "/cart/{id}", "/items", "/items/{id}", "/login", "/pay", "/thumb/{size}"}
	methods  = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	tagNames = []string{"eu", "us", "beta", "mobile", "web", "EU", "Beta", "canary"}
)

// NewInput returns a reader of n generated lines, the same for the same seed. About 1 line in 60
// is malformed (cut short, a field of the wrong type or missing, not JSON), some lines are blank,
// and fields come in varying order, so a parser must read JSON, not a fixed layout. The lines are
// made as they are read: the input itself does not sit in memory.
func NewInput(seed uint64, n int) io.Reader {
	return &input{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), left: n}
}

// Generate returns n generated lines as one slice (see NewInput).
func Generate(seed uint64, n int) []byte {
	data, _ := io.ReadAll(NewInput(seed, n))
	return data
}

type input struct {
	rng  *rand.Rand
	left int
	line int
	buf  bytes.Buffer
}

func (in *input) Read(p []byte) (int, error) {
	for in.buf.Len() < len(p) && in.left > 0 {
		in.writeLine()
		in.left--
		in.line++
	}
	if in.buf.Len() == 0 {
		return 0, io.EOF
	}
	return in.buf.Read(p)
}

func (in *input) writeLine() {
	r := in.rng
	if r.IntN(90) == 0 {
		in.buf.WriteString("\n")
		return
	}
	svc := r.IntN(len(services))
	fields := [][2]string{
		{"time", strconv.Quote(fmt.Sprintf("2026-12-07T05:%02d:%02d.%06dZ", in.line/60000%60, in.line/1000%60, r.IntN(1000000)))},
		{"service", strconv.Quote(services[svc])},
		{"method", strconv.Quote(methods[r.IntN(len(methods))])},
		{"route", strconv.Quote(routes[(svc+r.IntN(3))%len(routes)])},
		{"status", strconv.Itoa(status(r))},
		{"latency_us", strconv.Itoa(latency(r, svc))},
		{"bytes", strconv.Itoa(r.IntN(64 << 10))},
	}
	if r.IntN(10) != 0 {
		fields = append(fields, [2]string{"user", strconv.Quote(user(r))})
	}
	if r.IntN(3) != 0 {
		tags := "["
		for i := range r.IntN(4) {
			if i > 0 {
				tags += ","
			}
			tags += strconv.Quote(tagNames[r.IntN(len(tagNames))])
		}
		fields = append(fields, [2]string{"tags", tags + "]"})
	}
	if r.IntN(8) == 0 {
		r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
	}
	kind := r.IntN(240)
	switch kind {
	case 0: // a required field missing
		drop := [...]string{"service", "method", "route", "status", "latency_us", "bytes"}[r.IntN(6)]
		for i, f := range fields {
			if f[0] == drop {
				fields = append(fields[:i], fields[i+1:]...)
				break
			}
		}
	case 1: // an integer field written as a string or as a fraction
		change := [...]string{"status", "latency_us", "bytes"}[r.IntN(3)]
		for i, f := range fields {
			if f[0] == change {
				fields[i][1] = [...]string{`"` + f[1] + `"`, f[1] + ".5"}[r.IntN(2)]
			}
		}
	}
	var line bytes.Buffer
	line.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			line.WriteByte(',')
		}
		line.WriteString(strconv.Quote(f[0]))
		line.WriteByte(':')
		line.WriteString(f[1])
	}
	line.WriteByte('}')
	switch kind {
	case 2: // cut short
		line.Truncate(1 + r.IntN(line.Len()-1))
	case 3: // not JSON at all
		line.Reset()
		line.WriteString("# rotated " + strconv.Itoa(in.line))
	}
	line.WriteByte('\n')
	in.buf.Write(line.Bytes())
}

func status(r *rand.Rand) int {
	switch n := r.IntN(100); {
	case n < 1:
		return 500 + r.IntN(4)
	case n < 4:
		return 400 + r.IntN(30)
	default:
		return 200 + 4*r.IntN(2)
	}
}

// latency is log-normal around a per-service median, in microseconds.
func latency(r *rand.Rand, svc int) int {
	median := 300.0 * float64(svc+1)
	return int(median * math.Exp(0.8*r.NormFloat64()))
}

// user names: mostly plain, some with characters JSON must escape.
func user(r *rand.Rand) string {
	id := r.IntN(3000)
	switch id % 97 {
	case 0:
		return fmt.Sprintf("usr \"%d\"", id)
	case 1:
		return fmt.Sprintf("usé-%d", id)
	}
	return "u-" + strconv.Itoa(id)
}
