package lower

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/ssa"
)

// instr lowers one instruction in reachable code.
func (l *Builder) instr() {
	if l.simple() || l.control() || l.numeric() || l.memory() || l.calls() || l.tables() {
		return
	}
	in := &l.in
	switch in.Op {
	case 0x1a: // drop
		l.pop()
	case 0x1b, 0x1c: // select, select t
		c := l.pop()
		b := l.pop()
		a := l.pop()
		if a.Type != b.Type {
			l.fail("select operands of different types")
		}
		l.push(l.emit(ssa.OpSelect, a.Type, a, b, c))
	case 0x20: // local.get
		l.checkLocal(in.Index)
		l.push(l.readLocal(l.cur, in.Index))
	case 0x21: // local.set
		l.checkLocal(in.Index)
		l.writeLocal(l.cur, in.Index, l.pop())
	case 0x22: // local.tee
		l.checkLocal(in.Index)
		v := l.pop()
		l.writeLocal(l.cur, in.Index, v)
		l.push(v)
	case 0x23: // global.get
		t := l.globalType(in.Index)
		l.push(l.emitAux(loadOp(t), t, 0, l.globalCell(in.Index)))
	case 0x24: // global.set
		t := l.globalType(in.Index)
		v := l.pop()
		l.emitAux(storeOp(t), ssa.TypeNone, 0, l.globalCell(in.Index), v)
	case 0xd0: // ref.null
		l.push(l.i64(0))
	case 0xd1: // ref.is_null
		l.push(l.emit(ssa.OpI64Eqz, ssa.I32, l.pop()))
	case 0xd2: // ref.func
		if in.Index >= l.m.NumFuncs() {
			l.fail("unknown function %d", in.Index)
		}
		l.push(l.emit(ssa.OpI64Add, ssa.I64, l.vmctx, l.i64(int64(l.layout.FuncRef(in.Index)))))
	default:
		l.unsupported(fmt.Sprintf("%s (at offset %d)", in.Op, in.Offset))
	}
}

func (l *Builder) checkLocal(n uint32) {
	if int(n) >= len(l.localTypes) {
		l.fail("unknown local %d", n)
	}
}

func (l *Builder) globalType(i uint32) ssa.Type {
	m := l.m
	if i >= m.NumGlobals() {
		l.fail("unknown global %d", i)
	}
	if i < m.NumImportedGlobals {
		n := uint32(0)
		for k := range m.Imports {
			if m.Imports[k].Kind == wasm.ExternGlobal {
				if n == i {
					return l.valType(m.Imports[k].Global.Type)
				}
				n++
			}
		}
	}
	return l.valType(m.Globals[i-m.NumImportedGlobals].Type.Type)
}

// globalCell returns the address of global i's cell (a prelude value).
func (l *Builder) globalCell(i uint32) *ssa.Value {
	if v := l.globals.get(i); v != nil {
		return v
	}
	v := l.ownCell(i, l.m.NumImportedGlobals, l.layout.OwnGlobal, l.layout.Global)
	l.globals.put(i, v)
	return v
}

// ownCell returns the address of the cell (or record) of global, memory
// or table i, as a prelude value: for a defined one, the vmctx plus the offset own
// gives its k-th own cell, which the backends fold into the accesses; for
// an imported one, the pointer at offset ptr.
func (l *Builder) ownCell(i, imported uint32, own, ptr func(uint32) uint32) *ssa.Value {
	entry := l.f.Blocks[0]
	if i >= imported {
		return l.inPrelude(entry.NewValue(ssa.OpI64Add, ssa.I64, l.vmctx, l.i64(int64(own(i-imported)))))
	}
	return l.inPrelude(entry.NewValueAux(ssa.OpI64Load, ssa.I64, int64(ptr(i)), l.vmctx))
}

func loadOp(t ssa.Type) ssa.Op {
	switch t {
	case ssa.I32:
		return ssa.OpI32Load
	case ssa.I64:
		return ssa.OpI64Load
	case ssa.F32:
		return ssa.OpF32Load
	}
	return ssa.OpF64Load
}

func storeOp(t ssa.Type) ssa.Op {
	switch t {
	case ssa.I32:
		return ssa.OpI32Store
	case ssa.I64:
		return ssa.OpI64Store
	case ssa.F32:
		return ssa.OpF32Store
	}
	return ssa.OpF64Store
}
