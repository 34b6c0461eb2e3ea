package wasmc

import (
	"context"
	"errors"
	"fmt"
	"io"
	goruntime "runtime"

	"github.com/wasmc/wasmc/object"
	"github.com/wasmc/wasmc/runtime"
)

// Version is the version of wasmc. Native objects record it, and load only
// into the same version: the code's ABI with the runtime may change
// between versions.
const Version = "0.5.0-dev"

// hostHasCPU reports whether this machine has a CPU feature; tests replace
// it to simulate a machine lacking one.
var hostHasCPU = object.HostHasCPU

// MarshalObject returns the module as a native object: an ELF file holding
// its machine code and everything needed to instantiate it, which
// Runtime.LoadCompiledModule (of this wasmc version, on a machine of the
// same architecture and CPU features) loads without compiling.
// docs/object-format.md describes the format.
func (c *CompiledModule) MarshalObject() ([]byte, error) {
	if c == nil || c.compiled == nil {
		return nil, errors.New("wasmc: no compiled code to marshal")
	}
	b, err := object.Marshal(c.m, c.features, c.compiled, Version, c.sourceHash())
	if err != nil {
		return nil, fmt.Errorf("wasmc: %w", err)
	}
	return b, nil
}

// WriteObject writes the module's native object (see MarshalObject) to w.
func (c *CompiledModule) WriteObject(w io.Writer) error {
	b, err := c.MarshalObject()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// IsNativeObject reports whether data looks like a native object written by
// MarshalObject (rather than a .wasm or .wat module). It only looks at the
// headers; LoadCompiledModule verifies the rest.
func IsNativeObject(data []byte) bool { return object.IsObject(data) }

// LoadCompiledModule loads a native object written by MarshalObject. It
// rejects, executing nothing, an object for another architecture, for a
// CPU lacking a feature its code uses, written by another wasmc version,
// using proposals this Runtime does not enable, or truncated or corrupted
// (its SHA-256 checksum covers the whole file). Loading neither validates
// nor compiles: the wasmc that wrote the object validated the module, and
// the checksum shows the content is what it wrote. Like any native code,
// load only objects you would trust as executables: the checksum detects
// damage, not tampering.
func (r *Runtime) LoadCompiledModule(_ context.Context, data []byte) (*CompiledModule, error) {
	if r.isClosed() {
		return nil, errClosed
	}
	cm, err := r.loadObject(data)
	if err != nil {
		return nil, err
	}
	return r.register(cm)
}

// loadObject verifies and maps an object; the result is not registered
// with r yet.
func (r *Runtime) loadObject(data []byte) (*CompiledModule, error) {
	obj, err := object.Load(data, object.Expect{Version: Version, Arch: goruntime.GOARCH, HasCPU: hostHasCPU})
	if err != nil {
		return nil, fmt.Errorf("wasmc: loading native object: %w", err)
	}
	if extra := obj.Features &^ r.features; extra != 0 {
		return nil, fmt.Errorf("wasmc: loading native object: %w: the module uses %v, which this runtime does not enable",
			object.ErrIncompatible, extra)
	}
	code, err := runtime.NewModule(obj.Module, obj.Features, obj.Compiled)
	if err != nil {
		return nil, fmt.Errorf("wasmc: loading native object: %w", err)
	}
	return &CompiledModule{r: r, m: obj.Module, code: code, compiled: obj.Compiled, features: obj.Features, source: obj.Source}, nil
}

// register records cm as owned by r, unless r has been closed meanwhile.
func (r *Runtime) register(cm *CompiledModule) (*CompiledModule, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		cm.code.Close()
		return nil, errClosed
	}
	r.compiled[cm] = struct{}{}
	return cm, nil
}
