// Package capstone is the course's capstone: a telemetry aggregator that reads JSON lines, one
// request per line, and reports per-route statistics. It is correct and slow: it allocates per
// line, boxes every value, builds strings the long way, starts a goroutine per line and keeps the
// whole input in memory. The capstone asks you to take it to the targets in
// notebooks/12-capstone.ipynb without changing what it prints.
//
// The contract the check holds you to (keep these two signatures):
//
//	func Aggregate(r io.Reader) (*Report, error)
//	func (r *Report) WriteTo(w io.Writer) (int64, error)
//
// A line is a record when it is a JSON object with the string fields "service", "method" and
// "route", and the integer fields "status", "latency_us" (≥ 0) and "bytes" (≥ 0). "user" (a string)
// and "tags" (an array of strings) may be missing; other fields are ignored. A blank line is
// skipped; any other line is malformed and only counted.
//
// The report, sorted by route and by tag:
//
//	lines 12 records 10 malformed 2
//	route checkout GET /cart requests=4 4xx=1 5xx=0 bytes=2048 users=3 latency_us min=90 p50=120 p90=400 p99=400 max=400
//	tag beta 3
//
// Percentiles are nearest-rank: the p-th is the ⌈p·n/100⌉-th smallest latency. Tags are counted in
// lower case over all records.
package capstone

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math"
	"sort"
	"strings"
	"sync"
)

// Verbose makes Aggregate log its progress every 100 000 records.
var Verbose = false

// Report holds what Aggregate found.
type Report struct {
	Lines     int
	Records   int
	Malformed int
	Routes    map[string]*RouteStats
	Tags      map[string]int
}

// RouteStats is one route's numbers.
type RouteStats struct {
	Requests     int
	ClientErrors int
	ServerErrors int
	Bytes        int
	Users        map[string]bool
	Latencies    []float64
}

type record struct {
	service, method, route, user string
	status, latency, bytes       int
	tags                         []string
}

type parsed struct {
	rec record
	err error
}

// Aggregate reads JSON lines from r and returns per-route statistics.
func Aggregate(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(data), "\n")

	ticks := make(chan int)
	go logProgress(ticks)

	results := make(chan parsed, len(lines))
	var wg sync.WaitGroup
	rep := &Report{Routes: map[string]*RouteStats{}, Tags: map[string]int{}}
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		rep.Lines++
		wg.Add(1)
		go func(line string) {
			defer wg.Done()
			rec, err := parseLine(line)
			results <- parsed{rec, err}
		}(line)
	}
	wg.Wait()
	close(results)

	for p := range results {
		if p.err != nil {
			rep.Malformed++
			continue
		}
		rep.add(p.rec)
		if Verbose && rep.Records%100000 == 0 {
			ticks <- rep.Records
		}
	}
	return rep, nil
}

func logProgress(ticks chan int) {
	for n := range ticks {
		log.Printf("capstone: %d records", n)
	}
}

func (rep *Report) add(rec record) {
	rep.Records++
	key := fmt.Sprintf("%s %s %s", rec.service, rec.method, rec.route)
	st, ok := rep.Routes[key]
	if !ok {
		st = &RouteStats{Users: map[string]bool{}}
		rep.Routes[key] = st
	}
	st.Requests++
	switch {
	case rec.status >= 500:
		st.ServerErrors++
	case rec.status >= 400:
		st.ClientErrors++
	}
	st.Bytes += rec.bytes
	if rec.user != "" {
		st.Users[rec.user] = true
	}
	st.Latencies = append(st.Latencies, float64(rec.latency))
	for _, t := range rec.tags {
		rep.Tags[strings.ToLower(t)]++
	}
}

func parseLine(line string) (record, error) {
	var m map[string]interface{}
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return record{}, err
	}
	var rec record
	var ok bool
	for _, f := range []struct {
		name string
		dst  *string
	}{{"service", &rec.service}, {"method", &rec.method}, {"route", &rec.route}} {
		if *f.dst, ok = m[f.name].(string); !ok {
			return record{}, fmt.Errorf("field %q: not a string", f.name)
		}
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"status", &rec.status}, {"latency_us", &rec.latency}, {"bytes", &rec.bytes}} {
		v, ok := m[f.name].(float64)
		if !ok || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return record{}, fmt.Errorf("field %q: not an integer", f.name)
		}
		*f.dst = int(v)
	}
	if rec.latency < 0 || rec.bytes < 0 {
		return record{}, fmt.Errorf("negative latency or bytes")
	}
	if u, present := m["user"]; present {
		if rec.user, ok = u.(string); !ok {
			return record{}, fmt.Errorf("field %q: not a string", "user")
		}
	}
	if t, present := m["tags"]; present {
		list, ok := t.([]interface{})
		if !ok {
			return record{}, fmt.Errorf("field %q: not an array", "tags")
		}
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				return record{}, fmt.Errorf("field %q: not a string", "tags")
			}
			rec.tags = append(rec.tags, s)
		}
	}
	return rec, nil
}

// WriteTo writes the report, sorted by route and by tag.
func (rep *Report) WriteTo(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, rep.String())
	return int64(n), err
}

func (rep *Report) String() string {
	out := fmt.Sprintf("lines %d records %d malformed %d\n", rep.Lines, rep.Records, rep.Malformed)
	var keys []string
	for k := range rep.Routes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		st := rep.Routes[k]
		lat := append([]float64{}, st.Latencies...)
		sort.Float64s(lat)
		out += fmt.Sprintf("route %s requests=%d 4xx=%d 5xx=%d bytes=%d users=%d latency_us min=%d p50=%d p90=%d p99=%d max=%d\n",
			k, st.Requests, st.ClientErrors, st.ServerErrors, st.Bytes, len(st.Users),
			int(lat[0]), percentile(lat, 50), percentile(lat, 90), percentile(lat, 99), int(lat[len(lat)-1]))
	}
	var tags []string
	for t := range rep.Tags {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	for _, t := range tags {
		out += fmt.Sprintf("tag %s %d\n", t, rep.Tags[t])
	}
	return out
}

// percentile is the nearest-rank p-th percentile of sorted values.
func percentile(sorted []float64, p int) int {
	rank := (p*len(sorted) + 99) / 100
	return int(sorted[rank-1])
}
