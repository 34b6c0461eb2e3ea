;; cat copies in.txt of the first preopened directory (fd 3) to standard
;; output and to out.txt beside it; it exits with the WASI error number of
;; the first call that fails.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: iovec, 8: count, 12: fd in, 16: fd out, 64: names, 1024: buffer
  (data (i32.const 64) "in.txt")
  (data (i32.const 80) "out.txt")
  (func $check (param $errno i32)
    (if (local.get $errno) (then (call $proc_exit (local.get $errno)))))
  (func $write (param $fd i32) (param $n i32)
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (local.get $n))
    (call $check (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start") (local $n i32)
    ;; rights: fd_read (1<<1) | fd_write (1<<6)
    (call $check (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 6)
      (i32.const 0) (i64.const 66) (i64.const 0) (i32.const 0) (i32.const 12)))
    ;; oflags: creat (1) | trunc (8)
    (call $check (call $path_open (i32.const 3) (i32.const 0) (i32.const 80) (i32.const 7)
      (i32.const 9) (i64.const 66) (i64.const 0) (i32.const 0) (i32.const 16)))
    (block $eof
      (loop $copy
        (i32.store (i32.const 0) (i32.const 1024))
        (i32.store (i32.const 4) (i32.const 4096))
        (call $check (call $fd_read (i32.load (i32.const 12)) (i32.const 0) (i32.const 1) (i32.const 8)))
        (local.set $n (i32.load (i32.const 8)))
        (br_if $eof (i32.eqz (local.get $n)))
        (call $write (i32.const 1) (local.get $n))
        (call $write (i32.load (i32.const 16)) (local.get $n))
        (br $copy)))
    (call $check (call $fd_close (i32.load (i32.const 16))))))
