package validate

import (
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// opRefFunc is ref.func, the one constant instruction naming a function.
const opRefFunc wasm.Opcode = 0xd2

// collectDeclared marks the functions referenced outside function bodies
// (exports, element segments, global and table initialisers): only those
// may be named by ref.func in a body.
func (c *moduleCtx) collectDeclared() error {
	m := c.m
	c.declared = make([]bool, len(c.funcs))
	mark := func(x uint32) {
		if x < uint32(len(c.declared)) {
			c.declared[x] = true
		}
	}
	for i := range m.Exports {
		if m.Exports[i].Kind == wasm.ExternFunc {
			mark(m.Exports[i].Index)
		}
	}
	var ir *binary.InstrReader
	var in wasm.Instr
	scan := func(e wasm.ConstExpr) {
		if ir == nil {
			ir = binary.NewInstrReader(e.Code, e.Offset, c.features)
		} else {
			ir.Reset(e.Code, e.Offset)
		}
		// A malformed expression is reported when it is validated.
		for !ir.AtEnd() && ir.Next(&in) == nil {
			if in.Op == opRefFunc {
				mark(in.Index)
			}
		}
	}
	for i := range m.Elems {
		e := &m.Elems[i]
		for _, x := range e.FuncIndices {
			mark(x)
		}
		for _, ex := range e.Exprs {
			scan(ex)
		}
	}
	for i := range m.Globals {
		scan(m.Globals[i].Init)
	}
	for i := range m.Tables {
		if m.Tables[i].HasInit {
			scan(m.Tables[i].Init)
		}
	}
	return nil
}

// segOff is the best offset for a segment's errors: its offset expression
// when it is active, otherwise unknown.
func segOff(mode wasm.SegmentMode, offset wasm.ConstExpr) int {
	if mode == wasm.SegmentActive {
		return int(offset.Offset)
	}
	return -1
}

func (c *moduleCtx) checkElems() error {
	m := c.m
	c.elemTypes = make([]wasm.ValType, len(m.Elems))
	for i := range m.Elems {
		c.elemTypes[i] = m.Elems[i].Type
	}
	numGlobals := c.constGlobals(uint32(len(c.globals)))
	for i := range m.Elems {
		e := &m.Elems[i]
		if e.Type.Kind != wasm.KindRef {
			return wasm.Invalidf(segOff(e.Mode, e.Offset), "type mismatch: element segment type %s is not a reference type", e.Type)
		}
		if err := c.checkValType(e.Type); err != nil {
			return withOffset(err, segOff(e.Mode, e.Offset))
		}
		if !e.UsesExprs {
			for _, x := range e.FuncIndices {
				if x >= uint32(len(c.funcs)) {
					return wasm.Invalidf(segOff(e.Mode, e.Offset), "unknown function %d", x)
				}
				// The index encoding yields (ref $t) items.
				if !c.subtype(wasm.RefType(false, wasm.HeapType(c.funcs[x])), e.Type) {
					return wasm.Invalidf(segOff(e.Mode, e.Offset), "type mismatch: function %d is not of element type %s", x, e.Type)
				}
			}
		}
		for _, ex := range e.Exprs {
			if err := c.validateConst(ex, e.Type, numGlobals); err != nil {
				return err
			}
		}
		if e.Mode != wasm.SegmentActive {
			continue
		}
		if e.Table >= uint32(len(c.tables)) {
			return wasm.Invalidf(segOff(e.Mode, e.Offset), "unknown table %d", e.Table)
		}
		tt := c.tables[e.Table]
		if !c.subtype(e.Type, tt.Elem) {
			return wasm.Invalidf(segOff(e.Mode, e.Offset), "type mismatch: element segment's type %s does not match table's element type %s", e.Type, tt.Elem)
		}
		if err := c.validateConst(e.Offset, addrType(tt.Limits.Is64), numGlobals); err != nil {
			return err
		}
	}
	return nil
}

func (c *moduleCtx) checkDatas() error {
	m := c.m
	if m.HasDataCount && uint64(m.DataCount) != uint64(len(m.Datas)) {
		return wasm.Malformedf(-1, "data count and data section have inconsistent lengths")
	}
	numGlobals := c.constGlobals(uint32(len(c.globals)))
	for i := range m.Datas {
		d := &m.Datas[i]
		if d.Mode != wasm.SegmentActive {
			continue
		}
		if d.Memory >= uint32(len(c.mems)) {
			return wasm.Invalidf(segOff(d.Mode, d.Offset), "unknown memory %d", d.Memory)
		}
		if err := c.validateConst(d.Offset, addrType(c.mems[d.Memory].Limits.Is64), numGlobals); err != nil {
			return err
		}
	}
	return nil
}
