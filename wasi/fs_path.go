package wasi

import (
	"context"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// pathArg resolves the path argument at p[i], p[i+1] beneath directory
// descriptor fd, which must hold the rights in need.
func (s *state) pathArg(m mem, fd uint32, need uint64, p []uint64, i int, follow bool) (resolved, Errno) {
	dir, errno := s.lookupDir(fd, need)
	if errno != ErrnoSuccess {
		return resolved{}, errno
	}
	return resolve(dir, m.str(u32(p[i]), u32(p[i+1])), follow)
}

// entryArg is pathArg for operations on the directory entry itself.
func (s *state) entryArg(m mem, fd uint32, need uint64, p []uint64, i int) (resolved, Errno) {
	dir, errno := s.lookupDir(fd, need)
	if errno != ErrnoSuccess {
		return resolved{}, errno
	}
	return resolveEntry(dir, m.str(u32(p[i]), u32(p[i+1])))
}

func pathOpen(_ context.Context, s *state, m mem, p []uint64) Errno {
	dirflags, oflags, fdflags := u32(p[1]), uint16(p[4]), uint16(p[7])
	base, inh, result := p[5], p[6], u32(p[8])
	m.slice(result, 4)
	if oflags&^(oflagCreat|oflagDirectory|oflagExcl|oflagTrunc) != 0 ||
		fdflags&^(fdflagAppend|fdflagDsync|fdflagNonblock|fdflagRsync|fdflagSync) != 0 {
		return ErrnoInval
	}
	need := rightPathOpen
	if oflags&oflagCreat != 0 {
		need |= rightPathCreateFile
	}
	if oflags&oflagTrunc != 0 {
		need |= rightPathFilestatSetSize
	}
	dir, errno := s.lookupDir(u32(p[0]), need)
	if errno != ErrnoSuccess {
		return errno
	}
	path := m.str(u32(p[2]), u32(p[3]))
	// O_CREAT|O_EXCL never follows a final link: an existing link, even a
	// dangling one, is EEXIST, as in POSIX.
	follow := dirflags&lookupSymlinkFollow != 0 && oflags&(oflagCreat|oflagExcl) != oflagCreat|oflagExcl
	r, errno := resolve(dir, path, follow)
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	// Rights beyond what the directory passes on are dropped, not refused,
	// as runtimes do since libc asks for every right it might use.
	base &= dir.rightsInheriting
	inh &= dir.rightsInheriting

	// O_NOFOLLOW: a final symbolic link was either followed by resolve or
	// must not be (ELOOP).
	flags := unix.O_CLOEXEC | unix.O_NOFOLLOW
	read := base&(rightFdRead|rightFdReaddir) != 0
	write := base&(rightFdWrite|rightFdAllocate) != 0
	switch {
	case oflags&oflagDirectory != 0 || r.mustDir:
		flags |= unix.O_RDONLY | unix.O_DIRECTORY
	case read && write:
		flags |= unix.O_RDWR
	case write:
		flags |= unix.O_WRONLY
	default:
		flags |= unix.O_RDONLY
	}
	for _, f := range [...]struct {
		wasi uint16
		host int
	}{{oflagCreat, unix.O_CREAT}, {oflagExcl, unix.O_EXCL}, {oflagTrunc, unix.O_TRUNC}} {
		if oflags&f.wasi != 0 {
			flags |= f.host
		}
	}
	for _, f := range [...]struct {
		wasi uint16
		host int
	}{{fdflagAppend, unix.O_APPEND}, {fdflagDsync, unix.O_DSYNC}, {fdflagNonblock, unix.O_NONBLOCK},
		{fdflagRsync, unix.O_RSYNC}, {fdflagSync, unix.O_SYNC}} {
		if fdflags&f.wasi != 0 {
			flags |= f.host
		}
	}
	hfd, err := unix.Openat(r.dirfd, r.name, flags, 0o666)
	if err != nil {
		return toErrno(err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(hfd, &st); err != nil {
		unix.Close(hfd)
		return toErrno(err)
	}
	e := &fdEntry{kind: kindFile, f: os.NewFile(uintptr(hfd), path), fd: hfd, fdflags: fdflags,
		rightsBase: base & rightsFile, rightsInheriting: inh}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		// A directory gets every directory right its parent passes on,
		// whatever was asked: Go's wasip1 port asks too few for its own
		// later use (os.Root's O_TRUNC needs path_filestat_set_size), and
		// the runtimes it is tested with grant them. Read-only preopens
		// still withhold the mutating rights, through the parent.
		e.kind, e.rightsBase = kindDir, rightsDir&dir.rightsInheriting
	}
	n, errno := s.add(e)
	if errno != ErrnoSuccess {
		e.close()
		return errno
	}
	m.putU32(result, n)
	return ErrnoSuccess
}

func pathCreateDirectory(_ context.Context, s *state, m mem, p []uint64) Errno {
	r, errno := s.entryArg(m, u32(p[0]), rightPathCreateDirectory, p, 1)
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	return toErrno(unix.Mkdirat(r.dirfd, r.name, 0o777))
}

// statResolved stats a resolved name, refusing a non-directory that was
// named with a trailing slash.
func statResolved(r *resolved) (unix.Stat_t, Errno) {
	var st unix.Stat_t
	if err := unix.Fstatat(r.dirfd, r.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return st, toErrno(err)
	}
	if r.mustDir && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return st, ErrnoNotdir
	}
	return st, ErrnoSuccess
}

func pathFilestatGet(_ context.Context, s *state, m mem, p []uint64) Errno {
	buf := u32(p[4])
	m.slice(buf, sizeFilestat)
	r, errno := s.pathArg(m, u32(p[0]), rightPathFilestatGet, p, 2, u32(p[1])&lookupSymlinkFollow != 0)
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	st, errno := statResolved(&r)
	if errno != ErrnoSuccess {
		return errno
	}
	m.putFilestat(buf, &st)
	return ErrnoSuccess
}

func pathFilestatSetTimes(_ context.Context, s *state, m mem, p []uint64) Errno {
	ts, errno := timespecs(p[4], p[5], uint16(p[6]))
	if errno != ErrnoSuccess {
		return errno
	}
	r, errno := s.pathArg(m, u32(p[0]), rightPathFilestatSetTimes, p, 2, u32(p[1])&lookupSymlinkFollow != 0)
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	if _, errno := statResolved(&r); errno != ErrnoSuccess {
		return errno
	}
	return toErrno(unix.UtimesNanoAt(r.dirfd, r.name, ts[:], unix.AT_SYMLINK_NOFOLLOW))
}

func pathLink(_ context.Context, s *state, m mem, p []uint64) Errno {
	old, errno := s.pathArg(m, u32(p[0]), rightPathLinkSource, p, 2, u32(p[1])&lookupSymlinkFollow != 0)
	if errno != ErrnoSuccess {
		return errno
	}
	defer old.close()
	nw, errno := s.entryArg(m, u32(p[4]), rightPathLinkTarget, p, 5)
	if errno != ErrnoSuccess {
		return errno
	}
	defer nw.close()
	if old.mustDir || nw.mustDir {
		return linkTrailingSlash(&old)
	}
	return toErrno(unix.Linkat(old.dirfd, old.name, nw.dirfd, nw.name, 0))
}

// linkTrailingSlash is Linux's answer to link("a/", ...) or link(..., "b/"):
// directories cannot be linked, and other files are not directories.
func linkTrailingSlash(old *resolved) Errno {
	var st unix.Stat_t
	if err := unix.Fstatat(old.dirfd, old.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return toErrno(err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return ErrnoPerm
	}
	return ErrnoNotdir
}

func pathReadlink(_ context.Context, s *state, m mem, p []uint64) Errno {
	buf, bufLen, used := u32(p[3]), u32(p[4]), u32(p[5])
	out := m.slice(buf, bufLen)
	m.slice(used, 4)
	r, errno := s.entryArg(m, u32(p[0]), rightPathReadlink, p, 1)
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	if r.mustDir {
		return ErrnoNotdir
	}
	target, errno := readlink(r.dirfd, r.name)
	if errno != ErrnoSuccess {
		return errno
	}
	m.putU32(used, uint32(copy(out, target)))
	return ErrnoSuccess
}

func pathRemoveDirectory(_ context.Context, s *state, m mem, p []uint64) Errno {
	r, errno := s.entryArg(m, u32(p[0]), rightPathRemoveDirectory, p, 1)
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	return toErrno(unix.Unlinkat(r.dirfd, r.name, unix.AT_REMOVEDIR))
}

func pathRename(_ context.Context, s *state, m mem, p []uint64) Errno {
	old, errno := s.entryArg(m, u32(p[0]), rightPathRenameSource, p, 1)
	if errno != ErrnoSuccess {
		return errno
	}
	defer old.close()
	nw, errno := s.entryArg(m, u32(p[3]), rightPathRenameTarget, p, 4)
	if errno != ErrnoSuccess {
		return errno
	}
	defer nw.close()
	if old.mustDir || nw.mustDir {
		// With a trailing slash on either side the source must be a
		// directory.
		if _, errno := statResolved(&resolved{dirfd: old.dirfd, name: old.name, mustDir: true}); errno != ErrnoSuccess {
			return errno
		}
	}
	return toErrno(unix.Renameat(old.dirfd, old.name, nw.dirfd, nw.name))
}

func pathSymlink(_ context.Context, s *state, m mem, p []uint64) Errno {
	target := m.str(u32(p[0]), u32(p[1]))
	dir, errno := s.lookupDir(u32(p[2]), rightPathSymlink)
	if errno != ErrnoSuccess {
		return errno
	}
	// A link that could only lead outside is refused when it is made; one
	// with ".." is checked whenever it is followed.
	if strings.HasPrefix(target, "/") && !dir.unrestricted {
		return ErrnoNotcapable
	}
	if target == "" || strings.IndexByte(target, 0) >= 0 {
		return ErrnoNoent
	}
	r, errno := resolveEntry(dir, m.str(u32(p[3]), u32(p[4])))
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	if r.mustDir {
		// symlink(..., "x/") names a directory, which symlink cannot make.
		var st unix.Stat_t
		if unix.Fstatat(r.dirfd, r.name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
			return ErrnoExist
		}
		return ErrnoNoent
	}
	return toErrno(unix.Symlinkat(target, r.dirfd, r.name))
}

func pathUnlinkFile(_ context.Context, s *state, m mem, p []uint64) Errno {
	r, errno := s.entryArg(m, u32(p[0]), rightPathUnlinkFile, p, 1)
	if errno != ErrnoSuccess {
		return errno
	}
	defer r.close()
	if r.mustDir {
		st, errno := statResolved(&r)
		if errno != ErrnoSuccess {
			return errno
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return ErrnoIsdir
		}
	}
	return toErrno(unix.Unlinkat(r.dirfd, r.name, 0))
}
