package validate

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// parallelMinBytes is the total body size below which bodies are validated
// on the calling goroutine. Measured with two workers on synthetic modules
// (bodies_test.go's bigModule): no gain up to about 48 KiB, 1.7x at 96 KiB.
const parallelMinBytes = 64 << 10

// chunksPerWorker splits the bodies into more chunks than workers, so that
// a worker whose chunk validated quickly takes another one.
const chunksPerWorker = 8

// validateBodies validates every function body, once the module context is
// complete. Body validation only reads the context, so bodies are checked
// on up to GOMAXPROCS goroutines; the error is still that of the
// lowest-indexed invalid function, as a sequential loop would report.
func (c *moduleCtx) validateBodies() error {
	codes := c.m.Codes
	c.m.Calls = make([]wasm.FuncCalls, len(codes)) // each body fills its own
	total := 0
	for i := range codes {
		total += len(codes[i].Body)
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || total < parallelMinBytes || len(codes) < 2 {
		return c.validateRange(0, len(codes), nil, 0)
	}
	bounds := splitBySize(codes, total, workers*chunksPerWorker)
	nChunks := len(bounds) - 1
	errs := make([]error, nChunks)
	var (
		next     atomic.Int64 // next chunk to take; chunks are taken in order
		failed   atomic.Int64 // lowest chunk known to hold an invalid body
		panicked atomic.Pointer[any]
	)
	failed.Store(int64(nChunks))
	work := func() {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
				failed.Store(-1)
			}
		}()
		for {
			k := next.Add(1) - 1
			// Chunks above a failed one cannot hold the reported error.
			if k >= int64(nChunks) || k > failed.Load() {
				return
			}
			err := c.validateRange(bounds[k], bounds[k+1], &failed, k)
			if err == nil {
				continue
			}
			errs[k] = err
			for f := failed.Load(); k < f && !failed.CompareAndSwap(f, k); f = failed.Load() {
			}
		}
	}
	var wg sync.WaitGroup
	for range min(workers, nChunks) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(*p)
	}
	// Every chunk below the lowest failed one was validated completely.
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// splitBySize returns the bounds of about n contiguous chunks of codes with
// similar total body sizes: chunk k is codes[bounds[k]:bounds[k+1]].
func splitBySize(codes []wasm.Code, total, n int) []int {
	target := max((total+n-1)/n, 1)
	bounds := make([]int, 1, n+1)
	acc := 0
	for i := range codes {
		acc += len(codes[i].Body)
		if acc >= target*len(bounds) && i+1 < len(codes) {
			bounds = append(bounds, i+1)
		}
	}
	return append(bounds, len(codes))
}

// validateRange validates the bodies codes[lo:hi] in order with one
// validator and returns the first error. With failed set it stops early,
// returning nil, once a chunk below chunk (which holds these bodies) has
// failed, since that chunk's error is reported instead.
func (c *moduleCtx) validateRange(lo, hi int, failed *atomic.Int64, chunk int64) error {
	codes := c.m.Codes
	v := getValidator(c, nil, 0)
	defer putValidator(v)
	for i := lo; i < hi; i++ {
		if failed != nil && failed.Load() < chunk {
			return nil
		}
		code := &codes[i]
		v.reset(c, code.Body, code.Offset)
		if err := v.validateFunc(c.m.NumImportedFuncs+uint32(i), code); err != nil {
			return err
		}
		c.m.Calls[i] = wasm.FuncCalls{Direct: slices.Clone(v.calls), Unknown: v.unknown}
	}
	return nil
}
