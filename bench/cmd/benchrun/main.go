// Command benchrun is the benchmark suite's runner (bench/run.sh drives
// it). `benchrun run` times every workload under every engine, interleaved
// round by round, checks outputs agree and prints a Markdown report;
// `benchrun compile` measures compilation, `benchrun hostcall` the host
// call round trip. The other subcommands are the engines it starts:
// `wazero` (a WASI program under wazero's compiler) and `kernel` (a
// kernel under wasmc or wazero, in-process).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchrun run|arm64|compile|hostcall|wazero|kernel ...")
		os.Exit(2)
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "run":
		os.Exit(suite(args))
	case "arm64":
		os.Exit(arm64Suite(args))
	case "compile":
		os.Exit(compileSuite(args))
	case "compile-one":
		os.Exit(compileOne(args))
	case "hostcall":
		os.Exit(hostSuite(args))
	case "wazero":
		os.Exit(wazeroRun(args))
	case "kernel":
		os.Exit(kernelRun(args))
	}
	fmt.Fprintf(os.Stderr, "benchrun: unknown command %q\n", os.Args[1])
	os.Exit(2)
}

// config is what the engines need: paths of the tools, found or not.
type config struct {
	repo, work, self, wasmc, node string
	// For the arm64 check (arm64.go): qemu-user, wasmc and benchrun
	// built for arm64; "" when missing.
	qemu, wasmcArm64, selfArm64 string
}

// workload is one program of the suite.
type workload struct {
	group, name string
	wasm        string // module given to the Wasm engines
	native      string // native executable; "" when there is none
	args        []string
	dir         string // working directory (Go test binaries read testdata)
	kernel      string // kernel name for the kernel runners
	goBench     bool   // time by the ns/op it prints, not by wall clock
}

// engine command lines; nil when the engine cannot run the workload.
func (c *config) command(engine string, w *workload) []string {
	switch engine {
	case "native":
		if w.native == "" {
			return nil
		}
		return append([]string{w.native}, w.args...)
	case "wasmc":
		if c.wasmc == "" {
			return nil
		}
		if w.kernel != "" {
			return []string{c.self, "kernel", "wasmc", w.wasm, w.kernel, strconv.Itoa(kernels[w.kernel].reps)}
		}
		return append([]string{c.wasmc, "run", "--cache", filepath.Join(c.work, "cache-wasmc"), w.wasm}, w.args...)
	case "wazero":
		if w.kernel != "" {
			return []string{c.self, "kernel", "wazero", w.wasm, w.kernel, strconv.Itoa(kernels[w.kernel].reps)}
		}
		return append([]string{c.self, "wazero", w.wasm}, w.args...)
	case "node":
		if c.node == "" {
			return nil
		}
		flags := []string{c.node, "--no-warnings", "--no-turbo-fast-api-calls", "--stack-size=8192"}
		if w.kernel != "" {
			bin := kernelWasm(c, w)
			return append(flags, filepath.Join(c.repo, "bench/node/kernel.mjs"), bin, w.kernel, strconv.Itoa(kernels[w.kernel].reps))
		}
		flags = append(flags, "--experimental-wasi-unstable-preview1", filepath.Join(c.repo, "bench/node/wasi.mjs"), w.wasm)
		return append(flags, w.args...)
	case "arm64":
		if c.qemu == "" || c.wasmcArm64 == "" {
			return nil
		}
		if w.kernel != "" {
			if c.selfArm64 == "" {
				return nil
			}
			return []string{c.qemu, c.selfArm64, "kernel", "wasmc", w.wasm, w.kernel, "1"}
		}
		return append([]string{c.qemu, c.wasmcArm64, "run", "--cache", filepath.Join(c.work, "cache-wasmc-arm64"), w.wasm}, w.args...)
	}
	return nil
}

var engines = []string{"native", "wasmc", "wazero", "node"}

// goBenches are the Go standard library benchmarks: package and -test.bench filter.
var goBenches = []struct{ pkg, filter string }{
	{"strconv", "^Benchmark(Quote|AppendQuote|UnquoteHard)$"},
	{"sort", "^BenchmarkSortInts$"},
	{"compress/flate", "^BenchmarkEncode$/^Digits$/^Default$/^1e5$"},
	{"crypto/sha256", "^BenchmarkHash8K$"},
	{"regexp", "^BenchmarkMatchClass$"},
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func workloads(c *config) []*workload {
	var ws []*workload
	out := filepath.Join(c.work, "out")
	for _, n := range []string{"sqlite", "zstd", "brotli", "zopfli"} {
		w := &workload{group: "C", name: n, wasm: filepath.Join(out, n+".wasm")}
		if !exists(w.wasm) {
			fmt.Fprintf(os.Stderr, "benchrun: %s not built, skipped\n", w.wasm)
			continue
		}
		if exists(filepath.Join(out, n+".native")) {
			w.native = filepath.Join(out, n+".native")
		}
		ws = append(ws, w)
	}
	goroot := runtime.GOROOT()
	for _, g := range goBenches {
		n := "go-" + strings.ReplaceAll(g.pkg, "/", "_")
		w := &workload{group: "Go", name: g.pkg, wasm: filepath.Join(out, n+".wasm"), goBench: true,
			dir:  filepath.Join(goroot, "src", g.pkg),
			args: []string{"-test.run=^$", "-test.bench=" + g.filter, "-test.benchtime=200ms"}}
		if !exists(w.wasm) {
			fmt.Fprintf(os.Stderr, "benchrun: %s not built, skipped\n", w.wasm)
			continue
		}
		if exists(filepath.Join(out, n+".native")) {
			w.native = filepath.Join(out, n+".native")
		}
		ws = append(ws, w)
	}
	for _, k := range []string{"fib", "sieve", "matmul", "sum", "calls"} {
		wat := filepath.Join(c.repo, "internal/bench/testdata", k+".wat")
		if !exists(wat) {
			continue
		}
		w := &workload{group: "kernel", name: k, wasm: wat, kernel: k}
		ws = append(ws, w)
	}
	return ws
}

// result is one run: seconds (wall clock, or ns/op sum for Go
// benchmarks) and the output to compare.
type result struct {
	secs float64
	key  string
	err  error
}

func runOne(c *config, engine string, w *workload) result {
	argv := c.command(engine, w)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = w.dir
	cmd.Env = os.Environ()
	if w.dir != "" {
		cmd.Env = append(cmd.Env, "PWD="+w.dir)
	}
	cmd.Env = append(cmd.Env, "BENCH_WAZERO_CACHE="+filepath.Join(c.work, "cache-wazero"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	if err != nil {
		msg := strings.TrimSpace(stderr.String() + " " + stdout.String())
		if len(msg) > 300 {
			msg = msg[len(msg)-300:]
		}
		return result{err: fmt.Errorf("%v: %s", err, msg)}
	}
	if w.goBench {
		g := parseGoBench(stdout.String())
		if len(g.names) == 0 || !g.pass {
			return result{err: fmt.Errorf("no benchmark result: %.200s", stdout.String()+stderr.String())}
		}
		return result{secs: g.nsOp / 1e9, key: g.key()}
	}
	return result{secs: secs, key: stdout.String()}
}

func findTools(repo, work string) *config {
	// Absolute: Go test binaries run from their package directory.
	repo, _ = filepath.Abs(repo)
	work, _ = filepath.Abs(work)
	c := &config{repo: repo, work: work}
	c.self, _ = os.Executable()
	if p := filepath.Join(repo, "bin/wasmc"); exists(p) {
		c.wasmc = p
	} else {
		fmt.Fprintln(os.Stderr, "benchrun: bin/wasmc missing: wasmc column skipped")
	}
	if p, err := exec.LookPath("node"); err == nil {
		c.node = p
	} else {
		fmt.Fprintln(os.Stderr, "benchrun: node missing: node column skipped")
	}
	return c
}

// dirFlags declares the flags naming the repository and bench/build.sh's
// work directory, which every subcommand takes.
func dirFlags(fs *flag.FlagSet) (repo, work *string) {
	return fs.String("repo", ".", "repository root"),
		fs.String("work", "bench/.work", "work directory of bench/build.sh")
}

func suite(args []string) int {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	rounds := fs.Int("rounds", 5, "timed rounds (after one warm-up round)")
	repo, work := dirFlags(fs)
	only := fs.String("only", "", "regexp selecting workloads by group/name")
	fs.Parse(args)
	c := findTools(*repo, *work)
	ws, err := selectWorkloads(c, *only)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	// The kernels reach node as binary modules.
	for _, w := range ws {
		if w.kernel != "" {
			if err := watToWasm(w.wasm, kernelWasm(c, w)); err != nil {
				fmt.Fprintln(os.Stderr, "benchrun:", err)
			}
		}
	}
	times := map[string]map[string][]float64{} // workload -> engine -> seconds
	keys := map[string]map[string]string{}
	failed := map[string]map[string]string{}
	for round := 0; round <= *rounds; round++ {
		fmt.Fprintf(os.Stderr, "round %d/%d\n", round, *rounds)
		for i, w := range ws {
			id := w.group + "/" + w.name
			if times[id] == nil {
				times[id], keys[id], failed[id] = map[string][]float64{}, map[string]string{}, map[string]string{}
			}
			// Rotate the order so no engine always follows another.
			for j := range engines {
				e := engines[(i+j+round)%len(engines)]
				if c.command(e, w) == nil || failed[id][e] != "" {
					continue
				}
				r := runOne(c, e, w)
				if r.err != nil {
					failed[id][e] = r.err.Error()
					fmt.Fprintf(os.Stderr, "  %s %s: %v\n", id, e, r.err)
					continue
				}
				keys[id][e] = r.key
				if round > 0 { // round 0 warms caches
					times[id][e] = append(times[id][e], r.secs)
				}
			}
		}
	}
	fmt.Print(report(ws, times, keys, failed, *rounds))
	return 0
}

// kernelWasm is where node's binary copy of a kernel goes.
func kernelWasm(c *config, w *workload) string {
	return filepath.Join(c.work, "out", "kernel-"+w.kernel+".wasm")
}

// selectWorkloads lists the workloads whose group/name matches the
// regexp only (all of them for "").
func selectWorkloads(c *config, only string) ([]*workload, error) {
	ws := workloads(c)
	if only == "" {
		return ws, nil
	}
	re, err := regexp.Compile(only)
	if err != nil {
		return nil, err
	}
	return filterWorkloads(ws, re), nil
}

func filterWorkloads(ws []*workload, re *regexp.Regexp) []*workload {
	var out []*workload
	for _, w := range ws {
		if re.MatchString(w.group + "/" + w.name) {
			out = append(out, w)
		}
	}
	return out
}

// report is the Markdown table of medians and ratios to native (or, for
// kernels, which have no native build, to wasmc).
func report(ws []*workload, times map[string]map[string][]float64, keys map[string]map[string]string,
	failed map[string]map[string]string, rounds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Median of %d interleaved rounds (after a warm-up round). Seconds (C, kernels: wall clock of the process; Go: sum of the ns/op printed, in seconds); in brackets the ratio to native. Kernels have no native build.\n\n", rounds)
	fmt.Fprintf(&b, "| workload | %s | outputs |\n|---|%s---|\n", strings.Join(engines, " | "), strings.Repeat("---|", len(engines)))
	ratios := map[string]map[string][]float64{} // group -> engine -> ratios
	for _, w := range ws {
		id := w.group + "/" + w.name
		base := median(times[id]["native"])
		fmt.Fprintf(&b, "| %s |", id)
		for _, e := range engines {
			t := median(times[id][e])
			switch {
			case failed[id][e] != "":
				b.WriteString(" failed |")
			case math.IsNaN(t):
				b.WriteString(" - |")
			case math.IsNaN(base) || e == "native":
				fmt.Fprintf(&b, " %.4g |", t)
			default:
				fmt.Fprintf(&b, " %.4g (%.2fx) |", t, t/base)
				if ratios[w.group] == nil {
					ratios[w.group] = map[string][]float64{}
				}
				ratios[w.group][e] = append(ratios[w.group][e], t/base)
			}
		}
		fmt.Fprintf(&b, " %s |\n", agreement(keys[id]))
	}
	for _, g := range []string{"C", "Go"} {
		if ratios[g] == nil {
			continue
		}
		fmt.Fprintf(&b, "| **%s geomean vs native** |", g)
		for _, e := range engines {
			if e == "native" {
				b.WriteString(" 1 |")
			} else if gm := geomean(ratios[g][e]); math.IsNaN(gm) {
				b.WriteString(" - |")
			} else {
				fmt.Fprintf(&b, " %.2fx |", gm)
			}
		}
		b.WriteString(" |\n")
	}
	for _, w := range ws {
		id := w.group + "/" + w.name
		for _, e := range engines {
			if msg := failed[id][e]; msg != "" {
				fmt.Fprintf(&b, "\n- %s under %s failed: `%s`", id, e, strings.ReplaceAll(msg, "\n", " "))
			}
		}
	}
	b.WriteString("\n")
	return b.String()
}

// agreement says whether every engine printed the same output.
func agreement(keys map[string]string) string {
	first, differ := "", []string{}
	for _, e := range engines {
		k, ok := keys[e]
		if !ok {
			continue
		}
		if first == "" {
			first = k
		} else if k != first {
			differ = append(differ, e)
		}
	}
	if len(differ) > 0 {
		return "DIFFER: " + strings.Join(differ, ",")
	}
	return "equal"
}
