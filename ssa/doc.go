// Package ssa is wasmc's machine-independent intermediate representation:
// typed values in basic blocks with block arguments, and the optimization
// passes that run over it. The frontend lowers validated Wasm into it; the
// backends select machine instructions from it. (Built by the compiler issue.)
package ssa
