package runtime

import (
	"bufio"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/wasm"
)

func TestPerfMapLines(t *testing.T) {
	m := &wasm.Module{NumImportedFuncs: 1, Names: &wasm.Names{Funcs: map[uint32]string{1: "main"}}}
	c := &codeInfo{
		base: 0x10000,
		compiled: &backend.Compiled{Funcs: []backend.FuncRange{
			{Offset: 0x40, Size: 0x20}, {Offset: 0x60, Size: 0}, {Offset: 0x60, Size: 0x100},
		}},
		wasm: m,
	}
	var b strings.Builder
	w := bufio.NewWriter(&b)
	writePerfMapLines(w, c)
	w.Flush()
	want := "10040 20 main[1]\n10060 100 wasm[3]\n"
	if b.String() != want {
		t.Errorf("perf map:\n%s\nwant:\n%s", b.String(), want)
	}
}
