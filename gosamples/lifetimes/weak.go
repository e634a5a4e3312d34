package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unique"
	"weak"
)

// entry is a cached value.
type entry struct {
	key  string
	data [1024]byte
}

// weakCache maps keys to weak pointers: the cache alone does not keep an entry alive.
type weakCache struct {
	mu sync.Mutex
	m  map[string]weak.Pointer[entry]
}

// put adds e; a cleanup deletes its key once the collector has taken e.
func (c *weakCache) put(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[e.key] = weak.Make(e)
	runtime.AddCleanup(e, c.forget, e.key)
}

func (c *weakCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[key].Value() == nil { // the key may have been put again since
		delete(c.m, key)
	}
}

// alive counts the entries whose weak pointer still gives a value.
func (c *weakCache) alive() (alive, keys int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range c.m {
		if w.Value() != nil {
			alive++
		}
	}
	return alive, len(c.m)
}

// weakSection fills a weak cache, keeps strong references to a few entries, and counts what
// survives a collection.
func weakSection(o options) {
	const s = "weak"
	n := o.n
	if n == 0 {
		n = 100
	}
	held := n / 10
	c := &weakCache{m: map[string]weak.Pointer[entry]{}}
	var strong []*entry
	for i := 0; i < n; i++ {
		e := &entry{key: "k" + strconv.Itoa(i)}
		c.put(e)
		if i < held {
			strong = append(strong, e)
		}
	}
	alive, keys := c.alive()
	emit(s, "entries", float64(n), "count")
	emit(s, "held", float64(held), "count")
	emit(s, "alive_before_gc", float64(alive), "count")
	gcs := gcUntil(tries, 20*time.Millisecond, nil, func() bool {
		alive, keys = c.alive()
		return alive == held && keys == held
	})
	emit(s, "alive_after_gc", float64(alive), "count")
	emit(s, "keys_after_cleanup", float64(keys), "count")
	emit(s, "gcs", float64(gcs), "count")
	same := 0.0
	if weak.Make(strong[0]).Value() == strong[0] && weak.Make(strong[0]) == c.m["k0"] {
		same = 1
	}
	emit(s, "same_pointer_same_weak", same, "bool")
	runtime.KeepAlive(strong)
}

// userName returns a fresh 64-byte string for id: a new allocation every call, as if it had
// just been read from a request.
func userName(id int) string {
	return fmt.Sprintf("%-64s", "user-"+strconv.Itoa(id))
}

// uniqueSection keeps n names drawn from `distinct` different values, once as strings and once
// as unique.Handle values, and measures the live heap of each.
func uniqueSection(o options) {
	const s = "unique"
	n := o.n
	if n == 0 {
		n = 100_000
	}
	const distinct = 100
	emit(s, "n", float64(n), "count")
	emit(s, "distinct", distinct, "count")
	emit(s, "string_len", float64(len(userName(0))), "bytes")

	base := liveHeap()
	names := make([]string, n)
	for i := range names {
		names[i] = userName(i % distinct)
	}
	emit(s, "strings_live", liveHeap()-base, "bytes")
	runtime.KeepAlive(names)
	names = nil

	base = liveHeap()
	handles := make([]unique.Handle[string], n)
	for i := range handles {
		handles[i] = unique.Make(userName(i % distinct))
	}
	emit(s, "handles_live", liveHeap()-base, "bytes")
	set := map[unique.Handle[string]]bool{}
	for _, h := range handles {
		set[h] = true
	}
	emit(s, "distinct_handles", float64(len(set)), "count")
	equal := 0.0
	if handles[0] == unique.Make(strings.Clone(userName(0))) && handles[0].Value() == userName(0) {
		equal = 1
	}
	emit(s, "equal_strings_equal_handles", equal, "bool")
	runtime.KeepAlive(handles)
}
