//go:build !amd64 && !arm64

package wasi

import "testing"

// newHarness calls the host functions directly: wasmc generates code for
// amd64 and arm64 only.
func newHarness(t *testing.T, cfg *Config) *harness {
	return direct(t, newTestState(t, cfg))
}
