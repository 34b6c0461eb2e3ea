package lower

import (
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// tables lowers the table and element instructions; it reports false for
// other ops. table.get and table.set are inline (bounds check, then a raw
// access of the 8-byte element); the rest are builtins.
func (l *Builder) tables() bool {
	in := &l.in
	switch in.Op {
	case 0x25: // table.get
		l.tableType(in.Index)
		idx := l.pop()
		l.push(l.tableElem(in.Index, idx, abi.TrapOutOfBoundsTable))
	case 0x26: // table.set
		l.tableType(in.Index)
		v := l.pop()
		idx := l.pop()
		p := l.tableSlot(in.Index, idx, abi.TrapOutOfBoundsTable)
		l.emitAux(ssa.OpI64Store, ssa.TypeNone, 0, p, v)
	case wasm.PrefixMisc<<16 | 0x0c: // table.init elem table
		l.tableType(in.Index2)
		n, s, d := l.pop(), l.pop(), l.pop()
		l.builtin(abi.BuiltinTableInit, sig5I, l.i32(int32(in.Index2)), l.i32(int32(in.Index)), d, s, n)
	case wasm.PrefixMisc<<16 | 0x0d: // elem.drop
		l.builtin(abi.BuiltinElemDrop, sig1I, l.i32(int32(in.Index)))
	case wasm.PrefixMisc<<16 | 0x0e: // table.copy dst src
		l.tableType(in.Index)
		l.tableType(in.Index2)
		n, s, d := l.pop(), l.pop(), l.pop()
		l.builtin(abi.BuiltinTableCopy, sig5I, l.i32(int32(in.Index)), l.i32(int32(in.Index2)), d, s, n)
	case wasm.PrefixMisc<<16 | 0x0f: // table.grow
		l.tableType(in.Index)
		delta := l.pop()
		init := l.pop()
		l.push(l.builtin(abi.BuiltinTableGrow, sigTGrow, l.i32(int32(in.Index)), init, delta))
	case wasm.PrefixMisc<<16 | 0x10: // table.size
		l.tableType(in.Index)
		n := l.emitAux(ssa.OpI64Load, ssa.I64, abi.TableLen, l.tableRec(in.Index))
		l.push(l.emit(ssa.OpI32WrapI64, ssa.I32, n))
	case wasm.PrefixMisc<<16 | 0x11: // table.fill
		l.tableType(in.Index)
		n, v, d := l.pop(), l.pop(), l.pop()
		l.builtin(abi.BuiltinTableFill, sigTFill, l.i32(int32(in.Index)), d, v, n)
	default:
		return false
	}
	return true
}

// tableType returns table i's type; only 32-bit tables are supported.
func (l *Builder) tableType(i uint32) wasm.TableType {
	m := l.m
	var tt wasm.TableType
	switch {
	case i >= m.NumTables():
		l.fail("unknown table %d", i)
	case i < m.NumImportedTables:
		n := uint32(0)
		for k := range m.Imports {
			if m.Imports[k].Kind == wasm.ExternTable {
				if n == i {
					tt = m.Imports[k].Table
					break
				}
				n++
			}
		}
	default:
		tt = m.Tables[i-m.NumImportedTables].Type
	}
	if tt.Limits.Is64 {
		l.unsupported("64-bit tables")
	}
	return tt
}

// tableRec returns the address of table i's record (a prelude value).
func (l *Builder) tableRec(i uint32) *ssa.Value {
	if v := l.tabRecs.get(i); v != nil {
		return v
	}
	v := l.ownCell(i, l.m.NumImportedTables, l.layout.OwnTable, l.layout.Table)
	l.tabRecs.put(i, v)
	return v
}

// tableSlot bounds-checks index idx (i32) of table t, trapping with code,
// and returns the address of its element.
func (l *Builder) tableSlot(t uint32, idx *ssa.Value, code abi.TrapCode) *ssa.Value {
	rec := l.tableRec(t)
	n := l.emitAux(ssa.OpI64Load, ssa.I64, abi.TableLen, rec)
	i := l.emit(ssa.OpI64ExtendI32U, ssa.I64, idx)
	l.trapIf(l.emit(ssa.OpI64GeU, ssa.I32, i, n), code)
	base := l.emitAux(ssa.OpI64Load, ssa.I64, abi.TableBase, rec)
	off := l.emit(ssa.OpI64Shl, ssa.I64, i, l.i64(3))
	return l.emit(ssa.OpI64Add, ssa.I64, base, off)
}

// tableElem loads element idx of table t after its bounds check.
func (l *Builder) tableElem(t uint32, idx *ssa.Value, code abi.TrapCode) *ssa.Value {
	return l.emitAux(ssa.OpI64Load, ssa.I64, 0, l.tableSlot(t, idx, code))
}
