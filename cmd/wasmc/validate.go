package main

import (
	"flag"
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/modfile"
)

var validateFeatures = &featuresFlag{f: wasm.Default}

var cmdValidate = &command{
	name:      "validate",
	usageLine: "[-features list] file...",
	short:     "decode and validate modules",
	long: `
Validate decodes each module file (.wasm, or .wat in the text format) and
checks it against the WebAssembly validation rules, printing "file: ok" or
"file: error". It exits with status 1 if any file is rejected.

` + featuresHelp,
	setFlags: func(fs *flag.FlagSet) {
		validateFeatures.register(fs)
	},
	run: runValidate,
}

func runValidate(e *env, c *command, files []string) int {
	status := 0
	for _, f := range files {
		if _, _, err := modfile.Load(f, validateFeatures.f); err != nil {
			fmt.Fprintf(e.stdout, "%s: %v\n", f, err)
			status = 1
			continue
		}
		fmt.Fprintf(e.stdout, "%s: ok\n", f)
	}
	return status
}
