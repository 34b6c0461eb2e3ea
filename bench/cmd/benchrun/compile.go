package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// watToWasm writes the binary form of a text module (node takes binaries).
func watToWasm(wat, out string) error {
	src, err := os.ReadFile(wat)
	if err != nil {
		return err
	}
	bin, err := text.ParseModule(src)
	if err != nil {
		return fmt.Errorf("%s: %w", wat, err)
	}
	return os.WriteFile(out, bin, 0o644)
}

// codeBytes is the size of the code section's function bodies, the unit of
// the MB/s figures.
func codeBytes(bin []byte) (int, error) {
	m, err := binary.Decode(bin, wasm.V2&^wasm.SIMD)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range m.Codes {
		n += len(c.Body)
	}
	return n, nil
}

// compileOne compiles (or, for wasmc-load, loads a native object) once in
// a fresh process and prints the seconds it took and the CPU seconds the
// process spent meanwhile (all threads: with parallel compilation the
// ratio shows how much the cores helped); the parent reads the process's
// peak RSS.
func compileOne(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchrun compile-one wasmc|wazero|wazero-par|wasmc-load FILE")
		return 2
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	cpu0 := cpuSeconds()
	start := time.Now()
	switch args[0] {
	case "wasmc":
		_, err = wasmc.NewRuntime(ctx).CompileModule(ctx, data)
	case "wasmc-load":
		_, err = wasmc.NewRuntime(ctx).LoadCompiledModule(ctx, data)
	case "wazero":
		_, err = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler()).CompileModule(ctx, data)
	case "wazero-par":
		// wazero compiles on one goroutine unless given workers
		// (experimental in v1.12).
		pctx := experimental.WithCompilationWorkers(ctx, runtime.GOMAXPROCS(0))
		_, err = wazero.NewRuntimeWithConfig(pctx, wazero.NewRuntimeConfigCompiler()).CompileModule(pctx, data)
	default:
		err = fmt.Errorf("unknown engine %q", args[0])
	}
	secs := time.Since(start).Seconds()
	cpu := cpuSeconds() - cpu0
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(secs, cpu)
	return 0
}

// cpuSeconds is the user and system time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

type compileStat struct {
	secs   []float64
	cpu    []float64
	rssKiB int64
	err    string
}

func compileSuite(args []string) int {
	fs := flag.NewFlagSet("compile", flag.ExitOnError)
	rounds := fs.Int("rounds", 5, "interleaved rounds")
	repo, work := dirFlags(fs)
	fs.Parse(args)
	c := findTools(*repo, *work)
	var mods []string
	for _, w := range workloads(c) {
		if w.kernel == "" {
			mods = append(mods, w.wasm)
		}
	}
	// Native objects for the load times.
	objs := map[string]string{}
	if c.wasmc != "" {
		for _, m := range mods {
			o := filepath.Join(c.work, "out", strings.TrimSuffix(filepath.Base(m), ".wasm")+".o")
			if out, err := exec.Command(c.wasmc, "compile", "-o", o, m).CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "benchrun: wasmc compile %s: %v %s\n", m, err, out)
				continue
			}
			objs[m] = o
		}
	}
	kinds := []string{"wasmc", "wazero", "wazero-par", "wasmc-load"}
	stats := map[string]map[string]*compileStat{}
	for round := 0; round < *rounds; round++ {
		fmt.Fprintf(os.Stderr, "compile round %d/%d\n", round+1, *rounds)
		for _, m := range mods {
			if stats[m] == nil {
				stats[m] = map[string]*compileStat{}
			}
			for j := range kinds {
				k := kinds[(j+round)%len(kinds)]
				file := m
				if k == "wasmc-load" {
					if file = objs[m]; file == "" {
						continue
					}
				}
				st := stats[m][k]
				if st == nil {
					st = &compileStat{}
					stats[m][k] = st
				}
				if st.err != "" {
					continue
				}
				cmd := exec.Command(c.self, "compile-one", k, file)
				out, err := cmd.Output()
				if err != nil {
					st.err = err.Error()
					continue
				}
				f := strings.Fields(string(out))
				if len(f) != 2 {
					st.err = fmt.Sprintf("compile-one printed %q", out)
					continue
				}
				secs, err := strconv.ParseFloat(f[0], 64)
				cpu, err2 := strconv.ParseFloat(f[1], 64)
				if err != nil || err2 != nil {
					st.err = fmt.Sprintf("compile-one printed %q", out)
					continue
				}
				st.secs = append(st.secs, secs)
				st.cpu = append(st.cpu, cpu)
				// This child's own peak; Maxrss is in KiB on Linux.
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > st.rssKiB {
					st.rssKiB = ru.Maxrss
				}
			}
		}
	}
	fmt.Print(compileReport(mods, stats, *rounds))
	return 0
}

func compileReport(mods []string, stats map[string]map[string]*compileStat, rounds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Median of %d interleaved runs, each in a fresh process (GOMAXPROCS = cores).\n\n", rounds)
	b.WriteString("wazero compiles a module's functions on one goroutine by default; the last two columns give it\n")
	b.WriteString("GOMAXPROCS workers (`experimental.WithCompilationWorkers`), as wasmc always has.\n\n")
	b.WriteString("| module | code bytes | wasmc compile s (MB/s) | wazero compile s (MB/s) | speed-up | wasmc CPU s | wazero CPU s | wasmc object load s | wasmc peak RSS MiB | wazero peak RSS MiB | wazero, workers s | speed-up vs workers |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, m := range mods {
		bin, err := os.ReadFile(m)
		n := 0
		if err == nil {
			n, _ = codeBytes(bin)
		}
		cell := func(k string) (string, float64) {
			st := stats[m][k]
			if st == nil {
				return "-", 0
			}
			if st.err != "" {
				return "failed", 0
			}
			t := median(st.secs)
			if k == "wasmc-load" {
				return fmt.Sprintf("%.4f", t), t
			}
			return fmt.Sprintf("%.3f (%.1f)", t, float64(n)/t/1e6), t
		}
		wc, wt := cell("wasmc")
		zc, zt := cell("wazero")
		lc, _ := cell("wasmc-load")
		cpu := func(k string) string {
			if st := stats[m][k]; st != nil && st.err == "" && len(st.cpu) > 0 {
				return fmt.Sprintf("%.3f", median(st.cpu))
			}
			return "-"
		}
		speed := "-"
		if wt > 0 && zt > 0 {
			speed = fmt.Sprintf("%.2fx", zt/wt)
		}
		rss := func(k string) string {
			if st := stats[m][k]; st != nil && st.rssKiB > 0 {
				return fmt.Sprintf("%.0f", float64(st.rssKiB)/1024)
			}
			return "-"
		}
		pc, pt := cell("wazero-par")
		speedPar := "-"
		if wt > 0 && pt > 0 {
			speedPar = fmt.Sprintf("%.2fx", pt/wt)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", filepath.Base(m), n, wc, zc, speed, cpu("wasmc"), cpu("wazero"), lc, rss("wasmc"), rss("wazero"), pc, speedPar)
	}
	return b.String()
}
