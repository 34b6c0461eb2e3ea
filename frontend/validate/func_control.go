package validate

import (
	"slices"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// blockSig resolves a block type to its parameter and result types.
func (v *funcValidator) blockSig(bt *wasm.BlockType, off uint32) (params, results []wasm.ValType, err error) {
	switch bt.Kind {
	case wasm.BlockValue:
		if err := v.checkType(bt.Val, off); err != nil {
			return nil, nil, err
		}
		return nil, v.single(bt.Val), nil
	case wasm.BlockIndex:
		ft, err := v.funcType(bt.Index, off)
		if err != nil {
			return nil, nil, err
		}
		return ft.Params, ft.Results, nil
	}
	return nil, nil, nil
}

// openBlock handles block, loop, if, try and try_table.
func (v *funcValidator) openBlock(in *wasm.Instr) error {
	mark := len(v.arena)
	params, results, err := v.blockSig(&in.Block, in.Offset)
	if err != nil {
		return err
	}
	var kind uint8
	switch in.Op {
	case 0x02:
		kind = kindBlock
	case 0x03:
		kind = kindLoop
	case 0x04:
		kind = kindIf
		if err := v.pop1(wasm.I32, in.Offset); err != nil {
			return err
		}
	case 0x06:
		kind = kindTry
	case 0x1f:
		kind = kindTryTable
		// Catch labels are resolved outside the try_table's own frame.
		for i := range in.Catches {
			if err := v.checkCatch(&in.Catches[i], in.Offset); err != nil {
				return err
			}
		}
	}
	if err := v.popN(params, in.Offset); err != nil {
		return err
	}
	v.pushCtrl(kind, params, results, mark)
	return nil
}

func (v *funcValidator) checkCatch(c *wasm.Catch, off uint32) error {
	lf, err := v.label(c.Label, off)
	if err != nil {
		return err
	}
	lt := lf.labelTypes()
	var got []wasm.ValType
	switch c.Kind {
	case wasm.Catch_, wasm.CatchRef:
		ft, err := v.tagType(c.Tag, off)
		if err != nil {
			return err
		}
		got = ft.Params
		if c.Kind == wasm.CatchRef {
			v.scratch = append(append(v.scratch[:0], ft.Params...), wasm.RefType(false, wasm.HeapExn))
			got = v.scratch
		}
	case wasm.CatchAllR:
		v.want1[0] = wasm.RefType(false, wasm.HeapExn)
		got = v.want1[:]
	}
	if !v.c.subtypes(got, lt) {
		return v.failf(off, "type mismatch: catch handler requires %s but label has %s", typesString(lt), typesString(got))
	}
	return nil
}

// closeBlock handles end, else and the legacy catch, catch_all and delegate.
func (v *funcValidator) closeBlock(in *wasm.Instr) error {
	f := v.top()
	switch in.Op {
	case 0x0b: // end
		if err := v.checkFrameEnd(in.Offset); err != nil {
			return err
		}
		if f.kind == kindIf && !v.c.subtypes(f.params, f.results) {
			// The missing else passes the parameters through.
			return v.failf(in.Offset, "type mismatch: if without else requires %s but has %s",
				typesString(f.results), typesString(f.params))
		}
		v.popCtrl()
		return nil
	case 0x05: // else
		if f.kind != kindIf {
			return v.malformedf(in.Offset, "END opcode expected")
		}
		return v.restartFrame(kindElse, nil, in.Offset)
	case 0x07: // catch
		if f.kind != kindTry && f.kind != kindCatch {
			return v.malformedf(in.Offset, "END opcode expected")
		}
		ft, err := v.tagType(in.Index, in.Offset)
		if err != nil {
			return err
		}
		return v.restartFrame(kindCatch, ft.Params, in.Offset)
	case 0x19: // catch_all
		if f.kind != kindTry && f.kind != kindCatch {
			return v.malformedf(in.Offset, "END opcode expected")
		}
		return v.restartFrame(kindCatchAll, nil, in.Offset)
	case 0x18: // delegate: ends the try; the label counts from outside it
		if f.kind != kindTry {
			return v.malformedf(in.Offset, "END opcode expected")
		}
		if err := v.checkFrameEnd(in.Offset); err != nil {
			return err
		}
		if uint64(in.Index) >= uint64(len(v.ctrls)-1) {
			return v.failf(in.Offset, "unknown label %d", in.Index)
		}
		v.popCtrl()
		return nil
	}
	return v.malformedf(in.Offset, "illegal opcode %s", in.Op)
}

// restartFrame ends the current arm of an if or try and starts the next one
// with the given values on the stack (the if's params for else).
func (v *funcValidator) restartFrame(kind uint8, push []wasm.ValType, off uint32) error {
	if err := v.checkFrameEnd(off); err != nil {
		return err
	}
	f := v.top()
	if kind == kindElse {
		push = f.params
	}
	f.kind = kind
	f.unreachable = false
	v.vals = v.vals[:f.height]
	v.pushAll(push)
	return nil
}

// popCtrl removes the checked top frame and pushes its results.
func (v *funcValidator) popCtrl() {
	f := v.ctrls[len(v.ctrls)-1]
	v.ctrls = v.ctrls[:len(v.ctrls)-1]
	v.pushAll(f.results)
	v.arena = v.arena[:f.arenaMark]
}

func (v *funcValidator) stepBranch(in *wasm.Instr) error {
	off := in.Offset
	switch in.Op {
	case 0x0c: // br
		lf, err := v.label(in.Index, off)
		if err != nil {
			return err
		}
		if err := v.popN(lf.labelTypes(), off); err != nil {
			return err
		}
		v.setUnreachable()
	case 0x0d: // br_if
		lf, err := v.label(in.Index, off)
		if err != nil {
			return err
		}
		if err := v.pop1(wasm.I32, off); err != nil {
			return err
		}
		return v.passThrough(lf.labelTypes(), off)
	case 0x0e: // br_table
		return v.brTable(in)
	case 0xd5, 0xd6: // br_on_null, br_on_non_null
		lf, err := v.label(in.Index, off)
		if err != nil {
			return err
		}
		rt, err := v.popRef(off)
		if err != nil {
			return err
		}
		nn := wasm.RefType(false, rt.Heap)
		if in.Op == 0xd5 {
			// The label takes the other operands; the reference stays.
			if err := v.passThrough(lf.labelTypes(), off); err != nil {
				return err
			}
			v.push(nn)
			return nil
		}
		// The label takes the non-null reference after the other operands.
		ts0, err := v.labelBefore(lf.labelTypes(), nn, off)
		if err != nil {
			return err
		}
		return v.passThrough(ts0, off)
	}
	return nil
}

func (v *funcValidator) brTable(in *wasm.Instr) error {
	off := in.Offset
	if len(in.Labels) == 0 {
		return v.malformedf(off, "br_table without default label")
	}
	if err := v.pop1(wasm.I32, off); err != nil {
		return err
	}
	def, err := v.label(in.Labels[len(in.Labels)-1], off)
	if err != nil {
		return err
	}
	dt := def.labelTypes()
	for _, l := range in.Labels {
		lf, err := v.label(l, off)
		if err != nil {
			return err
		}
		lt := lf.labelTypes()
		if len(lt) != len(dt) || (!v.c.features.Has(wasm.ReferenceTypes) && !slices.Equal(lt, dt)) {
			// 1.0 required identical label types; since 2.0 each label only
			// has to accept the operands, which matters in unreachable code.
			return v.failf(off, "type mismatch: br_table label %d has %s but default label has %s", l, typesString(lt), typesString(dt))
		}
		if _, err := v.checkTop(lt, off); err != nil {
			return err
		}
	}
	if err := v.popN(dt, off); err != nil {
		return err
	}
	v.setUnreachable()
	return nil
}

func (v *funcValidator) stepCall(in *wasm.Instr) error {
	off := in.Offset
	var ft *wasm.FuncType
	switch in.Op {
	case 0x10, 0x12: // call return_call
		if uint64(in.Index) >= uint64(len(v.c.funcs)) {
			return v.failf(off, "unknown function %d", in.Index)
		}
		v.calls = append(v.calls, in.Index)
		var err error
		if ft, err = v.funcType(v.c.funcs[in.Index], off); err != nil {
			return err
		}
	case 0x11, 0x13: // call_indirect return_call_indirect
		v.unknown = true
		if uint64(in.Index2) >= uint64(len(v.c.tables)) {
			return v.failf(off, "unknown table %d", in.Index2)
		}
		var err error
		if ft, err = v.funcType(in.Index, off); err != nil {
			return err
		}
		tt := &v.c.tables[in.Index2]
		if !v.c.subtype(tt.Elem, wasm.FuncRef) {
			return v.failf(off, "type mismatch: instruction requires table of function type but table has element type %s", tt.Elem)
		}
		if err := v.pop1(addrType(tt.Limits.Is64), off); err != nil {
			return err
		}
	case 0x14, 0x15: // call_ref return_call_ref
		v.unknown = true
		var err error
		if ft, err = v.funcType(in.Index, off); err != nil {
			return err
		}
		if err := v.pop1(wasm.RefType(true, wasm.HeapType(in.Index)), off); err != nil {
			return err
		}
	}
	if err := v.popN(ft.Params, off); err != nil {
		return err
	}
	switch in.Op {
	case 0x12, 0x13, 0x15: // tail calls
		if !v.c.subtypes(ft.Results, v.results) {
			return v.failf(off, "type mismatch: current function requires result type %s but callee returns %s",
				typesString(v.results), typesString(ft.Results))
		}
		v.setUnreachable()
		return nil
	}
	v.pushAll(ft.Results)
	return nil
}

func (v *funcValidator) stepThrow(in *wasm.Instr) error {
	switch in.Op {
	case 0x08: // throw
		ft, err := v.tagType(in.Index, in.Offset)
		if err != nil {
			return err
		}
		if err := v.popN(ft.Params, in.Offset); err != nil {
			return err
		}
	case 0x09: // rethrow
		lf, err := v.label(in.Index, in.Offset)
		if err != nil {
			return err
		}
		if lf.kind != kindCatch && lf.kind != kindCatchAll {
			return v.failf(in.Offset, "invalid rethrow label")
		}
	case 0x0a: // throw_ref
		if err := v.pop1(wasm.ExnRef, in.Offset); err != nil {
			return err
		}
	}
	v.setUnreachable()
	return nil
}

func addrType(is64 bool) wasm.ValType {
	if is64 {
		return wasm.I64
	}
	return wasm.I32
}

// funcType returns the function type with index idx.
func (v *funcValidator) funcType(idx uint32, off uint32) (*wasm.FuncType, error) {
	st := v.c.typeDef(idx)
	if st == nil {
		return nil, v.failf(off, "unknown type %d", idx)
	}
	if st.Kind != wasm.CompFunc {
		return nil, v.failf(off, "non-function type %d", idx)
	}
	return &st.Func, nil
}

// tagType returns the function type of tag idx.
func (v *funcValidator) tagType(idx uint32, off uint32) (*wasm.FuncType, error) {
	if uint64(idx) >= uint64(len(v.c.tags)) {
		return nil, v.failf(off, "unknown tag %d", idx)
	}
	return v.funcType(v.c.tags[idx], off)
}
