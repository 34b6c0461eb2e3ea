package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The host call benchmarks of internal/bench, which run wasmc and wazero
// side by side in one process: the round trip Go -> Wasm -> Go host
// function -> Wasm -> Go, and a call of an empty function for scale.
var hostBenches = []struct{ name, what string }{
	{"BenchmarkHostCallDirect", "host call round trip, `CallWithStack`"},
	{"BenchmarkHostCall", "host call round trip, `Call`, results in a new slice"},
	{"BenchmarkCallEmpty", "Go -> Wasm, empty function, `Call`"},
}

// The preemption settings the benchmarks run under: Go's default, and
// without asynchronous preemption, where wasmc's loops check on every
// iteration again (docs/abi.md). Neither setting should move a round trip.
var hostSettings = []struct{ label, godebug string }{
	{"default", ""},
	{"asyncpreemptoff=1", "asyncpreemptoff=1"},
}

// hostSuite builds internal/bench's test binary and runs the host call
// benchmarks rounds times under each setting, alternating the order, and
// prints the medians per engine.
func hostSuite(args []string) int {
	fs := flag.NewFlagSet("hostcall", flag.ExitOnError)
	rounds := fs.Int("rounds", 5, "interleaved rounds")
	repo, work := dirFlags(fs)
	benchtime := fs.String("benchtime", "1s", "-test.benchtime of each run")
	fs.Parse(args)
	bin, err := filepath.Abs(filepath.Join(*work, "hostbench.test"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	build := exec.Command(goCommand(), "test", "-c", "-o", bin, "./internal/bench")
	build.Dir = *repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Printf("Not measured: building internal/bench failed: %v\n\n```\n%s```\n", err, out)
		return 0
	}
	var names []string
	for _, b := range hostBenches {
		names = append(names, b.name)
	}
	pattern := "^(" + strings.Join(names, "|") + ")$"
	// ns[setting][benchmark/engine]: one median input per round.
	ns := make([]map[string][]float64, len(hostSettings))
	for i := range ns {
		ns[i] = map[string][]float64{}
	}
	for round := 0; round < *rounds; round++ {
		fmt.Fprintf(os.Stderr, "host calls round %d/%d\n", round+1, *rounds)
		for j := range hostSettings {
			k := (j + round) % len(hostSettings)
			cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", pattern, "-test.benchtime", *benchtime, "-test.count", "1")
			cmd.Dir = filepath.Join(*repo, "internal", "bench")
			cmd.Env = append(os.Environ(), "GODEBUG="+hostSettings[k].godebug)
			out, err := cmd.CombinedOutput()
			if err != nil {
				fmt.Printf("Not measured: %s under %s failed: %v\n\n```\n%s```\n", filepath.Base(bin), hostSettings[k].label, err, out)
				return 0
			}
			sc := bufio.NewScanner(strings.NewReader(string(out)))
			for sc.Scan() {
				if name, v, ok := benchLine(sc.Text()); ok {
					ns[k][name] = append(ns[k][name], v)
				}
			}
		}
	}
	fmt.Print(hostReport(ns, *rounds))
	return 0
}

// goCommand is the go command bench/run.sh uses.
func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

func hostReport(ns []map[string][]float64, rounds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Median ns per call of %d interleaved runs of `go test ./internal/bench` (both engines in one process, GOMAXPROCS = cores), under Go's default preemption and under `GODEBUG=asyncpreemptoff=1`.\n\n", rounds)
	b.WriteString("| benchmark | wasmc ns | wazero ns | wasmc faster | asyncpreemptoff=1: wasmc ns | wazero ns | wasmc faster |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, hb := range hostBenches {
		fmt.Fprintf(&b, "| %s (%s) |", strings.TrimPrefix(hb.name, "Benchmark"), hb.what)
		for k := range hostSettings {
			w := median(ns[k][hb.name+"/wasmc"])
			z := median(ns[k][hb.name+"/wazero"])
			fmt.Fprintf(&b, " %s | %s | %s |", fmtNs(w), fmtNs(z), fmtRatio(z/w))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func fmtNs(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", r)
}
