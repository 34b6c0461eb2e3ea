// Package wasi implements WASI preview 1 (the "wasi_snapshot_preview1"
// host module) for wasmc: arguments, environment, clocks, randomness,
// standard streams, files and directories under preopened host
// directories, poll_oneoff and proc_exit.
//
// A guest reaches the host file system only beneath its preopens: every
// path is resolved relative to a directory descriptor, absolute paths are
// refused, and ".." or symbolic links that would lead outside fail with
// ENOTCAPABLE (see resolve.go). There is no networking: the sock_*
// functions report EBADF, as no descriptor is a socket.
//
// One WASI instance holds one descriptor table; it is meant to serve one
// guest program at a time (calls are serialised).
package wasi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"
	"weak"

	goruntime "runtime"

	"github.com/wasmc/wasmc"
)

// ModuleName is the import module name of WASI preview 1.
const ModuleName = "wasi_snapshot_preview1"

// Config configures a WASI instance. The zero value gives a program no
// arguments, no environment, empty stdin, discarded output and no files.
type Config struct {
	// Args are the program's arguments; Args[0] is conventionally its name.
	Args []string
	// Env holds "KEY=VALUE" strings.
	Env []string
	// Stdin, Stdout and Stderr are descriptors 0, 1 and 2. Nil means an
	// empty input and discarded output.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Preopens are the directories the guest may use, as descriptors 3, 4,
	// ... in order.
	Preopens []Preopen

	// Walltime returns the real time in nanoseconds since the Unix epoch;
	// Nanotime a monotonic time in nanoseconds. Nil means the host clocks.
	Walltime, Nanotime func() int64
	// Sleep waits for d or until ctx is done; poll_oneoff uses it for
	// clock subscriptions. Nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration)
	// Rand is the source of random_get. Nil means crypto/rand.
	Rand io.Reader
}

// Preopen is a host directory made available to the guest.
type Preopen struct {
	// HostPath is the directory on the host.
	HostPath string
	// GuestPath is the name the guest sees (fd_prestat_dir_name), such as
	// "/" or "/data" or ".".
	GuestPath string
	// ReadOnly withholds every right that would change the file system.
	ReadOnly bool
}

// ExitError is the error of a call that ended in proc_exit.
type ExitError struct{ Code uint32 }

func (e *ExitError) Error() string { return fmt.Sprintf("wasi: exit status %d", e.Code) }

// instances maps each Runtime to the WASI instance defined in it, so that
// Run finds it; the weak key lets the Runtime be collected.
var instances sync.Map // weak.Pointer[wasmc.Runtime] -> *state

// Instantiate defines the "wasi_snapshot_preview1" host module in r,
// configured by cfg (nil means the zero Config). The preopened directories
// are opened now; a missing one is an error.
func Instantiate(ctx context.Context, r *wasmc.Runtime, cfg *Config) (*wasmc.Module, error) {
	mod, _, err := instantiate(ctx, r, cfg)
	return mod, err
}

func instantiate(ctx context.Context, r *wasmc.Runtime, cfg *Config) (*wasmc.Module, *state, error) {
	s, err := newState(cfg)
	if err != nil {
		return nil, nil, err
	}
	b := r.NewHostModuleBuilder(ModuleName)
	for _, f := range functions {
		f := f
		var fn wasmc.GoModuleFunction
		if f.raw != nil {
			fn = func(ctx context.Context, caller *wasmc.Module, stack []uint64) { f.raw(ctx, s, stack) }
		} else {
			fn = func(ctx context.Context, caller *wasmc.Module, stack []uint64) {
				stack[0] = uint64(s.call(ctx, caller, f.fn, stack))
			}
		}
		b.NewFunctionBuilder().WithGoModuleFunction(fn, f.params, f.results).Export(f.name)
	}
	mod, err := b.Instantiate(ctx)
	if err != nil {
		s.closeAll()
		return nil, nil, err
	}
	key := weak.Make(r)
	instances.Store(key, s)
	goruntime.AddCleanup(r, func(k weak.Pointer[wasmc.Runtime]) { instances.Delete(k) }, key)
	s.host = mod
	return mod, s, nil
}

// Close releases the host descriptors (preopens and the files the guest
// left open) of the WASI instance in r, and the host module itself.
// Closing the Runtime closes the module too, but leaves descriptor
// release to the garbage collector.
func Close(ctx context.Context, r *wasmc.Runtime) error {
	key := weak.Make(r)
	v, ok := instances.LoadAndDelete(key)
	if !ok {
		return nil
	}
	s := v.(*state)
	s.mu.Lock()
	s.closeAll()
	s.mu.Unlock()
	return s.host.Close(ctx)
}

// Run runs a WASI command: it instantiates cm anonymously in r and calls
// its "_start" export. If r has no WASI instance yet, Run first makes one
// from cfg and closes it before returning; otherwise the existing
// instance serves and cfg is ignored.
//
// The exit code is the argument of proc_exit, or 0 when _start returns.
// A trap or another failure returns a non-nil error, with exit code 1.
func Run(ctx context.Context, r *wasmc.Runtime, cm *wasmc.CompiledModule, cfg *Config) (exitCode uint32, err error) {
	if _, ok := instances.Load(weak.Make(r)); !ok {
		if _, _, err := instantiate(ctx, r, cfg); err != nil {
			return 1, err
		}
		defer Close(ctx, r)
	}
	mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName(""))
	if err != nil {
		return exitStatus(err)
	}
	defer mod.Close(ctx)
	start := mod.ExportedFunction("_start")
	if start == nil {
		return 1, errors.New("wasi: module has no _start export (not a WASI command)")
	}
	_, err = start.Call(ctx)
	return exitStatus(err)
}

func exitStatus(err error) (uint32, error) {
	if err == nil {
		return 0, nil
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		return exit.Code, nil
	}
	return 1, err
}

// state is one WASI instance.
type state struct {
	mu       sync.Mutex
	host     *wasmc.Module
	args     []string
	env      []string
	fds      map[uint32]*fdEntry
	walltime func() int64
	nanotime func() int64
	sleep    func(context.Context, time.Duration)
	rand     io.Reader

	// The last caller's memory, to avoid looking it up on every call.
	lastCaller *wasmc.Module
	lastMem    *wasmc.Memory
}

var monoBase = time.Now()

func newState(cfg *Config) (*state, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	s := &state{
		args: append([]string(nil), cfg.Args...),
		env:  append([]string(nil), cfg.Env...),
		fds:  map[uint32]*fdEntry{},
	}
	s.walltime = cfg.Walltime
	if s.walltime == nil {
		s.walltime = func() int64 { return time.Now().UnixNano() }
	}
	s.nanotime = cfg.Nanotime
	if s.nanotime == nil {
		// Offset by one so that the first reading is not zero.
		s.nanotime = func() int64 { return int64(time.Since(monoBase)) + 1 }
	}
	s.sleep = cfg.Sleep
	if s.sleep == nil {
		s.sleep = realSleep
	}
	s.rand = cfg.Rand
	s.fds[0] = newStream(cfg.Stdin, nil, rightFdRead)
	s.fds[1] = newStream(nil, cfg.Stdout, rightFdWrite)
	s.fds[2] = newStream(nil, cfg.Stderr, rightFdWrite)
	for i, p := range cfg.Preopens {
		e, err := openPreopen(p)
		if err != nil {
			s.closeAll()
			return nil, err
		}
		s.fds[uint32(3+i)] = e
	}
	return s, nil
}

func realSleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func openPreopen(p Preopen) (*fdEntry, error) {
	abs, err := filepath.Abs(p.HostPath)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("wasi: preopen %s: %w", p.HostPath, err)
	}
	f, err := openDirectory(abs)
	if err != nil {
		return nil, fmt.Errorf("wasi: preopen %s: %w", p.HostPath, err)
	}
	base, inh := uint64(rightsDir), uint64(rightsAll)
	if p.ReadOnly {
		base &^= rightsMutate
		inh &^= rightsMutate
	}
	guest := p.GuestPath
	if guest == "" {
		guest = p.HostPath
	}
	return &fdEntry{
		kind: kindDir, f: f, fd: int(f.Fd()), preopen: guest, isPreopen: true,
		rightsBase: base, rightsInheriting: inh, unrestricted: abs == "/",
	}, nil
}

// closeAll closes every host descriptor; s.mu is held or s is unshared.
func (s *state) closeAll() {
	for n, e := range s.fds {
		e.close()
		delete(s.fds, n)
	}
}

// memory returns the caller's exported memory.
func (s *state) memory(caller *wasmc.Module) mem {
	if caller == nil {
		return nil
	}
	if caller != s.lastCaller {
		m := caller.ExportedMemory("memory")
		if m == nil {
			m = caller.Memory()
		}
		s.lastCaller, s.lastMem = caller, m
	}
	if s.lastMem == nil {
		return nil
	}
	return s.lastMem.View()
}

// call runs one WASI function with the state locked; a guest pointer out
// of range ends it with EFAULT.
func (s *state) call(ctx context.Context, caller *wasmc.Module, fn hostFn, stack []uint64) Errno {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.invoke(ctx, s.memory(caller), fn, stack)
}

// invoke runs fn on memory m; s.mu is held.
func (s *state) invoke(ctx context.Context, m mem, fn hostFn, stack []uint64) (e Errno) {
	defer func() {
		if p := recover(); p != nil {
			if p != errFault {
				panic(p)
			}
			e = ErrnoFault
		}
	}()
	return fn(ctx, s, m, stack)
}

// hostFn is a WASI function: parameters in p, the result is its errno.
type hostFn func(ctx context.Context, s *state, m mem, p []uint64) Errno

type function struct {
	name            string
	params, results []wasmc.ValueType
	fn              hostFn
	raw             func(ctx context.Context, s *state, stack []uint64) // no errno result
}

const (
	i32 = wasmc.ValueTypeI32
	i64 = wasmc.ValueTypeI64
)

func fn(name string, params []wasmc.ValueType, f hostFn) function {
	return function{name: name, params: params, results: []wasmc.ValueType{i32}, fn: f}
}

func u32(v uint64) uint32 { return uint32(v) }
