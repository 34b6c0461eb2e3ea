package wasmc

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"
)

// A rebuilt compiler with the same Version must not meet the old build's
// cache entries: the entry's name depends on compilerBuild.
func TestCacheKeyNamesTheBuild(t *testing.T) {
	build := compilerBuild()
	if !strings.HasPrefix(build, "buildid ") || len(build) < len("buildid ")+20 {
		t.Fatalf("a test binary (unversioned) is named %q, want its Go build ID", build)
	}
	ctx := context.Background()
	r := NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompilationCache(t.TempDir()))
	defer r.Close(ctx)
	src := sha256.Sum256([]byte("module"))
	before := r.cachePath(src)
	saved := compilerBuild
	t.Cleanup(func() { compilerBuild = saved })
	compilerBuild = func() string { return "buildid another build" }
	if after := r.cachePath(src); after == before {
		t.Fatal("the cache entry's name does not depend on the compiler build")
	}
}
