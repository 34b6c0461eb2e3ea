package ssa

// layoutRPO orders the blocks in reverse postorder: every block after its
// dominator and loop bodies after their headers. Unreachable blocks are
// dropped (deadBlocks has removed them already).
func layoutRPO(f *Func) {
	order := f.rpo()
	n := copy(f.Blocks, order)
	clear(f.Blocks[n:])
	f.Blocks = f.Blocks[:n]
}
