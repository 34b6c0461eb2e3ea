#include "textflag.h"
#include "go_asm.h"

// ucontext_t on linux/amd64: uc_mcontext.gregs at 40 (Go's
// runtime/defs_linux_amd64.go, sigcontext), 8 bytes each.
#define UC_R14 (40+6*8)
#define UC_RBX (40+11*8)
#define UC_RAX (40+13*8)
#define UC_RIP (40+16*8)
#define SI_ADDR 16

// faultHandler<> is the SIGSEGV and SIGBUS handler, called by the kernel
// on Go's signal stack with DI = signal, SI = siginfo, DX = ucontext and
// the return address into the restorer at 0(SP). It calls nothing and
// touches no Go state. A fault at a PC inside compiled code resumes at
// faultExit<> with AX = the trap code and BX = the trap PC; any other
// signal goes to Go's handler, a tail jump with the registers and the stack
// as the kernel left them (only scratch registers are used here).
TEXT faultHandler<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	UC_RIP(DX), AX
	MOVQ	·faultTab(SB), R8
	MOVQ	·faultTabLen(SB), R9
	TESTQ	R8, R8
	JEQ	chain
scan:
	TESTQ	R9, R9
	JEQ	chain
	CMPQ	AX, 0(R8)
	JCS	next
	CMPQ	AX, 8(R8)
	JCS	found
next:
	ADDQ	$const_faultTabStride, R8
	DECQ	R9
	JMP	scan

found:
	// A fault in the guard page below the Wasm stack (R14 = the ExecCtx)
	// is a stack overflow, any other an out-of-bounds memory access.
	MOVQ	UC_R14(DX), R8
	MOVQ	const_faultExecStackLimit(R8), R9
	SUBQ	$const_faultStackMargin, R9 // the stack's low end, above the guard
	MOVQ	SI_ADDR(SI), R10
	MOVL	$const_faultTrapMemory, CX
	CMPQ	R10, R9
	JCC	set
	MOVQ	R9, R11
	SUBQ	·faultGuardSize(SB), R11
	CMPQ	R10, R11
	JCS	set
	MOVL	$const_faultTrapStack, CX
set:
	LOCK
	INCQ	·faultCount(SB)
	MOVQ	CX, UC_RAX(DX)
	INCQ	AX // a trap PC points past the trapping instruction's first byte
	MOVQ	AX, UC_RBX(DX)
	LEAQ	faultExit<>(SB), AX
	MOVQ	AX, UC_RIP(DX)
	RET

chain:
	CMPL	DI, $7 // SIGBUS
	JEQ	bus
	MOVQ	·faultGoSEGV(SB), AX
	JMP	AX
bus:
	MOVQ	·faultGoBUS(SB), AX
	JMP	AX

// faultExit<> is where a faulting Wasm instruction resumes, with the
// registers of the fault but AX = the trap code and BX = the trap PC. It
// leaves Wasm as a trap stub followed by the exit stub do (backend/amd64
// TrapStub, ExitStub): the trap, its PC and SP (where the backtrace starts
// stepping over frames), the vmctx, then
// back to Go at GoSP/GoBP, returning from stackswitch's Enter or Resume.
TEXT faultExit<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVL	AX, const_faultExecTrapCode(R14)
	MOVL	$const_faultStatusTrap, const_faultExecStatus(R14)
	MOVQ	BX, const_faultExecTrapPC(R14)
	MOVQ	SP, const_faultExecTrapFP(R14)
	MOVQ	R15, const_faultExecVMCtx(R14)
	MOVQ	SP, const_faultExecWasmSP(R14)
	MOVQ	BP, const_faultExecWasmBP(R14)
	MOVQ	const_faultExecGoSP(R14), SP
	MOVQ	const_faultExecGoBP(R14), BP
	RET

// func faultHandlerAddr() uintptr
TEXT ·faultHandlerAddr(SB), NOSPLIT, $0-8
	LEAQ	faultHandler<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
