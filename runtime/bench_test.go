//go:build amd64 || arm64

package runtime

import (
	"context"
	"testing"
)

// Hand-assembled code: these measure the runtime's own cost per call.

func BenchmarkCallEmpty(b *testing.B) {
	inst := instantiateMain(b, identity())
	f := inst.ExportedFunction("add1")
	ctx := context.Background()
	for b.Loop() {
		f.Call(ctx, 1)
	}
}

func BenchmarkHostRoundTrip(b *testing.B) {
	inst := instantiateMain(b, identity())
	f := inst.ExportedFunction("viaHost")
	ctx := context.Background()
	for b.Loop() {
		f.Call(ctx, 1)
	}
}
