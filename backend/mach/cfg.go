// Package mach holds the machine-independent parts of the instruction
// selectors of backend/amd64 and backend/arm64: the control-flow graph and
// loop depths of a machine function that the shared register allocator
// reads (regalloc.Func), and the ordering of the parallel moves of block
// arguments. Each backend keeps its instructions, operands and encodings.
package mach

import "github.com/wasmc/wasmc/internal/bufs"

// Block is the control-flow part of a machine block; the backends embed it
// in their blocks.
type Block struct {
	Succs, Preds []int
	Depth        int // loop nesting depth
}

// ComputeCFG fills the Succs and Preds of blocks[0..n) from the targets of
// each block's terminator (targets(i) is nil for an empty block), and the
// loop depths from the natural loops of the back edges. block(i) returns
// the Block of machine block i; block 0 is the entry.
func ComputeCFG(n int, block func(i int) *Block, targets func(i int) []int) {
	var c CFG
	c.Compute(n, block, targets)
}

// CFG computes control-flow graphs with buffers kept from one function to
// the next (one per goroutine). The Succs of each block share the
// terminator's targets; the Preds share one array, valid until the next
// Compute.
type CFG struct {
	preds   []int
	order   []int // postorder
	num     []int // postorder number, -1 unreachable
	idom    []int
	inLoop  []int // header+1 of the last loop a block was counted for
	work    []int
	visited []bool
	stack   []cfgFrame
}

type cfgFrame struct{ b, next int }

// Compute is ComputeCFG with c's buffers.
func (c *CFG) Compute(n int, block func(i int) *Block, targets func(i int) []int) {
	total := 0
	for i := 0; i < n; i++ {
		b := block(i)
		t := targets(i)
		b.Succs, b.Preds, b.Depth = t[:len(t):len(t)], nil, 0
		total += len(t)
	}
	// Count the predecessors, then carve each block's list from one array.
	cnt := bufs.Cleared(c.num, n+1)
	for i := 0; i < n; i++ {
		for _, s := range block(i).Succs {
			cnt[s+1]++
		}
	}
	for i := 1; i <= n; i++ {
		cnt[i] += cnt[i-1]
	}
	c.preds = bufs.Resize(c.preds, total)
	for i := 0; i < n; i++ {
		block(i).Preds = c.preds[cnt[i]:cnt[i]:cnt[i+1]]
	}
	for i := 0; i < n; i++ {
		for _, s := range block(i).Succs {
			b := block(s)
			b.Preds = append(b.Preds, i)
		}
	}
	c.num = cnt
	c.loopDepths(n, block)
}

// loopDepths computes dominators (Cooper, Harvey, Kennedy) over the
// reachable blocks, then adds one to the depth of every block of each
// natural loop (back edges with the same header form one loop).
func (c *CFG) loopDepths(n int, block func(i int) *Block) {
	if n == 0 {
		return
	}
	order := c.order[:0]
	num := bufs.Resize(c.num, n)
	for i := range num {
		num[i] = -1
	}
	visited := bufs.Cleared(c.visited, n)
	stack := append(c.stack[:0], cfgFrame{0, 0})
	visited[0] = true
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(block(top.b).Succs) {
			s := block(top.b).Succs[top.next]
			top.next++
			if !visited[s] {
				visited[s] = true
				stack = append(stack, cfgFrame{s, 0})
			}
			continue
		}
		num[top.b] = len(order)
		order = append(order, top.b)
		stack = stack[:len(stack)-1]
	}
	c.order, c.num, c.visited, c.stack = order, num, visited, stack
	idom := bufs.Resize(c.idom, n)
	c.idom = idom
	for i := range idom {
		idom[i] = -1
	}
	idom[0] = 0
	intersect := func(a, b int) int {
		for a != b {
			for num[a] < num[b] {
				a = idom[a]
			}
			for num[b] < num[a] {
				b = idom[b]
			}
		}
		return a
	}
	for pass := 0; ; pass++ {
		changed := false
		for k := len(order) - 1; k >= 0; k-- {
			b := order[k]
			if b == 0 {
				continue
			}
			nd := -1
			for _, p := range block(b).Preds {
				if num[p] < 0 || idom[p] < 0 {
					continue
				}
				if nd < 0 {
					nd = p
				} else {
					nd = intersect(p, nd)
				}
			}
			if nd >= 0 && idom[b] != nd {
				idom[b] = nd
				changed = true
			}
		}
		// After the first pass, when every retreating edge's target
		// dominates its source the graph is reducible and those edges,
		// ignored so far, change nothing (ssa.Func.Dominators).
		if !changed || pass == 0 && retreatingDominated(order, num, idom, block) {
			break
		}
	}
	dominates := func(a, b int) bool {
		for {
			if a == b {
				return true
			}
			if b == 0 || idom[b] < 0 {
				return false
			}
			b = idom[b]
		}
	}
	inLoop := bufs.Cleared(c.inLoop, n)
	c.inLoop = inLoop
	work := c.work[:0]
	defer func() { c.work = work }()
	for h := 0; h < n; h++ {
		if num[h] < 0 {
			continue
		}
		work = work[:0]
		for _, p := range block(h).Preds {
			// Only a retreating edge (the source finishing first in the
			// depth-first search) can be a back edge: the dominance walk,
			// linear in the tree's depth, is not needed for the others.
			if num[p] >= 0 && num[p] <= num[h] && dominates(h, p) {
				work = append(work, p)
			}
		}
		if len(work) == 0 {
			continue
		}
		inLoop[h] = h + 1
		block(h).Depth++
		for len(work) > 0 {
			b := work[len(work)-1]
			work = work[:len(work)-1]
			if inLoop[b] == h+1 {
				continue
			}
			inLoop[b] = h + 1
			block(b).Depth++
			for _, p := range block(b).Preds {
				if num[p] >= 0 && inLoop[p] != h+1 {
					work = append(work, p)
				}
			}
		}
	}
}

// retreatingDominated reports whether the target of every retreating edge
// (to a block finishing later in the depth-first search, or to itself)
// dominates its source by the idoms found so far.
func retreatingDominated(order, num, idom []int, block func(i int) *Block) bool {
	for _, b := range order {
		for _, p := range block(b).Preds {
			if num[p] < 0 || num[p] > num[b] {
				continue
			}
			x := p
			for num[x] < num[b] {
				x = idom[x]
			}
			if x != b {
				return false
			}
		}
	}
	return true
}
