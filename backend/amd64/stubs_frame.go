package amd64

import "github.com/wasmc/wasmc/runtime/abi"

// FrameSize rounds a function's frame (spill slots plus outgoing argument
// area, below the saved RBP) up to keep RSP 16-byte aligned at calls.
func FrameSize(n int32) int32 { return (n + 15) &^ 15 }

// Prologue emits a function's entry for a frame of frameSize bytes (rounded
// with FrameSize): push rbp; mov rbp, rsp; the stack check against
// ExecStackLimit (TrapStackOverflow); the interrupt check
// (TrapInterrupted); sub rsp, frame. Both checks run after RBP is set so a
// trap's backtrace starts at this function.
func (a *Asm) Prologue(frameSize int32) {
	frame := FrameSize(frameSize)
	a.Push(RBP)
	a.Mov(S64, RBP, RSP)
	if frame > 0 {
		a.Lea(S64, ScratchGPR, M(RSP, -frame))
		a.AluRM(CMP, S64, ScratchGPR, execMem(abi.ExecStackLimit))
	} else {
		a.AluRM(CMP, S64, RSP, execMem(abi.ExecStackLimit))
	}
	a.TrapIf(CondB, abi.TrapStackOverflow)
	a.InterruptCheck()
	if frame > 0 {
		a.AluI(SUB, S64, RSP, frame)
	}
}

// InterruptCheck traps with TrapInterrupted when ExecInterrupt is set: at
// function entry and loop headers.
func (a *Asm) InterruptCheck() {
	a.AluMI(CMP, S32, execMem(abi.ExecInterrupt), 0)
	a.TrapIf(CondNE, abi.TrapInterrupted)
}

// Epilogue emits the matching exit: leave; ret.
func (a *Asm) Epilogue() {
	a.Leave()
	a.Ret()
}
