// Package bufs holds the buffer helper the compiler's stages share to
// reuse their per-function storage.
package bufs

import "unsafe"

// Resize returns s with length n, reusing its array when it is large
// enough (the contents are then whatever was there: callers clear what
// they read) and otherwise allocating with a quarter to spare.
func Resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return ZeroedCap[T](n, n+n/4)
	}
	return s[:n]
}

// Cleared is Resize with every element zero: a reused array is cleared,
// a new one is zero already.
func Cleared[T any](s []T, n int) []T {
	if cap(s) < n {
		return ZeroedCap[T](n, n+n/4)
	}
	s = s[:n]
	clear(s)
	return s
}

// Zeroed returns a new slice of n zero elements whose memory has been
// written. Go hands a large allocation from fresh pages over untouched; a
// table probed, or a pointer slot overwritten while the collector runs
// (its write barrier reads the old pointer), before the page is written
// then takes two page faults: a read that maps the kernel's zero page and
// a write that replaces it, and the replacement interrupts every other
// core running the compiler to flush its TLB. Writing first takes one
// fault and no interrupt.
func Zeroed[T any](n int) []T { return ZeroedCap[T](n, n) }

// ZeroedCap is Zeroed with capacity c: the n elements are written, the
// rest of the array is left to whoever grows into it (pages never used
// are never touched).
func ZeroedCap[T any](n, c int) []T {
	s := make([]T, n, c)
	if n > 0 {
		// Cleared as bytes: clearing Ts that hold pointers would read
		// them for the write barrier first. The array is new, so every
		// pointer in it is already nil and there is nothing to shade.
		var t T
		clear(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), uintptr(n)*unsafe.Sizeof(t)))
	}
	return s
}
