package object

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/backend"
	_ "github.com/wasmc/wasmc/backend/amd64"
	wbinary "github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
)

const testFeatures = wasm.V2 &^ wasm.SIMD

// testModule has a bit of everything an object records: imports of every
// kind, names, tables with element segments, memory with data, globals
// with init expressions, a start function and functions that share a
// signature.
const testModule = `(module $objtest
  (import "env" "log" (func $log (param i32)))
  (import "env" "g" (global $g i32))
  (import "env" "mem" (memory 1 2))
  (import "env" "tab" (table 2 funcref))
  (type $sig (func (param i32) (result i32)))
  (table $t 4 8 funcref)
  (global $counter (mut i32) (global.get $g))
  (global $pi f64 (f64.const 3.14159))
  (func $double (type $sig) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (type $sig) (i32.mul (local.get 0) (i32.const 3)))
  (func $start (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (func (export "apply") (param i32 i32) (result i32)
    (call_indirect $t (type $sig) (local.get 1) (local.get 0)))
  (func (export "load") (param i32) (result i32)
    (call $log (local.get 0))
    (i32.load (local.get 0)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (elem (table $t) (i32.const 0) func $double $triple)
  (elem declare func $start)
  (data (i32.const 16) "hello")
  (data "passive")
  (export "counter" (global $counter))
  (export "table" (table $t))
  (start $start))`

// compile returns testModule (or src) decoded, validated and compiled
// for amd64.
func compile(t testing.TB, src []byte) (*wasm.Module, *backend.Compiled) {
	t.Helper()
	named := bytes.Contains(src, []byte("$objtest"))
	if !bytes.HasPrefix(src, []byte("\x00asm")) {
		var err error
		if src, err = text.ParseModule(src); err != nil {
			t.Fatal(err)
		}
	}
	if named {
		// The text parser emits no name section: add one.
		src = withNames(src, "objtest", map[uint32]string{1: "double", 2: "triple", 3: "start"})
	}
	m, err := wbinary.Decode(src, testFeatures)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Module(m, testFeatures); err != nil {
		t.Fatal(err)
	}
	c, err := backend.Compile(m, testFeatures, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	return m, c
}

// withNames appends a name section naming the module and functions.
func withNames(bin []byte, module string, funcs map[uint32]string) []byte {
	str := func(b []byte, s string) []byte { return append(appendU32(b, uint32(len(s))), s...) }
	sub := func(b []byte, id byte, content []byte) []byte {
		return append(appendU32(append(b, id), uint32(len(content))), content...)
	}
	idx := make([]uint32, 0, len(funcs))
	for i := range funcs {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	fn := appendU32(nil, uint32(len(funcs)))
	for _, i := range idx {
		fn = str(appendU32(fn, i), funcs[i])
	}
	content := str(nil, "name")
	content = sub(content, 0, str(nil, module))
	content = sub(content, 1, fn)
	return sub(bin, 0, content)
}

var testExpect = Expect{Version: "test-1", Arch: "amd64", HasCPU: func(string) bool { return true }}

func marshal(t testing.TB, m *wasm.Module, c *backend.Compiled) []byte {
	t.Helper()
	b, err := Marshal(m, testFeatures, c, testExpect.Version, sha256.Sum256([]byte("source")))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	m, c := compile(t, []byte(testModule))
	data := marshal(t, m, c)
	obj, err := Load(data, testExpect)
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Arch: "amd64", CPU: RequiredCPU("amd64"), Version: "test-1", Features: testFeatures, Source: sha256.Sum256([]byte("source"))}
	if !reflect.DeepEqual(obj.Info, want) {
		t.Errorf("info %+v, want %+v", obj.Info, want)
	}
	if !reflect.DeepEqual(obj.Compiled, c) {
		t.Error("compiled code differs after the round trip")
	}
	// The code flags survive either way.
	for _, guard := range []bool{false, true} {
		c2 := *c
		c2.GuardPages = guard
		obj2, err := Load(marshal(t, m, &c2), testExpect)
		if err != nil || obj2.Compiled.GuardPages != guard {
			t.Errorf("GuardPages %v: loaded %+v, %v", guard, obj2, err)
		}
	}
	if len(obj.Module.Codes) != len(m.Funcs) || obj.Module.Names == nil || obj.Module.Names.Module != "objtest" {
		t.Errorf("module metadata lost: %d bodies, names %+v", len(obj.Module.Codes), obj.Module.Names)
	}
	normalize(m)
	normalize(obj.Module)
	if !reflect.DeepEqual(obj.Module, m) {
		t.Errorf("module differs:\n got %+v\nwant %+v", obj.Module, m)
	}
	// The result must not alias the input.
	for i := range data {
		data[i] = 0
	}
	if !bytes.Equal(obj.Compiled.Code, c.Code) || obj.Module.Datas[0].Init[0] != 'h' {
		t.Error("the loaded object aliases the input bytes")
	}
	if !IsObject(marshal(t, m, c)) || IsObject([]byte("\x00asm\x01\x00\x00\x00")) {
		t.Error("IsObject is wrong")
	}
}

// TestELF reads the object with debug/elf: the sections, and a function
// symbol per defined function with its name, offset and size.
func TestELF(t *testing.T) {
	m, c := compile(t, []byte(testModule))
	f, err := elf.NewFile(bytes.NewReader(marshal(t, m, c)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB || f.Machine != elf.EM_X86_64 || f.Type != elf.ET_REL {
		t.Errorf("header: %v %v %v %v", f.Class, f.Data, f.Machine, f.Type)
	}
	text := f.Section(".text")
	if text == nil || text.Flags != elf.SHF_ALLOC|elf.SHF_EXECINSTR {
		t.Fatalf(".text missing or with wrong flags: %+v", text)
	}
	if code, err := text.Data(); err != nil || !bytes.Equal(code, c.Code) {
		t.Errorf(".text does not hold the code (%v)", err)
	}
	for _, name := range []string{".wasmc.info", ".wasmc.meta", ".symtab", ".strtab"} {
		if f.Section(name) == nil {
			t.Errorf("no %s section", name)
		}
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]elf.Symbol{}
	for _, s := range syms {
		byName[s.Name] = s
	}
	for i, fr := range c.Funcs {
		idx := m.NumImportedFuncs + uint32(i)
		name := m.FuncName(idx)
		if name == "" {
			name = fmt.Sprintf("func[%d]", idx)
		}
		s, ok := byName[name]
		if !ok {
			t.Errorf("no symbol %q", name)
			continue
		}
		if elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Value != uint64(fr.Offset) || s.Size != uint64(fr.Size) ||
			int(s.Section) != secIdxText {
			t.Errorf("symbol %q: %+v, want a function at %d size %d", name, s, fr.Offset, fr.Size)
		}
	}
	for _, name := range []string{"double", "triple", "start", "func[4]", "func[5]", "wasmc.host[0] env.log"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("no symbol %q among %d", name, len(syms))
		}
	}
}

// TestBinutils runs Debian's objdump and readelf on an object: objdump -d
// must show every function under its name, readelf -a must not complain.
func TestBinutils(t *testing.T) {
	objdump, err := exec.LookPath("objdump")
	if err != nil {
		t.Skip("objdump (binutils) is not installed; the debug/elf test checks the same symbols")
	}
	m, c := compile(t, []byte(testModule))
	path := filepath.Join(t.TempDir(), "test.o")
	if err := os.WriteFile(path, marshal(t, m, c), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(objdump, "-d", path).CombinedOutput()
	if err != nil {
		t.Fatalf("objdump -d: %v\n%s", err, out)
	}
	for _, name := range []string{"double", "triple", "start", "func[4]", "func[5]"} {
		if !bytes.Contains(out, []byte("<"+name+">:")) {
			t.Errorf("objdump -d does not show function %s:\n%s", name, out)
		}
	}
	if !bytes.Contains(out, []byte("elf64-x86-64")) || !bytes.Contains(out, []byte("imul")) {
		t.Errorf("objdump -d does not disassemble x86-64 code:\n%s", out)
	}
	if readelf, err := exec.LookPath("readelf"); err == nil {
		out, err := exec.Command(readelf, "-a", "-W", path).CombinedOutput()
		if err != nil || bytes.Contains(out, []byte("readelf: Warning")) || bytes.Contains(out, []byte("readelf: Error")) {
			t.Errorf("readelf -a: %v\n%s", err, out)
		}
	}
}

// sections returns the file ranges of the object's parts: the ELF header,
// every section and the section header table.
func sections(t *testing.T, data []byte) map[string][2]int {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r := map[string][2]int{"ELF header": {0, ehdrSize}}
	for _, s := range f.Sections[1:] {
		r[s.Name] = [2]int{int(s.Offset), int(s.Offset + s.FileSize)}
	}
	shoff := int(binary.LittleEndian.Uint64(data[40:]))
	r["section headers"] = [2]int{shoff, len(data)}
	r["padding before .text"] = [2]int{r[".wasmc.info"][1], r[".text"][0]}
	return r
}

// TestRejectFlippedBytes flips bytes at many offsets in every part of the
// file: each object must be rejected, as corrupted unless the flip lands
// in the fields Load reads before the checksum.
func TestRejectFlippedBytes(t *testing.T) {
	m, c := compile(t, []byte(testModule))
	orig := marshal(t, m, c)
	parts := sections(t, orig)
	for name, r := range parts {
		if r[1] <= r[0] {
			t.Fatalf("part %s is empty", name)
		}
		offs := []int{r[0], r[1] - 1, (r[0] + r[1]) / 2}
		for i := 0; i < 24; i++ {
			offs = append(offs, r[0]+(r[1]-r[0])*i/24)
		}
		for _, off := range offs {
			for _, mask := range []byte{0x01, 0x80, 0xff} {
				data := slices.Clone(orig)
				data[off] ^= mask
				_, err := Load(data, testExpect)
				if err == nil {
					t.Fatalf("%s: flipping byte %d with %#x was not detected", name, off, mask)
				}
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrIncompatible) && !errors.Is(err, ErrNotObject) {
					t.Errorf("%s: byte %d: unclassified error %v", name, off, err)
				}
			}
		}
	}
	// Every byte of the headers and the metadata, one bit each.
	meta := parts[".wasmc.meta"]
	for off := 0; off < len(orig); off++ {
		if off >= parts[".wasmc.info"][1] && off < meta[0] {
			continue // the code: sampled above
		}
		data := slices.Clone(orig)
		data[off] ^= 0x10
		if _, err := Load(data, testExpect); err == nil {
			t.Fatalf("flipping bit 4 of byte %d was not detected", off)
		}
	}
}

func TestRejectTruncated(t *testing.T) {
	m, c := compile(t, []byte(testModule))
	orig := marshal(t, m, c)
	lengths := []int{0, 1, 4, 16, 63, 64, 65, infoFileOff + infoSize - 1, infoFileOff + infoSize, len(orig) - 1}
	for _, r := range sections(t, orig) {
		lengths = append(lengths, r[0], r[0]+1, r[1]-1)
	}
	for i := 1; i < 64; i++ {
		lengths = append(lengths, len(orig)*i/64)
	}
	for _, n := range lengths {
		_, err := Load(orig[:n], testExpect)
		if err == nil {
			t.Fatalf("truncated to %d of %d bytes: accepted", n, len(orig))
		}
		if n >= 4 && !errors.Is(err, ErrCorrupt) {
			t.Errorf("truncated to %d bytes: %v, want a corruption error", n, err)
		}
	}
	if _, err := Load(append(slices.Clone(orig), 0), testExpect); !errors.Is(err, ErrCorrupt) {
		t.Errorf("one byte appended: %v, want a corruption error", err)
	}
}

func TestRejectMismatch(t *testing.T) {
	m, c := compile(t, []byte(testModule))
	orig := marshal(t, m, c)
	check := func(name string, data []byte, want Expect, wantErr error, msg string) {
		t.Helper()
		_, err := Load(data, want)
		if !errors.Is(err, wantErr) || !strings.Contains(fmt.Sprint(err), msg) {
			t.Errorf("%s: got %v, want %v mentioning %q", name, err, wantErr, msg)
		}
	}
	wrongArch := testExpect
	wrongArch.Arch = "arm64"
	check("other arch", orig, wrongArch, ErrIncompatible, "code for amd64 cannot run on arm64")

	arm := *c
	arm.Arch = "arm64"
	armObj, err := Marshal(m, testFeatures, &arm, testExpect.Version, [32]byte{})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := elf.NewFile(bytes.NewReader(armObj)); err != nil || f.Machine != elf.EM_AARCH64 {
		t.Errorf("arm64 object: machine %v, %v", f.Machine, err)
	}
	check("arm64 object", armObj, testExpect, ErrIncompatible, "code for arm64 cannot run on amd64")

	wrongVersion := testExpect
	wrongVersion.Version = "test-2"
	check("other version", orig, wrongVersion, ErrIncompatible, "written by wasmc test-1; this is wasmc test-2")

	noLZCNT := testExpect
	noLZCNT.HasCPU = func(name string) bool { return name != "LZCNT" && name != "BMI1" }
	check("missing CPU features", orig, noLZCNT, ErrIncompatible, "this CPU lacks LZCNT, BMI1")

	bad := slices.Clone(orig)
	bad[checksumFrom+5] ^= 1
	check("wrong checksum", bad, testExpect, ErrCorrupt, "checksum mismatch")

	format := slices.Clone(orig)
	format[infoFileOff+offFormat]++
	check("other format", format, testExpect, ErrIncompatible, fmt.Sprintf("object format %d", FormatVersion+1))

	check("wasm module", []byte("\x00asm\x01\x00\x00\x00"), testExpect, ErrNotObject, "no ELF header")
}

// resum recomputes the checksum after a deliberate change, as a buggy
// writer would.
func resum(data []byte) {
	sum := checksum(data)
	copy(data[checksumFrom:checksumTo], sum[:])
}

// TestRejectBadOffsets checks the bounds checks behind the checksum:
// objects whose checksum is right but whose offsets are not.
func TestRejectBadOffsets(t *testing.T) {
	m, c := compile(t, []byte(testModule))
	orig := marshal(t, m, c)
	le := binary.LittleEndian
	metaOff := int(le.Uint64(orig[infoFileOff+offMetaOff:]))
	cases := []struct {
		name  string
		patch func(b []byte)
	}{
		{"text beyond the file", func(b []byte) { le.PutUint64(b[infoFileOff+offTextSize:], uint64(len(b))) }},
		{"text offset overflow", func(b []byte) { le.PutUint64(b[infoFileOff+offTextOff:], ^uint64(0)) }},
		{"meta beyond the file", func(b []byte) { le.PutUint64(b[infoFileOff+offMetaSize:], 1<<40) }},
		{"function beyond .text", func(b []byte) { le.PutUint32(b[metaOff+metaHeader:], uint32(len(c.Code))) }},
		{"function count", func(b []byte) { le.PutUint32(b[metaOff:], 1<<30) }},
		{"function body beyond its code", func(b []byte) { le.PutUint32(b[metaOff+metaHeader+12:], 1<<20) }},
		{"function frame size", func(b []byte) { le.PutUint32(b[metaOff+metaHeader+8:], 1<<31+8) }},
		{"entry shim beyond .text", func(b []byte) {
			le.PutUint32(b[metaOff+metaHeader+16*len(c.Funcs)+4*int(m.Funcs[0]):], uint32(len(c.Code)))
		}},
		{"host stub beyond .text", func(b []byte) {
			le.PutUint32(b[metaOff+metaHeader+16*len(c.Funcs)+4*len(c.EntryShims):], 1<<31)
		}},
		{"CPU count", func(b []byte) { le.PutUint32(b[infoFileOff+offNumCPU:], 1000) }},
		{"module magic", func(b []byte) {
			b[metaOff+metaHeader+16*len(c.Funcs)+4*len(c.EntryShims)+4*len(c.HostStubs)+8*len(c.CheckSkips)] = 'X'
		}},
	}
	if len(c.CheckSkips) > 0 { // amd64
		skip := metaOff + metaHeader + 16*len(c.Funcs) + 4*len(c.EntryShims) + 4*len(c.HostStubs)
		cases = append(cases, []struct {
			name  string
			patch func(b []byte)
		}{
			{"check skip beyond .text", func(b []byte) { le.PutUint32(b[skip:], uint32(len(c.Code))) }},
			{"check skip in the stubs", func(b []byte) { le.PutUint32(b[skip:], c.FuncsEnd()) }},
			{"check skip width", func(b []byte) { b[skip+4] = 2 }},
			{"check skip flags", func(b []byte) { b[skip+6] = 1 }},
			{"check skip forward", func(b []byte) { b[skip+5] = 0xff }}, // a rel8 back jump
		}...)
	} else if c.Arch == "amd64" {
		t.Fatal("the loop of testModule has no check skip")
	}
	for _, tc := range cases {
		data := slices.Clone(orig)
		tc.patch(data)
		resum(data)
		if _, err := Load(data, testExpect); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want a corruption error", tc.name, err)
		}
	}
}
