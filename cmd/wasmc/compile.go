package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"

	"github.com/wasmc/wasmc"
)

var cmdCompile = &command{
	name:      "compile",
	usageLine: "[-o out] [-arch arch] file",
	short:     "compile a module to a native object",
	long: `
Compile compiles a module (.wasm, or .wat text) to a native object: an ELF
file holding the machine code and everything needed to instantiate the
module without the original file, which 'wasmc run' and the Go API
(Runtime.LoadCompiledModule) load far faster than they compile. Standard
tools read it: 'objdump -d file.o' shows each Wasm function as a symbol.

The -o flag names the output; the default is the input's name with its
extension replaced by ".o". The -arch flag selects the target architecture,
amd64 or arm64 (default: this machine's, ` + goruntime.GOARCH + `): any wasmc
compiles for both, and the object runs under a wasmc of its architecture.`,
	setFlags: func(fs *flag.FlagSet) {
		compileOpts = &compileFlags{}
		fs.StringVar(&compileOpts.out, "o", "", "write the object to `file`")
		fs.StringVar(&compileOpts.arch, "arch", goruntime.GOARCH, "target `architecture`")
	},
	run: runCompile,
}

type compileFlags struct {
	out, arch string
}

var compileOpts = &compileFlags{}

func runCompile(e *env, c *command, args []string) int {
	if len(args) != 1 {
		fmt.Fprintf(e.stderr, "wasmc compile: one input file expected, got %d\n", len(args))
		cmdUsage(e.stderr, c)
		return 2
	}
	file, o := args[0], compileOpts
	if !slices.Contains(wasmc.Arches(), o.arch) {
		fmt.Fprintf(e.stderr, "wasmc compile: -arch %s: unknown architecture; wasmc compiles for %s\n", o.arch, strings.Join(wasmc.Arches(), ", "))
		return 2
	}
	out := o.out
	if out == "" {
		out = strings.TrimSuffix(file, filepath.Ext(file)) + ".o"
		if out == file {
			out = file + ".o"
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc compile: %v\n", err)
		return 1
	}
	if bytes.HasPrefix(data, elfMagic) {
		fmt.Fprintf(e.stderr, "wasmc compile: %s: already a native object\n", file)
		return 1
	}
	// Compiling without loading: the code need not run on this machine.
	obj, err := wasmc.CompileObject(context.Background(), data, o.arch, wasmc.FeaturesV2)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc compile: %s: %s\n", file, strings.TrimPrefix(err.Error(), "wasmc: "))
		return 1
	}
	if err := writeFileAtomic(out, obj); err != nil {
		fmt.Fprintf(e.stderr, "wasmc compile: %v\n", err)
		return 1
	}
	return 0
}

// writeFileAtomic writes data to a temporary file beside name and renames
// it, so that a failed or interrupted compile never leaves a partial
// object where a good one was.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
