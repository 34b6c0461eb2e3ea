package ssa

import "fmt"

// Config controls Optimize.
type Config struct {
	// Verify runs the verifier after every pass (tests set it).
	Verify bool
}

// Pass is one transformation of a function.
type Pass struct {
	Name string
	Run  func(f *Func)
}

// Passes lists the passes Optimize runs, in order.
var Passes = []Pass{
	{"deadblocks", deadBlocks},
	{"constfold", constFold},
	{"blockparams", removeRedundantParams},
	{"simplify", simplify},
	{"licm", licm}, // before gvn, which merges what it hoists
	{"gvn", gvn},
	{"bounds", boundsChecks},
	{"widen", widenChecks},
	{"boundsfast", boundsFast},
	{"remat", remat},
	{"dce", deadCode},
	{"merge", mergeBlocks},
	{"critical", splitCriticalEdges},
	{"layout", layoutRPO},
}

// Optimize runs Passes over f, then recounts uses. With cfg.Verify it
// verifies f before the first pass and after each one.
func Optimize(f *Func, cfg Config) error {
	if cfg.Verify {
		if err := Verify(f); err != nil {
			return fmt.Errorf("before optimization: %w", err)
		}
	}
	for _, p := range Passes {
		p.Run(f)
		if cfg.Verify {
			if err := Verify(f); err != nil {
				return fmt.Errorf("after %s: %w", p.Name, err)
			}
		}
	}
	f.CountUses()
	return nil
}
