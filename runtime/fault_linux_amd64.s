#include "textflag.h"
#include "go_asm.h"

// The signal handlers the runtime puts in front of Go's: faults in
// compiled code become traps (fault_linux.go), and Go's preemption
// signal stops compiled loops (preempt_linux_amd64.go).

// ucontext_t on linux/amd64: uc_mcontext.gregs at 40 (Go's
// runtime/defs_linux_amd64.go, sigcontext), 8 bytes each.
#define UC_R14 (40+6*8)
#define UC_RBP (40+10*8)
#define UC_RBX (40+11*8)
#define UC_RAX (40+13*8)
#define UC_RSP (40+15*8)
#define UC_RIP (40+16*8)
#define SI_ADDR 16

// codeEntry<> looks the PC in AX up in the code-range table
// (fault_linux.go): R8 = the entry whose start <= AX < the word at
// offset R10 (8: the module's end, 16: its functions' end), or 0. It
// uses R8 and R9 and runs on the signal stack.
TEXT codeEntry<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	·faultTab(SB), R8
	MOVQ	·faultTabLen(SB), R9
	TESTQ	R8, R8
	JEQ	none
scan:
	TESTQ	R9, R9
	JEQ	none
	CMPQ	AX, 0(R8)
	JCS	next
	CMPQ	AX, (R8)(R10*1)
	JCS	found
next:
	ADDQ	$const_faultTabStride, R8
	DECQ	R9
	JMP	scan
none:
	XORL	R8, R8
found:
	RET

// faultHandler<> is the SIGSEGV and SIGBUS handler, called by the kernel
// on Go's signal stack with DI = signal, SI = siginfo, DX = ucontext and
// the return address into the restorer at 0(SP). It calls only
// codeEntry<> and touches no Go state. A fault at a PC inside compiled code resumes at
// faultExit<> with AX = the trap code and BX = the trap PC; any other
// signal goes to Go's handler, a tail jump with the registers and the stack
// as the kernel left them (only scratch registers are used here).
TEXT faultHandler<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	UC_RIP(DX), AX
	MOVQ	$8, R10 // end
	CALL	codeEntry<>(SB)
	TESTQ	R8, R8
	JEQ	chain
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
// It clears the direction flag, which a fault inside a backward
// memory.copy leaves set and Go's memmove and memclr need clear.
TEXT faultExit<>(SB), NOSPLIT|NOFRAME, $0-0
	CLD
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

// preemptHandler<> is the SIGURG handler (preempt_linux_amd64.go), called
// by the kernel on Go's signal stack with DI = signal, SI = siginfo,
// DX = ucontext. It uses scratch registers only, calls only codeEntry<> and always
// ends in a tail jump to Go's handler with the kernel's arguments. It
// sends the thread to the preemption stub when the PC lies in a module's
// functions (not its stubs), the goroutine's preemption word (RBP there)
// holds the request, the instruction is not a RET (whose frame is already
// gone, so a backtrace would miss a step) and the stub fits on the stack.
// Otherwise Go's next signal tries again.
TEXT preemptHandler<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	UC_RIP(DX), AX
	MOVQ	$16, R10 // funcEnd
	CALL	codeEntry<>(SB)
	TESTQ	R8, R8
	JEQ	chain
	CMPB	(AX), $0xC3
	JEQ	chain
	MOVQ	UC_RBP(DX), R9
	MOVQ	$const_preemptRequest, R10
	CMPQ	R10, 0(R9)
	JNE	chain
	MOVQ	UC_R14(DX), R9
	MOVQ	const_faultExecStackLimit(R9), R9
	SUBQ	$const_preemptLowSP, R9
	MOVQ	UC_RSP(DX), R10
	CMPQ	R10, R9
	JCS	chain
	MOVQ	·preemptStub(SB), R9
	TESTQ	R9, R9
	JEQ	chain
	SUBQ	$8, R10
	MOVQ	AX, 0(R10) // the interrupted PC, as the stub's return address
	MOVQ	R10, UC_RSP(DX)
	MOVQ	R9, UC_RIP(DX)
	LOCK
	INCQ	·preemptCount(SB)

chain:
	MOVQ	·preemptGoURG(SB), AX
	JMP	AX

// func preemptHandlerAddr() uintptr
TEXT ·preemptHandlerAddr(SB), NOSPLIT, $0-8
	LEAQ	preemptHandler<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
