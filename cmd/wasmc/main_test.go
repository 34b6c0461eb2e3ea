package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func cli(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "Usage:"},
		{[]string{"bogus"}, 2, "unknown command"},
		{[]string{"wast"}, 2, "usage: wasmc wast"},
		{[]string{"validate"}, 2, "usage: wasmc validate"},
		{[]string{"wast", "-nope", "x.wast"}, 2, "flag provided but not defined"},
		{[]string{"wast", "-features", "bogus", "x.wast"}, 2, `unknown feature "bogus"`},
		{[]string{"help", "bogus"}, 2, "unknown help topic"},
	} {
		code, _, stderr := cli(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("wasmc %q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.stderr)
		}
	}
	code, out, _ := cli("help")
	if code != 0 || !strings.Contains(out, "wast ") || !strings.Contains(out, "validate ") {
		t.Errorf("wasmc help: exit %d, %q", code, out)
	}
	code, out, _ = cli("help", "wast")
	if code != 0 || !strings.Contains(out, "usage: wasmc wast [-v] [-noexec]") || !strings.Contains(out, "-features") {
		t.Errorf("wasmc help wast: exit %d, %q", code, out)
	}
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWast(t *testing.T) {
	dir := t.TempDir()
	good := write(t, dir, "good.wast", `(module binary "\00asm\01\00\00\00")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_return (invoke "f") (i32.const 1))
`)
	bad := write(t, dir, "bad.wast", `(module binary "\00asm\02\00\00\00")`)
	syntax := write(t, dir, "syntax.wast", `(bogus)`)

	code, out, _ := cli("wast", "-noexec", good)
	want := good + ": 2 passed, 0 failed, 1 skipped\ntotal: 2 passed, 0 failed, 1 skipped\n"
	if code != 0 || out != want {
		t.Errorf("wasmc wast good: exit %d\n%s\nwant\n%s", code, out, want)
	}
	code, out, _ = cli("wast", "-noexec", "-v", good, bad)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 5 ||
		lines[0] != good+":3: skip: needs an execution engine" ||
		lines[1] != good+": 2 passed, 0 failed, 1 skipped" ||
		!strings.HasPrefix(lines[2], bad+":1: fail: module: ") ||
		lines[3] != bad+": 0 passed, 1 failed, 0 skipped" ||
		lines[4] != "total: 2 passed, 1 failed, 1 skipped" {
		t.Errorf("wasmc wast -v: exit %d\n%s", code, out)
	}
	code, out, _ = cli("wast", "-features", "v1", syntax)
	if code != 1 || !strings.Contains(out, `unknown command "bogus"`) || !strings.Contains(out, "total: 0 passed, 1 failed, 0 skipped") {
		t.Errorf("wasmc wast syntax: exit %d\n%s", code, out)
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	wasm := write(t, dir, "a.wasm", "\x00asm\x01\x00\x00\x00")
	wat := write(t, dir, "b.wat", `(module (func (export "f") (result i32) (i32.const 1)))`)
	invalid := write(t, dir, "c.wat", `(module (func (result i32)))`)
	code, out, _ := cli("validate", wasm, wat)
	if want := wasm + ": ok\n" + wat + ": ok\n"; code != 0 || out != want {
		t.Errorf("wasmc validate: exit %d\n%s\nwant\n%s", code, out, want)
	}
	code, out, _ = cli("validate", "-features", "v2", invalid, filepath.Join(dir, "missing.wasm"))
	if code != 1 || !strings.Contains(out, invalid+": ") || !strings.Contains(out, "type mismatch") ||
		!strings.Contains(out, "missing.wasm: ") {
		t.Errorf("wasmc validate invalid: exit %d\n%s", code, out)
	}
}
