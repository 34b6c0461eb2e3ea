//go:build !race

package runtime

import (
	"sync/atomic"
	"unsafe"
)

// release clears a busy flag taken by compare-and-swap. Go's atomic store
// is an XCHG, a full barrier that waits for every pending store; a release
// needs only a plain store on amd64. Race builds keep the atomic store,
// which the race detector sees.
func release(flag *atomic.Uint32) { storeRelease((*uint32)(unsafe.Pointer(flag)), 0) }

//go:noescape
func storeRelease(p *uint32, v uint32)
