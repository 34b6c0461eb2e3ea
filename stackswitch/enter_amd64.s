#include "textflag.h"
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
// The stack switch happens in enter<>, whose return address GoSP points at,
// so that both a normal return and an exit stub land back here.
TEXT ·Enter(SB), NOSPLIT, $0-16
	MOVQ	ec+0(FP), R14
	MOVQ	shim+8(FP), AX
	MOVQ	(TLS), CX
	ADDQ	$const_gStackGuard, CX
	MOVQ	CX, EXEC_PREEMPT(R14)
	CALL	enter<>(SB)
	RET

TEXT enter<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	SP, EXEC_GOSP(R14)
	MOVQ	BP, EXEC_GOBP(R14)
	MOVQ	EXEC_WASMSP(R14), SP
	SUBQ	$16, SP
	MOVQ	R14, 0(SP)
	XORL	BP, BP
	MOVQ	EXEC_VMCTX(R14), R15
	CALL	AX
	MOVQ	0(SP), R14
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
