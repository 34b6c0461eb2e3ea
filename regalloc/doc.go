// Package regalloc assigns machine registers to the virtual registers of a
// backend's instruction stream, through an interface every backend implements,
// so the algorithm is shared by amd64 and arm64. (Built by the compiler issue.)
package regalloc
