package main

import (
	"bufio"
	"math"
	"slices"
	"strconv"
	"strings"
)

// goBench is what a Go test binary's benchmark output says: the benchmark
// names in order (the part compared across engines) and the sum of their
// ns/op (the part timed).
type goBench struct {
	names []string
	nsOp  float64
	pass  bool
}

// parseGoBench reads `go test -bench` output (see benchLine).
func parseGoBench(out string) goBench {
	var g goBench
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "PASS" {
			g.pass = true
		}
		if name, ns, ok := benchLine(sc.Text()); ok {
			g.names = append(g.names, name)
			g.nsOp += ns
		}
	}
	return g
}

// benchLine parses one result line of `go test -bench`, such as
// "BenchmarkX/sub-8   1000   1234 ns/op   56 B/op", into the benchmark's
// name without the -N suffix (GOMAXPROCS, which differs between engines)
// and its ns/op.
func benchLine(line string) (name string, nsOp float64, ok bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return "", 0, false
	}
	for i := 2; i+1 < len(f); i++ {
		if f[i+1] != "ns/op" {
			continue
		}
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", 0, false
		}
		name = f[0]
		if j := strings.LastIndexByte(name, '-'); j > 0 {
			if _, err := strconv.Atoi(name[j+1:]); err == nil {
				name = name[:j]
			}
		}
		return name, v, true
	}
	return "", 0, false
}

// key is what must agree across engines.
func (g goBench) key() string {
	if !g.pass || len(g.names) == 0 {
		return "no benchmark result"
	}
	return strings.Join(g.names, ",")
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// geomean ignores NaNs (missing measurements); NaN when none is left.
func geomean(xs []float64) float64 {
	sum, n := 0.0, 0
	for _, x := range xs {
		if !math.IsNaN(x) && x > 0 {
			sum += math.Log(x)
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return math.Exp(sum / float64(n))
}
