package main

import (
	"math"
	"strings"
	"testing"
)

func TestParseGoBench(t *testing.T) {
	out := `goos: wasip1
goarch: wasm
pkg: compress/flate
BenchmarkEncode/Digits/Default/1e5-2         	     100	   2000000 ns/op	  50.00 MB/s	   12 B/op
BenchmarkEncode/Digits/Speed/1e5         	     100	   500.5 ns/op
BenchmarkBroken-x 	 10 	 notanumber ns/op
PASS
`
	g := parseGoBench(out)
	if !g.pass {
		t.Error("PASS not seen")
	}
	want := []string{"BenchmarkEncode/Digits/Default/1e5", "BenchmarkEncode/Digits/Speed/1e5"}
	if len(g.names) != 2 || g.names[0] != want[0] || g.names[1] != want[1] {
		t.Errorf("names = %q, want %q", g.names, want)
	}
	if g.nsOp != 2000500.5 {
		t.Errorf("nsOp = %v", g.nsOp)
	}
	if g.key() != want[0]+","+want[1] {
		t.Errorf("key = %q", g.key())
	}
	if k := parseGoBench("FAIL\n").key(); k != "no benchmark result" {
		t.Errorf("failed run key = %q", k)
	}
}

func TestMedianGeomean(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median odd = %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median even = %v", m)
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing is not NaN")
	}
	if g := geomean([]float64{2, 8, math.NaN()}); math.Abs(g-4) > 1e-12 {
		t.Errorf("geomean = %v", g)
	}
}

func TestAgreement(t *testing.T) {
	if a := agreement(map[string]string{"native": "x", "wasmc": "x"}); a != "equal" {
		t.Errorf("agreement = %q", a)
	}
	if a := agreement(map[string]string{"native": "x", "wasmc": "x", "node": "y"}); a != "DIFFER: node" {
		t.Errorf("agreement = %q", a)
	}
}

func TestHostReport(t *testing.T) {
	ns := []map[string][]float64{
		{"BenchmarkHostCallDirect/wasmc": {31, 30, 40}, "BenchmarkHostCallDirect/wazero": {100, 93, 101}},
		{"BenchmarkHostCallDirect/wasmc": {32}, "BenchmarkHostCallDirect/wazero": {96}},
	}
	r := hostReport(ns, 3)
	want := "| HostCallDirect (host call round trip, `CallWithStack`) | 31.0 | 100.0 | 3.23x | 32.0 | 96.0 | 3.00x |\n"
	if !strings.Contains(r, want) {
		t.Errorf("report lacks %q:\n%s", want, r)
	}
	// Benchmarks that printed nothing show as missing, not as zero.
	if want := "| CallEmpty (Go -> Wasm, empty function, `Call`) | - | - | - | - | - | - |\n"; !strings.Contains(r, want) {
		t.Errorf("report lacks %q:\n%s", want, r)
	}
}
