//go:build amd64 || arm64

package wasmc_test

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/object"
)

const crossWAT = `(module
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))`

// TestCompileObjectCross compiles for every architecture on this machine:
// the host's object loads and runs, the other's is a valid ELF file for
// its machine that this machine's runtime refuses to load. Run under
// qemu-aarch64-static, the roles swap, so both objects run somewhere.
func TestCompileObjectCross(t *testing.T) {
	ctx := context.Background()
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	if got := wasmc.Arches(); !slices.Equal(got, []string{"amd64", "arm64"}) {
		t.Fatalf("Arches() = %v", got)
	}
	for _, arch := range wasmc.Arches() {
		t.Run(arch, func(t *testing.T) {
			obj, err := wasmc.CompileObject(ctx, []byte(crossWAT), arch, 0)
			if err != nil {
				t.Fatal(err)
			}
			f, err := elf.NewFile(bytes.NewReader(obj))
			if err != nil {
				t.Fatal(err)
			}
			if f.Machine != machines[arch] {
				t.Errorf("ELF machine %v, want %v", f.Machine, machines[arch])
			}
			syms, err := f.Symbols()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range syms {
				if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Size > 0 {
					names = append(names, s.Name)
				}
			}
			if !slices.Equal(names, []string{"func[0]", "func[1]"}) {
				t.Errorf("function symbols %q, want func[0] and func[1]", names)
			}

			r := wasmc.NewRuntime(ctx)
			defer r.Close(ctx)
			cm, err := r.LoadCompiledModule(ctx, obj)
			if arch != goruntime.GOARCH {
				want := "code for " + arch + " cannot run on " + goruntime.GOARCH
				if err == nil || !errors.Is(err, object.ErrIncompatible) || !strings.Contains(err.Error(), want) {
					t.Fatalf("loading the %s object on %s: %v; want an error saying %q", arch, goruntime.GOARCH, err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig())
			if err != nil {
				t.Fatal(err)
			}
			if res, err := m.ExportedFunction("fib").Call(ctx, 20); err != nil || res[0] != 6765 {
				t.Errorf("fib(20) = %v, %v; want 6765", res, err)
			}
			var trap *wasmc.Trap
			if _, err := m.ExportedFunction("div").Call(ctx, 1, 0); !errors.As(err, &trap) || trap.Kind != wasmc.TrapIntegerDivideByZero {
				t.Errorf("div(1, 0): %v, want an integer divide by zero trap", err)
			}
		})
	}
}

// TestCompileObjectSameAsMarshal checks that compiling an object directly
// gives the bytes that compiling, loading and marshalling give on the host.
func TestCompileObjectSameAsMarshal(t *testing.T) {
	ctx := context.Background()
	obj, err := wasmc.CompileObject(ctx, []byte(crossWAT), goruntime.GOARCH, wasmc.FeaturesV2)
	if err != nil {
		t.Fatal(err)
	}
	r := wasmc.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, []byte(crossWAT))
	if err != nil {
		t.Fatal(err)
	}
	want, err := cm.MarshalObject()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(obj, want) {
		t.Errorf("CompileObject and MarshalObject differ (%d and %d bytes)", len(obj), len(want))
	}
}

func TestCompileObjectErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		src, arch, err string
	}{
		{crossWAT, "riscv64", `unknown architecture "riscv64"`},
		{crossWAT, "", `unknown architecture ""`},
		{"(module (func (result i32)))", "arm64", "wasmc: "},
		{"(module", "amd64", "wasmc: "},
		{"\x00asm\x01\x00\x00\x00\x01", "arm64", "wasmc: "},
	} {
		obj, err := wasmc.CompileObject(ctx, []byte(c.src), c.arch, 0)
		if err == nil || obj != nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("CompileObject(%q, %q): %d bytes, %v; want an error with %q", c.src, c.arch, len(obj), err, c.err)
		}
	}
	// Proposals beyond those given are refused (bulk memory is not in 1.0).
	if _, err := wasmc.CompileObject(ctx, []byte(`(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))`), "arm64", wasmc.FeaturesV1); err == nil {
		t.Error("CompileObject with FeaturesV1 accepted memory.fill")
	}
}
