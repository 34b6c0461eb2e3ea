#include "textflag.h"
#include "funcdata.h"
#include "go_asm.h"

// Offsets from runtime/abi, through the constants of enter_amd64.go.
#define EXEC_GOSP const_execGoSP
#define EXEC_GOBP const_execGoBP
#define EXEC_WASMSP const_execWasmSP
#define EXEC_WASMBP const_execWasmBP
#define EXEC_STATUS const_execStatus
#define EXEC_VMCTX const_execVMCtx
#define EXEC_PREEMPT const_execPreempt

// func Enter(ec, shim uintptr)
// Enter switches stacks itself, without a frame: GoSP points at the return
// address into its Go caller, so a normal return, an exit stub and
// callbackGo<> (which Go's unwinder then sees called by Enter's caller)
// all work from there. The shim keeps R14 (the ExecCtx), so the way back
// needs no reload: GoSP is one load away, not two dependent ones.
TEXT ·Enter(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ	ec+0(FP), R14
	MOVQ	shim+8(FP), AX
	MOVQ	(TLS), CX
	ADDQ	$const_gStackGuard, CX
	MOVQ	CX, EXEC_PREEMPT(R14)
	MOVQ	SP, EXEC_GOSP(R14)
	MOVQ	BP, EXEC_GOBP(R14)
	MOVQ	EXEC_WASMSP(R14), SP
	SUBQ	$16, SP
	MOVQ	CX, BP // the preemption word's address, for Wasm's checks
	MOVQ	EXEC_VMCTX(R14), R15
	CALL	AX
	MOVL	$const_statusDone, EXEC_STATUS(R14)
	MOVQ	EXEC_GOSP(R14), SP
	MOVQ	EXEC_GOBP(R14), BP
	RET

// func Resume(ec uintptr)
TEXT ·Resume(SB), NOSPLIT, $0-8
	MOVQ	ec+0(FP), R14
	MOVQ	(TLS), CX
	ADDQ	$const_gStackGuard, CX
	MOVQ	CX, EXEC_PREEMPT(R14)
	CALL	resume<>(SB)
	RET

TEXT resume<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	SP, EXEC_GOSP(R14)
	MOVQ	BP, EXEC_GOBP(R14)
	MOVQ	EXEC_WASMSP(R14), SP
	MOVQ	EXEC_WASMBP(R14), BP
	MOVQ	EXEC_VMCTX(R14), R15
	RET

// func currentG() unsafe.Pointer
TEXT ·currentG(SB), NOSPLIT, $0-8
	MOVQ	(TLS), AX
	MOVQ	AX, ret+0(FP)
	RET

// callback<> is what compiled host stubs call (through ExecCallback) to run
// a host function without leaving Enter: on the Wasm stack, with R14 =
// ExecCtx and the return address into the stub at 0(SP). It saves the Wasm
// SP/BP and moves to the Go stack at GoSP, where the return address into
// Enter's caller lies, then jumps to callbackGo<>, which so appears called
// by Enter's caller: Go's unwinder (stack copies, GC, profiles) sees it ->
// callbackGo<> -> the handler and never meets a function that writes SP.
// Calls and returns pair up, which keeps the CPU's return predictions
// intact.
TEXT callback<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	SP, EXEC_WASMSP(R14)
	MOVQ	BP, EXEC_WASMBP(R14)
	MOVQ	EXEC_GOSP(R14), SP
	MOVQ	EXEC_GOBP(R14), BP
	JMP	callbackGo<>(SB)

// callbackGo<> calls the host handler (a Go func value) directly in Go's
// register ABI: ec in AX, g in R14, X15 zero, the func value in DX, the
// result in AL; no ABI0 wrapper or Go frame in between. Its first two
// words are the callee's spill area. The Go stack may move meanwhile, by a
// constant offset, which it adds to GoSP/GoBP. Then it returns as Enter
// would, as an exit does, when the host call failed, and otherwise resumes
// Wasm through toWasm<>, leaving its own frame behind. It keeps WasmSP
// (which nested runs restore) in its frame: the way back loads it beside
// R14 instead of through it.
TEXT callbackGo<>(SB), NOSPLIT, $40-0
	NO_LOCAL_POINTERS
	MOVQ	R14, 16(SP)
	MOVQ	SP, 24(SP)
	MOVQ	EXEC_WASMSP(R14), CX
	MOVQ	CX, 32(SP)
	MOVQ	R14, AX
	MOVQ	(TLS), R14
	XORPS	X15, X15
	MOVQ	·handler(SB), DX
	MOVQ	0(DX), CX
	CALL	CX
	MOVQ	16(SP), R14
	MOVQ	SP, CX
	SUBQ	24(SP), CX
	JEQ	unmoved
	ADDQ	CX, EXEC_GOSP(R14)
	ADDQ	CX, EXEC_GOBP(R14)
unmoved:
	TESTB	AL, AL
	JNE	abandon
	MOVQ	32(SP), DX
	JMP	toWasm<>(SB)
abandon:
	RET

// toWasm<> returns into the host stub on the Wasm stack, whose SP is in
// DX. The stub does not need RBP back.
TEXT toWasm<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	DX, SP
	RET

// func callbackAddr() uintptr
TEXT ·callbackAddr(SB), NOSPLIT, $0-8
	LEAQ	callback<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
