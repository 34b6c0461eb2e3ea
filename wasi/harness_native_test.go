//go:build amd64 || arm64

package wasi

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wasmc/wasmc"
)

// guestWAT imports every WASI function and exports it again with the
// module's memory, so that tests call each one as the guest's import.
func guestWAT() string {
	var b strings.Builder
	b.WriteString("(module\n")
	for i, f := range functions {
		fmt.Fprintf(&b, "  (import %q %q (func $f%d", ModuleName, f.name, i)
		if len(f.params) > 0 {
			b.WriteString(" (param")
			for _, p := range f.params {
				fmt.Fprintf(&b, " %s", p)
			}
			b.WriteString(")")
		}
		for _, r := range f.results {
			fmt.Fprintf(&b, " (result %s)", r)
		}
		b.WriteString("))\n")
	}
	b.WriteString("  (memory (export \"memory\") 1)\n")
	for i, f := range functions {
		fmt.Fprintf(&b, "  (export %q (func $f%d))\n", f.name, i)
	}
	b.WriteString(")\n")
	return b.String()
}

// newHarness instantiates WASI from cfg and the guest in a new runtime.
func newHarness(t *testing.T, cfg *Config) *harness {
	t.Helper()
	ctx := context.Background()
	r := wasmc.NewRuntime(ctx)
	t.Cleanup(func() { Close(ctx, r); r.Close(ctx) })
	_, s, err := instantiate(ctx, r, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := r.CompileModule(ctx, []byte(guestWAT()))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName("guest"))
	if err != nil {
		t.Fatal(err)
	}
	memory := mod.ExportedMemory("memory")
	h := &harness{t: t, s: s, mem: memory.View}
	h.call = func(name string, args ...uint64) Errno {
		f := mod.ExportedFunction(name)
		if f == nil {
			t.Fatalf("no WASI function %s", name)
		}
		res, err := f.Call(ctx, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res) == 0 {
			return 0
		}
		return Errno(res[0])
	}
	return h
}
