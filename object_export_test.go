package wasmc

// SetHostHasCPU replaces the CPU feature check for a test; the returned
// function restores it.
func SetHostHasCPU(f func(name string) bool) (restore func()) {
	old := hostHasCPU
	hostHasCPU = f
	return func() { hostHasCPU = old }
}

// FromObject reports whether c was loaded from a native object rather than
// compiled: objects keep no function bodies, so every body is a lone end.
func FromObject(c *CompiledModule) bool {
	if len(c.m.Codes) == 0 {
		return false
	}
	for _, code := range c.m.Codes {
		if len(code.Body) != 1 || len(code.Locals) != 0 {
			return false
		}
	}
	return true
}
