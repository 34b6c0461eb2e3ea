package lower

import (
	"math"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// memory lowers loads, stores and the memory instructions; it reports false
// for other ops.
func (l *Builder) memory() bool {
	in := &l.in
	switch {
	case in.Op >= 0x28 && in.Op <= 0x35: // loads
		op, _ := ssa.OpByName(in.Op.String())
		t := resultType(wasm.Lookup(in.Op).Sig[2:])
		addr := l.pop()
		p, disp := l.memAddr(in.Mem, addr, op.AccessSize())
		l.push(l.emitAux(op, t, disp, p))
	case in.Op >= 0x36 && in.Op <= 0x3e: // stores
		op, _ := ssa.OpByName(in.Op.String())
		v := l.pop()
		addr := l.pop()
		p, disp := l.memAddr(in.Mem, addr, op.AccessSize())
		l.emitAux(op, ssa.TypeNone, disp, p, v)
	case in.Op == 0x3f: // memory.size
		mt := l.memType(in.Index)
		n := l.emitAux(ssa.OpI64Load, ssa.I64, abi.MemLen, l.memRec(in.Index))
		pages := l.emit(ssa.OpI64ShrU, ssa.I64, n, l.i64(int64(mt.PageSizeLog2)))
		l.push(l.emit(ssa.OpI32WrapI64, ssa.I32, pages))
	case in.Op == 0x40: // memory.grow
		l.memType(in.Index)
		delta := l.pop()
		l.push(l.builtin(abi.BuiltinMemoryGrow, sigII_I, l.i32(int32(in.Index)), delta))
	case in.Op == wasm.PrefixMisc<<16|0x08: // memory.init data mem
		l.memType(in.Index2)
		n, s, d := l.pop(), l.pop(), l.pop()
		l.builtin(abi.BuiltinMemoryInit, sig5I, l.i32(int32(in.Index2)), l.i32(int32(in.Index)), d, s, n)
	case in.Op == wasm.PrefixMisc<<16|0x09: // data.drop
		l.builtin(abi.BuiltinDataDrop, sig1I, l.i32(int32(in.Index)))
	case in.Op == wasm.PrefixMisc<<16|0x0a: // memory.copy dst src
		l.memType(in.Index)
		l.memType(in.Index2)
		n, s, d := l.pop(), l.pop(), l.pop()
		n64 := l.emit(ssa.OpI64ExtendI32U, ssa.I64, n)
		dst, src := l.bulkAddr(in.Index, d, n64), l.bulkAddr(in.Index2, s, n64)
		l.emit(ssa.OpMemCopy, ssa.TypeNone, dst, src, n64)
	case in.Op == wasm.PrefixMisc<<16|0x0b: // memory.fill
		l.memType(in.Index)
		n, v, d := l.pop(), l.pop(), l.pop()
		n64 := l.emit(ssa.OpI64ExtendI32U, ssa.I64, n)
		l.emit(ssa.OpMemFill, ssa.TypeNone, l.bulkAddr(in.Index, d, n64), v, n64)
	default:
		return false
	}
	return true
}

// Builtin signatures (see abi.Builtin for the argument order).
var (
	sig1I    = &ssa.Signature{Params: []ssa.Type{ssa.I32}}
	sig5I    = &ssa.Signature{Params: []ssa.Type{ssa.I32, ssa.I32, ssa.I32, ssa.I32, ssa.I32}}
	sigII_I  = &ssa.Signature{Params: []ssa.Type{ssa.I32, ssa.I32}, Results: []ssa.Type{ssa.I32}}
	sigTGrow = &ssa.Signature{Params: []ssa.Type{ssa.I32, ssa.I64, ssa.I32}, Results: []ssa.Type{ssa.I32}}
	sigTFill = &ssa.Signature{Params: []ssa.Type{ssa.I32, ssa.I32, ssa.I64, ssa.I32}}
)

func (l *Builder) builtin(b abi.Builtin, sig *ssa.Signature, args ...*ssa.Value) *ssa.Value {
	v := l.emitAux(ssa.OpCallBuiltin, sig.ResultType(), int64(b), args...)
	v.Sig = sig
	return v
}

// memType returns memory i's type; only 32-bit memories are supported.
func (l *Builder) memType(i uint32) wasm.MemoryType {
	m := l.m
	var mt wasm.MemoryType
	switch {
	case i >= m.NumMemories():
		l.fail("unknown memory %d", i)
	case i < m.NumImportedMemories:
		n := uint32(0)
		for k := range m.Imports {
			if m.Imports[k].Kind == wasm.ExternMemory {
				if n == i {
					mt = m.Imports[k].Memory
					break
				}
				n++
			}
		}
	default:
		mt = m.Memories[i-m.NumImportedMemories]
	}
	if mt.Limits.Is64 {
		l.unsupported("64-bit memories")
	}
	return mt
}

// memRec returns the address of memory i's record (a prelude value).
func (l *Builder) memRec(i uint32) *ssa.Value {
	if v := l.memRecs.get(i); v != nil {
		return v
	}
	v := l.ownCell(i, l.m.NumImportedMemories, l.layout.OwnMemory, l.layout.Memory)
	l.memRecs.put(i, v)
	// The bounds-check passes rely on lengths changing only in calls;
	// another thread may grow a shared memory at any time.
	if l.memType(i).Limits.Shared {
		l.f.SharedMemory = true
	}
	if mt := l.memType(i); !mt.Limits.Shared && mt.PageSizeLog2 < 32 && mt.Limits.Min <= (1<<40)>>mt.PageSizeLog2 {
		l.f.Mems = append(l.f.Mems, ssa.MemInfo{Rec: v, LenOff: abi.MemLen, MinLen: mt.Limits.Min << mt.PageSizeLog2})
	}
	return v
}

// memBase returns memory i's base address, which never changes.
func (l *Builder) memBase(i uint32) *ssa.Value {
	if v := l.memBases.get(i); v != nil {
		return v
	}
	rec := l.memRec(i)
	var v *ssa.Value
	if i == 0 {
		// Memory 0's base has a fixed vmctx slot, which amd64 keeps in a
		// register (docs/abi.md).
		v = l.inPrelude(l.f.Blocks[0].NewValueAux(ssa.OpI64Load, ssa.I64, abi.VMMemBase0, l.vmctx))
	} else {
		v = l.inPrelude(l.f.Blocks[0].NewValueAux(ssa.OpI64Load, ssa.I64, abi.MemBase, rec))
	}
	l.memBases.put(i, v)
	return v
}

// memAddr bounds-checks (unless guard pages do) an access of size bytes at addr+offset in memory
// ma.Memory and returns the machine address as a value and displacement.
func (l *Builder) memAddr(ma wasm.MemArg, addr *ssa.Value, size int) (*ssa.Value, int64) {
	l.memType(ma.Memory)
	if ma.Offset > math.MaxUint32 {
		l.fail("memory offset %d out of range", ma.Offset)
	}
	base := l.memBase(ma.Memory)
	ea := l.emit(ssa.OpI64ExtendI32U, ssa.I64, addr)
	// With guard pages (32-bit memories only: memType rejects others),
	// base+ea+offset+size stays inside the memory's reservation and an
	// access past its length faults, which the runtime turns into the trap.
	if l.opts.GuardPages {
		l.f.FaultingLoads = true
	} else if Omit&BoundsChecks == 0 {
		n := l.emitAux(ssa.OpI64Load, ssa.I64, abi.MemLen, l.memRec(ma.Memory))
		end := l.emit(ssa.OpI64Add, ssa.I64, ea, l.i64(int64(ma.Offset)+int64(size)))
		l.trapIf(l.emit(ssa.OpI64GtU, ssa.I32, end, n), abi.TrapOutOfBoundsMemory)
	}
	p := l.emit(ssa.OpI64Add, ssa.I64, base, ea)
	if ma.Offset > math.MaxInt32 {
		return l.emit(ssa.OpI64Add, ssa.I64, p, l.i64(int64(ma.Offset))), 0
	}
	return p, int64(ma.Offset)
}

// bulkAddr traps unless the n bytes (an i64) at addr lie inside memory i,
// and returns the machine address of the first. Guard pages do not make
// the check unnecessary: memory.copy and memory.fill must not write a
// byte when they trap, so the whole range is checked before the first.
func (l *Builder) bulkAddr(i uint32, addr, n *ssa.Value) *ssa.Value {
	ea := l.emit(ssa.OpI64ExtendI32U, ssa.I64, addr)
	size := l.emitAux(ssa.OpI64Load, ssa.I64, abi.MemLen, l.memRec(i))
	end := l.emit(ssa.OpI64Add, ssa.I64, ea, n)
	l.trapIf(l.emit(ssa.OpI64GtU, ssa.I32, end, size), abi.TrapOutOfBoundsMemory)
	return l.emit(ssa.OpI64Add, ssa.I64, l.memBase(i), ea)
}

// calls lowers call and call_indirect; it reports false for other ops.
func (l *Builder) calls() bool {
	in := &l.in
	m := l.m
	switch in.Op {
	case 0x10: // call
		if in.Index >= m.NumFuncs() {
			l.fail("unknown function %d", in.Index)
		}
		if in.Index < m.NumImportedFuncs {
			sig := l.sig(l.importType(in.Index))
			args := l.popN(len(sig.Params))
			slot := int64(l.layout.ImportedFunc(in.Index))
			code := l.emitAux(ssa.OpI64Load, ssa.I64, slot+abi.ImportCode, l.vmctx)
			vm := l.emitAux(ssa.OpI64Load, ssa.I64, slot+abi.ImportVMCtx, l.vmctx)
			l.pushCall(l.emit(ssa.OpCallIndirect, sig.ResultType(), append([]*ssa.Value{code, vm}, args...)...), sig)
			return true
		}
		sig := l.sig(m.Funcs[in.Index-m.NumImportedFuncs])
		args := l.popN(len(sig.Params))
		l.pushCall(l.emitAux(ssa.OpCall, sig.ResultType(), int64(in.Index), args...), sig)
	case 0x11: // call_indirect type table
		sig := l.sig(in.Index)
		l.tableType(in.Index2)
		idx := l.pop()
		args := l.popN(len(sig.Params))
		ref := l.tableElem(in.Index2, idx, abi.TrapUndefinedElement)
		l.trapIf(l.emit(ssa.OpI64Eqz, ssa.I32, ref), abi.TrapUninitializedElement)
		got := l.emitAux(ssa.OpI32Load, ssa.I32, abi.FuncRefTypeID, ref)
		want := l.emitAux(ssa.OpI32Load, ssa.I32, int64(l.layout.TypeID(in.Index)), l.vmctx)
		l.trapIf(l.emit(ssa.OpI32Ne, ssa.I32, got, want), abi.TrapIndirectCallType)
		code := l.emitAux(ssa.OpI64Load, ssa.I64, abi.FuncRefCode, ref)
		vm := l.emitAux(ssa.OpI64Load, ssa.I64, abi.FuncRefVMCtx, ref)
		l.pushCall(l.emit(ssa.OpCallIndirect, sig.ResultType(), append([]*ssa.Value{code, vm}, args...)...), sig)
	default:
		return false
	}
	return true
}

// pushCall sets the call's signature and pushes its results.
func (l *Builder) pushCall(call *ssa.Value, sig *ssa.Signature) {
	call.Sig = sig
	switch len(sig.Results) {
	case 0:
	case 1:
		l.push(call)
	default:
		for i, t := range sig.Results {
			l.push(l.emitAux(ssa.OpExtract, t, int64(i), call))
		}
	}
}

func (l *Builder) importType(fi uint32) uint32 {
	n := uint32(0)
	for k := range l.m.Imports {
		if l.m.Imports[k].Kind == wasm.ExternFunc {
			if n == fi {
				return l.m.Imports[k].Func
			}
			n++
		}
	}
	l.fail("unknown imported function %d", fi)
	return 0
}
