//go:build amd64 || arm64

package backend_test

import (
	"slices"
	"testing"

	"github.com/wasmc/wasmc/backend"
)

func TestEntryChecks(t *testing.T) {
	src := `(module
  (import "env" "host" (func $host))
  (type $t (func))
  (table 1 funcref)
  (func $chain (call $leafish) (call $host))        ;; 0: calls, no cycle
  (func $leafish (call $host))                       ;; 1: calls an import only
  (func $self (call $self))                          ;; 2: recursive
  (func $ping (call $pong))                          ;; 3: mutual recursion
  (func $pong (call $middle))                        ;; 4
  (func $middle (call $ping) (call $chain))          ;; 5: on the cycle, and calls out of it
  (func $indirect (call_indirect (type $t) (i32.const 0))) ;; 6: unknown callee
  (func $caller (call $indirect) (call $self)))      ;; 7: calls into cycles, is on none`
	got := backend.EntryChecks(compileWAT(t, src))
	want := []bool{false, false, true, true, true, true, true, false}
	if !slices.Equal(got, want) {
		t.Errorf("entry checks %v, want %v", got, want)
	}
}

func TestCyclicLongChain(t *testing.T) {
	// A chain of 100,000 calls closing into a cycle at its end: every node
	// after 99,990 is on it, and the walk does not recurse.
	n := 100000
	var from, to []int32
	for i := 0; i < n-1; i++ {
		from, to = append(from, int32(i)), append(to, int32(i+1))
	}
	from, to = append(from, int32(n-1)), append(to, int32(n-10))
	got := backend.Cyclic(n, from, to)
	slices.Sort(got)
	if len(got) != 10 || got[0] != int32(n-10) || got[9] != int32(n-1) {
		t.Errorf("cyclic: %d nodes from %v", len(got), got[:min(len(got), 3)])
	}
}
