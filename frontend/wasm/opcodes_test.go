package wasm

import "testing"

func TestOpTableConsistent(t *testing.T) {
	seen := map[Opcode]bool{}
	for i := range opTable {
		info := &opTable[i]
		if seen[info.Op] {
			t.Errorf("opcode %#x listed twice", info.Op)
		}
		seen[info.Op] = true
		if Lookup(info.Op) != info {
			t.Errorf("Lookup(%#x) does not find %s", info.Op, info.Name)
		}
		if info.Sig != "" {
			p, r := info.SigTypes()
			for _, c := range []byte(p + r) {
				if c != 'a' {
					SigType(c) // panics on a bad letter
				}
			}
		}
	}
	for _, name := range []string{"i32.add", "v128.load8_lane", "i64.atomic.rmw32.cmpxchg_u", "struct.get_s", "resume_throw_ref", "f64x2.relaxed_max"} {
		if len(ByName(name)) != 1 {
			t.Errorf("ByName(%q) = %d entries", name, len(ByName(name)))
		}
	}
	if got := ByName("i32.add")[0].Sig; got != "ii>i" {
		t.Errorf("i32.add sig %q", got)
	}
	if got := ByName("i64.extend_i32_u")[0].Sig; got != "i>I" {
		t.Errorf("i64.extend_i32_u sig %q", got)
	}
}
