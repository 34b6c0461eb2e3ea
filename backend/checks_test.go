//go:build amd64 || arm64

package backend_test

import (
	"strings"
	"testing"

	"github.com/wasmc/wasmc/backend"
)

// TestSafetyChecks checks where the code has safety checks: the preemption
// check (the load of the goroutine's preemption word) at loop headers and
// in the prologues of functions that a cycle of calls may pass through
// only (recursive ones here; TestEntryChecks has the other cases),
// and bounds checks only without guard pages.
func TestSafetyChecks(t *testing.T) {
	m := compileWAT(t, `(module (memory 1)
  (func $leaf (param i32) (result i32) (i32.load (local.get 0)))
  (func $loop (param i32) (loop $l (br_if $l (i32.load (local.get 0)))))
  (func $caller (param i32) (result i32) (call $leaf (local.get 0)))
  (func $rec (param i32) (result i32) (call $rec (local.get 0)))
  (func $ping (param i32) (result i32) (call $pong (local.get 0)))
  (func $pong (param i32) (result i32) (call $ping (local.get 0))))`)
	preempt := map[string]string{"amd64": "qword ptr [rbp], -0x522", "arm64": "[x28,#16]"}
	saved := backend.Defaults
	defer func() { backend.Defaults = saved }()
	for _, guard := range []bool{false, true} {
		backend.Defaults.GuardPages = guard
		for _, arch := range arches {
			for _, c := range []struct {
				fn       uint32
				checks   int  // preemption checks
				accesses bool // loads memory
			}{{0, 0, true}, {1, 1, true}, {2, 0, false}, {3, 1, false}, {4, 1, false}, {5, 1, false}} {
				st, err := backend.CompileFunc(m, testFeatures, arch, c.fn)
				if err != nil {
					t.Fatal(err)
				}
				code := st.Machine[strings.Index(st.Machine, "code:"):]
				if n := strings.Count(code, preempt[arch]); n != c.checks {
					t.Errorf("%s: func %d has %d preemption checks, want %d:\n%s", arch, c.fn, n, c.checks, code)
				}
				if strings.Contains(st.Optimized, "trap_if") != (c.accesses && !guard) {
					t.Errorf("%s, guard pages %v: func %d:\n%s", arch, guard, c.fn, st.Optimized)
				}
			}
		}
	}
}
