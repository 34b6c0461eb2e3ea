// Package stackswitch holds the native trampolines that move execution
// between Go's stack and Wasm stacks. Enter runs an entry shim on the Wasm
// stack of an execution context; Resume returns into a suspended exit stub.
// Continuations and threads will reuse the same mechanism.
//
// Neither changes the goroutine's scheduler state: Wasm runs as ordinary
// running code and yields to Go itself when the runtime asks (the
// preemption check of docs/abi.md). Both store the address of the running
// goroutine's stack guard (runtime.g's stackguard0, the word the runtime
// sets to abi.PreemptRequest) in ExecPreempt; CheckRuntime verifies that
// layout.
//
// Register contract on amd64 (docs/abi.md):
//   - Enter (frameless): saves SP/BP in ExecGoSP/ExecGoBP (SP points at
//     the return address into Enter's Go caller), switches SP to
//     ExecWasmSP - 16 (16-byte aligned), sets BP = the preemption word's
//     address (what it stores in ExecPreempt, for compiled code's checks),
//     R14 = ExecCtx, R15 = [ExecVMCtx] and calls the shim, which keeps R14
//     and BP. A normal return stores StatusDone and returns to Go.
//   - The exit stub saves WasmSP (pointing at its own return address) and
//     WasmBP, loads GoSP/GoBP and returns: control comes back to Enter's
//     caller or to Resume, whichever entered last.
//   - The callback trampoline (host calls) returns into the stub with R14
//     = ExecCtx and RSP as at the call; stubs rely on both.
//   - Resume: saves the (possibly moved) Go SP/BP, loads WasmSP/WasmBP,
//     R14 = ExecCtx, R15 = [ExecVMCtx], and returns into the stub, whose
//     frame (WasmBP) holds the BP it restores.
//
// Every other register may be clobbered by Wasm; Go's ABI0-to-ABIInternal
// transitions restore the g register (R14) and the zero register X15.
//
// On arm64 the same steps use X19 = ExecCtx, X20 = vmctx and FP = X29;
// with no return address on the stack, GoSP and WasmSP each point at a
// 16-byte slot holding the LR to return to, pushed by the side that
// leaves that stack and popped by the one that switches to it (docs/abi.md
// shows the exit stub). Go's ABI has no fixed register to restore but g
// (X28), which Enter and Resume keep in their frames.
package stackswitch
