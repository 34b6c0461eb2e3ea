package amd64

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// relaxRef is a label reference a random program made, in code order.
type relaxRef struct {
	label int
	stub  bool // a CallStub: a relocation, no label
}

const relaxMarker = 0x7e570000 // mov r10d, relaxMarker+k marks label k

// refTo are the instructions that refer to a label (c for Jcc).
var refTo = []func(a *Asm, l Label, c Cond){
	func(a *Asm, l Label, _ Cond) { a.Jmp(l) },
	func(a *Asm, l Label, c Cond) { a.Jcc(c, l) },
	func(a *Asm, l Label, _ Cond) { a.Call(l) },
	func(a *Asm, l Label, _ Cond) { a.LeaLabel(R9, l) },
}

// TestRelaxRandom assembles random programs of jumps, calls, RIP-relative
// loads and relocations over filler of random length, and checks in the
// disassembly of the relaxed code that every reference reaches its
// label's marker, every relocation sits on its call's rel32, and no jump
// kept a rel32 that a rel8 could hold.
func TestRelaxRandom(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		a := NewAsm()
		labels := make([]Label, 2+r.IntN(30))
		for k := range labels {
			labels[k] = a.NewLabel()
		}
		var refs []relaxRef
		bound := 0
		for bound < len(labels) {
			switch op := r.IntN(8); op {
			case 0:
				a.Bind(labels[bound])
				a.MovRI(S32, R10, relaxMarker+int64(bound))
				bound++
			case 1:
				a.Nop(1 + r.IntN(60))
			case 2, 3, 4, 5:
				k := r.IntN(len(labels))
				refTo[op-2](a, labels[k], Cond(r.IntN(16)))
				refs = append(refs, relaxRef{label: k})
			case 6:
				a.CallStub(StubBuiltin, uint32(len(refs)))
				refs = append(refs, relaxRef{stub: true})
			default:
				a.Nop(100 + r.IntN(40))
			}
		}
		fc, err := a.Finish()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkRelaxed(t, seed, fc, refs, len(labels))
	}
}

func checkRelaxed(t *testing.T, seed uint64, fc FuncCode, refs []relaxRef, nlabels int) {
	t.Helper()
	marks := make([]int, nlabels)
	type site struct {
		op          x86asm.Op
		pc, len     int
		target      int
		rel32, lea  bool
		relocOffset int
	}
	var sites []site
	for pc := 0; pc < len(fc.Code); {
		in, err := x86asm.Decode(fc.Code[pc:], 64)
		if err != nil {
			t.Fatalf("seed %d: decode at %#x: %v", seed, pc, err)
		}
		switch {
		case in.Op == x86asm.MOV && in.Args[0] == x86asm.R10L:
			if v, ok := in.Args[1].(x86asm.Imm); ok && v >= relaxMarker && int(v-relaxMarker) < nlabels {
				marks[v-relaxMarker] = pc
			}
		case in.Op == x86asm.LEA:
			m := in.Args[1].(x86asm.Mem)
			sites = append(sites, site{op: in.Op, pc: pc, len: in.Len, target: pc + in.Len + int(int32(m.Disp)), lea: true})
		case in.Op == x86asm.CALL || in.Op == x86asm.JMP || in.Op >= x86asm.JA && in.Op <= x86asm.JS && in.Op != x86asm.JMP:
			rel := in.Args[0].(x86asm.Rel)
			sites = append(sites, site{op: in.Op, pc: pc, len: in.Len, target: pc + in.Len + int(rel), rel32: in.PCRel == 4})
		}
		pc += in.Len
	}
	if len(sites) != len(refs) {
		t.Fatalf("seed %d: %d references decoded, %d made", seed, len(sites), len(refs))
	}
	relocs := fc.Relocs
	for i, ref := range refs {
		s := sites[i]
		if ref.stub {
			if len(relocs) == 0 || int(relocs[0].Offset) != s.pc+1 || s.op != x86asm.CALL {
				t.Fatalf("seed %d: stub call at %#x: relocation %v", seed, s.pc, relocs)
			}
			relocs = relocs[1:]
			continue
		}
		if want := marks[ref.label]; s.target != want {
			t.Fatalf("seed %d: %v at %#x reaches %#x, label %d is at %#x", seed, s.op, s.pc, s.target, ref.label, want)
		}
		if s.op != x86asm.CALL && !s.lea && s.rel32 {
			saved := 4
			if s.op == x86asm.JMP {
				saved = 3
			}
			if d := s.target - (s.pc + s.len - saved); fitsInt8(int64(d)) {
				t.Errorf("seed %d: %v at %#x kept a rel32 for a distance of %d", seed, s.op, s.pc, d)
			}
		}
	}
	if len(relocs) != 0 {
		t.Fatalf("seed %d: %d relocations left over", seed, len(relocs))
	}
}

// TestRelaxJumpTable: a jump table's entries are differences of labels
// that relaxation moves by different amounts.
func TestRelaxJumpTable(t *testing.T) {
	a := NewAsm()
	table, l1, l2, end := a.NewLabel(), a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Jmp(end)
	a.Bind(l1)
	a.Jcc(CondE, l2)
	a.Ret()
	a.Bind(table)
	a.JumpTableEntry(l1, table)
	a.JumpTableEntry(l2, table)
	a.Jcc(CondNE, end)
	a.Nop(9)
	a.Bind(l2)
	a.Ret()
	a.Bind(end)
	a.Ret()
	code := finish(t, a).Code
	// jmp rel8 (2), jz rel8 (2), ret (1): the table starts at 5.
	if len(code) != 5+8+2+9+2 {
		t.Fatalf("code is %d bytes (% x)", len(code), code)
	}
	if code[0] != 0xEB || code[1] != byte(len(code)-1-2) || code[2] != 0x74 || code[3] != byte(5+8+2+9-4) {
		t.Errorf("jumps not relaxed to their targets: % x", code[:4])
	}
	if got := int32(binary.LittleEndian.Uint32(code[5:])); got != 2-5 {
		t.Errorf("entry 0 = %d, want %d", got, 2-5)
	}
	if got := int32(binary.LittleEndian.Uint32(code[9:])); got != 5+8+2+9-5 {
		t.Errorf("entry 1 = %d, want %d", got, 5+8+2+9-5)
	}
}

// TestRelaxChain: a jump over a run of jumps reaches rel8 only once those
// have shrunk, which takes a second round.
func TestRelaxChain(t *testing.T) {
	a := NewAsm()
	far := a.NewLabel()
	a.Jmp(far)
	for range 30 { // 30 jcc rel32 = 180 bytes, 60 as rel8
		a.Jcc(CondE, far)
	}
	a.Bind(far)
	a.Ret()
	code := finish(t, a).Code
	if len(code) != 2+60+1 {
		t.Fatalf("code is %d bytes, want %d: % x", len(code), 2+60+1, code)
	}
	if code[0] != 0xEB || code[1] != 60 {
		t.Errorf("first jump = % x, want eb 3c", code[:2])
	}
}
