package main

import (
	"slices"
	"testing"
)

func TestArm64Command(t *testing.T) {
	c := &config{work: "/w", self: "/b/benchrun"}
	wC := &workload{group: "C", name: "zstd", wasm: "/w/out/zstd.wasm", args: []string{"x"}}
	wK := &workload{group: "kernel", name: "fib", wasm: "/r/fib.wat", kernel: "fib"}
	if c.command("arm64", wC) != nil || c.command("arm64", wK) != nil {
		t.Error("arm64 command without qemu and wasmc-arm64")
	}
	c.qemu, c.wasmcArm64 = "/q", "/r/bin/wasmc-arm64"
	if got, want := c.command("arm64", wC), []string{"/q", "/r/bin/wasmc-arm64", "run", "--cache", "/w/cache-wasmc-arm64", "/w/out/zstd.wasm", "x"}; !slices.Equal(got, want) {
		t.Errorf("C: %q, want %q", got, want)
	}
	if c.command("arm64", wK) != nil {
		t.Error("kernel command without benchrun-arm64")
	}
	c.selfArm64 = "/w/benchrun-arm64"
	if got, want := c.command("arm64", wK), []string{"/q", "/w/benchrun-arm64", "kernel", "wasmc", "/r/fib.wat", "fib", "1"}; !slices.Equal(got, want) {
		t.Errorf("kernel: %q, want %q", got, want)
	}
}
