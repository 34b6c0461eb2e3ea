package validate

import "github.com/wasmc/wasmc/frontend/wasm"

// validateConst checks a constant expression of type want. Only globals
// [0, numGlobals) may be read, and only immutable ones.
func (c *moduleCtx) validateConst(e wasm.ConstExpr, want wasm.ValType, numGlobals uint32) error {
	v := getValidator(c, e.Code, e.Offset)
	defer putValidator(v)
	v.funcIdx = -1
	v.constMode = true
	if !c.features.Has(wasm.GC) && numGlobals > c.m.NumImportedGlobals {
		// Before 3.0 only imported globals were constant.
		numGlobals = c.m.NumImportedGlobals
	}
	v.numGlobals = numGlobals
	v.constRes[0] = want
	v.results = v.constRes[:]
	v.pushCtrl(kindConst, nil, v.results, 0)
	return v.run()
}

// isConstInstr reports whether in may appear in a constant expression:
// constants, ref.null, ref.func, immutable global.get, the extended-const
// integer arithmetic and the GC allocation and conversion instructions.
func (v *funcValidator) isConstInstr(in *wasm.Instr) bool {
	f := v.c.features
	switch in.Op {
	case 0x0b, 0x41, 0x42, 0x43, 0x44, 0xd0, 0xd2, wasm.PrefixSIMD<<16 | 0x0c:
		return true
	case 0x23: // global.get: unknown globals are reported by stepVariable
		x := in.Index
		if x >= v.numGlobals || uint64(x) >= uint64(len(v.c.globals)) {
			return true
		}
		return !v.c.globals[x].Mutable
	case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // i32/i64 add sub mul
		return f.Has(wasm.ExtendedConst)
	case wasm.PrefixGC<<16 | 0x00, wasm.PrefixGC<<16 | 0x01, // struct.new(_default)
		wasm.PrefixGC<<16 | 0x06, wasm.PrefixGC<<16 | 0x07, wasm.PrefixGC<<16 | 0x08, // array.new*
		wasm.PrefixGC<<16 | 0x1a, wasm.PrefixGC<<16 | 0x1b, wasm.PrefixGC<<16 | 0x1c:
		return f.Has(wasm.GC)
	}
	return false
}

// constGlobalCheck applies the constant expression bound on global.get.
func (v *funcValidator) constGlobalCheck(in *wasm.Instr) error {
	if in.Index >= v.numGlobals {
		return v.failf(in.Offset, "unknown global %d", in.Index)
	}
	return nil
}
