// Package binary decodes the WebAssembly binary format: the module structure
// (Decode) and, one at a time, the instructions of function bodies and
// constant expressions (InstrReader). It reports malformed input with the
// messages of the reference interpreter (interpreter/binary/decode.ml) so
// that the spec tests can match them by prefix; it checks no validation rule.
package binary

import (
	"github.com/wasmc/wasmc/frontend/wasm"
)

// Error messages shared by the readers.
const (
	msgUnexpectedEnd = "unexpected end of section or function"
	msgTooLong       = "integer representation too long"
	msgTooLarge      = "integer too large"
)

// reader is a cursor over a byte slice. base is the module offset of b[0],
// so errors carry module offsets.
type reader struct {
	b    []byte
	pos  int
	base uint32
}

func (r *reader) errAt(pos int, msg string) *wasm.Error {
	return &wasm.Error{Kind: wasm.Malformed, Offset: int(r.base) + pos, Func: -1, Msg: msg}
}

func (r *reader) eof() *wasm.Error { return r.errAt(len(r.b), msgUnexpectedEnd) }

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.eof()
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.pos {
		return nil, r.eof()
	}
	s := r.b[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	return s, nil
}

// lebByte reads the next byte of a LEB128 number that has n bits left.
func (r *reader) lebByte(n int) (byte, error) {
	if n <= 0 {
		return 0, r.errAt(r.pos, msgTooLong)
	}
	return r.byte()
}

// readUN reads an unsigned LEB128 integer of at most n bits, with the
// reference interpreter's checks: "integer representation too long" when
// more than ceil(n/7) bytes are used, "integer too large" when the unused
// bits of the last byte are not zero.
func (r *reader) readUN(n int) (uint64, error) {
	var x uint64
	for shift := 0; ; shift += 7 {
		b, err := r.lebByte(n)
		if err != nil {
			return 0, err
		}
		if n < 7 && uint64(b&0x7f) >= 1<<uint(n) {
			return 0, r.errAt(r.pos-1, msgTooLarge)
		}
		x |= uint64(b&0x7f) << uint(shift)
		if b&0x80 == 0 {
			return x, nil
		}
		n -= 7
	}
}

// readSN reads a signed LEB128 integer of at most n bits (see readUN);
// "integer too large" when the unused bits of the last byte are not a sign
// extension.
func (r *reader) readSN(n int) (int64, error) {
	var x int64
	for shift := 0; ; shift += 7 {
		b, err := r.lebByte(n)
		if err != nil {
			return 0, err
		}
		if n < 7 {
			mask := byte((int(-1) << uint(n-1)) & 0x7f)
			if m := b & mask; m != 0 && m != mask {
				return 0, r.errAt(r.pos-1, msgTooLarge)
			}
		}
		x |= int64(b&0x7f) << uint(shift)
		if b&0x80 == 0 {
			if b&0x40 != 0 && shift+7 < 64 {
				x |= -1 << uint(shift+7)
			}
			return x, nil
		}
		n -= 7
	}
}

// small reads the next byte when it is a whole LEB128 number (below 0x80):
// the fast path of the readers below.
func (r *reader) small() (byte, bool) {
	if r.pos < len(r.b) {
		if b := r.b[r.pos]; b < 0x80 {
			r.pos++
			return b, true
		}
	}
	return 0, false
}

// signed7 sign-extends a one-byte LEB128 number.
func signed7(b byte) int8 { return int8(b<<1) >> 1 }

// readU32 reads a u32 LEB128.
func (r *reader) readU32() (uint32, error) {
	if b, ok := r.small(); ok {
		return uint32(b), nil
	}
	v, err := r.readUN(32)
	return uint32(v), err
}

// readU64 reads a u64 LEB128.
func (r *reader) readU64() (uint64, error) {
	if b, ok := r.small(); ok {
		return uint64(b), nil
	}
	return r.readUN(64)
}

// readS32 reads an s32 LEB128.
func (r *reader) readS32() (int32, error) {
	if b, ok := r.small(); ok {
		return int32(signed7(b)), nil
	}
	v, err := r.readSN(32)
	return int32(v), err
}

// readS33 reads an s33 LEB128 (block types and heap types).
func (r *reader) readS33() (int64, error) {
	if b, ok := r.small(); ok {
		return int64(signed7(b)), nil
	}
	return r.readSN(33)
}

// readS64 reads an s64 LEB128.
func (r *reader) readS64() (int64, error) {
	if b, ok := r.small(); ok {
		return int64(signed7(b)), nil
	}
	return r.readSN(64)
}

// readS7 reads an s7 LEB128 (the one-byte type codes).
func (r *reader) readS7() (int64, error) { return r.readSN(7) }

// zero reads a reserved byte that must be 0x00.
func (r *reader) zero() error {
	b, err := r.byte()
	if err != nil {
		return err
	}
	if b != 0 {
		return r.errAt(r.pos-1, "zero byte expected")
	}
	return nil
}

// ReadU32 decodes a u32 LEB128 from b, returning the value and the number of
// bytes used. Errors carry offsets relative to b.
func ReadU32(b []byte) (uint32, int, error) { return readFrom(b, (*reader).readU32) }

// ReadS32 decodes an s32 LEB128 from b (see ReadU32).
func ReadS32(b []byte) (int32, int, error) { return readFrom(b, (*reader).readS32) }

// ReadU64 decodes a u64 LEB128 from b (see ReadU32).
func ReadU64(b []byte) (uint64, int, error) { return readFrom(b, (*reader).readU64) }

// ReadS33 decodes an s33 LEB128 from b (see ReadU32).
func ReadS33(b []byte) (int64, int, error) { return readFrom(b, (*reader).readS33) }

// ReadS64 decodes an s64 LEB128 from b (see ReadU32).
func ReadS64(b []byte) (int64, int, error) { return readFrom(b, (*reader).readS64) }

// readFrom runs one of the readers over b.
func readFrom[T any](b []byte, read func(*reader) (T, error)) (T, int, error) {
	r := reader{b: b}
	v, err := read(&r)
	return v, r.pos, err
}
