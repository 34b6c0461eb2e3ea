package mach

import (
	"reflect"
	"testing"

	"github.com/wasmc/wasmc/regalloc"
)

func spill(b, i int32, after bool, src regalloc.Reg, slot int) regalloc.Edit {
	return regalloc.Edit{Pos: regalloc.Pos{Block: b, Instr: i, After: after}, Kind: regalloc.EditSpill, Src: src, Slot: slot}
}

func reload(b, i int32, dst regalloc.Reg, slot int) regalloc.Edit {
	return regalloc.Edit{Pos: regalloc.Pos{Block: b, Instr: i}, Kind: regalloc.EditReload, Dst: dst, Slot: slot}
}

// runEdits passes every edit of block b through s and returns what is
// emitted.
func runEdits(s *Spills, b int, preds []int, edits []regalloc.Edit, lo int) []regalloc.Edit {
	s.StartBlock(b, preds, edits, lo)
	var out []regalloc.Edit
	for i := lo; i < len(edits) && int(edits[i].Pos.Block) == b; i++ {
		if ed, ok := s.Edit(edits, i); ok {
			out = append(out, ed)
		}
	}
	return out
}

func TestSpillsInBlock(t *testing.T) {
	edits := []regalloc.Edit{
		spill(0, 0, true, 1, 5), // 0: dead, the next spill overwrites slot 5 unread
		spill(0, 1, true, 1, 5), // 1: kept
		reload(0, 2, 1, 5),      // 2: dropped, r1 holds slot 5
		reload(0, 2, 2, 5),      // 3: a move from r1
		spill(0, 3, true, 3, 6), // 4: kept
		reload(0, 4, 3, 6),      // 5: dropped
		reload(0, 5, 4, 5),      // 6: a move from r1 (r2 was redefined)
		spill(0, 6, true, 1, 5), // 7: dropped, r1 holds slot 5
	}
	// defs[i]: the registers the instructions write before edit i.
	defs := map[int][]regalloc.Reg{0: {1}, 1: {1}, 4: {3}, 6: {2}}
	var s Spills
	s.StartBlock(0, nil, edits, 0)
	var got []regalloc.Edit
	for i := range edits {
		for _, r := range defs[i] {
			s.Def(r)
		}
		if ed, ok := s.Edit(edits, i); ok {
			got = append(got, ed)
		}
	}
	want := []regalloc.Edit{
		edits[1],
		{Pos: edits[3].Pos, Kind: regalloc.EditMove, Dst: 2, Src: 1},
		edits[4],
		{Pos: edits[6].Pos, Kind: regalloc.EditMove, Dst: 4, Src: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("emitted\n%+v\nwant\n%+v", got, want)
	}
}

func TestSpillsAcrossBlocks(t *testing.T) {
	edits := []regalloc.Edit{
		reload(0, 0, 1, 3),
		spill(1, 0, true, 1, 3), // block 1's only predecessor is 0: r1 holds slot 3
		reload(2, 0, 1, 3),      // block 2's predecessors 0 and 1 agree: dropped
		reload(3, 0, 1, 3),      // block 3 is its own predecessor too: kept
	}
	var s Spills
	if got := runEdits(&s, 0, nil, edits, 0); len(got) != 1 {
		t.Fatalf("block 0 emitted %v", got)
	}
	if got := runEdits(&s, 1, []int{0}, edits, 1); len(got) != 0 {
		t.Errorf("block 1 emitted %v, want nothing", got)
	}
	if got := runEdits(&s, 2, []int{0, 1}, edits, 2); len(got) != 0 {
		t.Errorf("block 2 emitted %v, want nothing", got)
	}
	if got := runEdits(&s, 3, []int{2, 3}, edits, 3); len(got) != 1 {
		t.Errorf("block 3 emitted %v, want the reload", got)
	}
}

func TestSpillsClobberAndCopy(t *testing.T) {
	edits := []regalloc.Edit{
		reload(0, 0, 1, 3),
		reload(0, 1, 2, 3), // after a copy r2 = r1: r2 holds slot 3 already
		reload(0, 2, 1, 3), // after a clobber of r1: kept... as a move from r2
	}
	var s Spills
	s.StartBlock(0, nil, edits, 0)
	var got []regalloc.Edit
	for i := range edits {
		if i == 1 {
			s.Copy(2, 1)
		}
		if i == 2 {
			s.Clobber(regalloc.RegSet{}.Add(1))
		}
		if ed, ok := s.Edit(edits, i); ok {
			got = append(got, ed)
		}
	}
	want := []regalloc.Edit{edits[0], {Pos: edits[2].Pos, Kind: regalloc.EditMove, Dst: 1, Src: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("emitted\n%+v\nwant\n%+v", got, want)
	}
}

func TestJumps(t *testing.T) {
	// 0 -> 1 (jump to 3), 2 (jump to 1), 3, 4 and 5 jump to each other.
	targets := map[int]int{1: 3, 2: 1, 4: 5, 5: 4}
	var j Jumps
	j.Compute(6, func(b int) bool { _, ok := targets[b]; return ok }, func(b int) int { return targets[b] })
	if want := []int{0, 3, 3, 3, 4, 5}; !reflect.DeepEqual(j.Final, want) {
		t.Errorf("Final = %v, want %v", j.Final, want)
	}
	if want := []int{3, 3, 3, 4, 5, 6}; !reflect.DeepEqual(j.Next, want) {
		t.Errorf("Next = %v, want %v", j.Next, want)
	}
	if !j.Skipped(1) || !j.Skipped(2) || j.Skipped(4) {
		t.Errorf("skipped: 1 %v, 2 %v, 4 %v", j.Skipped(1), j.Skipped(2), j.Skipped(4))
	}
}

func TestSpillsDeadRegisterWrites(t *testing.T) {
	// At one point: a reload into r1 that a move overwrites unread is
	// dropped; one read by a move first is kept.
	at := regalloc.Pos{Block: 0, Instr: 0}
	edits := []regalloc.Edit{
		{Pos: at, Kind: regalloc.EditReload, Dst: 1, Slot: 2}, // dropped
		{Pos: at, Kind: regalloc.EditMove, Dst: 1, Src: 3},
		{Pos: at, Kind: regalloc.EditReload, Dst: 4, Slot: 5}, // kept: read next
		{Pos: at, Kind: regalloc.EditMove, Dst: 6, Src: 4},
		{Pos: at, Kind: regalloc.EditReload, Dst: 4, Slot: 7},
	}
	var s Spills
	got := runEdits(&s, 0, nil, edits, 0)
	if want := edits[1:]; !reflect.DeepEqual(got, want) {
		t.Errorf("emitted\n%+v\nwant\n%+v", got, want)
	}
}

func TestSpillsLiveness(t *testing.T) {
	// 0 -> 1 -> 3, 0 -> 2 -> 3. Slot 4 is spilled in 0 and reloaded only
	// in 1: live. Slot 5 is spilled in 0 and again in 1 and 2 before any
	// reload: dead in 0. Slot 6 is spilled in 3 and never read: dead.
	succs := [][]int{{1, 2}, {3}, {3}, nil}
	edits := []regalloc.Edit{
		spill(0, 0, true, 1, 4),
		spill(0, 0, true, 2, 5),
		reload(1, 0, 1, 4),
		spill(1, 0, true, 2, 5),
		spill(2, 0, true, 3, 5),
		reload(3, 0, 2, 5),
		spill(3, 0, true, 2, 6),
	}
	var s Spills
	s.Prepare(len(succs), func(b int) []int { return succs[b] }, edits)
	got := runEdits(&s, 0, nil, edits, 0)
	if want := edits[:1]; !reflect.DeepEqual(got, want) {
		t.Errorf("block 0 emitted\n%+v\nwant\n%+v", got, want)
	}
	runEdits(&s, 1, []int{0}, edits, 2)
	runEdits(&s, 2, []int{0}, edits, 4)
	got = runEdits(&s, 3, []int{1, 2}, edits, 5)
	if want := edits[5:6]; !reflect.DeepEqual(got, want) {
		t.Errorf("block 3 emitted\n%+v\nwant\n%+v", got, want)
	}
}

// loopFunc is a regalloc.Func of blocks whose instructions each define
// one register (defs[b][i]), for UseLoops.
type loopFunc struct {
	preds, succs [][]int
	defs         [][]regalloc.Reg
}

func (f *loopFunc) NumBlocks() int                       { return len(f.preds) }
func (f *loopFunc) Succs(b int) []int                    { return f.succs[b] }
func (f *loopFunc) Preds(b int) []int                    { return f.preds[b] }
func (f *loopFunc) LoopDepth(b int) int                  { return 0 }
func (f *loopFunc) NumInstrs(b int) int                  { return len(f.defs[b]) }
func (f *loopFunc) RegClass(regalloc.Reg) regalloc.Class { return regalloc.ClassInt }
func (f *loopFunc) Clobbers(b, i int) regalloc.RegSet    { return regalloc.RegSet{} }
func (f *loopFunc) IsMove(b, i int) (regalloc.Reg, regalloc.Reg, bool) {
	return 0, 0, false
}
func (f *loopFunc) Operands(b, i int, ops []regalloc.Operand) []regalloc.Operand {
	return append(ops, regalloc.Operand{Reg: f.defs[b][i], Def: true, Fixed: regalloc.NoReg})
}

// allocation assigns every operand its own (real) register.
func (f *loopFunc) allocation(edits []regalloc.Edit) *regalloc.Allocation {
	a := &regalloc.Allocation{Edits: edits}
	for _, ds := range f.defs {
		var starts []int32
		var w regalloc.RegSet
		for _, r := range ds {
			starts = append(starts, int32(len(a.Assign)))
			a.Assign = append(a.Assign, r)
			w = w.Add(r)
		}
		a.Start = append(a.Start, starts)
		a.Writes = append(a.Writes, w)
	}
	return a
}

func TestSpillsIntoLoop(t *testing.T) {
	// b0 reloads r1 (slot 3) and r2 (slot 4) and enters the loop b1-b2,
	// whose b1 writes r2 and whose latch b2 reloads both again for the
	// header. r1 keeps slot 3 around the loop: its reload is redundant.
	f := &loopFunc{
		preds: [][]int{nil, {0, 2}, {1}, {1}},
		succs: [][]int{{1}, {2, 3}, {1}, nil},
		defs:  [][]regalloc.Reg{nil, {2}, nil, nil},
	}
	run := func(loops bool, edits []regalloc.Edit) []regalloc.Edit {
		var s Spills
		if loops {
			s.UseLoops(f, f.allocation(edits))
		}
		var out []regalloc.Edit
		lo := 0
		for b := range 4 {
			out = append(out, runEdits(&s, b, f.preds[b], edits, lo)...)
			for _, r := range f.defs[b] {
				s.Def(r)
			}
			for lo < len(edits) && int(edits[lo].Pos.Block) == b {
				lo++
			}
		}
		return out
	}
	edits := []regalloc.Edit{reload(0, 0, 1, 3), reload(0, 0, 2, 4), reload(2, 0, 1, 3), reload(2, 0, 2, 4)}
	if got, want := run(true, edits), []regalloc.Edit{edits[0], edits[1], edits[3]}; !reflect.DeepEqual(got, want) {
		t.Errorf("with loops: emitted\n%+v\nwant\n%+v", got, want)
	}
	if got := run(false, edits); !reflect.DeepEqual(got, edits) {
		t.Errorf("without loops: emitted\n%+v\nwant every edit", got)
	}
	// A store to slot 3 inside the loop changes what r1 would hold.
	stored := []regalloc.Edit{reload(0, 0, 1, 3), spill(1, 0, true, 2, 3), reload(2, 0, 1, 3)}
	if got := run(true, stored); !reflect.DeepEqual(got, stored) {
		t.Errorf("slot stored in the loop: emitted\n%+v\nwant every edit", got)
	}
}
