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

// typeUse reads a u32 type index; the reference interpreter takes it as a
// signed 32-bit number and rejects negative ones.
func (r *reader) typeUse() (uint32, error) {
	pos := r.pos
	v, err := r.readU32()
	if err == nil && v >= 1<<31 {
		return 0, r.errAt(pos, "malformed type index")
	}
	return v, err
}

func (d *decoder) subType() error {
	r := &d.r
	st := wasm.SubType{Final: true}
	if r.pos < len(r.b) && (r.b[r.pos] == 0x50 || r.b[r.pos] == 0x4f) { // sub, sub final
		if !d.f.Has(wasm.GC) {
			return r.errAt(r.pos, "malformed definition type")
		}
		st.Final = r.b[r.pos] == 0x4f
		r.pos++
		n, err := r.vecLen()
		if err != nil {
			return err
		}
		st.Supers = make([]uint32, 0, d.prealloc(n, 1))
		for i := uint32(0); i < n; i++ {
			x, err := r.typeUse()
			if err != nil {
				return err
			}
			st.Supers = append(st.Supers, x)
		}
	}
	pos := r.pos
	b, err := r.byte()
	if err != nil {
		return err
	}
	switch {
	case b == 0x60: // func
		st.Kind = wasm.CompFunc
		if st.Func.Params, err = d.resultType(); err != nil {
			return err
		}
		if st.Func.Results, err = d.resultType(); err != nil {
			return err
		}
	case b == 0x5f && d.f.Has(wasm.GC): // struct
		st.Kind = wasm.CompStruct
		n, err := r.vecLen()
		if err != nil {
			return err
		}
		st.Fields = make([]wasm.FieldType, 0, d.prealloc(n, 2))
		for i := uint32(0); i < n; i++ {
			ft, err := r.fieldType(d.f)
			if err != nil {
				return err
			}
			st.Fields = append(st.Fields, ft)
		}
	case b == 0x5e && d.f.Has(wasm.GC): // array
		st.Kind = wasm.CompArray
		ft, err := r.fieldType(d.f)
		if err != nil {
			return err
		}
		st.Fields = []wasm.FieldType{ft}
	case b == 0x5d && d.f.Has(wasm.StackSwitching): // cont
		st.Kind = wasm.CompCont
		if st.Cont, err = r.typeUse(); err != nil {
			return err
		}
	default:
		if b >= 0x80 {
			r.pos = pos
			if _, err := r.readS7(); err != nil {
				return err
			}
		}
		return r.errAt(pos, "malformed definition type")
	}
	d.m.Types = append(d.m.Types, st)
	return nil
}

func (d *decoder) resultType() ([]wasm.ValType, error) {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	ts := make([]wasm.ValType, 0, d.prealloc(n, 1))
	for i := uint32(0); i < n; i++ {
		t, err := r.valType(d.f)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// limits reads limits flags and bounds. Flags: bit 0 has a maximum, bit 1
// shared (threads, memories only), bit 2 64-bit addresses (memory64), bit 3
// custom page size (memories only; reported through customPage).
func (d *decoder) limits(memory bool) (lim wasm.Limits, customPage bool, err error) {
	r := &d.r
	pos := r.pos
	flags, err := r.byte()
	if err != nil {
		return lim, false, err
	}
	allowed := byte(0x01)
	if d.f.Has(wasm.Memory64) {
		allowed |= 0x04
	}
	if memory && d.f.Has(wasm.Threads) {
		allowed |= 0x02
	}
	if memory && d.f.Has(wasm.CustomPageSizes) {
		allowed |= 0x08
	}
	if flags&^allowed != 0 {
		return lim, false, r.errAt(pos, "malformed limits flags")
	}
	lim.HasMax = flags&0x01 != 0
	lim.Shared = flags&0x02 != 0
	lim.Is64 = flags&0x04 != 0
	if lim.Min, err = d.limit(); err != nil {
		return lim, false, err
	}
	if lim.HasMax {
		if lim.Max, err = d.limit(); err != nil {
			return lim, false, err
		}
	}
	return lim, flags&0x08 != 0, nil
}

// limit reads a bound of limits: a u64 with memory64 (the validator checks
// the range of 32-bit limits), a u32 before it.
func (d *decoder) limit() (uint64, error) {
	if d.f.Has(wasm.Memory64) {
		return d.r.readU64()
	}
	v, err := d.r.readU32()
	return uint64(v), err
}

func (d *decoder) tableType() (wasm.TableType, error) {
	var tt wasm.TableType
	var err error
	if tt.Elem, err = d.r.refType(d.f); err != nil {
		return tt, err
	}
	tt.Limits, _, err = d.limits(false)
	return tt, err
}

func (d *decoder) memoryType() (wasm.MemoryType, error) {
	mt := wasm.MemoryType{PageSizeLog2: 16}
	lim, custom, err := d.limits(true)
	if err != nil {
		return mt, err
	}
	mt.Limits = lim
	if custom {
		v, err := d.r.readU32()
		if err != nil {
			return mt, err
		}
		// The page size must fit in a u64; the validator allows only
		// 2^0 and 2^16.
		if v >= 64 {
			return mt, d.r.errAt(d.r.pos-1, "invalid custom page size")
		}
		mt.PageSizeLog2 = uint8(v)
	}
	return mt, nil
}

func (d *decoder) globalType() (wasm.GlobalType, error) {
	var gt wasm.GlobalType
	var err error
	if gt.Type, err = d.r.valType(d.f); err != nil {
		return gt, err
	}
	gt.Mutable, err = d.r.mutability()
	return gt, err
}

func (d *decoder) tagType() (wasm.TagType, error) {
	if err := d.r.zero(); err != nil {
		return wasm.TagType{}, err
	}
	x, err := d.r.typeUse()
	return wasm.TagType{Type: x}, err
}
