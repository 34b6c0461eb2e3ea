;; Call overhead: an empty export, and a round trip through a host import.
(module
  (import "env" "inc" (func $inc (param i64) (result i64)))
  (func (export "empty"))
  (func (export "call_host") (param i64) (result i64)
    (call $inc (local.get 0))))
