// Package amd64 selects and encodes x86-64 machine instructions for wasmc.
// (Built by the compiler issue.)
package amd64
