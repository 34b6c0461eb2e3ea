package binary

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Section ids.
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

// sectionOrder is the order non-custom sections must appear in; rank[id]
// is an id's place in it.
var (
	sectionOrder = [...]byte{secType, secImport, secFunc, secTable, secMemory, secTag,
		secGlobal, secExport, secStart, secElem, secDataCount, secCode, secData}
	sectionRank [14]int
)

func init() {
	for i, id := range sectionOrder {
		sectionRank[id] = i
	}
}

const wasmMagic = 0x6d736100 // "\0asm"

// decoder decodes one module. Like the reference interpreter it reads from
// the whole module (a section's contents may run past its declared size; the
// size is checked afterwards), so errors match the spec tests' messages.
type decoder struct {
	r  reader
	f  wasm.Features
	m  *wasm.Module
	ir InstrReader
	in wasm.Instr
}

// Decode decodes a binary module. It checks everything the binary format
// requires (malformed modules) but no validation rule. Function bodies and
// constant expressions are kept as bytes (slices of data, which the module
// aliases): the instructions of constant expressions are decoded to find
// their end, those of function bodies are not decoded at all (the validator
// does that). Every error is a *wasm.Error of kind Malformed.
//
// The one malformation left to the validator is "data count section
// required" (memory.init or data.drop in a body without a data count
// section), which needs the bodies' instructions.
func Decode(data []byte, f wasm.Features) (*wasm.Module, error) {
	d := &decoder{r: reader{b: data}, f: f | wasm.MVP, m: &wasm.Module{}}
	d.ir.f = d.f
	if err := d.module(); err != nil {
		return nil, err
	}
	return d.m, nil
}

func (d *decoder) module() error {
	r := &d.r
	word := func() (uint32, error) {
		s, err := r.bytes(4)
		if err != nil {
			return 0, err
		}
		return binary.LittleEndian.Uint32(s), nil
	}
	magic, err := word()
	if err != nil {
		return err
	}
	if magic != wasmMagic {
		return r.errAt(0, "magic header not detected")
	}
	version, err := word()
	if err != nil {
		return err
	}
	if version != 1 {
		return r.errAt(4, "unknown binary version")
	}

	next := 0 // rank of the next section allowed
	for r.pos < len(r.b) {
		pos := r.pos
		id := r.b[pos]
		if id > secTag || (id == secDataCount && !d.f.Has(wasm.BulkMemory)) ||
			(id == secTag && !d.f.Has(wasm.Exceptions) && !d.f.Has(wasm.StackSwitching)) {
			return r.errAt(pos, "malformed section id")
		}
		if id != secCustom {
			rank := sectionRank[id]
			if rank < next {
				// Out of order or repeated: the reference interpreter has
				// no place left to read it.
				break
			}
			next = rank + 1
		}
		r.pos++
		size, err := r.vecLen()
		if err != nil {
			return err
		}
		start := r.pos
		if err := d.section(id, int(size)); err != nil {
			return err
		}
		if r.pos != start+int(size) {
			return r.errAt(start, "section size mismatch")
		}
	}
	end := len(r.b)
	if r.pos != end {
		return r.errAt(end, "unexpected content after last section")
	}
	if uint32(len(d.m.Funcs)) != uint32(len(d.m.Codes)) {
		return r.errAt(end, "function and code section have inconsistent lengths")
	}
	if d.m.HasDataCount && d.m.DataCount != uint32(len(d.m.Datas)) {
		return r.errAt(end, "data count and data section have inconsistent lengths")
	}
	for i := range d.m.Customs {
		if d.m.Customs[i].Name == "name" {
			d.m.Names = parseNames(d.m.Customs[i].Data)
			break
		}
	}
	return nil
}

func (d *decoder) section(id byte, size int) error {
	switch id {
	case secCustom:
		return d.customSection(size)
	case secType:
		return d.typeSection()
	case secImport:
		return d.importSection()
	case secFunc:
		return d.funcSection()
	case secTable:
		return d.tableSection()
	case secMemory:
		return d.memorySection()
	case secGlobal:
		return d.globalSection()
	case secExport:
		return d.exportSection()
	case secStart:
		v, err := d.r.readU32()
		d.m.HasStart, d.m.Start = true, v
		return err
	case secElem:
		return d.elemSection()
	case secCode:
		return d.codeSection()
	case secData:
		return d.dataSection()
	case secDataCount:
		v, err := d.r.readU32()
		d.m.HasDataCount, d.m.DataCount = true, v
		return err
	case secTag:
		return d.tagSection()
	}
	panic("unreachable")
}

// prealloc bounds a slice capacity for a vector of n elements of at least
// minBytes each by what the remaining input can hold.
func (d *decoder) prealloc(n uint32, minBytes int) int {
	left := (len(d.r.b) - d.r.pos) / minBytes
	if int(n) < left {
		return int(n)
	}
	return left
}

// name reads a length-prefixed UTF-8 name.
func (r *reader) name() (string, error) {
	pos := r.pos
	n, err := r.vecLen()
	if err != nil {
		return "", err
	}
	s, err := r.bytes(int(n))
	if err != nil {
		return "", err
	}
	if !utf8.Valid(s) {
		return "", r.errAt(pos, "malformed UTF-8 encoding")
	}
	return string(s), nil
}

func (d *decoder) customSection(size int) error {
	r := &d.r
	start := r.pos
	name, err := r.name()
	if err != nil {
		return err
	}
	content, err := r.bytes(size - (r.pos - start))
	if err != nil {
		return err
	}
	d.m.Customs = append(d.m.Customs, wasm.Custom{Name: name, Data: content, Offset: uint32(start)})
	return nil
}

func (d *decoder) typeSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	m := d.m
	m.Types = make([]wasm.SubType, 0, d.prealloc(n, 2))
	m.RecGroups = make([]wasm.RecGroup, 0, d.prealloc(n, 2))
	for i := uint32(0); i < n; i++ {
		start := uint32(len(m.Types))
		if r.pos < len(r.b) && r.b[r.pos] == 0x4e { // rec
			if !d.f.Has(wasm.GC) {
				return r.errAt(r.pos, "malformed definition type")
			}
			r.pos++
			k, err := r.vecLen()
			if err != nil {
				return err
			}
			for j := uint32(0); j < k; j++ {
				if err := d.subType(); err != nil {
					return err
				}
			}
		} else if err := d.subType(); err != nil {
			return err
		}
		m.RecGroups = append(m.RecGroups, wasm.RecGroup{Start: start, Len: uint32(len(m.Types)) - start})
	}
	return nil
}

func (d *decoder) hasTags() bool {
	return d.f.Has(wasm.Exceptions) || d.f.Has(wasm.StackSwitching)
}

func (d *decoder) importSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	m := d.m
	m.Imports = make([]wasm.Import, 0, d.prealloc(n, 4))
	for i := uint32(0); i < n; i++ {
		var im wasm.Import
		if im.Module, err = r.name(); err != nil {
			return err
		}
		if im.Name, err = r.name(); err != nil {
			return err
		}
		pos := r.pos
		kind, err := r.byte()
		if err != nil {
			return err
		}
		switch kind {
		case 0x00:
			im.Kind = wasm.ExternFunc
			im.Func, err = r.typeUse()
			m.NumImportedFuncs++
		case 0x01:
			im.Kind = wasm.ExternTable
			im.Table, err = d.tableType()
			m.NumImportedTables++
		case 0x02:
			im.Kind = wasm.ExternMemory
			im.Memory, err = d.memoryType()
			m.NumImportedMemories++
		case 0x03:
			im.Kind = wasm.ExternGlobal
			im.Global, err = d.globalType()
			m.NumImportedGlobals++
		case 0x04:
			if !d.hasTags() {
				return r.errAt(pos, "malformed import kind")
			}
			im.Kind = wasm.ExternTag
			im.Tag, err = d.tagType()
			m.NumImportedTags++
		default:
			return r.errAt(pos, "malformed import kind")
		}
		if err != nil {
			return err
		}
		m.Imports = append(m.Imports, im)
	}
	return nil
}

func (d *decoder) funcSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Funcs = make([]uint32, 0, d.prealloc(n, 1))
	for i := uint32(0); i < n; i++ {
		x, err := r.readU32()
		if err != nil {
			return err
		}
		d.m.Funcs = append(d.m.Funcs, x)
	}
	return nil
}

func (d *decoder) tableSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Tables = make([]wasm.Table, 0, d.prealloc(n, 3))
	for i := uint32(0); i < n; i++ {
		var t wasm.Table
		if r.pos < len(r.b) && r.b[r.pos] == 0x40 && d.f.Has(wasm.FunctionReferences) {
			r.pos++
			if err := r.zero(); err != nil {
				return err
			}
			if t.Type, err = d.tableType(); err != nil {
				return err
			}
			if t.Init, err = d.constExpr(); err != nil {
				return err
			}
			t.HasInit = true
		} else if t.Type, err = d.tableType(); err != nil {
			return err
		}
		d.m.Tables = append(d.m.Tables, t)
	}
	return nil
}

func (d *decoder) memorySection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Memories = make([]wasm.MemoryType, 0, d.prealloc(n, 2))
	for i := uint32(0); i < n; i++ {
		mt, err := d.memoryType()
		if err != nil {
			return err
		}
		d.m.Memories = append(d.m.Memories, mt)
	}
	return nil
}

func (d *decoder) tagSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Tags = make([]wasm.TagType, 0, d.prealloc(n, 2))
	for i := uint32(0); i < n; i++ {
		tt, err := d.tagType()
		if err != nil {
			return err
		}
		d.m.Tags = append(d.m.Tags, tt)
	}
	return nil
}

func (d *decoder) globalSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Globals = make([]wasm.Global, 0, d.prealloc(n, 3))
	for i := uint32(0); i < n; i++ {
		var g wasm.Global
		if g.Type, err = d.globalType(); err != nil {
			return err
		}
		if g.Init, err = d.constExpr(); err != nil {
			return err
		}
		d.m.Globals = append(d.m.Globals, g)
	}
	return nil
}

func (d *decoder) exportSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Exports = make([]wasm.Export, 0, d.prealloc(n, 3))
	for i := uint32(0); i < n; i++ {
		var e wasm.Export
		if e.Name, err = r.name(); err != nil {
			return err
		}
		pos := r.pos
		kind, err := r.byte()
		if err != nil {
			return err
		}
		if kind > 4 || (kind == 4 && !d.hasTags()) {
			return r.errAt(pos, "malformed export kind")
		}
		e.Kind = wasm.ExternKind(kind)
		if e.Index, err = r.readU32(); err != nil {
			return err
		}
		d.m.Exports = append(d.m.Exports, e)
	}
	return nil
}

func (d *decoder) elemSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Elems = make([]wasm.Elem, 0, d.prealloc(n, 2))
	for i := uint32(0); i < n; i++ {
		e, err := d.elem()
		if err != nil {
			return err
		}
		d.m.Elems = append(d.m.Elems, e)
	}
	return nil
}

// elem reads one element segment in any of its 8 encodings: bit 0 passive or
// declarative, bit 1 explicit table index (active) or declarative (passive),
// bit 2 expressions instead of function indices.
func (d *decoder) elem() (wasm.Elem, error) {
	r := &d.r
	var e wasm.Elem
	kind, err := r.readU32()
	if err != nil {
		return e, err
	}
	if kind > 7 || (kind != 0 && !d.f.Has(wasm.BulkMemory) && !d.f.Has(wasm.ReferenceTypes)) {
		return e, r.errAt(r.pos-1, "malformed elements segment kind")
	}
	switch kind & 3 {
	case 0, 2:
		e.Mode = wasm.SegmentActive
		if kind&2 != 0 {
			if e.Table, err = r.readU32(); err != nil {
				return e, err
			}
		}
		if e.Offset, err = d.constExpr(); err != nil {
			return e, err
		}
	case 1:
		e.Mode = wasm.SegmentPassive
	case 3:
		e.Mode = wasm.SegmentDeclarative
	}
	e.UsesExprs = kind&4 != 0
	// The element type: implicit for kinds 0 and 4, else an element kind
	// byte (function indices) or a reference type (expressions).
	switch {
	case kind == 0:
		e.Type = wasm.RefType(false, wasm.HeapFunc)
	case kind == 4:
		e.Type = wasm.FuncRef
	case !e.UsesExprs:
		b, err := r.byte()
		if err != nil {
			return e, err
		}
		if b != 0 {
			return e, r.errAt(r.pos-1, "malformed element kind")
		}
		e.Type = wasm.RefType(false, wasm.HeapFunc)
	default:
		if e.Type, err = r.refType(d.f); err != nil {
			return e, err
		}
	}
	n, err := r.vecLen()
	if err != nil {
		return e, err
	}
	if e.UsesExprs {
		e.Exprs = make([]wasm.ConstExpr, 0, d.prealloc(n, 2))
		for i := uint32(0); i < n; i++ {
			c, err := d.constExpr()
			if err != nil {
				return e, err
			}
			e.Exprs = append(e.Exprs, c)
		}
	} else {
		e.FuncIndices = make([]uint32, 0, d.prealloc(n, 1))
		for i := uint32(0); i < n; i++ {
			x, err := r.readU32()
			if err != nil {
				return e, err
			}
			e.FuncIndices = append(e.FuncIndices, x)
		}
	}
	return e, nil
}

func (d *decoder) codeSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Codes = make([]wasm.Code, 0, d.prealloc(n, 2))
	for i := uint32(0); i < n; i++ {
		size, err := r.vecLen()
		if err != nil {
			return err
		}
		start := r.pos
		end := start + int(size)
		var c wasm.Code
		if c.Locals, err = d.locals(); err != nil {
			return err
		}
		// The size may exceed the bytes left by the size's own length (the
		// bound counts from before it).
		if r.pos >= end || end > len(r.b) || r.b[end-1] != 0x0b {
			// Not a body: find the error the reference interpreter reports.
			return d.badBody(start, end)
		}
		c.Body = r.b[r.pos:end:end]
		c.Offset = uint32(r.pos)
		r.pos = end
		d.m.Codes = append(d.m.Codes, c)
	}
	return nil
}

// badBody reports the error in a function body that does not end with an
// end opcode (or whose locals leave no room for one), which starts at start
// and should end at end, with r.pos after its locals. Like the reference
// interpreter, it decodes instructions from there, past the body's end if
// need be, until the end that closes the function: the error is then an
// instruction's, "END opcode expected" for an else outside an if, "unexpected
// end" when the module ends first, or "section size mismatch".
func (d *decoder) badBody(start, end int) error {
	r := &d.r
	ir := &d.ir
	ir.Reset(r.b[r.pos:], uint32(r.pos))
	depth := 0
	for {
		if ir.AtEnd() {
			return r.eof()
		}
		if ir.r.b[ir.r.pos] == 0x05 && depth == 0 {
			return ir.r.errAt(ir.r.pos, "END opcode expected")
		}
		if err := ir.Next(&d.in); err != nil {
			return err
		}
		switch d.in.Op {
		case 0x02, 0x03, 0x04, 0x06, 0x1f: // block, loop, if, try, try_table
			depth++
		case 0x0b, 0x18: // end, delegate
			if depth == 0 {
				return r.errAt(start, "section size mismatch")
			}
			depth--
		}
	}
}

// locals reads a function's local declarations; their total count must fit
// in a u32.
func (d *decoder) locals() ([]wasm.LocalEntry, error) {
	r := &d.r
	pos := r.pos
	n, err := r.vecLen()
	if err != nil || n == 0 {
		return nil, err
	}
	ls := make([]wasm.LocalEntry, 0, d.prealloc(n, 2))
	var total uint64
	for i := uint32(0); i < n; i++ {
		var l wasm.LocalEntry
		if l.Count, err = r.readU32(); err != nil {
			return nil, err
		}
		if l.Type, err = r.valType(d.f); err != nil {
			return nil, err
		}
		total += uint64(l.Count)
		ls = append(ls, l)
	}
	if total >= 1<<32 {
		return nil, r.errAt(pos, "too many locals")
	}
	return ls, nil
}

func (d *decoder) dataSection() error {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	d.m.Datas = make([]wasm.Data, 0, d.prealloc(n, 2))
	for i := uint32(0); i < n; i++ {
		var dt wasm.Data
		kind, err := r.readU32()
		if err != nil {
			return err
		}
		if kind > 2 || (kind != 0 && !d.f.Has(wasm.BulkMemory)) {
			return r.errAt(r.pos-1, "malformed data segment kind")
		}
		if kind == 1 {
			dt.Mode = wasm.SegmentPassive
		} else {
			if kind == 2 {
				if dt.Memory, err = r.readU32(); err != nil {
					return err
				}
			}
			if dt.Offset, err = d.constExpr(); err != nil {
				return err
			}
		}
		k, err := r.vecLen()
		if err != nil {
			return err
		}
		if dt.Init, err = r.bytes(int(k)); err != nil {
			return err
		}
		d.m.Datas = append(d.m.Datas, dt)
	}
	return nil
}

// constExpr reads a constant expression up to and including its final end.
// Its instructions are decoded (malformed ones are reported here) but not
// checked: nested blocks are followed only to find the right end.
func (d *decoder) constExpr() (wasm.ConstExpr, error) {
	r := &d.r
	start := r.pos
	ir := &d.ir
	ir.Reset(r.b[start:], uint32(start))
	depth := 0
	for {
		if ir.AtEnd() {
			return wasm.ConstExpr{}, r.eof()
		}
		if depth == 0 && ir.r.b[ir.r.pos] == 0x05 { // else outside if
			return wasm.ConstExpr{}, ir.r.errAt(ir.r.pos, "END opcode expected")
		}
		if err := ir.Next(&d.in); err != nil {
			return wasm.ConstExpr{}, err
		}
		switch d.in.Op {
		case 0x02, 0x03, 0x04, 0x06, 0x1f: // block, loop, if, try, try_table
			depth++
		case 0x0b: // end
			if depth == 0 {
				end := start + ir.r.pos
				r.pos = end
				return wasm.ConstExpr{Code: r.b[start:end:end], Offset: uint32(start)}, nil
			}
			depth--
		case 0x18: // delegate ends a try
			if depth == 0 {
				return wasm.ConstExpr{}, ir.r.errAt(ir.r.pos, "END opcode expected")
			}
			depth--
		}
	}
}
