package amd64

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/arch/x86/x86asm"
	"golang.org/x/sys/cpu"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/ssa"
)

func init() {
	backend.Register(&backend.Target{
		Name:     "amd64",
		CheckCPU: CheckCPU,
		NewCompiler: func() backend.FuncCompiler {
			c := NewCompiler()
			return func(f *ssa.Func, listing *strings.Builder) (backend.Unit, error) {
				return c.Compile(f, listing)
			}
		},
		Link: func(m *wasm.Module, funcs []backend.Unit) (*backend.Compiled, error) {
			codes := make([]FuncCode, len(funcs))
			for i, u := range funcs {
				fc, ok := u.(FuncCode)
				if !ok {
					return nil, fmt.Errorf("amd64: link: function %d is a %T, not amd64 code", i, u)
				}
				codes[i] = fc
			}
			return Link(m, codes)
		},
	})
}

// CheckCPU reports whether this CPU has the extensions the generated code
// uses beyond baseline x86-64: SSE4.1 (ROUNDSS), POPCNT, LZCNT, BMI1
// (TZCNT) and BMI2 (SHLX, SHRX, SARX).
func CheckCPU() error {
	var missing []string
	for _, f := range []struct {
		ok   bool
		name string
	}{
		{cpu.X86.HasSSE41, "SSE4.1"}, {cpu.X86.HasPOPCNT, "POPCNT"},
		{cpu.X86.HasLZCNT, "LZCNT"}, {cpu.X86.HasBMI1, "BMI1"}, {cpu.X86.HasBMI2, "BMI2"},
	} {
		if !f.ok {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return errors.New("wasmc: this CPU lacks " + strings.Join(missing, ", ") + ", which amd64 code needs")
	}
	return nil
}

var regInfo = RegInfo()

// CompileFunc selects instructions for f, allocates registers and encodes
// the result. With a non-nil listing it writes the selected instructions
// and the disassembly of the final code.
func CompileFunc(f *ssa.Func, listing *strings.Builder) (FuncCode, error) {
	f.CountUses()
	return NewCompiler().Compile(f, listing)
}

// Compiler compiles functions one after another, keeping the buffers of
// instruction selection, register allocation and encoding for the next:
// a worker that owns one stops allocating once they fit its largest
// function. It is not safe for concurrent use.
type Compiler struct {
	isel  isel
	alloc regalloc.Allocator
	asm   Asm
	emit  emitter
}

// newAsm returns the assembler to encode f with: its Compiler's, emptied,
// or a new one.
func (f *mfunc) newAsm() *Asm {
	if f.asm == nil {
		return NewAsm()
	}
	a := NewAsm() // what NewAsm sets, with the old arrays
	a.buf, a.labels, a.fixups, a.relocs = f.asm.buf[:0], f.asm.labels[:0], f.asm.fixups[:0], f.asm.relocs[:0]
	a.trapSites, a.trapOrder, a.yieldSites, a.cuts = f.asm.trapSites, f.asm.trapOrder[:0], f.asm.yieldSites[:0], f.asm.cuts[:0]
	a.checks, a.instanceCalls = f.asm.checks[:0], f.asm.instanceCalls[:0]
	clear(a.trapSites)
	*f.asm = *a
	return f.asm
}

// NewCompiler returns a Compiler with empty buffers.
func NewCompiler() *Compiler { return &Compiler{} }

// Compile is CompileFunc with c's buffers, for a function that has been
// through ssa.Optimize (which leaves its uses counted).
func (c *Compiler) Compile(f *ssa.Func, listing *strings.Builder) (FuncCode, error) {
	mf, err := c.isel.selectFunc(f)
	if err != nil {
		return FuncCode{}, err
	}
	if listing != nil {
		mf.write(listing)
	}
	alloc, err := c.alloc.Allocate(mf, regInfo)
	if err != nil {
		return FuncCode{}, fmt.Errorf("amd64: %s: register allocation: %w", f.Name, err)
	}
	mf.asm = &c.asm
	fc, err := c.emit.encode(mf, alloc)
	// The code lives in the reused assembler: copy it out.
	fc.Code, fc.Relocs = slices.Clone(fc.Code), slices.Clone(fc.Relocs)
	if err != nil {
		return FuncCode{}, fmt.Errorf("amd64: %s: %w", f.Name, err)
	}
	if listing != nil {
		listing.WriteString("code:\n")
		Disassemble(listing, fc.Code)
	}
	return fc, nil
}

// write prints the selected instructions block by block.
func (f *mfunc) write(b *strings.Builder) {
	fmt.Fprintf(b, "selected %s:\n", f.name)
	for i, blk := range f.blocks {
		fmt.Fprintf(b, "b%d:", i)
		if len(blk.Preds) > 0 {
			fmt.Fprintf(b, " ; preds %v", blk.Preds)
		}
		if blk.Depth > 0 {
			fmt.Fprintf(b, " ; loop depth %d", blk.Depth)
		}
		b.WriteString("\n")
		for k := range blk.instrs {
			fmt.Fprintf(b, "  %s\n", blk.instrs[k].String())
		}
	}
}

// Disassemble writes code as one instruction per line with offsets
// (Intel syntax); undecodable bytes are shown as such.
func Disassemble(b *strings.Builder, code []byte) {
	for off := 0; off < len(code); {
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil || inst.Len == 0 {
			fmt.Fprintf(b, "  %5x  .byte %#02x\n", off, code[off])
			off++
			continue
		}
		fmt.Fprintf(b, "  %5x  %s\n", off, x86asm.IntelSyntax(inst, uint64(off), nil))
		off += inst.Len
	}
}
