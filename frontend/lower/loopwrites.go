package lower

import (
	"slices"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// loopWrites knows which locals each loop of the function assigns, so that
// a read of a local the loop never assigns skips the loop header: without
// it, every such read puts a parameter on the header (its predecessors are
// not all known yet) that the SSA passes only remove later, at a cost in
// edge arguments and recursive reads at every back edge.
//
// It is found on the first loop, by one more decoding of the rest of the
// body; functions without loops never pay for it, nor those with fewer
// than scanMinLocals locals, whose headers cannot gain many parameters
// (Go's code: a few locals, all assigned in the loop around each body).
const scanMinLocals = 8

type loopWrites struct {
	scanned bool
	valid   bool     // false when the body holds something the scan does not follow
	starts  []uint32 // loops' opcode offsets, ascending
	ends    []uint32 // offsets of their ends
	at      []int32  // by local: its writes are offs[at[n]:at[n+1]]
	offs    []uint32 // offsets of local.set and local.tee inside loops
	pairs   []localWrite
	open    []int32 // scan: per open structured instruction, its loop index or -1
	ir      *binary.InstrReader
	in      wasm.Instr
}

type localWrite struct {
	local uint32
	off   uint32
}

func (w *loopWrites) reset() {
	w.scanned, w.valid = false, false
	w.starts, w.ends = w.starts[:0], w.ends[:0]
}

// scan records the loops and local writes of the rest of the body, from
// the loop at offset start.
func (w *loopWrites) scan(body []byte, base, start uint32, nLocals int) {
	w.scanned = true
	if w.ir == nil {
		w.ir = binary.NewInstrReader(nil, 0, wasm.All)
	}
	w.ir.Reset(body[start-base:], start)
	w.pairs, w.open = w.pairs[:0], w.open[:0]
	loops := 0 // open loops
	for !w.ir.AtEnd() {
		op, index, off, err := w.ir.Skip(&w.in)
		if err != nil {
			return
		}
		switch op {
		case 0x02, 0x04: // block, if
			w.open = append(w.open, -1)
		case 0x03: // loop
			w.open = append(w.open, int32(len(w.starts)))
			w.starts = append(w.starts, off)
			w.ends = append(w.ends, 0)
			loops++
		case 0x06, 0x18, 0x1f: // try, delegate, try_table: not lowered
			return
		case 0x0b: // end
			if len(w.open) == 0 {
				break // the function's end
			}
			if k := w.open[len(w.open)-1]; k >= 0 {
				w.ends[k] = off
				loops--
			}
			w.open = w.open[:len(w.open)-1]
		case 0x21, 0x22: // local.set, local.tee
			if loops > 0 && int(index) < nLocals {
				w.pairs = append(w.pairs, localWrite{index, off})
			}
		}
	}
	if len(w.open) != 0 {
		return
	}
	// Group the writes by local, keeping offsets ascending (counting sort).
	w.at = slices.Grow(w.at[:0], nLocals+1)[:nLocals+1]
	clear(w.at)
	for _, p := range w.pairs {
		w.at[p.local+1]++
	}
	for i := 1; i <= nLocals; i++ {
		w.at[i] += w.at[i-1]
	}
	w.offs = slices.Grow(w.offs[:0], len(w.pairs))[:len(w.pairs)]
	fill := w.open[:0] // reused: every open instruction has ended
	fill = append(fill, w.at[:nLocals]...)
	for _, p := range w.pairs {
		w.offs[fill[p.local]] = p.off
		fill[p.local]++
	}
	w.open = fill[:0]
	w.valid = true
}

// loopAt returns the index of the loop whose opcode is at offset off, or
// -1 when unknown.
func (w *loopWrites) loopAt(off uint32) int32 {
	if !w.valid {
		return -1
	}
	k, ok := slices.BinarySearch(w.starts, off)
	if !ok {
		return -1
	}
	return int32(k)
}

// writes reports whether loop k assigns local n.
func (w *loopWrites) writes(k int32, n uint32) bool {
	offs := w.offs[w.at[n]:w.at[n+1]]
	i, _ := slices.BinarySearch(offs, w.starts[k])
	return i < len(offs) && offs[i] < w.ends[k]
}
