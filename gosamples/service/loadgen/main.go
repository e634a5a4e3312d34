// Command loadgen sends an open-loop load to the service: requests start at a fixed rate
// whether or not earlier ones have finished (as users arrive), and each latency counts from
// the moment its request was due, so a stalled service is not hidden by a slowed sender.
//
//	loadgen -url http://127.0.0.1:PORT -rate 200 -duration 5s -mix user=6,report=2,search=2 [-unique] [-json]
//
// It prints latency percentiles per endpoint (milliseconds), as a table or as JSON.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type config struct {
	base     string
	rate     float64
	duration time.Duration
	mix      []weighted
	unique   bool
	run      int64 // tells this run's ref= values from those of earlier runs
	ids      int
	rows     int
}

type weighted struct {
	endpoint string
	weight   int
}

// Summary is what loadgen reports: totals and latency percentiles per endpoint.
type Summary struct {
	Sent      int                `json:"sent"`
	Failed    int                `json:"failed"`
	Seconds   float64            `json:"seconds"`
	Endpoints map[string]Latency `json:"endpoints"`
}

// Latency holds the percentiles of one endpoint's latencies, in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

var endpoints = []string{"user", "report", "search"}

func main() {
	var c config
	var mix string
	flag.StringVar(&c.base, "url", "", "the service's base URL, e.g. http://127.0.0.1:8080")
	flag.Float64Var(&c.rate, "rate", 200, "requests started per second")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "how long to send")
	flag.StringVar(&mix, "mix", "user=6,report=2,search=2", "endpoints and their weights")
	flag.BoolVar(&c.unique, "unique", false, "give every user request a ref= parameter of its own, unlike any other run's (as tracking links do)")
	flag.IntVar(&c.ids, "ids", 100, "user ids asked for, 0 to ids-1")
	flag.IntVar(&c.rows, "rows", 300, "rows of each report")
	asJSON := flag.Bool("json", false, "print the summary as JSON")
	flag.Parse()
	var err error
	if c.mix, err = parseMix(mix); err == nil {
		err = c.check()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	c.run = time.Now().UnixNano()
	fmt.Fprintf(os.Stderr, "loadgen: sending %d requests\n", int(c.rate*c.duration.Seconds()))
	summary := run(c)
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(summary)
	} else {
		printTable(os.Stdout, summary)
	}
}

func (c config) check() error {
	u, err := url.Parse(c.base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-url %q: give the service's base URL, like http://127.0.0.1:8080", c.base)
	}
	if c.rate <= 0 || c.rate > 100_000 || c.duration <= 0 || c.ids <= 0 || c.rows < 0 {
		return fmt.Errorf("-rate (0 to 100000], -duration and -ids must be positive, -rows not negative")
	}
	return nil
}

func parseMix(text string) ([]weighted, error) {
	var mix []weighted
	for _, part := range strings.Split(text, ",") {
		name, weight, found := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(weight)
		if !found || err != nil || n < 0 || !slices.Contains(endpoints, name) {
			return nil, fmt.Errorf("-mix %q: want ENDPOINT=WEIGHT,... with endpoints %s", text, strings.Join(endpoints, ", "))
		}
		if n > 0 {
			mix = append(mix, weighted{name, n})
		}
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("-mix %q: no endpoint has a positive weight", text)
	}
	return mix, nil
}

// pick chooses the endpoint of request i: the mix's weights, spread evenly over the run.
func pick(mix []weighted, i int) string {
	total := 0
	for _, w := range mix {
		total += w.weight
	}
	slot := i % total
	for _, w := range mix {
		if slot < w.weight {
			return w.endpoint
		}
		slot -= w.weight
	}
	return mix[len(mix)-1].endpoint
}

func (c config) target(endpoint string, i int, rng *rand.Rand) string {
	switch endpoint {
	case "user":
		u := fmt.Sprintf("%s/user?id=%d", c.base, rng.IntN(c.ids))
		if c.unique {
			u += fmt.Sprintf("&ref=%x-%d", c.run, i)
		}
		return u
	case "report":
		return fmt.Sprintf("%s/report?rows=%d", c.base, c.rows)
	default:
		return fmt.Sprintf("%s/search?q=term%d", c.base, rng.IntN(50))
	}
}

type result struct {
	endpoint string
	latency  time.Duration
	ok       bool
}

func run(c config) Summary {
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 256, Proxy: nil},
	}
	n := int(c.rate * c.duration.Seconds())
	interval := time.Duration(float64(time.Second) / c.rate)
	results := make(chan result, n)
	rng := rand.New(rand.NewPCG(1, 2))
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		endpoint := pick(c.mix, i)
		target := c.target(endpoint, i, rng)
		wg.Go(func() {
			ok := fetch(client, target)
			results <- result{endpoint, time.Since(due), ok}
		})
	}
	wg.Wait()
	close(results)
	return summarize(results, time.Since(start))
}

func fetch(client *http.Client, target string) bool {
	resp, err := client.Get(target)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK
}

func summarize(results <-chan result, elapsed time.Duration) Summary {
	s := Summary{Seconds: elapsed.Seconds(), Endpoints: map[string]Latency{}}
	byEndpoint := map[string][]float64{}
	for r := range results {
		s.Sent++
		if !r.ok {
			s.Failed++
			continue
		}
		byEndpoint[r.endpoint] = append(byEndpoint[r.endpoint], float64(r.latency)/1e6)
	}
	for name, ms := range byEndpoint {
		s.Endpoints[name] = percentiles(ms)
	}
	return s
}

// percentiles by the nearest-rank rule: the p-th percentile is the smallest value with at
// least p% of the values at or below it.
func percentiles(ms []float64) Latency {
	sort.Float64s(ms)
	rank := func(p float64) float64 {
		if len(ms) == 0 {
			return math.NaN()
		}
		i := int(math.Ceil(p/100*float64(len(ms)))) - 1
		return ms[max(i, 0)]
	}
	return Latency{Count: len(ms), P50: rank(50), P90: rank(90), P99: rank(99), Max: rank(100)}
}

func printTable(w io.Writer, s Summary) {
	fmt.Fprintf(w, "%d requests in %.1f s, %d failed\n", s.Sent, s.Seconds, s.Failed)
	fmt.Fprintf(w, "%-8s %7s %9s %9s %9s %9s\n", "endpoint", "count", "p50 ms", "p90 ms", "p99 ms", "max ms")
	for _, name := range endpoints {
		if l, ok := s.Endpoints[name]; ok {
			fmt.Fprintf(w, "%-8s %7d %9.2f %9.2f %9.2f %9.2f\n", name, l.Count, l.P50, l.P90, l.P99, l.Max)
		}
	}
}
