//go:build !amd64

package wasi

import "testing"

// newHarness calls the host functions directly: wasmc compiles only for
// amd64 so far.
func newHarness(t *testing.T, cfg *Config) *harness {
	return direct(t, newTestState(t, cfg))
}
