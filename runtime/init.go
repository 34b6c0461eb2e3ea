package runtime

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// evalConst evaluates a validated constant expression; only globals below
// numGlobals are initialized yet.
func (i *Instance) evalConst(e wasm.ConstExpr, numGlobals uint32) (uint64, error) {
	r := binary.NewInstrReader(e.Code, e.Offset, i.mod.features)
	var stack [8]uint64
	sp := 0
	var in wasm.Instr
	push := func(v uint64) error {
		if sp == len(stack) {
			return fmt.Errorf("runtime: constant expression too deep at offset %d", in.Offset)
		}
		stack[sp] = v
		sp++
		return nil
	}
	for !r.AtEnd() {
		if err := r.Next(&in); err != nil {
			return 0, err
		}
		var err error
		switch in.Op {
		case 0x0b: // end
			if sp != 1 {
				return 0, fmt.Errorf("runtime: bad constant expression at offset %d", e.Offset)
			}
			return stack[0], nil
		case 0x41, 0x43: // i32.const, f32.const
			err = push(uint64(uint32(in.Const)))
		case 0x42, 0x44:
			err = push(in.Const)
		case 0xd0: // ref.null
			err = push(0)
		case 0xd2: // ref.func
			if in.Index >= uint32(len(i.funcs)) {
				return 0, fmt.Errorf("runtime: unknown function %d", in.Index)
			}
			err = push(uint64(addrOf(i.vmctx)) + uint64(i.mod.layout.FuncRef(in.Index)))
		case 0x23: // global.get
			if in.Index >= numGlobals || i.globals[in.Index] == nil {
				return 0, fmt.Errorf("runtime: unknown global %d", in.Index)
			}
			err = push(i.globals[in.Index].Get())
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e:
			if sp < 2 {
				return 0, fmt.Errorf("runtime: bad constant expression at offset %d", in.Offset)
			}
			a, b := stack[sp-2], stack[sp-1]
			sp -= 2
			var v uint64
			switch in.Op {
			case 0x6a:
				v = uint64(uint32(a) + uint32(b))
			case 0x6b:
				v = uint64(uint32(a) - uint32(b))
			case 0x6c:
				v = uint64(uint32(a) * uint32(b))
			case 0x7c:
				v = a + b
			case 0x7d:
				v = a - b
			case 0x7e:
				v = a * b
			}
			err = push(v)
		default:
			return 0, fmt.Errorf("runtime: unsupported constant instruction 0x%x at offset %d", in.Op, in.Offset)
		}
		if err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("runtime: unterminated constant expression at offset %d", e.Offset)
}

// initSegments evaluates the element segments, then applies active element
// and data segments in order (a trap stops there, leaving earlier writes
// in place) and drops active and declarative ones.
func (i *Instance) initSegments() error {
	m := i.mod.wasm
	i.elems = make([][]uint64, len(m.Elems))
	for si := range m.Elems {
		seg := &m.Elems[si]
		items := make([]uint64, seg.Len())
		for k := range items {
			if seg.UsesExprs {
				v, err := i.evalConst(seg.Exprs[k], m.NumGlobals())
				if err != nil {
					return err
				}
				items[k] = v
			} else {
				fi := seg.FuncIndices[k]
				if fi >= uint32(len(i.funcs)) {
					return fmt.Errorf("runtime: unknown function %d", fi)
				}
				items[k] = uint64(addrOf(i.vmctx)) + uint64(i.mod.layout.FuncRef(fi))
			}
		}
		i.elems[si] = items
	}
	i.datas = make([][]byte, len(m.Datas))
	for di := range m.Datas {
		i.datas[di] = m.Datas[di].Init
	}
	if !i.mod.features.Has(wasm.BulkMemory) {
		if err := i.checkSegmentsFit(); err != nil {
			return err
		}
	}
	for si := range m.Elems {
		seg := &m.Elems[si]
		switch seg.Mode {
		case wasm.SegmentActive:
			off, err := i.evalConst(seg.Offset, m.NumGlobals())
			if err != nil {
				return err
			}
			if code := i.tableInit(seg.Table, uint32(si), off, 0, uint64(len(i.elems[si]))); code != 0 {
				return &Trap{Code: code}
			}
			i.elems[si] = nil
		case wasm.SegmentDeclarative:
			i.elems[si] = nil
		}
	}
	for di := range m.Datas {
		d := &m.Datas[di]
		if d.Mode != wasm.SegmentActive {
			continue
		}
		off, err := i.evalConst(d.Offset, m.NumGlobals())
		if err != nil {
			return err
		}
		if code := i.memoryInit(d.Memory, uint32(di), off, 0, uint64(len(d.Init))); code != 0 {
			return &Trap{Code: code}
		}
		i.datas[di] = nil
	}
	return nil
}

// checkSegmentsFit applies the WebAssembly 1.0 rule: every active segment
// must fit before any is written, and a misfit is a link error.
func (i *Instance) checkSegmentsFit() error {
	m := i.mod.wasm
	for si := range m.Elems {
		seg := &m.Elems[si]
		if seg.Mode != wasm.SegmentActive {
			continue
		}
		off, err := i.evalConst(seg.Offset, m.NumGlobals())
		if err != nil {
			return err
		}
		if uint64(uint32(off))+uint64(seg.Len()) > i.tables[seg.Table].Len() {
			return &LinkError{Msg: "elements segment does not fit"}
		}
	}
	for di := range m.Datas {
		d := &m.Datas[di]
		if d.Mode != wasm.SegmentActive {
			continue
		}
		off, err := i.evalConst(d.Offset, m.NumGlobals())
		if err != nil {
			return err
		}
		if uint64(uint32(off))+uint64(len(d.Init)) > i.memories[d.Memory].length() {
			return &LinkError{Msg: "data segment does not fit"}
		}
	}
	return nil
}
