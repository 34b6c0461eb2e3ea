;; Hello, world for WASI preview 1: writes one line to stdout with fd_write
;; and exits with status 0.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec {buf = 16, len = 14} at 0; the text at 16.
  (data (i32.const 0) "\10\00\00\00\0e\00\00\00")
  (data (i32.const 16) "hello, world!\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
