//go:build amd64 || arm64

package realworld

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/wasi"
)

// result is what a program run produced.
type result struct {
	stdout string
	code   int
}

// runWasm compiles and runs a WASI command with the given arguments (after
// argv[0]), environment and preopened directories.
func runWasm(t *testing.T, bin []byte, args, env []string, dirs []wasi.Preopen) result {
	t.Helper()
	return runWasmStdin(t, bin, nil, args, env, dirs)
}

func runWasmStdin(t *testing.T, bin, stdin []byte, args, env []string, dirs []wasi.Preopen) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// 8 MiB stacks, as "wasmc run" and Go's go_wasip1_wasm_exec give: Go
	// programs make one Wasm call per Go call, so deep Go recursion is deep
	// Wasm recursion.
	r := wasmc.NewRuntimeWithConfig(ctx, wasmc.NewRuntimeConfig().WithStackSize(8<<20))
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, bin)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	var stdout, stderr bytes.Buffer
	cfg := &wasi.Config{
		Args:     append([]string{"prog"}, args...),
		Env:      env,
		Stdin:    bytes.NewReader(stdin),
		Stdout:   &stdout,
		Stderr:   &stderr,
		Preopens: dirs,
	}
	code, err := wasi.Run(ctx, r, cm, cfg)
	if err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, tail(stdout.String()), tail(stderr.String()))
	}
	if stderr.Len() > 0 {
		t.Logf("stderr:\n%s", tail(stderr.String()))
	}
	return result{stdout.String(), int(code)}
}

// runNative runs a host command in dir and returns its output and exit code.
func runNative(t *testing.T, dir string, name string, args ...string) result {
	t.Helper()
	return runNativeCmd(t, exec.Command(name, args...), dir)
}

func runNativeCmd(t *testing.T, cmd *exec.Cmd, dir string) result {
	t.Helper()
	name := cmd.Path
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return result{stdout.String(), exit.ExitCode()}
	case err != nil:
		t.Fatalf("%s: %v\n%s", name, err, stderr.String())
	}
	return result{stdout.String(), 0}
}

// tail keeps the end of long output for failure messages.
func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

func compare(t *testing.T, native, got result) {
	t.Helper()
	if got.stdout != native.stdout {
		t.Errorf("stdout differs from the native build\nnative:\n%s\nwasmc:\n%s", native.stdout, got.stdout)
	}
	if got.code != native.code {
		t.Errorf("exit code %d, native build %d", got.code, native.code)
	}
}

// goBuild builds the Go package in dir for wasip1.
func goBuild(t *testing.T, dir, out string) []byte {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build (wasip1): %v\n%s", err, b)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// hostGoEnv is the environment for native Go builds: the toolchain's own
// OS and architecture (GOHOSTOS, GOHOSTARCH), not the GOARCH the tests
// were built for. Under qemu-aarch64-static the test is arm64 but the
// tools it runs, and the reference programs they build, are the host's.
var hostGoEnv = sync.OnceValues(func() ([]string, error) {
	out, err := exec.Command("go", "env", "GOHOSTOS", "GOHOSTARCH").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOHOSTOS GOHOSTARCH: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return nil, fmt.Errorf("go env GOHOSTOS GOHOSTARCH printed %q", out)
	}
	return append(os.Environ(), "GOOS="+f[0], "GOARCH="+f[1], "CGO_ENABLED=0"), nil
})

// goBoth builds the Go program in testdata/name for wasip1 and natively
// for the host.
func goBoth(t *testing.T, name string) (bin []byte, native string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("../../testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin = goBuild(t, dir, filepath.Join(tmp, name+".wasm"))
	native = filepath.Join(tmp, name)
	env, err := hostGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", native, ".")
	cmd.Dir, cmd.Env = dir, env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return bin, native
}

func TestGoProgram(t *testing.T) {
	bin, native := goBoth(t, "goprog")
	compare(t, runNative(t, t.TempDir(), native), runWasm(t, bin, nil, nil, nil))
}

// TestGoRuntime runs testdata/gorun with arguments, an environment
// variable and stdin: goroutines, timers, GC, stack growth, recovered
// runtime errors and the exit code.
func TestGoRuntime(t *testing.T) {
	bin, native := goBoth(t, "gorun")
	stdin, err := os.ReadFile("../../testdata/gorun/main.go")
	if err != nil {
		t.Fatal(err)
	}
	args, env := []string{"a", "b", "c"}, []string{"GORUN_GREETING=hello"}
	cmd := exec.Command(native, args...)
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(stdin)
	want := runNativeCmd(t, cmd, t.TempDir())
	if want.code != 3 {
		t.Fatalf("native build exited with %d, want 3", want.code)
	}
	compare(t, want, runWasmStdin(t, bin, stdin, args, env, nil))
}

// cTools reports why C programs cannot be built here, or "".
var cTools = sync.OnceValue(func() string {
	for _, tool := range []string{"clang", "gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " is not installed (apt-get install clang lld wasi-libc libclang-rt-dev-wasm32 gcc)"
		}
	}
	dir, err := os.MkdirTemp("", "wasmc-cprobe")
	if err != nil {
		return err.Error()
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "probe.c")
	os.WriteFile(src, []byte("#include <stdio.h>\nint main(void){puts(\"ok\");return 0;}\n"), 0o644)
	if b, err := exec.Command("clang", "--target=wasm32-wasi", "-O2", "-o", filepath.Join(dir, "p.wasm"), src).CombinedOutput(); err != nil {
		return "clang cannot build for wasm32-wasi (install wasi-libc, lld and libclang-rt-dev-wasm32): " + strings.TrimSpace(string(b))
	}
	return ""
})

// buildC builds a C source for wasm32-wasi and natively.
func buildC(t *testing.T, src, tmp string) (wasmBin []byte, native string) {
	t.Helper()
	if why := cTools(); why != "" {
		t.Skip(why)
	}
	base := strings.TrimSuffix(filepath.Base(src), ".c")
	out := filepath.Join(tmp, base+".wasm")
	if b, err := exec.Command("clang", "--target=wasm32-wasi", "-O2", "-o", out, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("clang: %v\n%s", err, b)
	}
	native = filepath.Join(tmp, base)
	if b, err := exec.Command("gcc", "-O2", "-o", native, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, b)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return bin, native
}

// TestC runs the self-contained C programs: no arguments, no files.
func TestC(t *testing.T) {
	for _, name := range []string{"strings", "sort", "malloc", "float", "ints"} {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			bin, native := buildC(t, filepath.Join("../../testdata/c", name+".c"), tmp)
			compare(t, runNative(t, tmp, native), runWasm(t, bin, nil, nil, nil))
		})
	}
}

// TestCFiles runs files.c against an empty directory: a host directory
// natively, the same kind of directory preopened as /data under WASI.
func TestCFiles(t *testing.T) {
	tmp := t.TempDir()
	bin, native := buildC(t, "../../testdata/c/files.c", tmp)
	hostDir, guestDir := t.TempDir(), t.TempDir()
	want := runNative(t, tmp, native, hostDir)
	got := runWasm(t, bin, []string{"/data"}, nil, []wasi.Preopen{{HostPath: guestDir, GuestPath: "/data"}})
	compare(t, want, got)
	// The program removes what it made: both directories end up empty.
	for _, d := range []string{hostDir, guestDir} {
		if ents, err := os.ReadDir(d); err != nil || len(ents) != 0 {
			t.Errorf("%s after the run: %v entries, %v", d, len(ents), err)
		}
	}
}

// TestCWordCount runs wc.c, which reads one file of a preopened directory
// and writes another beside it.
func TestCWordCount(t *testing.T) {
	tmp := t.TempDir()
	src := "../../testdata/c/wc.c"
	bin, native := buildC(t, src, tmp)
	input, err := os.ReadFile("../../testdata/c/malloc.c")
	if err != nil {
		t.Fatal(err)
	}
	hostDir, guestDir := t.TempDir(), t.TempDir()
	for _, d := range []string{hostDir, guestDir} {
		if err := os.WriteFile(filepath.Join(d, "in.txt"), input, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := runNative(t, tmp, native, filepath.Join(hostDir, "in.txt"), filepath.Join(hostDir, "out.txt"))
	got := runWasm(t, bin, []string{"/data/in.txt", "/data/out.txt"}, nil, []wasi.Preopen{{HostPath: guestDir, GuestPath: "/data"}})
	compare(t, want, got)
	a, _ := os.ReadFile(filepath.Join(hostDir, "out.txt"))
	b, err := os.ReadFile(filepath.Join(guestDir, "out.txt"))
	if err != nil || !bytes.Equal(a, b) || len(a) == 0 {
		t.Errorf("out.txt: wasmc wrote %q (%v), native %q", b, err, a)
	}
}

// gostdSmall are the standard library packages tested by default, and
// gostdShort the one tested with -short (each test binary is some 5 MB of
// Wasm: under qemu compiling one takes half a minute of CPU); set
// WASMC_GOSTD to a comma-separated list, or to "all", for others.
var (
	gostdSmall = []string{"unicode/utf8", "container/heap"}
	gostdShort = []string{"container/heap"}
)

var gostdAll = []string{"strconv", "sort", "strings", "bytes", "unicode/utf8", "math", "math/big",
	"regexp", "encoding/json", "encoding/base64", "compress/flate", "crypto/sha256", "hash/crc32",
	"container/heap", "time"}

// TestGoStd builds standard library test binaries for wasip1 and runs them
// with -test.short, the way go_wasip1_wasm_exec does: the package
// directory is the working directory, GOROOT is preopened read-only under
// its own path (tests read their testdata) and /tmp is a fresh directory.
func TestGoStd(t *testing.T) {
	pkgs := gostdSmall
	if testing.Short() {
		pkgs = gostdShort
	}
	switch v := os.Getenv("WASMC_GOSTD"); v {
	case "":
	case "all":
		pkgs = gostdAll
	default:
		pkgs = strings.Split(v, ",")
	}
	goroot := runtime.GOROOT()
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		goroot = strings.TrimSpace(string(out))
	}
	for _, pkg := range pkgs {
		t.Run(strings.ReplaceAll(pkg, "/", "_"), func(t *testing.T) {
			tmp := t.TempDir()
			out := filepath.Join(tmp, "test.wasm")
			cmd := exec.Command("go", "test", "-c", "-o", out, pkg)
			cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go test -c: %v\n%s", err, b)
			}
			bin, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			guestTmp := t.TempDir()
			pkgDir := filepath.Join(goroot, "src", pkg)
			env := []string{"PWD=" + pkgDir, "TMPDIR=/tmp", "HOME=/tmp",
				"ZONEINFO=" + filepath.Join(goroot, "lib", "time", "zoneinfo.zip")}
			dirs := []wasi.Preopen{
				{HostPath: goroot, GuestPath: goroot, ReadOnly: true},
				{HostPath: guestTmp, GuestPath: "/tmp"},
			}
			res := runWasm(t, bin, []string{"-test.short", "-test.v"}, env, dirs)
			if res.code != 0 || !strings.HasSuffix(strings.TrimSpace(res.stdout), "PASS") {
				t.Errorf("exit code %d\n%s", res.code, tail(res.stdout))
			}
		})
	}
}
