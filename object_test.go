//go:build amd64 || arm64

package wasmc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
	"github.com/wasmc/wasmc/object"
)

// specModules returns the modules of wazero's 2.0 suite that its scripts
// expect to be valid (plain "module" commands), by file name.
func specModules(t *testing.T) map[string][]byte {
	dir := testsuite.MustWazeroSpecDir(t)
	mods := map[string][]byte{}
	for _, script := range testsuite.Glob(dir, "v2/testdata/*.json") {
		cmds, err := testsuite.ReadCommands(script)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if c.Type != "module" || !strings.HasSuffix(c.Filename, ".wasm") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(filepath.Dir(script), c.Filename))
			if err != nil {
				t.Fatal(err)
			}
			mods[c.Filename] = data
		}
	}
	return mods
}

// outcome calls every export without parameters and describes what each
// returned, to compare a compiled module with its loaded object. A call
// still running after a second (some spec functions loop forever) is
// interrupted and described as such.
func outcome(m *wasmc.Module, exports []string) map[string]string {
	out := map[string]string{}
	for _, name := range exports {
		f := m.ExportedFunction(name)
		if f == nil || len(f.ParamTypes()) != 0 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		res, err := f.Call(ctx)
		cancel()
		var trap *wasmc.Trap
		switch {
		case errors.As(err, &trap) && trap.Kind == wasmc.TrapInterrupted:
			out[name] = "interrupted"
		case errors.As(err, &trap):
			out[name] = "trap " + trap.Kind.String()
		default:
			out[name] = fmt.Sprint(res, err)
		}
	}
	return out
}

// TestObjectRoundTripSpec compiles every valid non-SIMD module of the 2.0
// suite, marshals it, loads the object and marshals that again: the two
// objects must be identical. Modules without imports are also instantiated
// from both and their parameterless exports called, with equal results.
func TestObjectRoundTripSpec(t *testing.T) {
	r, ctx := newRuntime(t)
	mods := specModules(t)
	names := make([]string, 0, len(mods))
	for n := range mods {
		names = append(names, n)
	}
	slices.Sort(names)
	compiled, ran, calls := 0, 0, 0
	for _, name := range names {
		src := mods[name]
		cm, err := r.CompileModule(ctx, src)
		if err != nil {
			continue // SIMD, or imports a spectest module: not this test's concern
		}
		compiled++
		obj, err := cm.MarshalObject()
		if err != nil {
			t.Fatalf("%s: marshal: %v", name, err)
		}
		loaded, err := r.LoadCompiledModule(ctx, obj)
		if err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		again, err := loaded.MarshalObject()
		if err != nil {
			t.Fatalf("%s: marshal the loaded module: %v", name, err)
		}
		if !bytes.Equal(obj, again) {
			t.Errorf("%s: the loaded module's object differs from the original", name)
		}
		if loaded.Name() != cm.Name() {
			t.Errorf("%s: name %q, want %q", name, loaded.Name(), cm.Name())
		}
		if exports := zeroParamExports(t, src); exports != nil {
			a, errA := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName(""))
			b, errB := r.InstantiateModule(ctx, loaded, wasmc.NewModuleConfig().WithName(""))
			if (errA == nil) != (errB == nil) {
				t.Fatalf("%s: instantiating: compiled %v, loaded %v", name, errA, errB)
			}
			if errA == nil {
				oa, ob := outcome(a, exports), outcome(b, exports)
				calls += len(oa)
				for f, want := range oa {
					if got := ob[f]; got != want && got != "interrupted" && want != "interrupted" {
						t.Errorf("%s: %s returned %s from the object, %s when compiled", name, f, got, want)
					}
				}
				a.Close(ctx)
				b.Close(ctx)
				ran++
			}
		}
		loaded.Close(ctx)
		cm.Close(ctx)
	}
	if compiled < 500 || ran < 30 {
		t.Fatalf("only %d modules compiled and %d ran", compiled, ran)
	}
	t.Logf("%d modules round-tripped; %d of them instantiated, %d functions called", compiled, ran, calls)
}

// zeroParamExports returns the function exports of a module without
// imports, or nil when it has imports.
func zeroParamExports(t *testing.T, src []byte) []string {
	m, err := binary.Decode(src, wasmc.FeaturesV2)
	if err != nil || len(m.Imports) > 0 {
		return nil
	}
	var names []string
	for _, e := range m.Exports {
		if e.Kind == wasm.ExternFunc {
			names = append(names, e.Name)
		}
	}
	return names
}

const counterModule = `(module
  (import "env" "base" (func $base (result i32)))
  (memory (export "mem") 1)
  (global $n (mut i32) (i32.const 0))
  (data (i32.const 8) "\2a")
  (func (export "next") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.load8_u (i32.const 8))))
    (i32.add (global.get $n) (call $base))))`

// runCounter instantiates counterModule's compiled form cm (with a host
// base of 1000) and calls next twice.
func runCounter(t *testing.T, r *wasmc.Runtime, cm *wasmc.CompiledModule) []uint64 {
	t.Helper()
	ctx := context.Background()
	if _, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func() int32 { return 1000 }).Export("base").Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(ctx)
	return []uint64{call(t, m, "next")[0], call(t, m, "next")[0]}
}

func TestLoadCompiledModule(t *testing.T) {
	r, ctx := newRuntime(t)
	cm, err := r.CompileModule(ctx, []byte(counterModule))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cm.WriteObject(&buf); err != nil {
		t.Fatal(err)
	}
	obj := buf.Bytes()
	if !wasmc.IsNativeObject(obj) || wasmc.IsNativeObject([]byte(counterModule)) {
		t.Error("IsNativeObject is wrong")
	}
	r2, _ := newRuntime(t)
	loaded, err := r2.LoadCompiledModule(ctx, obj)
	if err != nil {
		t.Fatal(err)
	}
	if got := runCounter(t, r2, loaded); !slices.Equal(got, []uint64{1042, 1084}) {
		t.Errorf("loaded object computed %v, want [1042 1084]", got)
	}

	reject := func(what string, r *wasmc.Runtime, data []byte, want error, msg string) {
		t.Helper()
		_, err := r.LoadCompiledModule(ctx, data)
		if !errors.Is(err, want) || !strings.Contains(fmt.Sprint(err), msg) {
			t.Errorf("%s: %v, want %v mentioning %q", what, err, want, msg)
		}
	}
	flipped := slices.Clone(obj)
	flipped[len(flipped)/2] ^= 0x40
	reject("flipped byte", r2, flipped, object.ErrCorrupt, "checksum mismatch")
	reject("truncated", r2, obj[:len(obj)-100], object.ErrCorrupt, "truncated")
	reject("a .wat module", r2, []byte(counterModule), object.ErrNotObject, "not a wasmc native object")
	v1 := wasmc.NewRuntimeWithConfig(ctx, wasmc.NewRuntimeConfig().WithFeatures(wasmc.FeaturesV1))
	defer v1.Close(ctx)
	reject("more features than the runtime", v1, obj, object.ErrIncompatible, "sign-extension")

	if goruntime.GOARCH == "amd64" { // arm64 objects need nothing beyond the baseline
		restore := wasmc.SetHostHasCPU(func(name string) bool { return name != "POPCNT" })
		reject("CPU without POPCNT", r2, obj, object.ErrIncompatible, "this CPU lacks POPCNT")
		restore()
	}

	r.Close(ctx)
	if _, err := r.LoadCompiledModule(ctx, obj); err == nil {
		t.Error("LoadCompiledModule after Close must fail")
	}
}

func TestCompilationCache(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cache")
	cached := func() *wasmc.Runtime {
		r := wasmc.NewRuntimeWithConfig(ctx, wasmc.NewRuntimeConfig().WithCompilationCache(dir))
		t.Cleanup(func() { r.Close(ctx) })
		return r
	}
	compile := func(r *wasmc.Runtime, src string) *wasmc.CompiledModule {
		t.Helper()
		cm, err := r.CompileModule(ctx, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return cm
	}
	entries := func() []string {
		t.Helper()
		m, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	want := []uint64{1042, 1084}

	// A miss compiles and stores the object.
	r1 := cached()
	if cm := compile(r1, counterModule); wasmc.FromObject(cm) || !slices.Equal(runCounter(t, r1, cm), want) {
		t.Fatal("first compilation: loaded from the cache, or wrong results")
	}
	files := entries()
	if len(files) != 1 || !strings.HasSuffix(files[0], ".o") {
		t.Fatalf("cache holds %v, want one .o entry", files)
	}
	entry := files[0]
	good, err := os.ReadFile(entry)
	if err != nil || !wasmc.IsNativeObject(good) {
		t.Fatalf("cache entry is not an object (%v)", err)
	}

	// A hit loads it.
	r2 := cached()
	if cm := compile(r2, counterModule); !wasmc.FromObject(cm) || !slices.Equal(runCounter(t, r2, cm), want) {
		t.Fatal("second compilation: not loaded from the cache, or wrong results")
	}

	// A corrupted entry is ignored and replaced.
	bad := slices.Clone(good)
	bad[len(bad)/2] ^= 1
	if err := os.WriteFile(entry, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	r3 := cached()
	if cm := compile(r3, counterModule); wasmc.FromObject(cm) || !slices.Equal(runCounter(t, r3, cm), want) {
		t.Fatal("corrupted entry: loaded, or wrong results")
	}
	if now, _ := os.ReadFile(entry); !bytes.Equal(now, good) {
		t.Error("the corrupted entry was not replaced")
	}

	// A sound object of another module under this module's name is not
	// trusted either.
	other := strings.Replace(counterModule, `"\2a"`, `"\07"`, 1)
	rOther := wasmc.NewRuntime(ctx)
	defer rOther.Close(ctx)
	otherObj, err := compile(rOther, other).MarshalObject()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entry, otherObj, 0o644); err != nil {
		t.Fatal(err)
	}
	r4 := cached()
	if cm := compile(r4, counterModule); wasmc.FromObject(cm) || !slices.Equal(runCounter(t, r4, cm), want) {
		t.Fatal("misplaced entry: loaded, or wrong results")
	}

	// Other features make another entry; no temporary file stays behind.
	r5 := wasmc.NewRuntimeWithConfig(ctx, wasmc.NewRuntimeConfig().WithCompilationCache(dir).
		WithFeatures(wasmc.FeaturesV2|wasmc.FeaturesV1))
	defer r5.Close(ctx)
	compile(r5, "(module (func (export \"f\")))")
	r6 := wasmc.NewRuntimeWithConfig(ctx, wasmc.NewRuntimeConfig().WithCompilationCache(dir).WithFeatures(wasmc.FeaturesV1))
	defer r6.Close(ctx)
	compile(r6, "(module (func (export \"f\")))")
	if files := entries(); len(files) != 3 {
		t.Errorf("cache holds %v, want three entries", files)
	}
}
