package wasi

import (
	"context"
	"io"
	"unsafe"

	"golang.org/x/sys/unix"
)

func fdAdvise(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdAdvise)
	if errno != ErrnoSuccess {
		return errno
	}
	// WASI numbers sequential 1 and random 2; Linux the other way round.
	advice := [...]int{unix.FADV_NORMAL, unix.FADV_SEQUENTIAL, unix.FADV_RANDOM,
		unix.FADV_WILLNEED, unix.FADV_DONTNEED, unix.FADV_NOREUSE}
	a := u32(p[3])
	if a >= uint32(len(advice)) {
		return ErrnoInval
	}
	if e.kind == kindStream {
		return ErrnoSpipe
	}
	if e.kind == kindDir {
		return ErrnoBadf
	}
	return toErrno(unix.Fadvise(e.fd, int64(p[1]), int64(p[2]), advice[a]))
}

func fdAllocate(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdAllocate)
	if errno != ErrnoSuccess {
		return errno
	}
	if e.kind != kindFile {
		return ErrnoBadf
	}
	off, n := int64(p[1]), int64(p[2])
	if off < 0 || n <= 0 || off+n < off {
		return ErrnoInval
	}
	err := unix.Fallocate(e.fd, 0, off, n)
	if err == unix.EOPNOTSUPP {
		// File systems without fallocate: extend, as posix_fallocate does.
		var st unix.Stat_t
		if err = unix.Fstat(e.fd, &st); err == nil && st.Size < off+n {
			err = unix.Ftruncate(e.fd, off+n)
		}
	}
	return toErrno(err)
}

func fdClose(_ context.Context, s *state, _ mem, p []uint64) Errno {
	fd := u32(p[0])
	e := s.fds[fd]
	if e == nil {
		return ErrnoBadf
	}
	delete(s.fds, fd)
	return toErrno(e.close())
}

func fdDatasync(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdDatasync)
	if errno != ErrnoSuccess {
		return errno
	}
	if e.kind == kindStream {
		return ErrnoInval
	}
	return toErrno(unix.Fdatasync(e.fd))
}

func fdSync(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdSync)
	if errno != ErrnoSuccess {
		return errno
	}
	if e.kind == kindStream {
		return ErrnoInval
	}
	return toErrno(unix.Fsync(e.fd))
}

func fdFdstatGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), 0)
	if errno != ErrnoSuccess {
		return errno
	}
	buf := u32(p[1])
	m.slice(buf, sizeFdstat)
	ft := filetypeCharacterDevice
	if e.kind != kindStream {
		var st unix.Stat_t
		if err := unix.Fstat(e.fd, &st); err != nil {
			return toErrno(err)
		}
		ft = filetype(st.Mode)
	}
	clear(m.slice(buf, sizeFdstat))
	m.putU8(buf, ft)
	m.putU16(buf+2, e.fdflags)
	m.putU64(buf+8, e.rightsBase)
	m.putU64(buf+16, e.rightsInheriting)
	return ErrnoSuccess
}

func fdFdstatSetFlags(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdFdstatSetFlags)
	if errno != ErrnoSuccess {
		return errno
	}
	flags := uint16(p[1])
	if flags&^(fdflagAppend|fdflagDsync|fdflagNonblock|fdflagRsync|fdflagSync) != 0 {
		return ErrnoInval
	}
	// Linux cannot change the synchronisation flags of an open file.
	const syncFlags = fdflagDsync | fdflagRsync | fdflagSync
	if flags&syncFlags != e.fdflags&syncFlags {
		return ErrnoNotsup
	}
	if e.kind == kindFile {
		fl, err := unix.FcntlInt(uintptr(e.fd), unix.F_GETFL, 0)
		if err != nil {
			return toErrno(err)
		}
		fl &^= unix.O_APPEND | unix.O_NONBLOCK
		if flags&fdflagAppend != 0 {
			fl |= unix.O_APPEND
		}
		if flags&fdflagNonblock != 0 {
			fl |= unix.O_NONBLOCK
		}
		if _, err := unix.FcntlInt(uintptr(e.fd), unix.F_SETFL, fl); err != nil {
			return toErrno(err)
		}
	}
	// Streams and directories just record the flags: host streams stay
	// blocking, and poll_oneoff reports them ready.
	e.fdflags = flags
	return ErrnoSuccess
}

func fdFdstatSetRights(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), 0)
	if errno != ErrnoSuccess {
		return errno
	}
	base, inh := p[1], p[2]
	// Rights can only be dropped.
	if base&^e.rightsBase != 0 || inh&^e.rightsInheriting != 0 {
		return ErrnoNotcapable
	}
	e.rightsBase, e.rightsInheriting = base, inh
	return ErrnoSuccess
}

func fdFilestatGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdFilestatGet)
	if errno != ErrnoSuccess {
		return errno
	}
	buf := u32(p[1])
	m.slice(buf, sizeFilestat)
	var st unix.Stat_t
	if e.kind == kindStream {
		st, _ = e.streamStat()
	} else if err := unix.Fstat(e.fd, &st); err != nil {
		return toErrno(err)
	}
	m.putFilestat(buf, &st)
	return ErrnoSuccess
}

func fdFilestatSetSize(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdFilestatSetSize)
	if errno != ErrnoSuccess {
		return errno
	}
	if e.kind != kindFile {
		return ErrnoBadf
	}
	if int64(p[1]) < 0 {
		return ErrnoInval
	}
	return toErrno(unix.Ftruncate(e.fd, int64(p[1])))
}

// timespecs converts fd_filestat_set_times' arguments.
func timespecs(atim, mtim uint64, fst uint16) ([2]unix.Timespec, Errno) {
	var ts [2]unix.Timespec
	if fst&^(fstAtim|fstAtimNow|fstMtim|fstMtimNow) != 0 ||
		fst&(fstAtim|fstAtimNow) == fstAtim|fstAtimNow || fst&(fstMtim|fstMtimNow) == fstMtim|fstMtimNow {
		return ts, ErrnoInval
	}
	one := func(t uint64, set, now uint16) unix.Timespec {
		switch {
		case fst&now != 0:
			return unix.Timespec{Nsec: unix.UTIME_NOW}
		case fst&set != 0:
			return unix.NsecToTimespec(int64(t))
		}
		return unix.Timespec{Nsec: unix.UTIME_OMIT}
	}
	ts[0] = one(atim, fstAtim, fstAtimNow)
	ts[1] = one(mtim, fstMtim, fstMtimNow)
	return ts, ErrnoSuccess
}

func fdFilestatSetTimes(_ context.Context, s *state, _ mem, p []uint64) Errno {
	e, errno := s.lookup(u32(p[0]), rightFdFilestatSetTimes)
	if errno != ErrnoSuccess {
		return errno
	}
	ts, errno := timespecs(p[1], p[2], uint16(p[3]))
	if errno != ErrnoSuccess {
		return errno
	}
	if e.kind == kindStream {
		return ErrnoBadf
	}
	// utimensat with a null path sets the times of the descriptor itself.
	_, _, en := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(e.fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if en != 0 {
		return toErrno(en)
	}
	return ErrnoSuccess
}

func fdPrestatGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	e := s.fds[u32(p[0])]
	if e == nil || !e.isPreopen {
		return ErrnoBadf
	}
	buf := u32(p[1])
	clear(m.slice(buf, 8))
	m.putU32(buf+4, uint32(len(e.preopen)))
	return ErrnoSuccess
}

func fdPrestatDirName(_ context.Context, s *state, m mem, p []uint64) Errno {
	e := s.fds[u32(p[0])]
	if e == nil || !e.isPreopen {
		return ErrnoBadf
	}
	if u32(p[2]) < uint32(len(e.preopen)) {
		return ErrnoNametoolong
	}
	copy(m.slice(u32(p[1]), uint32(len(e.preopen))), e.preopen)
	return ErrnoSuccess
}

// fdIO is fd_read, fd_write, fd_pread and fd_pwrite.
func fdIO(write, positioned bool) hostFn {
	return func(_ context.Context, s *state, m mem, p []uint64) Errno {
		need := rightFdRead
		if write {
			need = rightFdWrite
		}
		if positioned {
			need |= rightFdSeek
		}
		e, errno := s.lookup(u32(p[0]), need)
		if errno != ErrnoSuccess {
			return errno
		}
		resultPtr := u32(p[3])
		if positioned {
			resultPtr = u32(p[4])
		}
		m.slice(resultPtr, 4) // a bad result pointer fails before any I/O
		iovs := m.iovecs(u32(p[1]), u32(p[2]))
		var n int
		switch {
		case e.kind == kindDir:
			return ErrnoIsdir
		case e.kind == kindStream && positioned:
			return ErrnoSpipe
		case e.kind == kindStream && write:
			n, errno = streamWrite(e.w, iovs)
		case e.kind == kindStream:
			n, errno = streamRead(e.r, iovs)
		default:
			var err error
			off := int64(p[3])
			switch {
			case positioned && off < 0:
				err = unix.EINVAL
			case positioned && write:
				n, err = unix.Pwritev(e.fd, iovs, off)
			case positioned:
				n, err = unix.Preadv(e.fd, iovs, off)
			case write:
				n, err = unix.Writev(e.fd, iovs)
			default:
				n, err = unix.Readv(e.fd, iovs)
			}
			errno = toErrno(err)
		}
		if errno != ErrnoSuccess {
			return errno
		}
		m.putU32(resultPtr, uint32(n))
		return ErrnoSuccess
	}
}

func streamWrite(w io.Writer, iovs [][]byte) (int, Errno) {
	total := 0
	for _, b := range iovs {
		if len(b) == 0 {
			continue
		}
		n, err := w.Write(b)
		total += n
		if err != nil {
			if total > 0 {
				return total, ErrnoSuccess
			}
			return 0, ioErrno(err)
		}
	}
	return total, ErrnoSuccess
}

// streamRead reads into the buffers in turn, stopping at the first short
// read so that it never waits for more input than one Read brings.
func streamRead(r io.Reader, iovs [][]byte) (int, Errno) {
	if r == nil {
		return 0, ErrnoSuccess
	}
	total := 0
	for _, b := range iovs {
		if len(b) == 0 {
			continue
		}
		n, err := r.Read(b)
		total += n
		if err == io.EOF || (err == nil && n < len(b)) {
			break
		}
		if err != nil {
			if total > 0 {
				break
			}
			return 0, ioErrno(err)
		}
	}
	return total, ErrnoSuccess
}

func fdRenumber(_ context.Context, s *state, _ mem, p []uint64) Errno {
	from, to := u32(p[0]), u32(p[1])
	e, t := s.fds[from], s.fds[to]
	if e == nil || t == nil {
		return ErrnoBadf
	}
	if from == to {
		return ErrnoSuccess
	}
	t.close()
	s.fds[to] = e
	delete(s.fds, from)
	return ErrnoSuccess
}

func fdSeek(_ context.Context, s *state, m mem, p []uint64) Errno {
	off, whence, result := int64(p[1]), u32(p[2]), u32(p[3])
	need := rightFdSeek
	if off == 0 && whence == 1 {
		need = rightFdTell // seeking nowhere is telling
	}
	if e := s.fds[u32(p[0])]; e != nil && e.kind == kindStream {
		return ErrnoSpipe // as lseek on a pipe or terminal says
	}
	e, errno := s.lookup(u32(p[0]), need)
	if errno != ErrnoSuccess {
		return errno
	}
	m.slice(result, 8)
	if whence > 2 {
		return ErrnoInval
	}
	pos, err := unix.Seek(e.fd, off, int(whence))
	if err != nil {
		return toErrno(err)
	}
	if e.kind == kindDir {
		e.dir = nil
	}
	m.putU64(result, uint64(pos))
	return ErrnoSuccess
}

func fdTell(_ context.Context, s *state, m mem, p []uint64) Errno {
	if e := s.fds[u32(p[0])]; e != nil && e.kind == kindStream {
		return ErrnoSpipe
	}
	e, errno := s.lookup(u32(p[0]), rightFdTell)
	if errno != ErrnoSuccess {
		return errno
	}
	result := u32(p[1])
	m.slice(result, 8)
	pos, err := unix.Seek(e.fd, 0, io.SeekCurrent)
	if err != nil {
		return toErrno(err)
	}
	m.putU64(result, uint64(pos))
	return ErrnoSuccess
}
