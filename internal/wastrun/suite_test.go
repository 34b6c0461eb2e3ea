package wastrun

import (
	"os"
	"path/filepath"
	"strconv"
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

// suite is a folder of scripts. Strict suites must have no failures; the
// others track proposals whose tests moved on, so only their tally is
// logged.
type suite struct {
	name     string
	dir      string
	features wasm.Features
	strict   bool
}

func TestSpecSuite(t *testing.T) {
	root, err := testsuite.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// wasmc's own scripts, written where the official ones leave gaps.
	suites := []suite{{"wasmc", filepath.Join(root, "testdata", "wast"), wasm.Default, true}}
	if shared, ok := testsuite.Shared(); ok {
		core := filepath.Join(shared, "core")
		props := filepath.Join(core, "proposals")
		suites = append(suites,
			// Stack switching lets tags have results, which the 3.0 suite
			// expects to be invalid: the core suite runs without it.
			suite{"core", core, coreFeatures, true},
			suite{"core-legacy", filepath.Join(core, "legacy"), coreFeatures, true},
			// The threads proposal's tests predate multiple tables and
			// memories ("multiple memories" is an expected error there),
			// so they run with the 1.0 features they were written for.
			suite{"threads", filepath.Join(props, "threads"), wasm.V1 | wasm.Threads, true},
			suite{"stack-switching", filepath.Join(shared, "stack-switching"), wasm.Default, true},
			suite{"wide-arithmetic", filepath.Join(props, "wide-arithmetic"), wasm.All, false},
			suite{"custom-page-sizes", filepath.Join(props, "custom-page-sizes"), wasm.All, false},
			suite{"custom-descriptors", filepath.Join(props, "custom-descriptors"), wasm.All, false},
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
		// v1 is strict but for knownV1, the few scripts whose 1.0 text
		// syntax the 3.0 grammar reads differently.
		{"wazero-v1", "v1", wasm.V1, true},
		{"wazero-v2", "v2", wasm.V2, true},
		{"wazero-exception-handling", "exception-handling", wasm.V2 | wasm.Exceptions, false},
		{"wazero-extended-const", "extended-const", wasm.V2 | wasm.ExtendedConst, false},
		{"wazero-tail-call", "tail-call", wasm.V2 | wasm.TailCall, false},
		{"wazero-threads", "threads", wasm.V2 | wasm.Threads, false},
		{"wazero-typed-function-references", "typed-function-references",
			wasm.V2 | wasm.FunctionReferences | wasm.TailCall, false},
	} {
		s.dir = filepath.Join(spec, s.dir, "testdata")
		suites = append(suites, s)
	}
	for _, s := range suites {
		runSuite(t, s)
	}
}

func runSuite(t *testing.T, s suite) {
	files, _ := filepath.Glob(filepath.Join(s.dir, "*.wast"))
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

// runFile runs one script, reporting failures as errors in strict suites
// and as a tally otherwise.
func runFile(t *testing.T, file string, s suite) Result {
	report := t.Errorf
	if !s.strict {
		report = t.Logf
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	script, err := wast.Parse(file, src)
	if err != nil {
		report("parse: %v", err)
		return Result{Failed: 1}
	}
	res := Run(script, Options{Features: s.features})
	shown := 0
	for _, c := range res.Checks {
		if c.Outcome != Fail {
			continue
		}
		if why, ok := knownFailures[s.name+"/"+filepath.Base(file)+":"+strconv.Itoa(c.Line)]; ok {
			t.Logf("%s:%d: known failure (%s): %s", filepath.Base(file), c.Line, why, c.Reason)
			res.Failed--
			res.Skipped++
			continue
		}
		if shown++; shown > 20 {
			report("... %d more failures", res.Failed-20)
			break
		}
		report("%s:%d: %s", filepath.Base(file), c.Line, c.Reason)
	}
	if !s.strict || res.Failed > 0 {
		t.Logf("%d passed, %d failed, %d skipped", res.Passed, res.Failed, res.Skipped)
	}
	return res
}
