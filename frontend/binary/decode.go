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

// typeUse reads a u32 type index; the reference interpreter takes it as a
// signed 32-bit number and rejects negative ones.
func (r *reader) typeUse() (uint32, error) {
	pos := r.pos
	v, err := r.readU32()
	if err == nil && v >= 1<<31 {
		return 0, r.errAt(pos, "malformed type index")
	}
	return v, err
}

func (d *decoder) subType() error {
	r := &d.r
	st := wasm.SubType{Final: true}
	if r.pos < len(r.b) && (r.b[r.pos] == 0x50 || r.b[r.pos] == 0x4f) { // sub, sub final
		if !d.f.Has(wasm.GC) {
			return r.errAt(r.pos, "malformed definition type")
		}
		st.Final = r.b[r.pos] == 0x4f
		r.pos++
		n, err := r.vecLen()
		if err != nil {
			return err
		}
		st.Supers = make([]uint32, 0, d.prealloc(n, 1))
		for i := uint32(0); i < n; i++ {
			x, err := r.typeUse()
			if err != nil {
				return err
			}
			st.Supers = append(st.Supers, x)
		}
	}
	pos := r.pos
	b, err := r.byte()
	if err != nil {
		return err
	}
	switch {
	case b == 0x60: // func
		st.Kind = wasm.CompFunc
		if st.Func.Params, err = d.resultType(); err != nil {
			return err
		}
		if st.Func.Results, err = d.resultType(); err != nil {
			return err
		}
	case b == 0x5f && d.f.Has(wasm.GC): // struct
		st.Kind = wasm.CompStruct
		n, err := r.vecLen()
		if err != nil {
			return err
		}
		st.Fields = make([]wasm.FieldType, 0, d.prealloc(n, 2))
		for i := uint32(0); i < n; i++ {
			ft, err := r.fieldType(d.f)
			if err != nil {
				return err
			}
			st.Fields = append(st.Fields, ft)
		}
	case b == 0x5e && d.f.Has(wasm.GC): // array
		st.Kind = wasm.CompArray
		ft, err := r.fieldType(d.f)
		if err != nil {
			return err
		}
		st.Fields = []wasm.FieldType{ft}
	case b == 0x5d && d.f.Has(wasm.StackSwitching): // cont
		st.Kind = wasm.CompCont
		if st.Cont, err = r.typeUse(); err != nil {
			return err
		}
	default:
		if b >= 0x80 {
			r.pos = pos
			if _, err := r.readS7(); err != nil {
				return err
			}
		}
		return r.errAt(pos, "malformed definition type")
	}
	d.m.Types = append(d.m.Types, st)
	return nil
}

func (d *decoder) resultType() ([]wasm.ValType, error) {
	r := &d.r
	n, err := r.vecLen()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	ts := make([]wasm.ValType, 0, d.prealloc(n, 1))
	for i := uint32(0); i < n; i++ {
		t, err := r.valType(d.f)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// limits reads limits flags and bounds. Flags: bit 0 has a maximum, bit 1
// shared (threads, memories only), bit 2 64-bit addresses (memory64), bit 3
// custom page size (memories only; reported through customPage).
func (d *decoder) limits(memory bool) (lim wasm.Limits, customPage bool, err error) {
	r := &d.r
	pos := r.pos
	flags, err := r.byte()
	if err != nil {
		return lim, false, err
	}
	allowed := byte(0x01)
	if d.f.Has(wasm.Memory64) {
		allowed |= 0x04
	}
	if memory && d.f.Has(wasm.Threads) {
		allowed |= 0x02
	}
	if memory && d.f.Has(wasm.CustomPageSizes) {
		allowed |= 0x08
	}
	if flags&^allowed != 0 {
		return lim, false, r.errAt(pos, "malformed limits flags")
	}
	lim.HasMax = flags&0x01 != 0
	lim.Shared = flags&0x02 != 0
	lim.Is64 = flags&0x04 != 0
	if lim.Min, err = d.limit(); err != nil {
		return lim, false, err
	}
	if lim.HasMax {
		if lim.Max, err = d.limit(); err != nil {
			return lim, false, err
		}
	}
	return lim, flags&0x08 != 0, nil
}

// limit reads a bound of limits: a u64 with memory64 (the validator checks
// the range of 32-bit limits), a u32 before it.
func (d *decoder) limit() (uint64, error) {
	if d.f.Has(wasm.Memory64) {
		return d.r.readU64()
	}
	v, err := d.r.readU32()
	return uint64(v), err
}

func (d *decoder) tableType() (wasm.TableType, error) {
	var tt wasm.TableType
	var err error
	if tt.Elem, err = d.r.refType(d.f); err != nil {
		return tt, err
	}
	tt.Limits, _, err = d.limits(false)
	return tt, err
}

func (d *decoder) memoryType() (wasm.MemoryType, error) {
	mt := wasm.MemoryType{PageSizeLog2: 16}
	lim, custom, err := d.limits(true)
	if err != nil {
		return mt, err
	}
	mt.Limits = lim
	if custom {
		v, err := d.r.readU32()
		if err != nil {
			return mt, err
		}
		// The page size must fit in a u64; the validator allows only
		// 2^0 and 2^16.
		if v >= 64 {
			return mt, d.r.errAt(d.r.pos-1, "invalid custom page size")
		}
		mt.PageSizeLog2 = uint8(v)
	}
	return mt, nil
}

func (d *decoder) globalType() (wasm.GlobalType, error) {
	var gt wasm.GlobalType
	var err error
	if gt.Type, err = d.r.valType(d.f); err != nil {
		return gt, err
	}
	gt.Mutable, err = d.r.mutability()
	return gt, err
}

func (d *decoder) tagType() (wasm.TagType, error) {
	if err := d.r.zero(); err != nil {
		return wasm.TagType{}, err
	}
	x, err := d.r.typeUse()
	return wasm.TagType{Type: x}, err
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
