package amd64

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// codeAlign is the alignment of every function and stub in the blob.
const codeAlign = 16

type stubKey struct {
	kind StubKind
	arg  uint32
}

// linker lays chunks out in one buffer and remembers where they went.
type linker struct {
	m      *wasm.Module
	code   []byte
	chunks []placed
	stubs  map[stubKey]uint32
}

type placed struct {
	at     uint32
	size   uint32
	relocs []Reloc
}

func (l *linker) place(fc FuncCode) (uint32, error) {
	for len(l.code)%codeAlign != 0 {
		l.code = append(l.code, 0xCC)
	}
	if len(l.code)+len(fc.Code) > math.MaxInt32 {
		return 0, fmt.Errorf("amd64: code larger than 2 GiB")
	}
	at := uint32(len(l.code))
	l.code = append(l.code, fc.Code...)
	l.chunks = append(l.chunks, placed{at: at, size: uint32(len(fc.Code)), relocs: fc.Relocs})
	return at, nil
}

// funcType returns the signature of type index t.
func (l *linker) funcType(t uint32) (*wasm.FuncType, error) {
	if int(t) >= len(l.m.Types) || l.m.Types[t].Kind != wasm.CompFunc {
		return nil, fmt.Errorf("amd64: type %d is not a function type", t)
	}
	return &l.m.Types[t].Func, nil
}

// Link joins the defined functions' code (funcs[i] is defined function i,
// function index NumImportedFuncs+i) with the stubs the module needs into
// one blob: functions first, each 16-byte aligned, then the exit stub, a
// host stub per imported function, the trap and builtin stubs the code
// refers to, and an entry shim per distinct signature of the module's
// functions. Every relocation is resolved PC-relatively.
func Link(m *wasm.Module, funcs []FuncCode) (*backend.Compiled, error) {
	if len(funcs) != len(m.Funcs) {
		return nil, fmt.Errorf("amd64: link: %d function bodies for %d functions", len(funcs), len(m.Funcs))
	}
	l := &linker{m: m, stubs: make(map[stubKey]uint32)}
	size := 0 // the functions' code, aligned, and room for the stubs
	for _, f := range funcs {
		size += len(f.Code) + codeAlign
	}
	l.code = make([]byte, 0, size+size/32+4096)
	c := &backend.Compiled{Arch: "amd64", Funcs: make([]backend.FuncRange, len(funcs))}
	for i, f := range funcs {
		at, err := l.place(f)
		if err != nil {
			return nil, err
		}
		c.Funcs[i] = backend.FuncRange{Offset: at, Size: uint32(len(f.Code)), Frame: f.Frame, Body: f.Body}
		for _, s := range f.Skips {
			s.At += at
			c.CheckSkips = append(c.CheckSkips, s)
		}
	}
	if err := l.placeStubs(c); err != nil {
		return nil, err
	}
	if err := l.resolve(); err != nil {
		return nil, err
	}
	c.Code = l.code
	return c, nil
}

// placeStubs adds the stub section and fills HostStubs and EntryShims.
func (l *linker) placeStubs(c *backend.Compiled) error {
	stub := func(k stubKey, fc FuncCode, err error) error {
		if err != nil {
			return err
		}
		at, err := l.place(fc)
		l.stubs[k] = at
		return err
	}
	fc, err := ExitStub()
	if err := stub(stubKey{StubExit, 0}, fc, err); err != nil {
		return err
	}
	fc, err = YieldStub()
	if err := stub(stubKey{StubYield, 0}, fc, err); err != nil {
		return err
	}
	var fnTypes []uint32 // type index of every function, imports first
	for _, imp := range l.m.Imports {
		if imp.Kind != wasm.ExternFunc {
			continue
		}
		idx := uint32(len(fnTypes))
		fnTypes = append(fnTypes, imp.Func)
		sig, err := l.funcType(imp.Func)
		if err != nil {
			return err
		}
		fc, err := HostStub(sig, idx)
		if err := stub(stubKey{StubHost, idx}, fc, err); err != nil {
			return err
		}
		c.HostStubs = append(c.HostStubs, l.stubs[stubKey{StubHost, idx}])
	}
	if uint32(len(fnTypes)) != l.m.NumImportedFuncs {
		return fmt.Errorf("amd64: link: %d function imports, module says %d", len(fnTypes), l.m.NumImportedFuncs)
	}
	fnTypes = append(fnTypes, l.m.Funcs...)

	// Trap and builtin stubs on demand, in a deterministic order.
	var want []stubKey
	for _, ch := range l.chunks {
		for _, r := range ch.relocs {
			k := stubKey{r.Stub, r.Index}
			if r.Kind == RelocStub && (r.Stub == StubTrap || r.Stub == StubBuiltin) && !slices.Contains(want, k) {
				if _, done := l.stubs[k]; !done {
					want = append(want, k)
				}
			}
		}
	}
	slices.SortFunc(want, func(x, y stubKey) int {
		if x.kind != y.kind {
			return int(x.kind) - int(y.kind)
		}
		return int(x.arg) - int(y.arg)
	})
	for _, k := range want {
		var fc FuncCode
		var err error
		if k.kind == StubTrap {
			fc, err = TrapStub(abi.TrapCode(k.arg))
		} else {
			fc, err = BuiltinStub(abi.Builtin(k.arg))
		}
		if err := stub(k, fc, err); err != nil {
			return err
		}
	}

	c.EntryShims = make([]uint32, len(l.m.Types))
	for i := range c.EntryShims {
		c.EntryShims[i] = backend.NoOffset
	}
	shimOf := map[string]uint32{} // signatures share one shim
	for _, t := range fnTypes {
		sig, err := l.funcType(t)
		if err != nil {
			return err
		}
		if c.EntryShims[t] != backend.NoOffset {
			continue
		}
		key := sig.String()
		at, ok := shimOf[key]
		if !ok {
			fc, err := EntryShim(sig)
			if err != nil {
				return err
			}
			if at, err = l.place(fc); err != nil {
				return err
			}
			shimOf[key] = at
		}
		c.EntryShims[t] = at
	}
	return nil
}

// resolve patches every relocation of every placed chunk.
func (l *linker) resolve() error {
	nImp := l.m.NumImportedFuncs
	for _, ch := range l.chunks {
		for _, r := range ch.relocs {
			var target uint32
			switch r.Kind {
			case RelocFunc:
				if r.Index < nImp || r.Index-nImp >= uint32(len(l.m.Funcs)) {
					return fmt.Errorf("amd64: link: call to function %d, not a defined function", r.Index)
				}
				target = l.chunks[r.Index-nImp].at
			case RelocStub:
				at, ok := l.stubs[stubKey{r.Stub, r.Index}]
				if !ok {
					return fmt.Errorf("amd64: link: unknown stub %d(%d)", r.Stub, r.Index)
				}
				target = at
			default:
				return fmt.Errorf("amd64: link: bad relocation kind %d", r.Kind)
			}
			if uint64(r.Offset)+4 > uint64(ch.size) {
				return fmt.Errorf("amd64: link: relocation at %d outside its code", r.Offset)
			}
			field := uint64(ch.at) + uint64(r.Offset)
			rel := int64(target) - int64(field+4)
			binary.LittleEndian.PutUint32(l.code[field:], uint32(int32(rel)))
		}
	}
	return nil
}
