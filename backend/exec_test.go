//go:build amd64 || arm64

package backend_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/backend"
	_ "github.com/wasmc/wasmc/backend/amd64"
	_ "github.com/wasmc/wasmc/backend/arm64"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime"
)

// Tests shared by every code generator. Compilation is checked for each
// architecture on any host; code runs on the host's own, so amd64 runs
// natively and arm64 under qemu-aarch64-static. The per-instruction
// execution cases are the scripts of testdata/wast/backend, which each
// backend package runs.

var arches = []string{"amd64", "arm64"}

const testFeatures = wasm.V2 &^ wasm.SIMD

func compileWAT(t testing.TB, src string) *wasm.Module {
	t.Helper()
	bin, err := text.ParseModule([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	m, err := binary.Decode(bin, testFeatures)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := validate.Module(m, testFeatures); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return m
}

// instantiate compiles WAT source for this machine and instantiates it
// with imports.
func instantiate(t testing.TB, src string, imports runtime.Resolver) *runtime.Instance {
	t.Helper()
	m := compileWAT(t, src)
	c, err := backend.Compile(m, testFeatures, goruntime.GOARCH)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	mod, err := runtime.NewModule(m, testFeatures, c)
	if err != nil {
		t.Fatalf("module: %v", err)
	}
	t.Cleanup(func() { mod.Close() })
	inst, err := runtime.Instantiate(context.Background(), mod, "test", imports)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}

// check calls export name with args and compares the results.
func check(t *testing.T, inst *runtime.Instance, name string, args []uint64, want ...uint64) {
	t.Helper()
	f := inst.ExportedFunction(name)
	if f == nil {
		t.Fatalf("no export %q", name)
	}
	got, err := f.Call(context.Background(), args...)
	if err != nil {
		t.Errorf("%s%v: %v", name, args, err)
		return
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s%v = %#x, want %#x", name, args, got, want)
	}
}

// TestExecRegisterPressure keeps more values live than there are
// registers, across calls, so that the allocator spills and reloads.
func TestExecRegisterPressure(t *testing.T) {
	var b strings.Builder
	b.WriteString(`(module (func $id (param i64) (result i64) (local.get 0))
	  (func (export "sum") (param i64) (result i64)`)
	const n = 24
	for i := 0; i < n; i++ {
		b.WriteString(" (local i64 f64)")
	}
	for i := 0; i < n; i++ {
		// local 2i+1 = p*(i+1); local 2i+2 = float(p+i)
		fmt.Fprintf(&b, "(local.set %d (i64.mul (local.get 0) (i64.const %d)))", 2*i+1, i+1)
		fmt.Fprintf(&b, "(local.set %d (f64.convert_i64_s (i64.add (local.get 0) (i64.const %d))))", 2*i+2, i)
	}
	b.WriteString("(drop (call $id (i64.const 0)))")
	b.WriteString("(i64.const 0)")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "(i64.add (local.get %d))", 2*i+1)
		fmt.Fprintf(&b, "(i64.add (i64.trunc_f64_s (local.get %d)))", 2*i+2)
	}
	b.WriteString("))")
	inst := instantiate(t, b.String(), nil)
	// sum p*(i+1) + (p+i) for i < n
	p := uint64(3)
	want := uint64(0)
	for i := uint64(0); i < n; i++ {
		want += p*(i+1) + p + i
	}
	check(t, inst, "sum", []uint64{p}, want)
}

// TestExecImportsAndInstances calls another instance's export and a host
// function through imports.
func TestExecImportsAndInstances(t *testing.T) {
	other := instantiate(t, `(module
	  (global $g (mut i32) (i32.const 100))
	  (func (export "bump") (param i32) (result i32)
	    (global.set $g (i32.add (global.get $g) (local.get 0)))
	    (global.get $g)))`, nil)
	host := runtime.NewHostFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}},
		func(ctx context.Context, args, results []uint64) error { results[0] = args[0] * 3; return nil }, "triple")
	inst := instantiate(t, `(module
	  (import "other" "bump" (func $bump (param i32) (result i32)))
	  (import "host" "triple" (func $triple (param i64) (result i64)))
	  (global $g (mut i32) (i32.const 1))
	  (func (export "both") (param i32) (result i32)
	    ;; The import runs with the other instance's vmctx; our global must
	    ;; still be ours afterwards.
	    (i32.add (call $bump (local.get 0)) (global.get $g)))
	  (func (export "triple") (param i64) (result i64) (call $triple (local.get 0)))
	  (func (export "trap") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))`,
		func(module, name string) (runtime.Extern, error) {
			switch module + "." + name {
			case "other.bump":
				return other.ExportedFunction("bump"), nil
			case "host.triple":
				return host, nil
			}
			return nil, nil
		})
	check(t, inst, "both", []uint64{5}, 106)
	check(t, inst, "both", []uint64{5}, 111)
	check(t, inst, "triple", []uint64{14}, 42)
	// A trap is an error, and the instance stays usable.
	var trap *runtime.Trap
	if got, err := inst.ExportedFunction("trap").Call(context.Background(), 0); !errors.As(err, &trap) ||
		!strings.Contains(err.Error(), "integer divide by zero") {
		t.Errorf("trap(0) = %v, %v; want a divide-by-zero trap", got, err)
	}
	check(t, inst, "triple", []uint64{2}, 6)
}

func TestCompileErrors(t *testing.T) {
	m := compileWAT(t, `(module (func))`)
	if _, err := backend.Compile(m, testFeatures, "vax"); err == nil || !strings.Contains(err.Error(), "unknown architecture") {
		t.Errorf("unknown arch: %v", err)
	}
	m.Memories = append(m.Memories, wasm.MemoryType{Limits: wasm.Limits{Is64: true}, PageSizeLog2: 16})
	for _, arch := range arches {
		if _, err := backend.Compile(m, testFeatures, arch); err == nil || !strings.Contains(err.Error(), "is not supported yet") {
			t.Errorf("%s: memory64: %v", arch, err)
		}
	}
}

// TestCompileFuncStages checks each stage's text of one function; the
// compare feeds only the branch, so each target fuses them (no setcc or
// cset materializes the condition).
func TestCompileFuncStages(t *testing.T) {
	m := compileWAT(t, `(module (func (param i32) (result i32)
	  (if (result i32) (i32.lt_s (local.get 0) (i32.const 10))
	    (then (i32.const 1)) (else (i32.const 2)))))`)
	for _, c := range []struct {
		arch      string
		want, not []string
	}{
		{"amd64", []string{"cmp.32 v0, $10", "br.l", "cmp eax, 0xa", "jl "}, []string{"setcc", "setl", "push rbp", "sub rsp"}}, // a frameless leaf
		{"arm64", []string{"cmp.32 v0, $10", "b.lt", "stp x29, x30", "cmp w0, #0xa", "b.lt "}, []string{"cset"}},
	} {
		st, err := backend.CompileFunc(m, testFeatures, c.arch, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.arch, err)
		}
		for _, want := range []string{"i32.lt_s", "br_if"} {
			if !strings.Contains(st.Lowered, want) || !strings.Contains(st.Optimized, want) {
				t.Errorf("%s: SSA text lacks %q:\n%s", c.arch, want, st.Optimized)
			}
		}
		for _, want := range c.want {
			if !strings.Contains(st.Machine, want) {
				t.Errorf("%s: machine listing lacks %q:\n%s", c.arch, want, st.Machine)
			}
		}
		for _, not := range c.not {
			if strings.Contains(st.Machine, not) {
				t.Errorf("%s: compare-and-branch materialized the condition (%s):\n%s", c.arch, not, st.Machine)
			}
		}
		if _, err := backend.CompileFunc(m, testFeatures, c.arch, 5); err == nil {
			t.Errorf("%s: CompileFunc of a missing function succeeded", c.arch)
		}
	}
}

// TestCompileDeterministic compiles a module of many functions on several
// workers twice: the code must be identical.
func TestCompileDeterministic(t *testing.T) {
	var b strings.Builder
	b.WriteString("(module")
	for i := 0; i < 64; i++ {
		fmt.Fprintf(&b, ` (func (param i32) (result i32) (local i32)
		  (loop (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const %d))))
		    (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
		  (local.get 1))`, i+1)
	}
	b.WriteString(")")
	m := compileWAT(t, b.String())
	prev := goruntime.GOMAXPROCS(8)
	defer goruntime.GOMAXPROCS(prev)
	for _, arch := range arches {
		c1, err := backend.Compile(m, testFeatures, arch)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := backend.Compile(m, testFeatures, arch)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c1.Code, c2.Code) || len(c1.Funcs) != 64 || c1.Arch != arch {
			t.Fatalf("%s: two compilations differ (or %d functions, arch %q)", arch, len(c1.Funcs), c1.Arch)
		}
	}
}
