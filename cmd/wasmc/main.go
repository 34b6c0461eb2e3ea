// Wasmc is an ahead-of-time compiler for WebAssembly.
//
// Usage:
//
//	wasmc <command> [arguments]
//
// Run "wasmc help" for the list of commands.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// command is one subcommand, in the style of the go command.
type command struct {
	name      string
	usageLine string // arguments after the command name
	short     string
	long      string
	// setFlags declares the command's flags; run gets the rest of the
	// arguments, at least one, and returns the exit status.
	setFlags func(fs *flag.FlagSet)
	run      func(env *env, c *command, args []string) int
}

// env is where a command reads and writes; tests substitute buffers.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands = []*command{cmdRun, cmdCompile, cmdObjdump, cmdStages, cmdValidate, cmdWast}

func main() {
	args := os.Args[1:]
	if execName(os.Args[0]) {
		args = append([]string{"run"}, args...)
	}
	os.Exit(runIO(args, os.Stdin, os.Stdout, os.Stderr))
}

// execName reports whether wasmc was started under the name the go
// command looks up in PATH to run GOOS=wasip1 binaries, and so is to act
// as "wasmc run".
func execName(argv0 string) bool {
	return strings.TrimSuffix(filepath.Base(argv0), ".exe") == "go_wasip1_wasm_exec"
}

// run runs the command line args with an empty standard input.
func run(args []string, stdout, stderr io.Writer) int {
	return runIO(args, strings.NewReader(""), stdout, stderr)
}

func runIO(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		mainUsage(stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		return help(e, args[1:])
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "wasmc %s: unknown command\nRun 'wasmc help' for usage.\n", name)
		return 2
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { cmdUsage(stderr, cmd) }
	if cmd.setFlags != nil {
		cmd.setFlags(fs)
	}
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		cmdUsage(stderr, cmd)
		return 2
	}
	return cmd.run(e, cmd, fs.Args())
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, "Wasmc is an ahead-of-time compiler for WebAssembly.\n\nUsage:\n\n\twasmc <command> [arguments]\n\nThe commands are:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-11s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, "\nUse \"wasmc help <command>\" for more information about a command.\n")
}

func cmdUsage(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: wasmc %s %s\nRun 'wasmc help %s' for details.\n", c.name, c.usageLine, c.name)
}

func help(e *env, args []string) int {
	switch len(args) {
	case 0:
		mainUsage(e.stdout)
		return 0
	case 1:
		c := lookup(args[0])
		if c == nil {
			fmt.Fprintf(e.stderr, "wasmc help %s: unknown help topic. Run 'wasmc help'.\n", args[0])
			return 2
		}
		fmt.Fprintf(e.stdout, "usage: wasmc %s %s\n\n%s\n", c.name, c.usageLine, strings.TrimSpace(c.long))
		return 0
	}
	fmt.Fprint(e.stderr, "usage: wasmc help command\n\nToo many arguments given.\n")
	return 2
}

// featuresFlag is the -features flag shared by the commands.
type featuresFlag struct{ f wasm.Features }

func (v *featuresFlag) String() string { return v.f.String() }

// register declares v as fs's -features flag, reset to the default.
func (v *featuresFlag) register(fs *flag.FlagSet) {
	v.f = wasm.Default
	fs.Var(v, "features", "enabled proposals")
}

func (v *featuresFlag) Set(s string) error {
	f, err := wasm.ParseFeatures(s)
	if err != nil {
		return err
	}
	v.f = f
	return nil
}

const featuresHelp = `The -features flag sets the WebAssembly proposals modules may use: a
comma-separated list of proposal names (mvp, sign-extension, simd, gc,
threads, stack-switching, ...), the sets v1, v2, v3, default and all, and
-name to remove one. The default is "default": WebAssembly 3.0 plus threads,
stack switching and legacy exceptions.`
