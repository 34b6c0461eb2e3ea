package runtime

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/wasmc/wasmc/backend"
)

var pageSize = unix.Getpagesize()

func roundPage(n uint64) uint64 {
	p := uint64(pageSize)
	return (n + p - 1) &^ (p - 1)
}

// mapRW maps n bytes (rounded up to pages) readable and writable.
func mapRW(n uint64) ([]byte, error) {
	b, err := unix.Mmap(-1, 0, int(roundPage(n)), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, fmt.Errorf("mmap %d bytes: %w", n, err)
	}
	return b, nil
}

// reserve maps n bytes with no access and no swap reservation: address
// space only, committed later with commit.
func reserve(n uint64) ([]byte, error) {
	b, err := unix.Mmap(-1, 0, int(roundPage(n)), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("reserve %d bytes: %w", n, err)
	}
	return b, nil
}

// commit makes b[from:to] (page-rounded) readable and writable.
func commit(b []byte, from, to uint64) error {
	from &^= uint64(pageSize) - 1
	to = roundPage(to)
	if to > uint64(len(b)) {
		to = uint64(len(b))
	}
	if from >= to {
		return nil
	}
	return unix.Mprotect(b[from:to], unix.PROT_READ|unix.PROT_WRITE)
}

// mapCode copies code into a fresh mapping that ends up read-only and
// executable; it is never writable and executable at once. The copy's
// jumps in skips are retargeted past their checks (applySkips).
func mapCode(code []byte, skips []backend.CheckSkip) ([]byte, error) {
	n := uint64(len(code))
	if n == 0 {
		n = 1
	}
	b, err := mapRW(n)
	if err != nil {
		return nil, err
	}
	copy(b, code)
	applySkips(b, skips)
	if err := unix.Mprotect(b, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		unix.Munmap(b)
		return nil, fmt.Errorf("mprotect code: %w", err)
	}
	flushICache(addrOf(b), uintptr(len(code)))
	return b, nil
}

// remapNone replaces the pages of b with fresh PROT_NONE zero pages, in
// place.
func remapNone(b []byte) error {
	_, _, e := unix.Syscall6(unix.SYS_MMAP, addrOf(b), uintptr(len(b)), unix.PROT_NONE,
		unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_FIXED|unix.MAP_NORESERVE, ^uintptr(0), 0)
	if e != 0 {
		return e
	}
	return nil
}

func unmap(b []byte) {
	if len(b) > 0 {
		unix.Munmap(b)
	}
}

func addrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// Little-endian accessors for mmap'd blocks (vmctx, records, ExecCtx).
func load64(b []byte, off uint32) uint64 { return *(*uint64)(unsafe.Pointer(&b[off])) }
func store64(b []byte, off uint32, v uint64) {
	*(*uint64)(unsafe.Pointer(&b[off])) = v
}
func load32(b []byte, off uint32) uint32 { return *(*uint32)(unsafe.Pointer(&b[off])) }
func store32(b []byte, off uint32, v uint32) {
	*(*uint32)(unsafe.Pointer(&b[off])) = v
}
