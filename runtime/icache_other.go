//go:build !arm64

package runtime

// flushICache is a no-op: other architectures keep instruction fetch
// coherent with data writes (amd64) or cannot run code yet.
func flushICache(addr, n uintptr) {}
