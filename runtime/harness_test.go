//go:build amd64 || arm64

package runtime

import (
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/backend"
	wbin "github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// The tests below run hand-assembled machine code that follows the
// calling convention of docs/abi.md, inside modules whose structure comes
// from WAT, so that the runtime is tested without the compiler. Each
// architecture's harness_*_test.go encodes the same operations: inc0,
// movImm0, ctxLoad0/ctxStore0 work on the first parameter and result
// register; enter/leave push and pop the frame record.

func hostLabel(i int) string { return "host" + string(rune('0'+i)) }

// funcNames lists the $names of wat's functions, imports first.
func funcNames(wat string) []string {
	var names []string
	for _, part := range strings.Split(wat, "(func $")[1:] {
		names = append(names, strings.FieldsFunc(part, func(r rune) bool { return r == ' ' || r == ')' })[0])
	}
	return names
}

// appendNames adds a name section with function names (the text parser
// emits none); names and counts stay below 128 bytes.
func appendNames(bin []byte, names []string) []byte {
	var sub []byte
	sub = append(sub, byte(len(names)))
	for i, n := range names {
		sub = append(sub, byte(i), byte(len(n)))
		sub = append(sub, n...)
	}
	content := append([]byte{4, 'n', 'a', 'm', 'e', 1, byte(len(sub))}, sub...)
	return append(append(bin, 0, byte(len(content))), content...)
}

// testModule decodes and validates wat and pairs it with machine code:
// bodies[i] emits defined function i, labelled "f<i>".
func testModule(t testing.TB, wat string, bodies ...func(a *asm)) *Module {
	t.Helper()
	bin, err := text.ParseModule([]byte(wat))
	if err != nil {
		t.Fatal(err)
	}
	bin = appendNames(bin, funcNames(wat))
	m, err := wbin.Decode(bin, wasm.V2)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Module(m, wasm.V2); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != len(m.Funcs) {
		t.Fatalf("%d bodies for %d functions", len(bodies), len(m.Funcs))
	}
	a := newAsm()
	a.layout = abi.NewLayout(m)
	a.stubs()
	c := &backend.Compiled{Arch: goruntime.GOARCH}
	for i := 0; i < int(m.NumImportedFuncs); i++ {
		a.hostStub(i)
		c.HostStubs = append(c.HostStubs, uint32(a.labels[hostLabel(i)]))
	}
	for i, body := range bodies {
		a.align().label("f" + string(rune('0'+i)))
		start := len(a.b)
		body(a)
		frame, bodyAt := a.frameOf(start)
		c.Funcs = append(c.Funcs, backend.FuncRange{Offset: uint32(start), Size: uint32(len(a.b) - start), Frame: frame, Body: bodyAt})
	}
	c.Code = a.resolve(t)
	for range m.Types {
		c.EntryShims = append(c.EntryShims, uint32(a.labels["shim"]))
	}
	mod, err := NewModule(m, wasm.V2, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}
