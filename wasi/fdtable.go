package wasi

import (
	"errors"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

type fdKind uint8

const (
	kindStream fdKind = iota // stdin, stdout or stderr
	kindFile
	kindDir
)

// fdEntry is one guest descriptor.
type fdEntry struct {
	kind fdKind

	// Streams.
	r     io.Reader
	w     io.Writer
	hostF *os.File // the stream's host file, when it is one

	// Files and directories: the host descriptor, owned by f.
	f  *os.File
	fd int

	preopen   string // guest name of a preopened directory
	isPreopen bool
	// unrestricted: the descriptor lies beneath a preopen of the host's
	// root, so absolute symbolic links may be followed.
	unrestricted bool

	rightsBase, rightsInheriting uint64
	fdflags                      uint16

	dir *dirListing // fd_readdir's snapshot
}

func newStream(r io.Reader, w io.Writer, right uint64) *fdEntry {
	e := &fdEntry{kind: kindStream, r: r, w: w, rightsBase: rightsStdio&^(rightFdRead|rightFdWrite) | right}
	if f, ok := r.(*os.File); ok {
		e.hostF = f
	}
	if f, ok := w.(*os.File); ok {
		e.hostF = f
	}
	if e.w == nil {
		e.w = io.Discard
	}
	return e
}

func (e *fdEntry) close() error {
	if e.f != nil {
		return e.f.Close()
	}
	return nil
}

// lookup returns descriptor fd if it holds every right in need.
func (s *state) lookup(fd uint32, need uint64) (*fdEntry, Errno) {
	e := s.fds[fd]
	if e == nil {
		return nil, ErrnoBadf
	}
	if e.rightsBase&need != need {
		return nil, ErrnoNotcapable
	}
	return e, ErrnoSuccess
}

// lookupDir is lookup for a directory used as the base of a path.
func (s *state) lookupDir(fd uint32, need uint64) (*fdEntry, Errno) {
	e := s.fds[fd]
	if e == nil {
		return nil, ErrnoBadf
	}
	if e.kind != kindDir {
		return nil, ErrnoNotdir
	}
	if e.rightsBase&need != need {
		return nil, ErrnoNotcapable
	}
	return e, ErrnoSuccess
}

// add installs e under the lowest free descriptor number.
func (s *state) add(e *fdEntry) (uint32, Errno) {
	for n := uint32(0); n < 1<<31; n++ {
		if s.fds[n] == nil {
			s.fds[n] = e
			return n, ErrnoSuccess
		}
	}
	return 0, ErrnoMfile
}

// openDirectory opens a host directory for use as a path base.
func openDirectory(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// filetype returns the WASI file type of a host mode.
func filetype(mode uint32) uint8 {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return filetypeRegularFile
	case unix.S_IFDIR:
		return filetypeDirectory
	case unix.S_IFLNK:
		return filetypeSymbolicLink
	case unix.S_IFCHR:
		return filetypeCharacterDevice
	case unix.S_IFBLK:
		return filetypeBlockDevice
	case unix.S_IFSOCK:
		return filetypeSocketStream
	}
	return filetypeUnknown
}

func (m mem) putFilestat(off uint32, st *unix.Stat_t) {
	b := m.slice(off, sizeFilestat)
	clear(b)
	m.putU64(off, uint64(st.Dev))
	m.putU64(off+8, uint64(st.Ino))
	m.putU8(off+16, filetype(st.Mode))
	m.putU64(off+24, uint64(st.Nlink)) // uint32 on arm64
	m.putU64(off+32, uint64(st.Size))
	m.putU64(off+40, uint64(st.Atim.Nano()))
	m.putU64(off+48, uint64(st.Mtim.Nano()))
	m.putU64(off+56, uint64(st.Ctim.Nano()))
}

// streamFiletype is what fdstat and filestat report for a stream:
// character device, the type of a terminal, unless the host file says
// otherwise.
func (e *fdEntry) streamStat() (unix.Stat_t, bool) {
	var st unix.Stat_t
	if e.hostF != nil {
		if err := unix.Fstat(int(e.hostF.Fd()), &st); err == nil {
			return st, true
		}
	}
	st.Mode = unix.S_IFCHR
	return st, false
}

// ioErrno converts a stream's error.
func ioErrno(err error) Errno {
	switch {
	case errors.Is(err, syscall.EPIPE), errors.Is(err, os.ErrClosed):
		return ErrnoPipe
	case errors.Is(err, syscall.EAGAIN):
		return ErrnoAgain
	}
	var e unix.Errno
	if errors.As(err, &e) {
		return toErrno(e)
	}
	return ErrnoIo
}
