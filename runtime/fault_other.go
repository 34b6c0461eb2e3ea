//go:build !linux || !(amd64 || arm64)

package runtime

import "errors"

// guardPagesSupported reports whether this platform can run code compiled
// for guard pages at all (fault_linux.go).
const guardPagesSupported = false

func installFaultHandler() error {
	return errors.New("runtime: guard pages need linux/amd64 or linux/arm64")
}

func faultAdd(base, size, funcs uintptr) error { return nil }

func faultRemove(base uintptr) {}
