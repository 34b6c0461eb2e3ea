package regalloc

import "sort"

// rng is the half-open position range [from, to).
type rng struct{ from, to int32 }

// use is a position where an interval's value is read or written.
type use struct {
	pos   int32
	hintV int32 // dense id of a move partner whose register to prefer, or -1
	hint  Reg   // real register to prefer, or NoReg
	depth uint8
	need  bool // the operand must be in the value's own register here
}

// fixedRange is a stretch where a real register is taken: by a real
// register operand's value, a clobber (owner -1) or a fixed operand of the
// value owner, which may itself sit in the register there.
type fixedRange struct {
	from, to int32
	owner    int32
}

// interval is one piece of a value's lifetime with a single location: a
// register, or its stack slot when reg is NoReg after allocation. Splitting
// cuts an interval in two at a position; the pieces of one value form a
// chain through next in position order.
type interval struct {
	id     int32 // dense id of the value (representative after coalescing)
	class  Class
	ranges []rng
	uses   []use
	reg    Reg
	done   bool // location decided
	hint   Reg  // register of the piece this one was split from
	next   *interval
	seq    int32 // heap tie-break
	cur    int32 // scan cursor: no range before it ends after the scan position
}

func (it *interval) start() int32 { return it.ranges[0].from }
func (it *interval) end() int32   { return it.ranges[len(it.ranges)-1].to }

// rangeAfter returns the index of the first range ending after p.
func (it *interval) rangeAfter(p int32) int {
	return sort.Search(len(it.ranges), func(i int) bool { return it.ranges[i].to > p })
}

// coversFwd is covers for positions that never decrease from one call
// to the next (the scan's), walking a cursor instead of searching.
func (it *interval) coversFwd(p int32) bool {
	i := int(it.cur)
	for i < len(it.ranges) && it.ranges[i].to <= p {
		i++
	}
	it.cur = int32(i)
	return i < len(it.ranges) && it.ranges[i].from <= p
}

func (it *interval) covers(p int32) bool {
	i := it.rangeAfter(p)
	return i < len(it.ranges) && it.ranges[i].from <= p
}

// nextStart returns the first range start at or after p, or maxPos.
func (it *interval) nextStart(p int32) int32 {
	i := sort.Search(len(it.ranges), func(i int) bool { return it.ranges[i].from >= p })
	if i == len(it.ranges) {
		return maxPos
	}
	return it.ranges[i].from
}

// useAfter returns the index of the first use at or after p.
func (it *interval) useAfter(p int32) int {
	return sort.Search(len(it.uses), func(i int) bool { return it.uses[i].pos >= p })
}

// nextRegUse returns the first position at or after p where the value
// must be in its register, and the loop depth there; maxPos if none.
func (it *interval) nextRegUse(p int32) (int32, uint8) {
	for i := it.useAfter(p); i < len(it.uses); i++ {
		if it.uses[i].need {
			return it.uses[i].pos, it.uses[i].depth
		}
	}
	return maxPos, 0
}

// regUseIn reports whether the value needs its register in [lo, hi).
func (it *interval) regUseIn(lo, hi int32) bool {
	p, _ := it.nextRegUse(lo)
	return p < hi
}

// split cuts it at p (start < p < end): it keeps what lies before p, the
// returned piece what lies from p on. The piece shares the tail of the
// range and use lists, so splitting a long interval again and again
// stays linear.
func (a *allocator) split(it *interval, p int32) *interval {
	seq := a.nextSeq()
	i := it.rangeAfter(p)
	rs := it.ranges[i:]
	if rs[0].from < p {
		head := take(&a.rngArena, i+1)
		copy(head, it.ranges[:i+1])
		head[i].to = p
		rs[0].from = p
		it.ranges = head
	} else {
		it.ranges = it.ranges[:i:i]
	}
	u := it.useAfter(p)
	child := a.newInterval()
	*child = interval{id: it.id, class: it.class, ranges: rs, uses: it.uses[u:], reg: NoReg, hint: it.hint, next: it.next, seq: seq}
	it.uses = it.uses[:u:u]
	if it.reg != NoReg {
		child.hint = it.reg
	}
	it.next = child
	return child
}

// firstIntersection returns the first position covered by both range
// lists, or maxPos. y is searched from the first range ending after x's
// start.
func firstIntersection(x, y []rng) int32 {
	if len(x) == 0 || len(y) == 0 {
		return maxPos
	}
	s := x[0].from
	j := sort.Search(len(y), func(i int) bool { return y[i].to > s })
	i := 0
	for i < len(x) && j < len(y) {
		lo := max(x[i].from, y[j].from)
		if lo < min(x[i].to, y[j].to) {
			return lo
		}
		if x[i].to <= y[j].to {
			i++
		} else {
			j++
		}
	}
	return maxPos
}

// fixedIntersection is firstIntersection against a register's fixed
// ranges, ignoring those owned by the value owner.
func fixedIntersection(x []rng, fr []fixedRange, owner int32) int32 {
	if len(x) == 0 || len(fr) == 0 {
		return maxPos
	}
	s := x[0].from
	j := sort.Search(len(fr), func(i int) bool { return fr[i].to > s })
	i := 0
	for i < len(x) && j < len(fr) {
		if fr[j].owner == owner && owner >= 0 {
			j++
			continue
		}
		lo := max(x[i].from, fr[j].from)
		if lo < min(x[i].to, fr[j].to) {
			return lo
		}
		if x[i].to <= fr[j].to {
			i++
		} else {
			j++
		}
	}
	return maxPos
}

// ivHeap is a min-heap of intervals by start position.
type ivHeap []*interval

func (h ivHeap) less(i, j int) bool {
	si, sj := h[i].start(), h[j].start()
	if si != sj {
		return si < sj
	}
	return h[i].seq < h[j].seq
}

func (h *ivHeap) push(it *interval) {
	*h = append(*h, it)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *ivHeap) pop() *interval {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s[n] = nil
	s = s[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && s.less(l, m) {
			m = l
		}
		if r < n && s.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}
