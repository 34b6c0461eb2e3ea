//go:build amd64 || arm64

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoProgram builds testdata/goprog (a Go program using a good share of
// the standard library) for GOOS=wasip1 and natively, and checks that
// wasmc runs it, from the .wasm, through the compilation cache and from a
// native object, printing what the native build prints. With -short it
// runs testdata/gorun instead: 3 MB of Wasm rather than 7, as the test
// compiles it twice (half a minute of CPU under qemu-aarch64-static).
func TestGoProgram(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not in PATH, so the Go program cannot be built")
	}
	prog := "goprog"
	if testing.Short() {
		prog = "gorun"
	}
	dir := t.TempDir()
	src := filepath.Join("..", "..", "testdata", prog)
	build := func(out string, env ...string) {
		t.Helper()
		cmd := exec.Command(goTool, "build", "-o", out, ".")
		cmd.Dir = src
		cmd.Env = append(os.Environ(), append([]string{"CGO_ENABLED=0"}, env...)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", out, err, b)
		}
	}
	wasmFile := filepath.Join(dir, prog+".wasm")
	nativeFile := filepath.Join(dir, prog)
	build(wasmFile, "GOOS=wasip1", "GOARCH=wasm")
	// The native build is for the machine itself (GOHOSTARCH), which under
	// qemu-aarch64-static is not the test's architecture.
	host, err := exec.Command(goTool, "env", "GOHOSTOS", "GOHOSTARCH").Output()
	if f := strings.Fields(string(host)); err != nil || len(f) != 2 {
		t.Fatalf("go env GOHOSTOS GOHOSTARCH: %v, %q", err, host)
	} else {
		build(nativeFile, "GOOS="+f[0], "GOARCH="+f[1])
	}
	native := exec.Command(nativeFile)
	native.Env = []string{} // as wasmc run gives the program
	want, err := native.Output()
	if err != nil || len(want) == 0 {
		t.Fatalf("native %s: %v, output %q", prog, err, want)
	}

	cache := filepath.Join(dir, "cache")
	for _, pass := range []string{"compile", "cached"} {
		code, out, stderr := cli("run", "--cache", cache, wasmFile)
		if code != 0 || out != string(want) {
			t.Errorf("run %s.wasm (%s): exit %d, stderr %q\nstdout %q\nwant   %q", prog, pass, code, stderr, out, want)
		}
	}
	if entries, _ := os.ReadDir(cache); len(entries) == 0 {
		t.Errorf("run --cache left %s empty", cache)
	}

	obj := filepath.Join(dir, prog+".o")
	if code, _, stderr := cli("compile", "-o", obj, wasmFile); code != 0 {
		t.Fatalf("compile %s.wasm: exit %d, %s", prog, code, stderr)
	}
	code, out, stderr := cli("run", obj)
	if code != 0 || out != string(want) {
		t.Errorf("run %s.o: exit %d, stderr %q\nstdout %q\nwant   %q", prog, code, stderr, out, want)
	}
}
