package binary

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// largestWasm returns the .wasm file with the most function body bytes in
// wazero's module (its spectest data and examples): the largest files are
// mostly debug sections.
func largestWasm(b *testing.B) []byte {
	root, err := testsuite.WazeroDir()
	if err != nil {
		b.Fatal(err)
	}
	var best []byte
	var bestPath string
	bestCode := 0
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".wasm") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		m, err := Decode(data, wasm.Default)
		if err != nil {
			return nil
		}
		code := 0
		for _, c := range m.Codes {
			code += len(c.Body)
		}
		if code > bestCode {
			best, bestPath, bestCode = data, path, code
		}
		return nil
	})
	if best == nil {
		b.Fatal("no .wasm found")
	}
	b.Logf("%s (%d bytes, %d in function bodies)", bestPath, len(best), bestCode)
	return best
}

func BenchmarkDecode(b *testing.B) {
	data := largestWasm(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data, wasm.Default); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInstrReader walks every function body of the largest module.
func BenchmarkInstrReader(b *testing.B) {
	data := largestWasm(b)
	m, err := Decode(data, wasm.Default)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, c := range m.Codes {
		size += int64(len(c.Body))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	r := NewInstrReader(nil, 0, wasm.Default)
	var in wasm.Instr
	n := 0
	for b.Loop() {
		n = 0
		for _, c := range m.Codes {
			r.Reset(c.Body, c.Offset)
			for !r.AtEnd() {
				if err := r.Next(&in); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/instr")
}
