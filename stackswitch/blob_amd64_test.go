package stackswitch

import (
	"encoding/binary"
	"testing"

	"github.com/wasmc/wasmc/runtime/abi"
)

// asm is a minimal amd64 encoder for test blobs: R14 holds the ExecCtx as
// in generated code.
type asm struct {
	b      []byte
	labels map[string]int
	fixups map[int]string // rel32 position -> label
}

func newAsm() *asm { return &asm{labels: map[string]int{}, fixups: map[int]string{}} }

func (a *asm) emit(b ...byte) *asm { a.b = append(a.b, b...); return a }
func (a *asm) d32(v int32) *asm    { return a.emit(binary.LittleEndian.AppendUint32(nil, uint32(v))...) }
func (a *asm) label(n string) *asm { a.labels[n] = len(a.b); return a }
func (a *asm) rel(n string) *asm   { a.fixups[len(a.b)] = n; return a.d32(0) }

func (a *asm) ret() *asm                    { return a.emit(0xc3) }
func (a *asm) call(n string) *asm           { return a.emit(0xe8).rel(n) }
func (a *asm) jmp(n string) *asm            { return a.emit(0xe9).rel(n) }
func (a *asm) je(n string) *asm             { return a.emit(0x0f, 0x84).rel(n) }
func (a *asm) pushRBP() *asm                { return a.emit(0x55, 0x48, 0x89, 0xe5) } // push rbp; mov rbp, rsp
func (a *asm) popRBP() *asm                 { return a.emit(0x5d) }
func (a *asm) incRAX() *asm                 { return a.emit(0x48, 0xff, 0xc0) }
func (a *asm) decRCX() *asm                 { return a.emit(0x48, 0xff, 0xc9) }
func (a *asm) ctxStore32(off, v int32) *asm { return a.emit(0x41, 0xc7, 0x86).d32(off).d32(v) }

// ctxStore stores register r (0-7) to [r14+off]; ctxLoad loads it.
func (a *asm) ctxStore(r byte, off int32) *asm { return a.emit(0x49, 0x89, 0x86|r<<3).d32(off) }
func (a *asm) ctxLoad(r byte, off int32) *asm  { return a.emit(0x49, 0x8b, 0x86|r<<3).d32(off) }

// movImm loads a 64-bit immediate into register r (0-15).
func (a *asm) movImm(r byte, v uint64) *asm {
	rex := byte(0x48)
	if r >= 8 {
		rex |= 1
	}
	return a.emit(rex, 0xb8+r&7).emit(binary.LittleEndian.AppendUint64(nil, v)...)
}

const (
	rax, rcx, rsp, rbp, r14 = 0, 1, 4, 5, 14
)

// exitStub is the generated code's exit path (docs/abi.md).
func (a *asm) exitStub() *asm {
	return a.label("exit").ctxStore(rsp, abi.ExecWasmSP).ctxStore(rbp, abi.ExecWasmBP).
		ctxLoad(rsp, abi.ExecGoSP).ctxLoad(rbp, abi.ExecGoBP).ret()
}

// mapBlob resolves labels and maps the code; it returns the address of
// label entry.
func (a *asm) mapBlob(t testing.TB, entry string) uintptr {
	t.Helper()
	for pos, n := range a.fixups {
		to, ok := a.labels[n]
		if !ok {
			t.Fatalf("undefined label %s", n)
		}
		binary.LittleEndian.PutUint32(a.b[pos:], uint32(int32(to-(pos+4))))
	}
	return mapCode(t, a.b) + uintptr(a.labels[entry])
}
