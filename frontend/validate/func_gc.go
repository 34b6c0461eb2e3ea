package validate

import "github.com/wasmc/wasmc/frontend/wasm"

func (v *funcValidator) structType(idx uint32, off uint32) ([]wasm.FieldType, error) {
	st := v.c.typeDef(idx)
	if st == nil {
		return nil, v.failf(off, "unknown type %d", idx)
	}
	if st.Kind != wasm.CompStruct {
		return nil, v.failf(off, "type mismatch: non-structure type %d", idx)
	}
	return st.Fields, nil
}

func (v *funcValidator) arrayType(idx uint32, off uint32) (*wasm.FieldType, error) {
	st := v.c.typeDef(idx)
	if st == nil {
		return nil, v.failf(off, "unknown type %d", idx)
	}
	if st.Kind != wasm.CompArray || len(st.Fields) != 1 {
		return nil, v.failf(off, "type mismatch: non-array type %d", idx)
	}
	return &st.Fields[0], nil
}

func refTo(nullable bool, idx uint32) wasm.ValType {
	return wasm.RefType(nullable, wasm.HeapType(idx))
}

// stepGC handles the 0xFB instructions.
func (v *funcValidator) stepGC(in *wasm.Instr) error {
	off := in.Offset
	sub := in.Op & 0xffff
	switch {
	case sub <= 0x05:
		return v.stepStruct(in)
	case sub <= 0x13:
		return v.stepArray(in)
	}
	switch sub {
	case 0x14, 0x15, 0x16, 0x17: // ref.test ref.cast
		rt := in.Ref
		if err := v.checkCast(rt, off); err != nil {
			return err
		}
		if err := v.pop1(wasm.RefType(true, v.c.topHeap(rt.Heap)), off); err != nil {
			return err
		}
		if sub <= 0x15 {
			v.push(wasm.I32)
		} else {
			v.push(rt)
		}
		return nil
	case 0x18, 0x19: // br_on_cast br_on_cast_fail
		return v.brOnCast(in)
	case 0x1a, 0x1b: // any.convert_extern extern.convert_any
		from, to := wasm.HeapExtern, wasm.HeapAny
		if sub == 0x1b {
			from, to = to, from
		}
		rt, err := v.popRef(off)
		if err != nil {
			return err
		}
		if !v.matches(rt, wasm.RefType(true, from)) {
			return v.failf(off, "type mismatch: instruction requires %s but stack has [%s]", wasm.RefType(true, from), rt)
		}
		v.push(wasm.RefType(rt.Nullable, to))
		return nil
	case 0x1c: // ref.i31
		if err := v.pop1(wasm.I32, off); err != nil {
			return err
		}
		v.push(wasm.RefType(false, wasm.HeapI31))
		return nil
	case 0x1d, 0x1e: // i31.get_s i31.get_u
		if err := v.pop1(wasm.RefType(true, wasm.HeapI31), off); err != nil {
			return err
		}
		v.push(wasm.I32)
		return nil
	}
	return v.malformedf(off, "illegal opcode %s", in.Op)
}

// checkCast checks a cast target: defined, and not a continuation type.
func (v *funcValidator) checkCast(rt wasm.ValType, off uint32) error {
	if err := v.checkType(rt, off); err != nil {
		return err
	}
	if v.c.subtype(rt, wasm.RefType(true, wasm.HeapCont)) {
		return v.failf(off, "invalid cast to continuation types")
	}
	return nil
}

func (v *funcValidator) brOnCast(in *wasm.Instr) error {
	off := in.Offset
	rt1, rt2 := in.Ref, in.Ref2
	if err := v.checkType(rt1, off); err != nil {
		return err
	}
	if err := v.checkCast(rt2, off); err != nil {
		return err
	}
	if !v.c.subtype(rt2, rt1) {
		return v.failf(off, "type mismatch on cast: type %s does not match %s", rt2, rt1)
	}
	lf, err := v.label(in.Index, off)
	if err != nil {
		return err
	}
	// diff is rt1 minus rt2: what is left when the cast fails.
	diff := wasm.RefType(rt1.Nullable && !rt2.Nullable, rt1.Heap)
	branch, fall := rt2, diff
	if in.Op&0xffff == 0x19 { // br_on_cast_fail
		branch, fall = diff, rt2
	}
	ts0, err := v.labelBefore(lf.labelTypes(), branch, off)
	if err != nil {
		return err
	}
	if err := v.pop1(rt1, off); err != nil {
		return err
	}
	if err := v.passThrough(ts0, off); err != nil {
		return err
	}
	v.push(fall)
	return nil
}

func (v *funcValidator) stepStruct(in *wasm.Instr) error {
	off, x := in.Offset, in.Index
	fields, err := v.structType(x, off)
	if err != nil {
		return err
	}
	switch in.Op & 0xffff {
	case 0x00: // struct.new
		w := v.scratch[:0]
		for i := range fields {
			w = append(w, fields[i].Type)
		}
		v.scratch = w
		if err := v.popN(w, off); err != nil {
			return err
		}
	case 0x01: // struct.new_default
		for i := range fields {
			if !fields[i].Type.Defaultable() {
				return v.failf(off, "field type is not defaultable")
			}
		}
	case 0x02, 0x03, 0x04, 0x05: // struct.get(_s/_u) struct.set
		y := in.Index2
		if uint64(y) >= uint64(len(fields)) {
			return v.failf(off, "unknown field %d", y)
		}
		f := &fields[y]
		if in.Op&0xffff == 0x05 {
			if !f.Mutable {
				return v.failf(off, "immutable field %d", y)
			}
			v.want2 = [2]wasm.ValType{refTo(true, x), f.Type}
			return v.popN(v.want2[:], off)
		}
		if packed := in.Op&0xffff != 0x02; packed != (f.Packed != wasm.NotPacked) {
			if packed {
				return v.failf(off, "type mismatch: field is unpacked")
			}
			return v.failf(off, "type mismatch: field is packed")
		}
		if err := v.pop1(refTo(true, x), off); err != nil {
			return err
		}
		v.push(f.Type)
		return nil
	}
	v.push(refTo(false, x))
	return nil
}

func (v *funcValidator) stepArray(in *wasm.Instr) error {
	off, x := in.Offset, in.Index
	sub := in.Op & 0xffff
	if sub == 0x0f { // array.len
		if err := v.pop1(wasm.RefType(true, wasm.HeapArray), off); err != nil {
			return err
		}
		v.push(wasm.I32)
		return nil
	}
	ft, err := v.arrayType(x, off)
	if err != nil {
		return err
	}
	t := ft.Type
	switch sub {
	case 0x0e, 0x10, 0x11, 0x12, 0x13: // set fill copy init_data init_elem
		if !ft.Mutable {
			return v.failf(off, "immutable array")
		}
	}
	w := v.scratch[:0]
	switch sub {
	case 0x06: // array.new
		w = append(w, t, wasm.I32)
	case 0x07: // array.new_default
		if !t.Defaultable() {
			return v.failf(off, "array type is not defaultable")
		}
		w = append(w, wasm.I32)
	case 0x08: // array.new_fixed: n can be large, so pop one at a time
		for i := uint32(0); i < in.Index2; i++ {
			f := v.top()
			if len(v.vals) == f.height && f.unreachable {
				break
			}
			if err := v.pop1(t, off); err != nil {
				return err
			}
		}
		v.push(refTo(false, x))
		return nil
	case 0x09, 0x12: // array.new_data array.init_data
		if err := v.data(in.Index2, off); err != nil {
			return err
		}
		if !t.IsNum() && t.Kind != wasm.KindV128 {
			return v.failf(off, "array type is not numeric or vector")
		}
		if sub == 0x12 {
			w = append(w, refTo(true, x), wasm.I32)
		}
		w = append(w, wasm.I32, wasm.I32)
	case 0x0a, 0x13: // array.new_elem array.init_elem
		et, err := v.elem(in.Index2, off)
		if err != nil {
			return err
		}
		if !v.c.subtype(et, t) {
			return v.failf(off, "type mismatch: element segment's type %s does not match array's field type %s", et, t)
		}
		if sub == 0x13 {
			w = append(w, refTo(true, x), wasm.I32)
		}
		w = append(w, wasm.I32, wasm.I32)
	case 0x0b, 0x0c, 0x0d: // array.get(_s/_u)
		if packed := sub != 0x0b; packed != (ft.Packed != wasm.NotPacked) {
			if packed {
				return v.failf(off, "type mismatch: array is unpacked")
			}
			return v.failf(off, "type mismatch: array is packed")
		}
		v.want2 = [2]wasm.ValType{refTo(true, x), wasm.I32}
		if err := v.popN(v.want2[:], off); err != nil {
			return err
		}
		v.push(t)
		return nil
	case 0x0e: // array.set
		w = append(w, refTo(true, x), wasm.I32, t)
	case 0x10: // array.fill
		w = append(w, refTo(true, x), wasm.I32, t, wasm.I32)
	case 0x11: // array.copy dst src
		src, err := v.arrayType(in.Index2, off)
		if err != nil {
			return err
		}
		if !v.storageSubtype(src, ft) {
			return v.failf(off, "array types do not match")
		}
		w = append(w, refTo(true, x), wasm.I32, refTo(true, in.Index2), wasm.I32, wasm.I32)
	}
	v.scratch = w
	if err := v.popN(w, off); err != nil {
		return err
	}
	switch sub {
	case 0x06, 0x07, 0x09, 0x0a:
		v.push(refTo(false, x))
	}
	return nil
}

// storageSubtype reports whether the storage type of a <: that of b.
func (v *funcValidator) storageSubtype(a, b *wasm.FieldType) bool {
	if a.Packed != wasm.NotPacked || b.Packed != wasm.NotPacked {
		return a.Packed == b.Packed
	}
	return v.matches(a.Type, b.Type)
}
