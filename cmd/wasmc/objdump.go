package main

import (
	"bytes"
	"debug/elf"
	"flag"
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/backend"
	// The code generators register themselves with package backend.
	_ "github.com/wasmc/wasmc/backend/amd64"
	_ "github.com/wasmc/wasmc/backend/arm64"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/modfile"
	"github.com/wasmc/wasmc/object"
)

var cmdObjdump = &command{
	name:      "objdump",
	usageLine: "[-arch arch] [-func name|index] file",
	short:     "disassemble compiled functions",
	long: `
Objdump prints the machine code of each function of a module (.wasm, or
.wat text, compiled on the spot for the -arch flag's architecture, amd64
or arm64; default: this machine's, ` + goruntime.GOARCH + `) or of a native object
made by 'wasmc compile' (for the architecture it was compiled for), with
code offsets: amd64 in Intel syntax, arm64 in GNU syntax. Calls name
their target.

For a module, each function's Wasm instructions (with their offsets in
the module binary) come first, then its machine code: the compiler keeps
no map from machine code back to Wasm offsets, so the two are shown one
after the other rather than interleaved. A native object keeps no Wasm
bodies, so for one only the machine code is shown, per symbol of its
.text section.

The -func flag restricts the output to one function: a function index,
or a name from the name section or the exports (for an object, a symbol
name).`,
	setFlags: func(fs *flag.FlagSet) {
		objdumpFunc, objdumpArch = "", goruntime.GOARCH
		fs.StringVar(&objdumpFunc, "func", "", "only function `name|index`")
		fs.StringVar(&objdumpArch, "arch", goruntime.GOARCH, "compile modules for `architecture`")
	},
	run: runObjdump,
}

var objdumpFunc, objdumpArch string

// compileFeatures are the proposals the compiler accepts.
const compileFeatures = wasmc.FeaturesV2

func runObjdump(e *env, c *command, args []string) int {
	if len(args) != 1 {
		fmt.Fprintf(e.stderr, "wasmc objdump: one input file expected, got %d\n", len(args))
		cmdUsage(e.stderr, c)
		return 2
	}
	if !checkArch(e.stderr, "objdump", objdumpArch) {
		return 2
	}
	file := args[0]
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc objdump: %v\n", err)
		return 1
	}
	if bytes.HasPrefix(data, elfMagic) {
		err = dumpObject(e.stdout, e.stderr, file, data, objdumpFunc)
	} else {
		err = dumpModule(e.stdout, file, data, objdumpArch, objdumpFunc)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc objdump: %s: %s\n", file, strings.TrimPrefix(err.Error(), "wasmc: "))
		return 1
	}
	return 0
}

// checkArch reports whether arch is one wasmc compiles for, and says
// which ones are when it is not.
func checkArch(stderr io.Writer, cmd, arch string) bool {
	if slices.Contains(wasmc.Arches(), arch) {
		return true
	}
	fmt.Fprintf(stderr, "wasmc %s: -arch %s: unknown architecture; wasmc compiles for %s\n", cmd, arch, strings.Join(wasmc.Arches(), ", "))
	return false
}

// loadWasm decodes and validates a module file's contents with the
// features the compiler supports.
func loadWasm(file string, data []byte) (*wasm.Module, error) {
	bin, err := modfile.Binary(file, data)
	if err != nil {
		return nil, err
	}
	m, err := binary.Decode(bin, compileFeatures)
	if err != nil {
		return nil, err
	}
	if err := validate.Module(m, compileFeatures); err != nil {
		return nil, err
	}
	return m, nil
}

func dumpModule(w io.Writer, file string, data []byte, arch, sel string) error {
	m, err := loadWasm(file, data)
	if err != nil {
		return err
	}
	// backend.Compile, not the wasmc API: the code is only shown, so it
	// may be for another machine.
	comp, err := backend.Compile(m, compileFeatures, arch)
	if err != nil {
		return err
	}
	return dumpCompiled(w, m, comp, true, sel)
}

// dumpCompiled prints the code of m's defined functions, or of the one sel
// names, each after its Wasm body when withBodies is set.
func dumpCompiled(w io.Writer, m *wasm.Module, comp *backend.Compiled, withBodies bool, sel string) error {
	first, last := m.NumImportedFuncs, m.NumFuncs()
	if sel != "" {
		idx, err := findFunc(m, sel)
		if err != nil {
			return err
		}
		first, last = idx, idx+1
	}
	if int(last-m.NumImportedFuncs) > len(comp.Funcs) {
		return fmt.Errorf("the code holds %d functions, the module defines %d", len(comp.Funcs), len(m.Funcs))
	}
	syms := make([]codeSym, 0, len(comp.Funcs)+len(comp.HostStubs))
	for i, f := range comp.Funcs {
		syms = append(syms, codeSym{name: funcLabel(m, m.NumImportedFuncs+uint32(i)), off: uint64(f.Offset), size: uint64(f.Size)})
	}
	for i, off := range comp.HostStubs {
		syms = append(syms, codeSym{name: "host stub " + funcLabel(m, uint32(i)), off: uint64(off)})
	}
	symname := symbolizer(syms)
	skips := skipTargets(comp)
	for idx := first; idx < last; idx++ {
		f := comp.Funcs[idx-m.NumImportedFuncs]
		if uint64(f.Offset)+uint64(f.Size) > uint64(len(comp.Code)) {
			return fmt.Errorf("function %d lies outside the code", idx)
		}
		fmt.Fprintf(w, "func %d <%s>: %d bytes of code at %#x\n", idx, funcLabel(m, idx), f.Size, f.Offset)
		if withBodies {
			fmt.Fprintln(w, " wasm:")
			if err := writeBody(w, m, compileFeatures, idx); err != nil {
				return fmt.Errorf("function %d: %w", idx, err)
			}
			fmt.Fprintf(w, " %s:\n", comp.Arch)
		}
		disassemble(w, comp.Arch, comp.Code[f.Offset:f.Offset+f.Size], uint64(f.Offset), symname, skips)
		fmt.Fprintln(w)
	}
	return nil
}

// codeSym is a named range of code.
type codeSym struct {
	name      string
	off, size uint64
}

// skipTargets maps the displacement offset of each of comp's check skips
// to where its jump goes once a runtime that preempts by signal patched it
// (docs/abi.md, "Preemption by signal").
func skipTargets(comp *backend.Compiled) map[uint64]uint64 {
	if backend.CheckSkipsValid(comp) != nil {
		return nil
	}
	m := make(map[uint64]uint64, len(comp.CheckSkips))
	for _, k := range comp.CheckSkips {
		_, to, _ := backend.SkipPatch(comp.Code[k.At:], k)
		m[uint64(k.At)] = uint64(to)
	}
	return m
}

// symbolizer returns a lookup of the symbol starting at an address, so
// that calls show their target's name.
func symbolizer(syms []codeSym) func(uint64) (string, uint64) {
	s := append([]codeSym(nil), syms...)
	sort.Slice(s, func(i, j int) bool { return s[i].off < s[j].off })
	return func(addr uint64) (string, uint64) {
		i := sort.Search(len(s), func(i int) bool { return s[i].off >= addr })
		if i < len(s) && s[i].off == addr {
			return s[i].name, s[i].off
		}
		return "", 0
	}
}

// dumpObject disassembles a native object's functions. An object this
// wasmc can load gives its module's names and function indices; any other
// amd64 or arm64 ELF file (another wasmc version's, or a damaged one) is
// shown by its symbols, after a note on stderr saying why.
func dumpObject(w, stderr io.Writer, file string, data []byte, sel string) error {
	// Disassembling runs nothing: accept code for any CPU of the
	// object's own architecture.
	obj, err := object.Load(data, object.Expect{Version: wasmc.Version, Arch: elfArch(data), HasCPU: func(string) bool { return true }})
	if err == nil {
		return dumpCompiled(w, obj.Module, obj.Compiled, false, sel)
	}
	fmt.Fprintf(stderr, "wasmc objdump: %s: %v; listing its ELF symbols instead\n", file, err)
	return dumpELF(w, data, sel)
}

// dumpELF disassembles the symbols in an ELF file's executable sections.
func dumpELF(w io.Writer, data []byte, sel string) error {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not a valid native object: %w", err)
	}
	arch := archOfMachine[f.Machine]
	if arch == "" {
		return fmt.Errorf("the object is for %v; objdump disassembles amd64 (EM_X86_64) and arm64 (EM_AARCH64) code only", f.Machine)
	}
	syms, err := f.Symbols()
	if err != nil {
		return fmt.Errorf("reading the symbol table: %w", err)
	}
	type secCode struct {
		data []byte
		syms []codeSym
	}
	secs := map[elf.SectionIndex]*secCode{}
	for _, s := range syms {
		t := elf.ST_TYPE(s.Info)
		if (t != elf.STT_FUNC && t != elf.STT_NOTYPE) || s.Name == "" ||
			s.Section <= elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) {
			continue
		}
		sec := f.Sections[s.Section]
		if sec.Flags&elf.SHF_EXECINSTR == 0 || s.Value > sec.Size || s.Size > sec.Size-s.Value {
			continue
		}
		sc := secs[s.Section]
		if sc == nil {
			d, err := sec.Data()
			if err != nil {
				return fmt.Errorf("reading section %s: %w", sec.Name, err)
			}
			sc = &secCode{data: d}
			secs[s.Section] = sc
		}
		sc.syms = append(sc.syms, codeSym{name: s.Name, off: s.Value, size: s.Size})
	}
	idxs := make([]elf.SectionIndex, 0, len(secs))
	for i := range secs {
		idxs = append(idxs, i)
	}
	sort.Slice(idxs, func(i, j int) bool { return idxs[i] < idxs[j] })
	found := false
	for _, si := range idxs {
		sc := secs[si]
		sort.SliceStable(sc.syms, func(i, j int) bool { return sc.syms[i].off < sc.syms[j].off })
		symname := symbolizer(sc.syms)
		for _, s := range sc.syms {
			if s.size == 0 || sel != "" && s.name != sel {
				continue // a stub's symbol marks where it starts, to name calls
			}
			found = true
			if uint64(len(sc.data)) < s.off+s.size {
				return fmt.Errorf("symbol %s lies outside section %s", s.name, f.Sections[si].Name)
			}
			fmt.Fprintf(w, "%s <%s>: %d bytes at %#x\n", f.Sections[si].Name, s.name, s.size, s.off)
			disassemble(w, arch, sc.data[s.off:s.off+s.size], s.off, symname, nil)
			fmt.Fprintln(w)
		}
	}
	if sel != "" && !found {
		return fmt.Errorf("no symbol named %s", strconv.Quote(sel))
	}
	if len(idxs) == 0 {
		return fmt.Errorf("no code symbols in the object")
	}
	return nil
}
