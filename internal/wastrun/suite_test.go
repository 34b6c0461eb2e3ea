package wastrun

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	// wazero ships older spec suites with its module; importing it keeps
	// the module required by go.mod.
	_ "github.com/tetratelabs/wazero"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// coreFeatures runs the 3.0 suite: everything wasmc supports by default but
// stack switching, whose tags may have results where 3.0 forbids them.
const coreFeatures = wasm.Default &^ wasm.StackSwitching

// knownFailures lists the checks of strict suites that cannot pass, each with
// the reason. Keep it short: every entry is a place where wasmc differs
// from a test.
var knownFailures = map[string]string{
	// WebAssembly 1.0 text allowed "(data $mem ...)" and "(elem $table ...)";
	// since 2.0 that identifier names the segment itself, so these modules
	// define a segment name twice under today's grammar.
	"wazero-v1/data.wast:5": "1.0-only text syntax",
	"wazero-v1/elem.wast:4": "1.0-only text syntax",
}

// suite is a folder of scripts. Every script runs with the native engine
// where this machine can execute compiled code; checks the compiler cannot
// handle yet are skipped with the reason. Strict suites must have no
// failures; complete suites (the WebAssembly 2.0 core suite but SIMD) must
// not skip anything either. The other suites track proposals whose tests
// moved on, so only their tally is logged.
type suite struct {
	name     string
	dir      string
	features wasm.Features
	strict   bool
	complete bool
}

func TestSpecSuite(t *testing.T) {
	root, err := testsuite.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// wasmc's own scripts, written where the official ones leave gaps.
	suites := []suite{{name: "wasmc", dir: filepath.Join(root, "testdata", "wast"), features: wasm.Default, strict: true}}
	if shared, ok := testsuite.Shared(); ok {
		core := filepath.Join(shared, "core")
		props := filepath.Join(core, "proposals")
		suites = append(suites,
			// Stack switching lets tags have results, which the 3.0 suite
			// expects to be invalid: the core suite runs without it.
			suite{name: "core", dir: core, features: coreFeatures, strict: true},
			suite{name: "core-legacy", dir: filepath.Join(core, "legacy"), features: coreFeatures, strict: true},
			// The threads proposal's tests predate multiple tables and
			// memories ("multiple memories" is an expected error there),
			// so they run with the 1.0 features they were written for.
			suite{name: "threads", dir: filepath.Join(props, "threads"), features: wasm.V1 | wasm.Threads, strict: true},
			suite{name: "stack-switching", dir: filepath.Join(shared, "stack-switching"), features: wasm.Default, strict: true},
			suite{name: "wide-arithmetic", dir: filepath.Join(props, "wide-arithmetic"), features: wasm.All},
			suite{name: "custom-page-sizes", dir: filepath.Join(props, "custom-page-sizes"), features: wasm.All},
			suite{name: "custom-descriptors", dir: filepath.Join(props, "custom-descriptors"), features: wasm.All},
		)
		t.Log("skipping component-model: component scripts, not core modules")
	} else {
		t.Log("no shared test suite beside the repository; running wazero's copies only")
	}
	spec, err := testsuite.WazeroSpecDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []suite{
		{name: "wazero-v1", dir: "v1", features: wasm.V1, strict: true},
		{name: "wazero-v2", dir: "v2", features: wasm.V2, strict: true, complete: true},
		{name: "wazero-exception-handling", dir: "exception-handling", features: wasm.V2 | wasm.Exceptions},
		{name: "wazero-extended-const", dir: "extended-const", features: wasm.V2 | wasm.ExtendedConst},
		{name: "wazero-tail-call", dir: "tail-call", features: wasm.V2 | wasm.TailCall},
		{name: "wazero-threads", dir: "threads", features: wasm.V2 | wasm.Threads},
		{name: "wazero-typed-function-references", dir: "typed-function-references",
			features: wasm.V2 | wasm.FunctionReferences | wasm.TailCall},
	} {
		s.dir = filepath.Join(spec, s.dir, "testdata")
		suites = append(suites, s)
	}
	if !NativeAvailable {
		t.Log("this architecture cannot run compiled code yet: execution checks are skipped")
	}
	for _, s := range suites {
		runSuite(t, s)
	}
}

func runSuite(t *testing.T, s suite) {
	files := testsuite.Glob(s.dir, "*.wast")
	if len(files) == 0 {
		t.Errorf("%s: no .wast files in %s", s.name, s.dir)
		return
	}
	var mu sync.Mutex
	var total Result
	t.Run(s.name, func(t *testing.T) {
		t.Cleanup(func() {
			t.Logf("%s: %d files: %d passed, %d failed, %d skipped",
				s.name, len(files), total.Passed, total.Failed, total.Skipped)
		})
		for _, file := range files {
			t.Run(filepath.Base(file), func(t *testing.T) {
				t.Parallel()
				res := runFile(t, file, s)
				mu.Lock()
				total.Passed += res.Passed
				total.Failed += res.Failed
				total.Skipped += res.Skipped
				mu.Unlock()
			})
		}
	})
}

// runFile runs one script, reporting its failures (and, in a complete
// suite run with the engine, its skips) as errors in strict suites and as a
// tally otherwise.
func runFile(t *testing.T, file string, s suite) Result {
	report := t.Errorf
	if !s.strict {
		report = t.Logf
	}
	base := filepath.Base(file)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	script, err := wast.Parse(file, src)
	if err != nil {
		report("parse: %v", err)
		return Result{Failed: 1}
	}
	opts := Options{Features: s.features}
	if NativeAvailable {
		e := NewNativeEngine(s.features)
		defer func() {
			if err := e.Close(); err != nil {
				t.Errorf("closing the engine: %v", err)
			}
		}()
		opts.Engine = e
	}
	noSkips := s.complete && opts.Engine != nil && !strings.HasPrefix(base, "simd_")
	res := Run(script, opts)
	shown := 0
	for _, c := range res.Checks {
		if c.Outcome == Pass || c.Outcome == Skip && !noSkips {
			continue
		}
		if why, ok := knownFailures[s.name+"/"+base+":"+strconv.Itoa(c.Line)]; ok && c.Outcome == Fail {
			t.Logf("%s:%d: known failure (%s): %s", base, c.Line, why, c.Reason)
			res.Failed--
			res.Skipped++
			continue
		}
		if shown++; shown > 20 {
			report("... more failures")
			break
		}
		report("%s:%d: %s: %s", base, c.Line, c.Outcome, c.Reason)
	}
	if !s.strict || res.Failed > 0 {
		t.Logf("%d passed, %d failed, %d skipped", res.Passed, res.Failed, res.Skipped)
	}
	return res
}
