package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// arm64Suite runs each workload once under wasmc for arm64, in qemu's
// user-mode emulation, and compares what it printed with the reference:
// the native build, or for the kernels (which have none) wasmc on this
// machine. Correctness only: emulated time says nothing about arm64's
// speed. bin/wasmc-arm64 and benchrun-arm64 in the work directory (for
// the kernels) are built by bench/run.sh.
func arm64Suite(args []string) int {
	fs := flag.NewFlagSet("arm64", flag.ExitOnError)
	repo, work := dirFlags(fs)
	only := fs.String("only", "", "regexp selecting workloads by group/name")
	qemu := fs.String("qemu", "qemu-aarch64-static", "the arm64 user-mode emulator")
	fs.Parse(args)
	c := findTools(*repo, *work)
	if p, err := exec.LookPath(*qemu); err == nil {
		c.qemu = p
	}
	if p := filepath.Join(c.repo, "bin/wasmc-arm64"); exists(p) {
		c.wasmcArm64 = p
	}
	if p := filepath.Join(c.work, "benchrun-arm64"); exists(p) {
		c.selfArm64 = p
	}
	if c.qemu == "" || c.wasmcArm64 == "" {
		fmt.Println("Skipped: qemu-aarch64-static or bin/wasmc-arm64 missing.")
		return 0
	}
	ws, err := selectWorkloads(c, *only)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var b strings.Builder
	b.WriteString("Each workload once under wasmc for arm64 in qemu user-mode emulation, its output compared with the reference's (native; for kernels, wasmc on this machine). Not timed.\n\n")
	b.WriteString("| workload | reference | arm64 output |\n|---|---|---|\n")
	bad := 0
	for _, w := range ws {
		id := w.group + "/" + w.name
		ref := "native"
		if w.native == "" {
			ref = "wasmc"
		}
		if c.command(ref, w) == nil || c.command("arm64", w) == nil {
			fmt.Fprintf(&b, "| %s | %s | skipped |\n", id, ref)
			continue
		}
		fmt.Fprintf(os.Stderr, "arm64: %s\n", id)
		want := runOne(c, ref, w)
		got := runOne(c, "arm64", w)
		var verdict string
		switch {
		case want.err != nil:
			verdict = "reference failed: `" + oneLine(want.err.Error()) + "`"
		case got.err != nil:
			verdict = "failed: `" + oneLine(got.err.Error()) + "`"
			bad++
		case got.key != want.key:
			verdict = "DIFFERS"
			bad++
		default:
			verdict = "equal"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", id, ref, verdict)
	}
	fmt.Print(b.String())
	if bad > 0 {
		return 1
	}
	return 0
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
