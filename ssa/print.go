package ssa

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/wasmc/wasmc/runtime/abi"
)

// String returns the text form of f (see Fprint).
func (f *Func) String() string {
	var sb strings.Builder
	f.Fprint(&sb)
	return sb.String()
}

// Fprint writes f in the text form:
//
//	func name (i32) -> (i32)
//	b0(v0: i32):
//	  v1 = i32.const 1
//	  v2 = i32.add v0, v1
//	  br_if v2, b1(v2), b2()
func (f *Func) Fprint(sb *strings.Builder) {
	fmt.Fprintf(sb, "func %s %s\n", f.Name, f.Sig)
	for _, b := range f.Blocks {
		b.fprint(sb)
	}
}

func (b *Block) String() string { return "b" + strconv.Itoa(int(b.ID)) }

func (b *Block) fprint(sb *strings.Builder) {
	sb.WriteString(b.String())
	sb.WriteByte('(')
	for i, p := range b.Params {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(sb, "%s: %s", p, p.Type)
	}
	sb.WriteString("):")
	if b.LoopHeader {
		sb.WriteString(" ; loop")
	}
	if len(b.Preds) > 0 {
		sb.WriteString(" ; preds")
		for _, p := range b.Preds {
			sb.WriteByte(' ')
			sb.WriteString(p.String())
		}
	}
	sb.WriteByte('\n')
	for _, v := range b.Values {
		sb.WriteString("  ")
		sb.WriteString(v.LongString())
		sb.WriteByte('\n')
	}
	if b.Term != nil {
		sb.WriteString("  ")
		sb.WriteString(b.Term.LongString())
		sb.WriteByte('\n')
	} else {
		sb.WriteString("  <no terminator>\n")
	}
}

func (v *Value) String() string {
	if v == nil {
		return "<nil>"
	}
	return "v" + strconv.Itoa(int(v.ID))
}

// LongString returns the value's line of the text form, without indent:
// "v3 = i32.add v1, v2", "i32.store v4, v2 [+8]", "br_if v1, b2(v3), b3()".
func (v *Value) LongString() string {
	var sb strings.Builder
	if v.Type != TypeNone {
		sb.WriteString(v.String())
		sb.WriteString(" = ")
	}
	sb.WriteString(v.Op.String())
	for i, a := range v.Args {
		if i == 0 {
			sb.WriteByte(' ')
		} else {
			sb.WriteString(", ")
		}
		sb.WriteString(a.String())
	}
	if v.Op.Info().Aux == AuxConst {
		sb.WriteByte(' ')
		sb.WriteString(v.auxString())
	} else if aux := v.auxString(); aux != "" {
		sb.WriteString(" [")
		sb.WriteString(aux)
		sb.WriteByte(']')
	}
	if v.Sig != nil {
		sb.WriteByte(' ')
		sb.WriteString(v.Sig.String())
	}
	if v.Block != nil && v == v.Block.Term {
		for i, e := range v.Block.Succs {
			if i == 0 && len(v.Args) == 0 {
				sb.WriteByte(' ')
			} else {
				sb.WriteString(", ")
			}
			sb.WriteString(e.Block.String())
			sb.WriteByte('(')
			for j, a := range e.Args {
				if j > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(a.String())
			}
			sb.WriteByte(')')
		}
	}
	return sb.String()
}

func (v *Value) auxString() string {
	switch v.Op.Info().Aux {
	case AuxConst:
		switch v.Op {
		case OpConstI32:
			return strconv.FormatInt(int64(int32(v.AuxInt)), 10)
		case OpConstI64:
			return strconv.FormatInt(v.AuxInt, 10)
		case OpConstF32:
			return fmt.Sprintf("%#x %v", uint32(v.AuxInt), math.Float32frombits(uint32(v.AuxInt)))
		default:
			return fmt.Sprintf("%#x %v", uint64(v.AuxInt), math.Float64frombits(uint64(v.AuxInt)))
		}
	case AuxOffset:
		return fmt.Sprintf("%+d", v.AuxInt)
	case AuxIndex:
		return strconv.FormatInt(v.AuxInt, 10)
	case AuxTrap:
		return abi.TrapCode(v.AuxInt).String()
	case AuxFunc:
		return "f" + strconv.FormatInt(v.AuxInt, 10)
	case AuxBuiltin:
		return builtinName(abi.Builtin(v.AuxInt))
	}
	return ""
}

var builtinNames = map[abi.Builtin]string{
	abi.BuiltinMemoryGrow: "memory.grow", abi.BuiltinMemoryFill: "memory.fill",
	abi.BuiltinMemoryCopy: "memory.copy", abi.BuiltinMemoryInit: "memory.init",
	abi.BuiltinDataDrop: "data.drop", abi.BuiltinTableGrow: "table.grow",
	abi.BuiltinTableFill: "table.fill", abi.BuiltinTableCopy: "table.copy",
	abi.BuiltinTableInit: "table.init", abi.BuiltinElemDrop: "elem.drop",
	abi.BuiltinTableGet: "table.get", abi.BuiltinTableSet: "table.set",
}

func builtinName(b abi.Builtin) string {
	if s, ok := builtinNames[b]; ok {
		return s
	}
	return "builtin" + strconv.Itoa(int(b))
}
