//go:build amd64 || arm64

package realworld

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/text"
)

// TestDifferential runs random programs (gen_test.go) under wasmc and under
// wazero's interpreter and compares every result, trap, global and the
// final memory. WASMC_DIFF_N sets the number of programs (default 40),
// WASMC_DIFF_SEED the first seed; failing programs are written to the
// directory WASMC_DIFF_DIR when it is set.
func TestDifferential(t *testing.T) {
	n, seed := 40, uint64(1)
	if testing.Short() {
		n = 10
	}
	if v, err := strconv.Atoi(os.Getenv("WASMC_DIFF_N")); err == nil {
		n = v
	}
	if v, err := strconv.ParseUint(os.Getenv("WASMC_DIFF_SEED"), 10, 64); err == nil {
		seed = v
	}
	failures := 0
	defer func() {
		t.Logf("%d calls returned, %d trapped", diffCalls.Load(), diffTraps.Load())
		if diffCalls.Load() < diffTraps.Load() {
			t.Errorf("most calls trapped: the generator needs fixing")
		}
	}()
	for s := seed; s < seed+uint64(n) && failures < 3; s++ {
		if err := diffOne(s); err != nil {
			failures++
			t.Errorf("seed %d: %v", s, err)
			if dir := os.Getenv("WASMC_DIFF_DIR"); dir != "" {
				g := &gen{r: rand.New(rand.NewPCG(s, 0))}
				src, _ := g.module(8)
				os.WriteFile(filepath.Join(dir, fmt.Sprintf("diff-%d.wat", s)), []byte(src), 0o644)
			}
		}
	}
}

// diffCalls and diffTraps count the calls that returned and trapped: a
// generator that makes most calls trap would test little.
var diffCalls, diffTraps atomic.Int64

func diffOne(seed uint64) error {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0))}
	src, sigs := g.module(8)
	bin, err := text.ParseModule([]byte(src))
	if err != nil {
		return fmt.Errorf("generated module does not parse: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	zr := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter().
		WithCoreFeatures(api.CoreFeaturesV2).WithCloseOnContextDone(true))
	defer zr.Close(ctx)
	zm, err := zr.Instantiate(ctx, bin)
	if err != nil {
		return fmt.Errorf("wazero rejects the module: %v", err)
	}
	r := wasmc.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, bin)
	if err != nil {
		return fmt.Errorf("wasmc compile: %v", err)
	}
	wm, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig())
	if err != nil {
		return fmt.Errorf("wasmc instantiate: %v", err)
	}

	args := rand.New(rand.NewPCG(seed, 1))
	for i, s := range sigs {
		name := fmt.Sprintf("f%d", i)
		for call := 0; call < 3; call++ {
			in := make([]uint64, len(s.params))
			for k, p := range s.params {
				in[k] = argValue(args, p)
			}
			want, zerr := zm.ExportedFunction(name).Call(ctx, in...)
			got, werr := wm.ExportedFunction(name).Call(ctx, in...)
			if (zerr != nil) != (werr != nil) {
				return fmt.Errorf("%s%v: wazero error %v, wasmc error %v (results %x)", name, in, zerr, werr, got)
			}
			if zerr != nil {
				diffTraps.Add(1)
				continue
			}
			diffCalls.Add(1)
			for k, rt := range s.results {
				if !sameValue(rt, want[k], got[k]) {
					return fmt.Errorf("%s%x: result %d (%s) is %#x, wazero %#x", name, in, k, rt, got[k], want[k])
				}
			}
		}
	}
	for i := 0; i < numGlobals; i++ {
		name := fmt.Sprintf("g%d", i)
		if w, g := zm.ExportedGlobal(name).Get(), wm.ExportedGlobal(name).Get(); !sameValue(vt(i%4), w, g) {
			return fmt.Errorf("global %s is %#x, wazero %#x", name, g, w)
		}
	}
	zmem, _ := zm.ExportedMemory("mem").Read(0, 65536)
	wmem, _ := wm.ExportedMemory("mem").Read(0, 65536)
	if !bytes.Equal(zmem, wmem) {
		for k := range zmem {
			if zmem[k] != wmem[k] {
				return fmt.Errorf("memory differs first at %#x: %#x, wazero %#x", k, wmem[k], zmem[k])
			}
		}
	}
	return nil
}

func argValue(r *rand.Rand, t vt) uint64 {
	g := &gen{r: r}
	switch t {
	case i32:
		return uint64(uint32(g.int64Val()))
	case i64:
		return g.int64Val()
	case f32:
		if r.IntN(2) == 0 {
			return uint64(math.Float32bits(float32(r.NormFloat64() * 100)))
		}
		f, _ := strconv.ParseFloat(interestingF[r.IntN(len(interestingF))], 32)
		return uint64(math.Float32bits(float32(f)))
	}
	if r.IntN(2) == 0 {
		return math.Float64bits(r.NormFloat64() * 1e6)
	}
	f, _ := strconv.ParseFloat(interestingF[r.IntN(len(interestingF))], 64)
	return math.Float64bits(f)
}

// sameValue compares two values of type t; all NaNs are equal.
func sameValue(t vt, a, b uint64) bool {
	switch t {
	case i32:
		return uint32(a) == uint32(b)
	case f32:
		x, y := math.Float32frombits(uint32(a)), math.Float32frombits(uint32(b))
		return uint32(a) == uint32(b) || x != x && y != y
	case f64:
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		return a == b || x != x && y != y
	}
	return a == b
}
