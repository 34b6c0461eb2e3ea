package wasi

import (
	"context"
	"crypto/rand"
	"io"
	goruntime "runtime"

	"golang.org/x/sys/unix"

	"github.com/wasmc/wasmc"
)

// functions lists every function of wasi_snapshot_preview1.
var functions = []function{
	fn("args_get", []wasmc.ValueType{i32, i32}, argsGet),
	fn("args_sizes_get", []wasmc.ValueType{i32, i32}, argsSizesGet),
	fn("environ_get", []wasmc.ValueType{i32, i32}, environGet),
	fn("environ_sizes_get", []wasmc.ValueType{i32, i32}, environSizesGet),
	fn("clock_res_get", []wasmc.ValueType{i32, i32}, clockResGet),
	fn("clock_time_get", []wasmc.ValueType{i32, i64, i32}, clockTimeGet),
	fn("fd_advise", []wasmc.ValueType{i32, i64, i64, i32}, fdAdvise),
	fn("fd_allocate", []wasmc.ValueType{i32, i64, i64}, fdAllocate),
	fn("fd_close", []wasmc.ValueType{i32}, fdClose),
	fn("fd_datasync", []wasmc.ValueType{i32}, fdDatasync),
	fn("fd_fdstat_get", []wasmc.ValueType{i32, i32}, fdFdstatGet),
	fn("fd_fdstat_set_flags", []wasmc.ValueType{i32, i32}, fdFdstatSetFlags),
	fn("fd_fdstat_set_rights", []wasmc.ValueType{i32, i64, i64}, fdFdstatSetRights),
	fn("fd_filestat_get", []wasmc.ValueType{i32, i32}, fdFilestatGet),
	fn("fd_filestat_set_size", []wasmc.ValueType{i32, i64}, fdFilestatSetSize),
	fn("fd_filestat_set_times", []wasmc.ValueType{i32, i64, i64, i32}, fdFilestatSetTimes),
	fn("fd_pread", []wasmc.ValueType{i32, i32, i32, i64, i32}, fdIO(false, true)),
	fn("fd_prestat_get", []wasmc.ValueType{i32, i32}, fdPrestatGet),
	fn("fd_prestat_dir_name", []wasmc.ValueType{i32, i32, i32}, fdPrestatDirName),
	fn("fd_pwrite", []wasmc.ValueType{i32, i32, i32, i64, i32}, fdIO(true, true)),
	fn("fd_read", []wasmc.ValueType{i32, i32, i32, i32}, fdIO(false, false)),
	fn("fd_readdir", []wasmc.ValueType{i32, i32, i32, i64, i32}, fdReaddir),
	fn("fd_renumber", []wasmc.ValueType{i32, i32}, fdRenumber),
	fn("fd_seek", []wasmc.ValueType{i32, i64, i32, i32}, fdSeek),
	fn("fd_sync", []wasmc.ValueType{i32}, fdSync),
	fn("fd_tell", []wasmc.ValueType{i32, i32}, fdTell),
	fn("fd_write", []wasmc.ValueType{i32, i32, i32, i32}, fdIO(true, false)),
	fn("path_create_directory", []wasmc.ValueType{i32, i32, i32}, pathCreateDirectory),
	fn("path_filestat_get", []wasmc.ValueType{i32, i32, i32, i32, i32}, pathFilestatGet),
	fn("path_filestat_set_times", []wasmc.ValueType{i32, i32, i32, i32, i64, i64, i32}, pathFilestatSetTimes),
	fn("path_link", []wasmc.ValueType{i32, i32, i32, i32, i32, i32, i32}, pathLink),
	fn("path_open", []wasmc.ValueType{i32, i32, i32, i32, i32, i64, i64, i32, i32}, pathOpen),
	fn("path_readlink", []wasmc.ValueType{i32, i32, i32, i32, i32, i32}, pathReadlink),
	fn("path_remove_directory", []wasmc.ValueType{i32, i32, i32}, pathRemoveDirectory),
	fn("path_rename", []wasmc.ValueType{i32, i32, i32, i32, i32, i32}, pathRename),
	fn("path_symlink", []wasmc.ValueType{i32, i32, i32, i32, i32}, pathSymlink),
	fn("path_unlink_file", []wasmc.ValueType{i32, i32, i32}, pathUnlinkFile),
	fn("poll_oneoff", []wasmc.ValueType{i32, i32, i32, i32}, pollOneoff),
	{name: "proc_exit", params: []wasmc.ValueType{i32}, raw: procExit},
	fn("proc_raise", []wasmc.ValueType{i32}, procRaise),
	fn("random_get", []wasmc.ValueType{i32, i32}, randomGet),
	fn("sched_yield", nil, schedYield),
	fn("sock_accept", []wasmc.ValueType{i32, i32, i32}, sockBadf),
	fn("sock_recv", []wasmc.ValueType{i32, i32, i32, i32, i32, i32}, sockBadf),
	fn("sock_send", []wasmc.ValueType{i32, i32, i32, i32, i32}, sockBadf),
	fn("sock_shutdown", []wasmc.ValueType{i32, i32}, sockBadf),
}

// putStrings writes a NUL-terminated copy of each string to buf and its
// address to the pointer array at ptrs, as args_get and environ_get do.
func putStrings(m mem, list []string, ptrs, buf uint32) Errno {
	for i, a := range list {
		m.putU32(ptrs+uint32(i)*4, buf)
		b := m.slice(buf, uint32(len(a))+1)
		copy(b, a)
		b[len(a)] = 0
		buf += uint32(len(a)) + 1
	}
	return ErrnoSuccess
}

func putSizes(m mem, list []string, countPtr, sizePtr uint32) Errno {
	size := 0
	for _, a := range list {
		size += len(a) + 1
	}
	m.slice(countPtr, 4)
	m.slice(sizePtr, 4)
	m.putU32(countPtr, uint32(len(list)))
	m.putU32(sizePtr, uint32(size))
	return ErrnoSuccess
}

func argsGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	return putStrings(m, s.args, u32(p[0]), u32(p[1]))
}

func argsSizesGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	return putSizes(m, s.args, u32(p[0]), u32(p[1]))
}

func environGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	return putStrings(m, s.env, u32(p[0]), u32(p[1]))
}

func environSizesGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	return putSizes(m, s.env, u32(p[0]), u32(p[1]))
}

var hostClocks = [...]int32{unix.CLOCK_REALTIME, unix.CLOCK_MONOTONIC,
	unix.CLOCK_PROCESS_CPUTIME_ID, unix.CLOCK_THREAD_CPUTIME_ID}

func clockResGet(_ context.Context, _ *state, m mem, p []uint64) Errno {
	id, result := u32(p[0]), u32(p[1])
	m.slice(result, 8)
	if id >= uint32(len(hostClocks)) {
		return ErrnoInval
	}
	var ts unix.Timespec
	if err := unix.ClockGetres(hostClocks[id], &ts); err != nil {
		return toErrno(err)
	}
	m.putU64(result, uint64(ts.Nano()))
	return ErrnoSuccess
}

// now reads clock id in nanoseconds.
func (s *state) now(id uint32) (int64, Errno) {
	switch id {
	case clockRealtime:
		return s.walltime(), ErrnoSuccess
	case clockMonotonic:
		return s.nanotime(), ErrnoSuccess
	case clockProcessCPU, clockThreadCPU:
		var ts unix.Timespec
		if err := unix.ClockGettime(hostClocks[id], &ts); err != nil {
			return 0, toErrno(err)
		}
		return ts.Nano(), ErrnoSuccess
	}
	return 0, ErrnoInval
}

func clockTimeGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	result := u32(p[2])
	m.slice(result, 8)
	t, errno := s.now(u32(p[0]))
	if errno != ErrnoSuccess {
		return errno
	}
	m.putU64(result, uint64(t))
	return ErrnoSuccess
}

func randomGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	buf := m.slice(u32(p[0]), u32(p[1]))
	src := s.rand
	if src == nil {
		src = rand.Reader
	}
	if _, err := io.ReadFull(src, buf); err != nil {
		return ErrnoIo
	}
	return ErrnoSuccess
}

// procExit ends the call into the guest with an *ExitError, which reaches
// the caller of the guest's export through the host function error path.
func procExit(_ context.Context, _ *state, stack []uint64) {
	panic(&ExitError{Code: u32(stack[0])})
}

// procRaise is ENOSYS: signals have no meaning in a Wasm sandbox, and
// wasi-libc's raise() then fails as it does under wasmtime and wazero.
func procRaise(context.Context, *state, mem, []uint64) Errno { return ErrnoNosys }

func schedYield(context.Context, *state, mem, []uint64) Errno {
	goruntime.Gosched()
	return ErrnoSuccess
}

// sockBadf serves sock_accept, sock_recv, sock_send and sock_shutdown: no
// descriptor is a socket here, and wazero answers EBADF for such.
func sockBadf(context.Context, *state, mem, []uint64) Errno { return ErrnoBadf }
