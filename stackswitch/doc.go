// Package stackswitch holds the native trampolines that move execution between
// Go's stack and Wasm stacks: the Go-to-Wasm entry, continuations and threads.
// (Built by the compiler issue.)
package stackswitch
