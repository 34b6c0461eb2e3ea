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
	MOVD	0(RSP), R19
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
