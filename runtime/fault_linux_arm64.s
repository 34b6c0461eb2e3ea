#include "textflag.h"
#include "go_asm.h"

// ucontext_t on linux/arm64: uc_mcontext at 176 (Go's
// runtime/defs_linux_arm64.go): fault_address, regs[31], sp, pc, pstate.
#define UC_FAULT 176
#define UC_X0 (184+0*8)
#define UC_X1 (184+1*8)
#define UC_X19 (184+19*8)
#define UC_X28 (184+28*8)
#define UC_X29 (184+29*8)
#define UC_SP (184+31*8)
#define UC_PC (184+32*8)

// codeEntry<> looks the PC in R3 up in the code-range table
// (fault_linux.go): R4 = the entry whose start <= R3 < the word at offset
// R6 (8: the module's end, 16: its functions' end), or 0. It uses R4, R5,
// R7 and R8; callers keep their LR in R15 around the call.
TEXT codeEntry<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	$·faultTab(SB), R4
	MOVD	(R4), R4
	MOVD	$·faultTabLen(SB), R5
	MOVD	(R5), R5
	CBZ	R4, none
scan:
	CBZ	R5, none
	MOVD	(R4), R7
	CMP	R7, R3
	BLO	next
	MOVD	(R4)(R6), R8
	CMP	R8, R3
	BLO	found
next:
	ADD	$const_faultTabStride, R4
	SUB	$1, R5
	B	scan
none:
	MOVD	ZR, R4
found:
	RET

// faultHandler<> is the SIGSEGV and SIGBUS handler, called by the kernel
// on Go's signal stack with R0 = signal, R1 = siginfo, R2 = ucontext and LR
// = the restorer. It calls only codeEntry<> and touches no Go state. A fault at a PC
// inside compiled code resumes at faultExit<> with R0 = the trap code and
// R1 = the trap PC; any other signal goes to Go's handler, a tail jump
// with R0-R2, LR and SP as the kernel left them (only scratch registers
// are used here; the assembler's R27 is callee-saved, and sigreturn
// restores every register anyway).
TEXT faultHandler<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	UC_PC(R2), R3
	MOVD	$8, R6 // end
	MOVD	R30, R15
	BL	codeEntry<>(SB)
	MOVD	R15, R30
	CBZ	R4, chain
	// A fault in the guard page below the Wasm stack (X19 = the ExecCtx)
	// is a stack overflow, any other an out-of-bounds memory access.
	MOVD	UC_X19(R2), R8
	MOVD	const_faultExecStackLimit(R8), R9
	SUB	$const_faultStackMargin, R9, R9 // the stack's low end, above the guard
	MOVD	UC_FAULT(R2), R10
	MOVD	$const_faultTrapMemory, R6
	CMP	R9, R10
	BHS	set
	MOVD	$·faultGuardSize(SB), R11
	MOVD	(R11), R11
	SUB	R11, R9, R11
	CMP	R11, R10
	BLO	set
	MOVD	$const_faultTrapStack, R6
set:
	MOVD	$·faultCount(SB), R11
count:
	LDAXR	(R11), R12
	ADD	$1, R12
	STLXR	R12, (R11), R13
	CBNZ	R13, count
	MOVD	R6, UC_X0(R2)
	ADD	$4, R3 // a trap PC points past the trapping instruction
	MOVD	R3, UC_X1(R2)
	MOVD	$faultExit<>(SB), R3
	MOVD	R3, UC_PC(R2)
	RET

chain:
	CMPW	$7, R0 // SIGBUS
	BEQ	bus
	MOVD	$·faultGoSEGV(SB), R6
	MOVD	(R6), R6
	JMP	(R6)
bus:
	MOVD	$·faultGoBUS(SB), R6
	MOVD	(R6), R6
	JMP	(R6)

// faultExit<> is where a faulting Wasm instruction resumes, with the
// registers of the fault but R0 = the trap code and R1 = the trap PC. It
// leaves Wasm as a trap stub followed by the exit stub do (backend/arm64
// TrapStub, ExitStub): the trap, its PC and frame pointer, the vmctx, then
// back to Go at GoSP/GoBP, popping the LR into Enter or Resume.
TEXT faultExit<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVW	R0, const_faultExecTrapCode(R19)
	MOVW	$const_faultStatusTrap, R16
	MOVW	R16, const_faultExecStatus(R19)
	MOVD	R1, const_faultExecTrapPC(R19)
	MOVD	R29, const_faultExecTrapFP(R19)
	MOVD	R20, const_faultExecVMCtx(R19)
	MOVD	RSP, R16
	MOVD	R16, const_faultExecWasmSP(R19)
	MOVD	R29, const_faultExecWasmBP(R19)
	MOVD	const_faultExecGoSP(R19), R16
	MOVD	R16, RSP
	MOVD	const_faultExecGoBP(R19), R29
	MOVD.P	16(RSP), R30
	RET

// func faultHandlerAddr() uintptr
TEXT ·faultHandlerAddr(SB), NOSPLIT, $0-8
	MOVD	$faultHandler<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET

// preemptHandler<> is the SIGURG handler (preempt_linux.go), called like
// faultHandler<>. It sends the thread to the preemption stub when the PC
// lies in a module's functions (not its stubs), the goroutine's
// preemption word (g.stackguard0, g in X28) holds the request, the
// instruction is not one of those during which the function has no frame
// record (the prologue's stp x29, x30 and mov x29, sp; a ret) and the
// stub fits on the stack: it pushes a frame record of the interrupted X29
// and PC and points SP and X29 at it, as a call would. Otherwise Go's
// next signal tries again. Either way it ends in a tail jump to Go's
// handler with R0-R2 and LR as the kernel left them.
TEXT preemptHandler<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	UC_PC(R2), R3
	MOVD	$16, R6 // funcEnd
	MOVD	R30, R15
	BL	codeEntry<>(SB)
	MOVD	R15, R30
	CBZ	R4, chain
	MOVWU	(R3), R7
	MOVW	$0xa9bf7bfd, R8 // stp x29, x30, [sp, #-16]!
	CMPW	R8, R7
	BEQ	chain
	MOVW	$0x910003fd, R8 // mov x29, sp
	CMPW	R8, R7
	BEQ	chain
	MOVW	$0xd65f03c0, R8 // ret
	CMPW	R8, R7
	BEQ	chain
	MOVD	UC_X28(R2), R7
	MOVD	16(R7), R7 // g.stackguard0
	MOVD	$const_preemptRequest, R8
	CMP	R8, R7
	BNE	chain
	MOVD	UC_X19(R2), R7
	MOVD	const_faultExecStackLimit(R7), R7
	SUB	$const_preemptLowSP, R7, R7
	MOVD	UC_SP(R2), R8
	CMP	R7, R8
	BLO	chain
	MOVD	$·preemptStub(SB), R9
	MOVD	(R9), R9
	CBZ	R9, chain
	SUB	$16, R8
	MOVD	UC_X29(R2), R10
	MOVD	R10, 0(R8)
	MOVD	R3, 8(R8)
	MOVD	R8, UC_SP(R2)
	MOVD	R8, UC_X29(R2)
	MOVD	R9, UC_PC(R2)
	MOVD	$·preemptCount(SB), R11
count:
	LDAXR	(R11), R12
	ADD	$1, R12
	STLXR	R12, (R11), R13
	CBNZ	R13, count
chain:
	MOVD	$·preemptGoURG(SB), R6
	MOVD	(R6), R6
	JMP	(R6)

// func preemptHandlerAddr() uintptr
TEXT ·preemptHandlerAddr(SB), NOSPLIT, $0-8
	MOVD	$preemptHandler<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET
