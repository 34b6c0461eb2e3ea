package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// funcLabel names function idx for headers: its name-section name, else
// the first name it is exported as, else for an import its module and
// field, else "$idx".
func funcLabel(m *wasm.Module, idx uint32) string {
	if n := m.FuncName(idx); n != "" {
		return n
	}
	if idx < m.NumImportedFuncs {
		n := uint32(0)
		for _, imp := range m.Imports {
			if imp.Kind == wasm.ExternFunc {
				if n == idx {
					return imp.Module + "." + imp.Name
				}
				n++
			}
		}
	}
	for _, ex := range m.Exports {
		if ex.Kind == wasm.ExternFunc && ex.Index == idx {
			return ex.Name
		}
	}
	return "$" + strconv.FormatUint(uint64(idx), 10)
}

// findFunc resolves a -func argument, a function index or a name (from the
// name section or the exports), to a defined function's index.
func findFunc(m *wasm.Module, sel string) (uint32, error) {
	if n, err := strconv.ParseUint(strings.TrimPrefix(sel, "$"), 10, 32); err == nil {
		idx := uint32(n)
		if idx >= m.NumFuncs() {
			return 0, fmt.Errorf("function index %d out of range (the module has %d functions)", idx, m.NumFuncs())
		}
		if idx < m.NumImportedFuncs {
			return 0, fmt.Errorf("function %d is imported and has no code", idx)
		}
		return idx, nil
	}
	if m.Names != nil {
		for idx, n := range m.Names.Funcs {
			if n == sel && idx >= m.NumImportedFuncs && idx < m.NumFuncs() {
				return idx, nil
			}
		}
	}
	for _, ex := range m.Exports {
		if ex.Kind == wasm.ExternFunc && ex.Name == sel {
			if ex.Index < m.NumImportedFuncs {
				return 0, fmt.Errorf("function %q is imported and has no code", sel)
			}
			return ex.Index, nil
		}
	}
	return 0, fmt.Errorf("no function named %q", sel)
}

// wasmInstr is one decoded instruction of a body as text.
type wasmInstr struct {
	offset uint32 // in the module binary
	depth  int    // block nesting, for indentation
	text   string
}

// bodyInstrs decodes defined function idx's body into text, one entry per
// instruction.
func bodyInstrs(m *wasm.Module, f wasm.Features, idx uint32) ([]wasmInstr, error) {
	c := &m.Codes[idx-m.NumImportedFuncs]
	ir := binary.NewInstrReader(c.Body, c.Offset, f)
	var out []wasmInstr
	var in wasm.Instr
	depth := 0
	for !ir.AtEnd() {
		if err := ir.Next(&in); err != nil {
			return out, err
		}
		info := wasm.Lookup(in.Op)
		d := depth
		switch info.Imm {
		case wasm.ImmBlock, wasm.ImmTryTable:
			depth++
		}
		switch info.Name {
		case "end":
			depth--
			d = depth
		case "else", "catch", "catch_all", "delegate":
			d = depth - 1
			if info.Name == "delegate" {
				depth--
				d = depth
			}
		}
		out = append(out, wasmInstr{offset: in.Offset, depth: max(d, 0), text: instrText(m, info, &in)})
	}
	return out, nil
}

// writeBody prints function idx's locals and instructions.
func writeBody(w io.Writer, m *wasm.Module, f wasm.Features, idx uint32) error {
	c := &m.Codes[idx-m.NumImportedFuncs]
	ft := funcType(m, idx)
	if ft != nil {
		fmt.Fprintf(w, "  ;; type %s\n", ft)
	}
	if len(c.Locals) > 0 {
		var b strings.Builder
		for _, l := range c.Locals {
			for range min(l.Count, 8) {
				b.WriteString(" " + l.Type.String())
			}
			if l.Count > 8 {
				fmt.Fprintf(&b, " ...(%d× %s)", l.Count, l.Type)
			}
		}
		fmt.Fprintf(w, "  (local%s)\n", b.String())
	}
	ins, err := bodyInstrs(m, f, idx)
	for _, in := range ins {
		writeInstr(w, in)
	}
	return err
}

func writeInstr(w io.Writer, in wasmInstr) {
	fmt.Fprintf(w, "  %06x: %s%s\n", in.offset, strings.Repeat("  ", in.depth), in.text)
}

// funcType returns the type of function idx, or nil when it is not a
// function type.
func funcType(m *wasm.Module, idx uint32) *wasm.FuncType {
	var ti uint32
	if idx < m.NumImportedFuncs {
		n := uint32(0)
		for _, imp := range m.Imports {
			if imp.Kind != wasm.ExternFunc {
				continue
			}
			if n == idx {
				ti = imp.Func
				break
			}
			n++
		}
	} else {
		ti = m.Funcs[idx-m.NumImportedFuncs]
	}
	if int(ti) >= len(m.Types) || m.Types[ti].Kind != wasm.CompFunc {
		return nil
	}
	return &m.Types[ti].Func
}

// instrText formats an instruction and its immediates as in the text format.
func instrText(m *wasm.Module, info *wasm.OpInfo, in *wasm.Instr) string {
	name := info.Name
	u := func(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
	switch info.Imm {
	case wasm.ImmBlock, wasm.ImmTryTable:
		s := name + blockType(in.Block)
		for _, c := range in.Catches {
			switch c.Kind {
			case wasm.Catch_:
				s += " (catch " + u(c.Tag) + " " + u(c.Label) + ")"
			case wasm.CatchRef:
				s += " (catch_ref " + u(c.Tag) + " " + u(c.Label) + ")"
			case wasm.CatchAll:
				s += " (catch_all " + u(c.Label) + ")"
			case wasm.CatchAllR:
				s += " (catch_all_ref " + u(c.Label) + ")"
			}
		}
		return s
	case wasm.ImmBrTable:
		var b strings.Builder
		b.WriteString(name)
		for _, l := range in.Labels {
			b.WriteString(" " + u(l))
		}
		return b.String()
	case wasm.ImmFunc:
		s := name + " " + u(in.Index)
		if in.Index < m.NumFuncs() {
			if n := funcLabel(m, in.Index); !strings.HasPrefix(n, "$") {
				s += " <" + n + ">"
			}
		}
		return s
	case wasm.ImmCallIndirect:
		return name + " " + u(in.Index2) + " (type " + u(in.Index) + ")"
	case wasm.ImmLabel, wasm.ImmType, wasm.ImmLocal, wasm.ImmGlobal, wasm.ImmTable,
		wasm.ImmMemory, wasm.ImmTag, wasm.ImmData, wasm.ImmElem:
		return name + " " + u(in.Index)
	case wasm.ImmMemArg, wasm.ImmMemArgLane:
		s := name
		if in.Mem.Memory != 0 {
			s += " " + u(in.Mem.Memory)
		}
		if in.Mem.Offset != 0 {
			s += " offset=" + strconv.FormatUint(in.Mem.Offset, 10)
		}
		s += " align=" + strconv.FormatUint(1<<min(in.Mem.Align, 63), 10)
		if info.Imm == wasm.ImmMemArgLane {
			s += " " + strconv.Itoa(int(in.Lane))
		}
		return s
	case wasm.ImmI32:
		return name + " " + strconv.FormatInt(int64(int32(in.Const)), 10)
	case wasm.ImmI64:
		return name + " " + strconv.FormatInt(int64(in.Const), 10)
	case wasm.ImmF32:
		return name + " " + float32Text(uint32(in.Const))
	case wasm.ImmF64:
		return name + " " + float64Text(in.Const)
	case wasm.ImmV128, wasm.ImmShuffle:
		var b strings.Builder
		b.WriteString(name)
		if info.Imm == wasm.ImmV128 {
			b.WriteString(" i8x16")
		}
		for _, x := range in.V128 {
			b.WriteString(" " + strconv.Itoa(int(x)))
		}
		return b.String()
	case wasm.ImmLane:
		return name + " " + strconv.Itoa(int(in.Lane))
	case wasm.ImmSelectT:
		var b strings.Builder
		b.WriteString(name + " (result")
		for _, t := range in.Types {
			b.WriteString(" " + t.String())
		}
		b.WriteString(")")
		return b.String()
	case wasm.ImmHeapType:
		if name == "ref.null" {
			return name + " " + in.Ref.Heap.String()
		}
		return name + " " + in.Ref.String()
	case wasm.ImmMemoryInit, wasm.ImmTableInit, wasm.ImmTypeField, wasm.ImmTypeCount,
		wasm.ImmTypeData, wasm.ImmTypeElem, wasm.ImmTypeTag:
		return name + " " + u(in.Index) + " " + u(in.Index2)
	case wasm.ImmMemoryCopy, wasm.ImmTableCopy, wasm.ImmTypeType:
		return name + " " + u(in.Index) + " " + u(in.Index2)
	case wasm.ImmBrOnCast:
		return name + " " + u(in.Index) + " " + in.Ref.String() + " " + in.Ref2.String()
	case wasm.ImmResume, wasm.ImmResumeThrow:
		s := name + " " + u(in.Index)
		if info.Imm == wasm.ImmResumeThrow {
			s += " " + u(in.Index2)
		}
		for _, h := range in.Handlers {
			if h.Switch {
				s += " (on " + u(h.Tag) + " switch)"
			} else {
				s += " (on " + u(h.Tag) + " " + u(h.Label) + ")"
			}
		}
		return s
	}
	return name
}

func blockType(bt wasm.BlockType) string {
	switch bt.Kind {
	case wasm.BlockValue:
		return " (result " + bt.Val.String() + ")"
	case wasm.BlockIndex:
		return " (type " + strconv.FormatUint(uint64(bt.Index), 10) + ")"
	}
	return ""
}

// float32Text and float64Text print a constant from its bits exactly: in
// shortest round-trip decimal, NaN payloads in the text format's nan:0x form.
func float32Text(b uint32) string {
	v := math.Float32frombits(b)
	if v != v {
		return nanText(b>>31 != 0, uint64(b&(1<<23-1)), 1<<22)
	}
	return floatText(float64(v), 32)
}

func float64Text(b uint64) string {
	v := math.Float64frombits(b)
	if v != v {
		return nanText(b>>63 != 0, b&(1<<52-1), 1<<51)
	}
	return floatText(v, 64)
}

func floatText(v float64, bits int) string {
	if math.IsInf(v, 0) {
		if v < 0 {
			return "-inf"
		}
		return "inf"
	}
	return strconv.FormatFloat(v, 'g', -1, bits)
}

func nanText(neg bool, payload, canonical uint64) string {
	s := "nan"
	if payload != canonical {
		s = fmt.Sprintf("nan:%#x", payload)
	}
	if neg {
		s = "-" + s
	}
	return s
}
