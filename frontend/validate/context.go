// Package validate implements the WebAssembly validation algorithm for the
// features in wasm.Features: type canonicalization and subtyping, module
// rules, constant expressions and function bodies.
package validate

import "github.com/wasmc/wasmc/frontend/wasm"

// moduleCtx is what every check reads: the module, the enabled features and
// the index spaces (imports first), built once by Module before any function
// body is checked.
type moduleCtx struct {
	m        *wasm.Module
	features wasm.Features

	funcs   []uint32 // type index of every function
	tables  []wasm.TableType
	mems    []wasm.MemoryType
	globals []wasm.GlobalType
	tags    []uint32 // function type index of every tag

	elemTypes []wasm.ValType // element type of every element segment
	// declared[i] reports whether function i is referenced outside function
	// bodies (exports, element segments, global and table initialisers), which
	// ref.func in a body requires.
	declared []bool

	types typeSpace
}
