//go:build !amd64 && !arm64

package stackswitch

import (
	"unsafe"

	"github.com/wasmc/wasmc/runtime/abi"
)

// Enter reports TrapUnknown: no trampoline exists for this architecture
// yet, and callers must fail cleanly rather than run foreign code.
func Enter(ec unsafe.Pointer, shim uintptr) { fail(ec) }

// Resume reports TrapUnknown, like Enter.
func Resume(ec unsafe.Pointer) { fail(ec) }

func fail(ec unsafe.Pointer) {
	*(*uint32)(unsafe.Add(ec, abi.ExecStatus)) = uint32(abi.StatusTrap)
	*(*uint32)(unsafe.Add(ec, abi.ExecTrapCode)) = uint32(abi.TrapUnknown)
}

// currentG has no goroutine to report without a trampoline.
func currentG() unsafe.Pointer { return nil }

// Supported reports whether this architecture can run Wasm code.
const Supported = false
