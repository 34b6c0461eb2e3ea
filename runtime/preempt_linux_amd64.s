#include "textflag.h"
#include "go_asm.h"

// ucontext_t on linux/amd64: uc_mcontext.gregs at 40, 8 bytes each, in
// the order of Go's runtime/defs_linux_amd64.go sigcontext.
#define UC_R14 (40+6*8)
#define UC_RBP (40+10*8)
#define UC_RSP (40+15*8)
#define UC_RIP (40+16*8)

// preemptHandler<> is the SIGURG handler (preempt_linux_amd64.go), called
// by the kernel on Go's signal stack with DI = signal, SI = siginfo,
// DX = ucontext. It uses scratch registers only, calls nothing and always
// ends in a tail jump to Go's handler with the kernel's arguments. It
// sends the thread to the preemption stub when the PC lies in a module's
// functions (not its stubs), the goroutine's preemption word (RBP there)
// holds the request, the instruction is not a RET (whose frame is already
// gone, so a backtrace would miss a step) and the stub fits on the stack.
// Otherwise Go's next signal tries again.
TEXT preemptHandler<>(SB), NOSPLIT|NOFRAME, $0-0
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
	CMPQ	AX, 16(R8) // funcEnd
	JCS	found
next:
	ADDQ	$const_faultTabStride, R8
	DECQ	R9
	JMP	scan

found:
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
