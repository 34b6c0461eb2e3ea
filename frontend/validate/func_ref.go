package validate

import "github.com/wasmc/wasmc/frontend/wasm"

// stepParametric handles drop and both forms of select.
func (v *funcValidator) stepParametric(in *wasm.Instr) error {
	off := in.Offset
	switch in.Op {
	case 0x1a: // drop
		_, err := v.popAny(off)
		return err
	case 0x1b: // select: numeric and vector operands only
		if err := v.pop1(wasm.I32, off); err != nil {
			return err
		}
		t1, err := v.popAny(off)
		if err != nil {
			return err
		}
		t2, err := v.popAny(off)
		if err != nil {
			return err
		}
		if !selectable(t1) || !selectable(t2) {
			bad := t1
			if selectable(t1) {
				bad = t2
			}
			return v.failf(off, "type mismatch: instruction requires numeric or vector type but stack has %s", bad)
		}
		if t1.Kind != t2.Kind && t1.Kind != wasm.KindBot && t2.Kind != wasm.KindBot {
			return v.failf(off, "type mismatch: select operands %s and %s differ", t2, t1)
		}
		if t1.Kind == wasm.KindBot {
			t1 = t2
		}
		v.push(t1)
		return nil
	}
	// select t*
	if len(in.Types) != 1 {
		return v.failf(off, "invalid result arity other than 1 is not (yet) allowed")
	}
	t := in.Types[0]
	if err := v.checkType(t, off); err != nil {
		return err
	}
	if err := v.pop1(wasm.I32, off); err != nil {
		return err
	}
	if err := v.pop1(t, off); err != nil {
		return err
	}
	if err := v.pop1(t, off); err != nil {
		return err
	}
	v.push(t)
	return nil
}

func selectable(t wasm.ValType) bool {
	return t.IsNum() || t.Kind == wasm.KindV128 || t.Kind == wasm.KindBot
}

// stepVariable handles local.get/set/tee and global.get/set.
func (v *funcValidator) stepVariable(in *wasm.Instr) error {
	off, x := in.Offset, in.Index
	if in.Op >= 0x23 { // globals
		if uint64(x) >= uint64(len(v.c.globals)) {
			return v.failf(off, "unknown global %d", x)
		}
		g := &v.c.globals[x]
		if in.Op == 0x23 {
			v.push(g.Type)
			return nil
		}
		if !g.Mutable {
			return v.failf(off, "immutable global %d", x)
		}
		return v.pop1(g.Type, off)
	}
	if uint64(x) >= uint64(len(v.locals)) {
		return v.failf(off, "unknown local %d", x)
	}
	t := v.locals[x]
	switch in.Op {
	case 0x20: // local.get
		if v.needInit && !v.localInit[x] {
			return v.failf(off, "uninitialized local %d", x)
		}
		v.push(t)
		return nil
	case 0x21, 0x22: // local.set local.tee
		if err := v.pop1(t, off); err != nil {
			return err
		}
		if v.needInit && !v.localInit[x] {
			v.localInit[x] = true
			v.inits = append(v.inits, x)
		}
		if in.Op == 0x22 {
			v.push(t)
		}
	}
	return nil
}

// stepRef handles ref.null, ref.is_null, ref.func, ref.eq and
// ref.as_non_null.
func (v *funcValidator) stepRef(in *wasm.Instr) error {
	off := in.Offset
	switch in.Op {
	case 0xd0: // ref.null
		t := wasm.RefType(true, in.Ref.Heap)
		if err := v.checkType(t, off); err != nil {
			return err
		}
		v.push(t)
	case 0xd1: // ref.is_null
		if _, err := v.popRef(off); err != nil {
			return err
		}
		v.push(wasm.I32)
	case 0xd2: // ref.func
		x := in.Index
		if uint64(x) >= uint64(len(v.c.funcs)) {
			return v.failf(off, "unknown function %d", x)
		}
		// Constant expressions are what declare references.
		if !v.constMode && (int(x) >= len(v.c.declared) || !v.c.declared[x]) {
			return v.failf(off, "undeclared function reference %d", x)
		}
		v.push(wasm.RefType(false, wasm.HeapType(v.c.funcs[x])))
	case 0xd3: // ref.eq
		v.want2 = [2]wasm.ValType{wasm.RefType(true, wasm.HeapEq), wasm.RefType(true, wasm.HeapEq)}
		if err := v.popN(v.want2[:], off); err != nil {
			return err
		}
		v.push(wasm.I32)
	case 0xd4: // ref.as_non_null
		rt, err := v.popRef(off)
		if err != nil {
			return err
		}
		v.push(wasm.RefType(false, rt.Heap))
	}
	return nil
}

// stepTable handles table.get and table.set.
func (v *funcValidator) stepTable(in *wasm.Instr) error {
	tt, err := v.table(in.Index, in.Offset)
	if err != nil {
		return err
	}
	at := addrType(tt.Limits.Is64)
	if in.Op == 0x25 { // table.get
		if err := v.pop1(at, in.Offset); err != nil {
			return err
		}
		v.push(tt.Elem)
		return nil
	}
	v.want2 = [2]wasm.ValType{at, tt.Elem}
	return v.popN(v.want2[:], in.Offset)
}

// stepMemory handles memory.size and memory.grow.
func (v *funcValidator) stepMemory(in *wasm.Instr) error {
	mt, err := v.memory(in.Index, in.Offset)
	if err != nil {
		return err
	}
	at := addrType(mt.Limits.Is64)
	if in.Op == 0x40 {
		if err := v.pop1(at, in.Offset); err != nil {
			return err
		}
	}
	v.push(at)
	return nil
}

// stepMisc handles the 0xFC instructions without a fixed signature: bulk
// memory and table instructions.
func (v *funcValidator) stepMisc(in *wasm.Instr) error {
	off := in.Offset
	w := v.scratch[:0]
	switch in.Op & 0xffff {
	case 0x08: // memory.init data mem
		mt, err := v.memory(in.Index2, off)
		if err != nil {
			return err
		}
		if err := v.data(in.Index, off); err != nil {
			return err
		}
		w = append(w, addrType(mt.Limits.Is64), wasm.I32, wasm.I32)
	case 0x09: // data.drop
		return v.data(in.Index, off)
	case 0x0a: // memory.copy dst src
		md, err := v.memory(in.Index, off)
		if err != nil {
			return err
		}
		ms, err := v.memory(in.Index2, off)
		if err != nil {
			return err
		}
		d, s := md.Limits.Is64, ms.Limits.Is64
		w = append(w, addrType(d), addrType(s), addrType(d && s))
	case 0x0b: // memory.fill
		mt, err := v.memory(in.Index, off)
		if err != nil {
			return err
		}
		at := addrType(mt.Limits.Is64)
		w = append(w, at, wasm.I32, at)
	case 0x0c: // table.init elem table
		tt, err := v.table(in.Index2, off)
		if err != nil {
			return err
		}
		et, err := v.elem(in.Index, off)
		if err != nil {
			return err
		}
		if !v.c.subtype(et, tt.Elem) {
			return v.failf(off, "type mismatch: element segment's type %s does not match table's element type %s", et, tt.Elem)
		}
		w = append(w, addrType(tt.Limits.Is64), wasm.I32, wasm.I32)
	case 0x0d: // elem.drop
		_, err := v.elem(in.Index, off)
		return err
	case 0x0e: // table.copy dst src
		td, err := v.table(in.Index, off)
		if err != nil {
			return err
		}
		ts, err := v.table(in.Index2, off)
		if err != nil {
			return err
		}
		if !v.c.subtype(ts.Elem, td.Elem) {
			return v.failf(off, "type mismatch: source element type %s does not match destination element type %s", ts.Elem, td.Elem)
		}
		d, s := td.Limits.Is64, ts.Limits.Is64
		w = append(w, addrType(d), addrType(s), addrType(d && s))
	case 0x0f, 0x10, 0x11: // table.grow table.size table.fill
		tt, err := v.table(in.Index, off)
		if err != nil {
			return err
		}
		at := addrType(tt.Limits.Is64)
		switch in.Op & 0xffff {
		case 0x0f:
			w = append(w, tt.Elem, at)
		case 0x10:
			v.push(at)
			return nil
		case 0x11:
			w = append(w, at, tt.Elem, at)
		}
		v.scratch = w
		if err := v.popN(w, off); err != nil {
			return err
		}
		if in.Op&0xffff == 0x0f {
			v.push(at)
		}
		return nil
	default:
		return v.malformedf(off, "illegal opcode %s", in.Op)
	}
	v.scratch = w
	return v.popN(w, off)
}

func (v *funcValidator) memory(idx uint32, off uint32) (*wasm.MemoryType, error) {
	if uint64(idx) >= uint64(len(v.c.mems)) {
		return nil, v.failf(off, "unknown memory %d", idx)
	}
	return &v.c.mems[idx], nil
}

func (v *funcValidator) table(idx uint32, off uint32) (*wasm.TableType, error) {
	if uint64(idx) >= uint64(len(v.c.tables)) {
		return nil, v.failf(off, "unknown table %d", idx)
	}
	return &v.c.tables[idx], nil
}

func (v *funcValidator) elem(idx uint32, off uint32) (wasm.ValType, error) {
	if uint64(idx) >= uint64(len(v.c.elemTypes)) {
		return wasm.ValType{}, v.failf(off, "unknown elem segment %d", idx)
	}
	return v.c.elemTypes[idx], nil
}

// data checks a data segment index; the data count section must announce
// segments used before the data section.
func (v *funcValidator) data(idx uint32, off uint32) error {
	m := v.c.m
	if !m.HasDataCount {
		return v.malformedf(off, "data count section required")
	}
	if idx >= m.DataCount {
		return v.failf(off, "unknown data segment %d", idx)
	}
	return nil
}
