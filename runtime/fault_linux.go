//go:build linux && (amd64 || arm64)

package runtime

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/wasmc/wasmc/runtime/abi"
)

// Guard-page bounds checks (docs/abi.md, "Bounds checks"): compiled code
// accesses 32-bit memories without checks, every such memory reserves
// guardReservation bytes, and an access beyond its length faults. The
// SIGSEGV/SIGBUS handler (fault_linux_*.s) turns a fault whose PC lies in
// compiled code into a trap, and hands every other signal to the handler
// the Go runtime installed, with the registers it received.

// Constants for the assembly (go_asm.h).
const (
	faultExecTrapCode   = abi.ExecTrapCode
	faultExecStatus     = abi.ExecStatus
	faultExecTrapPC     = abi.ExecTrapPC
	faultExecTrapFP     = abi.ExecTrapFP
	faultExecVMCtx      = abi.ExecVMCtx
	faultExecGoSP       = abi.ExecGoSP
	faultExecGoBP       = abi.ExecGoBP
	faultExecWasmSP     = abi.ExecWasmSP
	faultExecWasmBP     = abi.ExecWasmBP
	faultExecStackLimit = abi.ExecStackLimit
	faultStatusTrap     = uint32(abi.StatusTrap)
	faultTrapMemory     = uint32(abi.TrapOutOfBoundsMemory)
	faultTrapStack      = uint32(abi.TrapStackOverflow)
	faultStackMargin    = stackMargin
	faultTabStride      = faultTabEntry
)

// The code-range table the handlers scan: faultTabCap entries of
// faultTabEntry bytes in an mmap'd block, each a module's code (start,
// end) and the end of its functions' code (funcEnd; the stubs follow the
// functions), which the preemption handler (fault_linux_amd64.s) needs.
// Writers (registerCode, unregisterCode, holding codeRegistry.mu) publish
// an entry by storing start, then funcEnd and end; they retire one by
// zeroing end and funcEnd first, so the handlers, which read without
// locks, never match a half-written entry (they need start <= pc < end,
// or < funcEnd). faultTabLen only grows: it is the high-water mark of
// used slots.
var (
	faultTab     uintptr
	faultTabLen  uint64
	faultTabFree []uint64 // retired slot indices, for reuse
	faultTabMem  []byte   // the block at faultTab
)

const (
	faultTabCap   = 1 << 20 // 32 MiB of address space, touched as used
	faultTabEntry = 32      // start, end, funcEnd, unused
)

// faultGuardSize is the size of the Wasm stacks' guard region: a fault
// there is a stack overflow.
var faultGuardSize = uint64(stackGuard)

// faultCount counts the faults turned into traps (for tests).
var faultCount uint64

// The handlers the Go runtime had installed, which the fault handler chains to.
var faultGoSEGV, faultGoBUS uintptr

// faultHandlerAddr returns the address of the assembly handler.
func faultHandlerAddr() uintptr

// sigactiont is the kernel's struct sigaction on linux/amd64 and arm64 (as in
// Go's runtime/defs_linux_*.go).
type sigactiont struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	saSiginfo = 0x4
	saOnstack = 0x8000000
)

func rtSigaction(sig uintptr, act, old *sigactiont) error {
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// installFaultHandler puts the fault handler in front of Go's own for
// SIGSEGV and SIGBUS: the same flags, mask and restorer as Go's (which runs on
// the signal stack), only the handler replaced.
func installFaultHandler() error {
	for _, s := range [...]struct {
		sig  uintptr
		save *uintptr
	}{{uintptr(unix.SIGSEGV), &faultGoSEGV}, {uintptr(unix.SIGBUS), &faultGoBUS}} {
		var old sigactiont
		if err := rtSigaction(s.sig, nil, &old); err != nil {
			return fmt.Errorf("runtime: rt_sigaction: %w", err)
		}
		if old.handler <= 1 || old.flags&saSiginfo == 0 || old.flags&saOnstack == 0 {
			return errors.New("runtime: the Go runtime's SIGSEGV handler is not installed; guard pages are unavailable")
		}
		if old.handler == faultHandlerAddr() {
			continue
		}
		// Published before the handler can run.
		atomic.StoreUintptr(s.save, old.handler)
		act := old
		act.handler = faultHandlerAddr()
		if err := rtSigaction(s.sig, &act, nil); err != nil {
			return fmt.Errorf("runtime: rt_sigaction: %w", err)
		}
	}
	return nil
}

func initFaultTab() error {
	if faultTab != 0 {
		return nil
	}
	b, err := unix.Mmap(-1, 0, faultTabCap*faultTabEntry, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return fmt.Errorf("runtime: code range table: %w", err)
	}
	faultTabMem = b
	atomic.StoreUintptr(&faultTab, addrOf(b))
	return nil
}

// faultSlot returns the words of slot i: start, end, funcEnd.
func faultSlot(i uint64) (start, end, funcEnd *uint64) {
	p := unsafe.Pointer(&faultTabMem[i*faultTabEntry])
	return (*uint64)(p), (*uint64)(unsafe.Add(p, 8)), (*uint64)(unsafe.Add(p, 16))
}

// faultAdd publishes the code range [base, base+size), whose functions
// end at base+funcs; codeRegistry.mu is held.
func faultAdd(base, size, funcs uintptr) error {
	if err := initFaultTab(); err != nil {
		return err
	}
	var i uint64
	if n := len(faultTabFree); n > 0 {
		i = faultTabFree[n-1]
		faultTabFree = faultTabFree[:n-1]
	} else {
		i = faultTabLen
		if i == faultTabCap {
			return errors.New("runtime: too many modules loaded")
		}
	}
	start, end, funcEnd := faultSlot(i)
	atomic.StoreUint64(start, uint64(base))
	atomic.StoreUint64(funcEnd, uint64(base+funcs))
	atomic.StoreUint64(end, uint64(base+size))
	if i == faultTabLen {
		atomic.StoreUint64(&faultTabLen, i+1)
	}
	return nil
}

// faultRemove retires the code range starting at base; codeRegistry.mu is held.
func faultRemove(base uintptr) {
	for i := range faultTabLen {
		start, end, funcEnd := faultSlot(i)
		if *start == uint64(base) && *end != 0 {
			atomic.StoreUint64(end, 0)
			atomic.StoreUint64(funcEnd, 0)
			atomic.StoreUint64(start, 0)
			faultTabFree = append(faultTabFree, i)
			return
		}
	}
}

// guardPagesSupported reports whether this platform can run code compiled
// for guard pages at all.
const guardPagesSupported = true
