package ssa

import (
	"fmt"
	"slices"
)

// Config controls Optimize.
type Config struct {
	// Verify runs the verifier after every pass (tests set it).
	Verify bool
}

// Pass is one transformation of a function.
type Pass struct {
	Name string
	Run  func(f *Func)
	// KeepsCFG: the pass changes no block or edge, so that Optimize may
	// hand the dominator tree from before it to the passes after it.
	KeepsCFG bool
}

// Passes lists the passes Optimize runs, in order.
var Passes = []Pass{
	{"deadblocks", deadBlocks, false},
	{"constfold", constFold, false},
	{"blockparams", removeRedundantParams, true},
	{"simplify", simplify, true},
	{"divconst", divConst, true},
	{"licm", licm, false}, // before gvn, which merges what it hoists
	{"gvn", gvn, true},
	{"bounds", boundsChecks, true},
	{"widen", widenChecks, true},
	{"boundsfast", boundsFast, true},
	{"exitloads", exitLoads, true},
	{"remat", remat, true},
	{"dce", deadCode, true},
	{"merge", mergeBlocks, false},
	{"critical", splitCriticalEdges, false},
	{"layout", layoutRPO, false},
}

// Optimize runs Passes over f, then recounts uses. With cfg.Verify it
// verifies f before the first pass and after each one.
func Optimize(f *Func, cfg Config) error {
	if cfg.Verify {
		if err := Verify(f); err != nil {
			return fmt.Errorf("before optimization: %w", err)
		}
	}
	f.scratch.inOptimize = true
	defer func() { f.scratch.inOptimize, f.scratch.domValid, f.scratch.rpoValid = false, false, false }()
	for _, p := range Passes {
		if !p.KeepsCFG {
			f.scratch.domValid, f.scratch.rpoValid = false, false
		}
		p.Run(f)
		if cfg.Verify {
			if err := f.checkDomCache(); err != nil {
				return fmt.Errorf("after %s: %w", p.Name, err)
			}
			if err := Verify(f); err != nil {
				return fmt.Errorf("after %s: %w", p.Name, err)
			}
		}
	}
	f.CountUses()
	return nil
}

// checkDomCache reports an error when the dominator tree kept for the
// next pass is not that of the CFG as it is.
func (f *Func) checkDomCache() error {
	if f.scratch.rpoValid {
		kept := append([]*Block(nil), f.scratch.order...)
		f.scratch.rpoValid = false
		if !slices.Equal(kept, f.rpo()) {
			return fmt.Errorf("kept reverse postorder is stale")
		}
	}
	if !f.scratch.domValid {
		return nil
	}
	d := &f.scratch.dom
	kept := append([]*Block(nil), d.idom...)
	f.Dominators()
	for _, b := range f.Blocks {
		if int(b.ID) >= len(kept) || kept[b.ID] != d.idom[b.ID] {
			return fmt.Errorf("kept dominator tree is stale at block %d", b.ID)
		}
	}
	return nil
}
