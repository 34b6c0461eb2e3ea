package wasi

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// fsHarness preopens a fresh directory as fd 3, named "/data".
func fsHarness(t *testing.T, readOnly bool) (*harness, string) {
	dir := t.TempDir()
	return newHarness(t, &Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "/data", ReadOnly: readOnly}}}), dir
}

func TestPrestat(t *testing.T) {
	h, _ := fsHarness(t, false)
	h.ok("fd_prestat_get", 3, 16)
	if h.u8(16) != 0 || h.u32(20) != 5 {
		t.Errorf("prestat tag %d len %d", h.u8(16), h.u32(20))
	}
	h.ok("fd_prestat_dir_name", 3, 32, 5)
	if string(h.bytes(32, 5)) != "/data" {
		t.Errorf("dir name %q", h.bytes(32, 5))
	}
	h.expect(ErrnoNametoolong, "fd_prestat_dir_name", 3, 32, 4)
	h.expect(ErrnoBadf, "fd_prestat_get", 1, 16)
	h.expect(ErrnoBadf, "fd_prestat_get", 4, 16)
	h.expect(ErrnoFault, "fd_prestat_get", 3, bad)
	h.expect(ErrnoFault, "fd_prestat_dir_name", 3, memSize-2, 5)
	h.ok("fd_fdstat_get", 3, 64)
	if h.u8(64) != filetypeDirectory || h.u64(72)&rightPathOpen == 0 || h.u64(80) != rightsAll {
		t.Errorf("preopen fdstat: type %d rights %#x %#x", h.u8(64), h.u64(72), h.u64(80))
	}
}

func TestFileIO(t *testing.T) {
	h, dir := fsHarness(t, false)
	fd := uint64(h.open(3, "f.txt", oflagCreat|oflagExcl, 0))
	h.put(100, []byte("hello world"))
	h.iovec(0, 100, 11)
	h.ok("fd_write", fd, 0, 1, 16)
	if h.u32(16) != 11 {
		t.Fatalf("wrote %d", h.u32(16))
	}
	h.ok("fd_tell", fd, 24)
	if h.u64(24) != 11 {
		t.Errorf("tell %d", h.u64(24))
	}
	h.ok("fd_seek", fd, uint64(^uint64(4)), 2, 24) // -5 from the end
	if h.u64(24) != 6 {
		t.Errorf("seek to %d", h.u64(24))
	}
	h.iovec(0, 200, 64)
	h.ok("fd_read", fd, 0, 1, 16)
	if h.u32(16) != 5 || string(h.bytes(200, 5)) != "world" {
		t.Errorf("read %d %q", h.u32(16), h.bytes(200, 5))
	}
	h.expect(ErrnoInval, "fd_seek", fd, 0, 3, 24)
	h.put(300, []byte("J"))
	h.iovec(0, 300, 1)
	h.ok("fd_pwrite", fd, 0, 1, 0, 16)
	h.iovec(0, 200, 5)
	h.ok("fd_pread", fd, 0, 1, 0, 16)
	if string(h.bytes(200, 5)) != "Jello" {
		t.Errorf("pread %q", h.bytes(200, 5))
	}
	h.ok("fd_tell", fd, 24)
	if h.u64(24) != 11 {
		t.Errorf("pread/pwrite moved the offset to %d", h.u64(24))
	}
	h.ok("fd_filestat_get", fd, 400)
	if h.u8(416) != filetypeRegularFile || h.u64(432) != 11 || h.u64(424) != 1 {
		t.Errorf("filestat type %d size %d nlink %d", h.u8(416), h.u64(432), h.u64(424))
	}
	h.ok("fd_filestat_set_size", fd, 5)
	if b, _ := os.ReadFile(filepath.Join(dir, "f.txt")); string(b) != "Jello" {
		t.Errorf("host sees %q", b)
	}
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC)
	h.ok("fd_filestat_set_times", fd, 0, uint64(mtime.UnixNano()), fstMtim)
	if fi, _ := os.Stat(filepath.Join(dir, "f.txt")); !fi.ModTime().Equal(mtime) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), mtime)
	}
	h.expect(ErrnoInval, "fd_filestat_set_times", fd, 0, 0, fstMtim|fstMtimNow)
	h.ok("fd_allocate", fd, 0, 100)
	if fi, _ := os.Stat(filepath.Join(dir, "f.txt")); fi.Size() != 100 {
		t.Errorf("size %d after fd_allocate", fi.Size())
	}
	h.ok("fd_advise", fd, 0, 0, 1)
	h.expect(ErrnoInval, "fd_advise", fd, 0, 0, 6)
	h.ok("fd_sync", fd)
	h.ok("fd_datasync", fd)
	h.ok("fd_fdstat_get", fd, 64)
	if h.u8(64) != filetypeRegularFile || h.u64(72)&rightFdWrite == 0 || h.u64(72)&rightPathOpen != 0 {
		t.Errorf("file fdstat: type %d rights %#x", h.u8(64), h.u64(72))
	}
	h.expect(ErrnoNotdir, "fd_readdir", fd, 0, 100, 0, 16)
	h.ok("fd_close", fd)
	h.expect(ErrnoBadf, "fd_close", fd)
	h.expect(ErrnoBadf, "fd_read", fd, 0, 1, 16)

	// Flags: O_EXCL, O_TRUNC, append.
	if e := h.openErr(3, "f.txt", 1, oflagCreat|oflagExcl, rightsAll); e != ErrnoExist {
		t.Errorf("O_EXCL on an existing file: errno %d", e)
	}
	if e := h.openErr(3, "missing", 1, 0, rightsAll); e != ErrnoNoent {
		t.Errorf("open of a missing file: errno %d", e)
	}
	if e := h.openErr(3, "f.txt", 1, oflagDirectory, rightsAll); e != ErrnoNotdir {
		t.Errorf("O_DIRECTORY on a file: errno %d", e)
	}
	fd = uint64(h.open(3, "f.txt", oflagTrunc, fdflagAppend))
	h.ok("fd_fdstat_get", fd, 64)
	if h.u16(66) != fdflagAppend {
		t.Errorf("fdflags %d", h.u16(66))
	}
	h.iovec(0, 100, 5)
	h.ok("fd_write", fd, 0, 1, 16)
	h.ok("fd_seek", fd, 0, 0, 24)
	h.ok("fd_write", fd, 0, 1, 16)
	if b, _ := os.ReadFile(filepath.Join(dir, "f.txt")); string(b) != "hellohello" {
		t.Errorf("after O_TRUNC and appends: %q", b)
	}
	h.ok("fd_fdstat_set_flags", fd, 0)
	h.ok("fd_seek", fd, 0, 0, 24)
	h.ok("fd_write", fd, 0, 1, 16)
	if b, _ := os.ReadFile(filepath.Join(dir, "f.txt")); string(b) != "hellohello" {
		t.Errorf("write at 0 without append: %q", b)
	}
	h.expect(ErrnoNotsup, "fd_fdstat_set_flags", fd, fdflagSync)
	// A file opened for reading only cannot be written.
	p, n := h.str(60000, "f.txt")
	h.ok("path_open", 3, 1, p, n, 0, rightFdRead|rightFdSeek, 0, 0, 59996)
	h.expect(ErrnoNotcapable, "fd_write", uint64(h.u32(59996)), 0, 1, 16)
	// fd_renumber moves a descriptor over another.
	h.ok("fd_renumber", uint64(h.u32(59996)), fd)
	h.expect(ErrnoBadf, "fd_renumber", 77, fd)
	h.expect(ErrnoFault, "path_open", 3, 1, p, n, 0, rightsAll, rightsAll, 0, bad)
	h.expect(ErrnoFault, "path_open", 3, 1, bad, 4, 0, rightsAll, rightsAll, 0, 59996)
}

func TestDirectories(t *testing.T) {
	h, dir := fsHarness(t, false)
	mk := func(path string) {
		p, n := h.str(60000, path)
		h.ok("path_create_directory", 3, p, n)
	}
	mk("d")
	p, n := h.str(60000, "d")
	h.expect(ErrnoExist, "path_create_directory", 3, p, n)
	for _, f := range []string{"d/a", "d/bb"} {
		h.ok("fd_close", uint64(h.open(3, f, oflagCreat, 0)))
	}
	mk("d/sub")
	d := uint64(h.open(3, "d", oflagDirectory, 0))

	// fd_readdir: ".", "..", then the entries, each with the next cookie.
	h.ok("fd_readdir", d, 1000, 4000, 0, 16)
	type ent struct {
		name string
		typ  uint8
	}
	var got []ent
	next := map[string]uint64{}
	for off, end := uint32(1000), 1000+h.u32(16); off < end; {
		namlen := h.u32(off + 16)
		e := ent{string(h.bytes(off+24, namlen)), h.u8(off + 20)}
		next[e.name] = h.u64(off)
		got = append(got, e)
		off += 24 + namlen
	}
	slices.SortFunc(got[2:], func(a, b ent) int { return cmpStr(a.name, b.name) })
	want := []ent{{".", filetypeDirectory}, {"..", filetypeDirectory}, {"a", filetypeRegularFile},
		{"bb", filetypeRegularFile}, {"sub", filetypeDirectory}}
	if !slices.Equal(got, want) {
		t.Fatalf("readdir: %v", got)
	}
	// Reading on from a cookie, into a buffer that cuts an entry short.
	h.ok("fd_readdir", d, 1000, 30, next[".."], 16)
	if h.u32(16) != 30 || h.u64(1000) != next[".."]+1 {
		t.Errorf("readdir from cookie: %d bytes, next %d", h.u32(16), h.u64(1000))
	}
	h.ok("fd_readdir", d, 1000, 4000, 5, 16)
	if h.u32(16) != 0 {
		t.Errorf("readdir past the end: %d bytes", h.u32(16))
	}
	h.expect(ErrnoFault, "fd_readdir", d, memSize-10, 100, 0, 16)

	// Paths relative to the new directory descriptor.
	ren := func(from, to string) Errno {
		p1, n1 := h.str(60000, from)
		p2, n2 := h.str(61000, to)
		return h.call("path_rename", d, p1, n1, d, p2, n2)
	}
	if e := ren("a", "c"); e != 0 {
		t.Fatalf("rename: %d", e)
	}
	p1, n1 := h.str(60000, "c")
	p2, n2 := h.str(61000, "hard")
	h.ok("path_link", d, 0, p1, n1, d, p2, n2)
	h.ok("path_filestat_get", d, 0, p1, n1, 400)
	if h.u64(424) != 2 {
		t.Errorf("nlink %d after path_link", h.u64(424))
	}
	p2, n2 = h.str(61000, "sym")
	h.ok("path_symlink", p1, n1, d, p2, n2)
	h.ok("path_readlink", d, p2, n2, 500, 100, 16)
	if h.u32(16) != 1 || h.u8(500) != 'c' {
		t.Errorf("readlink: %q", h.bytes(500, h.u32(16)))
	}
	h.ok("path_filestat_get", d, 0, p2, n2, 400)
	if h.u8(416) != filetypeSymbolicLink {
		t.Errorf("nofollow stat type %d", h.u8(416))
	}
	h.ok("path_filestat_get", d, lookupSymlinkFollow, p2, n2, 400)
	if h.u8(416) != filetypeRegularFile {
		t.Errorf("follow stat type %d", h.u8(416))
	}
	mtime := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
	h.ok("path_filestat_set_times", d, lookupSymlinkFollow, p2, n2, 0, uint64(mtime.UnixNano()), fstMtim)
	if fi, _ := os.Stat(filepath.Join(dir, "d", "c")); !fi.ModTime().Equal(mtime) {
		t.Errorf("mtime through a symlink %v", fi.ModTime())
	}
	// A symbolic link is not opened without LOOKUP_SYMLINK_FOLLOW.
	if e := h.openErr(uint32(d), "sym", 0, 0, rightsAll); e != ErrnoLoop {
		t.Errorf("open nofollow of a symlink: errno %d", e)
	}
	h.ok("path_unlink_file", d, p2, n2)
	p1, n1 = h.str(60000, "c")
	h.ok("path_unlink_file", d, p1, n1)
	p1, n1 = h.str(60000, "sub")
	h.expect(ErrnoIsdir, "path_unlink_file", d, p1, n1)
	p2, n2 = h.str(61000, "d")
	h.expect(ErrnoNotempty, "path_remove_directory", 3, p2, n2)
	h.ok("path_remove_directory", d, p1, n1)
	h.expect(ErrnoNoent, "path_remove_directory", d, p1, n1)
	left, _ := os.ReadDir(filepath.Join(dir, "d"))
	if len(left) != 2 || left[0].Name() != "bb" || left[1].Name() != "hard" {
		t.Errorf("left in d: %v", left)
	}
	// Directory descriptors carry directory rights only.
	h.ok("fd_fdstat_get", d, 64)
	if h.u8(64) != filetypeDirectory || h.u64(72)&rightFdWrite != 0 || h.u64(72)&rightPathOpen == 0 {
		t.Errorf("dir fdstat: type %d rights %#x", h.u8(64), h.u64(72))
	}
	h.expect(ErrnoNotcapable, "fd_read", d, 0, 1, 16)

	// O_CREAT|O_EXCL does not follow a dangling link; a trailing slash
	// follows a link to a directory (both found by Go's os tests).
	if err := os.Symlink("nowhere", filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	if e := h.openErr(3, "dangling", lookupSymlinkFollow, oflagCreat|oflagExcl, rightsAll); e != ErrnoExist {
		t.Errorf("O_EXCL on a dangling link: errno %d", e)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !os.IsNotExist(err) {
		t.Errorf("O_EXCL created the link's target: %v", err)
	}
	if err := os.Symlink("d", filepath.Join(dir, "dlink")); err != nil {
		t.Fatal(err)
	}
	p1, n1 = h.str(60000, "dlink/")
	h.ok("path_filestat_get", 3, 0, p1, n1, 400)
	if h.u8(416) != filetypeDirectory {
		t.Errorf("stat of link/ without follow: type %d", h.u8(416))
	}
	h.expect(ErrnoNotdir, "path_remove_directory", 3, p1, n1)
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestReadOnlyPreopen(t *testing.T) {
	h, dir := fsHarness(t, true)
	if err := os.WriteFile(filepath.Join(dir, "r.txt"), []byte("ro"), 0o644); err != nil {
		t.Fatal(err)
	}
	if e := h.openErr(3, "new", 1, oflagCreat, rightsAll); e != ErrnoNotcapable {
		t.Errorf("create in a read-only preopen: errno %d", e)
	}
	if e := h.openErr(3, "r.txt", 1, oflagTrunc, rightsAll); e != ErrnoNotcapable {
		t.Errorf("truncate in a read-only preopen: errno %d", e)
	}
	fd := uint64(h.open(3, "r.txt", 0, 0))
	h.put(100, []byte("xx"))
	h.iovec(0, 100, 2)
	h.expect(ErrnoNotcapable, "fd_write", fd, 0, 1, 16)
	h.iovec(0, 200, 10)
	h.ok("fd_read", fd, 0, 1, 16)
	if string(h.bytes(200, h.u32(16))) != "ro" {
		t.Errorf("read %q", h.bytes(200, h.u32(16)))
	}
	for _, c := range []struct {
		name string
		args []uint64
	}{
		{"path_create_directory", []uint64{3, 60000, 1}},
		{"path_unlink_file", []uint64{3, 60000, 5}},
		{"path_remove_directory", []uint64{3, 60000, 1}},
		{"path_symlink", []uint64{60000, 1, 3, 61000, 1}},
		{"path_rename", []uint64{3, 60000, 5, 3, 61000, 1}},
		{"path_link", []uint64{3, 0, 60000, 5, 3, 61000, 1}},
		{"path_filestat_set_times", []uint64{3, 0, 60000, 5, 0, 0, fstMtimNow}},
	} {
		h.str(60000, "r.txt")
		h.str(61000, "z")
		if e := h.call(c.name, c.args...); e != ErrnoNotcapable {
			t.Errorf("%s in a read-only preopen: errno %d", c.name, e)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.txt")); string(b) != "ro" {
		t.Errorf("read-only file now holds %q", b)
	}
}
