package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/wasi"
)

var cmdRun = &command{
	name:      "run",
	usageLine: "[--dir HOST[::GUEST]]... [--env K[=V]]... [--invoke NAME] [--cache DIR] file [args...]",
	short:     "compile and run a WASI program",
	long: `
Run compiles a module (.wasm, .wat) or loads a native object made by
'wasmc compile', and runs it as a WASI preview 1 program: it calls the
"_start" export with the arguments after the file (argument 0 is the
file's base name), on wasmc's standard input, output and error, and exits
with the program's exit status. Flags go before the file; everything after
it belongs to the program.

The guest sees no files and no environment unless given them:

	--dir HOST[::GUEST]
		preopen host directory HOST as GUEST (default: HOST as written);
		the guest cannot reach outside it. Repeatable.
	--env K=V
		set environment variable K; "--env K" passes the host's value.
		Repeatable.
	--invoke NAME
		instead of running the program, call the export NAME with the
		arguments after the file, parsed by the parameter types (integers
		in decimal or 0x hex, floats as Go parses them, "null" for
		references), and print each result on its own line. A reactor's
		"_initialize" runs first.
	--cache DIR
		keep compiled code in DIR, keyed by the module's content, the
		compiler version and the CPU features, and reuse it on later runs.

The single-dash forms (-dir, -env, ...) work too.

Go test binaries: the go command runs them as
'wasmc run pkg.test -test.paniconexit0 ...' from the package directory when
given -exec "wasmc run" (GOOS=wasip1 GOARCH=wasm go test -exec "wasmc run").
When the first program argument starts with "-test." and no --dir is
given, run does what Go's go_wasip1_wasm_exec script asks of other
runtimes: it preopens / as / and passes PWD (the current directory) and
PATH, so that tests can read their testdata. Installed under the name
go_wasip1_wasm_exec (a link to wasmc) in PATH, wasmc acts as 'wasmc run',
and the go command then needs no -exec flag for GOOS=wasip1.

A trap or another failure while running prints the error and exits with
status 134, as wasmtime does; failing to load the file exits with status 1;
an interrupt (^C) stops the program promptly with status 130.`,
	setFlags: func(fs *flag.FlagSet) {
		runOpts = &runFlags{}
		fs.Var(&runOpts.dirs, "dir", "preopen `HOST[::GUEST]`")
		fs.Var(&runOpts.env, "env", "set environment variable `K=V`")
		fs.StringVar(&runOpts.invoke, "invoke", "", "call export `NAME` instead of _start")
		fs.StringVar(&runOpts.cache, "cache", "", "compilation cache `DIR`")
	},
	run: runRun,
}

type runFlags struct {
	dirs   listFlag
	env    listFlag
	invoke string
	cache  string
}

var runOpts = &runFlags{}

// listFlag collects a repeatable flag's values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// Exit statuses of wasmc run besides the program's own.
const (
	exitLoad = 1   // the file could not be read, compiled or loaded
	exitTrap = 134 // the program trapped or failed while running

	exitInterrupt = 130 // stopped by an interrupt signal, as shells report it
)

// wasmStackSize matches the 8 MiB that Go's go_wasip1_wasm_exec gives
// wasmtime: Go programs recurse deeply in their tests.
const wasmStackSize = 8 << 20

func runRun(e *env, c *command, args []string) int {
	file, progArgs := args[0], args[1:]
	o := runOpts
	cfg, err := wasiConfig(e, o, file, progArgs)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc run: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rc := wasmc.NewRuntimeConfig().WithStackSize(wasmStackSize)
	if o.cache != "" {
		rc = rc.WithCompilationCache(o.cache)
	}
	r := wasmc.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(ctx)
	cm, err := loadModule(ctx, r, file)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc run: %v\n", err)
		return exitLoad
	}
	if o.invoke != "" {
		return invoke(ctx, e, r, cm, cfg, file, o.invoke, progArgs)
	}
	code, err := wasi.Run(ctx, r, cm, cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc run: %s: %s\n", file, strings.TrimPrefix(err.Error(), "wasmc: "))
		if ctx.Err() != nil {
			return exitInterrupt
		}
		return exitTrap
	}
	return int(code)
}

// wasiConfig builds the guest's WASI configuration from the flags.
func wasiConfig(e *env, o *runFlags, file string, progArgs []string) (*wasi.Config, error) {
	cfg := &wasi.Config{
		Args:   append([]string{filepath.Base(file)}, progArgs...),
		Stdin:  e.stdin,
		Stdout: e.stdout,
		Stderr: e.stderr,
	}
	dirs, env := []string(o.dirs), []string(o.env)
	if len(dirs) == 0 && len(progArgs) > 0 && strings.HasPrefix(progArgs[0], "-test.") {
		// A Go test binary run by 'go test -exec'; see the help text.
		dirs = []string{"/"}
		env = append([]string{"PWD", "PATH"}, env...)
		if wd, err := os.Getwd(); err == nil {
			env[0] = "PWD=" + wd
		}
	}
	for _, d := range dirs {
		host, guest, ok := strings.Cut(d, "::")
		if !ok {
			guest = host
		}
		if host == "" || guest == "" {
			return cfg, fmt.Errorf("--dir %q: want HOST or HOST::GUEST", d)
		}
		st, err := os.Stat(host)
		if err != nil {
			return cfg, fmt.Errorf("--dir %s: %w", d, err)
		}
		if !st.IsDir() {
			return cfg, fmt.Errorf("--dir %s: %s is not a directory", d, host)
		}
		cfg.Preopens = append(cfg.Preopens, wasi.Preopen{HostPath: host, GuestPath: guest})
	}
	for _, kv := range env {
		k, _, ok := strings.Cut(kv, "=")
		if k == "" {
			return cfg, fmt.Errorf("--env %q: want K=V or K", kv)
		}
		if !ok {
			v, set := os.LookupEnv(k)
			if !set {
				continue // like wasmtime: an unset host variable stays unset
			}
			kv = k + "=" + v
		}
		cfg.Env = append(cfg.Env, kv)
	}
	return cfg, nil
}

// Magic numbers that tell module files apart.
var (
	wasmMagic = []byte("\x00asm")
	elfMagic  = []byte("\x7fELF")
)

// loadModule compiles a .wasm or .wat file or loads a native object,
// telling them apart by their first bytes; errors name the file.
func loadModule(ctx context.Context, r *wasmc.Runtime, file string) (*wasmc.CompiledModule, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var cm *wasmc.CompiledModule
	if bytes.HasPrefix(data, elfMagic) {
		cm, err = r.LoadCompiledModule(ctx, data)
	} else {
		if !bytes.HasPrefix(data, wasmMagic) && strings.EqualFold(filepath.Ext(file), ".wasm") {
			return nil, fmt.Errorf("%s: not a WebAssembly module, a .wat file or a native object (no \\0asm or ELF magic number)", file)
		}
		cm, err = r.CompileModule(ctx, data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "wasmc: "))
	}
	return cm, nil
}
