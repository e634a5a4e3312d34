// Command service is a small HTTP service for the lab's chapter on diagnosing a running
// program: user pages with a cache, reports, and a search that asks several backends.
//
//	service -addr 127.0.0.1:0 [-revised cache,report,search] [-memprofilerate N] [-flight FILE]
//
// It listens on loopback only and prints "listening on http://HOST:PORT" once it accepts
// connections. Besides its pages it serves net/http/pprof under /debug/pprof/ and a JSON
// snapshot of runtime/metrics at /debug/metrics. Every request is a runtime/trace task. With
// -flight it keeps a flight recorder and writes its window to FILE after a latency spike.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	revised := flag.String("revised", "", "comma-separated parts to run in their revised version: cache, report, search (or all)")
	rate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate: bytes between heap profile samples (0: Go's default)")
	window := flag.String("flight", "", "keep a flight recorder and write its window here after a spike")
	factor := flag.Float64("spike-factor", 20, "a spike is at least this many times the median of the last requests...")
	least := flag.Duration("spike-least", 10*time.Millisecond, "...slower than every request before it, and at least this long")
	flag.Parse()
	if *rate > 0 {
		runtime.MemProfileRate = *rate
	}
	parts, err := parseParts(*revised)
	if err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(2)
	}
	listener, err := listen(*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(2)
	}
	s := newServer(parts)
	if *window != "" {
		if s.flight, err = startFlight(*window, *factor, *least); err != nil {
			fmt.Fprintln(os.Stderr, "service: flight recorder:", err)
			os.Exit(2)
		}
	}
	fmt.Printf("listening on http://%s\n", listener.Addr())
	log.Fatal(http.Serve(listener, newMux(s)))
}

// listen accepts a loopback address only: the service is for this machine.
func listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-addr %q: listen on a loopback address (127.0.0.1 or ::1) only", addr)
	}
	return net.Listen("tcp", addr)
}

var partNames = []string{"cache", "report", "search"}

func parseParts(list string) (map[string]bool, error) {
	parts := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
		case name == "all":
			for _, p := range partNames {
				parts[p] = true
			}
		case strings.Contains(","+strings.Join(partNames, ",")+",", ","+name+","):
			parts[name] = true
		default:
			return nil, fmt.Errorf("-revised: unknown part %q (the parts are %s, or all)", name, strings.Join(partNames, ", "))
		}
	}
	return parts, nil
}

// newMux routes the service's pages, the profiler and the metrics snapshot.
func newMux(s *server) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/user", s.traced(s.user))
	mux.Handle("/report", s.traced(s.report))
	mux.Handle("/search", s.traced(s.search))
	mux.HandleFunc("/debug/metrics", serveMetrics)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
