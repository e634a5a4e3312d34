// The capstone's reference solution: the same report as gosamples/capstone, within every target.
// It is the instructors' (docs/capstone.md walks to it in measured steps); the learner's notebook
// never shows it. Standard library only, and no hand-written JSON parser: encoding/json into a
// reused struct, one line at a time.
package capstone

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Verbose is kept for the baseline's API; this version has no progress goroutine to feed.
var Verbose = false

type routeKey struct{ service, method, route string }

type routeStats struct {
	name                                        string // "service method route", what the report sorts by
	requests, clientErrors, serverErrors, bytes int
	users                                       map[string]struct{}
	latencies                                   []int
}

// Report holds what Aggregate found.
type Report struct {
	lines, records, malformed int
	routes                    map[routeKey]*routeStats
	tags                      map[string]int
	names                     map[string]string // one copy of each service, method, route, user
}

// line is one record as encoding/json fills it; missing marks what a line must set.
type line struct {
	Service   string   `json:"service"`
	Method    string   `json:"method"`
	Route     string   `json:"route"`
	Status    int      `json:"status"`
	LatencyUS int      `json:"latency_us"`
	Bytes     int      `json:"bytes"`
	User      *string  `json:"user"`
	Tags      []string `json:"tags"`
}

// Values no line can hold: a field still holding one after decoding was not in the line.
const (
	missing     = -1 << 62
	missingText = "\x00"
)

// Aggregate reads JSON lines from r and returns per-route statistics.
func Aggregate(r io.Reader) (*Report, error) {
	rep := &Report{routes: map[routeKey]*routeStats{}, tags: map[string]int{}, names: map[string]string{}}
	in := bufio.NewReaderSize(r, 64<<10)
	var rec line
	var user string
	for {
		text, err := in.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a line longer than the buffer: gather it
			long := append([]byte(nil), text...)
			for err == bufio.ErrBufferFull {
				text, err = in.ReadSlice('\n')
				long = append(long, text...)
			}
			text = long
		}
		if len(bytes.TrimSpace(text)) > 0 {
			rep.lines++
			rec = line{
				Service: missingText, Method: missingText, Route: missingText,
				Status: missing, LatencyUS: missing, Bytes: missing, Tags: rec.Tags[:0], User: &user,
			}
			user = missingText
			if json.Unmarshal(text, &rec) == nil && rec.valid() {
				rep.add(&rec)
			} else {
				rep.malformed++
			}
			rec.User = nil
		}
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (rec *line) valid() bool {
	return rec.Service != missingText && rec.Method != missingText && rec.Route != missingText &&
		rec.Status != missing && rec.LatencyUS >= 0 && rec.Bytes >= 0 && rec.User != nil
}

// intern returns one shared copy of s, so each name is stored once, not once per line.
func (rep *Report) intern(s string) string {
	if kept, ok := rep.names[s]; ok {
		return kept
	}
	rep.names[s] = s
	return s
}

func (rep *Report) add(rec *line) {
	rep.records++
	key := routeKey{rec.Service, rec.Method, rec.Route}
	st, ok := rep.routes[key]
	if !ok {
		key = routeKey{rep.intern(rec.Service), rep.intern(rec.Method), rep.intern(rec.Route)}
		st = &routeStats{name: key.service + " " + key.method + " " + key.route, users: map[string]struct{}{}}
		rep.routes[key] = st
	}
	st.requests++
	switch {
	case rec.Status >= 500:
		st.serverErrors++
	case rec.Status >= 400:
		st.clientErrors++
	}
	st.bytes += rec.Bytes
	if u := *rec.User; u != missingText && u != "" {
		if _, seen := st.users[u]; !seen {
			st.users[rep.intern(u)] = struct{}{}
		}
	}
	st.latencies = append(st.latencies, rec.LatencyUS)
	for _, t := range rec.Tags {
		if hasUpper(t) {
			t = strings.ToLower(t)
		}
		rep.tags[t]++
	}
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return true
		}
	}
	return false
}

// WriteTo writes the report, sorted by route and by tag.
func (rep *Report) WriteTo(w io.Writer) (int64, error) {
	out := bufio.NewWriter(w)
	var buf []byte
	buf = append(buf, "lines "...)
	buf = strconv.AppendInt(buf, int64(rep.lines), 10)
	buf = append(buf, " records "...)
	buf = strconv.AppendInt(buf, int64(rep.records), 10)
	buf = append(buf, " malformed "...)
	buf = strconv.AppendInt(buf, int64(rep.malformed), 10)
	buf = append(buf, '\n')
	routes := make([]*routeStats, 0, len(rep.routes))
	for _, st := range rep.routes {
		routes = append(routes, st)
	}
	slices.SortFunc(routes, func(a, b *routeStats) int { return strings.Compare(a.name, b.name) })
	var written int64
	for _, st := range routes {
		slices.Sort(st.latencies)
		lat := st.latencies
		buf = append(buf, "route "...)
		buf = append(buf, st.name...)
		for _, f := range []struct {
			name  string
			value int
		}{
			{" requests=", st.requests}, {" 4xx=", st.clientErrors}, {" 5xx=", st.serverErrors},
			{" bytes=", st.bytes}, {" users=", len(st.users)},
			{" latency_us min=", lat[0]}, {" p50=", percentile(lat, 50)},
			{" p90=", percentile(lat, 90)}, {" p99=", percentile(lat, 99)}, {" max=", lat[len(lat)-1]},
		} {
			buf = append(buf, f.name...)
			buf = strconv.AppendInt(buf, int64(f.value), 10)
		}
		buf = append(buf, '\n')
		n, _ := out.Write(buf)
		written += int64(n)
		buf = buf[:0]
	}
	tags := make([]string, 0, len(rep.tags))
	for t := range rep.tags {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	for _, t := range tags {
		buf = append(buf, "tag "...)
		buf = append(buf, t...)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, int64(rep.tags[t]), 10)
		buf = append(buf, '\n')
	}
	n, _ := out.Write(buf)
	return written + int64(n), out.Flush()
}

func percentile(sorted []int, p int) int {
	return sorted[(p*len(sorted)+99)/100-1]
}
