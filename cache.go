package wasmc

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	goruntime "runtime"

	"github.com/wasmc/wasmc/object"
)

// WithCompilationCache makes CompileModule keep the native object of every
// module it compiles in dir (created when missing), and load it from there
// instead of compiling when it meets the same module again. An entry is
// keyed by the SHA-256 of the module's bytes, the wasmc version, the
// architecture, the CPU features the code uses and the enabled proposals;
// it is loaded like any native object (checksum and all, see
// Runtime.LoadCompiledModule), and an entry that fails to load is ignored
// and replaced. Entries are written to a temporary file and renamed, so
// processes may share a directory. An empty dir disables the cache.
func (c RuntimeConfig) WithCompilationCache(dir string) RuntimeConfig {
	c.cacheDir = dir
	return c
}

// cachePath returns the cache entry of the module whose bytes hash to
// source.
func (r *Runtime) cachePath(source [sha256.Size]byte) string {
	h := sha256.New()
	h.Write([]byte("wasmc compilation cache\x00" + Version + "\x00" + goruntime.GOARCH + "\x00"))
	for _, name := range object.RequiredCPU(goruntime.GOARCH) {
		has := "0"
		if hostHasCPU(name) {
			has = "1"
		}
		h.Write([]byte(name + "=" + has + "\x00"))
	}
	h.Write(binary.LittleEndian.AppendUint64(nil, uint64(r.features)))
	h.Write(source[:])
	return filepath.Join(r.cacheDir, hex.EncodeToString(h.Sum(nil))+".o")
}

// loadCached returns the registered module of a valid cache entry for
// source, nil when there is none (or it is unusable), or errClosed.
func (r *Runtime) loadCached(source [sha256.Size]byte) (*CompiledModule, error) {
	data, err := os.ReadFile(r.cachePath(source))
	if err != nil {
		return nil, nil
	}
	cm, err := r.loadObject(data)
	if err != nil {
		return nil, nil // corrupted or stale: compile and overwrite it
	}
	if cm.source != source || cm.features != r.features {
		// A sound object under the wrong name: never trust it.
		cm.code.Close()
		return nil, nil
	}
	return r.register(cm)
}

// storeCached writes cm's object to the cache. Failing to is not an error
// of the compilation: the next one compiles again.
func (r *Runtime) storeCached(cm *CompiledModule) {
	data, err := cm.MarshalObject()
	if err != nil {
		return
	}
	if err := os.MkdirAll(r.cacheDir, 0o755); err != nil {
		return
	}
	path := r.cachePath(cm.source)
	tmp, err := os.CreateTemp(r.cacheDir, filepath.Base(path)+".tmp*")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}
