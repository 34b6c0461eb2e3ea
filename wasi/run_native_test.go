//go:build amd64 || arm64

package wasi_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/wasi"
)

// goBuild builds the Go program in dir, for wasip1 when wasip1 is set and
// otherwise for the machine's own architecture (GOHOSTARCH): under
// qemu-aarch64-static an arm64 program could not be run from here.
func goBuild(t *testing.T, dir string, wasip1 bool) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out := filepath.Join(t.TempDir(), "prog")
	cmd := exec.Command(goTool, "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if wasip1 {
		cmd.Env = append(cmd.Env, "GOOS=wasip1", "GOARCH=wasm")
	} else {
		host, err := exec.Command(goTool, "env", "GOHOSTOS", "GOHOSTARCH").Output()
		if err != nil {
			t.Fatalf("go env: %v", err)
		}
		f := strings.Fields(string(host))
		if len(f) != 2 {
			t.Fatalf("go env GOHOSTOS GOHOSTARCH printed %q", host)
		}
		cmd.Env = append(cmd.Env, "GOOS="+f[0], "GOARCH="+f[1])
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, msg)
	}
	return out
}

// TestGoProgram runs testdata/goprog built for wasip1 and compares its
// output with the native build's.
func TestGoProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program twice; skipped with -short")
	}
	dir := filepath.Join("..", "testdata", "goprog")
	native, err := exec.Command(goBuild(t, dir, false)).Output()
	if err != nil {
		t.Fatalf("native run: %v", err)
	}
	bin, err := os.ReadFile(goBuild(t, dir, true))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := wasmc.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code, err := wasi.Run(ctx, r, cm, &wasi.Config{Args: []string{"goprog"}, Stdout: &stdout, Stderr: &stderr})
	if err != nil || code != 0 {
		t.Fatalf("Run: exit code %d, %v\nstderr: %s", code, err, stderr.Bytes())
	}
	if stdout.String() != string(native) {
		t.Errorf("stdout differs from the native run:\nwasip1: %q\nnative: %q", stdout.String(), native)
	}
	// The runtime's WASI instance is gone: Run can run again.
	stdout.Reset()
	if code, err := wasi.Run(ctx, r, cm, &wasi.Config{Stdout: &stdout}); err != nil || code != 0 || stdout.String() != string(native) {
		t.Errorf("second Run: exit code %d, %v, output %q", code, err, stdout.String())
	}
}

// exitWAT is a command that writes "hi\n" to stdout and exits with its
// argument count, or traps when it has exactly two arguments.
const exitWAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $args_sizes_get (i32.const 32) (i32.const 36)))
    (if (i32.eq (i32.load (i32.const 32)) (i32.const 2)) (then unreachable))
    (call $proc_exit (i32.load (i32.const 32)))
    unreachable))`

func TestRunExit(t *testing.T) {
	ctx := context.Background()
	r := wasmc.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, []byte(exitWAT))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{nil, {"prog"}, {"prog", "-test.v", "-test.run=X"}} {
		var out bytes.Buffer
		code, err := wasi.Run(ctx, r, cm, &wasi.Config{Args: args, Stdout: &out})
		if err != nil || code != uint32(len(args)) || out.String() != "hi\n" {
			t.Errorf("args %q: exit code %d, %v, output %q", args, code, err, out.String())
		}
	}
	// A trap is an error with exit code 1.
	code, err := wasi.Run(ctx, r, cm, &wasi.Config{Args: []string{"a", "b"}})
	var trap *wasmc.Trap
	if code != 1 || !errors.As(err, &trap) || trap.Kind != wasmc.TrapUnreachable {
		t.Errorf("trap: exit code %d, %v", code, err)
	}

	// With WASI instantiated beforehand, Run uses it, and the export's
	// caller sees proc_exit as an *ExitError.
	if _, err := wasi.Instantiate(ctx, r, &wasi.Config{Args: []string{"x", "y", "z", "w"}}); err != nil {
		t.Fatal(err)
	}
	if code, err := wasi.Run(ctx, r, cm, &wasi.Config{Args: []string{"ignored"}}); err != nil || code != 4 {
		t.Errorf("Run with an existing instance: exit code %d, %v", code, err)
	}
	mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	_, err = mod.ExportedFunction("_start").Call(ctx)
	var exit *wasi.ExitError
	if !errors.As(err, &exit) || exit.Code != 4 {
		t.Errorf("Call: %v, want exit status 4", err)
	}
	if err := wasi.Close(ctx, r); err != nil {
		t.Error(err)
	}

	// A module without _start is not a command.
	lib, err := r.CompileModule(ctx, []byte(`(module (memory (export "memory") 1))`))
	if err != nil {
		t.Fatal(err)
	}
	if code, err := wasi.Run(ctx, r, lib, nil); err == nil || code != 1 {
		t.Errorf("Run without _start: exit code %d, %v", code, err)
	}
	if _, err := wasi.Instantiate(ctx, r, &wasi.Config{Preopens: []wasi.Preopen{{HostPath: "/nonexistent/dir"}}}); err == nil {
		t.Error("Instantiate with a missing preopen succeeded")
	}
}
