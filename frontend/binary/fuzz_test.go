package binary

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// FuzzDecode decodes arbitrary bytes with arbitrary features and walks the
// instructions of every body and constant expression of what decodes.
// Nothing may panic, every error must be a Malformed *wasm.Error inside the
// input, and the kept bytes must be where their offsets say.
func FuzzDecode(f *testing.F) {
	files, _ := testsuite.WazeroBinaries() // seeds when present
	for _, path := range files {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data, uint64(wasm.All))
		}
	}
	for _, data := range [][]byte{
		mod(),
		mod(typeVoid, funcOne, codeEmpty),
		mod(typeVoid, funcOne, memoryZero, sec(10, vec(body(bs(1, 1, 0x7f, 0x20, 0, 0x28, 2, 0, 0x1a, 0x0b)))),
			sec(11, vec(bs(0, 0x41, 0, 0x0b, 1, 'a')))),
		mod(sec(1, vec(bs(0x4e, 2, 0x50, 0, 0x5f, 1, 0x63, 1, 1, 0x4f, 1, 0, 0x5e, 0x78, 1)))),
		mod(sec(6, vec(bs(0x7f, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b)))),
		mod(sec(0, str("name"), sec(1, vec(cat(leb(0), str("f")))))),
	} {
		f.Add(data, uint64(wasm.All))
		f.Add(data, uint64(wasm.V1))
	}
	f.Fuzz(func(t *testing.T, data []byte, feat uint64) {
		features := wasm.Features(feat)&wasm.All | wasm.MVP
		m, err := Decode(data, features)
		if err != nil {
			checkFuzzErr(t, data, err)
			return
		}
		for _, c := range m.Codes {
			checkSlice(t, data, c.Body, c.Offset)
		}
		for _, g := range m.Globals {
			checkSlice(t, data, g.Init.Code, g.Init.Offset)
		}
		if err := walkModule(m, features); err != nil {
			checkFuzzErr(t, data, err)
		}
	})
}

func checkFuzzErr(t *testing.T, data []byte, err error) {
	var we *wasm.Error
	if !errors.As(err, &we) || we.Kind != wasm.Malformed || we.Msg == "" {
		t.Fatalf("bad error %#v", err)
	}
	if we.Offset < 0 || we.Offset > len(data) {
		t.Fatalf("error offset %d outside the input (%d bytes): %v", we.Offset, len(data), err)
	}
}

// checkSlice checks that b is data[off:off+len(b)] and ends with end.
func checkSlice(t *testing.T, data, b []byte, off uint32) {
	if len(b) == 0 || b[len(b)-1] != 0x0b {
		t.Fatalf("kept code % x does not end with end", b)
	}
	if int(off)+len(b) > len(data) || !bytes.Equal(data[off:int(off)+len(b)], b) {
		t.Fatalf("kept code at offset %d is not the input's", off)
	}
}

// FuzzInstrReader decodes arbitrary bytes as instructions: no panic, errors
// are Malformed *wasm.Error inside the input, and the reader always moves
// forward.
func FuzzInstrReader(f *testing.F) {
	for _, info := range allOps() {
		imm, _ := sampleImm(info)
		f.Add(cat(encodeOp(info.Op), imm), uint64(wasm.All))
	}
	f.Add(bs(0x02, 0x40, 0x0e, 2, 0, 1, 2, 0x0b, 0x0b), uint64(wasm.V1))
	f.Fuzz(func(t *testing.T, code []byte, feat uint64) {
		r := NewInstrReader(code, 10, wasm.Features(feat)&wasm.All)
		var in wasm.Instr
		for !r.AtEnd() {
			before := r.Offset()
			if err := r.Next(&in); err != nil {
				var we *wasm.Error
				if !errors.As(err, &we) || we.Kind != wasm.Malformed || we.Offset < 10 || we.Offset > 10+len(code) {
					t.Fatalf("bad error %#v", err)
				}
				return
			}
			if r.Offset() <= before || in.Offset != before {
				t.Fatalf("reader at %d after %d (instr offset %d)", r.Offset(), before, in.Offset)
			}
		}
	})
}
