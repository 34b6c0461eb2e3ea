package wasi

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

const bad = 0xfffffff0 // a guest pointer out of range

func TestArgsEnviron(t *testing.T) {
	h := newHarness(t, &Config{Args: []string{"prog", "-test.v", ""}, Env: []string{"A=1", "PWD=/x"}})
	h.ok("args_sizes_get", 0, 4)
	if h.u32(0) != 3 || h.u32(4) != uint32(len("prog\x00-test.v\x00\x00")) {
		t.Fatalf("args_sizes_get: %d, %d", h.u32(0), h.u32(4))
	}
	h.ok("args_get", 100, 200)
	want := []string{"prog", "-test.v", ""}
	for i, w := range want {
		p := h.u32(100 + uint32(i)*4)
		if got := string(h.bytes(p, uint32(len(w)+1))); got != w+"\x00" {
			t.Errorf("argv[%d] = %q", i, got)
		}
	}
	h.ok("environ_sizes_get", 0, 4)
	if h.u32(0) != 2 || h.u32(4) != uint32(len("A=1\x00PWD=/x\x00")) {
		t.Fatalf("environ_sizes_get: %d, %d", h.u32(0), h.u32(4))
	}
	h.ok("environ_get", 100, 200)
	if string(h.bytes(200, 11)) != "A=1\x00PWD=/x\x00" || h.u32(104) != 204 {
		t.Errorf("environ_get wrote %q, pointers %d %d", h.bytes(200, 11), h.u32(100), h.u32(104))
	}
	h.expect(ErrnoFault, "args_get", bad, 200)
	h.expect(ErrnoFault, "args_get", 100, memSize-3)
	h.expect(ErrnoFault, "environ_sizes_get", 0, bad)
}

func TestClocksAndRandom(t *testing.T) {
	h := newHarness(t, &Config{
		Walltime: func() int64 { return 1_700_000_000_123_456_789 },
		Nanotime: func() int64 { return 42 },
		Rand:     bytes.NewReader([]byte("0123456789")),
	})
	h.ok("clock_time_get", clockRealtime, 1, 8)
	if h.u64(8) != 1_700_000_000_123_456_789 {
		t.Errorf("realtime %d", h.u64(8))
	}
	h.ok("clock_time_get", clockMonotonic, 1, 8)
	if h.u64(8) != 42 {
		t.Errorf("monotonic %d", h.u64(8))
	}
	for _, id := range []uint64{clockProcessCPU, clockThreadCPU} {
		h.ok("clock_time_get", id, 1, 8)
		h.ok("clock_res_get", id, 8)
		if h.u64(8) == 0 {
			t.Errorf("clock %d: resolution 0", id)
		}
	}
	h.ok("clock_res_get", clockMonotonic, 8)
	if r := h.u64(8); r == 0 || r > uint64(time.Millisecond) {
		t.Errorf("monotonic resolution %d", r)
	}
	h.expect(ErrnoInval, "clock_time_get", 4, 1, 8)
	h.expect(ErrnoInval, "clock_res_get", 99, 8)
	h.expect(ErrnoFault, "clock_time_get", clockRealtime, 1, memSize-4)

	h.ok("random_get", 16, 4)
	h.ok("random_get", 20, 3)
	if got := string(h.bytes(16, 7)); got != "0123456" {
		t.Errorf("random_get wrote %q", got)
	}
	h.expect(ErrnoFault, "random_get", memSize-2, 3)
	h.expect(ErrnoIo, "random_get", 16, 10) // the source ran dry

	h2 := newHarness(t, nil)
	h2.ok("random_get", 0, 64)
	if bytes.Equal(h2.bytes(0, 64), make([]byte, 64)) {
		t.Error("random_get from crypto/rand wrote zeros")
	}
}

func TestStdio(t *testing.T) {
	var out, errOut bytes.Buffer
	h := newHarness(t, &Config{Stdin: strings.NewReader("hello, world"), Stdout: &out, Stderr: &errOut})
	// fd_write gathers two buffers.
	h.put(100, []byte("abcdef"))
	h.iovec(0, 100, 3)
	h.iovec(8, 103, 3)
	h.ok("fd_write", 1, 0, 2, 16)
	if out.String() != "abcdef" || h.u32(16) != 6 {
		t.Errorf("stdout %q, nwritten %d", out.String(), h.u32(16))
	}
	h.iovec(0, 100, 2)
	h.ok("fd_write", 2, 0, 1, 16)
	if errOut.String() != "ab" {
		t.Errorf("stderr %q", errOut.String())
	}
	// fd_read scatters into two buffers.
	h.iovec(0, 200, 5)
	h.iovec(8, 300, 100)
	h.ok("fd_read", 0, 0, 2, 16)
	if h.u32(16) != 12 || string(h.bytes(200, 5)) != "hello" || string(h.bytes(300, 7)) != ", world" {
		t.Errorf("fd_read: %d bytes, %q %q", h.u32(16), h.bytes(200, 5), h.bytes(300, 7))
	}
	h.ok("fd_read", 0, 0, 2, 16)
	if h.u32(16) != 0 {
		t.Errorf("fd_read at EOF: %d bytes", h.u32(16))
	}
	// Streams do not seek; the wrong direction lacks the right.
	h.expect(ErrnoSpipe, "fd_seek", 1, 0, 0, 16)
	h.expect(ErrnoSpipe, "fd_tell", 1, 16)
	h.expect(ErrnoNotcapable, "fd_read", 1, 0, 1, 16)
	h.expect(ErrnoNotcapable, "fd_write", 0, 0, 1, 16)
	h.expect(ErrnoBadf, "fd_write", 9, 0, 1, 16)
	h.expect(ErrnoFault, "fd_write", 1, bad, 1, 16)
	h.expect(ErrnoFault, "fd_write", 1, 0, 0x20000000, 16)
	h.expect(ErrnoFault, "fd_write", 1, 0, 1, bad)
	h.iovec(0, memSize-2, 4)
	h.expect(ErrnoFault, "fd_write", 1, 0, 1, 16)

	h.ok("fd_fdstat_get", 1, 64)
	if h.u8(64) != filetypeCharacterDevice || h.u64(72)&rightFdWrite == 0 || h.u64(72)&(rightFdSeek|rightFdTell) != 0 {
		t.Errorf("stdout fdstat: type %d rights %#x", h.u8(64), h.u64(72))
	}
	h.ok("fd_fdstat_set_flags", 1, fdflagNonblock)
	h.ok("fd_fdstat_get", 1, 64)
	if h.u16(66) != fdflagNonblock {
		t.Errorf("stdout flags %d after set_flags", h.u16(66))
	}
	h.ok("fd_filestat_get", 1, 64)
	if h.u8(64+16) != filetypeCharacterDevice {
		t.Errorf("stdout filestat type %d", h.u8(64+16))
	}
	// Dropping rights is allowed, regaining them is not.
	h.ok("fd_fdstat_set_rights", 2, rightFdFdstatSetFlags|rightFdFilestatGet, 0)
	h.expect(ErrnoNotcapable, "fd_write", 2, 0, 1, 16)
	h.expect(ErrnoNotcapable, "fd_fdstat_set_rights", 2, rightFdWrite, 0)
}

func TestProcSchedSock(t *testing.T) {
	h := newHarness(t, nil)
	h.expect(ErrnoNosys, "proc_raise", 6)
	h.ok("sched_yield")
	h.expect(ErrnoBadf, "sock_accept", 1, 0, 16)
	h.expect(ErrnoBadf, "sock_recv", 0, 0, 0, 0, 16, 20)
	h.expect(ErrnoBadf, "sock_send", 1, 0, 0, 0, 16)
	h.expect(ErrnoBadf, "sock_shutdown", 1, 3)
}

func TestPollOneoff(t *testing.T) {
	var slept []time.Duration
	now := int64(1000)
	var out bytes.Buffer
	h := newHarness(t, &Config{
		Stdout:   &out,
		Nanotime: func() int64 { return now },
		Sleep:    func(_ context.Context, d time.Duration) { slept = append(slept, d); now += int64(d) },
	})
	sub := func(i uint32, userdata uint64, typ uint8, a uint32, timeout uint64, flags uint16) {
		o := 1000 + i*sizeSubscription
		clear(h.mem()[o : o+sizeSubscription])
		h.putU64(o, userdata)
		h.mem()[o+8] = typ
		h.putU32(o+16, a)
		h.putU64(o+24, timeout)
		binary16(h.mem()[o+40:], flags)
	}
	// Two relative clocks: only the earlier fires, after sleeping for it.
	sub(0, 11, eventClock, clockMonotonic, 5000, 0)
	sub(1, 22, eventClock, clockMonotonic, 9000, 0)
	h.ok("poll_oneoff", 1000, 2000, 2, 16)
	if h.u32(16) != 1 || h.u64(2000) != 11 || h.u16(2008) != 0 || h.u8(2010) != eventClock {
		t.Errorf("clock events: n=%d userdata=%d errno=%d type=%d", h.u32(16), h.u64(2000), h.u16(2008), h.u8(2010))
	}
	if len(slept) != 1 || slept[0] != 5000 {
		t.Errorf("slept %v, want [5µs]", slept)
	}
	// An absolute deadline in the past fires without sleeping.
	sub(0, 33, eventClock, clockMonotonic, uint64(now-1), 1)
	h.ok("poll_oneoff", 1000, 2000, 1, 16)
	if h.u32(16) != 1 || h.u64(2000) != 33 || len(slept) != 1 {
		t.Errorf("abstime event: n=%d userdata=%d slept %v", h.u32(16), h.u64(2000), slept)
	}
	// A ready descriptor wins over a clock; a closed one reports EBADF.
	sub(0, 44, eventClock, clockMonotonic, 1e9, 0)
	sub(1, 55, eventFdWrite, 1, 0, 0)
	sub(2, 66, eventFdRead, 77, 0, 0)
	h.ok("poll_oneoff", 1000, 2000, 3, 16)
	if h.u32(16) != 2 || h.u64(2000) != 55 || h.u8(2010) != eventFdWrite || h.u64(2032) != 66 || h.u16(2040) != uint16(ErrnoBadf) {
		t.Errorf("fd events: n=%d first=%d/%d second=%d/%d", h.u32(16), h.u64(2000), h.u8(2010), h.u64(2032), h.u16(2040))
	}
	if len(slept) != 1 {
		t.Errorf("slept with a ready descriptor: %v", slept)
	}
	// Stdin that is not a host file is ready at once.
	sub(0, 88, eventFdRead, 0, 0, 0)
	h.ok("poll_oneoff", 1000, 2000, 1, 16)
	if h.u32(16) != 1 || h.u64(2000) != 88 {
		t.Errorf("stdin event: n=%d userdata=%d", h.u32(16), h.u64(2000))
	}
	sub(0, 99, 7, 0, 0, 0)
	h.ok("poll_oneoff", 1000, 2000, 1, 16)
	if h.u16(2008) != uint16(ErrnoInval) {
		t.Errorf("unknown event type: errno %d", h.u16(2008))
	}
	h.expect(ErrnoInval, "poll_oneoff", 1000, 2000, 0, 16)
	h.expect(ErrnoFault, "poll_oneoff", memSize-40, 2000, 1, 16)
	h.expect(ErrnoFault, "poll_oneoff", 1000, memSize-8, 1, 16)
	h.expect(ErrnoFault, "poll_oneoff", 1000, 2000, 1<<30, 16)
}

func binary16(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
