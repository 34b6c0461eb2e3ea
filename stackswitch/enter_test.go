//go:build amd64 || arm64

package stackswitch

import (
	"encoding/binary"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/wasmc/wasmc/runtime/abi"
)

// The tests run hand-assembled blobs that follow docs/abi.md; each
// architecture's blob_*_test.go builds them:
//   - incShim: ExecArgs[0]++ and return;
//   - clobberShim: overwrite every register Wasm may use, and return;
//   - hostCallShim: exit with StatusBuiltin 7, then ExecArgs[0]++ and return;
//   - callbackShim: call the host-call trampoline (ExecCallback), then
//     ExecArgs[0]++ and return;
//   - trapShim: exit with StatusTrap/TrapUnreachable, never resumed;
//   - recurseShim: recurse depth times, ExecArgs[0] = depth;
//   - spinShim: loop forever, checking the goroutine's preemption word as
//     compiled code does and exiting with StatusYield when it asks.

func TestReturn(t *testing.T) {
	shim := incShim(t)
	c := newTestCtx(t, 64<<10)
	c.set(abi.ExecArgs, 41)
	c.set(abi.ExecStatus, 0xffffffff)
	Enter(c.ptr(), shim)
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != 42 {
		t.Fatalf("status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
}

func TestClobberAllRegisters(t *testing.T) {
	shim := clobberShim(t)
	c := newTestCtx(t, 64<<10)
	for i := 0; i < 100; i++ {
		Enter(c.ptr(), shim)
		checkABIRegisters(t)
		s := make([]byte, 1<<10) // needs g and the allocator
		_ = s
	}
	runtime.GC()
	if c.status() != abi.StatusDone {
		t.Fatal(c.status())
	}
}

//go:noinline
func growStack(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return growStack(n-1) + int(pad[n%256]&1)
}

func TestExitAndResume(t *testing.T) {
	shim := hostCallShim(t)
	c := newTestCtx(t, 64<<10)
	Enter(c.ptr(), shim)
	if c.status() != abi.StatusBuiltin || c.get32(abi.ExecCallIndex) != 7 {
		t.Fatalf("status %d index %d", c.status(), c.get32(abi.ExecCallIndex))
	}
	goSP := c.get(abi.ExecGoSP)
	growStack(2000) // moves the goroutine stack before resuming
	c.set(abi.ExecArgs, 99)
	Resume(c.ptr())
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != 100 {
		t.Fatalf("status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
	if c.get(abi.ExecGoSP) == goSP {
		t.Log("goroutine stack did not move")
	}
}

func TestNestedEntry(t *testing.T) {
	shim, shim2 := hostCallShim(t), incShim(t)
	c := newTestCtx(t, 64<<10)
	Enter(c.ptr(), shim)
	if c.status() != abi.StatusBuiltin {
		t.Fatal(c.status())
	}
	// A host function calling Wasm again: enter below the suspended frames.
	var saved [4]uint64
	for i := range saved {
		saved[i] = c.get(8 * i) // GoSP, GoBP, WasmSP, WasmBP
	}
	c.set(abi.ExecWasmSP, saved[2]&^15)
	c.set(abi.ExecArgs, 5)
	Enter(c.ptr(), shim2)
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != 6 {
		t.Fatalf("nested: status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
	for i := range saved {
		c.set(8*i, saved[i])
	}
	Resume(c.ptr())
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != 7 {
		t.Fatalf("status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
}

func TestTrap(t *testing.T) {
	shim := trapShim(t)
	c := newTestCtx(t, 64<<10)
	for i := 0; i < 3; i++ { // the abandoned stack is reused from its top
		c.set(abi.ExecWasmSP, c.top)
		Enter(c.ptr(), shim)
		if c.status() != abi.StatusTrap || abi.TrapCode(c.get32(abi.ExecTrapCode)) != abi.TrapUnreachable {
			t.Fatalf("status %d code %d", c.status(), c.get32(abi.ExecTrapCode))
		}
	}
}

func TestDeepRecursion(t *testing.T) {
	const depth = 30000 // 16-byte frames: 480 KB of Wasm stack
	shim := recurseShim(t, depth)
	c := newTestCtx(t, 1<<20)
	Enter(c.ptr(), shim)
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != depth {
		t.Fatalf("status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
}

// preemptImm is abi.PreemptRequest as the sign-extended imm32 of a compare.
const preemptImm = int32(int64(abi.PreemptRequest - 1<<64))

// TestSpinDoesNotBlockGo runs a Wasm loop that only checks its preemption
// word for 2 s while GC runs ten times and a 1 ms ticker keeps ticking,
// then stops it the way a cancellation does. The Go side serves yields as
// the runtime package does (Yield, Resume). It checks progress, not
// timing: GC completes, the ticker ticks, Wasm yields and stops; the
// times, which depend on the machine's load, are logged.
func TestSpinDoesNotBlockGo(t *testing.T) {
	shim := spinShim(t)
	c := newTestCtx(t, 64<<10)
	r := spinWhileGoRuns(t, c, shim)
	t.Logf("10 GCs in %v, %d ticks, worst tick lateness %v, stop latency %v, %d yields",
		r.gcTime, r.ticks, r.late, r.stop, r.yields)
	if c.status() != abi.StatusYield {
		t.Fatalf("status %d", c.status())
	}
	if r.yields == 0 || r.ticks < 10 {
		t.Fatalf("Go was blocked: %d yields, %d ticks", r.yields, r.ticks)
	}
}

type spinResult struct {
	gcTime, late, stop time.Duration
	ticks, yields      int
}

func spinWhileGoRuns(t *testing.T, c *testCtx, shim uintptr) (r spinResult) {
	done := make(chan time.Time)
	yields := 0
	stopFlag := (*uint32)(unsafe.Add(c.ptr(), abi.ExecInterrupt))
	go func() {
		Enter(c.ptr(), shim)
		for c.status() == abi.StatusYield && atomic.LoadUint32(stopFlag) == 0 {
			yields++
			Yield()
			Resume(c.ptr())
		}
		done <- time.Now()
	}()
	time.Sleep(10 * time.Millisecond)

	var worst atomic.Int64
	var ticks atomic.Int32
	stopTick := make(chan struct{})
	tickDone := make(chan struct{})
	go func() {
		defer close(tickDone)
		tk := time.NewTicker(time.Millisecond)
		defer tk.Stop()
		last := time.Now()
		for {
			select {
			case <-stopTick:
				return
			case now := <-tk.C:
				ticks.Add(1)
				if d := now.Sub(last); d > time.Duration(worst.Load()) {
					worst.Store(int64(d))
				}
				last = now
			}
		}
	}()
	start := time.Now()
	gcDone := make(chan struct{})
	go func() {
		for i := 0; i < 10; i++ {
			runtime.GC()
		}
		close(gcDone)
	}()
	// A liveness check, not a timing one: on a loaded machine ten GCs can
	// take seconds even beside a pure Go loop.
	select {
	case <-gcDone:
	case <-time.After(60 * time.Second):
		stopSpin(c, stopFlag, done)
		t.Fatal("GC did not complete while Wasm looped")
	}
	r.gcTime = time.Since(start)
	time.Sleep(2*time.Second - r.gcTime)
	close(stopTick)
	<-tickDone

	// Stop as a cancellation does: flag, then a preemption request to the
	// spinning goroutine, repeated in case Go code cleared it.
	at := time.Now()
	atomic.StoreUint32(stopFlag, 1)
	guard := *(*unsafe.Pointer)(unsafe.Add(c.ptr(), abi.ExecPreempt))
	for deadline := time.After(10 * time.Second); ; {
		atomic.StoreUintptr((*uintptr)(guard), abi.PreemptRequest)
		select {
		case stopped := <-done:
			r.late, r.stop = time.Duration(worst.Load())-time.Millisecond, stopped.Sub(at)
			r.ticks, r.yields = int(ticks.Load()), yields
			return r
		case <-deadline:
			t.Fatal("the preemption request did not stop the loop")
		case <-time.After(time.Millisecond):
		}
	}
}

// stopSpin stops the spinning loop before a failing test unmaps its code:
// flag, then preemption requests until it has returned.
func stopSpin(c *testCtx, stopFlag *uint32, done chan time.Time) {
	atomic.StoreUint32(stopFlag, 1)
	guard := *(*unsafe.Pointer)(unsafe.Add(c.ptr(), abi.ExecPreempt))
	for {
		atomic.StoreUintptr((*uintptr)(guard), abi.PreemptRequest)
		select {
		case <-done:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// mapCode maps code read-only and executable and returns its address.
func mapCode(t testing.TB, code []byte) uintptr {
	t.Helper()
	m, err := unix.Mmap(-1, 0, len(code), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	copy(m, code)
	if err := unix.Mprotect(m, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(m) })
	return uintptr(unsafe.Pointer(&m[0]))
}

// testCtx is an ExecCtx block above a Wasm stack with a guard page.
type testCtx struct {
	mem   []byte
	block []byte
	top   uint64
}

func newTestCtx(t testing.TB, stack int) *testCtx {
	t.Helper()
	guard := unix.Getpagesize()
	m, err := unix.Mmap(-1, 0, guard+stack+abi.ExecCtxSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Mprotect(m[:guard], unix.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(m) })
	c := &testCtx{mem: m, block: m[guard+stack:]}
	c.top = uint64(uintptr(unsafe.Pointer(&c.block[0])))
	c.set(abi.ExecWasmSP, c.top)
	return c
}

func (c *testCtx) ptr() unsafe.Pointer   { return unsafe.Pointer(&c.block[0]) }
func (c *testCtx) get(off int) uint64    { return binary.LittleEndian.Uint64(c.block[off:]) }
func (c *testCtx) set(off int, v uint64) { binary.LittleEndian.PutUint64(c.block[off:], v) }
func (c *testCtx) get32(off int) uint32  { return binary.LittleEndian.Uint32(c.block[off:]) }
func (c *testCtx) status() abi.Status    { return abi.Status(c.get32(abi.ExecStatus)) }

// TestCheckRuntime: this Go runtime has the goroutine layout compiled code
// reads, and GuardAddr points at the running goroutine's stack guard.
func TestCheckRuntime(t *testing.T) {
	if err := CheckRuntime(); err != nil {
		t.Fatal(err)
	}
	var local int
	guard := *(*uintptr)(unsafe.Add(currentG(), GuardAddr()-uintptr(currentG())))
	if sp := uintptr(unsafe.Pointer(&local)); guard >= sp && guard != abi.PreemptRequest {
		t.Fatalf("stack guard %#x is not below SP %#x", guard, sp)
	}
}

// TestYieldServesRequest: Yield answers a request standing in the guard
// word through Go's preemption path, which resets the guard; a nosplit or
// inlined Yield would leave the request there.
func TestYieldServesRequest(t *testing.T) {
	guard := (*uintptr)(unsafe.Add(currentG(), GuardAddr()-uintptr(currentG())))
	for i := 0; i < 100; i++ {
		atomic.StoreUintptr(guard, abi.PreemptRequest)
		Yield()
		if g := atomic.LoadUintptr(guard); g == abi.PreemptRequest {
			t.Fatalf("round %d: the request is still pending after Yield", i)
		}
	}
}

// BenchmarkHostRoundTrip is the trampolines' share of a host call: Enter,
// an exit (StatusBuiltin), Resume, and the return.
func BenchmarkHostRoundTrip(b *testing.B) {
	shim := hostCallShim(b)
	c := newTestCtx(b, 64<<10)
	for b.Loop() {
		Enter(c.ptr(), shim)
		Resume(c.ptr())
		c.set(abi.ExecWasmSP, c.top) // an exit leaves WasmSP at its frame
	}
	if c.status() != abi.StatusDone {
		b.Fatalf("status %d", c.status())
	}
}

// TestHostCallback runs a host call through the callback trampoline: the
// handler runs on this goroutine below Enter, grows (moves) the Go stack
// and collects garbage, and the shim continues after it; a handler that
// reports failure makes Enter return with the Wasm stack abandoned.
func TestHostCallback(t *testing.T) {
	shim := callbackShim(t)
	c := newTestCtx(t, 64<<10)
	defer SetHostHandler(handler)
	calls := 0
	c.set(abi.ExecCallback, uint64(SetHostHandler(func(ec unsafe.Pointer) bool {
		calls++
		if ec != c.ptr() {
			t.Errorf("handler got ExecCtx %p, want %p", ec, c.ptr())
		}
		growStack(1000) // 256 KiB of frames
		runtime.GC()
		return false
	})))
	c.set(abi.ExecArgs, 41)
	Enter(c.ptr(), shim)
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != 42 || calls != 1 {
		t.Fatalf("status %d, result %d, %d calls", c.status(), c.get(abi.ExecArgs), calls)
	}
	SetHostHandler(func(ec unsafe.Pointer) bool {
		*(*uint32)(unsafe.Add(ec, abi.ExecStatus)) = uint32(abi.StatusTrap)
		return true
	})
	c.set(abi.ExecWasmSP, c.top)
	Enter(c.ptr(), shim)
	if c.status() != abi.StatusTrap || c.get(abi.ExecArgs) != 42 {
		t.Fatalf("abandoned: status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
}

// BenchmarkHostCallback is the trampolines' share of a host call through
// the callback: Enter, the callback to an empty handler, and the return.
func BenchmarkHostCallback(b *testing.B) {
	shim := callbackShim(b)
	c := newTestCtx(b, 64<<10)
	defer SetHostHandler(handler)
	c.set(abi.ExecCallback, uint64(SetHostHandler(func(unsafe.Pointer) bool { return false })))
	for b.Loop() {
		Enter(c.ptr(), shim)
		c.set(abi.ExecWasmSP, c.top) // a callback leaves WasmSP at its frame
	}
	if c.status() != abi.StatusDone {
		b.Fatalf("status %d", c.status())
	}
}
