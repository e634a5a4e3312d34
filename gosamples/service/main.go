// Command service is a small HTTP service for the lab's chapter on diagnosing a running
// program: user pages with a cache, reports, and a search that asks several backends.
//
//	service -addr 127.0.0.1:0 [-revised cache,report,search] [-memprofilerate N]
//
// It listens on loopback only and prints "listening on http://HOST:PORT" once it accepts
// connections. Besides its pages it serves net/http/pprof under /debug/pprof/ and a JSON
// snapshot of runtime/metrics at /debug/metrics. Every request is a runtime/trace task.
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
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	revised := flag.String("revised", "", "comma-separated parts to run in their revised version: cache, report, search (or all)")
	rate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate: bytes between heap profile samples (0: Go's default)")
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
	fmt.Printf("listening on http://%s\n", listener.Addr())
	log.Fatal(http.Serve(listener, newMux(newServer(parts))))
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
	mux.Handle("/user", traced(s.user))
	mux.Handle("/report", traced(s.report))
	mux.Handle("/search", traced(s.search))
	mux.HandleFunc("/debug/metrics", serveMetrics)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
