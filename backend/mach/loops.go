package mach

import "github.com/wasmc/wasmc/internal/bufs"

// Loop collects natural loops in the final block order, for the emitters'
// passes that look at a whole loop after allocation.
type Loop struct {
	// Blocks are the blocks of the loop Collect found last, header first.
	Blocks []int
	member []int32 // per block, 1 + the header of the last loop holding it
	work   []int
}

// Reset prepares for a function of n blocks.
func (l *Loop) Reset(n int) { l.member = bufs.Cleared(l.member, n) }

// IsHeader reports whether block b is entered by a back edge: from itself
// or a block after it in layout.
func IsHeader(b int, preds []int) bool {
	for _, p := range preds {
		if p >= b {
			return true
		}
	}
	return false
}

// Collect gathers the loop of header h into Blocks, as Walk visits it.
func (l *Loop) Collect(h int, preds func(b int) []int) bool {
	l.Blocks = l.Blocks[:0]
	return l.Walk(h, preds, func(b int) bool {
		l.Blocks = append(l.Blocks, b)
		return true
	})
}

// Walk visits the loop of header h, h first: h and every block that
// reaches a back-edge predecessor of h (one at or after h) without
// passing through h. It stops early when visit returns false, and reports
// whether it visited the whole loop: false also when the walk reaches the
// entry block, as then h does not dominate the back edge's source and the
// cycle is no natural loop.
func (l *Loop) Walk(h int, preds func(b int) []int, visit func(b int) bool) bool {
	stamp := int32(h + 1)
	l.member[h] = stamp
	if !visit(h) {
		return false
	}
	l.work = l.work[:0]
	for _, p := range preds(h) {
		if p >= h && l.member[p] != stamp {
			l.member[p] = stamp
			l.work = append(l.work, p)
		}
	}
	for len(l.work) > 0 {
		b := l.work[len(l.work)-1]
		l.work = l.work[:len(l.work)-1]
		if b == 0 || !visit(b) {
			return false
		}
		for _, p := range preds(b) {
			if l.member[p] != stamp {
				l.member[p] = stamp
				l.work = append(l.work, p)
			}
		}
	}
	return true
}

// Has reports whether block b belongs to the loop of header h, the last
// one collected.
func (l *Loop) Has(h, b int) bool { return l.member[b] == int32(h+1) }
