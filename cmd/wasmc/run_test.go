//go:build amd64 || arm64

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wasmcIn runs wasmc with stdin as standard input.
func cliIn(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = runIO(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func td(name string) string { return filepath.Join("testdata", name) }

func TestRunArgsEnvExit(t *testing.T) {
	code, out, stderr := cli("run", td("echo.wat"))
	if code != 0 || out != "echo.wat\n" || stderr != "" {
		t.Errorf("run echo.wat: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	// Flags after the file belong to the program; the exit status is the
	// program's (echo exits with its argument count).
	t.Setenv("WASMC_TEST_INHERITED", "from host")
	code, out, stderr = cli("run", "--env", "A=1", "-env=B=two=2", "--env", "WASMC_TEST_INHERITED",
		"--env", "WASMC_TEST_UNSET_VARIABLE", td("echo.wat"), "--env", "x y", "-v")
	want := "echo.wat\n--env\nx y\n-v\nA=1\nB=two=2\nWASMC_TEST_INHERITED=from host\n"
	if code != 3 || out != want || stderr != "" {
		t.Errorf("run echo.wat with args: exit %d, stdout %q, stderr %q; want 3, %q", code, out, stderr, want)
	}
}

// TestRunGoTest checks the defaults for Go test binaries: a first argument
// starting with -test. preopens / and passes PWD (see run's help).
func TestRunGoTest(t *testing.T) {
	code, out, _ := cli("run", td("echo.wat"), "-test.v")
	wd, _ := os.Getwd()
	if code != 1 || !strings.Contains(out, "\nPWD="+wd+"\n") {
		t.Errorf("run echo.wat -test.v: exit %d, stdout %q; want PWD=%s", code, out, wd)
	}
	// cat opens in.txt in the first preopen: with / preopened that fails
	// with ENOENT (44) rather than EBADF (8) for a missing fd 3.
	if code, _, _ := cli("run", td("cat.wat"), "-test.v"); code != 44 {
		t.Errorf("run cat.wat -test.v: exit %d, want 44 (ENOENT in the / preopen)", code)
	}
}

func TestRunDir(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "in.txt", "some text\nacross lines\n")
	code, out, stderr := cli("run", "--dir", dir+"::/data", td("cat.wat"))
	if code != 0 || out != "some text\nacross lines\n" || stderr != "" {
		t.Fatalf("run --dir cat.wat: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out.txt"))
	if err != nil || string(got) != out {
		t.Errorf("out.txt: %q, %v; want %q", got, err, out)
	}
	// Without a preopen there is no fd 3: cat exits with EBADF (8).
	if code, _, _ := cli("run", td("cat.wat")); code != 8 {
		t.Errorf("run cat.wat without --dir: exit %d, want 8 (EBADF)", code)
	}
	for _, c := range []struct{ dir, msg string }{
		{filepath.Join(dir, "missing"), "no such file or directory"},
		{filepath.Join(dir, "in.txt"), "is not a directory"},
		{"::/x", "want HOST or HOST::GUEST"},
	} {
		code, _, stderr := cli("run", "--dir", c.dir, td("cat.wat"))
		if code != 2 || !strings.Contains(stderr, "wasmc run: --dir") || !strings.Contains(stderr, c.msg) {
			t.Errorf("run --dir %s: exit %d, stderr %q; want 2 and %q", c.dir, code, stderr, c.msg)
		}
	}
}

func TestRunStdinTrap(t *testing.T) {
	code, out, stderr := cli("run", td("trap.wat"))
	if code != exitTrap || out != "before\n" || !strings.Contains(stderr, "unreachable") ||
		!strings.HasPrefix(stderr, "wasmc run: "+td("trap.wat")+": ") {
		t.Errorf("run trap.wat: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestRunInvoke(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		out  string
		err  string
	}{
		{[]string{"add", "2", "3"}, 0, "105\n", ""}, // _initialize set the base to 100
		{[]string{"add", "0xffffffff", "-101"}, 0, "-2\n", ""},
		{[]string{"mul", "1.5", "-2e3"}, 0, "-3000\n", ""},
		{[]string{"wide", "-4611686018427387905"}, 0, "9223372036854775806\n0.5\n", ""},
		{[]string{"div", "1", "0"}, exitTrap, "", "integer divide by zero"},
		{[]string{"add", "1"}, 2, "", "add takes 2 arguments (i32 i32), got 1"},
		{[]string{"add", "1", "x"}, 2, "", `argument 2 of add: "x" is not an i32`},
		{[]string{"add", "1", "4294967296"}, 2, "", "is not an i32"},
		{[]string{"nope"}, 1, "", `no exported function "nope"`},
	} {
		args := append([]string{"run", "--invoke", c.args[0], td("calc.wat")}, c.args[1:]...)
		code, out, stderr := cli(args...)
		if code != c.code || out != c.out || !strings.Contains(stderr, c.err) {
			t.Errorf("wasmc %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", args, code, out, stderr, c.code, c.out, c.err)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	notWasm := write(t, dir, "x.wasm", "\x00asn....")
	badWat := write(t, dir, "bad.wat", "(module (func (result i32)))")
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"run"}, 2, "usage: wasmc run"},
		{[]string{"run", "--nope", "x.wasm"}, 2, "flag provided but not defined: -nope"},
		{[]string{"run", filepath.Join(dir, "missing.wasm")}, 1, "missing.wasm: no such file or directory"},
		{[]string{"run", notWasm}, 1, notWasm + ": not a WebAssembly module"},
		{[]string{"run", badWat}, 1, badWat + ": "},
		{[]string{"run", "--env", "=x", badWat}, 2, `--env "=x": want K=V or K`},
	} {
		code, _, stderr := cli(c.args...)
		if code != c.code || !strings.Contains(stderr, c.err) {
			t.Errorf("wasmc %q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.err)
		}
	}
}

func TestRunStdin(t *testing.T) {
	// cat reads files, not stdin; echo ignores it: check that a module
	// reading fd 0 gets wasmc's standard input.
	dir := t.TempDir()
	src := write(t, dir, "stdin.wat", `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 100))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 4) (i32.load (i32.const 8)))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))))`)
	code, out, stderr := cliIn("piped in", "run", src)
	if code != 0 || out != "" || stderr != "piped in" {
		t.Errorf("run stdin.wat: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestExecName(t *testing.T) {
	for name, want := range map[string]bool{
		"/usr/local/bin/go_wasip1_wasm_exec": true, "go_wasip1_wasm_exec.exe": true,
		"wasmc": false, "/x/go_wasip1_wasm_exec/wasmc": false, "go_js_wasm_exec": false,
	} {
		if got := execName(name); got != want {
			t.Errorf("execName(%q) = %v, want %v", name, got, want)
		}
	}
}
