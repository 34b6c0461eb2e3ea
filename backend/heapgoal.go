package backend

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A young process collects first at a 4 MB heap (GOGC=100) and then at
// twice what was live. A compilation keeps each worker's buffers, sized
// for the largest function it has compiled, live until the end, so the
// collections it causes in a small heap find almost nothing to free: on
// a 70 KB module they were a quarter of the wall time (write barriers on
// the compiler's pointer stores, assists, sweeping's page faults).
// holdHeapGoal raises GOGC while compilations run, so that the heap may
// grow to about what a compilation is expected to allocate before the
// first collection, and puts the old value back when the last one ends.
// It is the Go compiler's own remedy (cmd/compile's AdjustStartingHeap),
// kept to the compilation: a process whose heap goal already exceeds the
// need, whose collector is off, or which runs under a memory limit is
// left alone.

const (
	// heapNeedMax bounds the goal asked for: larger modules collect as
	// before, and their reuse of freed memory saves page faults.
	heapNeedMax = 32 << 20
	// gogcMax bounds the percentage set.
	gogcMax = 5000
)

var heapGoal struct {
	mu      sync.Mutex
	holders int
	set     int // the percentage holdHeapGoal set, 0 if none
	old     int // the percentage it replaced
}

// holdHeapGoal asks for a heap goal with room for need more bytes than
// the last collection found live, until release is called.
func holdHeapGoal(need uint64) (release func()) {
	h := &heapGoal
	h.mu.Lock()
	defer h.mu.Unlock()
	h.holders++
	if h.holders == 1 {
		h.set = 0
		if p := gogcFor(min(need, heapNeedMax)); p > 0 {
			h.old = debug.SetGCPercent(p)
			h.set = p
		}
	}
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.holders--
		if h.holders > 0 || h.set == 0 {
			return
		}
		// Put the old value back unless someone changed ours meanwhile.
		if cur := debug.SetGCPercent(h.old); cur != h.set {
			debug.SetGCPercent(cur)
		}
		h.set = 0
	}
}

// gogcFor returns the GOGC that leaves about need bytes between what is
// live and the heap goal, or 0 to leave GOGC as it is.
func gogcFor(need uint64) int {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return 0 // the limit, not GOGC, is what the user tuned
	}
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/heap/goal:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return 0
		}
	}
	gogc, goal, live := s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
	need += live
	if gogc == 0 || gogc > gogcMax || goal >= need {
		return 0
	}
	var p uint64
	if live == 0 {
		// No collection yet: the goal is the minimum heap, which scales
		// with GOGC.
		p = gogc * need / goal
	} else {
		// The goal is live * (1 + GOGC/100).
		p = 100*need/live - 100
	}
	return int(min(max(p, gogc), gogcMax))
}
