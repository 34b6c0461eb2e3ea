package validate

import "github.com/wasmc/wasmc/frontend/wasm"

// contType returns the function type of continuation type idx.
func (v *funcValidator) contType(idx uint32, off uint32) (*wasm.FuncType, error) {
	st := v.c.typeDef(idx)
	if st == nil {
		return nil, v.failf(off, "unknown type %d", idx)
	}
	if st.Kind != wasm.CompCont {
		return nil, v.failf(off, "non-continuation type %d", idx)
	}
	return v.funcType(st.Cont, off)
}

// funcSubtype reports whether [p1] -> [r1] <: [p2] -> [r2].
func (v *funcValidator) funcSubtype(p1, r1, p2, r2 []wasm.ValType) bool {
	return v.c.subtypes(p2, p1) && v.c.subtypes(r1, r2)
}

// stepCont handles the stack switching instructions.
func (v *funcValidator) stepCont(in *wasm.Instr) error {
	off, x := in.Offset, in.Index
	switch in.Op {
	case 0xe0: // cont.new
		if _, err := v.contType(x, off); err != nil {
			return err
		}
		if err := v.pop1(refTo(true, v.c.typeDef(x).Cont), off); err != nil {
			return err
		}
		v.push(refTo(false, x))
	case 0xe1: // cont.bind x y
		ft, err := v.contType(x, off)
		if err != nil {
			return err
		}
		ft2, err := v.contType(in.Index2, off)
		if err != nil {
			return err
		}
		if len(ft.Params) < len(ft2.Params) {
			return v.failf(off, "type mismatch in continuation arguments")
		}
		split := len(ft.Params) - len(ft2.Params)
		if !v.funcSubtype(ft.Params[split:], ft.Results, ft2.Params, ft2.Results) {
			return v.failf(off, "type mismatch in continuation types")
		}
		if err := v.pop1(refTo(true, x), off); err != nil {
			return err
		}
		if err := v.popN(ft.Params[:split], off); err != nil {
			return err
		}
		v.push(refTo(false, in.Index2))
	case 0xe2: // suspend
		ft, err := v.tagType(x, off)
		if err != nil {
			return err
		}
		if err := v.popN(ft.Params, off); err != nil {
			return err
		}
		v.pushAll(ft.Results)
	case 0xe3, 0xe4, 0xe5: // resume resume_throw resume_throw_ref
		ft, err := v.contType(x, off)
		if err != nil {
			return err
		}
		args := ft.Params
		if in.Op == 0xe4 {
			tt, err := v.tagType(in.Index2, off)
			if err != nil {
				return err
			}
			args = tt.Params
		}
		if err := v.checkHandlers(in.Handlers, ft.Results, off); err != nil {
			return err
		}
		if err := v.pop1(refTo(true, x), off); err != nil {
			return err
		}
		if in.Op == 0xe5 {
			if err := v.pop1(wasm.ExnRef, off); err != nil {
				return err
			}
		} else if err := v.popN(args, off); err != nil {
			return err
		}
		v.pushAll(ft.Results)
	case 0xe6: // switch x tag
		return v.stepSwitch(in)
	}
	return nil
}

// checkHandlers checks resume handlers against the results of the resumed
// continuation.
func (v *funcValidator) checkHandlers(hs []wasm.Handler, results []wasm.ValType, off uint32) error {
	for i := range hs {
		h := &hs[i]
		tt, err := v.tagType(h.Tag, off)
		if err != nil {
			return err
		}
		if h.Switch {
			if len(tt.Params) != 0 {
				return v.failf(off, "type mismatch tag type")
			}
			continue
		}
		lf, err := v.label(h.Label, off)
		if err != nil {
			return err
		}
		lt := lf.labelTypes()
		if len(lt) == 0 || lt[len(lt)-1].Kind != wasm.KindRef || !lt[len(lt)-1].Heap.IsIndex() {
			return v.failf(off, "type mismatch: instruction requires concrete continuation reference type but label has %s", typesString(lt))
		}
		ct, err := v.contType(lt[len(lt)-1].Heap.Index(), off)
		if err != nil {
			return err
		}
		if !v.funcSubtype(tt.Results, results, ct.Params, ct.Results) {
			return v.failf(off, "type mismatch in continuation type")
		}
		if !v.c.subtypes(tt.Params, lt[:len(lt)-1]) {
			return v.failf(off, "type mismatch: handler requires %s but label has %s", typesString(tt.Params), typesString(lt))
		}
	}
	return nil
}

func (v *funcValidator) stepSwitch(in *wasm.Instr) error {
	off, x := in.Offset, in.Index
	ft, err := v.contType(x, off)
	if err != nil {
		return err
	}
	ps := ft.Params
	if len(ps) == 0 || ps[len(ps)-1].Kind != wasm.KindRef || !ps[len(ps)-1].Heap.IsIndex() {
		return v.failf(off, "type mismatch: instruction requires continuation reference type but the type annotation has %s", typesString(ps))
	}
	ft2, err := v.contType(ps[len(ps)-1].Heap.Index(), off)
	if err != nil {
		return err
	}
	tt, err := v.tagType(in.Index2, off)
	if err != nil {
		return err
	}
	if len(tt.Params) != 0 {
		return v.failf(off, "type mismatch in switch tag")
	}
	if !v.c.subtypes(ft.Results, tt.Results) || !v.c.subtypes(tt.Results, ft2.Results) {
		return v.failf(off, "type mismatch in continuation types")
	}
	if err := v.pop1(refTo(true, x), off); err != nil {
		return err
	}
	if err := v.popN(ps[:len(ps)-1], off); err != nil {
		return err
	}
	v.pushAll(ft2.Params)
	return nil
}
