package wasi

import (
	"context"
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// dirListing is a directory's entries as fd_readdir hands them out:
// "." and ".." first, then the host's entries. Entry i has cookie i+1.
type dirListing struct {
	entries []dirent
}

type dirent struct {
	name string
	ino  uint64
	typ  uint8
}

// readDirectory lists e's directory from its start.
func readDirectory(e *fdEntry) (*dirListing, Errno) {
	var st unix.Stat_t
	if err := unix.Fstat(e.fd, &st); err != nil {
		return nil, toErrno(err)
	}
	d := &dirListing{entries: []dirent{{".", st.Ino, filetypeDirectory}}}
	// The inode of a preopen's parent is outside the sandbox: report 0.
	var parentIno uint64
	if !e.isPreopen {
		if err := unix.Fstatat(e.fd, "..", &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
			parentIno = st.Ino
		}
	}
	d.entries = append(d.entries, dirent{"..", parentIno, filetypeDirectory})
	if _, err := unix.Seek(e.fd, 0, 0); err != nil {
		return nil, toErrno(err)
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := unix.Getdents(e.fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, toErrno(err)
		}
		if n <= 0 {
			break
		}
		// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(binary.LittleEndian.Uint16(b[16:]))
			if reclen < 19 || reclen > len(b) {
				return nil, ErrnoIo
			}
			name := b[19:reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			if s := string(name); s != "." && s != ".." {
				ent := dirent{s, binary.LittleEndian.Uint64(b), dtype(b[18])}
				if b[18] == unix.DT_UNKNOWN {
					if err := unix.Fstatat(e.fd, s, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
						ent.typ = filetype(st.Mode)
					}
				}
				d.entries = append(d.entries, ent)
			}
			b = b[reclen:]
		}
	}
	return d, ErrnoSuccess
}

func dtype(t uint8) uint8 {
	switch t {
	case unix.DT_REG:
		return filetypeRegularFile
	case unix.DT_DIR:
		return filetypeDirectory
	case unix.DT_LNK:
		return filetypeSymbolicLink
	case unix.DT_CHR:
		return filetypeCharacterDevice
	case unix.DT_BLK:
		return filetypeBlockDevice
	case unix.DT_SOCK:
		return filetypeSocketStream
	}
	return filetypeUnknown
}

// fdReaddir fills the buffer with dirents from the cookie on; the last
// one may be cut short, and a full buffer tells the guest to ask again.
func fdReaddir(_ context.Context, s *state, m mem, p []uint64) Errno {
	if e := s.fds[u32(p[0])]; e != nil && e.kind != kindDir {
		return ErrnoNotdir
	}
	e, errno := s.lookup(u32(p[0]), rightFdReaddir)
	if errno != ErrnoSuccess {
		return errno
	}
	buf, bufLen, cookie, used := u32(p[1]), u32(p[2]), p[3], u32(p[4])
	out := m.slice(buf, bufLen)
	m.slice(used, 4)
	if cookie == 0 || e.dir == nil {
		if e.dir, errno = readDirectory(e); errno != ErrnoSuccess {
			return errno
		}
	}
	n := 0
	var hdr [sizeDirent]byte
	for i := cookie; i < uint64(len(e.dir.entries)) && n < len(out); i++ {
		ent := e.dir.entries[i]
		binary.LittleEndian.PutUint64(hdr[0:], i+1)
		binary.LittleEndian.PutUint64(hdr[8:], ent.ino)
		binary.LittleEndian.PutUint32(hdr[16:], uint32(len(ent.name)))
		hdr[20], hdr[21], hdr[22], hdr[23] = ent.typ, 0, 0, 0
		n += copy(out[n:], hdr[:])
		n += copy(out[n:], ent.name)
	}
	m.putU32(used, uint32(n))
	return ErrnoSuccess
}
