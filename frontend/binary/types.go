package binary

import "github.com/wasmc/wasmc/frontend/wasm"

// heapFeature[-code] is the feature an abstract heap type needs, or 0 for
// codes that name no heap type. funcref is in the MVP (as the element type
// of tables).
var heapFeature [0x41]wasm.Features

func init() {
	for h, f := range map[wasm.HeapType]wasm.Features{
		wasm.HeapFunc: wasm.MVP, wasm.HeapExtern: wasm.ReferenceTypes,
		wasm.HeapAny: wasm.GC, wasm.HeapEq: wasm.GC, wasm.HeapI31: wasm.GC,
		wasm.HeapStruct: wasm.GC, wasm.HeapArray: wasm.GC, wasm.HeapNone: wasm.GC,
		wasm.HeapNoFunc: wasm.GC, wasm.HeapNoExtern: wasm.GC,
		wasm.HeapExn: wasm.Exceptions, wasm.HeapNoExn: wasm.Exceptions,
		wasm.HeapCont: wasm.StackSwitching, wasm.HeapNoCont: wasm.StackSwitching,
	} {
		heapFeature[-h] = f
	}
}

// abstractHeap returns the abstract heap type with the one-byte code b (as
// in 0x70 for func), if features f enable it.
func abstractHeap(b byte, f wasm.Features) (wasm.HeapType, bool) {
	if b < 0x40 || b > 0x7f {
		return 0, false
	}
	code := 0x80 - int(b) // -h
	need := heapFeature[code]
	if need == 0 || !f.Has(need) {
		return 0, false
	}
	return wasm.HeapType(-code), true
}

// heapType reads a heap type: an abstract one (one byte) or a non-negative
// s33 type index (function references).
func (r *reader) heapType(f wasm.Features) (wasm.HeapType, error) {
	pos := r.pos
	if r.pos < len(r.b) {
		b := r.b[r.pos]
		if b >= 0x40 && b < 0x80 {
			r.pos++
			if h, ok := abstractHeap(b, f); ok {
				return h, nil
			}
			return 0, r.errAt(pos, "malformed heap type")
		}
	}
	v, err := r.readS33()
	if err != nil {
		return 0, err
	}
	if v < 0 || v >= 1<<31 || !f.Has(wasm.FunctionReferences) {
		return 0, r.errAt(pos, "malformed heap type")
	}
	return wasm.HeapType(v), nil
}

// refTypeByte decodes the reference type starting with byte b, which has
// been consumed.
func (r *reader) refTypeRest(b byte, pos int, f wasm.Features) (wasm.ValType, error) {
	switch b {
	case 0x63, 0x64: // (ref null ht), (ref ht)
		if !f.Has(wasm.FunctionReferences) {
			break
		}
		h, err := r.heapType(f)
		if err != nil {
			return wasm.ValType{}, err
		}
		return wasm.RefType(b == 0x63, h), nil
	default:
		if h, ok := abstractHeap(b, f); ok {
			return wasm.RefType(true, h), nil
		}
	}
	if b >= 0x80 {
		// A multi-byte s7 is always too long; report it as the reference
		// interpreter does.
		r.pos = pos
		if _, err := r.readS7(); err != nil {
			return wasm.ValType{}, err
		}
	}
	return wasm.ValType{}, r.errAt(pos, "malformed reference type")
}

// refType reads a reference type.
func (r *reader) refType(f wasm.Features) (wasm.ValType, error) {
	pos := r.pos
	b, err := r.byte()
	if err != nil {
		return wasm.ValType{}, err
	}
	return r.refTypeRest(b, pos, f)
}

// valType reads a value type.
func (r *reader) valType(f wasm.Features) (wasm.ValType, error) {
	pos := r.pos
	b, err := r.byte()
	if err != nil {
		return wasm.ValType{}, err
	}
	switch b {
	case 0x7f:
		return wasm.I32, nil
	case 0x7e:
		return wasm.I64, nil
	case 0x7d:
		return wasm.F32, nil
	case 0x7c:
		return wasm.F64, nil
	case 0x7b:
		if f.Has(wasm.SIMD) {
			return wasm.V128, nil
		}
		return wasm.ValType{}, r.errAt(pos, "malformed value type")
	}
	t, err := r.refTypeRest(b, pos, f)
	if err != nil {
		if e, ok := err.(*wasm.Error); ok && e.Msg == "malformed reference type" && e.Offset == int(r.base)+pos {
			return wasm.ValType{}, r.errAt(pos, "malformed value type")
		}
	}
	return t, err
}

// fieldType reads a struct field or array element type: a storage type
// (a value type, i8 or i16) and a mutability byte.
func (r *reader) fieldType(f wasm.Features) (wasm.FieldType, error) {
	var ft wasm.FieldType
	pos := r.pos
	b, err := r.byte()
	if err != nil {
		return ft, err
	}
	switch b {
	case 0x78:
		ft.Type, ft.Packed = wasm.I32, wasm.PackedI8
	case 0x77:
		ft.Type, ft.Packed = wasm.I32, wasm.PackedI16
	default:
		r.pos = pos
		ft.Type, err = r.valType(f)
		if err != nil {
			if e, ok := err.(*wasm.Error); ok && e.Msg == "malformed value type" {
				e.Msg = "malformed storage type"
			}
			return ft, err
		}
	}
	ft.Mutable, err = r.mutability()
	return ft, err
}

// mutability reads a mutability byte: 0 const, 1 var.
func (r *reader) mutability() (bool, error) {
	b, err := r.byte()
	if err != nil {
		return false, err
	}
	switch b {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, r.errAt(r.pos-1, "malformed mutability")
}

// blockType reads a block type: 0x40 (empty), a value type, or a
// non-negative s33 type index.
func (r *reader) blockType(f wasm.Features, bt *wasm.BlockType) error {
	pos := r.pos
	if r.pos >= len(r.b) {
		return r.eof()
	}
	b := r.b[r.pos]
	if b == 0x40 {
		r.pos++
		*bt = wasm.BlockType{Kind: wasm.BlockEmpty}
		return nil
	}
	if b >= 0x40 && b < 0x80 {
		t, err := r.valType(f)
		if err != nil {
			return err
		}
		*bt = wasm.BlockType{Kind: wasm.BlockValue, Val: t}
		return nil
	}
	v, err := r.readS33()
	if err != nil {
		return err
	}
	if v < 0 {
		// Only a multi-byte encoding can get here; the reference
		// interpreter's last alternative (a value type) rejects it as too
		// long.
		return r.errAt(pos+1, msgTooLong)
	}
	if v >= 1<<31 {
		return r.errAt(pos, "malformed type index")
	}
	if !f.Has(wasm.MultiValue) {
		return r.errAt(pos, "malformed block type")
	}
	*bt = wasm.BlockType{Kind: wasm.BlockIndex, Index: uint32(v)}
	return nil
}
