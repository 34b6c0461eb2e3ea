package wasi

import (
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Path resolution beneath a directory descriptor.
//
// Every path_* function resolves its path to a host directory descriptor
// (the parent) and a final name without "/", then acts with a *at system
// call that does not follow a symbolic link in that name. The parent comes
// from openat2 with RESOLVE_BENEATH, which makes the kernel refuse
// absolute paths, ".." above the base and symbolic links leading outside
// it (EXDEV), or, where openat2 is missing (Linux before 5.6, emulators,
// seccomp filters), from a walk one component at a time with O_NOFOLLOW
// that expands symbolic links itself and keeps its own stack of
// directories, so ".." can never pop above the base. A final symbolic
// link that the operation follows is expanded here too, by joining its
// target to the parent path and resolving again, so it is checked the
// same way. Escapes are ENOTCAPABLE, as in wasmtime's legacy
// implementation and uvwasi; absolute guest paths are refused the same.

// maxSymlinks bounds symbolic link expansion, as Linux's ELOOP does.
const maxSymlinks = 40

// useOpenat2 is cleared when the kernel lacks openat2; tests clear it to
// exercise the walk.
var useOpenat2 atomic.Bool

func init() { useOpenat2.Store(true) }

// resolved is a path resolved to a parent directory and a final name.
type resolved struct {
	dirfd   int
	name    string // never contains "/"; "." for the directory itself
	owned   bool   // dirfd must be closed
	mustDir bool   // the path ended in "/"
}

func (r *resolved) close() {
	if r.owned {
		unix.Close(r.dirfd)
		r.owned = false
	}
}

// resolve resolves path beneath directory e. With follow set, a symbolic
// link in the final position is followed (still beneath e); a trailing
// slash follows it too, as POSIX says for lookups.
func resolve(e *fdEntry, path string, follow bool) (resolved, Errno) {
	return resolvePath(e, path, follow, true)
}

// resolveEntry resolves path for an operation on the directory entry
// itself (unlink, rmdir, rename, link, symlink, readlink, mkdir), which
// never follows a final symbolic link, trailing slash or not.
func resolveEntry(e *fdEntry, path string) (resolved, Errno) {
	return resolvePath(e, path, false, false)
}

func resolvePath(e *fdEntry, path string, follow, slashFollows bool) (resolved, Errno) {
	if strings.HasPrefix(path, "/") {
		return resolved{}, ErrnoNotcapable
	}
	if strings.IndexByte(path, 0) >= 0 {
		return resolved{}, ErrnoInval
	}
	mustDir := strings.HasSuffix(path, "/")
	if mustDir {
		follow = follow || slashFollows
		path = strings.TrimRight(path, "/")
		if path == "" {
			return resolved{}, ErrnoNotcapable
		}
	}
	for links := 0; ; links++ {
		parent, name := splitPath(path)
		var r resolved
		var errno Errno
		if name == "." || name == ".." {
			r, errno = openDirBeneath(e, path)
			r.name = "."
		} else {
			r, errno = openDirBeneath(e, parent)
			r.name = name
		}
		if errno != ErrnoSuccess {
			return resolved{}, errno
		}
		r.mustDir = mustDir
		if !follow || r.name == "." {
			return r, ErrnoSuccess
		}
		target, isLink, errno := readIfLink(r.dirfd, r.name)
		if errno != ErrnoSuccess || !isLink {
			if errno == ErrnoNoent {
				errno = ErrnoSuccess // the final name may be created
			}
			if errno != ErrnoSuccess {
				r.close()
			}
			return r, errno
		}
		r.close()
		if links >= maxSymlinks {
			return resolved{}, ErrnoLoop
		}
		if strings.HasPrefix(target, "/") {
			if !e.unrestricted {
				return resolved{}, ErrnoNotcapable
			}
			// Beneath the host's root, "/" is the base itself.
			target = strings.TrimLeft(target, "/")
			if target == "" {
				target = "."
			}
			path = target
		} else if parent == "" {
			path = target
		} else {
			path = parent + "/" + target
		}
		if strings.HasSuffix(path, "/") {
			path = strings.TrimRight(path, "/") + "/."
		}
	}
}

// splitPath splits p at its last "/"; parent is "" for a single name.
func splitPath(p string) (parent, name string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	parent = strings.TrimRight(p[:i], "/")
	if parent == "" {
		parent = "." // p was absolute: only from an unrestricted link
	}
	return parent, p[i+1:]
}

// readIfLink reads name in dirfd if it is a symbolic link.
func readIfLink(dirfd int, name string) (string, bool, Errno) {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return "", false, toErrno(err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return "", false, ErrnoSuccess
	}
	t, errno := readlink(dirfd, name)
	return t, true, errno
}

func readlink(dirfd int, name string) (string, Errno) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", toErrno(err)
		}
		if n < size {
			return string(buf[:n]), ErrnoSuccess
		}
		if size >= 1<<16 {
			return "", ErrnoNametoolong
		}
	}
}

// openDirBeneath opens directory path (relative, may be "") beneath e
// with O_PATH, following symbolic links inside it.
func openDirBeneath(e *fdEntry, path string) (resolved, Errno) {
	if path == "" || path == "." {
		return resolved{dirfd: e.fd}, ErrnoSuccess
	}
	if useOpenat2.Load() {
		how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC}
		if !e.unrestricted {
			how.Resolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS
		}
		for tries := 0; ; tries++ {
			fd, err := unix.Openat2(e.fd, path, &how)
			switch {
			case err == nil:
				return resolved{dirfd: fd, owned: true}, ErrnoSuccess
			case err == unix.EXDEV:
				return resolved{}, ErrnoNotcapable
			case err == unix.EAGAIN && tries < 8:
				continue // a concurrent rename; the kernel asks to retry
			case err == unix.ENOSYS || err == unix.EPERM && tries == 0 && openat2Blocked(e.fd):
				useOpenat2.Store(false)
				return walkDir(e, path)
			}
			return resolved{}, toErrno(err)
		}
	}
	return walkDir(e, path)
}

// openat2Blocked tells a seccomp filter's EPERM from a real one by trying
// a lookup that cannot fail with permission denied.
func openat2Blocked(dirfd int) bool {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC}
	fd, err := unix.Openat2(dirfd, ".", &how)
	if err == nil {
		unix.Close(fd)
		return false
	}
	return err == unix.EPERM || err == unix.ENOSYS
}

// walkDir opens directory path beneath e one component at a time, never
// letting the kernel follow a symbolic link or "..".
func walkDir(e *fdEntry, path string) (resolved, Errno) {
	var stack []int // descriptors of the directories below e.fd
	cur := func() int {
		if len(stack) == 0 {
			return e.fd
		}
		return stack[len(stack)-1]
	}
	fail := func(errno Errno) (resolved, Errno) {
		for _, fd := range stack {
			unix.Close(fd)
		}
		return resolved{}, errno
	}
	comps := strings.Split(path, "/")
	links := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				if e.unrestricted {
					continue // ".." of the root is the root
				}
				return fail(ErrnoNotcapable)
			}
			unix.Close(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			continue
		}
		fd, err := unix.Openat(cur(), c, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fail(toErrno(err))
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			return fail(toErrno(err))
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFDIR:
			stack = append(stack, fd)
		case unix.S_IFLNK:
			target, errno := readlink(fd, "")
			unix.Close(fd)
			if errno != ErrnoSuccess {
				return fail(errno)
			}
			if links++; links > maxSymlinks {
				return fail(ErrnoLoop)
			}
			if strings.HasPrefix(target, "/") {
				if !e.unrestricted {
					return fail(ErrnoNotcapable)
				}
				for _, fd := range stack {
					unix.Close(fd)
				}
				stack = stack[:0]
			}
			comps = append(strings.Split(target, "/"), comps...)
		default:
			unix.Close(fd)
			return fail(ErrnoNotdir)
		}
	}
	if len(stack) == 0 {
		// The walk came back to the base: hand out a descriptor of our
		// own, as callers close what they own.
		fd, err := unix.Openat(e.fd, ".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return resolved{}, toErrno(err)
		}
		return resolved{dirfd: fd, owned: true}, ErrnoSuccess
	}
	for _, fd := range stack[:len(stack)-1] {
		unix.Close(fd)
	}
	return resolved{dirfd: stack[len(stack)-1], owned: true}, ErrnoSuccess
}
