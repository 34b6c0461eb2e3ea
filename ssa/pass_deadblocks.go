package ssa

// deadBlocks removes the blocks that are unreachable from the entry.
func deadBlocks(f *Func) {
	reach := make([]bool, f.NumBlocks())
	for _, b := range f.postorder() {
		reach[b.ID] = true
	}
	kept := f.Blocks[:0]
	for _, b := range f.Blocks {
		if reach[b.ID] {
			kept = append(kept, b)
			continue
		}
		for _, e := range b.Succs {
			e.Block.RemovePred(b)
		}
	}
	for i := len(kept); i < len(f.Blocks); i++ {
		f.Blocks[i] = nil
	}
	f.Blocks = kept
}
