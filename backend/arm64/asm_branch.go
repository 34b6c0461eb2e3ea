package arm64

import (
	"encoding/binary"
	"sort"
)

// B jumps to l.
func (a *Asm) B(l Label) {
	if a.validLabel(l) {
		a.labelRef(fixB26, l)
		a.Word(0x14000000)
	}
}

// Bl calls the code at l (LR = the next instruction).
func (a *Asm) Bl(l Label) {
	if a.validLabel(l) {
		a.labelRef(fixB26, l)
		a.Word(0x94000000)
	}
}

// Bcond jumps to l if c holds (CondAL is a plain B).
func (a *Asm) Bcond(c Cond, l Label) {
	if c >= CondAL {
		a.B(l)
		return
	}
	if a.validLabel(l) {
		a.labelRef(fixCond19, l)
		a.Word(0x54000000 | uint32(c))
	}
}

// Cbz jumps to l if the sz-bit register rt is zero.
func (a *Asm) Cbz(sz Size, rt Reg, l Label) { a.cb(0x34000000, sz, rt, l) }

// Cbnz jumps to l if the sz-bit register rt is not zero.
func (a *Asm) Cbnz(sz Size, rt Reg, l Label) { a.cb(0x35000000, sz, rt, l) }

func (a *Asm) cb(op uint32, sz Size, rt Reg, l Label) {
	if !a.intSize(sz) || !a.validLabel(l) {
		return
	}
	t, ok := a.gpr(rt, zrOK)
	if ok {
		a.labelRef(fixCond19, l)
		a.Word(op | sz.sf()<<31 | t)
	}
}

// Tbz jumps to l if bit (0..63) of rt is zero.
func (a *Asm) Tbz(rt Reg, bit uint8, l Label) { a.tb(0x36000000, rt, bit, l) }

// Tbnz jumps to l if bit (0..63) of rt is one.
func (a *Asm) Tbnz(rt Reg, bit uint8, l Label) { a.tb(0x37000000, rt, bit, l) }

func (a *Asm) tb(op uint32, rt Reg, bit uint8, l Label) {
	if bit > 63 {
		a.fail("test bit %d out of range", bit)
		return
	}
	if !a.validLabel(l) {
		return
	}
	t, ok := a.gpr(rt, zrOK)
	if ok {
		a.labelRef(fixTest14, l)
		a.Word(op | uint32(bit>>5)<<31 | uint32(bit&31)<<19 | t)
	}
}

// Br jumps to the address in rn.
func (a *Asm) Br(rn Reg) { a.branchReg(0xD61F0000, rn) }

// Blr calls the address in rn.
func (a *Asm) Blr(rn Reg) { a.branchReg(0xD63F0000, rn) }

// Ret returns to LR.
func (a *Asm) Ret() { a.branchReg(0xD65F0000, LR) }

func (a *Asm) branchReg(op uint32, rn Reg) {
	if n, ok := a.gpr(rn, 0); ok {
		a.Word(op | n<<5)
	}
}

// Adr loads the address of l (within ±1 MiB) into rd.
func (a *Asm) Adr(rd Reg, l Label) {
	if !a.validLabel(l) {
		return
	}
	if d, ok := a.gpr(rd, 0); ok {
		a.labelRef(fixAdr21, l)
		a.Word(0x10000000 | d)
	}
}

// AdrOff loads PC+off (|off| < 1 MiB) into rd.
func (a *Asm) AdrOff(rd Reg, off int32) {
	if off < -adrReach || off >= adrReach {
		a.fail("adr offset %d out of range", off)
		return
	}
	if d, ok := a.gpr(rd, 0); ok {
		a.Word(adrWord(d, off))
	}
}

func adrWord(rd uint32, off int32) uint32 {
	return 0x10000000 | (uint32(off)&3)<<29 | (uint32(off>>2)&(1<<19-1))<<5 | rd
}

// JumpTableEntry emits the 32-bit value target-base as data, resolved by
// Finish (for br_table: adr base; ldrsw off, [base, idx, uxtw #2]; add;
// br).
func (a *Asm) JumpTableEntry(target, base Label) {
	if a.validLabel(target) && a.validLabel(base) {
		a.fixups = append(a.fixups, fixup{at: len(a.buf), kind: fixData32, target: target, base: base})
		a.Word(0)
	}
}

func (a *Asm) reloc(op uint32, kind RelocKind, stub StubKind, index uint32) {
	a.relocs = append(a.relocs, Reloc{Offset: uint32(len(a.buf)), Kind: kind, Stub: stub, Index: index})
	a.Word(op)
}

// CallFunc calls defined function funcIndex (module function index space;
// imports are called through their vmctx slot instead). The linker
// resolves the target, through a veneer (clobbering X16, X17) when it is
// beyond ±128 MiB.
func (a *Asm) CallFunc(funcIndex uint32) { a.reloc(0x94000000, RelocFunc, 0, funcIndex) }

// CallStub calls a stub of the stub section: StubTrap with an
// abi.TrapCode, StubBuiltin with an abi.Builtin, StubHost with an import
// index, StubExit.
func (a *Asm) CallStub(kind StubKind, arg uint32) { a.reloc(0x94000000, RelocStub, kind, arg) }

// JmpStub jumps to a stub (a tail call: the stub sees the caller's LR).
func (a *Asm) JmpStub(kind StubKind, arg uint32) { a.reloc(0x14000000, RelocStub, kind, arg) }

// relax rewrites every short conditional branch whose target is out of
// reach into the inverted branch over an unconditional B (to which the
// reference moves), repeating while the insertions push others out of
// reach. Insertions only grow distances, so this terminates.
func (a *Asm) relax() {
	for {
		var long []int // fixup indices to lengthen
		for i, f := range a.fixups {
			reach := 0
			switch f.kind {
			case fixCond19:
				reach = a.condRange
			case fixTest14:
				reach = a.testRange
			default:
				continue
			}
			if d := a.labels[f.target] - f.at; d < -reach || d >= reach {
				long = append(long, i)
			}
		}
		if len(long) == 0 {
			return
		}
		a.lengthen(long)
	}
}

// lengthen turns the branches of fixups long into long form, moving the
// code after each one 4 bytes on.
func (a *Asm) lengthen(long []int) {
	ats := make([]int, len(long))
	isLong := make(map[int]bool, len(long))
	for i, fi := range long {
		ats[i] = a.fixups[fi].at
		isLong[ats[i]] = true
	}
	sort.Ints(ats)
	// moved maps an old offset p to p + 4 * (insertions before p).
	moved := func(p int) int { return p + 4*sort.SearchInts(ats, p) }
	nb := make([]byte, 0, len(a.buf)+4*len(ats))
	for p := 0; p < len(a.buf); p += 4 {
		w := binary.LittleEndian.Uint32(a.buf[p:])
		if !isLong[p] {
			nb = binary.LittleEndian.AppendUint32(nb, w)
			continue
		}
		// Inverted condition, skipping the B that follows (offset +8).
		if w&0xFF000010 == 0x54000000 {
			w ^= 1
		} else {
			w ^= 1 << 24 // CBZ<->CBNZ, TBZ<->TBNZ
		}
		w |= 2 << 5 // imm19 and imm14 both start at bit 5
		nb = binary.LittleEndian.AppendUint32(nb, w)
		nb = binary.LittleEndian.AppendUint32(nb, 0x14000000)
	}
	a.buf = nb
	for i, l := range a.labels {
		if l >= 0 {
			a.labels[i] = moved(l)
		}
	}
	for i := range a.relocs {
		a.relocs[i].Offset = uint32(moved(int(a.relocs[i].Offset)))
	}
	for i := range a.fixups {
		f := &a.fixups[i]
		if isLong[f.at] {
			f.at = moved(f.at) + 4
			f.kind = fixB26
			continue
		}
		f.at = moved(f.at)
	}
}
