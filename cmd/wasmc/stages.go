package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"strings"

	"github.com/wasmc/wasmc/backend"
)

var cmdStages = &command{
	name:      "stages",
	usageLine: "-func name|index [-stage list] [-arch arch] file",
	short:     "show each compilation stage of a function",
	long: `
Stages compiles one function of a module (.wasm, or .wat text) and prints
it at each stage of the compiler:

	wasm       the function's Wasm instructions, with their offsets in
	           the module binary
	ssa        the SSA form the frontend builds from them
	opt        the SSA form after the optimization passes
	machine    the selected machine instructions (virtual registers),
	           then the final machine code after register allocation

The -func flag, required, names the function: a function index, or a
name from the name section or the exports. The -stage flag restricts the
output to a comma-separated list of the stages above. The -arch flag
selects the machine, amd64 or arm64 (default: this machine's, ` + goruntime.GOARCH + `).`,
	setFlags: func(fs *flag.FlagSet) {
		stagesOpts = &stagesFlags{}
		fs.StringVar(&stagesOpts.fn, "func", "", "the function: `name|index`")
		fs.StringVar(&stagesOpts.stages, "stage", "wasm,ssa,opt,machine", "stages to print (`list`)")
		fs.StringVar(&stagesOpts.arch, "arch", goruntime.GOARCH, "target `architecture`")
	},
	run: runStages,
}

type stagesFlags struct {
	fn, stages, arch string
}

var stagesOpts = &stagesFlags{}

var stageNames = []string{"wasm", "ssa", "opt", "machine"}

func runStages(e *env, c *command, args []string) int {
	o := stagesOpts
	if len(args) != 1 || o.fn == "" {
		if o.fn == "" {
			fmt.Fprintln(e.stderr, "wasmc stages: the -func flag is required")
		} else {
			fmt.Fprintf(e.stderr, "wasmc stages: one input file expected, got %d\n", len(args))
		}
		cmdUsage(e.stderr, c)
		return 2
	}
	want := map[string]bool{}
	for _, s := range strings.Split(o.stages, ",") {
		s = strings.TrimSpace(s)
		if !contains(stageNames, s) {
			fmt.Fprintf(e.stderr, "wasmc stages: -stage: unknown stage %q (want %s)\n", s, strings.Join(stageNames, ", "))
			return 2
		}
		want[s] = true
	}
	if !checkArch(e.stderr, "stages", o.arch) {
		return 2
	}
	file := args[0]
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc stages: %v\n", err)
		return 1
	}
	if err := printStages(e.stdout, file, data, o.arch, o.fn, want); err != nil {
		fmt.Fprintf(e.stderr, "wasmc stages: %s: %s\n", file, strings.TrimPrefix(err.Error(), "wasmc: "))
		return 1
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func printStages(w io.Writer, file string, data []byte, arch, sel string, want map[string]bool) error {
	if bytes.HasPrefix(data, elfMagic) {
		return fmt.Errorf("a native object keeps no Wasm code; give the module it was compiled from")
	}
	m, err := loadWasm(file, data)
	if err != nil {
		return err
	}
	idx, err := findFunc(m, sel)
	if err != nil {
		return err
	}
	header := func(stage string) {
		fmt.Fprintf(w, "=== %s: func %d <%s>\n", stage, idx, funcLabel(m, idx))
	}
	if want["wasm"] {
		header("wasm")
		if err := writeBody(w, m, compileFeatures, idx); err != nil {
			return fmt.Errorf("function %d: %w", idx, err)
		}
	}
	if !want["ssa"] && !want["opt"] && !want["machine"] {
		return nil
	}
	// On failure st holds the stages that completed: print them, then the
	// error, which is what one debugs with this command.
	st, cerr := backend.CompileFunc(m, compileFeatures, arch, idx)
	if st != nil {
		for _, s := range []struct{ name, text string }{
			{"ssa", st.Lowered}, {"opt", st.Optimized}, {"machine", st.Machine},
		} {
			if want[s.name] && s.text != "" {
				header(s.name)
				io.WriteString(w, s.text)
				if !strings.HasSuffix(s.text, "\n") {
					io.WriteString(w, "\n")
				}
			}
		}
	}
	return cerr
}
