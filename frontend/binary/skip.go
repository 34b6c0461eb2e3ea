package binary

import "github.com/wasmc/wasmc/frontend/wasm"

// Skip reads the next instruction like Next but, for the common
// immediates, only steps over them: it returns the opcode, the first
// index immediate (of a local, global, function, label...) and the
// opcode's offset, and leaves in alone. Other instructions are decoded
// into in by Next. It is for a quick walk over a body's structure and
// local writes, which need neither the constants nor the memory
// arguments.
func (ir *InstrReader) Skip(in *wasm.Instr) (op wasm.Opcode, index, offset uint32, err error) {
	r := &ir.r
	start := r.pos
	if start < len(r.b) {
		if b := r.b[start]; b < 0xfb {
			e := &mainOps[b]
			if allow := ir.f &^ featIllegal; allow&e.feat == e.feat {
				offset = r.base + uint32(start)
				switch e.imm {
				case wasm.ImmNone:
					r.pos++
					return e.op, 0, offset, nil
				case wasm.ImmLabel, wasm.ImmFunc, wasm.ImmType, wasm.ImmLocal, wasm.ImmGlobal,
					wasm.ImmTable, wasm.ImmTag, wasm.ImmData, wasm.ImmElem:
					r.pos++
					index, err = r.readU32()
					return e.op, index, offset, err
				case wasm.ImmI32, wasm.ImmI64:
					r.pos++
					return e.op, 0, offset, r.skipLEB()
				case wasm.ImmF32, wasm.ImmF64:
					n := 5
					if e.imm == wasm.ImmF64 {
						n = 9
					}
					if start+n <= len(r.b) {
						r.pos += n
						return e.op, 0, offset, nil
					}
				case wasm.ImmMemArg:
					// The usual two bytes (see memArg).
					if start+2 < len(r.b) && r.b[start+1] < 0x20 && r.b[start+2] < 0x80 {
						r.pos += 3
						return e.op, 0, offset, nil
					}
				}
			}
		}
	}
	err = ir.Next(in)
	return in.Op, in.Index, in.Offset, err
}

// skipLEB steps over one LEB128 number of at most 10 bytes.
func (r *reader) skipLEB() error {
	for i := 0; i < 10; i++ {
		if r.pos >= len(r.b) {
			return r.eof()
		}
		b := r.b[r.pos]
		r.pos++
		if b < 0x80 {
			return nil
		}
	}
	return r.errAt(r.pos, msgTooLong)
}
