package runtime

import (
	"sync"
	"sync/atomic"
)

// owner reference-counts mmap'd storage shared between instances: an
// instance's vmctx and everything it defines stay mapped while any instance
// that imported one of them is alive.
type owner struct {
	refs atomic.Int32
	free func()
}

func newOwner(free func()) *owner {
	o := &owner{free: free}
	o.refs.Store(1)
	return o
}

func (o *owner) retain() {
	if o != nil {
		o.refs.Add(1)
	}
}

func (o *owner) release() {
	if o != nil && o.refs.Add(-1) == 0 && o.free != nil {
		o.free()
	}
}

// recordSlab hands out small zeroed records (memory and table records,
// global cells) for objects created from Go rather than by an instance.
// Chunks are never unmapped: records are tiny and reused.
var recordSlab struct {
	mu   sync.Mutex
	free [][]byte
}

const slabRecord = 64

func allocRecord() ([]byte, error) {
	recordSlab.mu.Lock()
	defer recordSlab.mu.Unlock()
	if len(recordSlab.free) == 0 {
		b, err := mapRW(64 << 10)
		if err != nil {
			return nil, err
		}
		for off := 0; off+slabRecord <= len(b); off += slabRecord {
			recordSlab.free = append(recordSlab.free, b[off:off+slabRecord:off+slabRecord])
		}
	}
	r := recordSlab.free[len(recordSlab.free)-1]
	recordSlab.free = recordSlab.free[:len(recordSlab.free)-1]
	clear(r)
	return r, nil
}

func freeRecord(r []byte) {
	recordSlab.mu.Lock()
	recordSlab.free = append(recordSlab.free, r)
	recordSlab.mu.Unlock()
}
