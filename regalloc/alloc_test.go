package regalloc

import (
	"strings"
	"testing"
)

func TestStraightLine(t *testing.T) {
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  add v3 v1 v2
  mul v4 v3 v1
  out v4
  sub v5 v4 v2
  ret v5
`)
	a := checkToy(t, f, toyInfo(4, 2))
	if len(a.Edits) != 0 || a.Slots != [2]int{} {
		t.Errorf("low pressure code needs no edits, got %d edits, slots %v\n%s", len(a.Edits), a.Slots, dumpAlloc(f, a))
	}
}

func TestDiamond(t *testing.T) {
	// v3 is a block argument lowered to moves in both arms.
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  brlt v1 v2 -> b1 b2
b1:
  add v4 v1 v1
  mov v3 v4
  jmp -> b3
b2:
  mul v5 v2 v2
  out v5
  mov v3 v5
  jmp -> b3
b3:
  add v6 v3 v1
  ret v6
`)
	checkToy(t, f, toyInfo(2, 1))
	a := checkToy(t, f, toyInfo(4, 1))
	// Both moves are coalesced: source and destination share a register.
	for _, b := range []int{1, 2} {
		i := len(f.blocks[b].instrs) - 2
		if a.Reg(b, i, 0) != a.Reg(b, i, 1) {
			t.Errorf("move in b%d not coalesced\n%s", b, dumpAlloc(f, a))
		}
	}
}

func TestCountedLoopKeepsRegisters(t *testing.T) {
	f := mustParse(t, `
b0:
  mov v1 r0
  const v2 10
  const v3 0
  const v9 3
  jmp -> b1
b1 depth 1:
  add v3 v3 v1
  xor v3 v3 v9
  dec v2
  brnz v2 -> b2 b3
b2 depth 1:
  jmp -> b1
b3:
  out v3
  ret v1
`)
	noStackEditsInLoops(t, f, checkToy(t, f, toyInfo(4, 1)))
}

// noStackEditsInLoops fails t for each spill or reload inside a loop.
func noStackEditsInLoops(t *testing.T, f *tFunc, a *Allocation) {
	t.Helper()
	for _, e := range a.Edits {
		if f.blocks[e.Pos.Block].depth > 0 && e.Kind != EditMove {
			t.Errorf("spill or reload inside the loop: %+v\n%s", e, dumpAlloc(f, a))
		}
	}
}

// loopWithCall keeps v1 and v4 live across a call in a loop.
const loopWithCall = `
b0:
  mov v1 r0
  const v4 100
  const v2 3
  jmp -> b1
b1 depth 1:
  call v5 v1 v2
  add v6 v5 v1
  add v6 v6 v4
  out v6
  dec v2
  brnz v2 -> b2 b3
b2 depth 1:
  jmp -> b1
b3:
  add v7 v1 v4
  ret v7
`

func TestLoopWithCallSpillsOutside(t *testing.T) {
	// v1 and v4 live across the call in the loop: all registers are
	// clobbered, so they are reloaded in the loop, but stored only once,
	// before it.
	f := mustParse(t, loopWithCall)
	a := checkToy(t, f, toyInfo(4, 1))
	stores := 0
	for _, e := range a.Edits {
		if e.Kind == EditSpill && f.blocks[e.Pos.Block].depth > 0 {
			stores++
		}
	}
	// Only the counter v2, redefined in the loop, is stored there.
	if stores > 1 {
		t.Errorf("%d stores inside the loop, want at most 1\n%s", stores, dumpAlloc(f, a))
	}
}

func TestCallsClobberEverything(t *testing.T) {
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  const v3 11
  call v4 v2 v1
  call v5 v4 v3
  add v6 v1 v2
  add v6 v6 v3
  call v7 v6 v5
  out v1
  out v2
  out v5
  fconst f1 9
  itof f2 v7
  fcall f3 f2 v3
  fadd f4 f3 f1
  ftoi v8 f4
  ret v8
`)
	checkToy(t, f, toyInfo(2, 2))
	checkToy(t, f, toyInfo(4, 3))
	if _, err := Allocate(f, toyInfo(4, 1)); err == nil || !strings.Contains(err.Error(), "block 0 instr 14") {
		t.Errorf("fadd needs two float registers: want an error naming it, got %v", err)
	}
}

func TestFixedRegisters(t *testing.T) {
	// Arguments arrive swapped relative to the call's registers, forcing a
	// parallel move with a cycle; divmod pins r0 and r1, shl pins r2.
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  call v3 v2 v1
  mov v4 v1
  const v5 5
  divmod v4 v5 v6
  add v7 v4 v6
  const v8 3
  shl v7 v8
  out v7
  out v8
  call v9 v1 v1
  ret v9
`)
	checkToy(t, f, toyInfo(3, 1))
	checkToy(t, f, toyInfo(4, 1))
}

func TestHighPressure(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("b0:\n  mov v1 r0\n")
	for i := 2; i <= 12; i++ {
		sb.WriteString("  add v" + itoa(i) + " v" + itoa(i-1) + " v1\n")
	}
	for i := 2; i <= 12; i++ {
		sb.WriteString("  add v1 v1 v" + itoa(i) + "\n  out v" + itoa(i) + "\n")
	}
	sb.WriteString("  ret v1\n")
	f := mustParse(t, sb.String())
	for _, n := range []int{2, 3, 4} {
		a := checkToy(t, f, toyInfo(n, 1))
		if a.Slots[ClassInt] == 0 {
			t.Errorf("%d registers: expected spills", n)
		}
	}
}

func TestSlotsAreReused(t *testing.T) {
	// v2 and later v5 live across a call each, at disjoint times.
	f := mustParse(t, `
b0:
  mov v1 r0
  add v2 v1 v1
  call v3 v1 v1
  add v4 v3 v2
  add v5 v4 v4
  call v6 v4 v4
  add v7 v6 v5
  ret v7
`)
	a := checkToy(t, f, toyInfo(4, 1))
	if a.Slots[ClassInt] != 1 {
		t.Errorf("want 1 shared slot, got %d\n%s", a.Slots[ClassInt], dumpAlloc(f, a))
	}
}

func TestTwoAddress(t *testing.T) {
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  mov v3 v1
  add2 v3 v2
  add2 v2 v2
  add2 v1 v3
  out v1
  out v2
  out v3
  add2 v3 v3
  ret v3
`)
	checkToy(t, f, toyInfo(2, 1))
	checkToy(t, f, toyInfo(3, 1))
}

func TestEdgeMovesWithCycle(t *testing.T) {
	// The loop swaps v1 and v2 through block-argument moves every
	// iteration; with the pressure of v9 and a call, edges need moves.
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  const v3 4
  const v9 1
  jmp -> b1
b1 depth 1:
  add v9 v9 v1
  mov v10 v1
  mov v1 v2
  mov v2 v10
  out v1
  dec v3
  brnz v3 -> b2 b6
b2 depth 1:
  brlt v1 v2 -> b3 b4
b3 depth 1:
  call v11 v1 v9
  out v11
  jmp -> b5
b4 depth 1:
  jmp -> b5
b5 depth 1:
  jmp -> b1
b6:
  out v2
  ret v9
`)
	checkToy(t, f, toyInfo(2, 1))
	checkToy(t, f, toyInfo(3, 1))
	checkToy(t, f, toyInfo(4, 1))
}

func TestEmptyBlocksAndRealRegisters(t *testing.T) {
	g := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  brlt v1 v2 -> b1 b2
b1:
  jmp -> b3
b2:
b3:
  mov r0 v2
  mov r1 v1
  callr r0 r0 r1
  mov v3 r0
  add v4 v3 v1
  out v4
  out v2
  ret v4
`)
	g.blocks[2].succs = []int{3}
	g.finish()
	checkToy(t, g, toyInfo(2, 1))
	checkToy(t, g, toyInfo(3, 1))
}

func TestErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"undefined", `
b0:
  mov v1 r0
  brlt v1 v1 -> b1 b2
b1:
  const v2 1
  jmp -> b3
b2:
  jmp -> b3
b3:
  out v2
  ret v1
`, "block 3 instr 0"},
		{"two values in one fixed register", `
b0:
  mov v1 r0
  const v2 9
  mov r1 v1
  divmod v2 v1 v4
  mov v5 r1
  add v6 v5 v4
  ret v6
`, "needed by two values"},
		{"live across clobber", `
b0:
  mov v1 r0
  mov r1 v1
  clob
  mov v2 r1
  ret v2
`, "clobbers"},
	}
	for _, c := range cases {
		f := mustParse(t, c.src)
		_, err := Allocate(f, toyInfo(4, 1))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: want error containing %q, got %v", c.name, c.want, err)
		}
	}
	if _, err := Allocate(nil, toyInfo(1, 1)); err == nil {
		t.Error("nil function accepted")
	}
	bad := &tFunc{blocks: []*tBlock{{succs: []int{3}}}}
	if _, err := Allocate(bad, toyInfo(1, 1)); err == nil {
		t.Error("successor out of range accepted")
	}
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}

func TestCopyFromStackReloadsIntoDestination(t *testing.T) {
	// v1 is on the stack after the call; its copy v3 (not merged with it:
	// v1 lives on) is loaded straight from the slot into v3's register.
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  call v5 v2 v2
  out v5
  mov v3 v1
  dec v3
  add v4 v3 v1
  ret v4
`)
	a := checkToy(t, f, toyInfo(4, 1))
	const i = 4 // mov v3 v1
	if a.Reg(0, i, 0) != a.Reg(0, i, 1) {
		t.Errorf("copy from the stack is a register move\n%s", dumpAlloc(f, a))
	}
	found := false
	for _, e := range a.Edits {
		if e.Kind == EditReload && e.Pos == (Pos{Block: 0, Instr: i, After: true}) && e.Dst == a.Reg(0, i, 0) {
			found = true
		}
	}
	if !found {
		t.Errorf("no reload into the copy's destination after it\n%s", dumpAlloc(f, a))
	}
}

func TestCoalescedCopyStaysOnStack(t *testing.T) {
	// v3 is a block argument merged with v1 and v4; in b1 it is only
	// copied, after a call, so it stays on the stack there: the copy
	// needs no reload (the edge to b3 may still load it).
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  brlt v1 v2 -> b1 b2
b1:
  call v5 v2 v2
  out v5
  mov v3 v1
  jmp -> b3
b2:
  add v4 v1 v2
  mov v3 v4
  jmp -> b3
b3:
  call v6 v2 v2
  add v7 v3 v6
  ret v7
`)
	a := checkToy(t, f, toyInfo(3, 1))
	for _, e := range a.Edits {
		if e.Pos.Block == 1 && e.Pos.Instr == 2 {
			t.Errorf("edit at a copy onto itself: %+v\n%s", e, dumpAlloc(f, a))
		}
	}
}

func TestLoopValueStoredAfterLoop(t *testing.T) {
	// v3 is redefined in the loop and lives across the call after it:
	// it is stored once, where it goes to the stack, not at every
	// definition in the loop.
	f := mustParse(t, `
b0:
  mov v1 r0
  const v2 5
  const v3 0
  jmp -> b1
b1 depth 1:
  add2 v3 v2
  dec v2
  brnz v2 -> b2 b3
b2 depth 1:
  jmp -> b1
b3:
  call v4 v1 v1
  add v5 v4 v3
  ret v5
`)
	a := checkToy(t, f, toyInfo(4, 1))
	stores := 0
	for _, e := range a.Edits {
		if e.Kind == EditSpill {
			if f.blocks[e.Pos.Block].depth > 0 {
				t.Errorf("store in the loop: %+v\n%s", e, dumpAlloc(f, a))
			}
			stores++
		}
	}
	if stores == 0 {
		t.Errorf("no stores, but v1 and v3 live across the call\n%s", dumpAlloc(f, a))
	}
}

func TestCoalesceHeaviestPairFirst(t *testing.T) {
	// Three edges into b8 pass v1 as v3, one passes v5, and v1 lives on
	// in b4 after v5 is made, so v3 can join only one of them: v1, whose
	// copies run on three edges. Those three copies become nothing.
	f := mustParse(t, `
b0:
  mov v1 r0
  mov v2 r1
  brlt v1 v2 -> b4 b1
b1:
  brlt v2 v1 -> b5 b2
b2:
  brlt v1 v1 -> b6 b3
b3:
  jmp -> b7
b4:
  add v5 v1 v2
  out v1
  mov v3 v5
  jmp -> b8
b5:
  mov v3 v1
  jmp -> b8
b6:
  mov v3 v1
  jmp -> b8
b7:
  mov v3 v1
  jmp -> b8
b8:
  add v6 v3 v2
  ret v6
`)
	a := checkToy(t, f, toyInfo(4, 1))
	for _, b := range []int{5, 6, 7} {
		if d, s := a.Reg(b, 0, 0), a.Reg(b, 0, 1); d != s {
			t.Errorf("b%d: copy of v1 into v3 is %v <- %v, want one register\n%s", b, d, s, dumpAlloc(f, a))
		}
	}
}

// TestRareArmReloadsAtJoin: a loop's rarely taken arm needs every
// register, so v1, which the loop reads at its top, loses its register
// there. Its next use lies after the loop, but it lives around the back
// edge in a register: it takes the register again where the arm rejoins
// (a load on the arm's edge), not on the back edge, where the load would
// run on every iteration.
func TestRareArmReloadsAtJoin(t *testing.T) {
	f := mustParse(t, `
b0:
  mov v1 r0
  const v2 10
  const v3 0
  jmp -> b1
b1 depth 1:
  add v3 v3 v1
  brlt v3 v2 -> b2 b3
b2 depth 1:
  const v4 1
  const v5 2
  add v6 v4 v5
  add v6 v6 v3
  add v6 v6 v4
  add v6 v6 v5
  out v6
  jmp -> b3
b3 depth 1:
  dec v2
  brnz v2 -> b4 b5
b4 depth 1:
  jmp -> b1
b5:
  out v3
  out v1
  ret v3
`)
	a := checkToy(t, f, toyInfo(3, 1))
	slot := -1 // v1's: stored after its definition
	for _, e := range a.Edits {
		if e.Kind == EditSpill && e.Pos.Block == 0 && e.Pos.Instr == 0 {
			slot = e.Slot
		}
	}
	inArm := false
	for _, e := range a.Edits {
		if e.Kind != EditReload || e.Slot != slot || f.blocks[e.Pos.Block].depth == 0 {
			continue
		}
		if e.Pos.Block != 2 {
			t.Errorf("v1 reloaded outside the rare arm: %+v\n%s", e, dumpAlloc(f, a))
		}
		inArm = true
	}
	if slot < 0 || !inArm {
		t.Errorf("want v1 spilled and reloaded in the rare arm:\n%s", dumpAlloc(f, a))
	}
}

// TestSlotsByUse: v9, spilled first, is reloaded once after the loop;
// v1 and v4 are reloaded on every iteration (the call clobbers them).
// Slots are numbered by how often their edits run, so theirs come first.
func TestSlotsByUse(t *testing.T) {
	// loopWithCall, with v9 spilled before the loop and read after it.
	prog := strings.Replace(loopWithCall, "  const v4 100\n", "  const v9 7\n  call v8 v9 v9\n  const v4 100\n", 1)
	f := mustParse(t, strings.Replace(prog, "  ret v7\n", "  add v7 v7 v9\n  ret v7\n", 1))
	a := checkToy(t, f, toyInfo(4, 1))
	inLoop := map[int]bool{}
	for _, e := range a.Edits {
		if e.Kind == EditReload && f.blocks[e.Pos.Block].depth > 0 {
			inLoop[e.Slot] = true
		}
	}
	after := -1 // v9's: reloaded after the loop only
	for _, e := range a.Edits {
		if e.Kind == EditReload && e.Pos.Block == 3 && !inLoop[e.Slot] {
			after = e.Slot
		}
	}
	for s := range inLoop {
		if after < 0 || s > after {
			t.Errorf("slot %d reloaded in the loop should come before v9's (%d)\n%s", s, after, dumpAlloc(f, a))
		}
	}
}

// TestEvictBeforeCuttingInLoop: v3 enters the loop with a register that
// v4 (coalesced with v6, defined before the loop) takes back inside it,
// while v1 holds a register through the loop without a use there. v1
// should give its register up before the loop, rather than v3 being
// stored and reloaded on every iteration.
func TestEvictBeforeCuttingInLoop(t *testing.T) {
	f := mustParse(t, `
b0:
  mov v1 r0
  const v2 10
  brnz v1 -> b1 b2
b1:
  const v6 0
  jmp -> b6
b2:
  const v3 0
  jmp -> b3
b3 depth 1:
  add v4 v3 v2
  out v3
  dec v2
  brnz v2 -> b4 b5
b4 depth 1:
  mov v3 v4
  jmp -> b3
b5:
  mov v6 v4
  jmp -> b6
b6:
  out v1
  ret v6
`)
	noStackEditsInLoops(t, f, checkToy(t, f, toyInfo(3, 1)))
}
