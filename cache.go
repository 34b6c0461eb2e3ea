package wasmc

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"sync"

	"github.com/wasmc/wasmc/object"
)

// WithCompilationCache makes CompileModule keep the native object of every
// module it compiles in dir (created when missing), and load it from there
// instead of compiling when it meets the same module again. An entry is
// keyed by the SHA-256 of the module's bytes, the wasmc version and build
// (compilerBuild), the architecture, the CPU features the code uses and the enabled proposals;
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
	h.Write([]byte("wasmc compilation cache\x00" + Version + "\x00" + compilerBuild() + "\x00" + goruntime.GOARCH + "\x00"))
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
	path := r.cachePath(cm.sourceHash())
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

// compilerBuild identifies the code generator that is running, so that a
// cache never serves objects of another build with the same Version (a
// rebuilt development tree changes the code but not the version string).
// A released or committed build is named by its module version or VCS
// revision; a modified or unversioned one by the hash of its executable.
var compilerBuild = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		mod := &bi.Main
		for _, d := range bi.Deps {
			if d.Path == "github.com/wasmc/wasmc" {
				mod = d
			}
		}
		if mod.Path == "github.com/wasmc/wasmc" && mod.Replace == nil {
			if v := mod.Version; v != "" && v != "(devel)" {
				return "module " + v + " " + mod.Sum
			}
			if mod == &bi.Main {
				var rev, modified string
				for _, s := range bi.Settings {
					switch s.Key {
					case "vcs.revision":
						rev = s.Value
					case "vcs.modified":
						modified = s.Value
					}
				}
				if rev != "" && modified == "false" {
					return "vcs " + rev
				}
			}
		}
	}
	return executableHash()
})

// executableHash names the running executable by the build ID the Go
// linker writes into it (a hash of everything that went into the build,
// read from a few hundred bytes), or else by the SHA-256 of the whole file;
// "" when it cannot be read (the key then rests on Version alone).
func executableHash() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	if id := goBuildID(path); id != "" {
		return "buildid " + id
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "exe " + hex.EncodeToString(h.Sum(nil))
}

// goBuildID returns the Go build ID in the ELF note .note.go.buildid of
// the executable at path, or "".
func goBuildID(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil || sec.Size > 1<<12 {
		return ""
	}
	note, err := sec.Data()
	// namesz, descsz, type, then the name "Go\x00\x00" and the ID.
	if err != nil || len(note) < 16 || string(note[12:16]) != "Go\x00\x00" {
		return ""
	}
	n := binary.LittleEndian.Uint32(note[4:8])
	if uint64(n) > uint64(len(note)-16) || n == 0 {
		return ""
	}
	return string(note[16 : 16+n])
}
