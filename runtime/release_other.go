//go:build race || !amd64

package runtime

import "sync/atomic"

// release clears a busy flag taken by compare-and-swap (a store-release on
// arm64; race builds need the atomic store the race detector sees).
func release(flag *atomic.Uint32) { flag.Store(0) }
