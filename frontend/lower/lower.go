// Package lower turns validated WebAssembly function bodies into SSA
// (package ssa): the operand stack becomes SSA values, locals are put in
// SSA form on demand, structured control flow becomes blocks with block
// parameters, and every trap condition becomes an explicit check.
package lower

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// Features are the proposals the lowering handles: WebAssembly 2.0 without
// SIMD.
const Features = wasm.V2 &^ wasm.SIMD

// Function lowers defined function funcIndex (an index in the function
// index space) of the validated module m.
func Function(m *wasm.Module, layout *abi.Layout, funcIndex uint32) (*ssa.Func, error) {
	return NewBuilder(m, layout).Function(funcIndex)
}

// Builder lowers the functions of one module, reusing its buffers from one
// function to the next. It is not safe for concurrent use.
type Builder struct {
	m      *wasm.Module
	layout *abi.Layout
	ir     *binary.InstrReader
	in     wasm.Instr
	sigs   []*ssa.Signature // by type index, filled lazily

	f     *ssa.Func
	reuse bool       // see Reuse
	opts  Options    // see SetOptions
	last  *ssa.Func  // the function the previous call returned
	cur   *ssa.Block // nil while the code is unreachable
	stack []*ssa.Value
	ctrl  []frame
	dead  int // depth of blocks opened inside unreachable code

	localTypes []ssa.Type
	curDefs    []*ssa.Value
	written    []uint32
	defs       defTable
	sealed     []bool
	preds      []*ssa.Block // scratch for incoming
	inEdges    []inEdge     // the edges into sealed blocks (see incoming)
	inAt       [][2]int32   // by block ID: its inEdges range, hi+1; 0 if not found yet
	incomplete [][]incomplete
	open       []openParam // by block ID (see readLocalRec)
	opens      int         // parameters open in readLocalRec
	loopOf     []int32     // by block ID: 1 + the loop a header starts, or 0
	loops      loopWrites
	code       *wasm.Code

	byTarget  map[*ssa.Block][2]int // br_table sources: their range of targetIdx
	targetIdx []int32               // see edgesByTarget

	// The prelude is the start of the entry block: values that depend
	// only on the instance (vmctx, record pointers, memory bases),
	// inserted there on first use so that they dominate every use.
	// Constants go before it when the function is done.
	prelude   int
	vmctx     *ssa.Value
	memRecs   valueCache
	memBases  valueCache
	tabRecs   valueCache
	globals   valueCache
	consts    [ssa.F64 + 1]defTable // by type: bits -> the constant
	constList []*ssa.Value
}

type frameKind uint8

const (
	kindFunc frameKind = iota
	kindBlock
	kindLoop
	kindIf
)

// frame is one open structured instruction.
type frame struct {
	kind    frameKind
	params  []ssa.Type
	results []ssa.Type
	height  int        // operand stack height below the block's parameters
	label   *ssa.Block // branch target: the merge block, or a loop's header
	elseB   *ssa.Block // an if's else block until the else (or end) starts it
	ifArgs  []*ssa.Value
}

// NewBuilder returns a builder for module m.
func NewBuilder(m *wasm.Module, layout *abi.Layout) *Builder {
	return &Builder{
		m: m, layout: layout,
		// Bodies are already validated: read every encoding, and reject
		// what the lowering lacks as unsupported rather than malformed.
		ir:   binary.NewInstrReader(nil, 0, wasm.All),
		sigs: make([]*ssa.Signature, len(m.Types)),
	}
}

// Reuse makes each call of Function build its result in the memory of
// the function the previous call returned, which must be dead by then
// (a compiler's worker is done with each function before the next).
func (l *Builder) Reuse() { l.reuse = true }

// bailout carries an error out of deeply nested lowering code; Function
// recovers it (and only it).
type bailout struct{ err error }

func (l *Builder) fail(format string, args ...any) {
	panic(bailout{fmt.Errorf("lower: function %d: "+format, append([]any{l.f.Index}, args...)...)})
}

// unsupported stops lowering at a construct the compiler lacks; the error
// matches wasm.ErrUnsupported.
func (l *Builder) unsupported(what string) {
	panic(bailout{fmt.Errorf("lower: function %d: %w", l.f.Index, wasm.Unsupported(what))})
}

// Function lowers defined function funcIndex.
func (l *Builder) Function(funcIndex uint32) (f *ssa.Func, err error) {
	m := l.m
	if funcIndex < m.NumImportedFuncs || funcIndex >= m.NumFuncs() {
		return nil, fmt.Errorf("lower: function %d is not a defined function", funcIndex)
	}
	def := funcIndex - m.NumImportedFuncs
	if int(def) >= len(m.Codes) {
		return nil, fmt.Errorf("lower: function %d has no body", funcIndex)
	}
	name := m.FuncName(funcIndex)
	if name == "" {
		name = fmt.Sprintf("f%d", funcIndex)
	}
	if l.reuse && l.last != nil {
		l.f = l.last
		l.f.Reset(name, funcIndex, nil)
	} else {
		l.f = ssa.NewFunc(name, funcIndex, nil)
	}
	if l.reuse {
		l.last = l.f
	}
	l.defs.f = l.f
	for i := range l.consts {
		l.consts[i].f = l.f
	}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			f, err = nil, b.err
		}
		l.reset()
	}()
	l.f.Sig = l.sig(m.Funcs[def])
	l.f.StackGuard = l.opts.GuardPages
	code := &m.Codes[def]
	l.code = code
	l.defs.start(len(code.Body))
	if err := l.setupLocals(code); err != nil {
		return nil, err
	}
	l.ir.Reset(code.Body, code.Offset)
	if err := l.body(); err != nil {
		return nil, err
	}
	l.f.Blocks[0].Prepend(l.constList)
	return l.f, nil
}

func (l *Builder) reset() {
	l.cur = nil
	l.stack = l.stack[:0]
	l.ctrl = l.ctrl[:0]
	l.dead = 0
	clear(l.curDefs)
	l.written = l.written[:0]
	l.defs.reset()
	l.preds = l.preds[:0]
	clear(l.inEdges)
	l.inEdges = l.inEdges[:0]
	l.inAt = l.inAt[:0]
	clear(l.byTarget)
	l.targetIdx = l.targetIdx[:0]
	l.sealed = l.sealed[:0]
	l.incomplete = l.incomplete[:0]
	clear(l.open)
	l.open = l.open[:0]
	l.opens = 0
	l.loopOf = l.loopOf[:0]
	l.loops.reset()
	l.code = nil
	l.vmctx = nil
	l.prelude = 0
	l.memRecs.reset()
	l.memBases.reset()
	l.tabRecs.reset()
	l.globals.reset()
	for i := range l.consts {
		l.consts[i].reset()
	}
	clear(l.constList)
	l.constList = l.constList[:0]
}

func (l *Builder) setupLocals(code *wasm.Code) error {
	sig := l.f.Sig
	n := uint64(len(sig.Params))
	for _, e := range code.Locals {
		n += uint64(e.Count)
	}
	if n > 1<<20 {
		return fmt.Errorf("lower: function %d: too many locals", l.f.Index)
	}
	l.localTypes = append(l.localTypes[:0], sig.Params...)
	for _, e := range code.Locals {
		t := l.valType(e.Type)
		for i := uint32(0); i < e.Count; i++ {
			l.localTypes = append(l.localTypes, t)
		}
	}
	if cap(l.curDefs) < len(l.localTypes) {
		l.curDefs = make([]*ssa.Value, len(l.localTypes))
	}
	l.curDefs = l.curDefs[:len(l.localTypes)]
	entry := l.newBlock()
	l.sealed[entry.ID] = true
	l.setCurrent(entry)
	l.vmctx = entry.NewValue(ssa.OpVMCtx, ssa.I64)
	l.prelude = 1
	for i, t := range sig.Params {
		l.writeLocal(entry, uint32(i), entry.NewParam(t))
	}
	for i := len(sig.Params); i < len(l.localTypes); i++ {
		l.writeLocal(entry, uint32(i), l.zero(l.localTypes[i]))
	}
	return nil
}

// inPrelude moves v (just appended to the entry block) to the prelude.
func (l *Builder) inPrelude(v *ssa.Value) *ssa.Value {
	entry := l.f.Blocks[0]
	vals := entry.Values
	if vals[len(vals)-1] != v {
		l.fail("internal: prelude value not last")
	}
	copy(vals[l.prelude+1:], vals[l.prelude:len(vals)-1])
	vals[l.prelude] = v
	l.prelude++
	return v
}

func (l *Builder) zero(t ssa.Type) *ssa.Value { return l.constant(t, 0) }

func (l *Builder) valType(t wasm.ValType) ssa.Type {
	switch t.Kind {
	case wasm.KindI32:
		return ssa.I32
	case wasm.KindI64, wasm.KindRef:
		return ssa.I64
	case wasm.KindF32:
		return ssa.F32
	case wasm.KindF64:
		return ssa.F64
	}
	l.unsupported("value type " + t.String())
	return ssa.TypeNone
}

// sig returns the SSA signature of function type index ti.
func (l *Builder) sig(ti uint32) *ssa.Signature {
	if int(ti) >= len(l.m.Types) || l.m.Types[ti].Kind != wasm.CompFunc {
		l.fail("type %d is not a function type", ti)
	}
	if s := l.sigs[ti]; s != nil {
		return s
	}
	ft := &l.m.Types[ti].Func
	s := &ssa.Signature{Params: make([]ssa.Type, len(ft.Params)), Results: make([]ssa.Type, len(ft.Results))}
	for i, t := range ft.Params {
		s.Params[i] = l.valType(t)
	}
	for i, t := range ft.Results {
		s.Results[i] = l.valType(t)
	}
	l.sigs[ti] = s
	return s
}

// blockSig returns a block type's parameter and result types.
func (l *Builder) blockSig(bt wasm.BlockType) (params, results []ssa.Type) {
	switch bt.Kind {
	case wasm.BlockEmpty:
		return nil, nil
	case wasm.BlockValue:
		return nil, []ssa.Type{l.valType(bt.Val)}
	}
	s := l.sig(bt.Index)
	return s.Params, s.Results
}

// Operand stack.

func (l *Builder) push(v *ssa.Value) { l.stack = append(l.stack, v) }

func (l *Builder) pop() *ssa.Value {
	if len(l.stack) <= l.ctrl[len(l.ctrl)-1].height {
		l.fail("operand stack underflow at offset %d", l.in.Offset)
	}
	v := l.stack[len(l.stack)-1]
	l.stack = l.stack[:len(l.stack)-1]
	return v
}

// popN pops n values and returns them in a new slice (in the function's
// memory, as edge arguments are), bottom first.
func (l *Builder) popN(n int) []*ssa.Value {
	if len(l.stack)-n < l.ctrl[len(l.ctrl)-1].height {
		l.fail("operand stack underflow at offset %d", l.in.Offset)
	}
	vals := l.f.NewArgs(n)
	copy(vals, l.stack[len(l.stack)-n:])
	l.stack = l.stack[:len(l.stack)-n]
	return vals
}

// top returns a copy of the top n values without popping them (like
// popN's).
func (l *Builder) top(n int) []*ssa.Value {
	if len(l.stack)-n < l.ctrl[len(l.ctrl)-1].height {
		l.fail("operand stack underflow at offset %d", l.in.Offset)
	}
	vals := l.f.NewArgs(n)
	copy(vals, l.stack[len(l.stack)-n:])
	return vals
}

// Emission helpers for the current block.

func (l *Builder) emit(op ssa.Op, t ssa.Type, args ...*ssa.Value) *ssa.Value {
	return l.cur.NewValue(op, t, args...)
}

func (l *Builder) emitAux(op ssa.Op, t ssa.Type, aux int64, args ...*ssa.Value) *ssa.Value {
	return l.cur.NewValueAux(op, t, aux, args...)
}

func (l *Builder) i32(c int32) *ssa.Value { return l.constant(ssa.I32, int64(c)) }

func (l *Builder) i64(c int64) *ssa.Value { return l.constant(ssa.I64, c) }

// constant returns the function's one value for the constant of type t
// with bits aux (an f32's in the low 32 bits). Constants collect at the
// start of the entry block (see Function), where they dominate every use:
// the passes would move them there and merge the copies anyway.
func (l *Builder) constant(t ssa.Type, aux int64) *ssa.Value {
	tab := &l.consts[t]
	if v := tab.get(uint64(aux)); v != nil {
		return v
	}
	v := l.f.Blocks[0].NewConst(t, aux)
	tab.put(uint64(aux), v)
	l.constList = append(l.constList, v)
	return v
}

func (l *Builder) trapIf(cond *ssa.Value, code abi.TrapCode) {
	l.emitAux(ssa.OpTrapIf, ssa.TypeNone, int64(code), cond)
}

// constOf reports whether v is an integer constant and its value.
func constOf(v *ssa.Value) (int64, bool) {
	if v.Op == ssa.OpConstI32 || v.Op == ssa.OpConstI64 {
		return v.AuxInt, true
	}
	return 0, false
}
