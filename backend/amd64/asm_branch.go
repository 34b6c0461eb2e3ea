package amd64

import "github.com/wasmc/wasmc/runtime/abi"

// backShort reports whether l is already bound and within a rel8's reach
// of a short branch of length n emitted here.
func (a *Asm) backShort(l Label, n int) bool {
	t := a.labels[l]
	return t >= 0 && fitsInt8(int64(t-(len(a.buf)+n)))
}

// shortRef records the rel8 just emitted as a reference to l: Finish
// writes it once the code between has its final size.
func (a *Asm) shortRef(l Label) {
	a.fixups = append(a.fixups, fixup{at: len(a.buf) - 1, target: l, base: -1, rel8: true})
}

// Jcc jumps to l if c holds: rel8 for a bound label in reach, else rel32.
func (a *Asm) Jcc(c Cond, l Label) {
	if !a.validLabel(l) || !a.condOK(c) {
		return
	}
	if a.backShort(l, 2) {
		a.bytes(0x70+byte(c), 0)
		a.shortRef(l)
		return
	}
	a.bytes(0x0F, 0x80+byte(c))
	a.labelRef(l, jumpCond)
	a.imm32(0)
}

// Jmp jumps to l.
func (a *Asm) Jmp(l Label) {
	if !a.validLabel(l) {
		return
	}
	if a.backShort(l, 2) {
		a.bytes(0xEB, 0)
		a.shortRef(l)
		return
	}
	a.byte1(0xE9)
	a.labelRef(l, jumpAlways)
	a.imm32(0)
}

// Call calls the code at l.
func (a *Asm) Call(l Label) {
	if a.validLabel(l) {
		a.byte1(0xE8)
		a.labelRef(l, 0)
		a.imm32(0)
	}
}

// JmpR jumps to the address in r.
func (a *Asm) JmpR(r Reg) {
	if a.needGPR(r) {
		a.emit(asmInst{op: []byte{0xFF}, reg: 4}, asmR(r))
	}
}

// JmpM jumps to the address stored at m.
func (a *Asm) JmpM(m Mem) { a.emit(asmInst{op: []byte{0xFF}, reg: 4}, asmM(m)) }

// CallR calls the address in r.
func (a *Asm) CallR(r Reg) {
	if a.needGPR(r) {
		a.emit(asmInst{op: []byte{0xFF}, reg: 2}, asmR(r))
	}
}

// CallIndirect calls code with vmctx as the callee's instance context
// (call_indirect, call_ref, imports). Most such calls stay in the caller's
// instance: then R15 and R12 already hold what the callee needs, and the
// call is a compare, an untaken branch and the call. A call into another
// instance branches to an out-of-line copy (emitted by Finish) that saves
// R15 in slot, switches R15 and R12, calls, restores both and jumps back.
func (a *Asm) CallIndirect(code, vmctx Reg, slot Mem) {
	c := instanceCall{call: a.NewLabel(), back: a.NewLabel(), code: code, vmctx: vmctx, slot: slot}
	a.Alu(CMP, S64, VMCtxReg, vmctx)
	a.Jcc(CondNE, c.call)
	a.CallR(code)
	a.Bind(c.back)
	a.instanceCalls = append(a.instanceCalls, c)
}

// instanceCall is CallIndirect's out-of-line call into another instance.
type instanceCall struct {
	call, back  Label
	code, vmctx Reg
	slot        Mem
}

// instanceSwitch emits c's out-of-line call (Finish).
func (a *Asm) instanceSwitch(c instanceCall) {
	a.Bind(c.call)
	a.MovMR(S64, c.slot, VMCtxReg)
	a.Mov(S64, VMCtxReg, c.vmctx)
	a.loadMemBase()
	a.CallR(c.code)
	a.MovRM(S64, VMCtxReg, c.slot)
	a.loadMemBase()
	a.Jmp(c.back)
}

// loadMemBase sets R12 to memory 0's base from R15's vmctx: whatever sets
// R15 calls it (docs/abi.md).
func (a *Asm) loadMemBase() { a.MovRM(S64, MemBaseReg, M(VMCtxReg, abi.VMMemBase0)) }

// CallM calls the address stored at m.
func (a *Asm) CallM(m Mem) { a.emit(asmInst{op: []byte{0xFF}, reg: 2}, asmM(m)) }

// LeaLabel loads the address of l (RIP-relative) into dst.
func (a *Asm) LeaLabel(dst Reg, l Label) {
	if a.needGPR(dst) && a.validLabel(l) {
		a.emit(asmInst{w: true, op: []byte{0x8D}, reg: dst.enc()}, asmOperand{mem: true, rip: true})
		a.fixups = append(a.fixups, fixup{at: len(a.buf) - 4, target: l, base: -1})
	}
}

// JumpTableEntry emits the 32-bit value target-base as data, resolved by
// Finish (for br_table: lea base; movsxd off, [base+4*i]; add; jmp).
func (a *Asm) JumpTableEntry(target, base Label) {
	if a.validLabel(target) && a.validLabel(base) {
		a.fixups = append(a.fixups, fixup{at: len(a.buf), target: target, base: base})
		a.imm32(0)
	}
}

func (a *Asm) reloc(kind RelocKind, stub StubKind, index uint32) {
	a.relocs = append(a.relocs, Reloc{Offset: uint32(len(a.buf) - 4), Kind: kind, Stub: stub, Index: index})
}

// CallFunc calls defined function funcIndex (module function index space;
// imports are called through their vmctx slot instead). The linker
// resolves the target.
func (a *Asm) CallFunc(funcIndex uint32) {
	a.byte1(0xE8)
	a.imm32(0)
	a.reloc(RelocFunc, 0, funcIndex)
}

// CallStub calls a stub of the stub section: StubTrap with an
// abi.TrapCode, StubBuiltin with an abi.Builtin, StubHost with an import
// index, StubExit.
func (a *Asm) CallStub(kind StubKind, arg uint32) {
	a.byte1(0xE8)
	a.imm32(0)
	a.reloc(RelocStub, kind, arg)
}

// JmpStub jumps to a stub (a tail call: the stub sees the caller's return
// address).
func (a *Asm) JmpStub(kind StubKind, arg uint32) {
	a.byte1(0xE9)
	a.imm32(0)
	a.reloc(RelocStub, kind, arg)
}

// LeaFunc loads the address of defined function funcIndex into dst.
func (a *Asm) LeaFunc(dst Reg, funcIndex uint32) {
	if a.needGPR(dst) {
		a.emit(asmInst{w: true, op: []byte{0x8D}, reg: dst.enc()}, asmOperand{mem: true, rip: true})
		a.reloc(RelocFunc, 0, funcIndex)
	}
}

// LeaStub loads the address of a stub into dst.
func (a *Asm) LeaStub(dst Reg, kind StubKind, arg uint32) {
	if a.needGPR(dst) {
		a.emit(asmInst{w: true, op: []byte{0x8D}, reg: dst.enc()}, asmOperand{mem: true, rip: true})
		a.reloc(RelocStub, kind, arg)
	}
}

// TrapSite returns the label of this function's out-of-line trap site for
// code: a call to the trap stub, emitted by Finish and shared by every
// branch to it. The call leaves the site's address as TrapPC, inside the
// function, so backtraces name the trapping function.
func (a *Asm) TrapSite(code abi.TrapCode) Label {
	if l, ok := a.trapSites[code]; ok {
		return l
	}
	if a.trapSites == nil {
		a.trapSites = make(map[abi.TrapCode]Label)
	}
	l := a.NewLabel()
	a.trapSites[code] = l
	a.trapOrder = append(a.trapOrder, code)
	return l
}

// TrapIf traps with code when c holds.
func (a *Asm) TrapIf(c Cond, code abi.TrapCode) { a.Jcc(c, a.TrapSite(code)) }

// Trap traps with code unconditionally, here (unreachable).
func (a *Asm) Trap(code abi.TrapCode) { a.CallStub(StubTrap, uint32(code)) }
