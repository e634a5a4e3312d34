package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

// pageSize is the size of a rendered user page (its avatar and text).
const pageSize = 16 << 10

// cacheLimit bounds the revised cache's entries.
const cacheLimit = 1024

type server struct {
	revised map[string]bool

	mu    sync.Mutex
	pages map[string][]byte

	buffers sync.Pool

	flight *flight // nil unless the service keeps a flight recorder
}

func newServer(revised map[string]bool) *server {
	return &server{
		revised: revised,
		pages:   map[string][]byte{},
		buffers: sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
}

// traced makes every request a runtime/trace task named after its path. With a flight
// recorder, a request that ends as a spike logs it in its task and, once the task has
// ended, has the window written before the handler returns, so before the reply is complete
// (most of a long reply is already sent by then): when the load generator has its last
// reply, every window is on disk.
func (s *server) traced(handle func(context.Context, http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, task := trace.NewTask(r.Context(), r.URL.Path)
		start := time.Now()
		handle(ctx, w, r)
		took := time.Since(start)
		var what string
		if s.flight != nil {
			if spike, median := s.flight.spike(took); spike {
				what = describe(r.URL.Path, took, median)
				trace.Log(ctx, "spike", what)
			}
		}
		task.End()
		if what != "" {
			s.flight.save(took, what)
		}
	})
}

// user serves /user?id=N: a rendered page, kept for the next request that asks for it.
func (s *server) user(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil || id < 0 {
		http.Error(w, "id must be a non-negative integer", http.StatusBadRequest)
		return
	}
	key := r.URL.RawQuery
	if s.revised["cache"] {
		key = strconv.Itoa(id)
	}
	var page []byte
	trace.WithRegion(ctx, "cache lookup", func() {
		s.mu.Lock()
		page = s.pages[key]
		s.mu.Unlock()
	})
	if page == nil {
		trace.WithRegion(ctx, "render", func() { page = renderUser(id) })
		s.mu.Lock()
		if s.revised["cache"] && len(s.pages) >= cacheLimit {
			for old := range s.pages { // map order is random: a random entry goes
				delete(s.pages, old)
				break
			}
		}
		s.pages[key] = page
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(page)
}

// cached is how many pages the cache holds.
func (s *server) cached() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pages)
}

func renderUser(id int) []byte {
	page := make([]byte, 0, pageSize)
	page = fmt.Appendf(page, "user %d\n", id)
	for len(page) < pageSize-1 {
		page = append(page, byte('a'+(id+len(page))%26))
	}
	return append(page, '\n')
}

// report serves /report?rows=N: a table of N rows of numbers.
func (s *server) report(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	rows, err := strconv.Atoi(r.URL.Query().Get("rows"))
	if err != nil || rows < 0 || rows > 100_000 {
		http.Error(w, "rows must be an integer from 0 to 100000", http.StatusBadRequest)
		return
	}
	defer trace.StartRegion(ctx, "build report").End()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !s.revised["report"] {
		w.Write([]byte(buildReport(rows)))
		return
	}
	buf := s.buffers.Get().(*bytes.Buffer)
	buf.Reset()
	appendReport(buf, rows)
	w.Write(buf.Bytes())
	s.buffers.Put(buf)
}

func buildReport(rows int) string {
	out := ""
	for i := range rows {
		out += fmt.Sprintf("%6d %12d %12d\n", i, i*i, i*i*i)
	}
	return out
}

func appendReport(buf *bytes.Buffer, rows int) {
	var line [40]byte
	for i := range rows {
		b := line[:0]
		b = appendPadded(b, i, 6)
		b = append(b, ' ')
		b = appendPadded(b, i*i, 12)
		b = append(b, ' ')
		b = appendPadded(b, i*i*i, 12)
		buf.Write(append(b, '\n'))
	}
}

func appendPadded(b []byte, n, width int) []byte {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	for range width - len(d) {
		b = append(b, ' ')
	}
	return append(b, d...)
}

// search serves /search?q=...: it asks three backends and answers with the first reply.
func (s *server) search(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query().Get("q")
	const backends = 3
	var replies chan string
	if s.revised["search"] {
		replies = make(chan string, backends)
	} else {
		replies = make(chan string)
	}
	trace.WithRegion(ctx, "ask backends", func() {
		for b := range backends {
			go func() {
				replies <- ask(b, query)
			}()
		}
	})
	var first string
	trace.WithRegion(ctx, "wait for a reply", func() { first = <-replies })
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, first)
}

// ask stands for a call to a search backend: it answers after a short random delay.
func ask(backend int, query string) string {
	time.Sleep(time.Duration(200+rand.IntN(800)) * time.Microsecond)
	return fmt.Sprintf("backend %d: %d results for %q", backend, len(query)*7+backend, query)
}
