package binary

import (
	"encoding/binary"
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// opEntry is what Next needs of an opcode, kept small so the tables stay
// in cache; feat is featIllegal for illegal opcodes (every legal one needs
// at least MVP), so that one mask test rejects both illegal and disabled
// opcodes.
type opEntry struct {
	feat  wasm.Features
	op    wasm.Opcode
	imm   wasm.ImmKind
	dirty uint16 // immDirty[imm], looked up once here instead of per call
}

// featIllegal is a feature bit that no reader enables.
const featIllegal wasm.Features = 1 << 63

// Opcode tables indexed by the first byte and, for the prefixes 0xFB..0xFE,
// by the sub-opcode.
var (
	mainOps   [256]opEntry
	prefixOps [4][]opEntry // 0xFB, 0xFC, 0xFD, 0xFE
)

func entry(info *wasm.OpInfo) opEntry {
	return opEntry{feat: info.Feature | wasm.MVP, op: info.Op, imm: info.Imm, dirty: immDirty[info.Imm]}
}

func init() {
	for op := wasm.Opcode(0); op < 256; op++ {
		mainOps[op] = opEntry{feat: featIllegal}
		if info := wasm.Lookup(op); info != nil {
			mainOps[op] = entry(info)
		}
	}
	for p := 0; p < 4; p++ {
		prefix := wasm.Opcode(0xfb + p)
		var tab []opEntry
		for sub := wasm.Opcode(0); sub < 0x400; sub++ {
			if info := wasm.Lookup(prefix<<16 | sub); info != nil {
				for len(tab) <= int(sub) {
					tab = append(tab, opEntry{feat: featIllegal})
				}
				tab[sub] = entry(info)
			}
		}
		prefixOps[p] = tab
	}
}

// InstrReader decodes one instruction at a time from a function body or
// constant expression.
type InstrReader struct {
	r reader
	f wasm.Features

	// last is the Instr the previous call decoded into, and dirty the
	// groups of its fields that call may have set.
	last  *wasm.Instr
	dirty uint16
}

// Groups of Instr fields, for zeroing only what an instruction set.
const (
	dirtyScalars = 1 << iota // Index, Index2, Const, Lane
	dirtyBlock
	dirtyMem
	dirtyV128
	dirtyRefs // Ref, Ref2
	dirtyLabels
	dirtyTypes
	dirtyCatches
	dirtyHandlers

	dirtyAll = 1<<iota - 1
)

// illegalOp is the entry of sub-opcodes beyond a prefix table.
var illegalOp = opEntry{feat: featIllegal}

// immDirty[k] is the field groups that immediates of kind k set.
var immDirty = [...]uint16{
	wasm.ImmNone:         0,
	wasm.ImmBlock:        dirtyBlock,
	wasm.ImmLabel:        dirtyScalars,
	wasm.ImmBrTable:      dirtyLabels,
	wasm.ImmFunc:         dirtyScalars,
	wasm.ImmCallIndirect: dirtyScalars,
	wasm.ImmType:         dirtyScalars,
	wasm.ImmLocal:        dirtyScalars,
	wasm.ImmGlobal:       dirtyScalars,
	wasm.ImmTable:        dirtyScalars,
	wasm.ImmMemory:       dirtyScalars,
	wasm.ImmTag:          dirtyScalars,
	wasm.ImmData:         dirtyScalars,
	wasm.ImmElem:         dirtyScalars,
	wasm.ImmMemArg:       dirtyMem,
	wasm.ImmMemArgLane:   dirtyMem | dirtyScalars,
	wasm.ImmI32:          dirtyScalars,
	wasm.ImmI64:          dirtyScalars,
	wasm.ImmF32:          dirtyScalars,
	wasm.ImmF64:          dirtyScalars,
	wasm.ImmV128:         dirtyV128,
	wasm.ImmShuffle:      dirtyV128,
	wasm.ImmLane:         dirtyScalars,
	wasm.ImmSelectT:      dirtyTypes,
	wasm.ImmHeapType:     dirtyRefs,
	wasm.ImmMemoryInit:   dirtyScalars,
	wasm.ImmMemoryCopy:   dirtyScalars,
	wasm.ImmTableInit:    dirtyScalars,
	wasm.ImmTableCopy:    dirtyScalars,
	wasm.ImmTypeField:    dirtyScalars,
	wasm.ImmTypeCount:    dirtyScalars,
	wasm.ImmTypeData:     dirtyScalars,
	wasm.ImmTypeElem:     dirtyScalars,
	wasm.ImmTypeType:     dirtyScalars,
	wasm.ImmTypeTag:      dirtyScalars,
	wasm.ImmBrOnCast:     dirtyScalars | dirtyRefs,
	wasm.ImmTryTable:     dirtyBlock | dirtyCatches,
	wasm.ImmResume:       dirtyScalars | dirtyHandlers,
	wasm.ImmResumeThrow:  dirtyScalars | dirtyHandlers,
	wasm.ImmZeroByte:     0,
}

func clearImm(in *wasm.Instr, d uint16) {
	if d&dirtyScalars != 0 {
		in.Index, in.Index2, in.Const, in.Lane = 0, 0, 0, 0
		if d == dirtyScalars { // the usual case: skip the other tests
			return
		}
	}
	if d&dirtyBlock != 0 {
		in.Block = wasm.BlockType{}
	}
	if d&dirtyMem != 0 {
		in.Mem = wasm.MemArg{}
	}
	if d&dirtyV128 != 0 {
		in.V128 = [16]byte{}
	}
	if d&dirtyRefs != 0 {
		in.Ref, in.Ref2 = wasm.ValType{}, wasm.ValType{}
	}
	if d&dirtyLabels != 0 {
		in.Labels = in.Labels[:0]
	}
	if d&dirtyTypes != 0 {
		in.Types = in.Types[:0]
	}
	if d&dirtyCatches != 0 {
		in.Catches = in.Catches[:0]
	}
	if d&dirtyHandlers != 0 {
		in.Handlers = in.Handlers[:0]
	}
}

// NewInstrReader reads code; base is the module offset of code[0] (for
// error offsets).
func NewInstrReader(code []byte, base uint32, f wasm.Features) *InstrReader {
	return &InstrReader{r: reader{b: code, base: base}, f: f | wasm.MVP}
}

// Reset re-targets the reader without allocating (reuse across functions).
func (ir *InstrReader) Reset(code []byte, base uint32) {
	ir.r = reader{b: code, base: base}
	ir.last = nil
}

// AtEnd reports whether all input has been consumed.
func (ir *InstrReader) AtEnd() bool { return ir.r.pos >= len(ir.r.b) }

// Offset returns the module offset of the next unread byte.
func (ir *InstrReader) Offset() uint32 { return ir.r.base + uint32(ir.r.pos) }

// Features returns the features the reader decodes.
func (ir *InstrReader) Features() wasm.Features { return ir.f }

// Next decodes the next instruction into in, reusing in's slices (Labels,
// Types, Catches, Handlers). Immediate fields that the instruction does not
// have are zero (provided the caller does not set them between calls with
// the same in). Bad encodings are *wasm.Error of kind Malformed.
func (ir *InstrReader) Next(in *wasm.Instr) error {
	r := &ir.r
	start := r.pos
	if start >= len(r.b) {
		return r.eof()
	}
	b := r.b[start]
	r.pos++
	allow := ir.f &^ featIllegal
	e := &mainOps[b]
	if b >= 0xfb && b != 0xff {
		sub, err := r.readU32()
		if err != nil {
			return err
		}
		e = &illegalOp
		if tab := prefixOps[b-0xfb]; sub < uint32(len(tab)) {
			e = &tab[sub]
		}
		if allow&e.feat != e.feat {
			return r.errAt(start, fmt.Sprintf("illegal opcode %02x %02x", b, sub))
		}
	} else if allow&e.feat != e.feat {
		return r.errAt(start, fmt.Sprintf("illegal opcode %02x", b))
	}

	// Zero the immediates the previous instruction set (all of them when in
	// is not the Instr it was decoded into), keeping the slices' storage.
	if in != ir.last {
		// Field by field: assigning a whole Instr is a bulk copy with
		// write barriers for its slices.
		clearImm(in, dirtyAll)
		ir.last = in
	} else if d := ir.dirty; d != 0 {
		clearImm(in, d)
	}
	in.Op = e.op
	in.Offset = r.base + uint32(start)
	ir.dirty = e.dirty

	var err error
	switch e.imm {
	case wasm.ImmNone:
	case wasm.ImmLabel, wasm.ImmFunc, wasm.ImmType, wasm.ImmLocal, wasm.ImmGlobal,
		wasm.ImmTable, wasm.ImmTag, wasm.ImmData, wasm.ImmElem:
		// Inline the one-byte case: these are the most common immediates.
		if r.pos < len(r.b) && r.b[r.pos] < 0x80 {
			in.Index = uint32(r.b[r.pos])
			r.pos++
		} else {
			in.Index, err = r.readU32()
		}
	case wasm.ImmI32:
		// Multi-byte constants are common: decode short ones inline.
		if v, ok := r.shortS(4); ok {
			in.Const = uint64(v)
		} else {
			var v int32
			v, err = r.readS32()
			in.Const = uint64(int64(v))
		}
	case wasm.ImmI64:
		if v, ok := r.shortS(9); ok {
			in.Const = uint64(v)
		} else {
			var v int64
			v, err = r.readS64()
			in.Const = uint64(v)
		}
	case wasm.ImmF32:
		var s []byte
		if s, err = r.bytes(4); err == nil {
			in.Const = uint64(binary.LittleEndian.Uint32(s))
		}
	case wasm.ImmF64:
		var s []byte
		if s, err = r.bytes(8); err == nil {
			in.Const = binary.LittleEndian.Uint64(s)
		}
	case wasm.ImmMemArg:
		err = ir.memArg(&in.Mem)
	case wasm.ImmMemArgLane:
		if err = ir.memArg(&in.Mem); err == nil {
			in.Lane, err = r.byte()
		}
	case wasm.ImmBlock:
		err = r.blockType(ir.f, &in.Block)
	case wasm.ImmBrTable:
		err = ir.brTable(in)
	case wasm.ImmCallIndirect:
		if in.Index, err = r.readU32(); err == nil {
			if ir.f.Has(wasm.ReferenceTypes) {
				in.Index2, err = r.readU32()
			} else {
				err = r.zero()
			}
		}
	case wasm.ImmMemory:
		in.Index, err = ir.memIndex()
	case wasm.ImmMemoryInit:
		if in.Index, err = r.readU32(); err == nil {
			in.Index2, err = ir.memIndex()
		}
	case wasm.ImmMemoryCopy:
		if in.Index, err = ir.memIndex(); err == nil {
			in.Index2, err = ir.memIndex()
		}
	case wasm.ImmTableInit, wasm.ImmTableCopy, wasm.ImmTypeField, wasm.ImmTypeCount,
		wasm.ImmTypeData, wasm.ImmTypeElem, wasm.ImmTypeType, wasm.ImmTypeTag:
		if in.Index, err = r.readU32(); err == nil {
			in.Index2, err = r.readU32()
		}
	case wasm.ImmV128, wasm.ImmShuffle:
		var s []byte
		if s, err = r.bytes(16); err == nil {
			copy(in.V128[:], s)
		}
	case wasm.ImmLane:
		in.Lane, err = r.byte()
	case wasm.ImmSelectT:
		err = ir.selectTypes(in)
	case wasm.ImmHeapType:
		var h wasm.HeapType
		if h, err = r.heapType(ir.f); err == nil {
			// ref.null is nullable; ref.test and ref.cast take the
			// nullability from the sub-opcode (0x15, 0x17 nullable).
			nullable := e.op == 0xd0 || e.op&1 == 1
			in.Ref = wasm.RefType(nullable, h)
		}
	case wasm.ImmBrOnCast:
		err = ir.brOnCast(in, start)
	case wasm.ImmTryTable:
		if err = r.blockType(ir.f, &in.Block); err == nil {
			err = ir.catches(in)
		}
	case wasm.ImmResume:
		if in.Index, err = r.readU32(); err == nil {
			err = ir.handlers(in)
		}
	case wasm.ImmResumeThrow:
		if in.Index, err = r.readU32(); err == nil {
			if in.Index2, err = r.readU32(); err == nil {
				err = ir.handlers(in)
			}
		}
	case wasm.ImmZeroByte:
		err = r.zero()
	default:
		panic(fmt.Sprintf("binary: unhandled immediate kind %d of %s", e.imm, e.op))
	}
	return err
}

// shortS reads a signed LEB128 of at most maxBytes bytes, none of which
// needs readSN's range check (which applies only to the last byte an n-bit
// encoding may use: maxBytes is 4 for s32, 9 for s64). ok is false, with
// nothing consumed, when the encoding is longer or the input ends; readSN
// then decides, with its error messages.
func (r *reader) shortS(maxBytes int) (int64, bool) {
	b := r.b[r.pos:]
	var x int64
	for i := 0; i < maxBytes && i < len(b); i++ {
		c := b[i]
		x |= int64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.pos += i + 1
			// Sign-extend from the 7*(i+1) bits read.
			s := 64 - 7*(i+1)
			return x << s >> s, true
		}
	}
	return 0, false
}

// memArg reads a memory access immediate: flags (alignment, bit 6 for an
// explicit memory index), the memory index if present, and the offset (u64
// with memory64, u32 otherwise).
func (ir *InstrReader) memArg(m *wasm.MemArg) error {
	r := &ir.r
	pos := r.pos
	// Fast path for the usual encoding: one-byte flags without a memory
	// index and a one-byte offset, valid with any features.
	if pos+1 < len(r.b) && r.b[pos] < 0x20 && r.b[pos+1] < 0x80 {
		m.Align, m.Offset = uint32(r.b[pos]), uint64(r.b[pos+1])
		r.pos += 2
		return nil
	}
	flags, err := r.readU32()
	if err != nil {
		return err
	}
	// Flags below 0x80 (alignment < 64, bit 6 for a memory index) since
	// multi-memory; below 0x20 (alignment < 32) before it.
	if flags >= 0x80 || (flags >= 0x20 && !ir.f.Has(wasm.MultiMemory)) {
		return r.errAt(pos, "malformed memop flags")
	}
	if flags&0x40 != 0 {
		if m.Memory, err = r.readU32(); err != nil {
			return err
		}
	}
	m.Align = flags & 0x3f
	if ir.f.Has(wasm.Memory64) {
		m.Offset, err = r.readU64()
	} else {
		var o uint32
		o, err = r.readU32()
		m.Offset = uint64(o)
	}
	return err
}

// memIndex reads a memory index: a u32 with multi-memory, otherwise a
// reserved zero byte.
func (ir *InstrReader) memIndex() (uint32, error) {
	if ir.f.Has(wasm.MultiMemory) {
		return ir.r.readU32()
	}
	return 0, ir.r.zero()
}

// vecLen reads a vector or byte string length. Like the reference
// interpreter it rejects a length larger than the bytes left counted from
// the length itself ("length out of bounds"), which bounds allocations.
func (r *reader) vecLen() (uint32, error) {
	pos := r.pos
	n, err := r.readU32()
	if err != nil {
		return 0, err
	}
	if uint64(n) > uint64(len(r.b)-pos) {
		return 0, r.errAt(pos, "length out of bounds")
	}
	return n, nil
}

func (ir *InstrReader) brTable(in *wasm.Instr) error {
	r := &ir.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	labels := in.Labels[:0]
	for i := uint32(0); i <= n; i++ { // n targets and the default
		l, err := r.readU32()
		if err != nil {
			in.Labels = labels
			return err
		}
		labels = append(labels, l)
	}
	in.Labels = labels
	return nil
}

func (ir *InstrReader) selectTypes(in *wasm.Instr) error {
	r := &ir.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	types := in.Types[:0]
	for i := uint32(0); i < n; i++ {
		t, err := r.valType(ir.f)
		if err != nil {
			in.Types = types
			return err
		}
		types = append(types, t)
	}
	in.Types = types
	return nil
}

func (ir *InstrReader) brOnCast(in *wasm.Instr, start int) error {
	r := &ir.r
	pos := r.pos
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if flags&^3 != 0 {
		return r.errAt(pos, "malformed br_on_cast flags")
	}
	if in.Index, err = r.readU32(); err != nil {
		return err
	}
	h1, err := r.heapType(ir.f)
	if err != nil {
		return err
	}
	h2, err := r.heapType(ir.f)
	if err != nil {
		return err
	}
	in.Ref = wasm.RefType(flags&1 != 0, h1)
	in.Ref2 = wasm.RefType(flags&2 != 0, h2)
	return nil
}

func (ir *InstrReader) catches(in *wasm.Instr) error {
	r := &ir.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	cs := in.Catches[:0]
	defer func() { in.Catches = cs }()
	for i := uint32(0); i < n; i++ {
		kind, err := r.byte()
		if err != nil {
			return err
		}
		c := wasm.Catch{Kind: wasm.CatchKind(kind)}
		switch c.Kind {
		case wasm.Catch_, wasm.CatchRef:
			if c.Tag, err = r.readU32(); err != nil {
				return err
			}
		case wasm.CatchAll, wasm.CatchAllR:
		default:
			return r.errAt(r.pos-1, "malformed catch clause")
		}
		if c.Label, err = r.readU32(); err != nil {
			return err
		}
		cs = append(cs, c)
	}
	return nil
}

func (ir *InstrReader) handlers(in *wasm.Instr) error {
	r := &ir.r
	n, err := r.vecLen()
	if err != nil {
		return err
	}
	hs := in.Handlers[:0]
	defer func() { in.Handlers = hs }()
	for i := uint32(0); i < n; i++ {
		kind, err := r.byte()
		if err != nil {
			return err
		}
		var h wasm.Handler
		switch kind {
		case 0x00: // (on tag label)
			if h.Tag, err = r.readU32(); err != nil {
				return err
			}
			if h.Label, err = r.readU32(); err != nil {
				return err
			}
		case 0x01: // (on tag switch)
			if h.Tag, err = r.readU32(); err != nil {
				return err
			}
			h.Switch = true
		default:
			return r.errAt(r.pos-1, "ON opcode expected")
		}
		hs = append(hs, h)
	}
	return nil
}
