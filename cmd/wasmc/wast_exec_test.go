//go:build amd64 || arm64

package main

import (
	"strings"
	"testing"
)

// TestWastExec runs a script's execution commands through the engine.
func TestWastExec(t *testing.T) {
	dir := t.TempDir()
	script := write(t, dir, "exec.wast", `(module $m
  (import "spectest" "global_i32" (global $g i32))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "g") (result i32) (global.get $g))
  (func $loop (export "loop") (call $loop)))
(register "m" $m)
(assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 3))
(assert_return (invoke "g") (i32.const 666))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 4))
`)
	code, out, _ := cli("wast", "-v", "-features", "v2", script)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 3 ||
		!strings.HasPrefix(lines[0], script+":12: fail: div: got [(i32.const 3)]") ||
		lines[1] != script+": 7 passed, 1 failed, 0 skipped" {
		t.Errorf("wasmc wast: exit %d\n%s", code, out)
	}
}
