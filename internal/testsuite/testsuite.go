// Package testsuite finds the WebAssembly test suites the tests run: the
// official scripts in ../shared/testsuite beside the repository, and the
// core suites shipped in wazero's Go module (always present, since go.mod
// requires it). The suites are read where they are, never copied.
package testsuite

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
)

// WazeroVersion is the wazero module whose spectest data the tests use.
const WazeroVersion = "v1.12.0"

// RepoRoot returns the directory holding wasmc's go.mod, found by walking up
// from the working directory (tests run in their package's directory).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Shared returns ../shared/testsuite beside the repository, or the directory
// named by $WASMC_TESTSUITE. ok is false when neither exists.
func Shared() (dir string, ok bool) {
	if d := os.Getenv("WASMC_TESTSUITE"); d != "" {
		return d, isDir(d)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", false
	}
	d := filepath.Join(root, "..", "shared", "testsuite")
	return d, isDir(d)
}

// SharedOrSkip returns the directory of Shared, or skips the test when
// there is none; what names what the test needed from it.
func SharedOrSkip(t testing.TB, what string) string {
	t.Helper()
	dir, ok := Shared()
	if !ok {
		t.Skip(what + ": ../shared/testsuite not found beside the repository")
	}
	return dir
}

var wazero struct {
	once sync.Once
	dir  string
	err  error
}

// WazeroDir returns the root of the wazero module in the Go module cache,
// downloading the module if needed.
func WazeroDir() (string, error) {
	wazero.once.Do(func() {
		mod := "github.com/tetratelabs/wazero@" + WazeroVersion
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err == nil {
			d := filepath.Join(string(trimNL(out)), "github.com", "tetratelabs", "wazero@"+WazeroVersion)
			if isDir(d) {
				wazero.dir = d
				return
			}
		}
		out, err = exec.Command("go", "mod", "download", "-json", mod).Output()
		if err != nil {
			wazero.err = fmt.Errorf("go mod download %s: %v", mod, err)
			return
		}
		var info struct{ Dir string }
		if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
			wazero.err = fmt.Errorf("go mod download %s: no Dir in output", mod)
			return
		}
		wazero.dir = info.Dir
	})
	return wazero.dir, wazero.err
}

// WazeroSpecDir returns wazero's internal/integration_test/spectest
// directory: one directory per suite (v1, v2, threads, ...), each holding
// testdata/*.wast and their wast2json output (*.json and *.wasm).
func WazeroSpecDir() (string, error) {
	dir, err := WazeroDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "internal", "integration_test", "spectest"), nil
}

// MustWazeroSpecDir is WazeroSpecDir for tests, which always have wazero
// (go.mod requires it): it fails t when the directory cannot be found.
func MustWazeroSpecDir(t testing.TB) string {
	t.Helper()
	dir, err := WazeroSpecDir()
	if err != nil {
		t.Fatalf("wazero spectest data not found (%v): run `go mod download github.com/tetratelabs/wazero`", err)
	}
	return dir
}

// Glob returns the sorted matches of pattern inside dir.
func Glob(dir, pattern string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, pattern))
	sort.Strings(m)
	return m
}

// WazeroBinaries returns the paths of every .wasm file in wazero's spectest
// data (the wast2json output of its suites).
func WazeroBinaries() ([]string, error) {
	dir, err := WazeroSpecDir()
	if err != nil {
		return nil, err
	}
	files := Glob(dir, "*/testdata/*.wasm")
	if len(files) == 0 {
		return nil, fmt.Errorf("no .wasm files under %s", dir)
	}
	return files, nil
}

// WazeroScripts returns the paths of every wast2json script (.json file) in
// wazero's spectest data.
func WazeroScripts() ([]string, error) {
	dir, err := WazeroSpecDir()
	if err != nil {
		return nil, err
	}
	files := Glob(dir, "*/testdata/*.json")
	if len(files) == 0 {
		return nil, fmt.Errorf("no .json files under %s", dir)
	}
	return files, nil
}

// Command is one command of a wast2json script. Filename names the module's
// .wasm (or .wat) file beside the script, Text an assertion's expected
// message.
type Command struct {
	Type       string `json:"type"`
	Line       int    `json:"line"`
	Filename   string `json:"filename"`
	Text       string `json:"text"`
	ModuleType string `json:"module_type"`
}

// ReadCommands reads the commands of the wast2json script at path.
func ReadCommands(path string) ([]Command, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var script struct{ Commands []Command }
	if err := json.Unmarshal(data, &script); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return script.Commands, nil
}

func isDir(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
