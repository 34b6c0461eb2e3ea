package validate

import (
	"errors"
	"fmt"
	"sync"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// maxLocals bounds the locals of one function (parameters included). The
// spec allows up to 2^32-1, but engines cap it; the cap also keeps the
// expanded local list from being sized by an untrusted count.
const maxLocals = 50000

// funcValidator holds the state of the validation algorithm. Validators are
// pooled so that the stacks are reused across functions and modules.
type funcValidator struct {
	c       *moduleCtx
	funcIdx int // -1 for constant expressions
	r       *binary.InstrReader
	rFeat   wasm.Features
	code    []byte // what r reads
	in      wasm.Instr

	vals    []wasm.ValType
	ctrls   []ctrlFrame
	arena   []wasm.ValType // one-element block types, see single
	results []wasm.ValType // the function's results

	locals    []wasm.ValType
	localInit []bool   // only maintained when needInit
	inits     []uint32 // locals initialised inside open frames
	needInit  bool

	// Constant expressions: the global index bound and the expected type.
	constMode  bool
	numGlobals uint32
	want1      [1]wasm.ValType
	want2      [2]wasm.ValType
	constRes   [1]wasm.ValType
	scratch    []wasm.ValType

	// The calls of the body, for wasm.Module.Calls.
	calls   []uint32
	unknown bool
}

var validatorPool = sync.Pool{New: func() any { return new(funcValidator) }}

func getValidator(c *moduleCtx, code []byte, base uint32) *funcValidator {
	v := validatorPool.Get().(*funcValidator)
	v.reset(c, code, base)
	return v
}

// reset prepares v for the code at module offset base, keeping its storage.
func (v *funcValidator) reset(c *moduleCtx, code []byte, base uint32) {
	v.c = c
	v.code = code
	if v.r == nil || v.rFeat != c.features {
		v.r = binary.NewInstrReader(code, base, c.features)
		v.rFeat = c.features
	} else {
		v.r.Reset(code, base)
	}
	v.vals = v.vals[:0]
	v.ctrls = v.ctrls[:0]
	v.calls, v.unknown = v.calls[:0], false
	v.arena = v.arena[:0]
	v.inits = v.inits[:0]
	v.locals = v.locals[:0]
	v.needInit = false
	v.constMode = false
}

func putValidator(v *funcValidator) {
	// Drop references into the module so the pool does not keep it alive.
	v.c = nil
	v.code = nil
	v.results = nil
	v.r.Reset(nil, 0)
	validatorPool.Put(v)
}

// validateFunc checks the body of function funcIdx (imports first in the
// index space) whose code is code, with v reset to code.
func (v *funcValidator) validateFunc(funcIdx uint32, code *wasm.Code) error {
	c := v.c
	v.funcIdx = int(funcIdx)
	if uint64(funcIdx) >= uint64(len(c.funcs)) {
		return v.failf(code.Offset, "unknown function %d", funcIdx)
	}
	ft, ok := c.funcTypeOf(c.funcs[funcIdx])
	if !ok {
		return v.failf(code.Offset, "non-function type %d", c.funcs[funcIdx])
	}
	if err := v.setupLocals(ft, code); err != nil {
		return err
	}
	v.results = ft.Results
	v.pushCtrl(kindFunc, nil, ft.Results, 0)
	return v.run()
}

func (v *funcValidator) setupLocals(ft *wasm.FuncType, code *wasm.Code) error {
	v.locals = append(v.locals, ft.Params...)
	total := uint64(len(ft.Params))
	for _, le := range code.Locals {
		total += uint64(le.Count)
		if total > maxLocals {
			return &wasm.Error{Kind: wasm.Malformed, Offset: int(code.Offset), Func: v.funcIdx, Msg: "too many locals"}
		}
		if err := v.checkType(le.Type, code.Offset); err != nil {
			return err
		}
		if !le.Type.Defaultable() {
			v.needInit = true
		}
		for i := uint32(0); i < le.Count; i++ {
			v.locals = append(v.locals, le.Type)
		}
	}
	if v.needInit {
		if cap(v.localInit) < len(v.locals) {
			v.localInit = make([]bool, len(v.locals))
		}
		v.localInit = v.localInit[:len(v.locals)]
		for i, t := range v.locals {
			v.localInit[i] = i < len(ft.Params) || t.Defaultable()
		}
	}
	return nil
}

// run validates instructions until the outermost frame is closed.
func (v *funcValidator) run() error {
	// Fast path for the offsets of active segments, of which large modules
	// have tens of thousands.
	if v.constMode && v.plainConst() {
		return nil
	}
	for len(v.ctrls) > 0 {
		if v.r.AtEnd() {
			// The body's bytes ran out inside a block (the decoder already
			// checked that the last byte is an end opcode).
			return v.malformedf(v.r.Offset(), "unexpected end of section or function")
		}
		if err := v.r.Next(&v.in); err != nil {
			return v.wrap(err)
		}
		if err := v.step(&v.in); err != nil {
			return err
		}
	}
	if !v.r.AtEnd() {
		return v.malformedf(v.r.Offset(), "section size mismatch")
	}
	return nil
}

// plainConst reports whether the constant expression is exactly "i32.const
// n end" or "i64.const n end" of the expected type, which is valid.
func (v *funcValidator) plainConst() bool {
	code := v.code
	if len(code) < 3 || code[len(code)-1] != 0x0b || len(v.results) != 1 {
		return false
	}
	imm := code[1 : len(code)-1]
	var n int
	var err error
	switch {
	case code[0] == 0x41 && v.results[0] == wasm.I32:
		_, n, err = binary.ReadS32(imm)
	case code[0] == 0x42 && v.results[0] == wasm.I64:
		_, n, err = binary.ReadS64(imm)
	default:
		return false
	}
	return err == nil && n == len(imm)
}

// step validates one instruction.
func (v *funcValidator) step(in *wasm.Instr) error {
	if v.constMode {
		if !v.isConstInstr(in) {
			return v.failf(in.Offset, "constant expression required")
		}
		if in.Op == 0x23 {
			if err := v.constGlobalCheck(in); err != nil {
				return err
			}
		}
	}
	var d *opDesc
	if in.Op < 256 {
		// Fast path for local.get, local.set and local.tee, a quarter of
		// all instructions; stepVariable handles what it does not.
		if in.Op-0x20 <= 2 && v.stepLocal(in) {
			return nil
		}
		d = &mainDescs[in.Op]
	} else {
		d = descOf(in.Op)
	}
	if d != nil && d.sig {
		return v.stepSig(in, d)
	}
	switch in.Op.Prefix() {
	case wasm.PrefixGC:
		return v.stepGC(in)
	case wasm.PrefixMisc:
		return v.stepMisc(in)
	case 0:
	default:
		return v.malformedf(in.Offset, "illegal opcode %s", in.Op)
	}
	switch in.Op {
	case 0x00: // unreachable
		v.setUnreachable()
		return nil
	case 0x02, 0x03, 0x04, 0x06, 0x1f: // block loop if try try_table
		return v.openBlock(in)
	case 0x05, 0x0b, 0x07, 0x19, 0x18: // else end catch catch_all delegate
		return v.closeBlock(in)
	case 0x08, 0x09, 0x0a: // throw rethrow throw_ref
		return v.stepThrow(in)
	case 0x0c, 0x0d, 0x0e, 0xd5, 0xd6: // br br_if br_table br_on_null br_on_non_null
		return v.stepBranch(in)
	case 0x0f: // return
		if err := v.popN(v.results, in.Offset); err != nil {
			return err
		}
		v.setUnreachable()
		return nil
	case 0x10, 0x11, 0x12, 0x13, 0x14, 0x15:
		return v.stepCall(in)
	case 0x1a, 0x1b, 0x1c: // drop select select-t
		return v.stepParametric(in)
	case 0x20, 0x21, 0x22, 0x23, 0x24: // locals, globals
		return v.stepVariable(in)
	case 0x25, 0x26: // table.get table.set
		return v.stepTable(in)
	case 0x3f, 0x40: // memory.size memory.grow
		return v.stepMemory(in)
	case 0xd0, 0xd1, 0xd2, 0xd3, 0xd4:
		return v.stepRef(in)
	case 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6:
		if in.Op >= 0xe3 { // resume, resume_throw(_ref), switch: run unknown code
			v.unknown = true
		}
		return v.stepCont(in)
	}
	return v.malformedf(in.Offset, "illegal opcode %s", in.Op)
}

// stepLocal types local.get, local.set or local.tee when no initialisation
// is tracked, the local exists and, for set and tee, the operand is on the
// stack with exactly the local's type. It reports whether it did.
func (v *funcValidator) stepLocal(in *wasm.Instr) bool {
	x := in.Index
	if v.needInit || uint64(x) >= uint64(len(v.locals)) {
		return false
	}
	t := v.locals[x]
	if in.Op == 0x20 {
		v.vals = append(v.vals, t)
		return true
	}
	n := len(v.vals)
	if n <= v.ctrls[len(v.ctrls)-1].height || v.vals[n-1] != t {
		return false
	}
	if in.Op == 0x21 { // local.tee leaves the operand, of type t, in place
		v.vals = v.vals[:n-1]
	}
	return true
}

func (v *funcValidator) failf(off uint32, format string, args ...any) error {
	return &wasm.Error{Kind: wasm.Invalid, Offset: int(off), Func: v.funcIdx, Msg: fmt.Sprintf(format, args...)}
}

func (v *funcValidator) malformedf(off uint32, format string, args ...any) error {
	return &wasm.Error{Kind: wasm.Malformed, Offset: int(off), Func: v.funcIdx, Msg: fmt.Sprintf(format, args...)}
}

// wrap attaches the function index to a decoding error.
func (v *funcValidator) wrap(err error) error {
	var we *wasm.Error
	if errors.As(err, &we) {
		e := *we
		e.Func = v.funcIdx
		return &e
	}
	return &wasm.Error{Kind: wasm.Malformed, Offset: int(v.r.Offset()), Func: v.funcIdx, Msg: err.Error()}
}

// checkType checks the type indices in t, reporting at off.
func (v *funcValidator) checkType(t wasm.ValType, off uint32) error {
	if t.Kind != wasm.KindRef {
		return nil
	}
	if err := v.c.checkValType(t); err != nil {
		var we *wasm.Error
		if errors.As(err, &we) {
			e := *we
			e.Offset = int(off)
			e.Func = v.funcIdx
			return &e
		}
		return err
	}
	return nil
}
