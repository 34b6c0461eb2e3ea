// Package bufs holds the buffer helper the compiler's stages share to
// reuse their per-function storage.
package bufs

// Resize returns s with length n, reusing its array when it is large
// enough (the contents are then whatever was there: callers clear what
// they read) and otherwise allocating with a quarter to spare.
func Resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}
