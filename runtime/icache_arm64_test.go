package runtime

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/stackswitch"
)

// TestRewrittenCodeRuns runs code, rewrites it in place and runs it again:
// without the cache maintenance of flushICache a core may fetch the old
// instructions (emulators are coherent, so under qemu this checks that the
// routine runs cleanly on odd ranges).
func TestRewrittenCodeRuns(t *testing.T) {
	a := newAsm()
	a.label("shim").ctxLoad0(abi.ExecArgs).inc0().ctxStore0(abi.ExecArgs).ret()
	code, err := mapCode(a.resolve(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unmap(code)
	e, err := newExecCtx()
	if err != nil {
		t.Fatal(err)
	}
	defer unmap(e.mem)
	for i, add := range []uint32{1, 2, 3} {
		if i > 0 {
			if err := unix.Mprotect(code, unix.PROT_READ|unix.PROT_WRITE); err != nil {
				t.Fatal(err)
			}
			binary.LittleEndian.PutUint32(code[4:], 0x91000000|add<<10) // add x0, x0, #add
			if err := unix.Mprotect(code, unix.PROT_READ|unix.PROT_EXEC); err != nil {
				t.Fatal(err)
			}
			flushICache(addrOf(code)+4, 4)
		}
		store64(e.block, abi.ExecArgs, 10)
		stackswitch.Enter(e.ptr(), addrOf(code))
		if got := load64(e.block, abi.ExecArgs); got != 10+uint64(add) {
			t.Fatalf("run %d: got %d, want %d", i, got, 10+add)
		}
	}
	for _, r := range [][2]uintptr{{0, 0}, {1, 1}, {3, 4093}, {60, 200}} {
		flushICache(addrOf(code)+r[0], r[1])
	}
}
