// Command tracereader reads a Go execution trace with the Go toolchain's own trace parser
// (its internal/trace package, copied beside this file when gomemlab builds the reader) and
// writes the event columns gomemlab keeps to a compact binary file.
//
// Usage: tracereader TRACE OUT
//
// The columns are exactly what gomemlab's text parser reads from `go tool trace -d=parsed
// TRACE` (event fields, stacks stored once, line numbers in that text, its first lines), so
// both give the same result; this one skips printing and parsing seven text lines per event.
//
// OUT, all little-endian: "GMTRACE1", the event count n, nine int64 columns of n (time, m, p,
// g, resource_id, task, line_no, stack, transition_stack), one float64 column (value, NaN for
// none), six int32 columns of string codes (kind, resource, name, from_state, to_state, text),
// the stacks (u32 count; each: u32 frames; each frame: i32 func code, i32 file code, i64
// line), the text's line count (u64), its first lines (u32 count, i32 codes each), and the
// string table the codes index (u32 count; each: u32 length and the UTF-8 bytes).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gomemlab.local/tracereader/trace"
)

const headLines = 40 // first lines of the text kept, as the text parser keeps them

type columns struct {
	ints   [9][]int64
	value  []float64
	codes  [6][]int32
	stacks [][]frame
	lines  int64
	head   []int32

	strings map[string]int32
	table   []string
	byStack map[trace.Stack]int32 // a stack already seen in this generation's table
	byText  map[string]int32      // a stack's frames, across generations
}

type frame struct {
	fn, file int32
	line     int64
}

func newColumns() *columns {
	return &columns{strings: map[string]int32{}, byStack: map[trace.Stack]int32{},
		byText: map[string]int32{}, lines: 1}
}

func (c *columns) code(s string) int32 {
	if id, ok := c.strings[s]; ok {
		return id
	}
	id := int32(len(c.table))
	c.strings[s] = id
	c.table = append(c.table, s)
	return id
}

// quoted is what the text parser makes of a field the tool prints with %q: the string
// itself, except that an invalid UTF-8 byte (printed as \xHH) comes back as the rune U+00HH.
func quoted(s string) string { return valid(s, func(b byte) rune { return rune(b) }) }

// raw is what the text parser makes of a field the tool prints as is: the text decoded as
// UTF-8, an invalid byte becoming U+FFFD.
func raw(s string) string { return valid(s, func(byte) rune { return utf8.RuneError }) }

// valid is s with each byte that is not part of valid UTF-8 replaced by instead(byte).
func valid(s string, instead func(byte) rune) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = instead(s[i])
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// stack interns a stack's frames (identical stacks get one id, in order of first sight) and
// returns its id and its lines in the text (header, two per frame, blank), or -1 and 0.
func (c *columns) stack(s trace.Stack) (int64, int64) {
	if s == trace.NoStack {
		return -1, 0
	}
	id, ok := c.byStack[s]
	if !ok {
		var key strings.Builder
		var frames []frame
		for f := range s.Frames() {
			fmt.Fprintf(&key, "%x\x00%s\x00%s\x00%d\x00", f.PC, f.Func, f.File, f.Line)
			frames = append(frames, frame{c.code(raw(f.Func)), c.code(raw(f.File)),
				int64(f.Line)})
		}
		if id, ok = c.byText[key.String()]; !ok {
			id = int32(len(c.stacks))
			c.byText[key.String()] = id
			c.stacks = append(c.stacks, frames)
		}
		c.byStack[s] = id
	}
	return int64(id), 2 + 2*int64(len(c.stacks[id]))
}

func resource(r trace.ResourceID) (string, int64) {
	switch r.Kind {
	case trace.ResourceGoroutine:
		return "goroutine", int64(r.Goroutine())
	case trace.ResourceProc:
		return "proc", int64(r.Proc())
	case trace.ResourceThread:
		return "thread", int64(r.Thread())
	case trace.ResourceNone:
		return "none", -1
	}
	return strings.ToLower(r.Kind.String()), -1
}

// fields are an event's kind-specific columns, as the text parser reads them.
type fields struct {
	kind, resource, name, from, to, text string
	id, task                             int64
	value                                float64
}

func fieldsOf(ev *trace.Event) fields {
	f := fields{kind: ev.Kind().String(), id: -1, task: -1, value: math.NaN()}
	switch ev.Kind() {
	case trace.EventStateTransition:
		s := ev.StateTransition()
		switch s.Resource.Kind {
		case trace.ResourceGoroutine:
			old, new := s.Goroutine()
			f.resource, f.id, f.from, f.to = "goroutine", int64(s.Resource.Goroutine()),
				old.String(), new.String()
		case trace.ResourceProc:
			old, new := s.Proc()
			f.resource, f.id, f.from, f.to = "proc", int64(s.Resource.Proc()),
				old.String(), new.String()
		}
		f.text = quoted(s.Reason)
	case trace.EventMetric:
		m := ev.Metric()
		f.name = quoted(m.Name)
		if m.Value.Kind() == trace.ValueUint64 {
			f.value = float64(m.Value.Uint64())
		} else {
			f.text = raw(m.Value.String())
		}
	case trace.EventLabel:
		l := ev.Label()
		f.name = quoted(l.Label)
		f.resource, f.id = resource(l.Resource)
	case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
		r := ev.Range()
		f.name = quoted(r.Name)
		f.resource, f.id = resource(r.Scope)
		if ev.Kind() == trace.EventRangeEnd {
			var b strings.Builder
			for i, attr := range ev.RangeAttributes() {
				if i != 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%q=%s", attr.Name, attr.Value)
			}
			f.text = raw(b.String())
		}
	case trace.EventTaskBegin, trace.EventTaskEnd:
		t := ev.Task()
		f.task, f.value, f.name = int64(t.ID), float64(t.Parent), quoted(t.Type)
	case trace.EventRegionBegin, trace.EventRegionEnd:
		r := ev.Region()
		f.task, f.name = int64(r.Task), quoted(r.Type)
	case trace.EventLog:
		l := ev.Log()
		f.task, f.name, f.text = int64(l.Task), quoted(l.Category), quoted(l.Message)
	case trace.EventSync:
		s := ev.Sync()
		f.value, f.text = float64(s.N), "N="+strconv.Itoa(s.N)
		if s.ClockSnapshot != nil {
			f.text += fmt.Sprintf(" Trace=%d Mono=%d Wall=%s", s.ClockSnapshot.Trace,
				s.ClockSnapshot.Mono, s.ClockSnapshot.Wall.Format(time.RFC3339Nano))
		}
		f.text = raw(f.text)
	case trace.EventExperimental:
		e := ev.Experimental()
		var b strings.Builder
		for i, arg := range e.Args {
			if i != 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=%s", arg, e.ArgValue(i).String())
		}
		f.name, f.text = raw(e.Name), raw(b.String())
	case trace.EventStackSample:
	default: // a kind the text parser does not know: kept as "other", named
		f.kind, f.name = "other", f.kind
	}
	return f
}

func (c *columns) add(ev *trace.Event) {
	if ev.Kind() == trace.EventSync { // a new generation: its stacks are a new table
		clear(c.byStack)
	}
	f := fieldsOf(ev)
	tstack, tlines := int64(-1), int64(0)
	if ev.Kind() == trace.EventStateTransition {
		tstack, tlines = c.stack(ev.StateTransition().Stack)
	}
	stack, slines := c.stack(ev.Stack())
	for i, v := range [9]int64{int64(ev.Time()), int64(ev.Thread()), int64(ev.Proc()),
		int64(ev.Goroutine()), f.id, f.task, c.lines, stack, tstack} {
		c.ints[i] = append(c.ints[i], v)
	}
	c.value = append(c.value, f.value)
	for i, s := range [6]string{f.kind, f.resource, f.name, f.from, f.to, f.text} {
		c.codes[i] = append(c.codes[i], c.code(s))
	}
	if len(c.head) < headLines {
		text := strings.TrimSuffix(ev.String()+"\n", "\n")
		for _, line := range strings.Split(text, "\n") {
			if len(c.head) < headLines {
				c.head = append(c.head, c.code(raw(line)))
			}
		}
	}
	c.lines += 1 + tlines + slines
}

func (c *columns) write(w io.Writer) error {
	out := bufio.NewWriterSize(w, 1<<20)
	put := func(v any) {
		if err := binary.Write(out, binary.LittleEndian, v); err != nil {
			panic(err)
		}
	}
	out.WriteString("GMTRACE1")
	put(uint64(len(c.value)))
	for _, col := range c.ints {
		put(col)
	}
	put(c.value)
	for _, col := range c.codes {
		put(col)
	}
	put(uint32(len(c.stacks)))
	for _, frames := range c.stacks {
		put(uint32(len(frames)))
		for _, f := range frames {
			put(f.fn)
			put(f.file)
			put(f.line)
		}
	}
	put(uint64(c.lines - 1))
	put(uint32(len(c.head)))
	put(c.head)
	put(uint32(len(c.table)))
	for _, s := range c.table {
		put(uint32(len(s)))
		out.WriteString(s)
	}
	return out.Flush()
}

func read(in io.Reader) (*columns, error) {
	r, err := trace.NewReader(bufio.NewReaderSize(in, 1<<20))
	if err != nil {
		return nil, err
	}
	c := newColumns()
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		c.add(&ev)
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tracereader TRACE OUT")
		os.Exit(2)
	}
	in, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := read(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := os.Create(os.Args[2])
	if err == nil {
		err = c.write(out)
		if closeErr := out.Close(); err == nil {
			err = closeErr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
