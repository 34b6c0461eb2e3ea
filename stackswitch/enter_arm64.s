#include "textflag.h"
#include "funcdata.h"
#include "go_asm.h"

// Offsets from runtime/abi, through the constants of enter_arm64.go.
#define EXEC_GOSP const_execGoSP
#define EXEC_GOBP const_execGoBP
#define EXEC_WASMSP const_execWasmSP
#define EXEC_WASMBP const_execWasmBP
#define EXEC_STATUS const_execStatus
#define EXEC_VMCTX const_execVMCtx
#define EXEC_PREEMPT const_execPreempt

// func Enter(ec unsafe.Pointer, shim uintptr)
// The stack switch happens in enter<>, whose LR GoSP points at (docs/abi.md),
// so that both a normal return and an exit stub land back here. g (R28) is
// kept in this frame and restored, whatever Wasm did.
TEXT ·Enter(SB), NOSPLIT, $16-16
	NO_LOCAL_POINTERS
	MOVD	g, saveg-8(SP)
	MOVD	ec+0(FP), R19
	MOVD	shim+8(FP), R9
	ADD	$const_gStackGuard, g, R10
	MOVD	R10, EXEC_PREEMPT(R19)
	BL	enter<>(SB)
	MOVD	saveg-8(SP), g
	RET

TEXT enter<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD.W	R30, -16(RSP)
	MOVD	RSP, R10
	MOVD	R10, EXEC_GOSP(R19)
	MOVD	R29, EXEC_GOBP(R19)
	MOVD	EXEC_WASMSP(R19), R10
	SUB	$16, R10
	MOVD	R10, RSP
	MOVD	R19, 0(RSP)
	MOVD	ZR, R29
	MOVD	EXEC_VMCTX(R19), R20
	CALL	(R9)
	// X19 is callee-saved in Wasm: no reload, so GoSP is one load away.
	MOVW	$const_statusDone, R10
	MOVW	R10, EXEC_STATUS(R19)
	MOVD	EXEC_GOSP(R19), R10
	MOVD	R10, RSP
	MOVD	EXEC_GOBP(R19), R29
	MOVD.P	16(RSP), R30
	RET

// func Resume(ec unsafe.Pointer)
TEXT ·Resume(SB), NOSPLIT, $16-8
	NO_LOCAL_POINTERS
	MOVD	g, saveg-8(SP)
	MOVD	ec+0(FP), R19
	ADD	$const_gStackGuard, g, R10
	MOVD	R10, EXEC_PREEMPT(R19)
	BL	resume<>(SB)
	MOVD	saveg-8(SP), g
	RET

TEXT resume<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD.W	R30, -16(RSP)
	MOVD	RSP, R10
	MOVD	R10, EXEC_GOSP(R19)
	MOVD	R29, EXEC_GOBP(R19)
	MOVD	EXEC_WASMSP(R19), R10
	MOVD	R10, RSP
	MOVD	EXEC_WASMBP(R19), R29
	MOVD	EXEC_VMCTX(R19), R20
	MOVD.P	16(RSP), R30
	RET

// func currentG() unsafe.Pointer
TEXT ·currentG(SB), NOSPLIT, $0-8
	MOVD	g, R0
	MOVD	R0, ret+0(FP)
	RET

// callback<> is what compiled host stubs call (through ExecCallback) to run
// a host function without leaving Enter: on the Wasm stack, with X19 =
// ExecCtx and LR = the return address into the stub. It pushes LR on the
// Wasm stack, saves the Wasm SP/FP, and moves to the Go stack as Enter
// left it before calling enter<> (LR = the return into Enter, SP above the
// slot enter<> pushed it in), then jumps to callbackGo<>, which so appears
// called by Enter: Go's unwinder (stack copies, GC, profiles) sees Enter ->
// callbackGo<> -> the handler and never meets a function that writes SP.
// Calls and returns pair up, which keeps the return predictions intact.
TEXT callback<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD.W	R30, -16(RSP)
	MOVD	RSP, R10
	MOVD	R10, EXEC_WASMSP(R19)
	MOVD	R29, EXEC_WASMBP(R19)
	MOVD	EXEC_GOSP(R19), R10
	MOVD	(R10), R30
	ADD	$16, R10
	MOVD	R10, RSP
	MOVD	EXEC_GOBP(R19), R29
	B	callbackGo<>(SB)

// callbackGo<> calls the host handler (a Go func value) directly in Go's
// register ABI: ec in R0, the func value in R26, the result in R0; no ABI0
// wrapper or Go frame in between. 8(RSP) is the callee's spill area. The
// Go stack may move meanwhile, by a constant offset, which it adds to
// GoSP/GoBP. Then it returns into Enter, as an exit does, when the host
// call failed, and otherwise resumes Wasm through toWasm<>, leaving its own
// frame behind. g (R28) is the goroutine's throughout. It keeps WasmSP
// (which nested runs restore) in its frame: the way back loads it beside
// X19 instead of through it.
TEXT callbackGo<>(SB), NOSPLIT, $56-0
	NO_LOCAL_POINTERS
	MOVD	R19, 24(RSP)
	MOVD	RSP, R10
	MOVD	R10, 32(RSP)
	MOVD	EXEC_WASMSP(R19), R10
	MOVD	R10, 40(RSP)
	MOVD	R19, R0
	MOVD	·handler(SB), R26
	MOVD	(R26), R3
	CALL	(R3)
	MOVD	24(RSP), R19
	MOVD	RSP, R10
	MOVD	32(RSP), R11
	SUB	R11, R10, R10
	MOVD	EXEC_GOSP(R19), R11
	ADD	R10, R11, R11
	MOVD	R11, EXEC_GOSP(R19)
	MOVD	EXEC_GOBP(R19), R11
	ADD	R10, R11, R11
	MOVD	R11, EXEC_GOBP(R19)
	AND	$0xff, R0, R0
	CBNZ	R0, abandon
	MOVD	40(RSP), R10
	B	toWasm<>(SB)
abandon:
	RET

// toWasm<> returns into the host stub on the Wasm stack, whose SP is in
// R10, popping the LR callback<> pushed there. The stub does not need FP
// back.
TEXT toWasm<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	R10, RSP
	MOVD.P	16(RSP), R30
	RET

// func callbackAddr() uintptr
TEXT ·callbackAddr(SB), NOSPLIT, $0-8
	MOVD	$callback<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET
