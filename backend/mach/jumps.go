package mach

// Jumps threads branches through the blocks that are nothing but a jump
// (a split edge that needed no moves, a loop latch whose moves were all
// coalesced): a branch to one goes straight to where the jump leads, and
// the block is not emitted. Final[b] is the block a branch to b goes to
// (b itself when b is emitted), Next[b] the block emitted after b
// (the number of blocks after the last).
type Jumps struct {
	Final, Next []int
	triv        []bool
}

// Compute fills Final and Next for n blocks: trivial(b) reports whether
// block b is only a jump, to target(b). Block 0 is always emitted; a
// cycle of jumps is kept.
func (j *Jumps) Compute(n int, trivial func(b int) bool, target func(b int) int) {
	if cap(j.Final) < n {
		j.Final, j.Next, j.triv = make([]int, n), make([]int, n), make([]bool, n)
	}
	j.Final, j.Next, j.triv = j.Final[:n], j.Next[:n], j.triv[:n]
	for b := range n {
		j.triv[b] = b > 0 && trivial(b)
	}
	for b := range n {
		t := b
		for steps := 0; steps < n && j.triv[t]; steps++ {
			t = target(t)
		}
		if j.triv[t] {
			t = b
		}
		j.Final[b] = t
	}
	after := n
	for b := n - 1; b >= 0; b-- {
		j.Next[b] = after
		if j.Final[b] == b {
			after = b
		}
	}
}

// Skipped reports whether block b is not emitted.
func (j *Jumps) Skipped(b int) bool { return j.Final[b] != b }
