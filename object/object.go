// Package object writes and reads wasmc native objects: ELF files holding
// a module's machine code (.text, one symbol per function), the metadata
// that instantiates it without the original .wasm (.wasmc.meta), and what
// the code needs from the machine that runs it, with a SHA-256 checksum
// (.wasmc.info). docs/object-format.md describes the format.
package object

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/cpu"

	"github.com/wasmc/wasmc/backend"
	wbinary "github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// FormatVersion is the version of the layout this package writes.
const FormatVersion = 10 // 2: code flags (guard pages) at info offset 296; 3: stubs rely on stackswitch for vmctx, StatusDone, ExecReg; 4: callee-saved registers in the Wasm calling convention; 5: amd64 frames without RBP, sizes in the function table; 6: amd64 RBP holds the preemption word's address; 7: check skips in the metadata; 8: arm64 check skips; 9: memory 0's base at vmctx offset 0 (amd64 R12); 10: amd64 frames within abi.LeafFrame leave overflow to the stack's guard region

// Errors that Load wraps, for errors.Is.
var (
	// ErrNotObject: the data is not a wasmc object at all.
	ErrNotObject = errors.New("not a wasmc native object")
	// ErrCorrupt: the object is truncated or damaged.
	ErrCorrupt = errors.New("corrupted native object")
	// ErrIncompatible: a sound object that this wasmc or machine cannot run.
	ErrIncompatible = errors.New("incompatible native object")
)

// The info section: fixed offsets, so that the magic, format and wasmc
// version can be read (and a mismatch reported) before anything else.
const (
	infoMagic    = "WASMCOBJ"
	infoSize     = 320
	maxCPU       = 7
	cpuNameSize  = 16
	archSize     = 16
	versionSize  = 32
	offFormat    = 8
	offInfoSize  = 12
	offVersion   = 16
	offArch      = offVersion + versionSize // 48
	offChecksum  = offArch + archSize       // 64
	offFileSize  = offChecksum + 32         // 96
	offTextOff   = offFileSize + 8
	offTextSize  = offTextOff + 8
	offMetaOff   = offTextSize + 8
	offMetaSize  = offMetaOff + 8
	offFeatures  = offMetaSize + 8 // 136
	offNumCPU    = offFeatures + 8 // 144
	offCPU       = offNumCPU + 4   // 148
	offSource    = 264             // after maxCPU names
	offCodeFlags = offSource + 32  // 296: codeGuardPages
	infoFileOff  = ehdrSize
	checksumFrom = infoFileOff + offChecksum
	checksumTo   = checksumFrom + sha256.Size
)

// Code flags: how the code was compiled (backend.Options).
const codeGuardPages = 1 // no bounds checks on 32-bit memories (backend.Compiled.GuardPages)

// Info is what an object records about the code it holds.
type Info struct {
	Arch     string        // "amd64" or "arm64"
	CPU      []string      // CPU features the code needs, as RequiredCPU names them
	Version  string        // the wasmc version that wrote it
	Features wasm.Features // the proposals the module was validated with
	// Source is the SHA-256 of the module bytes (binary or text) the code
	// was compiled from, or zero when unknown.
	Source [sha256.Size]byte
}

// Object is a loaded object: the module (without function bodies) and its
// machine code, neither aliasing the loaded bytes.
type Object struct {
	Info
	Module   *wasm.Module
	Compiled *backend.Compiled
}

// RequiredCPU returns the CPU features code for arch needs beyond the
// architecture's baseline; for amd64 these are the extensions that
// backend/amd64.CheckCPU checks.
func RequiredCPU(arch string) []string {
	if arch == "amd64" {
		return []string{"SSE4.1", "POPCNT", "LZCNT", "BMI1", "BMI2"}
	}
	return nil
}

// HostHasCPU reports whether this machine has the CPU feature named as
// RequiredCPU names it. Unknown names are missing.
func HostHasCPU(name string) bool {
	switch name {
	case "SSE4.1":
		return cpu.X86.HasSSE41
	case "POPCNT":
		return cpu.X86.HasPOPCNT
	case "LZCNT":
		return cpu.X86.HasLZCNT
	case "BMI1":
		return cpu.X86.HasBMI1
	case "BMI2":
		return cpu.X86.HasBMI2
	}
	return false
}

// Marshal writes the object for module m, validated with features and
// compiled to c, recording version as the wasmc version and source as the
// hash of the module's bytes.
func Marshal(m *wasm.Module, features wasm.Features, c *backend.Compiled, version string, source [sha256.Size]byte) ([]byte, error) {
	machine, ok := machines[c.Arch]
	if !ok {
		return nil, fmt.Errorf("object: unknown architecture %q", c.Arch)
	}
	if len(version) > versionSize || len(c.Arch) > archSize {
		return nil, errors.New("object: version or architecture name too long")
	}
	cpus := RequiredCPU(c.Arch)
	if len(cpus) > maxCPU {
		return nil, errors.New("object: too many CPU features")
	}
	if len(c.Funcs) != len(m.Funcs) || len(c.EntryShims) != len(m.Types) || uint32(len(c.HostStubs)) != m.NumImportedFuncs {
		return nil, errors.New("object: compiled code does not match the module")
	}
	meta, err := encodeMeta(m, c)
	if err != nil {
		return nil, err
	}
	info := make([]byte, infoSize)
	file, lay, err := writeELF(machine, info, c.Code, meta, symbols(m, c))
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	in := file[infoFileOff : infoFileOff+infoSize]
	copy(in, infoMagic)
	le.PutUint32(in[offFormat:], FormatVersion)
	le.PutUint32(in[offInfoSize:], infoSize)
	copy(in[offVersion:offVersion+versionSize], version)
	copy(in[offArch:offArch+archSize], c.Arch)
	le.PutUint64(in[offFileSize:], uint64(len(file)))
	le.PutUint64(in[offTextOff:], lay.textOff)
	le.PutUint64(in[offTextSize:], uint64(len(c.Code)))
	le.PutUint64(in[offMetaOff:], lay.metaOff)
	le.PutUint64(in[offMetaSize:], uint64(len(meta)))
	le.PutUint64(in[offFeatures:], uint64(features))
	le.PutUint32(in[offNumCPU:], uint32(len(cpus)))
	for i, name := range cpus {
		copy(in[offCPU+i*cpuNameSize:offCPU+(i+1)*cpuNameSize], name)
	}
	copy(in[offSource:offSource+sha256.Size], source[:])
	var flags uint32
	if c.GuardPages {
		flags |= codeGuardPages
	}
	le.PutUint32(in[offCodeFlags:], flags)
	sum := checksum(file)
	copy(file[checksumFrom:checksumTo], sum[:])
	return file, nil
}

// checksum hashes the whole file except the checksum field.
func checksum(file []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write(file[:checksumFrom])
	h.Write(make([]byte, sha256.Size))
	h.Write(file[checksumTo:])
	var s [sha256.Size]byte
	h.Sum(s[:0])
	return s
}

// symbols names every defined function (name section, else func[N]) and
// the stubs with a known offset.
func symbols(m *wasm.Module, c *backend.Compiled) []symbol {
	syms := make([]symbol, 0, len(c.Funcs)+len(c.HostStubs)+8)
	for i, fr := range c.Funcs {
		idx := m.NumImportedFuncs + uint32(i)
		name := m.FuncName(idx)
		if name == "" {
			name = fmt.Sprintf("func[%d]", idx)
		}
		syms = append(syms, symbol{name: name, off: fr.Offset, size: fr.Size, isFunction: true})
	}
	// Stubs have no recorded size: their symbols mark where they start.
	hostIdx := 0
	for _, im := range m.Imports {
		if im.Kind != wasm.ExternFunc || hostIdx >= len(c.HostStubs) {
			continue
		}
		syms = append(syms, symbol{name: fmt.Sprintf("wasmc.host[%d] %s.%s", hostIdx, im.Module, im.Name), off: c.HostStubs[hostIdx]})
		hostIdx++
	}
	seen := map[uint32]bool{}
	for t, off := range c.EntryShims {
		if off == backend.NoOffset || seen[off] || int(off) > len(c.Code) {
			continue
		}
		seen[off] = true // types of the same signature share a shim
		syms = append(syms, symbol{name: fmt.Sprintf("wasmc.entry[type %d]", t), off: off})
	}
	return syms
}

// Expect is what Load requires of an object.
type Expect struct {
	Version string // the running wasmc's version
	Arch    string // the host architecture
	// HasCPU reports whether the machine has a CPU feature; nil means
	// HostHasCPU. Tests inject a machine lacking features.
	HasCPU func(name string) bool
}

// IsObject reports whether data looks like a wasmc object (its headers'
// magic numbers; nothing is verified).
func IsObject(data []byte) bool {
	return len(data) >= infoFileOff+len(infoMagic) && bytes.HasPrefix(data, []byte("\x7fELF")) &&
		string(data[infoFileOff:infoFileOff+len(infoMagic)]) == infoMagic
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

func incompatible(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrIncompatible, fmt.Sprintf(format, args...))
}

// cstr returns the NUL-padded string in b.
func cstr(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// Load verifies data and rebuilds the module and its code. It checks, in
// order: the ELF and info headers, the architecture and wasmc version,
// the file size and checksum, the CPU features, and then every offset and
// count of the metadata. Nothing in data is executed.
func Load(data []byte, want Expect) (*Object, error) {
	le := binary.LittleEndian
	if len(data) < 4 || string(data[:4]) != "\x7fELF" {
		return nil, fmt.Errorf("%w (no ELF header)", ErrNotObject)
	}
	if len(data) < infoFileOff+infoSize {
		return nil, corrupt("truncated to %d bytes, shorter than the headers", len(data))
	}
	if data[4] != 2 || data[5] != 1 {
		return nil, fmt.Errorf("%w (not a 64-bit little-endian ELF file)", ErrNotObject)
	}
	in := data[infoFileOff : infoFileOff+infoSize]
	if string(in[:len(infoMagic)]) != infoMagic {
		return nil, fmt.Errorf("%w (an ELF file without wasmc's info header)", ErrNotObject)
	}
	if f := le.Uint32(in[offFormat:]); f != FormatVersion {
		return nil, incompatible("object format %d (written by wasmc %q); this wasmc reads format %d: recompile the module",
			f, cstr(in[offVersion:offVersion+versionSize]), FormatVersion)
	}
	if le.Uint32(in[offInfoSize:]) != infoSize {
		return nil, corrupt("bad info header size")
	}
	arch := cstr(in[offArch : offArch+archSize])
	if m := archOfMachine(le.Uint16(data[18:])); m != arch {
		return nil, corrupt("ELF machine %s does not match the recorded architecture %q", m, arch)
	}
	if arch != want.Arch {
		return nil, incompatible("code for %s cannot run on %s", arch, want.Arch)
	}
	version := cstr(in[offVersion : offVersion+versionSize])
	if version != want.Version {
		return nil, incompatible("written by wasmc %s; this is wasmc %s: recompile the module", version, want.Version)
	}
	if n := le.Uint64(in[offFileSize:]); n != uint64(len(data)) {
		return nil, corrupt("%d bytes, but the header says %d (truncated or extended)", len(data), n)
	}
	if sum := checksum(data); !bytes.Equal(sum[:], data[checksumFrom:checksumTo]) {
		return nil, corrupt("checksum mismatch")
	}

	// From here the content is what a wasmc of this version wrote; the
	// checks below guard against that wasmc's own bugs.
	info := Info{Arch: arch, Version: version, Features: wasm.Features(le.Uint64(in[offFeatures:]))}
	copy(info.Source[:], in[offSource:offSource+sha256.Size])
	ncpu := le.Uint32(in[offNumCPU:])
	if ncpu > maxCPU {
		return nil, corrupt("%d CPU features, at most %d fit", ncpu, maxCPU)
	}
	hasCPU := want.HasCPU
	if hasCPU == nil {
		hasCPU = HostHasCPU
	}
	var missing []string
	for i := 0; i < int(ncpu); i++ {
		name := cstr(in[offCPU+i*cpuNameSize : offCPU+(i+1)*cpuNameSize])
		info.CPU = append(info.CPU, name)
		if !hasCPU(name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, incompatible("this CPU lacks %s, which the object's code needs", strings.Join(missing, ", "))
	}
	text, err := span(data, le.Uint64(in[offTextOff:]), le.Uint64(in[offTextSize:]), ".text")
	if err != nil {
		return nil, err
	}
	meta, err := span(data, le.Uint64(in[offMetaOff:]), le.Uint64(in[offMetaSize:]), ".wasmc.meta")
	if err != nil {
		return nil, err
	}
	// Copy what the result keeps, so that it does not alias data.
	m, c, err := decodeMeta(slices.Clone(meta), info.Features)
	if err != nil {
		return nil, err
	}
	c.Arch = arch
	c.Code = slices.Clone(text)
	flags := le.Uint32(in[offCodeFlags:])
	if flags&^codeGuardPages != 0 {
		return nil, corrupt("unknown code flags %#x", flags)
	}
	c.GuardPages = flags&codeGuardPages != 0
	if err := checkCompiled(m, c); err != nil {
		return nil, err
	}
	return &Object{Info: info, Module: m, Compiled: c}, nil
}

// span returns data[off:off+size] when it is in bounds.
func span(data []byte, off, size uint64, what string) ([]byte, error) {
	if off > uint64(len(data)) || size > uint64(len(data))-off {
		return nil, corrupt("%s at %d+%d lies outside the %d-byte file", what, off, size, len(data))
	}
	return data[off : off+size], nil
}

// checkCompiled bounds-checks every offset of c against its code and m.
func checkCompiled(m *wasm.Module, c *backend.Compiled) error {
	if len(c.Funcs) != len(m.Funcs) || len(c.EntryShims) != len(m.Types) || uint32(len(c.HostStubs)) != m.NumImportedFuncs {
		return corrupt("compiled offsets do not match the module")
	}
	n := uint64(len(c.Code))
	for i, f := range c.Funcs {
		if uint64(f.Offset)+uint64(f.Size) > n {
			return corrupt("function %d's code lies outside .text", uint32(i)+m.NumImportedFuncs)
		}
		if f.Body > f.Size || f.Frame > 1<<31 {
			return corrupt("function %d's frame is out of range", uint32(i)+m.NumImportedFuncs)
		}
	}
	for t, off := range c.EntryShims {
		if off != backend.NoOffset && uint64(off) >= n {
			return corrupt("entry shim of type %d lies outside .text", t)
		}
	}
	for i, off := range c.HostStubs {
		if uint64(off) >= n {
			return corrupt("host stub %d lies outside .text", i)
		}
	}
	for i, t := range m.Funcs {
		if uint64(t) >= uint64(len(m.Types)) || c.EntryShims[t] == backend.NoOffset {
			return corrupt("function %d has no entry shim", uint32(i)+m.NumImportedFuncs)
		}
	}
	if err := backend.CheckSkipsValid(c); err != nil {
		return corrupt("%v", err)
	}
	return nil
}

// encodeMeta writes the compiled offsets, then the module as a Wasm binary.
func encodeMeta(m *wasm.Module, c *backend.Compiled) ([]byte, error) {
	mod, err := EncodeModule(m)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	b := make([]byte, 0, metaHeader+16*len(c.Funcs)+4*len(c.EntryShims)+4*len(c.HostStubs)+8*len(c.CheckSkips)+len(mod))
	b = le.AppendUint32(b, uint32(len(c.Funcs)))
	b = le.AppendUint32(b, uint32(len(c.EntryShims)))
	b = le.AppendUint32(b, uint32(len(c.HostStubs)))
	b = le.AppendUint32(b, uint32(len(c.CheckSkips)))
	for _, f := range c.Funcs {
		b = le.AppendUint32(b, f.Offset)
		b = le.AppendUint32(b, f.Size)
		b = le.AppendUint32(b, f.Frame)
		b = le.AppendUint32(b, f.Body)
	}
	for _, off := range c.EntryShims {
		b = le.AppendUint32(b, off)
	}
	for _, off := range c.HostStubs {
		b = le.AppendUint32(b, off)
	}
	for _, k := range c.CheckSkips {
		b = le.AppendUint32(b, k.At)
		b = le.AppendUint32(b, uint32(k.Width)|uint32(k.Delta)<<8)
	}
	return append(b, mod...), nil
}

// metaHeader is the size of .wasmc.meta's counts: functions, entry shims,
// host stubs, check skips.
const metaHeader = 16

// decodeMeta reads what encodeMeta wrote; m aliases meta.
func decodeMeta(meta []byte, features wasm.Features) (*wasm.Module, *backend.Compiled, error) {
	le := binary.LittleEndian
	if len(meta) < metaHeader {
		return nil, nil, corrupt(".wasmc.meta too short")
	}
	nf, nt, nh, ns := uint64(le.Uint32(meta)), uint64(le.Uint32(meta[4:])), uint64(le.Uint32(meta[8:])), uint64(le.Uint32(meta[12:]))
	need := metaHeader + 16*nf + 4*nt + 4*nh + 8*ns
	if need > uint64(len(meta)) {
		return nil, nil, corrupt(".wasmc.meta counts exceed its size")
	}
	c := &backend.Compiled{
		Funcs:      make([]backend.FuncRange, nf),
		EntryShims: make([]uint32, nt),
		HostStubs:  make([]uint32, nh),
	}
	if ns > 0 {
		c.CheckSkips = make([]backend.CheckSkip, ns)
	}
	p := meta[metaHeader:]
	for i := range c.Funcs {
		c.Funcs[i] = backend.FuncRange{Offset: le.Uint32(p), Size: le.Uint32(p[4:]), Frame: le.Uint32(p[8:]), Body: le.Uint32(p[12:])}
		p = p[16:]
	}
	for i := range c.EntryShims {
		c.EntryShims[i] = le.Uint32(p)
		p = p[4:]
	}
	for i := range c.HostStubs {
		c.HostStubs[i] = le.Uint32(p)
		p = p[4:]
	}
	for i := range c.CheckSkips {
		w := le.Uint32(p[4:])
		if w>>16 != 0 {
			return nil, nil, corrupt("check skip %d has unknown flags %#x", i, w)
		}
		c.CheckSkips[i] = backend.CheckSkip{At: le.Uint32(p), Width: uint8(w), Delta: uint8(w >> 8)}
		p = p[8:]
	}
	m, err := wbinary.Decode(p, features)
	if err != nil {
		return nil, nil, corrupt("module metadata: %v", err)
	}
	return m, c, nil
}
