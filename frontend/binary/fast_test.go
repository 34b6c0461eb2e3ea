package binary

import (
	"math/rand"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// TestShortSMatchesReadSN checks the inline signed LEB128 path of Next
// against readSN on random encodings of every length.
func TestShortSMatchesReadSN(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		b := make([]byte, 1+rng.Intn(11))
		for j := range b {
			b[j] = byte(rng.Intn(256))
			if rng.Intn(3) > 0 {
				b[j] |= 0x80 // favour long encodings
			}
		}
		for _, c := range []struct{ max, bits int }{{4, 32}, {9, 64}} {
			r1, r2 := reader{b: b}, reader{b: b}
			got, ok := r1.shortS(c.max)
			if !ok {
				if r1.pos != 0 {
					t.Fatalf("% x: shortS(%d) consumed %d bytes and failed", b, c.max, r1.pos)
				}
				continue
			}
			want, err := r2.readSN(c.bits)
			if err != nil || got != want || r1.pos != r2.pos {
				t.Fatalf("% x: shortS(%d) = %d (%d bytes), readSN(%d) = %d (%d bytes), %v",
					b, c.max, got, r1.pos, c.bits, want, r2.pos, err)
			}
		}
	}
}

// TestMemArgFastPath checks memArg's one-byte fast path against its general
// path for every two-byte flags/offset pair.
func TestMemArgFastPath(t *testing.T) {
	for _, f := range []wasm.Features{wasm.MVP, wasm.Default, wasm.All} {
		for flags := 0; flags < 0x20; flags++ {
			for off := 0; off < 0x80; off++ {
				code := []byte{byte(flags), byte(off)}
				ir := NewInstrReader(code, 0, f)
				var got wasm.MemArg
				if err := ir.memArg(&got); err != nil || ir.r.pos != 2 {
					t.Fatalf("%x %x: %v", flags, off, err)
				}
				// The same values in a non-minimal encoding take the
				// general path.
				ir = NewInstrReader([]byte{byte(flags) | 0x80, 0, byte(off) | 0x80, 0}, 0, f)
				var want wasm.MemArg
				if err := ir.memArg(&want); err != nil || got != want {
					t.Fatalf("%x %x: fast %+v, general %+v, %v", flags, off, got, want, err)
				}
			}
		}
	}
}
