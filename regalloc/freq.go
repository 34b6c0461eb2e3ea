package regalloc

import (
	"slices"

	"github.com/wasmc/wasmc/internal/bufs"
)

// Static block frequencies. Loop depth (weights) tells a loop's body from
// the code around it but not a rarely taken arm from the path every
// iteration takes: a store on either weighs the same. freq is a guess at
// how often each block runs per call of the function, without a profile:
// a block's count is split among its successors (evenly, but for edges
// that leave a loop, which are taken less often), a loop header runs
// loopTrips times for each entry, and an edge that leaves loops carries at
// most what entered the outermost of them.

// loopTrips is how many times a loop's header runs per entry; each loop
// level multiplies the depth weights (weights) by it too.
const loopTrips = 10

// maxFreq caps guessed counts, so that deep loop nests stay finite.
const maxFreq = 1e30

// estimateFreq fills a.freq. It needs a.preds (buildPreds) and
// a.outerBefore (buildLoopBounds).
func (a *allocator) estimateFreq() {
	nb := a.nb
	a.freq = bufs.Cleared(a.freq, nb)
	if nb == 0 {
		return
	}
	order := a.reversePostorder()
	rank := a.rpoRank // rank[b]: b's place in order, or -1 if unreachable
	a.freq[0] = 1
	for _, b := range order {
		f := a.freq[b]
		for _, p := range a.preds[a.predStart[b]:a.predStart[b+1]] {
			if rank[p] >= rank[b] { // a back edge: b heads a loop
				f = min(f*loopTrips, maxFreq)
				break
			}
		}
		a.freq[b] = f
		succs := a.succs[b]
		total := a.branchTotal(b)
		for _, s := range succs {
			if rank[s] <= rank[b] {
				continue
			}
			e := f * a.branchWeight(b, s) / total
			if a.depth[s] < a.depth[b] {
				e = min(e, a.enteredFreq(b, a.depth[s]))
			}
			a.freq[s] += e
		}
	}
}

// reversePostorder returns the blocks reachable from block 0 in reverse
// postorder and sets a.rpoRank. The layout is mostly in that order
// already (ssa.layoutRPO), but the blocks a backend adds for the moves of
// critical edges come last. In a reducible CFG (Wasm's), an edge to a
// block no later in this order than its source is a back edge.
func (a *allocator) reversePostorder() []int32 {
	nb := a.nb
	a.rpoRank = bufs.Cleared(a.rpoRank, nb)
	next := bufs.Cleared(a.rpoNext, nb) // per block, the next successor to visit
	post := a.rpoOrder[:0]
	stack := a.rpoStack[:0]
	for i := range a.rpoRank {
		a.rpoRank[i] = -1
	}
	a.rpoRank[0] = 0 // visited
	stack = append(stack, 0)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		if k := next[v]; int(k) < len(a.succs[v]) {
			next[v]++
			if w := a.succs[v][k]; a.rpoRank[w] < 0 {
				a.rpoRank[w] = 0
				stack = append(stack, w)
			}
			continue
		}
		stack = stack[:len(stack)-1]
		post = append(post, v)
	}
	slices.Reverse(post)
	for i, b := range post {
		a.rpoRank[b] = int32(i)
	}
	a.rpoNext, a.rpoOrder, a.rpoStack = next, post, stack
	return post
}

// enteredFreq bounds the count of an edge from block b out to loop depth
// d: the count of the block laid out just before the outermost loop it
// leaves (the loop's entry, or what branched to it).
func (a *allocator) enteredFreq(b int32, d uint8) float64 {
	x := b
	for a.depth[x] > d {
		x = a.outerBefore[x]
		if x < 0 {
			return a.freq[b]
		}
	}
	return a.freq[x]
}

// branchWeight is the share of block b's count that goes to successor s,
// relative to b's other successors: a loop usually goes round rather than
// leaving, so an edge out of b's loop weighs 1 and one that stays in it
// (or goes round) stayWeight.
func (a *allocator) branchWeight(b, s int32) float64 {
	if a.depth[s] < a.depth[b] {
		return 1
	}
	return stayWeight
}

// stayWeight is the weight of an edge that stays in its loop against an
// exit's 1 (one exit in loopTrips-1 for a loop with one way out).
const stayWeight = loopTrips - 1

// branchTotal is the sum of branchWeight over b's successors.
func (a *allocator) branchTotal(b int32) float64 {
	var total float64
	for _, s := range a.succs[b] {
		total += a.branchWeight(b, s)
	}
	return total
}
