package bufs

import (
	"runtime"
	"testing"
)

func TestZeroed(t *testing.T) {
	type rec struct {
		p *int
		n int64
		s []byte
	}
	for _, n := range []int{0, 1, 7, 4096, 100_000} {
		s := Zeroed[rec](n)
		if len(s) != n {
			t.Fatalf("Zeroed(%d): len %d", n, len(s))
		}
		for i := range s {
			if s[i].p != nil || s[i].n != 0 || s[i].s != nil {
				t.Fatalf("Zeroed(%d)[%d] = %+v, want zero", n, i, s[i])
			}
		}
		// The pointers stored later are seen by the collector.
		for i := range s {
			v := i
			s[i].p = &v
		}
		runtime.GC()
		for i := range s {
			if *s[i].p != i {
				t.Fatalf("Zeroed(%d)[%d] lost its pointer across a collection", n, i)
			}
		}
	}
}

func TestResizeKeepsArray(t *testing.T) {
	s := Resize[int32](nil, 100)
	if len(s) != 100 || cap(s) < 100 {
		t.Fatalf("Resize(nil, 100): len %d cap %d", len(s), cap(s))
	}
	s[0] = 5
	if r := Resize(s, 50); &r[0] != &s[0] || r[0] != 5 || len(r) != 50 {
		t.Fatalf("Resize to a smaller length did not reuse the array")
	}
}

func TestCleared(t *testing.T) {
	s := Cleared[int32](nil, 10)
	if len(s) != 10 || cap(s) < 10 {
		t.Fatalf("Cleared(nil, 10): len %d cap %d", len(s), cap(s))
	}
	for i := range s {
		s[i] = int32(i + 1)
	}
	r := Cleared(s, 8)
	if &r[0] != &s[0] || len(r) != 8 {
		t.Fatalf("Cleared to a smaller length did not reuse the array")
	}
	for i, x := range r {
		if x != 0 {
			t.Fatalf("Cleared left r[%d] = %d", i, x)
		}
	}
}
