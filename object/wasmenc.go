package object

import (
	"errors"
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Section ids of the binary format.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunc      = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElem      = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

// emptyBody is a code section entry with no locals and a lone end: an
// object keeps no function bodies (their machine code is in .text), but the
// binary format needs one entry per function.
var emptyBody = []byte{0x02, 0x00, 0x0b}

// EncodeModule encodes everything of m that instantiation needs as a Wasm
// binary that binary.Decode reads back: every section except the function
// bodies (each becomes an empty body) and custom sections other than
// "name". The result decodes with the features m was decoded with.
func EncodeModule(m *wasm.Module) ([]byte, error) {
	e := &encoder{}
	b := []byte("\x00asm\x01\x00\x00\x00")
	if len(m.RecGroups) == 0 && len(m.Types) > 0 {
		return nil, errors.New("object: types without recursion groups")
	}
	var err error
	sec := func(id byte, n int, body func() error) {
		if n == 0 || err != nil {
			return
		}
		e.b = e.b[:0]
		e.u32(uint32(n))
		if err = body(); err != nil {
			return
		}
		b = append(b, id)
		b = appendU32(b, uint32(len(e.b)))
		b = append(b, e.b...)
	}
	u32Section := func(id byte, v uint32) {
		s := appendU32(nil, v)
		b = append(b, id)
		b = appendU32(b, uint32(len(s)))
		b = append(b, s...)
	}
	sec(secType, len(m.RecGroups), func() error { return e.types(m) })
	sec(secImport, len(m.Imports), func() error { return e.imports(m.Imports) })
	sec(secFunc, len(m.Funcs), func() error {
		for _, t := range m.Funcs {
			e.u32(t)
		}
		return nil
	})
	sec(secTable, len(m.Tables), func() error {
		for _, t := range m.Tables {
			if t.HasInit {
				e.b = append(e.b, 0x40, 0x00)
			}
			if err := e.tableType(t.Type); err != nil {
				return err
			}
			if t.HasInit {
				e.b = append(e.b, t.Init.Code...)
			}
		}
		return nil
	})
	sec(secMemory, len(m.Memories), func() error {
		for _, mt := range m.Memories {
			e.memoryType(mt)
		}
		return nil
	})
	sec(secTag, len(m.Tags), func() error {
		for _, t := range m.Tags {
			e.b = append(e.b, 0x00)
			e.u32(t.Type)
		}
		return nil
	})
	sec(secGlobal, len(m.Globals), func() error {
		for _, g := range m.Globals {
			if err := e.globalType(g.Type); err != nil {
				return err
			}
			e.b = append(e.b, g.Init.Code...)
		}
		return nil
	})
	sec(secExport, len(m.Exports), func() error {
		for _, x := range m.Exports {
			e.name(x.Name)
			e.b = append(e.b, byte(x.Kind))
			e.u32(x.Index)
		}
		return nil
	})
	if m.HasStart && err == nil {
		u32Section(secStart, m.Start)
	}
	sec(secElem, len(m.Elems), func() error {
		for i := range m.Elems {
			if err := e.elem(&m.Elems[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if m.HasDataCount && err == nil {
		u32Section(secDataCount, m.DataCount)
	}
	sec(secCode, len(m.Funcs), func() error {
		for range m.Funcs {
			e.b = append(e.b, emptyBody...)
		}
		return nil
	})
	sec(secData, len(m.Datas), func() error {
		for _, d := range m.Datas {
			switch {
			case d.Mode == wasm.SegmentPassive:
				e.b = append(e.b, 0x01)
			case d.Memory == 0:
				e.b = append(e.b, 0x00)
				e.b = append(e.b, d.Offset.Code...)
			default:
				e.b = append(e.b, 0x02)
				e.u32(d.Memory)
				e.b = append(e.b, d.Offset.Code...)
			}
			e.u32(uint32(len(d.Init)))
			e.b = append(e.b, d.Init...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range m.Customs {
		if c.Name != "name" {
			continue
		}
		e.b = e.b[:0]
		e.name(c.Name)
		e.b = append(e.b, c.Data...)
		b = append(b, secCustom)
		b = appendU32(b, uint32(len(e.b)))
		b = append(b, e.b...)
		break // the decoder reads only the first
	}
	return b, nil
}

type encoder struct{ b []byte }

func appendU32(b []byte, v uint32) []byte { return appendU64(b, uint64(v)) }

func appendU64(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func (e *encoder) u32(v uint32) { e.b = appendU32(e.b, v) }

func (e *encoder) name(s string) {
	e.u32(uint32(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) valType(t wasm.ValType) error {
	switch t.Kind {
	case wasm.KindI32:
		e.b = append(e.b, 0x7f)
	case wasm.KindI64:
		e.b = append(e.b, 0x7e)
	case wasm.KindF32:
		e.b = append(e.b, 0x7d)
	case wasm.KindF64:
		e.b = append(e.b, 0x7c)
	case wasm.KindV128:
		e.b = append(e.b, 0x7b)
	case wasm.KindRef:
		if t.Nullable && !t.Heap.IsIndex() {
			// The shorthand (funcref is 0x70): the only form without
			// function-references.
			e.b = appendS64(e.b, int64(t.Heap))
			return nil
		}
		if t.Nullable {
			e.b = append(e.b, 0x63)
		} else {
			e.b = append(e.b, 0x64)
		}
		e.b = appendS64(e.b, int64(t.Heap))
	default:
		return fmt.Errorf("object: cannot encode value type %v", t)
	}
	return nil
}

func (e *encoder) valTypes(ts []wasm.ValType) error {
	e.u32(uint32(len(ts)))
	for _, t := range ts {
		if err := e.valType(t); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) types(m *wasm.Module) error {
	next := uint32(0)
	for _, g := range m.RecGroups {
		if g.Start != next || uint64(g.Start)+uint64(g.Len) > uint64(len(m.Types)) {
			return errors.New("object: recursion groups do not cover the type section")
		}
		next = g.Start + g.Len
		if g.Len != 1 {
			// A group of one is the plain form either way.
			e.b = append(e.b, 0x4e)
			e.u32(g.Len)
		}
		for _, st := range m.Types[g.Start:next] {
			if err := e.subType(&st); err != nil {
				return err
			}
		}
	}
	if next != uint32(len(m.Types)) {
		return errors.New("object: recursion groups do not cover the type section")
	}
	return nil
}

func (e *encoder) subType(st *wasm.SubType) error {
	if !st.Final || len(st.Supers) > 0 {
		if st.Final {
			e.b = append(e.b, 0x4f)
		} else {
			e.b = append(e.b, 0x50)
		}
		e.u32(uint32(len(st.Supers)))
		for _, s := range st.Supers {
			e.u32(s)
		}
	}
	switch st.Kind {
	case wasm.CompFunc:
		e.b = append(e.b, 0x60)
		if err := e.valTypes(st.Func.Params); err != nil {
			return err
		}
		return e.valTypes(st.Func.Results)
	case wasm.CompStruct:
		e.b = append(e.b, 0x5f)
		e.u32(uint32(len(st.Fields)))
		for _, f := range st.Fields {
			if err := e.field(f); err != nil {
				return err
			}
		}
	case wasm.CompArray:
		if len(st.Fields) != 1 {
			return errors.New("object: array type without exactly one element type")
		}
		e.b = append(e.b, 0x5e)
		return e.field(st.Fields[0])
	case wasm.CompCont:
		e.b = append(e.b, 0x5d)
		e.u32(st.Cont)
	default:
		return fmt.Errorf("object: cannot encode composite type kind %d", st.Kind)
	}
	return nil
}

func (e *encoder) field(f wasm.FieldType) error {
	switch f.Packed {
	case wasm.PackedI8:
		e.b = append(e.b, 0x78)
	case wasm.PackedI16:
		e.b = append(e.b, 0x77)
	default:
		if err := e.valType(f.Type); err != nil {
			return err
		}
	}
	e.b = append(e.b, boolByte(f.Mutable))
	return nil
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func (e *encoder) imports(imps []wasm.Import) error {
	for _, im := range imps {
		e.name(im.Module)
		e.name(im.Name)
		switch im.Kind {
		case wasm.ExternFunc:
			e.b = append(e.b, 0x00)
			e.u32(im.Func)
		case wasm.ExternTable:
			e.b = append(e.b, 0x01)
			if err := e.tableType(im.Table); err != nil {
				return err
			}
		case wasm.ExternMemory:
			e.b = append(e.b, 0x02)
			e.memoryType(im.Memory)
		case wasm.ExternGlobal:
			e.b = append(e.b, 0x03)
			if err := e.globalType(im.Global); err != nil {
				return err
			}
		case wasm.ExternTag:
			e.b = append(e.b, 0x04, 0x00)
			e.u32(im.Tag.Type)
		default:
			return fmt.Errorf("object: cannot encode import kind %d", im.Kind)
		}
	}
	return nil
}

func (e *encoder) limits(l wasm.Limits, customPage bool) {
	var flags byte
	if l.HasMax {
		flags |= 0x01
	}
	if l.Shared {
		flags |= 0x02
	}
	if l.Is64 {
		flags |= 0x04
	}
	if customPage {
		flags |= 0x08
	}
	e.b = append(e.b, flags)
	e.b = appendU64(e.b, l.Min)
	if l.HasMax {
		e.b = appendU64(e.b, l.Max)
	}
}

func (e *encoder) tableType(t wasm.TableType) error {
	if err := e.valType(t.Elem); err != nil {
		return err
	}
	e.limits(t.Limits, false)
	return nil
}

func (e *encoder) memoryType(mt wasm.MemoryType) {
	custom := mt.PageSizeLog2 != 16
	e.limits(mt.Limits, custom)
	if custom {
		e.u32(uint32(mt.PageSizeLog2))
	}
}

func (e *encoder) globalType(g wasm.GlobalType) error {
	if err := e.valType(g.Type); err != nil {
		return err
	}
	e.b = append(e.b, boolByte(g.Mutable))
	return nil
}

// elem encodes a segment in the most compact of the eight encodings that
// preserves its mode, table, element type and item form.
func (e *encoder) elem(s *wasm.Elem) error {
	var kind uint32
	if s.UsesExprs {
		kind |= 4
	}
	explicit := false // table index and element type written out
	switch s.Mode {
	case wasm.SegmentActive:
		implicitType := wasm.RefType(false, wasm.HeapFunc)
		if s.UsesExprs {
			implicitType = wasm.FuncRef
		}
		if s.Table != 0 || s.Type != implicitType {
			kind |= 2
			explicit = true
		}
	case wasm.SegmentPassive:
		kind |= 1
		explicit = true
	case wasm.SegmentDeclarative:
		kind |= 3
		explicit = true
	default:
		return fmt.Errorf("object: cannot encode segment mode %d", s.Mode)
	}
	e.u32(kind)
	if s.Mode == wasm.SegmentActive {
		if explicit {
			e.u32(s.Table)
		}
		e.b = append(e.b, s.Offset.Code...)
	}
	if explicit {
		if s.UsesExprs {
			if err := e.valType(s.Type); err != nil {
				return err
			}
		} else {
			if s.Type != wasm.RefType(false, wasm.HeapFunc) {
				return fmt.Errorf("object: function-index segment of type %v", s.Type)
			}
			e.b = append(e.b, 0x00)
		}
	}
	if s.UsesExprs {
		e.u32(uint32(len(s.Exprs)))
		for _, x := range s.Exprs {
			e.b = append(e.b, x.Code...)
		}
	} else {
		e.u32(uint32(len(s.FuncIndices)))
		for _, x := range s.FuncIndices {
			e.u32(x)
		}
	}
	return nil
}
