package text

import (
	"encoding/binary"
	"strings"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// op parses a plain instruction other than a structured one and appends
// its opcode and immediates.
func (p *parser) op(b []byte) ([]byte, error) {
	t := p.peek()
	infos := wasm.ByName(t.Text)
	if len(infos) == 0 || t.Kind != TokKeyword {
		return nil, p.unexpected()
	}
	info := infos[0]
	switch info.Imm {
	case wasm.ImmBlock, wasm.ImmTryTable:
		return nil, p.unexpected()
	}
	switch t.Text {
	case "end", "else", "catch", "catch_all", "delegate":
		return nil, p.unexpected()
	}
	p.pos++
	var err error
	var x, y uint32
	switch info.Imm {
	case wasm.ImmNone:
		if t.Text == "select" {
			return p.selectOp(b)
		}
		return appendOp(b, info.Op), nil
	case wasm.ImmLabel:
		x, err = p.label()
	case wasm.ImmBrTable:
		b = appendOp(b, info.Op)
		var ls []uint32
		for p.isIndex() {
			l, err := p.label()
			if err != nil {
				return nil, err
			}
			ls = append(ls, l)
		}
		if len(ls) == 0 {
			return nil, p.unexpected()
		}
		b = appendU32(b, uint32(len(ls)-1))
		for _, l := range ls {
			b = appendU32(b, l)
		}
		return b, nil
	case wasm.ImmFunc:
		x, err = p.index(&p.funcs)
	case wasm.ImmCallIndirect:
		if p.isIndex() {
			if y, err = p.index(&p.tables); err != nil {
				return nil, err
			}
		}
		if x, err = p.typeUseIndex(nil); err != nil {
			return nil, err
		}
		return appendU32(appendU32(appendOp(b, info.Op), x), y), nil
	case wasm.ImmType:
		x, err = p.index(&p.typeSpace)
	case wasm.ImmLocal:
		x, err = p.index(&p.locals)
	case wasm.ImmGlobal:
		x, err = p.index(&p.globals)
	case wasm.ImmTable:
		if p.isIndex() {
			x, err = p.index(&p.tables)
		}
	case wasm.ImmMemory:
		if p.isIndex() {
			x, err = p.index(&p.mems)
		}
	case wasm.ImmTag:
		x, err = p.index(&p.tags)
	case wasm.ImmData:
		p.usesData = true
		x, err = p.index(&p.datas)
	case wasm.ImmElem:
		x, err = p.index(&p.elems)
	case wasm.ImmMemArg, wasm.ImmMemArgLane:
		return p.memArg(appendOp(b, info.Op), t.Text, info.Imm == wasm.ImmMemArgLane)
	case wasm.ImmI32:
		n := p.peek()
		if n.Kind != TokNumber {
			return nil, p.unexpected()
		}
		p.pos++
		v, err := ParseI32(n.Text)
		if err != nil {
			return nil, p.errAt(n, "constant out of range")
		}
		return appendS64(appendOp(b, info.Op), int64(int32(v))), nil
	case wasm.ImmI64:
		n := p.peek()
		if n.Kind != TokNumber {
			return nil, p.unexpected()
		}
		p.pos++
		v, err := ParseI64(n.Text)
		if err != nil {
			return nil, p.errAt(n, "constant out of range")
		}
		return appendS64(appendOp(b, info.Op), int64(v)), nil
	case wasm.ImmF32:
		n := p.peek()
		if n.Kind != TokNumber {
			return nil, p.unexpected()
		}
		p.pos++
		v, err := ParseF32(n.Text)
		if err != nil {
			return nil, p.errAt(n, "constant out of range")
		}
		return binary.LittleEndian.AppendUint32(appendOp(b, info.Op), v), nil
	case wasm.ImmF64:
		n := p.peek()
		if n.Kind != TokNumber {
			return nil, p.unexpected()
		}
		p.pos++
		v, err := ParseF64(n.Text)
		if err != nil {
			return nil, p.errAt(n, "constant out of range")
		}
		return binary.LittleEndian.AppendUint64(appendOp(b, info.Op), v), nil
	case wasm.ImmV128:
		return p.v128Const(appendOp(b, info.Op))
	case wasm.ImmShuffle:
		b = appendOp(b, info.Op)
		start := p.peek()
		n := 0
		for p.peek().Kind == TokNumber {
			l, err := p.laneIndex(true)
			if err != nil {
				return nil, err
			}
			b = append(b, l)
			n++
		}
		if n != 16 {
			return nil, p.errAt(start, "invalid lane length")
		}
		return b, nil
	case wasm.ImmLane:
		l, err := p.laneIndex(false)
		if err != nil {
			return nil, err
		}
		return append(appendOp(b, info.Op), l), nil
	case wasm.ImmHeapType:
		if t.Text == "ref.null" {
			h, err := p.heapType()
			if err != nil {
				return nil, err
			}
			return appendHeap(appendOp(b, info.Op), h), nil
		}
		rt, err := p.refType()
		if err != nil {
			return nil, err
		}
		op := infos[0].Op
		if rt.Nullable && len(infos) > 1 {
			op = infos[1].Op
		}
		return appendHeap(appendOp(b, op), rt.Heap), nil
	case wasm.ImmMemoryInit, wasm.ImmTableInit:
		sp1, sp2 := &p.mems, &p.datas
		if info.Imm == wasm.ImmTableInit {
			sp1, sp2 = &p.tables, &p.elems
		} else {
			p.usesData = true
		}
		if p.indexCount() >= 2 {
			if y, err = p.index(sp1); err != nil {
				return nil, err
			}
		}
		if x, err = p.index(sp2); err != nil {
			return nil, err
		}
		return appendU32(appendU32(appendOp(b, info.Op), x), y), nil
	case wasm.ImmMemoryCopy, wasm.ImmTableCopy:
		sp := &p.mems
		if info.Imm == wasm.ImmTableCopy {
			sp = &p.tables
		}
		if p.isIndex() {
			if x, err = p.index(sp); err != nil {
				return nil, err
			}
			if y, err = p.index(sp); err != nil {
				return nil, err
			}
		}
		return appendU32(appendU32(appendOp(b, info.Op), x), y), nil
	case wasm.ImmTypeField:
		if x, err = p.index(&p.typeSpace); err != nil {
			return nil, err
		}
		if y, err = p.fieldIndex(x); err != nil {
			return nil, err
		}
		return appendU32(appendU32(appendOp(b, info.Op), x), y), nil
	case wasm.ImmTypeCount, wasm.ImmTypeData, wasm.ImmTypeElem, wasm.ImmTypeType, wasm.ImmTypeTag:
		if x, err = p.index(&p.typeSpace); err != nil {
			return nil, err
		}
		switch info.Imm {
		case wasm.ImmTypeCount:
			n := p.peek()
			if n.Kind != TokNumber {
				return nil, p.unexpected()
			}
			p.pos++
			if y, err = ParseU32(n.Text); err != nil {
				return nil, p.errAt(n, "i32 constant out of range")
			}
		case wasm.ImmTypeData:
			p.usesData = true
			y, err = p.index(&p.datas)
		case wasm.ImmTypeElem:
			y, err = p.index(&p.elems)
		case wasm.ImmTypeType:
			y, err = p.index(&p.typeSpace)
		case wasm.ImmTypeTag:
			y, err = p.index(&p.tags)
		}
		if err != nil {
			return nil, err
		}
		return appendU32(appendU32(appendOp(b, info.Op), x), y), nil
	case wasm.ImmBrOnCast:
		if x, err = p.label(); err != nil {
			return nil, err
		}
		rt1, err := p.refType()
		if err != nil {
			return nil, err
		}
		rt2, err := p.refType()
		if err != nil {
			return nil, err
		}
		flags := byte(0)
		if rt1.Nullable {
			flags |= 1
		}
		if rt2.Nullable {
			flags |= 2
		}
		b = appendU32(append(appendOp(b, info.Op), flags), x)
		return appendHeap(appendHeap(b, rt1.Heap), rt2.Heap), nil
	case wasm.ImmResume, wasm.ImmResumeThrow:
		if x, err = p.index(&p.typeSpace); err != nil {
			return nil, err
		}
		b = appendU32(appendOp(b, info.Op), x)
		if info.Imm == wasm.ImmResumeThrow {
			if y, err = p.index(&p.tags); err != nil {
				return nil, err
			}
			b = appendU32(b, y)
		}
		return p.handlers(b)
	case wasm.ImmZeroByte:
		return append(appendOp(b, info.Op), 0), nil
	default:
		return nil, p.unexpected()
	}
	if err != nil {
		return nil, err
	}
	return appendU32(appendOp(b, info.Op), x), nil
}

// indexCount counts the index tokens ahead (up to 2).
func (p *parser) indexCount() int {
	n := 0
	for i := p.pos; n < 2; i++ {
		k := p.at(i).Kind
		if k != TokNumber && k != TokID {
			break
		}
		n++
	}
	return n
}

func (p *parser) selectOp(b []byte) ([]byte, error) {
	if !p.form("result") {
		return append(b, 0x1b), nil
	}
	var ts []wasm.ValType
	for p.form("result") {
		p.pos += 2
		var err error
		if ts, err = p.valTypes(ts); err != nil {
			return nil, err
		}
		if err := p.expect(TokRParen); err != nil {
			return nil, err
		}
	}
	return appendValTypes(append(b, 0x1c), ts), nil
}

func (p *parser) fieldIndex(typ uint32) (uint32, error) {
	t := p.peek()
	if t.Kind == TokID && int(typ) < len(p.types) {
		if x, ok := p.types[typ].fieldNames[idName(t)]; ok {
			p.pos++
			return x, nil
		}
	}
	if t.Kind == TokID {
		return 0, p.errAt(t, "unknown field %s", t.Text)
	}
	return p.index(&p.locals)
}

func (p *parser) handlers(b []byte) ([]byte, error) {
	var hs []byte
	n := 0
	for p.form("on") {
		p.pos += 2
		tag, err := p.index(&p.tags)
		if err != nil {
			return nil, err
		}
		if p.keyword("switch") {
			p.pos++
			hs = appendU32(append(hs, 1), tag)
		} else {
			l, err := p.label()
			if err != nil {
				return nil, err
			}
			hs = appendU32(appendU32(append(hs, 0), tag), l)
		}
		if err := p.expect(TokRParen); err != nil {
			return nil, err
		}
		n++
	}
	return append(appendU32(b, uint32(n)), hs...), nil
}

// laneIndex parses a lane index. In shuffles any bad literal is out of
// range; elsewhere only an unsigned integer is a lane index at all.
func (p *parser) laneIndex(shuffle bool) (byte, error) {
	t := p.peek()
	if t.Kind != TokNumber {
		return 0, p.unexpected()
	}
	v, ok := parseNat(t.Text)
	if !ok && !shuffle {
		if np, _ := splitNum(t.Text); np.isInt && !np.signed {
			return 0, p.errAt(t, "i8 constant out of range")
		}
		return 0, p.unexpected()
	}
	p.pos++
	if !ok || v > 255 {
		return 0, p.errAt(t, "i8 constant out of range")
	}
	return byte(v), nil
}

// naturalAlign returns log2 of the access size of a memory instruction,
// derived from its name: the size in the operator part if any (load8_s,
// rmw16.add_u, load32_zero; 8x8 style loads read 8 bytes), else the type.
func naturalAlign(name string) uint32 {
	typ, opName, _ := strings.Cut(name, ".")
	if strings.Contains(opName, "x") && strings.HasPrefix(opName, "load") && !strings.Contains(opName, "_lane") {
		if i := strings.IndexByte(opName, 'x'); i > 4 && opName[i-1] >= '0' && opName[i-1] <= '9' {
			return 3
		}
	}
	for i := 0; i < len(opName); i++ {
		if opName[i] >= '1' && opName[i] <= '9' {
			j := i
			for j < len(opName) && opName[j] >= '0' && opName[j] <= '9' {
				j++
			}
			switch opName[i:j] {
			case "8":
				return 0
			case "16":
				return 1
			case "32":
				return 2
			case "64":
				return 3
			}
			break
		}
	}
	switch typ {
	case "i64", "f64":
		return 3
	case "v128":
		return 4
	}
	return 2
}

func (p *parser) memArg(b []byte, name string, lane bool) ([]byte, error) {
	var mem uint32
	if p.isIndex() {
		isMem := true
		if lane && p.peek().Kind == TokNumber {
			n := p.at(p.pos + 1)
			isMem = n.Kind == TokNumber || n.Kind == TokKeyword &&
				(strings.HasPrefix(n.Text, "offset=") || strings.HasPrefix(n.Text, "align="))
		}
		if isMem {
			var err error
			if mem, err = p.index(&p.mems); err != nil {
				return nil, err
			}
		}
	}
	var offset uint64
	align := naturalAlign(name)
	if t := p.peek(); t.Kind == TokKeyword && strings.HasPrefix(t.Text, "offset=") {
		p.pos++
		v, ok := parseNat(t.Text[7:])
		if !ok {
			return nil, p.errAt(t, "i64 constant out of range")
		}
		offset = v
	}
	if t := p.peek(); t.Kind == TokKeyword && strings.HasPrefix(t.Text, "align=") {
		p.pos++
		v, ok := parseNat(t.Text[6:])
		if !ok || v == 0 || v&(v-1) != 0 {
			return nil, p.errAt(t, "alignment must be a power of two")
		}
		align = 0
		for v > 1 {
			v >>= 1
			align++
		}
	}
	if mem != 0 {
		b = appendU32(b, align|0x40)
		b = appendU32(b, mem)
	} else {
		b = appendU32(b, align)
	}
	b = appendU64(b, offset)
	if lane {
		l, err := p.laneIndex(false)
		if err != nil {
			return nil, err
		}
		b = append(b, l)
	}
	return b, nil
}

var laneCounts = map[string]int{"i8x16": 16, "i16x8": 8, "i32x4": 4, "i64x2": 2, "f32x4": 4, "f64x2": 2}

func (p *parser) v128Const(b []byte) ([]byte, error) {
	shape := p.peek()
	n, ok := laneCounts[shape.Text]
	if shape.Kind != TokKeyword || !ok {
		return nil, p.unexpected()
	}
	p.pos++
	for i := 0; i <= n; i++ {
		t := p.at(p.pos + i)
		if t.Kind == TokKeyword && !knownKeyword(t.Text) {
			p.pos += i
			return nil, p.unexpected()
		}
		if (t.Kind == TokNumber) != (i < n) {
			return nil, p.errAt(t, "wrong number of lane literals")
		}
	}
	for i := 0; i < n; i++ {
		t := p.next()
		var err error
		switch shape.Text {
		case "i8x16":
			var v uint64
			v, err = parseInt(t.Text, 8)
			b = append(b, byte(v))
		case "i16x8":
			var v uint64
			v, err = parseInt(t.Text, 16)
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case "i32x4":
			var v uint32
			v, err = ParseI32(t.Text)
			b = binary.LittleEndian.AppendUint32(b, v)
		case "i64x2":
			var v uint64
			v, err = ParseI64(t.Text)
			b = binary.LittleEndian.AppendUint64(b, v)
		case "f32x4":
			var v uint32
			v, err = ParseF32(t.Text)
			b = binary.LittleEndian.AppendUint32(b, v)
		case "f64x2":
			var v uint64
			v, err = ParseF64(t.Text)
			b = binary.LittleEndian.AppendUint64(b, v)
		}
		if err != nil {
			return nil, p.errAt(t, "constant out of range")
		}
	}
	return b, nil
}
