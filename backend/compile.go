package backend

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wasmc/wasmc/frontend/lower"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// Options are the code generation choices a Compiled records.
type Options struct {
	// GuardPages: no explicit bounds checks on 32-bit memories; the
	// runtime reserves 8 GiB and a guard per memory and turns faults into
	// traps (lower.Options). Code compiled so runs only on linux.
	GuardPages bool
}

// Defaults are the options Compile uses: guard pages when the compiling
// machine runs linux (whose runtime can provide them). Benchmarks change
// them to compare; nothing else should.
var Defaults = Options{GuardPages: runtime.GOOS == "linux"}

// Compile compiles m with Defaults (CompileOptions).
func Compile(m *wasm.Module, features wasm.Features, arch string) (*Compiled, error) {
	return CompileOptions(m, features, arch, Defaults)
}

// CompileOptions compiles every defined function of the validated module m for
// arch and links the result. Functions are compiled in parallel, one
// worker per GOMAXPROCS; the output does not depend on scheduling.
// features are the proposals m was validated with.
func CompileOptions(m *wasm.Module, features wasm.Features, arch string, opts Options) (*Compiled, error) {
	t, err := prepare(m, arch)
	if err != nil {
		return nil, err
	}
	layout := abi.NewLayout(m)
	checks := entryChecks(m)
	n := len(m.Funcs)
	order := bySize(m)
	units := make([]Unit, n)
	errs := make([]error, n)
	var next atomic.Int64
	// firstErr is the lowest failing index so far: functions above it
	// need not be compiled, those below must be, so that the error
	// reported does not depend on timing.
	var firstErr atomic.Int64
	firstErr.Store(int64(n))
	workers := min(runtime.GOMAXPROCS(0), n)
	defer holdHeapGoal(compileHeap(m, order[:workers]))()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker owns its buffers: the lowering's SSA and the
			// target's; each function is dead once compiled.
			b := lower.NewBuilder(m, layout)
			b.Reuse()
			b.SetOptions(opts.lower())
			cf := t.NewCompiler()
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				i := int(order[k])
				if int64(i) > firstErr.Load() {
					continue
				}
				units[i], errs[i] = compileOne(cf, b, m, features, m.NumImportedFuncs+uint32(i), checks, nil)
				for errs[i] != nil {
					cur := firstErr.Load()
					if int64(i) >= cur || firstErr.CompareAndSwap(cur, int64(i)) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs { // the lowest failing function, whatever the timing
		if err != nil {
			return nil, err
		}
	}
	c, err := t.Link(m, units)
	if err != nil {
		return nil, err
	}
	c.GuardPages = opts.GuardPages
	return c, nil
}

func (o Options) lower() lower.Options { return lower.Options{GuardPages: o.GuardPages} }

// compileHeap estimates what compiling m allocates: the buffers of the
// workers, sized by the first function each compiles (first are the
// largest), and the output, which grows with the code.
func compileHeap(m *wasm.Module, first []int32) uint64 {
	var n uint64
	for _, i := range first {
		if int(i) < len(m.Codes) {
			n += 768 * uint64(len(m.Codes[i].Body))
		}
	}
	for _, c := range m.Codes {
		n += 32 * uint64(len(c.Body))
	}
	return n
}

// bySize returns the defined functions' indices, largest body first, so
// that the workers do not end waiting on one large function taken last.
func bySize(m *wasm.Module) []int32 {
	// Sort (size, index) keys: equal sizes keep index order, as a stable
	// sort would, and the comparison reads no module data.
	keys := make([]uint64, len(m.Funcs))
	for i := range keys {
		size := 0
		if i < len(m.Codes) {
			size = len(m.Codes[i].Body)
		}
		keys[i] = uint64(^uint32(size))<<32 | uint64(i) // bodies are under 4 GiB
	}
	slices.Sort(keys)
	order := make([]int32, len(keys))
	for k, key := range keys {
		order[k] = int32(uint32(key))
	}
	return order
}

// prepare finds the target and checks that the module and the machine are
// supported.
func prepare(m *wasm.Module, arch string) (*Target, error) {
	t, err := lookup(arch)
	if err != nil {
		return nil, err
	}
	if arch == runtime.GOARCH && t.CheckCPU != nil {
		if err := t.CheckCPU(); err != nil {
			return nil, err
		}
	}
	if err := checkSupported(m); err != nil {
		return nil, err
	}
	return t, nil
}

// FuncStages is the text of one function at each stage of compilation.
type FuncStages struct {
	Name      string
	Lowered   string // SSA as the frontend built it
	Optimized string // SSA after ssa.Optimize
	Machine   string // selected instructions and the final machine code
}

// CompileFunc compiles defined function funcIndex (function index space)
// alone and returns its text at every stage, for debugging and for
// `wasmc` to show.
func CompileFunc(m *wasm.Module, features wasm.Features, arch string, funcIndex uint32) (*FuncStages, error) {
	t, err := prepare(m, arch)
	if err != nil {
		return nil, err
	}
	if funcIndex < m.NumImportedFuncs || funcIndex >= m.NumFuncs() {
		return nil, fmt.Errorf("wasmc: function %d is not a defined function", funcIndex)
	}
	st := &FuncStages{}
	b := lower.NewBuilder(m, abi.NewLayout(m))
	b.SetOptions(Defaults.lower())
	if _, err := compileOne(t.NewCompiler(), b, m, features, funcIndex, entryChecks(m), st); err != nil {
		return st, err
	}
	return st, nil
}

// compileOne lowers, optimizes and compiles one function; checks are
// entryChecks' answers; with st it records each stage's text.
func compileOne(cf FuncCompiler, b *lower.Builder, m *wasm.Module, features wasm.Features, idx uint32, checks []bool, st *FuncStages) (Unit, error) {
	f, err := b.Function(idx)
	if err != nil {
		if extra := features &^ lower.Features; extra != 0 {
			return nil, fmt.Errorf("wasmc: compiling function %d: %w (the module was validated with %v, which the compiler does not support yet)", idx, err, extra)
		}
		return nil, fmt.Errorf("wasmc: compiling function %d: %w", idx, err)
	}
	if k := int(idx - m.NumImportedFuncs); k < len(checks) {
		f.NoEntryCheck = !checks[k]
	}
	var listing *strings.Builder
	if st != nil {
		st.Name = f.Name
		st.Lowered = f.String()
		listing = &strings.Builder{}
	}
	if err := ssa.Optimize(f, ssa.Config{}); err != nil {
		return nil, fmt.Errorf("wasmc: optimizing function %d: %w", idx, err)
	}
	if st != nil {
		st.Optimized = f.String()
	}
	u, err := cf(f, listing)
	if st != nil {
		st.Machine = listing.String()
	}
	if err != nil {
		return nil, fmt.Errorf("wasmc: compiling function %d: %w", idx, err)
	}
	return u, nil
}
