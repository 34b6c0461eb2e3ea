package stackswitch

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/wasmc/wasmc/runtime/abi"
)

func TestReturn(t *testing.T) {
	a := newAsm()
	a.label("shim").ctxLoad(rax, abi.ExecArgs).incRAX().ctxStore(rax, abi.ExecArgs).ret()
	code := a.mapBlob(t)
	c := newTestCtx(t, 64<<10)
	c.set(abi.ExecArgs, 41)
	c.set(abi.ExecStatus, 0xffffffff)
	Enter(c.ptr(), a.addr(code, "shim"))
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != 42 {
		t.Fatalf("status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
}

//go:noinline
func zeroed() [16]uint64 {
	var x [16]uint64 // zeroed through X15 by the compiler
	return x
}

func TestClobberAllRegisters(t *testing.T) {
	a := newAsm()
	a.label("shim")
	for r := byte(0); r < 16; r++ {
		if r != rsp {
			a.movImm(r, 0x5555555555555555+uint64(r))
		}
	}
	for x := byte(0); x < 16; x++ { // pcmpeqd xmmX, xmmX: all ones
		rex := byte(0x40)
		if x >= 8 {
			rex |= 0x5
		}
		a.emit(0x66, rex, 0x0f, 0x76, 0xc0|(x&7)<<3|x&7)
	}
	a.ret()
	code := a.mapBlob(t)
	c := newTestCtx(t, 64<<10)
	for i := 0; i < 100; i++ {
		Enter(c.ptr(), a.addr(code, "shim"))
		if z := zeroed(); z != [16]uint64{} {
			t.Fatalf("X15 not restored: %v", z)
		}
		s := make([]byte, 1<<10) // needs g (R14) and the allocator
		_ = s
	}
	runtime.GC()
	if c.status() != abi.StatusDone {
		t.Fatal(c.status())
	}
}

// hostCallBlob exits with StatusHostCall 7 and, once resumed, increments
// argument slot 0 and returns.
func hostCallBlob(t *testing.T) (*asm, []byte) {
	a := newAsm()
	a.label("shim").pushRBP().
		ctxStore32(abi.ExecStatus, int32(abi.StatusHostCall)).ctxStore32(abi.ExecCallIndex, 7).
		call("exit").
		ctxLoad(rax, abi.ExecArgs).incRAX().ctxStore(rax, abi.ExecArgs).popRBP().ret()
	a.exitStub()
	return a, a.mapBlob(t)
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
	a, code := hostCallBlob(t)
	c := newTestCtx(t, 64<<10)
	Enter(c.ptr(), a.addr(code, "shim"))
	if c.status() != abi.StatusHostCall || c.get32(abi.ExecCallIndex) != 7 {
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
	a, code := hostCallBlob(t)
	b := newAsm()
	b.label("shim").ctxLoad(rax, abi.ExecArgs).incRAX().ctxStore(rax, abi.ExecArgs).ret()
	code2 := b.mapBlob(t)
	c := newTestCtx(t, 64<<10)
	Enter(c.ptr(), a.addr(code, "shim"))
	if c.status() != abi.StatusHostCall {
		t.Fatal(c.status())
	}
	// A host function calling Wasm again: enter below the suspended frames.
	var saved [4]uint64
	for i := range saved {
		saved[i] = c.get(8 * i) // GoSP, GoBP, WasmSP, WasmBP
	}
	c.set(abi.ExecWasmSP, saved[2]&^15)
	c.set(abi.ExecArgs, 5)
	Enter(c.ptr(), b.addr(code2, "shim"))
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
	a := newAsm()
	a.label("shim").pushRBP().ctxStore32(abi.ExecStatus, int32(abi.StatusTrap)).
		ctxStore32(abi.ExecTrapCode, int32(abi.TrapUnreachable)).call("exit")
	a.emit(0x0f, 0x0b) // ud2: never resumed
	a.exitStub()
	code := a.mapBlob(t)
	c := newTestCtx(t, 64<<10)
	for i := 0; i < 3; i++ { // the abandoned stack is reused from its top
		c.set(abi.ExecWasmSP, c.top)
		Enter(c.ptr(), a.addr(code, "shim"))
		if c.status() != abi.StatusTrap || abi.TrapCode(c.get32(abi.ExecTrapCode)) != abi.TrapUnreachable {
			t.Fatalf("status %d code %d", c.status(), c.get32(abi.ExecTrapCode))
		}
	}
}

func TestDeepRecursion(t *testing.T) {
	const depth = 30000 // 16-byte frames: 480 KB of Wasm stack
	a := newAsm()
	a.label("shim").pushRBP().movImm(rax, 0).movImm(rcx, depth).call("rec").
		ctxStore(rax, abi.ExecArgs).popRBP().ret()
	a.label("rec").pushRBP().incRAX().decRCX().je("done").call("rec").label("done").popRBP().ret()
	code := a.mapBlob(t)
	c := newTestCtx(t, 1<<20)
	Enter(c.ptr(), a.addr(code, "shim"))
	if c.status() != abi.StatusDone || c.get(abi.ExecArgs) != depth {
		t.Fatalf("status %d, result %d", c.status(), c.get(abi.ExecArgs))
	}
}

// TestSpinDoesNotBlockGo runs a Wasm loop that only polls the interrupt
// word for 2 s while GC runs ten times and a 1 ms ticker keeps ticking,
// then interrupts it. The bounds are wall-clock ones on a possibly loaded
// machine, so a failing measurement is repeated (at most three times).
func TestSpinDoesNotBlockGo(t *testing.T) {
	a := newAsm()
	a.label("shim").pushRBP().label("loop").ctxCmp32Zero(abi.ExecInterrupt).je("loop").
		ctxStore32(abi.ExecStatus, int32(abi.StatusTrap)).
		ctxStore32(abi.ExecTrapCode, int32(abi.TrapInterrupted)).call("exit")
	a.exitStub()
	code := a.mapBlob(t)
	for attempt := 1; ; attempt++ {
		c := newTestCtx(t, 64<<10)
		gcTime, late, stop := spinWhileGoRuns(c, a.addr(code, "shim"))
		if c.status() != abi.StatusTrap || abi.TrapCode(c.get32(abi.ExecTrapCode)) != abi.TrapInterrupted {
			t.Fatalf("status %d code %d", c.status(), c.get32(abi.ExecTrapCode))
		}
		t.Logf("10 GCs in %v, worst tick lateness %v, stop latency %v", gcTime, late, stop)
		if gcTime < time.Second && late <= 50*time.Millisecond && stop <= 10*time.Millisecond {
			return
		}
		if attempt == 3 {
			t.Fatalf("Go was blocked: GC %v, tick lateness %v, stop %v", gcTime, late, stop)
		}
	}
}

func spinWhileGoRuns(c *testCtx, shim uintptr) (gcTime, late, stop time.Duration) {
	done := make(chan time.Time)
	go func() {
		Enter(c.ptr(), shim)
		done <- time.Now()
	}()
	time.Sleep(10 * time.Millisecond)

	var worst atomic.Int64
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
				if d := now.Sub(last); d > time.Duration(worst.Load()) {
					worst.Store(int64(d))
				}
				last = now
			}
		}
	}()
	start := time.Now()
	for i := 0; i < 10; i++ {
		runtime.GC()
	}
	gcTime = time.Since(start)
	time.Sleep(2*time.Second - gcTime)
	close(stopTick)
	<-tickDone

	at := time.Now()
	atomic.StoreUint32((*uint32)(unsafe.Add(c.ptr(), abi.ExecInterrupt)), 1)
	stopped := <-done
	return gcTime, time.Duration(worst.Load()) - time.Millisecond, stopped.Sub(at)
}
