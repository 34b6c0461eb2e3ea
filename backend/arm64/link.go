package arm64

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

// veneerSize is one veneer: ldrsw x16, lit; adr x17, .-4; add x16, x17,
// x16; br x16; lit: .word target-veneer.
const veneerSize = 20

type stubKey struct {
	kind StubKind
	arg  uint32
}

// chunk is one function or stub to place.
type chunk struct {
	fc FuncCode
	at uint32
	// island, when set, holds the veneers placed right after this chunk
	// for the far calls of the chunks since the previous island.
	island []veneer
}

type veneer struct {
	at     uint32
	target int // chunk index
}

// linker lays chunks out in one buffer and remembers where they went.
type linker struct {
	m      *wasm.Module
	chunks []chunk
	stubs  map[stubKey]int // chunk index of each stub
	reach  int64           // B/BL reach; tests shrink it
}

// funcType returns the signature of type index t.
func (l *linker) funcType(t uint32) (*wasm.FuncType, error) {
	if int(t) >= len(l.m.Types) || l.m.Types[t].Kind != wasm.CompFunc {
		return nil, fmt.Errorf("arm64: type %d is not a function type", t)
	}
	return &l.m.Types[t].Func, nil
}

// Link joins the defined functions' code (funcs[i] is defined function i,
// function index NumImportedFuncs+i) with the stubs the module needs into
// one blob: functions first, each 16-byte aligned, then the exit stub, a
// host stub per imported function, the trap and builtin stubs the code
// refers to, and an entry shim per distinct signature of the module's
// functions. Every reference is PC-relative; calls beyond ±128 MiB go
// through veneers in islands placed between functions.
func Link(m *wasm.Module, funcs []FuncCode) (*backend.Compiled, error) {
	return link(m, funcs, b26Reach)
}

func link(m *wasm.Module, funcs []FuncCode, reach int64) (*backend.Compiled, error) {
	if len(funcs) != len(m.Funcs) {
		return nil, fmt.Errorf("arm64: link: %d function bodies for %d functions", len(funcs), len(m.Funcs))
	}
	l := &linker{m: m, stubs: make(map[stubKey]int), reach: reach}
	for _, f := range funcs {
		if len(f.Code)%4 != 0 {
			return nil, fmt.Errorf("arm64: link: code size %d not a multiple of 4", len(f.Code))
		}
		l.chunks = append(l.chunks, chunk{fc: f})
	}
	c := &backend.Compiled{Arch: "arm64", Funcs: make([]backend.FuncRange, len(funcs))}
	shims, err := l.addStubs(c)
	if err != nil {
		return nil, err
	}
	targets, err := l.targets()
	if err != nil {
		return nil, err
	}
	size, err := l.layout()
	if err != nil {
		return nil, err
	}
	if l.planIslands(targets) {
		if size, err = l.layout(); err != nil {
			return nil, err
		}
	}
	code := make([]byte, size)
	for _, ch := range l.chunks {
		copy(code[ch.at:], ch.fc.Code)
		for _, v := range ch.island {
			putVeneer(code[v.at:], int64(l.chunks[v.target].at)-int64(v.at))
		}
	}
	if err := l.resolve(code, targets); err != nil {
		return nil, err
	}
	for i := range funcs {
		c.Funcs[i] = backend.FuncRange{Offset: l.chunks[i].at, Size: uint32(len(funcs[i].Code))}
		for _, s := range funcs[i].Skips {
			s.At += l.chunks[i].at
			c.CheckSkips = append(c.CheckSkips, s)
		}
	}
	for i := range l.m.NumImportedFuncs {
		c.HostStubs = append(c.HostStubs, l.chunks[l.stubs[stubKey{StubHost, i}]].at)
	}
	c.EntryShims = make([]uint32, len(l.m.Types))
	for t := range c.EntryShims {
		c.EntryShims[t] = backend.NoOffset
		if ci, ok := shims[uint32(t)]; ok {
			c.EntryShims[t] = l.chunks[ci].at
		}
	}
	c.Code = code
	return c, nil
}

// addStubs appends the stub chunks and returns the entry shim chunk of
// each function type used by a function.
func (l *linker) addStubs(c *backend.Compiled) (map[uint32]int, error) {
	add := func(k stubKey, fc FuncCode, err error) error {
		if err != nil {
			return err
		}
		l.stubs[k] = len(l.chunks)
		l.chunks = append(l.chunks, chunk{fc: fc})
		return nil
	}
	fc, err := ExitStub()
	if err := add(stubKey{StubExit, 0}, fc, err); err != nil {
		return nil, err
	}
	fc, err = YieldStub()
	if err := add(stubKey{StubYield, 0}, fc, err); err != nil {
		return nil, err
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
			return nil, err
		}
		fc, err := HostStub(sig, idx)
		if err := add(stubKey{StubHost, idx}, fc, err); err != nil {
			return nil, err
		}
	}
	if uint32(len(fnTypes)) != l.m.NumImportedFuncs {
		return nil, fmt.Errorf("arm64: link: %d function imports, module says %d", len(fnTypes), l.m.NumImportedFuncs)
	}
	fnTypes = append(fnTypes, l.m.Funcs...)

	// Trap and builtin stubs on demand, in a deterministic order.
	var want []stubKey
	for _, ch := range l.chunks {
		for _, r := range ch.fc.Relocs {
			k := stubKey{r.Stub, r.Index}
			if r.Kind == RelocStub && (r.Stub == StubTrap || r.Stub == StubBuiltin) && !slices.Contains(want, k) {
				want = append(want, k)
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
		if err := add(k, fc, err); err != nil {
			return nil, err
		}
	}

	shims := map[uint32]int{}
	shimOf := map[string]int{} // signatures share one shim
	for _, t := range fnTypes {
		sig, err := l.funcType(t)
		if err != nil {
			return nil, err
		}
		if _, ok := shims[t]; ok {
			continue
		}
		key := sig.String()
		ci, ok := shimOf[key]
		if !ok {
			fc, err := EntryShim(sig)
			if err != nil {
				return nil, err
			}
			ci = len(l.chunks)
			l.chunks = append(l.chunks, chunk{fc: fc})
			shimOf[key] = ci
		}
		shims[t] = ci
	}
	return shims, nil
}

// targets returns the target chunk of every relocation, chunk by chunk.
func (l *linker) targets() ([][]int, error) {
	nImp := l.m.NumImportedFuncs
	out := make([][]int, len(l.chunks))
	for ci, ch := range l.chunks {
		out[ci] = make([]int, len(ch.fc.Relocs))
		for ri, r := range ch.fc.Relocs {
			switch r.Kind {
			case RelocFunc:
				if r.Index < nImp || r.Index-nImp >= uint32(len(l.m.Funcs)) {
					return nil, fmt.Errorf("arm64: link: call to function %d, not a defined function", r.Index)
				}
				out[ci][ri] = int(r.Index - nImp)
			case RelocStub:
				si, ok := l.stubs[stubKey{r.Stub, r.Index}]
				if !ok {
					return nil, fmt.Errorf("arm64: link: unknown stub %d(%d)", r.Stub, r.Index)
				}
				out[ci][ri] = si
			default:
				return nil, fmt.Errorf("arm64: link: bad relocation kind %d", r.Kind)
			}
			if r.Offset%4 != 0 || uint64(r.Offset)+4 > uint64(len(ch.fc.Code)) {
				return nil, fmt.Errorf("arm64: link: relocation at %d outside its code", r.Offset)
			}
		}
	}
	return out, nil
}

// layout assigns every chunk and island veneer its offset and returns the
// total size.
func (l *linker) layout() (uint32, error) {
	var at uint64
	for i := range l.chunks {
		ch := &l.chunks[i]
		at = (at + codeAlign - 1) &^ (codeAlign - 1)
		ch.at = uint32(at)
		at += uint64(len(ch.fc.Code))
		if len(ch.island) > 0 {
			at = (at + codeAlign - 1) &^ (codeAlign - 1)
		}
		for k := range ch.island {
			ch.island[k].at = uint32(at)
			at += veneerSize
		}
		if at > math.MaxInt32 {
			return 0, fmt.Errorf("arm64: code larger than 2 GiB")
		}
	}
	return uint32(at), nil
}

// planIslands decides, from a layout without islands, which calls need a
// veneer and places one per distinct far target in an island after every
// stretch of about reach/2 bytes. A call counts as far when its distance
// comes within the total island size of the reach, so the islands
// themselves cannot push a direct call out of range.
func (l *linker) planIslands(targets [][]int) bool {
	nrel := 0
	for _, ch := range l.chunks {
		nrel += len(ch.fc.Relocs)
	}
	margin := int64(nrel)*veneerSize + int64(len(l.chunks))*codeAlign
	far := func(ci, ri int) bool {
		site := int64(l.chunks[ci].at) + int64(l.chunks[ci].fc.Relocs[ri].Offset)
		d := int64(l.chunks[targets[ci][ri]].at) - site
		return d+margin >= l.reach || d-margin < -l.reach
	}
	any := false
	segStart := 0
	pending := map[int]bool{} // far targets of the current stretch
	var order []int
	closeAt := func(ci int) { // island after chunk ci
		for _, t := range order {
			l.chunks[ci].island = append(l.chunks[ci].island, veneer{target: t})
			any = true
		}
		segStart, pending, order = ci+1, map[int]bool{}, nil
	}
	for ci := range l.chunks {
		// Close the stretch before a chunk that would make it too long
		// for its first calls to reach an island after it.
		end := int64(l.chunks[ci].at) + int64(len(l.chunks[ci].fc.Code))
		if ci > segStart && end-int64(l.chunks[segStart].at) >= l.reach/2 {
			closeAt(ci - 1)
		}
		for ri := range l.chunks[ci].fc.Relocs {
			if far(ci, ri) && !pending[targets[ci][ri]] {
				pending[targets[ci][ri]] = true
				order = append(order, targets[ci][ri])
			}
		}
	}
	if len(l.chunks) > 0 {
		closeAt(len(l.chunks) - 1)
	}
	return any
}

// putVeneer writes a veneer jumping disp bytes from its own start.
func putVeneer(b []byte, disp int64) {
	le := binary.LittleEndian
	le.PutUint32(b[0:], 0x98000000|4<<5|uint32(ScratchGPR))         // ldrsw x16, #16
	le.PutUint32(b[4:], adrWord(uint32(ScratchGPR2), -4))           // adr x17, #-4
	le.PutUint32(b[8:], 0x8B000000|uint32(ScratchGPR)<<16|17<<5|16) // add x16, x17, x16
	le.PutUint32(b[12:], 0xD61F0000|uint32(ScratchGPR)<<5)          // br x16
	le.PutUint32(b[16:], uint32(int32(disp)))
}

// resolve patches every relocation: directly when in reach, else through
// the veneer for its target in the first island after its chunk.
func (l *linker) resolve(code []byte, targets [][]int) error {
	for ci, ch := range l.chunks {
		for ri, r := range ch.fc.Relocs {
			site := int64(ch.at) + int64(r.Offset)
			t := targets[ci][ri]
			d := int64(l.chunks[t].at) - site
			if d >= l.reach || d < -l.reach {
				v, ok := l.veneerFor(ci, t)
				if !ok {
					return fmt.Errorf("arm64: link: call at %#x to %#x out of reach and no veneer", site, l.chunks[t].at)
				}
				d = int64(v) - site
				if d >= l.reach || d < -l.reach {
					return fmt.Errorf("arm64: link: veneer at %#x out of reach of call at %#x", v, site)
				}
			}
			w := binary.LittleEndian.Uint32(code[site:])
			w = w&0xFC000000 | uint32(d>>2)&(1<<26-1)
			binary.LittleEndian.PutUint32(code[site:], w)
		}
	}
	return nil
}

// veneerFor finds the veneer for target t in the first island at or after
// chunk ci.
func (l *linker) veneerFor(ci, t int) (uint32, bool) {
	for ; ci < len(l.chunks); ci++ {
		if isl := l.chunks[ci].island; len(isl) > 0 {
			for _, v := range isl {
				if v.target == t {
					return v.at, true
				}
			}
			return 0, false
		}
	}
	return 0, false
}
