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
	st, en int32 // start and end: ranges[0].from, ranges[len(ranges)-1].to
	uses   []use
	reg    Reg
	done   bool // location decided
	hint   Reg  // register of the piece this one was split from
	next   *interval
	seq    int32 // heap tie-break
	cur    int32 // scan cursor: no range before it ends after the scan position
	reload bool  // queued by toStack to reload the value for a use
}

func (it *interval) start() int32 { return it.st }
func (it *interval) end() int32   { return it.en }

// setRanges installs rs (not empty) as the interval's ranges.
func (it *interval) setRanges(rs []rng) {
	it.ranges, it.st, it.en = rs, rs[0].from, rs[len(rs)-1].to
}

// rangeAfter returns the index of the first range ending after p.
func (it *interval) rangeAfter(p int32) int { return endingAfter(it.ranges, p) }

// endingAfter returns the index of the first range of rs ending after p.
func endingAfter(rs []rng, p int32) int {
	lo, hi := 0, len(rs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rs[m].to <= p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
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

// lastRegUseBefore returns the position of its last use before p that
// needs the register, or -1.
func (it *interval) lastRegUseBefore(p int32) int32 {
	for i := it.useAfter(p) - 1; i >= 0; i-- {
		if it.uses[i].need {
			return it.uses[i].pos
		}
	}
	return -1
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
		it.setRanges(head)
	} else {
		it.setRanges(it.ranges[:i:i])
	}
	u := it.useAfter(p)
	child := a.newInterval()
	*child = interval{id: it.id, class: it.class, uses: it.uses[u:], reg: NoReg, hint: it.hint, next: it.next, seq: seq}
	child.setRanges(rs)
	it.uses = it.uses[:u:u]
	if it.reg != NoReg {
		child.hint = it.reg
	}
	it.next = child
	return child
}

// firstIntersection returns the first position covered by both range
// lists, or maxPos. Both are searched from the later start and walked
// only up to the earlier end: coalescing tests short lists against long
// ones.
func firstIntersection(x, y []rng) int32 {
	if len(x) == 0 || len(y) == 0 {
		return maxPos
	}
	s := max(x[0].from, y[0].from)
	e := min(x[len(x)-1].to, y[len(y)-1].to)
	if s >= e {
		return maxPos
	}
	i, j := endingAfter(x, s), endingAfter(y, s)
	for i < len(x) && j < len(y) {
		lo := max(x[i].from, y[j].from)
		if lo >= e {
			return maxPos
		}
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

// intersectFrom is firstIntersection for y's ranges from index j on,
// when those before j end before x starts.
func intersectFrom(x, y []rng, j int) int32 {
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
// ranges from the first that ends after x starts (see fixedAfter),
// ignoring those owned by the value owner.
func fixedIntersection(x []rng, fr []fixedRange, owner int32) int32 {
	if len(x) == 0 || len(fr) == 0 {
		return maxPos
	}
	end := x[len(x)-1].to
	i, j := 0, 0
	for i < len(x) && j < len(fr) {
		if fr[j].from >= end {
			return maxPos // the common case: nothing fixed before x ends
		}
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

// ivEnt is an interval waiting for allocation, with its start position
// and creation order (ties go to the older), kept beside it for fast
// comparison.
type ivEnt struct {
	start, seq int32
	it         *interval
}

func (x ivEnt) less(y ivEnt) bool {
	if x.start != y.start {
		return x.start < y.start
	}
	return x.seq < y.seq
}

// ivHeap is a min-heap of intervals by start position.
type ivHeap []ivEnt

func (h *ivHeap) push(it *interval) {
	*h = append(*h, ivEnt{it.start(), it.seq, it})
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
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
	s[n] = ivEnt{}
	s = s[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && s[l].less(s[m]) {
			m = l
		}
		if r < n && s[r].less(s[m]) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top.it
}

// wake is an inactive interval and the start of its next range.
type wake struct {
	at int32
	it *interval
}

// wakeHeap is a min-heap of inactive intervals by wake.at.
type wakeHeap []wake

func (h *wakeHeap) push(w wake) {
	*h = append(*h, w)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[p].at <= s[i].at {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *wakeHeap) pop() wake {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s[n] = wake{}
	s = s[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && s[l].at < s[m].at {
			m = l
		}
		if r < n && s[r].at < s[m].at {
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
