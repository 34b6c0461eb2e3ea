package bench

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
)

// Pathological functions: each stresses one dimension of the compiler
// (locals, nesting, branch fan-out, length). The test checks they compile;
// the benchmark, run at two sizes, shows whether time grows linearly.

func uleb(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func section(mod []byte, id byte, body []byte) []byte {
	mod = append(mod, id)
	mod = uleb(mod, uint64(len(body)))
	return append(mod, body...)
}

// oneFuncModule wraps one function of type (i32) -> i32 with nLocals extra
// i32 locals and the given body (without the final end) in a module.
func oneFuncModule(nLocals int, body []byte) []byte {
	mod := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	mod = section(mod, 1, []byte{1, 0x60, 1, 0x7f, 1, 0x7f})
	mod = section(mod, 3, []byte{1, 0})
	var fn []byte
	if nLocals > 0 {
		fn = append(fn, 1)
		fn = uleb(fn, uint64(nLocals))
		fn = append(fn, 0x7f)
	} else {
		fn = append(fn, 0)
	}
	fn = append(fn, body...)
	fn = append(fn, 0x0b)
	code := uleb([]byte{1}, uint64(len(fn)))
	return section(mod, 10, append(code, fn...))
}

const (
	opBlock    = 0x02
	opEnd      = 0x0b
	opBrIf     = 0x0d
	opBrTable  = 0x0e
	opReturn   = 0x0f
	opLocalGet = 0x20
	opLocalSet = 0x21
	opI32Const = 0x41
	opI32Add   = 0x6a
	opI32Mul   = 0x6c
	opI32Xor   = 0x73
	blockVoid  = 0x40
)

// manyLocals sets n locals from the parameter, then sums them all: n
// values live at once.
func manyLocals(n int) []byte {
	var b []byte
	for i := 1; i <= n; i++ {
		b = append(b, opLocalGet, 0, opI32Const)
		b = sleb(b, int64(i))
		b = append(b, opI32Add, opLocalSet)
		b = uleb(b, uint64(i))
	}
	b = append(b, opLocalGet, 0)
	for i := 1; i <= n; i++ {
		b = append(b, opLocalGet)
		b = uleb(b, uint64(i))
		b = append(b, opI32Add)
	}
	return oneFuncModule(n, b)
}

// nestedBlocks opens n blocks and leaves each with a conditional branch
// to an enclosing one.
func nestedBlocks(n int) []byte {
	var b []byte
	for i := 0; i < n; i++ {
		b = append(b, opBlock, blockVoid)
	}
	for i := 0; i < n; i++ {
		b = append(b, opLocalGet, 0, opBrIf)
		b = uleb(b, uint64(min(i%7, n-1-i)))
		b = append(b, opEnd)
	}
	b = append(b, opLocalGet, 0)
	return oneFuncModule(0, b)
}

// bigBrTable dispatches through a table of n entries over 1000 nested
// blocks, each returning its own constant.
func bigBrTable(n int) []byte {
	const depth = 1000
	var b []byte
	for i := 0; i < depth; i++ {
		b = append(b, opBlock, blockVoid)
	}
	b = append(b, opLocalGet, 0, opBrTable)
	b = uleb(b, uint64(n))
	for i := 0; i < n; i++ {
		b = uleb(b, uint64(i*7919%depth))
	}
	b = uleb(b, 0)
	for i := 0; i < depth; i++ {
		b = append(b, opEnd, opI32Const)
		b = sleb(b, int64(i))
		b = append(b, opReturn)
	}
	b = append(b, opI32Const, 0)
	return oneFuncModule(0, b)
}

// straightLine is n arithmetic instructions in one block, mixing in four
// locals so that a few values stay live throughout.
func straightLine(n int) []byte {
	b := []byte{opLocalGet, 0}
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0:
			b = append(b, opI32Const)
			b = sleb(b, int64(i))
			b = append(b, opI32Add)
		case 1:
			b = append(b, opLocalSet, byte(1+i%16/4), opLocalGet, byte(1+(i/4)%4))
		case 2:
			b = append(b, opI32Const)
			b = sleb(b, int64(i|1))
			b = append(b, opI32Mul)
		case 3:
			b = append(b, opLocalGet, 0, opI32Xor)
		}
	}
	return oneFuncModule(4, b)
}

var pathological = []struct {
	name string
	gen  func(int) []byte
	size int // the size the test compiles; the benchmark also runs a quarter
}{
	{"locals", manyLocals, 49999}, // with the parameter, the validator's limit
	{"nested-blocks", nestedBlocks, 10000},
	{"br_table", bigBrTable, 100000},
	{"straight-line", straightLine, 200000},
}

func compileBytes(tb testing.TB, data []byte) *backend.Compiled {
	m, err := binary.Decode(data, compileFeatures)
	if err != nil {
		tb.Fatal(err)
	}
	if err := validate.Module(m, compileFeatures); err != nil {
		tb.Fatal(err)
	}
	c, err := backend.Compile(m, compileFeatures, runtime.GOARCH)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestPathologicalFunctions compiles each pathological function.
func TestPathologicalFunctions(t *testing.T) {
	for _, p := range pathological {
		t.Run(p.name, func(t *testing.T) {
			size := p.size
			if testing.Short() {
				size /= 10
			}
			c := compileBytes(t, p.gen(size))
			if len(c.Funcs) != 1 || c.Funcs[0].Size == 0 {
				t.Fatalf("got %d functions, first of %d bytes", len(c.Funcs), c.Funcs[0].Size)
			}
		})
	}
}

// BenchmarkPathological compiles each pathological function at a quarter
// of its test size and at that size: linear behaviour shows as a constant
// ns/unit (unit: a local, a block, a table entry, an instruction).
func BenchmarkPathological(b *testing.B) {
	for _, p := range pathological {
		for _, n := range []int{p.size / 4, p.size} {
			data := p.gen(n)
			b.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					compileBytes(b, data)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
			})
		}
	}
}
