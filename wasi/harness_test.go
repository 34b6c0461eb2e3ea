package wasi

import (
	"context"
	"encoding/binary"
	"testing"
)

// harness calls WASI functions by name with raw arguments and inspects
// the caller's memory (one 64 KiB page). On amd64 the calls go through a
// compiled WAT guest (harness_amd64_test.go); elsewhere, where wasmc
// cannot run code yet, straight to the host functions.
type harness struct {
	t    *testing.T
	call func(name string, args ...uint64) Errno
	mem  func() []byte
	s    *state
}

const memSize = 1 << 16

// direct calls the host functions of s on a Go byte slice.
func direct(t *testing.T, s *state) *harness {
	m := make([]byte, memSize)
	byName := map[string]function{}
	for _, f := range functions {
		byName[f.name] = f
	}
	h := &harness{t: t, s: s, mem: func() []byte { return m }}
	h.call = func(name string, args ...uint64) Errno {
		f, ok := byName[name]
		if !ok {
			t.Fatalf("no WASI function %s", name)
		}
		if len(args) != len(f.params) {
			t.Fatalf("%s takes %d arguments, got %d", name, len(f.params), len(args))
		}
		stack := append(args, 0)
		if f.raw != nil {
			f.raw(context.Background(), s, stack)
			return 0
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.invoke(context.Background(), m, f.fn, stack)
	}
	return h
}

func (h *harness) ok(name string, args ...uint64) {
	h.t.Helper()
	if e := h.call(name, args...); e != ErrnoSuccess {
		h.t.Fatalf("%s: errno %d", name, e)
	}
}

func (h *harness) expect(want Errno, name string, args ...uint64) {
	h.t.Helper()
	if e := h.call(name, args...); e != want {
		h.t.Fatalf("%s: errno %d, want %d", name, e, want)
	}
}

func (h *harness) put(off uint32, b []byte) { copy(h.mem()[off:], b) }

// str writes s at off and returns its pointer and length as arguments.
func (h *harness) str(off uint32, s string) (uint64, uint64) {
	h.put(off, []byte(s))
	return uint64(off), uint64(len(s))
}

func (h *harness) bytes(off, n uint32) []byte {
	return append([]byte(nil), h.mem()[off:off+n]...)
}
func (h *harness) u8(off uint32) uint8   { return h.mem()[off] }
func (h *harness) u16(off uint32) uint16 { return binary.LittleEndian.Uint16(h.mem()[off:]) }
func (h *harness) u32(off uint32) uint32 { return binary.LittleEndian.Uint32(h.mem()[off:]) }
func (h *harness) u64(off uint32) uint64 { return binary.LittleEndian.Uint64(h.mem()[off:]) }
func (h *harness) putU32(off, v uint32)  { binary.LittleEndian.PutUint32(h.mem()[off:], v) }
func (h *harness) putU64(off uint32, v uint64) {
	binary.LittleEndian.PutUint64(h.mem()[off:], v)
}

// iovec writes one iovec at off naming n bytes at buf.
func (h *harness) iovec(off, buf, n uint32) {
	h.putU32(off, buf)
	h.putU32(off+4, n)
}

// open opens path beneath dir with every right and returns the new fd.
func (h *harness) open(dir uint32, path string, oflags uint16, fdflags uint16) uint32 {
	h.t.Helper()
	p, n := h.str(60000, path)
	h.ok("path_open", uint64(dir), lookupSymlinkFollow, p, n, uint64(oflags), rightsAll, rightsAll, uint64(fdflags), 59996)
	return h.u32(59996)
}

// openErr is path_open returning only the errno.
func (h *harness) openErr(dir uint32, path string, lookup uint32, oflags uint16, rights uint64) Errno {
	p, n := h.str(60000, path)
	return h.call("path_open", uint64(dir), uint64(lookup), p, n, uint64(oflags), rights, rights, 0, 59996)
}

// newTestState makes a WASI state from cfg for a harness.
func newTestState(t *testing.T, cfg *Config) *state {
	t.Helper()
	s, err := newState(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.closeAll() })
	return s
}
