package main

import (
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentilesFollowTheNearestRankRule(t *testing.T) {
	ms := make([]float64, 0, 200)
	for i := 200; i >= 1; i-- {
		ms = append(ms, float64(i))
	}
	got := percentiles(ms)
	if got != (Latency{Count: 200, P50: 100, P90: 180, P99: 198, Max: 200}) {
		t.Fatalf("%+v", got)
	}
	if one := percentiles([]float64{7}); one.P50 != 7 || one.P99 != 7 {
		t.Fatalf("%+v", one)
	}
	if none := percentiles(nil); !math.IsNaN(none.P50) {
		t.Fatalf("%+v", none)
	}
}

func TestTheMixIsSpreadByWeight(t *testing.T) {
	mix, err := parseMix("user=3,report=0,search=1")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for i := range 400 {
		counts[pick(mix, i)]++
	}
	if counts["user"] != 300 || counts["search"] != 100 || counts["report"] != 0 {
		t.Fatalf("%v", counts)
	}
	for _, bad := range []string{"", "user", "user=x", "nope=1", "user=0"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("-mix %q was accepted", bad)
		}
	}
}

func TestTheLoadIsOpenLoopAtTheRate(t *testing.T) {
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			time.Sleep(200 * time.Millisecond) // a stall must not hold back later requests
		}
	}))
	defer ts.Close()
	mix, _ := parseMix("user=1,search=1")
	c := config{base: ts.URL, rate: 100, duration: 500 * time.Millisecond, mix: mix, ids: 10, rows: 1}
	start := time.Now()
	s := run(c)
	if s.Sent != 50 || s.Failed != 0 || hits.Load() != 50 {
		t.Fatalf("sent %d, failed %d, served %d; want 50, 0, 50", s.Sent, s.Failed, hits.Load())
	}
	if max(s.Endpoints["user"].Max, s.Endpoints["search"].Max) < 200 {
		t.Fatalf("the stalled request's latency is missing: %+v", s.Endpoints)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("50 requests at 100/s took %v: the sender waited for replies", elapsed)
	}
}

func TestUniqueRefsDifferAcrossRuns(t *testing.T) {
	mix, _ := parseMix("user=1")
	a := config{base: "http://127.0.0.1:1", mix: mix, ids: 1, unique: true, run: 1}
	b := a
	b.run = 2
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for _, c := range []config{a, b} {
		for i := range 100 {
			u := c.target("user", i, rng)
			if seen[u] {
				t.Fatalf("%s asked twice", u)
			}
			seen[u] = true
		}
	}
}
