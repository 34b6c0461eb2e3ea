//go:build amd64 || arm64

package main

import (
	"debug/elf"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

// copyTD copies a testdata file into dir.
func copyTD(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(td(name))
	if err != nil {
		t.Fatal(err)
	}
	return write(t, dir, name, string(data))
}

func TestCompileAndRunObject(t *testing.T) {
	dir := t.TempDir()
	src := copyTD(t, dir, "calc.wat")
	if code, out, stderr := cli("compile", src); code != 0 || out != "" || stderr != "" {
		t.Fatalf("compile calc.wat: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	obj := filepath.Join(dir, "calc.o") // the default output name
	code, out, stderr := cli("run", "--invoke", "twice", obj, "21")
	if code != 0 || out != "142\n" {
		t.Errorf("run --invoke twice calc.o 21: exit %d, stdout %q, stderr %q; want 142", code, out, stderr)
	}

	echo := filepath.Join(dir, "prog")
	if code, _, stderr := cli("compile", "-o", echo, td("echo.wat")); code != 0 {
		t.Fatalf("compile -o: exit %d, stderr %q", code, stderr)
	}
	code, out, _ = cli("run", "--env", "K=v", echo, "a", "b")
	if code != 2 || out != "prog\na\nb\nK=v\n" {
		t.Errorf("run the echo object: exit %d, stdout %q", code, out)
	}
}

// TestCompileCross compiles for both architectures: the object for this
// machine runs, the other is an ELF file for its machine that run refuses
// with an error naming both architectures.
func TestCompileCross(t *testing.T) {
	dir := t.TempDir()
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	for arch, machine := range machines {
		obj := filepath.Join(dir, "calc-"+arch+".o")
		if code, out, stderr := cli("compile", "--arch", arch, "-o", obj, td("calc.wat")); code != 0 || out != "" || stderr != "" {
			t.Fatalf("compile --arch %s: exit %d, stdout %q, stderr %q", arch, code, out, stderr)
		}
		f, err := elf.Open(obj)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if f.Machine != machine {
			t.Errorf("compile --arch %s: ELF machine %v, want %v", arch, f.Machine, machine)
		}
		code, out, stderr := cli("run", "--invoke", "twice", obj, "21")
		if arch == goruntime.GOARCH {
			if code != 0 || out != "142\n" {
				t.Errorf("run --invoke twice %s 21: exit %d, stdout %q, stderr %q; want 142", obj, code, out, stderr)
			}
			continue
		}
		want := "code for " + arch + " cannot run on " + goruntime.GOARCH
		if code != exitLoad || out != "" || !strings.HasPrefix(stderr, "wasmc run: "+obj+": ") || !strings.Contains(stderr, want) {
			t.Errorf("run %s: exit %d, stdout %q, stderr %q; want exit %d and %q", obj, code, out, stderr, exitLoad, want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, dir, "bad.wat", "(module (func (result i32)))")
	obj := filepath.Join(dir, "calc.o")
	if code, _, stderr := cli("compile", "-o", obj, td("calc.wat")); code != 0 {
		t.Fatalf("compile: exit %d, %s", code, stderr)
	}
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"compile"}, 2, "usage: wasmc compile"},
		{[]string{"compile", "a.wasm", "b.wasm"}, 2, "one input file expected, got 2"},
		{[]string{"compile", "-arch", "riscv64", td("calc.wat")}, 2, "-arch riscv64: unknown architecture; wasmc compiles for amd64, arm64"},
		{[]string{"compile", filepath.Join(dir, "missing.wasm")}, 1, "missing.wasm: no such file or directory"},
		{[]string{"compile", "-o", filepath.Join(dir, "out.o"), bad}, 1, "bad.wat: "},
		{[]string{"compile", obj}, 1, obj + ": already a native object"},
		{[]string{"compile", "-o", filepath.Join(dir, "no", "such", "dir.o"), td("calc.wat")}, 1, "writing " + filepath.Join(dir, "no", "such", "dir.o")},
	} {
		code, _, stderr := cli(c.args...)
		prefix := "wasmc compile: " // every error but the usage message
		if len(c.args) == 1 {
			prefix = "usage: "
		}
		if code != c.code || !strings.HasPrefix(stderr, prefix) || !strings.Contains(stderr, c.err) {
			t.Errorf("wasmc %q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.o")); !os.IsNotExist(err) {
		t.Errorf("a failed compile left out.o behind (%v)", err)
	}
}

// TestRunBadObjects checks that damaged objects are refused with an error
// naming the file, and run nothing.
func TestRunBadObjects(t *testing.T) {
	dir := t.TempDir()
	obj := filepath.Join(dir, "echo.o")
	if code, _, stderr := cli("compile", "-o", obj, td("echo.wat")); code != 0 {
		t.Fatalf("compile: exit %d, %s", code, stderr)
	}
	data, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), data...)
	flipped[len(flipped)/2] ^= 0x40
	cases := map[string][]byte{
		"truncated": data[:len(data)-100],
		"flipped":   flipped,
		"header":    data[:40],
	}
	for name, b := range cases {
		p := write(t, dir, name+".o", string(b))
		code, out, stderr := cli("run", p, "x")
		if code != exitLoad || out != "" || !strings.HasPrefix(stderr, "wasmc run: "+p+": ") {
			t.Errorf("run %s object: exit %d, stdout %q, stderr %q; want exit %d and an error naming the file", name, code, out, stderr, exitLoad)
		}
	}
}

func TestObjdump(t *testing.T) {
	code, out, stderr := cli("objdump", td("calc.wat"))
	if code != 0 || stderr != "" {
		t.Fatalf("objdump calc.wat: exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		"func 1 <add>: ", " wasm:\n", "  ;; type [i32 i32] -> [i32]\n", ": i32.add\n", " amd64:\n",
		"func 2 <mul>: ", "mulsd xmm0, xmm1", "func 4 <div>: ", ": i32.div_s\n",
		"func 5 <twice>: ", ": call 4 <div>\n", "call div\n", "call add\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("objdump calc.wat lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = cli("objdump", "-func", "div", td("calc.wat"))
	if code != 0 || !strings.HasPrefix(out, "func 4 <div>: ") || strings.Contains(out, "<add>:") ||
		!strings.Contains(out, "idiv") {
		t.Errorf("objdump -func div: exit %d\n%s", code, out)
	}

	// An object: the same machine code, without Wasm bodies.
	dir := t.TempDir()
	obj := filepath.Join(dir, "calc.o")
	if code, _, stderr := cli("compile", "-arch", "amd64", "-o", obj, td("calc.wat")); code != 0 {
		t.Fatalf("compile: exit %d, %s", code, stderr)
	}
	code, objOut, stderr := cli("objdump", "-func", "4", obj)
	if code != 0 || stderr != "" || !strings.HasPrefix(objOut, "func 4 <div>: ") || strings.Contains(objOut, "wasm:") {
		t.Errorf("objdump -func 4 calc.o: exit %d, stderr %q\n%s", code, stderr, objOut)
	}
	if asm := out[strings.Index(out, " amd64:\n")+len(" amd64:\n"):]; asm != objOut[strings.Index(objOut, "\n")+1:] {
		t.Errorf("objdump of the object differs from the module's:\n%s\nvs\n%s", objOut, out)
	}

	// A damaged object is still shown by its ELF symbols, with a note.
	data, _ := os.ReadFile(obj)
	data[len(data)/2] ^= 1
	bad := write(t, dir, "bad.o", string(data))
	code, out, stderr = cli("objdump", bad)
	if code != 0 || !strings.Contains(stderr, "listing its ELF symbols instead") || !strings.Contains(out, ".text <") {
		t.Errorf("objdump of a damaged object: exit %d, stderr %q\n%s", code, stderr, out)
	}

	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"objdump"}, 2, "usage: wasmc objdump"},
		{[]string{"objdump", "-func", "nope", td("calc.wat")}, 1, `calc.wat: no function named "nope"`},
		{[]string{"objdump", "-func", "99", td("calc.wat")}, 1, "function index 99 out of range"},
		{[]string{"objdump", "-func", "1", td("echo.wat")}, 1, "function 1 is imported and has no code"},
		{[]string{"objdump", write(t, dir, "bad.wat", "(module")}, 1, "bad.wat: "},
		{[]string{"objdump", write(t, dir, "short.o", "\x7fELF\x02")}, 1, "short.o: not a valid native object"},
	} {
		code, _, stderr := cli(c.args...)
		if code != c.code || !strings.Contains(stderr, c.err) {
			t.Errorf("wasmc %q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.err)
		}
	}
}

func TestStages(t *testing.T) {
	code, out, stderr := cli("stages", "-func", "twice", td("calc.wat"))
	if code != 0 || stderr != "" {
		t.Fatalf("stages: exit %d, stderr %q", code, stderr)
	}
	var heads []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "=== ") {
			heads = append(heads, l)
		}
	}
	want := []string{"=== wasm: func 5 <twice>", "=== ssa: func 5 <twice>", "=== opt: func 5 <twice>", "=== machine: func 5 <twice>"}
	if strings.Join(heads, "\n") != strings.Join(want, "\n") {
		t.Errorf("stages headers:\n%s\nwant\n%s", strings.Join(heads, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{": call 4 <div>\n", "call v1, v2 [f4]", "selected f5:", "code:\n", "ret"} {
		if !strings.Contains(out, w) {
			t.Errorf("stages output lacks %q:\n%s", w, out)
		}
	}
	code, out, _ = cli("stages", "-func", "0", "-stage", "opt", td("calc.wat"))
	if code != 0 || !strings.HasPrefix(out, "=== opt: func 0 <_initialize>\n") || strings.Contains(out, "=== wasm") {
		t.Errorf("stages -stage opt: exit %d\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"stages", td("calc.wat")}, 2, "the -func flag is required"},
		{[]string{"stages", "-func", "add", "-stage", "asm", td("calc.wat")}, 2, `unknown stage "asm"`},
		{[]string{"stages", "-func", "add", "missing.wat"}, 1, "wasmc stages: open missing.wat: no such file"},
	} {
		code, _, stderr := cli(c.args...)
		if code != c.code || !strings.Contains(stderr, c.err) {
			t.Errorf("wasmc %q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.err)
		}
	}
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := cli("help")
	for _, c := range []string{"run", "compile", "objdump", "stages", "validate", "wast"} {
		if code != 0 || !strings.Contains(out, "\t"+c+" ") {
			t.Errorf("wasmc help lacks %s: %q", c, out)
		}
		code, out, _ := cli("help", c)
		if code != 0 || !strings.HasPrefix(out, "usage: wasmc "+c+" ") {
			t.Errorf("wasmc help %s: exit %d, %q", c, code, out)
		}
	}
}
