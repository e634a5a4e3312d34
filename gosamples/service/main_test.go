package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

func serve(t *testing.T, revised string) (*server, *httptest.Server) {
	t.Helper()
	parts, err := parseParts(revised)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(parts)
	ts := httptest.NewServer(newMux(s))
	t.Cleanup(ts.Close)
	return s, ts
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	return string(body)
}

func TestUserPagesGrowTheCacheOnlyWithDistinctQueriesInTheFirstVersion(t *testing.T) {
	for _, c := range []struct {
		revised string
		want    int
	}{{"", 200}, {"cache", 10}} {
		s, ts := serve(t, c.revised)
		for i := range 200 {
			page := get(t, fmt.Sprintf("%s/user?id=%d&ref=%d", ts.URL, i%10, i))
			if want := fmt.Sprintf("user %d\n", i%10); !strings.HasPrefix(page, want) || len(page) != pageSize {
				t.Fatalf("page %q... (%d bytes), want %q and %d bytes", page[:20], len(page), want, pageSize)
			}
		}
		if got := s.cached(); got != c.want {
			t.Errorf("-revised=%q: %d cached pages, want %d", c.revised, got, c.want)
		}
	}
}

func TestTheRevisedCacheIsBounded(t *testing.T) {
	s, ts := serve(t, "cache")
	for i := range cacheLimit + 50 {
		get(t, fmt.Sprintf("%s/user?id=%d", ts.URL, i))
	}
	if got := s.cached(); got != cacheLimit {
		t.Fatalf("%d cached pages, want the limit %d", got, cacheLimit)
	}
}

func TestBothReportsAreTheSame(t *testing.T) {
	_, first := serve(t, "")
	_, revised := serve(t, "report")
	for _, rows := range []int{0, 1, 300} {
		a := get(t, fmt.Sprintf("%s/report?rows=%d", first.URL, rows))
		b := get(t, fmt.Sprintf("%s/report?rows=%d", revised.URL, rows))
		if a != b || strings.Count(a, "\n") != rows {
			t.Fatalf("rows=%d: reports differ or have the wrong length:\n%.80q\n%.80q", rows, a, b)
		}
	}
}

func TestTheRevisedReportAllocatesAFractionOfTheFirst(t *testing.T) {
	first := testing.AllocsPerRun(20, func() { buildReport(300) })
	var buf bytes.Buffer
	revised := testing.AllocsPerRun(20, func() {
		buf.Reset()
		appendReport(&buf, 300)
	})
	if first < 300 || revised != 0 {
		t.Fatalf("300 rows: %.0f allocations in the first version (want one a row or more), "+
			"%.0f in the revised one into a reused buffer (want 0)", first, revised)
	}
}

// leaked is the goroutineleak profile's count, after the garbage collection that finds them.
func leaked(t *testing.T) int {
	t.Helper()
	var text strings.Builder
	if err := pprof.Lookup("goroutineleak").WriteTo(&text, 1); err != nil {
		t.Fatal(err)
	}
	var n int
	if _, err := fmt.Sscanf(text.String(), "goroutineleak profile: total %d", &n); err != nil {
		t.Fatalf("%v in %.80q", err, text.String())
	}
	return n
}

func TestOnlyTheFirstSearchLeavesGoroutinesBehind(t *testing.T) {
	for _, c := range []struct {
		revised string
		want    int
	}{{"search", 0}, {"", 2 * 20}} {
		_, ts := serve(t, c.revised)
		before := leaked(t)
		for range 20 {
			get(t, ts.URL+"/search?q=go")
		}
		time.Sleep(50 * time.Millisecond) // every backend has answered by now
		if got := leaked(t) - before; got != c.want {
			t.Errorf("-revised=%q: %d goroutines leaked by 20 searches, want %d", c.revised, got, c.want)
		}
	}
}

func TestSearchAnswers(t *testing.T) {
	for _, revised := range []string{"", "search"} {
		_, ts := serve(t, revised)
		if got := get(t, ts.URL+"/search?q=go"); !strings.Contains(got, `results for "go"`) {
			t.Fatalf("-revised=%q: %q", revised, got)
		}
	}
}

func TestBadArgumentsAreRefused(t *testing.T) {
	_, ts := serve(t, "")
	for _, path := range []string{"/user?id=x", "/user?id=-1", "/report?rows=x", "/report?rows=1000000"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %s, want 400", path, resp.Status)
		}
	}
	if _, err := parseParts("cache,nonsense"); err == nil {
		t.Error("an unknown part was accepted")
	}
	if _, err := listen("0.0.0.0:0"); err == nil {
		t.Error("a non-loopback address was accepted")
	}
}

func TestMetricsServesScalarRuntimeMetrics(t *testing.T) {
	_, ts := serve(t, "")
	var got snapshot
	if err := json.Unmarshal([]byte(get(t, ts.URL+"/debug/metrics")), &got); err != nil {
		t.Fatal(err)
	}
	if got.Metrics["/gc/heap/goal:bytes"] <= 0 || time.Since(time.Unix(0, got.UnixNano)) > time.Minute {
		t.Fatalf("no heap goal, or a stale time: %+v", got.UnixNano)
	}
}
