package runtime

// flushICache makes the code just written at [addr, addr+n) executable
// coherently: arm64 instruction fetch does not snoop data writes, and Go
// has no API for the cache maintenance (docs/abi.md).
//
//go:noescape
func flushICache(addr, n uintptr)
