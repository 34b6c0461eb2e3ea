package wasi

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestSandbox shows that no path a guest passes reaches outside its
// preopen, with openat2 and with the component walk that replaces it on
// kernels without openat2, while paths that stay inside work.
func TestSandbox(t *testing.T) {
	for _, mode := range []struct {
		name    string
		openat2 bool
	}{{"openat2", true}, {"walk", false}} {
		t.Run(mode.name, func(t *testing.T) {
			if mode.openat2 && !useOpenat2.Load() {
				t.Skip("the kernel has no openat2")
			}
			saved := useOpenat2.Load()
			useOpenat2.Store(mode.openat2)
			defer useOpenat2.Store(saved)
			testSandbox(t)
		})
	}
}

// sandboxTree makes base/outside (the secret) and base/root (the
// preopen), whose symbolic links try every way out.
func sandboxTree(t *testing.T) (root, outside string) {
	base := t.TempDir()
	outside = filepath.Join(base, "outside")
	root = filepath.Join(base, "root")
	for _, d := range []string{outside, root, filepath.Join(root, "sub", "deep")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(outside, "secret"): "secret",
		filepath.Join(root, "inside"):    "inside",
	}
	for f, c := range files {
		if err := os.WriteFile(f, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"abs":           filepath.Join(outside, "secret"), // absolute, outside
		"absin":         filepath.Join(root, "inside"),    // absolute, even if inside
		"rel":           "../outside/secret",
		"reldir":        "../outside",
		"chain1":        "chain2",
		"chain2":        "sub/chain3",
		"sub/chain3":    "../../outside/secret",
		"good":          "sub/../inside",
		"sub/up":        "../inside",
		"sub/updir":     "..",
		"sub/deep/esc":  "../../..",
		"dangling":      "../outside/new",
		"loop":          "loop",
		"sub/deep/good": "../../inside",
		"sub/goodchain": "deep/good",
	}
	for l, target := range links {
		if err := os.Symlink(target, filepath.Join(root, l)); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

func testSandbox(t *testing.T) {
	root, outside := sandboxTree(t)
	h := newHarness(t, &Config{Preopens: []Preopen{{HostPath: root, GuestPath: "/"}}})

	// Opening (following symbolic links, as libc does by default).
	escapes := []string{
		"..", "../outside/secret", "/etc/passwd", "/", "sub/../../outside/secret",
		"./sub/deep/../../../outside", "abs", "absin", "rel", "reldir", "reldir/secret",
		"reldir/..", "chain1", "sub/chain3", "sub/updir/..", "sub/updir/../outside",
		"sub/deep/esc", "sub/deep/esc/outside/secret", "sub/deep/esc/root/inside",
		"dangling",
	}
	for _, p := range escapes {
		if e := h.openErr(3, p, lookupSymlinkFollow, 0, rightsAll); e != ErrnoNotcapable {
			t.Errorf("open %q: errno %d, want ENOTCAPABLE", p, e)
		}
	}
	if e := h.openErr(3, "dangling", lookupSymlinkFollow, oflagCreat, rightsAll); e != ErrnoNotcapable {
		t.Errorf("create through a dangling link out: errno %d", e)
	}
	if e := h.openErr(3, "loop", lookupSymlinkFollow, 0, rightsAll); e != ErrnoLoop {
		t.Errorf("open of a link loop: errno %d, want ELOOP", e)
	}
	for _, p := range []string{"abs", "rel", "chain1"} {
		if e := h.openErr(3, p, 0, 0, rightsAll); e != ErrnoLoop {
			t.Errorf("open %q without following: errno %d, want ELOOP", p, e)
		}
	}
	readAll := func(fd uint32) string {
		h.iovec(0, 1000, 100)
		h.ok("fd_read", uint64(fd), 0, 1, 16)
		h.ok("fd_close", uint64(fd))
		return string(h.bytes(1000, h.u32(16)))
	}
	for _, p := range []string{"inside", "./inside", "sub/../inside", "good", "sub/up",
		"sub/updir/inside", "sub/deep/../../inside", "sub/deep/good", "sub/goodchain"} {
		if got := readAll(h.open(3, p, 0, 0)); got != "inside" {
			t.Errorf("open %q read %q", p, got)
		}
	}
	h.ok("fd_close", uint64(h.open(3, "sub/", oflagDirectory, 0)))
	h.ok("fd_close", uint64(h.open(3, "sub/deep/..", oflagDirectory, 0)))

	// A directory descriptor is a capability of its own: ".." above it
	// fails even where the preopen would allow it.
	sub := uint64(h.open(3, "sub", oflagDirectory, 0))
	for _, p := range []string{"../inside", "up", "updir", "deep/../.."} {
		if e := h.openErr(uint32(sub), p, lookupSymlinkFollow, 0, rightsAll); e != ErrnoNotcapable {
			t.Errorf("open %q beneath sub: errno %d, want ENOTCAPABLE", p, e)
		}
	}
	for _, p := range []string{"deep/esc", "deep/good", "goodchain"} { // fine beneath root, not sub
		if e := h.openErr(uint32(sub), p, lookupSymlinkFollow, 0, rightsAll); e != ErrnoNotcapable {
			t.Errorf("open %q beneath sub: errno %d, want ENOTCAPABLE", p, e)
		}
	}
	h.ok("fd_close", uint64(h.open(uint32(sub), "deep/./..", oflagDirectory, 0)))

	// Every other path function, aimed outside.
	type pathCall struct {
		name string
		args func() []uint64
	}
	str := func(off uint32, s string) []uint64 { p, n := h.str(off, s); return []uint64{p, n} }
	cat := func(parts ...[]uint64) []uint64 { return slices.Concat(parts...) }
	fd := func(n uint64) []uint64 { return []uint64{n} }
	calls := []pathCall{
		{"path_create_directory", func() []uint64 { return cat(fd(3), str(60000, "../made")) }},
		{"path_create_directory", func() []uint64 { return cat(fd(3), str(60000, "reldir/made")) }},
		{"path_create_directory", func() []uint64 { return cat(fd(3), str(60000, "/tmp/made")) }},
		{"path_unlink_file", func() []uint64 { return cat(fd(3), str(60000, "../outside/secret")) }},
		{"path_unlink_file", func() []uint64 { return cat(fd(3), str(60000, "reldir/secret")) }},
		{"path_unlink_file", func() []uint64 { return cat(fd(3), str(60000, "sub/deep/esc/outside/secret")) }},
		{"path_remove_directory", func() []uint64 { return cat(fd(3), str(60000, "../outside")) }},
		{"path_remove_directory", func() []uint64 { return cat(fd(3), str(60000, "sub/updir/../outside")) }},
		{"path_rename", func() []uint64 { return cat(fd(3), str(60000, "inside"), fd(3), str(61000, "../outside/moved")) }},
		{"path_rename", func() []uint64 { return cat(fd(3), str(60000, "inside"), fd(3), str(61000, "reldir/moved")) }},
		{"path_rename", func() []uint64 { return cat(fd(3), str(60000, "reldir/secret"), fd(3), str(61000, "stolen")) }},
		{"path_rename", func() []uint64 { return cat(fd(3), str(60000, "../outside"), fd(3), str(61000, "stolen")) }},
		{"path_link", func() []uint64 { return cat(fd(3), fd(0), str(60000, "reldir/secret"), fd(3), str(61000, "hl")) }},
		{"path_link", func() []uint64 { return cat(fd(3), fd(1), str(60000, "rel"), fd(3), str(61000, "hl")) }},
		{"path_link", func() []uint64 { return cat(fd(3), fd(1), str(60000, "abs"), fd(3), str(61000, "hl")) }},
		{"path_link", func() []uint64 { return cat(fd(3), fd(0), str(60000, "inside"), fd(3), str(61000, "../outside/hl")) }},
		{"path_symlink", func() []uint64 { return cat(str(60000, "/etc/passwd"), fd(3), str(61000, "newlink")) }},
		{"path_symlink", func() []uint64 { return cat(str(60000, "inside"), fd(3), str(61000, "reldir/newlink")) }},
		{"path_readlink", func() []uint64 { return cat(fd(3), str(60000, "reldir/x"), fd(2000), fd(100), fd(16)) }},
		{"path_filestat_get", func() []uint64 { return cat(fd(3), fd(1), str(60000, "abs"), fd(2000)) }},
		{"path_filestat_get", func() []uint64 { return cat(fd(3), fd(1), str(60000, "chain1"), fd(2000)) }},
		{"path_filestat_get", func() []uint64 { return cat(fd(3), fd(0), str(60000, "../outside/secret"), fd(2000)) }},
		{"path_filestat_get", func() []uint64 { return cat(fd(3), fd(0), str(60000, ".."), fd(2000)) }},
		{"path_filestat_set_times", func() []uint64 { return cat(fd(3), fd(1), str(60000, "rel"), fd(0), fd(0), fd(fstMtimNow)) }},
		{"path_filestat_set_times", func() []uint64 { return cat(fd(3), fd(0), str(60000, "reldir/secret"), fd(0), fd(0), fd(fstMtimNow)) }},
	}
	secret, _ := os.Stat(filepath.Join(outside, "secret"))
	for _, c := range calls {
		args := c.args()
		if e := h.call(c.name, args...); e != ErrnoNotcapable {
			t.Errorf("%s(%q): errno %d, want ENOTCAPABLE", c.name, h.bytes(60000, uint32(args[len(args)-1])), e)
		}
	}
	// The outside is as it was.
	ents, _ := os.ReadDir(outside)
	if len(ents) != 1 || ents[0].Name() != "secret" {
		t.Errorf("outside now holds %v", ents)
	}
	if st, _ := os.Stat(filepath.Join(outside, "secret")); !st.ModTime().Equal(secret.ModTime()) {
		t.Errorf("the secret's mtime changed")
	}
	if _, err := os.Stat(filepath.Join(root, "inside")); err != nil {
		t.Errorf("inside moved: %v", err)
	}

	// The same functions work inside.
	h.ok("path_create_directory", cat(fd(3), str(60000, "sub/deep/../made"))...)
	h.ok("path_rename", cat(fd(3), str(60000, "sub/made"), fd(3), str(61000, "sub/updir/made2"))...)
	h.ok("path_link", cat(fd(3), fd(1), str(60000, "good"), fd(3), str(61000, "sub/hl"))...)
	h.ok("path_symlink", cat(str(60000, "../inside"), fd(3), str(61000, "sub/deep/up2"))...)
	h.ok("path_filestat_get", cat(fd(3), fd(1), str(60000, "sub/hl"), fd(2000))...)
	if h.u64(2024) != 2 {
		t.Errorf("nlink of inside: %d", h.u64(2024))
	}
	h.ok("path_filestat_get", cat(fd(3), fd(0), str(60000, "abs"), fd(2000))...)
	if h.u8(2016) != filetypeSymbolicLink {
		t.Errorf("a link to outside is still a link to stat: type %d", h.u8(2016))
	}
	h.ok("path_readlink", cat(fd(3), str(60000, "abs"), fd(2000), fd(100), fd(16))...)
	h.ok("path_unlink_file", cat(fd(3), str(60000, "sub/deep/up2"))...)
	h.ok("path_remove_directory", cat(fd(3), str(60000, "made2"))...)
	for _, p := range []string{"made2", "sub/deep/up2"} {
		if _, err := os.Lstat(filepath.Join(root, p)); !os.IsNotExist(err) {
			t.Errorf("%s still exists: %v", p, err)
		}
	}
}

// TestRootPreopen: beneath a preopen of the host's root, absolute
// symbolic links are followed, as they lead nowhere outside it.
func TestRootPreopen(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("root"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "f"), filepath.Join(dir, "abs")); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []bool{true, false} {
		saved := useOpenat2.Load()
		useOpenat2.Store(mode && saved)
		h := newHarness(t, &Config{Preopens: []Preopen{{HostPath: "/", GuestPath: "/"}}})
		fd := h.open(3, filepath.Join(dir, "abs")[1:], 0, 0)
		h.iovec(0, 1000, 100)
		h.ok("fd_read", uint64(fd), 0, 1, 16)
		if got := string(h.bytes(1000, h.u32(16))); got != "root" {
			t.Errorf("openat2=%v: read %q through an absolute link", mode, got)
		}
		if e := h.openErr(3, "/etc", lookupSymlinkFollow, 0, rightsAll); e != ErrnoNotcapable {
			t.Errorf("absolute guest path: errno %d", e)
		}
		useOpenat2.Store(saved)
	}
}
