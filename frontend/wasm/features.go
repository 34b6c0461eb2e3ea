package wasm

import (
	"fmt"
	"strings"
)

// Features is a set of WebAssembly proposals a module may use.
type Features uint64

// One bit per proposal. MVP is always on.
const (
	MVP Features = 1 << iota
	SignExtension
	SaturatingFloatToInt
	MultiValue
	BulkMemory
	ReferenceTypes
	SIMD
	RelaxedSIMD
	TailCall
	Exceptions
	LegacyExceptions
	FunctionReferences
	GC
	Memory64
	MultiMemory
	ExtendedConst
	Threads
	StackSwitching
	WideArithmetic
	CustomPageSizes
)

var featureNames = []struct {
	f    Features
	name string
}{
	{MVP, "mvp"}, {SignExtension, "sign-extension"}, {SaturatingFloatToInt, "saturating-float-to-int"},
	{MultiValue, "multi-value"}, {BulkMemory, "bulk-memory"}, {ReferenceTypes, "reference-types"},
	{SIMD, "simd"}, {RelaxedSIMD, "relaxed-simd"}, {TailCall, "tail-call"},
	{Exceptions, "exceptions"}, {LegacyExceptions, "legacy-exceptions"},
	{FunctionReferences, "function-references"}, {GC, "gc"}, {Memory64, "memory64"},
	{MultiMemory, "multi-memory"}, {ExtendedConst, "extended-const"}, {Threads, "threads"},
	{StackSwitching, "stack-switching"}, {WideArithmetic, "wide-arithmetic"},
	{CustomPageSizes, "custom-page-sizes"},
}

// Standard feature sets.
const (
	// V1 is WebAssembly 1.0 (the MVP).
	V1 = MVP
	// V2 is WebAssembly 2.0.
	V2 = V1 | SignExtension | SaturatingFloatToInt | MultiValue | BulkMemory | ReferenceTypes | SIMD
	// V3 is WebAssembly 3.0.
	V3 = V2 | RelaxedSIMD | TailCall | Exceptions | FunctionReferences | GC | Memory64 |
		MultiMemory | ExtendedConst
	// Default is what wasmc accepts unless told otherwise: 3.0 plus threads,
	// stack switching and the legacy exception encoding.
	Default = V3 | Threads | StackSwitching | LegacyExceptions
	// All enables every proposal wasmc knows.
	All = Default | WideArithmetic | CustomPageSizes
)

// Has reports whether every feature in g is enabled in f.
func (f Features) Has(g Features) bool { return f&g == g }

func (f Features) String() string {
	var names []string
	for _, n := range featureNames {
		if f&n.f != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// ParseFeatures parses a comma-separated list of feature names; "default",
// "all", "v1", "v2" and "v3" name sets, and a leading "-" removes a feature.
func ParseFeatures(s string) (Features, error) {
	var f Features
	for _, w := range strings.Split(s, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		remove := strings.HasPrefix(w, "-")
		w = strings.TrimPrefix(w, "-")
		var g Features
		switch w {
		case "default":
			g = Default
		case "all":
			g = All
		case "v1":
			g = V1
		case "v2":
			g = V2
		case "v3":
			g = V3
		default:
			for _, n := range featureNames {
				if n.name == w {
					g = n.f
				}
			}
			if g == 0 {
				return 0, fmt.Errorf("unknown feature %q", w)
			}
		}
		if remove {
			f &^= g
		} else {
			f |= g
		}
	}
	return f | MVP, nil
}
