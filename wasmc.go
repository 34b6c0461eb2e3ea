// Package wasmc compiles WebAssembly modules ahead of time to native code
// and runs them inside Go programs, without cgo.
//
// A Runtime compiles modules (binary .wasm or text .wat) with
// CompileModule, defines Go host modules with NewHostModuleBuilder and
// instantiates modules with InstantiateModule; imports resolve by module
// name against the modules instantiated before. Exported functions are
// called with Function.Call, exchanging values as uint64 slots (see
// EncodeI32, DecodeF64 and friends). A trap comes back as an error that
// errors.As turns into a *Trap, with its kind and a Wasm backtrace.
//
// Wasm code runs on its own stacks, as ordinary running Go code that yields
// whenever Go's scheduler asks: a long-running call neither delays the
// garbage collector nor starves other goroutines, and cancelling the call's
// context stops it promptly with a TrapInterrupted trap. Calls under
// context.Background() take the fastest path (Function.CallWithStack
// allocates nothing), and a GoFunction works on the caller's value stack
// in place.
package wasmc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"

	"github.com/wasmc/wasmc/backend"
	// The code generators register themselves with package backend.
	_ "github.com/wasmc/wasmc/backend/amd64"
	_ "github.com/wasmc/wasmc/backend/arm64"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime"
)

// Features is a set of WebAssembly proposals; see package frontend/wasm for
// the individual ones.
type Features = wasm.Features

// Feature sets for RuntimeConfig.WithFeatures.
const (
	// FeaturesV1 is WebAssembly 1.0.
	FeaturesV1 Features = wasm.V1
	// FeaturesV2 is WebAssembly 2.0 without SIMD, which the code generator
	// does not support yet. It is the default.
	FeaturesV2 Features = wasm.V2 &^ wasm.SIMD
)

// RuntimeConfig configures a Runtime. Its methods return modified copies.
type RuntimeConfig struct {
	features  Features
	stackSize int
	cacheDir  string // see WithCompilationCache
}

// NewRuntimeConfig returns the default configuration: FeaturesV2 and
// 1 MiB Wasm stacks.
func NewRuntimeConfig() RuntimeConfig { return RuntimeConfig{features: FeaturesV2} }

// WithFeatures sets the proposals modules may use.
func (c RuntimeConfig) WithFeatures(f Features) RuntimeConfig {
	c.features = f | wasm.MVP
	return c
}

// WithStackSize sets the size in bytes of the Wasm stacks (at least
// 64 KiB); deeper recursion traps with TrapStackExhausted. Execution
// contexts are pooled by the whole process, so the size applies to those
// created from then on, by any Runtime.
func (c RuntimeConfig) WithStackSize(n int) RuntimeConfig {
	c.stackSize = n
	return c
}

// Runtime compiles and instantiates modules, and owns them: closing it
// releases every module and instance made through it. It is safe for
// concurrent use.
type Runtime struct {
	features Features
	cacheDir string

	mu       sync.Mutex
	closed   bool
	modules  map[string]*Module // named instances, for imports
	live     map[*Module]struct{}
	compiled map[*CompiledModule]struct{}
}

// NewRuntime returns a Runtime with the default configuration.
func NewRuntime(ctx context.Context) *Runtime {
	return NewRuntimeWithConfig(ctx, NewRuntimeConfig())
}

// NewRuntimeWithConfig returns a Runtime configured by c.
func NewRuntimeWithConfig(_ context.Context, c RuntimeConfig) *Runtime {
	if c.features == 0 {
		c.features = FeaturesV2
	}
	if c.stackSize > 0 {
		runtime.SetStackSize(c.stackSize)
	}
	return &Runtime{
		features: c.features,
		cacheDir: c.cacheDir,
		modules:  map[string]*Module{},
		live:     map[*Module]struct{}{},
		compiled: map[*CompiledModule]struct{}{},
	}
}

var errClosed = errors.New("wasmc: runtime is closed")

// CompiledModule is a decoded, validated module compiled to native code,
// ready to instantiate any number of times.
type CompiledModule struct {
	r    *Runtime
	m    *wasm.Module
	code *runtime.Module
	// What MarshalObject writes: the machine code and the features the
	// module was validated with.
	compiled *backend.Compiled
	features Features
	// source is the SHA-256 of the module's bytes. A binary module
	// compiled without a cache leaves it to sourceHash to compute from
	// unhashed, on first need: most compilations never write an object.
	source     [sha256.Size]byte
	unhashed   []byte
	sourceOnce sync.Once
}

// sourceHash returns the SHA-256 of the module's bytes.
func (c *CompiledModule) sourceHash() [sha256.Size]byte {
	c.sourceOnce.Do(func() {
		if c.unhashed != nil {
			c.source = sha256.Sum256(c.unhashed)
			c.unhashed = nil
		}
	})
	return c.source
}

// CompileModule decodes (or, for text, parses), validates and compiles a
// module. src is a binary module when it starts with the Wasm magic
// number, and WebAssembly text otherwise. The compiled module keeps
// slices of a binary src (its data segments, for one): src must not be
// modified afterwards.
//
// Functions are compiled on GOMAXPROCS goroutines. While they are, a
// process whose heap goal is smaller than the compilation is expected to
// allocate (up to 32 MB more than is live) has GOGC raised to make room,
// as cmd/compile does, and set back afterwards; a process running under
// a memory limit (debug.SetMemoryLimit, GOMEMLIMIT) or with GOGC=off is
// left alone.
func (r *Runtime) CompileModule(_ context.Context, src []byte) (*CompiledModule, error) {
	if r.isClosed() {
		return nil, errClosed
	}
	isBinary := bytes.HasPrefix(src, []byte("\x00asm"))
	var source [sha256.Size]byte
	var unhashed []byte
	if r.cacheDir != "" || !isBinary {
		source = sha256.Sum256(src)
	} else {
		// The decoded module keeps slices of src anyway.
		unhashed = src
	}
	if r.cacheDir != "" {
		if cm, err := r.loadCached(source); cm != nil || err != nil {
			return cm, err
		}
	}
	bin := src
	if !isBinary {
		var err error
		if bin, err = text.ParseModule(src); err != nil {
			return nil, fmt.Errorf("wasmc: %w", err)
		}
	}
	m, err := binary.Decode(bin, r.features)
	if err != nil {
		return nil, fmt.Errorf("wasmc: %w", err)
	}
	if err := validate.Module(m, r.features); err != nil {
		return nil, fmt.Errorf("wasmc: %w", err)
	}
	c, err := backend.Compile(m, r.features, goruntime.GOARCH)
	if err != nil {
		return nil, fmt.Errorf("wasmc: compiling: %w", err)
	}
	code, err := runtime.NewModule(m, r.features, c)
	if err != nil {
		return nil, fmt.Errorf("wasmc: %w", err)
	}
	cm := &CompiledModule{r: r, m: m, code: code, compiled: c, features: r.features, source: source, unhashed: unhashed}
	if r.cacheDir != "" {
		r.storeCached(cm)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		code.Close()
		return nil, errClosed
	}
	r.compiled[cm] = struct{}{}
	return cm, nil
}

// Name returns the module name of the name section, or "".
func (c *CompiledModule) Name() string {
	if c.m.Names == nil {
		return ""
	}
	return c.m.Names.Module
}

// Close releases the compiled code once no instance of it remains; it
// cannot be instantiated afterwards.
func (c *CompiledModule) Close(context.Context) error {
	c.r.mu.Lock()
	delete(c.r.compiled, c)
	c.r.mu.Unlock()
	return c.code.Close()
}

func (r *Runtime) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// Close closes every module instantiated and compiled through r. Calls in
// progress must have returned.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	mods := make([]*Module, 0, len(r.live))
	for m := range r.live {
		mods = append(mods, m)
	}
	cms := make([]*CompiledModule, 0, len(r.compiled))
	for c := range r.compiled {
		cms = append(cms, c)
	}
	r.mu.Unlock()
	var errs []error
	for _, m := range mods {
		errs = append(errs, m.Close(ctx))
	}
	for _, c := range cms {
		errs = append(errs, c.Close(ctx))
	}
	return errors.Join(errs...)
}
