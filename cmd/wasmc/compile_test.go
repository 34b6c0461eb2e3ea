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

// objdumpArches is what objdump and stages show of calc.wat for each
// architecture: the multiply, the division, the calls of twice by the
// callee's name, and a prologue instruction.
var objdumpArches = []struct {
	arch, mul, div, callDiv, callAdd, prologue string
}{
	{"amd64", "mulsd xmm0, xmm1", "idiv", "call div\n", "call add\n", "sub rsp, 0x8"},
	{"arm64", "fmul d0, d0, d1", "sdiv w0, w0, w1", "bl div\n", "bl add\n", "stp x29, x30, [sp,#-16]!"},
}

func TestObjdump(t *testing.T) {
	for _, a := range objdumpArches {
		t.Run(a.arch, func(t *testing.T) { testObjdump(t, a.arch, a.mul, a.div, a.callDiv, a.callAdd) })
	}
	// Without -arch, modules are compiled for this machine.
	code, out, stderr := cli("objdump", "-func", "add", td("calc.wat"))
	if code != 0 || stderr != "" || !strings.Contains(out, " "+goruntime.GOARCH+":\n") {
		t.Errorf("objdump -func add: exit %d, stderr %q; want %s code\n%s", code, stderr, goruntime.GOARCH, out)
	}

	// amd64 jumps back into a loop header show where they go once signal
	// preemption has them skip the header's check.
	dir := t.TempDir()
	loop := write(t, dir, "loop.wat", `(module (func (param i32) (loop $l (br_if $l (local.get 0)))))`)
	code, out, stderr = cli("objdump", "-arch", "amd64", loop)
	if code != 0 || !strings.Contains(out, "when signals preempt (past the check)") {
		t.Errorf("objdump -arch amd64 loop.wat: exit %d, stderr %q, no check skip noted\n%s", code, stderr, out)
	}

	// An ELF file for another machine is refused.
	obj := filepath.Join(dir, "calc.o")
	if code, _, stderr := cli("compile", "-o", obj, td("calc.wat")); code != 0 {
		t.Fatalf("compile: exit %d, %s", code, stderr)
	}
	data, _ := os.ReadFile(obj)
	data[18], data[19] = byte(elf.EM_RISCV), 0
	riscv := write(t, dir, "riscv.o", string(data))
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"objdump", riscv}, 1, "the object is for EM_RISCV; objdump disassembles amd64 (EM_X86_64) and arm64 (EM_AARCH64) code only"},
		{[]string{"objdump"}, 2, "usage: wasmc objdump"},
		{[]string{"objdump", "-arch", "riscv64", td("calc.wat")}, 2, "-arch riscv64: unknown architecture; wasmc compiles for amd64, arm64"},
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

// testObjdump disassembles calc.wat compiled for arch, and the object
// cross-compiled for arch, whatever this machine is.
func testObjdump(t *testing.T, arch, mul, div, callDiv, callAdd string) {
	code, out, stderr := cli("objdump", "-arch", arch, td("calc.wat"))
	if code != 0 || stderr != "" {
		t.Fatalf("objdump -arch %s calc.wat: exit %d, stderr %q", arch, code, stderr)
	}
	for _, want := range []string{
		"func 1 <add>: ", " wasm:\n", "  ;; type [i32 i32] -> [i32]\n", ": i32.add\n", " " + arch + ":\n",
		"func 2 <mul>: ", mul, "func 4 <div>: ", ": i32.div_s\n",
		"func 5 <twice>: ", ": call 4 <div>\n", callDiv, callAdd,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("objdump -arch %s calc.wat lacks %q:\n%s", arch, want, out)
		}
	}
	if strings.Contains(out, ".word") || strings.Contains(out, ".byte") {
		t.Errorf("objdump -arch %s calc.wat shows code that does not decode:\n%s", arch, out)
	}
	code, out, _ = cli("objdump", "-arch", arch, "-func", "div", td("calc.wat"))
	if code != 0 || !strings.HasPrefix(out, "func 4 <div>: ") || strings.Contains(out, "<add>:") ||
		!strings.Contains(out, div) {
		t.Errorf("objdump -arch %s -func div: exit %d\n%s", arch, code, out)
	}

	// An object: the same machine code, without Wasm bodies; the object
	// says what it is for, so -arch is not needed.
	dir := t.TempDir()
	obj := filepath.Join(dir, "calc.o")
	if code, _, stderr := cli("compile", "-arch", arch, "-o", obj, td("calc.wat")); code != 0 {
		t.Fatalf("compile: exit %d, %s", code, stderr)
	}
	code, objOut, stderr := cli("objdump", "-func", "4", obj)
	if code != 0 || stderr != "" || !strings.HasPrefix(objOut, "func 4 <div>: ") || strings.Contains(objOut, "wasm:") {
		t.Errorf("objdump -func 4 calc.o: exit %d, stderr %q\n%s", code, stderr, objOut)
	}
	head := " " + arch + ":\n"
	if asm := out[strings.Index(out, head)+len(head):]; asm != objOut[strings.Index(objOut, "\n")+1:] {
		t.Errorf("objdump of the object differs from the module's:\n%s\nvs\n%s", objOut, out)
	}

	// A damaged object is still shown by its ELF symbols (func[i]), with
	// a note; calls name their targets' symbols.
	data, _ := os.ReadFile(obj)
	data[len(data)/2] ^= 1
	bad := write(t, dir, "bad.o", string(data))
	code, out, stderr = cli("objdump", bad)
	if code != 0 || !strings.Contains(stderr, "listing its ELF symbols instead") || !strings.Contains(out, ".text <func[4]>: ") ||
		!strings.Contains(out, div) || !strings.Contains(out, strings.Replace(callDiv, "div", "func[4]", 1)) {
		t.Errorf("objdump of a damaged object: exit %d, stderr %q\n%s", code, stderr, out)
	}
}

func TestStages(t *testing.T) {
	for _, a := range objdumpArches {
		code, out, stderr := cli("stages", "-arch", a.arch, "-func", "twice", td("calc.wat"))
		if code != 0 || stderr != "" {
			t.Fatalf("stages -arch %s: exit %d, stderr %q", a.arch, code, stderr)
		}
		var heads []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "=== ") {
				heads = append(heads, l)
			}
		}
		want := []string{"=== wasm: func 5 <twice>", "=== ssa: func 5 <twice>", "=== opt: func 5 <twice>", "=== machine: func 5 <twice>"}
		if strings.Join(heads, "\n") != strings.Join(want, "\n") {
			t.Errorf("stages -arch %s headers:\n%s\nwant\n%s", a.arch, strings.Join(heads, "\n"), strings.Join(want, "\n"))
		}
		for _, w := range []string{": call 4 <div>\n", "call v1, v2 [f4]", "selected f5:", "code:\n", a.prologue, "ret"} {
			if !strings.Contains(out, w) {
				t.Errorf("stages -arch %s output lacks %q:\n%s", a.arch, w, out)
			}
		}
		code, out, _ = cli("stages", "-arch", a.arch, "-func", "div", "-stage", "machine", td("calc.wat"))
		if code != 0 || !strings.HasPrefix(out, "=== machine: func 4 <div>\n") || !strings.Contains(out, a.div) {
			t.Errorf("stages -arch %s -stage machine: exit %d, want %q\n%s", a.arch, code, a.div, out)
		}
	}
	code, out, _ := cli("stages", "-func", "0", "-stage", "opt", td("calc.wat"))
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
		{[]string{"stages", "-func", "add", "-arch", "riscv64", td("calc.wat")}, 2, "-arch riscv64: unknown architecture; wasmc compiles for amd64, arm64"},
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
