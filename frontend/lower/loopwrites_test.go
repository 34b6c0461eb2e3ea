package lower

import (
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// TestSkipMatchesNext walks every body of the v2 spec modules with
// InstrReader.Skip (what the loop scan uses) and with Next side by side:
// the same opcodes, offsets and index immediates, ending together.
func TestSkipMatchesNext(t *testing.T) {
	_, mods := specModules(t)
	instrs := 0
	for _, m := range mods {
		for fi := range m.Codes {
			c := &m.Codes[fi]
			slow := binary.NewInstrReader(c.Body, c.Offset, wasm.All)
			fast := binary.NewInstrReader(c.Body, c.Offset, wasm.All)
			var in, scratch wasm.Instr
			for !slow.AtEnd() {
				if err := slow.Next(&in); err != nil {
					t.Fatal(err)
				}
				op, index, off, err := fast.Skip(&scratch)
				if err != nil {
					t.Fatal(err)
				}
				if op != in.Op || off != in.Offset || index != in.Index || fast.Offset() != slow.Offset() {
					t.Fatalf("at %#x: Skip read %v index %d at %#x (next at %#x), Next %v index %d at %#x (next at %#x)",
						in.Offset, op, index, off, fast.Offset(), in.Op, in.Index, in.Offset, slow.Offset())
				}
				instrs++
			}
			if !fast.AtEnd() {
				t.Fatalf("Skip did not end with Next at %#x", slow.Offset())
			}
		}
	}
	if instrs < 10000 {
		t.Fatalf("only %d instructions compared", instrs)
	}
}
