// Package arm64 selects and encodes AArch64 machine instructions for wasmc.
// (Built by the arm64 issue.)
package arm64
