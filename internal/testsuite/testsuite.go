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

var wazero struct {
	once sync.Once
	dir  string
	err  error
}

// WazeroSpecDir returns wazero's internal/integration_test/spectest directory
// in the Go module cache, downloading the module if needed.
func WazeroSpecDir() (string, error) {
	wazero.once.Do(func() {
		mod := "github.com/tetratelabs/wazero@" + WazeroVersion
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err == nil {
			d := filepath.Join(string(trimNL(out)), "github.com", "tetratelabs", "wazero@"+WazeroVersion)
			if isDir(d) {
				wazero.dir = filepath.Join(d, "internal", "integration_test", "spectest")
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
		wazero.dir = filepath.Join(info.Dir, "internal", "integration_test", "spectest")
	})
	return wazero.dir, wazero.err
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
