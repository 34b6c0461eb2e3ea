package wasmc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/object"
)

// Arches returns the architectures CompileObject compiles for: those of
// the code generators this package links (backend/amd64, backend/arm64).
func Arches() []string { return []string{"amd64", "arm64"} }

// CompileObject compiles a module (binary .wasm or WebAssembly text, as
// CompileModule takes) for arch and returns its native object (see
// MarshalObject), without loading it: the result is for a machine of arch,
// which need not be this one (cross-compilation). features are the
// proposals the module may use; zero means FeaturesV2. The object records
// the CPU features the code for arch needs, which the loading machine
// checks.
func CompileObject(_ context.Context, src []byte, arch string, features Features) ([]byte, error) {
	if !slices.Contains(Arches(), arch) {
		return nil, fmt.Errorf("wasmc: unknown architecture %q (wasmc compiles for %v)", arch, Arches())
	}
	if features == 0 {
		features = FeaturesV2
	}
	features |= wasm.MVP
	bin := src
	if !bytes.HasPrefix(src, []byte("\x00asm")) {
		var err error
		if bin, err = text.ParseModule(src); err != nil {
			return nil, fmt.Errorf("wasmc: %w", err)
		}
	}
	m, err := binary.Decode(bin, features)
	if err != nil {
		return nil, fmt.Errorf("wasmc: %w", err)
	}
	if err := validate.Module(m, features); err != nil {
		return nil, fmt.Errorf("wasmc: %w", err)
	}
	c, err := backend.Compile(m, features, arch)
	if err != nil {
		return nil, fmt.Errorf("wasmc: compiling: %w", err)
	}
	obj, err := object.Marshal(m, features, c, Version, sha256.Sum256(src))
	if err != nil {
		return nil, fmt.Errorf("wasmc: %w", err)
	}
	return obj, nil
}
