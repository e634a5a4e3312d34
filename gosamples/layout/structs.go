package main

// The structs whose layout notebook 08 draws. Field types are predeclared Go types (or
// pointers to them), so that the lab can rebuild any reordering of them as Go source.

// Padded keeps its fields in the order a person might write them: each bool or int32 in
// front of an int64 leaves a hole, because an int64 must start at a multiple of 8.
type Padded struct {
	Active bool
	ID     int64
	Urgent bool
	Time   int64
	Closed bool
	Count  int32
}

// Packed holds the same fields as Padded, ordered by alignment, largest first.
type Packed struct {
	ID     int64
	Time   int64
	Count  int32
	Active bool
	Urgent bool
	Closed bool
}

// Reading is the exercise's struct: 48 bytes as written, a 48-byte size class.
type Reading struct {
	Valid  bool
	Value  float64
	Unit   uint16
	Stamp  int64
	Stale  bool
	Count  int32
	Source *Reading
}

// Mixed has a little of everything: a string and a slice header, a pointer, small integers.
type Mixed struct {
	Flag  bool
	Name  string
	Small int16
	Data  []byte
	Tiny  uint8
	Ptr   *int
	Ratio float32
}

// Word33 is 33 bytes, one more than the 32-byte size class.
type Word33 struct {
	Bytes [33]byte
}

// Pair is pointer-free: the collector never looks inside a span of Pairs.
type Pair struct {
	A, B int
}

// PtrPair has the same size as Pair, but one word is a pointer the collector must read.
type PtrPair struct {
	P *int
	B int
}

// PairPtrLast is PtrPair with its pointer last: the scannable prefix of each object grows.
type PairPtrLast struct {
	B int
	P *int
}

// QuadPtrFirst is allocated one object at a time, its pointer first: the collector's
// scannable prefix of each 32-byte object is one word.
type QuadPtrFirst struct {
	P       *int
	A, B, C int
}

// QuadPtrLast is QuadPtrFirst with the pointer last: the whole object is scannable.
type QuadPtrLast struct {
	A, B, C int
	P       *int
}
