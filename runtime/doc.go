// Package runtime instantiates compiled modules: linear memories, tables,
// globals, traps and host functions. Wasm code runs on its own stacks.
// (Built by the compiler issue.)
package runtime
