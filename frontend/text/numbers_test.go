package text

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/wasmc/wasmc/internal/testsuite"
)

func TestParseInts(t *testing.T) {
	i32 := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"0", 0, true},
		{"+0x1_0000", 0x10000, true},
		{"-1", 0xffffffff, true},
		{"0xffffffff", 0xffffffff, true},
		{"+0xffffffff", 0xffffffff, true},
		{"-0x80000000", 0x80000000, true},
		{"-0x80000001", 0, false},
		{"0x100000000", 0, false},
		{"4294967296", 0, false},
		{"1_000", 1000, true},
		{"1__0", 0, false},
		{"_1", 0, false},
		{"1_", 0, false},
		{"0x", 0, false},
		{"1.0", 0, false},
		{"0x0_9acf_fBDF", 0x09acffbdf, true},
	}
	for _, c := range i32 {
		got, err := ParseI32(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseI32(%q) = %#x, %v; want %#x ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	i64 := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"18446744073709551615", math.MaxUint64, true},
		{"18446744073709551616", 0, false},
		{"-9223372036854775808", 1 << 63, true},
		{"-9223372036854775809", 0, false},
		{"0x0125_6789_ADEF_bcef", 0x01256789adefbcef, true},
		{"0x1_0000_0000_0000_0000", 0, false},
	}
	for _, c := range i64 {
		got, err := ParseI64(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseI64(%q) = %#x, %v; want %#x ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestParseFloats(t *testing.T) {
	f32 := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"0x1p-149", 1, true},
		{"0x1p-150", 0, true}, // a tie rounds to even (zero)
		{"0x1.000001p-149", 1, true},
		{"0x1.8p-149", 2, true},
		{"0x1.fffffe7p127", 0x7f7fffff, true},
		{"0x1.fffffefffffffffffffp127", 0x7f7fffff, true},
		{"0x1.ffffffp127", 0, false},
		{"0x1p128", 0, false},
		{"1e38", 0x7e967699, true},
		{"1e39", 0, false},
		{"+0x1_0000p0", 0x47800000, true},
		{"-0", 0x80000000, true},
		{"inf", 0x7f800000, true},
		{"-inf", 0xff800000, true},
		{"nan", 0x7fc00000, true},
		{"-nan:0x7fffff", 0xffffffff, true},
		{"+nan:0x304050", 0x7fb04050, true},
		{"nan:0x800000", 0, false},
		{"nan:0x0", 0, false},
		{"0x1.", 0x3f800000, true},
		{"1.e1", 0x41200000, true},
		{".0", 0, false},
		{"0x.", 0, false},
		{"0e+", 0, false},
		{"0x0pA", 0, false},
		{"1", 0x3f800000, true},
		{"0123456789.0123456789e019", 0x6c7f4d7b, true},
		{"1e-100000000000", 0, true},
	}
	for _, c := range f32 {
		got, err := ParseF32(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseF32(%q) = %#x, %v; want %#x ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	f64 := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0x1p-1074", 1, true},
		{"nan:0x8000000000000", 0x7ff8000000000000, true},
		{"-nan:0xfffffffffffff", math.MaxUint64, true},
		{"0x1.fffffffffffff7ffffffp1023", 0x7fefffffffffffff, true},
		{"0x1.fffffffffffff8p1023", 0, false},
		{"1e309", 0, false},
		{"0x1.00000000000008p0", 0x3ff0000000000000, true},
		{"0x1.00000000000018p0", 0x3ff0000000000002, true},
		{"0x1.000000000000080001p0", 0x3ff0000000000001, true},
	}
	for _, c := range f64 {
		got, err := ParseF64(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseF64(%q) = %#x, %v; want %#x ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

// TestConstRounding checks const.wast's rounding pairs: each module's
// literal must round to the same bits as the expected result literal.
func TestConstRounding(t *testing.T) {
	dir := testsuite.SharedOrSkip(t, "core/const.wast")
	src, err := os.ReadFile(filepath.Join(dir, "core", "const.wast"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\(result (f32|f64)\) \((?:f32|f64)\.const ([^)]*)\)\)\)\s*\(assert_return \(invoke "f"\) \((?:f32|f64)\.const ([^)]*)\)\)`)
	n := 0
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		n++
		if m[1] == "f32" {
			a, err1 := ParseF32(m[2])
			b, err2 := ParseF32(m[3])
			if err1 != nil || err2 != nil || a != b {
				t.Errorf("f32 %s -> %#x (%v), want %s -> %#x (%v)", m[2], a, err1, m[3], b, err2)
			}
		} else {
			a, err1 := ParseF64(m[2])
			b, err2 := ParseF64(m[3])
			if err1 != nil || err2 != nil || a != b {
				t.Errorf("f64 %s -> %#x (%v), want %s -> %#x (%v)", m[2], a, err1, m[3], b, err2)
			}
		}
	}
	if n < 250 {
		t.Fatalf("matched only %d rounding pairs", n)
	}
}
