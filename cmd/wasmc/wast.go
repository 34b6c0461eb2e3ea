package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/internal/wastrun"
)

var (
	wastFeatures = &featuresFlag{f: wasm.Default}
	wastVerbose  bool
	wastNoExec   bool
)

var cmdWast = &command{
	name:      "wast",
	usageLine: "[-v] [-noexec] [-features list] file...",
	short:     "run WebAssembly script tests",
	long: `
Wast runs WebAssembly script files (.wast, the spec test suite's format).
Modules must decode and validate; assert_malformed and assert_invalid
modules must be rejected. Modules are then compiled to machine code for
this machine and run: register, invoke, get, assert_return,
assert_trap, assert_exhaustion, assert_unlinkable and
assert_uninstantiable are checked, with imports from the "spectest" host
module of the reference interpreter.

The -noexec flag only decodes and validates, skipping every command
that needs execution.

It prints "file: P passed, F failed, S skipped" for each file and a total
line, and exits with status 1 if any check failed.

The -v flag also prints "file:line: reason" for each failed or skipped
check, and a note for each rejection whose message differs from the
expected one.

` + featuresHelp,
	setFlags: func(fs *flag.FlagSet) {
		fs.BoolVar(&wastVerbose, "v", false, "print failed and skipped checks")
		fs.BoolVar(&wastNoExec, "noexec", false, "decode and validate only; do not execute")
		wastFeatures.register(fs)
	},
	run: runWast,
}

func runWast(e *env, c *command, files []string) int {
	var total wastrun.Result
	for _, f := range files {
		res := wastFile(e, f)
		total.Passed += res.Passed
		total.Failed += res.Failed
		total.Skipped += res.Skipped
		fmt.Fprintf(e.stdout, "%s: %s\n", f, tally(&res))
	}
	fmt.Fprintf(e.stdout, "total: %s\n", tally(&total))
	if total.Failed > 0 {
		return 1
	}
	return 0
}

// wastFile runs one script; a file that cannot be read or parsed counts as
// one failure.
func wastFile(e *env, f string) wastrun.Result {
	src, err := os.ReadFile(f)
	var s *wast.Script
	if err == nil {
		s, err = wast.Parse(f, src)
	}
	if err != nil {
		fmt.Fprintf(e.stdout, "%v\n", err)
		return wastrun.Result{Failed: 1}
	}
	opts := wastrun.Options{Features: wastFeatures.f}
	if !wastNoExec && wastrun.NativeAvailable {
		// A fresh engine per script: registered names are per script.
		e := wastrun.NewNativeEngine(wastFeatures.f)
		defer e.Close()
		opts.Engine = e
	}
	res := wastrun.Run(s, opts)
	if wastVerbose {
		for _, c := range res.Checks {
			switch {
			case c.Outcome != wastrun.Pass:
				fmt.Fprintf(e.stdout, "%s:%d: %s: %s\n", f, c.Line, c.Outcome, c.Reason)
			case c.Note != "":
				fmt.Fprintf(e.stdout, "%s:%d: note: %s\n", f, c.Line, c.Note)
			}
		}
	}
	return res
}

func tally(r *wastrun.Result) string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", r.Passed, r.Failed, r.Skipped)
}
