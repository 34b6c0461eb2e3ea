package amd64

import (
	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/internal/bufs"
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Interrupt checks through a register the loop leaves free.
//
// A loop header's check loads the address of the goroutine's preemption
// word from the ExecCtx, then compares the word (docs/abi.md). The address
// changes only across calls (a callee may resume this frame's continuation
// on another goroutine), so a loop without calls can load it once, on
// entry, into a register that no value occupies anywhere in the loop and
// check through it with one load: memcmp's byte loop goes from 11
// instructions to 10, and no value gives up its register for it, since the
// allocator is never asked (asking it measured slower where registers are
// scarce; docs/performance.md).

// guards holds, per block, the register its loop check reads the word's
// address from (check) and the register to load the address into at its
// end (load), the preheader of such a loop; NoReg when none.
type guards struct {
	check, load []Reg
	loop        mach.Loop
	regs        []regalloc.RegSet  // per block, the registers its operands, edits and clobbers name
	scanned     []bool             // per block, whether regs covers its instructions (regsOf)
	calls       []bool             // per block, whether it calls (once scanned)
	ops         []regalloc.Operand // loopBusy's
}

// planGuards fills e.guards for the final block order (after splitEdges,
// before computeJumps: a preheader that loads is no longer trivial).
func (e *emitter) planGuards() {
	g := &e.guards
	mf := e.mf
	n := len(mf.blocks)
	g.check, g.load = g.check[:0], g.load[:0]
	for range n {
		g.check = append(g.check, NoReg)
		g.load = append(g.load, NoReg)
	}
	scanned := false
	for h := range n {
		if !mach.IsHeader(h, mf.blocks[h].Preds) || !hasIntCheck(mf.blocks[h]) {
			continue
		}
		if !scanned {
			e.editRegs()
			scanned = true
		}
		pre, busy, ok := e.loopBusy(h)
		if !ok {
			continue
		}
		if r := g.load[pre]; r != NoReg {
			// pre enters another loop too (a branch to two headers): one
			// load serves both if that loop's register is free here.
			if !busy.Has(regalloc.Reg(r)) {
				g.check[h] = r
			}
			continue
		}
		for _, r := range allocatable[regalloc.ClassInt] {
			if !busy.Has(r) && !calleeSaved.Has(r) && r != regalloc.Reg(ScratchGPR) {
				g.check[h], g.load[pre] = Reg(r), Reg(r)
				// The load writes r in pre: mach.Spills must not assume
				// that r keeps a slot's value around a loop containing pre.
				if pre < len(e.alloc.Writes) {
					e.alloc.Writes[pre] = e.alloc.Writes[pre].Add(r)
				}
				break
			}
		}
	}
}

// editRegs starts g.regs with the registers of each block's edits.
func (e *emitter) editRegs() {
	g := &e.guards
	n := len(e.mf.blocks)
	g.loop.Reset(n)
	g.regs = bufs.Cleared(g.regs, n)
	g.scanned = bufs.Cleared(g.scanned, n)
	g.calls = bufs.Cleared(g.calls, n)
	for i := range e.alloc.Edits {
		ed := &e.alloc.Edits[i]
		r := &g.regs[ed.Pos.Block]
		if ed.Kind != regalloc.EditSpill {
			*r = r.Add(ed.Dst)
		}
		if ed.Kind != regalloc.EditReload {
			*r = r.Add(ed.Src)
		}
	}
}

// regsOf returns the registers block b names (its edits', operands' and
// clobbers') and whether it calls.
func (e *emitter) regsOf(b int) (regalloc.RegSet, bool) {
	g := &e.guards
	if !g.scanned[b] {
		g.scanned[b] = true
		if b < len(e.alloc.Named) {
			g.regs[b] = g.regs[b].Union(e.alloc.Named[b])
		}
		for i := range e.mf.blocks[b].instrs {
			switch e.mf.blocks[b].instrs[i].op {
			case mCall, mCallInd, mCallBltin:
				g.calls[b] = true
			}
		}
	}
	return g.regs[b], g.calls[b]
}

// loopBusy collects the natural loop of header h and returns its
// preheader, the one block outside it that enters it, and the registers
// the loop uses: values live into h, operands, clobbers and edits of its
// blocks, and those the preheader's end needs. ok is false when the loop
// contains a call, is entered from several blocks or is not a natural
// loop.
func (e *emitter) loopBusy(h int) (pre int, busy regalloc.RegSet, ok bool) {
	g := &e.guards
	mf, alloc := e.mf, e.alloc
	if h >= len(alloc.HeaderIn) || !g.loop.Collect(h, func(b int) []int { return mf.blocks[b].Preds }) {
		return 0, busy, false
	}
	pre = -1
	for _, p := range mf.blocks[h].Preds {
		if !g.loop.Has(h, p) {
			if pre >= 0 && pre != p {
				return 0, busy, false
			}
			pre = p
		}
	}
	if pre < 0 {
		return 0, busy, false
	}
	busy = alloc.HeaderIn[h]
	if len(mf.blocks[pre].Succs) > 1 {
		// The address is loaded before pre's terminator, where the
		// registers of values live out of pre and those the terminator
		// reads must stay; on the edge to h no moves follow (they would
		// have a block of their own).
		if pre >= len(alloc.EntryOut) {
			return 0, busy, false
		}
		busy = busy.Union(alloc.EntryOut[pre])
		last := len(mf.blocks[pre].instrs) - 1
		g.ops = mf.Operands(pre, last, g.ops[:0])
		for k := range g.ops {
			busy = busy.Add(alloc.Reg(pre, last, k))
		}
	}
	for _, b := range g.loop.Blocks {
		regs, calls := e.regsOf(b)
		if calls {
			return 0, busy, false
		}
		busy = busy.Union(regs)
	}
	return pre, busy, true
}

func hasIntCheck(b *mblock) bool {
	for i := range b.instrs {
		if b.instrs[i].op == mIntCheck {
			return true
		}
	}
	return false
}

// loadGuard loads the preemption word's address into r.
func (a *Asm) loadGuard(r Reg) { a.MovRM(S64, r, execMem(abi.ExecPreempt)) }

// InterruptCheckVia is InterruptCheck with the word's address already in r.
func (a *Asm) InterruptCheckVia(r Reg) {
	y := yieldSite{call: a.NewLabel(), back: a.NewLabel()}
	a.AluMI(CMP, S64, M(r, 0), int32(int64(abi.PreemptRequest-1<<64)))
	a.Jcc(CondE, y.call)
	a.Bind(y.back)
	a.yieldSites = append(a.yieldSites, y)
}
