package binary

import (
	"encoding/binary"
	"math"
	"reflect"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// allOps lists every opcode of the table.
func allOps() []*wasm.OpInfo {
	var ops []*wasm.OpInfo
	for op := wasm.Opcode(0); op < 256; op++ {
		if info := wasm.Lookup(op); info != nil {
			ops = append(ops, info)
		}
	}
	for p := wasm.Opcode(0xfb); p <= 0xfe; p++ {
		for sub := wasm.Opcode(0); sub < 0x400; sub++ {
			if info := wasm.Lookup(p<<16 | sub); info != nil {
				ops = append(ops, info)
			}
		}
	}
	return ops
}

func encodeOp(op wasm.Opcode) []byte {
	if op < 256 {
		return bs(byte(op))
	}
	return cat(bs(op.Prefix()), leb(uint64(op&0xffff)))
}

// sampleImm returns an encoding of immediates of kind k and the fields it
// should decode to.
func sampleImm(info *wasm.OpInfo) ([]byte, wasm.Instr) {
	want := wasm.Instr{Op: info.Op}
	switch info.Imm {
	case wasm.ImmNone:
		return nil, want
	case wasm.ImmBlock:
		want.Block = wasm.BlockType{Kind: wasm.BlockValue, Val: wasm.I64}
		return bs(0x7e), want
	case wasm.ImmLabel, wasm.ImmFunc, wasm.ImmType, wasm.ImmLocal, wasm.ImmGlobal,
		wasm.ImmTable, wasm.ImmTag, wasm.ImmData, wasm.ImmElem, wasm.ImmMemory:
		want.Index = 300
		return leb(300), want
	case wasm.ImmBrTable:
		want.Labels = []uint32{1, 2, 300}
		return cat(bs(2, 1, 2), leb(300)), want
	case wasm.ImmCallIndirect, wasm.ImmMemoryInit, wasm.ImmMemoryCopy, wasm.ImmTableInit,
		wasm.ImmTableCopy, wasm.ImmTypeField, wasm.ImmTypeCount, wasm.ImmTypeData,
		wasm.ImmTypeElem, wasm.ImmTypeType, wasm.ImmTypeTag:
		want.Index, want.Index2 = 7, 1<<20
		return cat(bs(7), leb(1<<20)), want
	case wasm.ImmMemArg:
		want.Mem = wasm.MemArg{Align: 3, Offset: 1 << 40, Memory: 2}
		return cat(bs(0x43, 2), leb(1<<40)), want
	case wasm.ImmMemArgLane:
		want.Mem = wasm.MemArg{Align: 1, Offset: 5}
		want.Lane = 7
		return bs(1, 5, 7), want
	case wasm.ImmI32:
		want.Const = uint64(math.MaxUint64) - 63 // -64
		return bs(0x40), want
	case wasm.ImmI64:
		want.Const = 1 << 61
		return leb(1 << 61), want
	case wasm.ImmF32:
		want.Const = uint64(math.Float32bits(1.5))
		return binary.LittleEndian.AppendUint32(nil, math.Float32bits(1.5)), want
	case wasm.ImmF64:
		want.Const = math.Float64bits(-2.25)
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(-2.25)), want
	case wasm.ImmV128, wasm.ImmShuffle:
		for i := range want.V128 {
			want.V128[i] = byte(i * 3)
		}
		return want.V128[:], want
	case wasm.ImmLane:
		want.Lane = 15
		return bs(15), want
	case wasm.ImmSelectT:
		want.Types = []wasm.ValType{wasm.V128}
		return bs(1, 0x7b), want
	case wasm.ImmHeapType:
		nullable := info.Op == 0xd0 || info.Op&1 == 1
		want.Ref = wasm.RefType(nullable, 9)
		return bs(9), want
	case wasm.ImmBrOnCast:
		want.Index = 4
		want.Ref = wasm.RefType(false, wasm.HeapAny)
		want.Ref2 = wasm.RefType(true, 3)
		return bs(2, 4, 0x6e, 3), want
	case wasm.ImmTryTable:
		want.Block = wasm.BlockType{Kind: wasm.BlockIndex, Index: 200}
		want.Catches = []wasm.Catch{{Kind: wasm.Catch_, Tag: 1, Label: 2}, {Kind: wasm.CatchRef, Tag: 3, Label: 4},
			{Kind: wasm.CatchAll, Label: 5}, {Kind: wasm.CatchAllR, Label: 6}}
		return cat(leb(200), bs(4, 0, 1, 2, 1, 3, 4, 2, 5, 3, 6)), want
	case wasm.ImmResume:
		want.Index = 1
		want.Handlers = []wasm.Handler{{Tag: 2, Label: 3}, {Tag: 4, Switch: true}}
		return bs(1, 2, 0, 2, 3, 1, 4), want
	case wasm.ImmResumeThrow:
		want.Index, want.Index2 = 1, 2
		want.Handlers = []wasm.Handler{{Tag: 5, Label: 0}}
		return bs(1, 2, 1, 0, 5, 0), want
	case wasm.ImmZeroByte:
		return bs(0), want
	}
	panic("no sample for " + info.Name)
}

// normalize makes empty slices nil so DeepEqual compares contents.
func normalize(in wasm.Instr) wasm.Instr {
	if len(in.Labels) == 0 {
		in.Labels = nil
	}
	if len(in.Types) == 0 {
		in.Types = nil
	}
	if len(in.Catches) == 0 {
		in.Catches = nil
	}
	if len(in.Handlers) == 0 {
		in.Handlers = nil
	}
	return in
}

func TestInstrReaderEveryOpcode(t *testing.T) {
	ops := allOps()
	if len(ops) < 500 {
		t.Fatalf("only %d opcodes", len(ops))
	}
	// One stream holding every instruction, read with one Instr so stale
	// immediates would show.
	var code []byte
	var wants []wasm.Instr
	for _, info := range ops {
		imm, want := sampleImm(info)
		want.Offset = 1000 + uint32(len(code))
		code = cat(code, encodeOp(info.Op), imm)
		wants = append(wants, want)
	}
	r := NewInstrReader(code, 1000, wasm.All)
	var in wasm.Instr
	for i, want := range wants {
		if r.Offset() != want.Offset {
			t.Fatalf("%s: offset %d, want %d", ops[i].Name, r.Offset(), want.Offset)
		}
		if err := r.Next(&in); err != nil {
			t.Fatalf("%s: %v", ops[i].Name, err)
		}
		if got := normalize(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", ops[i].Name, got, want)
		}
	}
	if !r.AtEnd() {
		t.Errorf("not at end: %d", r.Offset())
	}
	if err := r.Next(&in); err == nil {
		t.Errorf("Next at end succeeded")
	}

	// Each instruction alone, with its feature turned off, is illegal.
	for _, info := range ops {
		if info.Feature == wasm.MVP {
			continue
		}
		imm, _ := sampleImm(info)
		r2 := NewInstrReader(cat(encodeOp(info.Op), imm), 0, wasm.All&^info.Feature)
		if err := r2.Next(&in); err == nil {
			t.Errorf("%s decoded without %v", info.Name, info.Feature)
		} else {
			wantMalformed(t, info.Name, err, "illegal opcode")
		}
	}
}

func TestInstrReaderErrors(t *testing.T) {
	cases := []struct {
		name string
		code []byte
		f    wasm.Features
		want string
	}{
		{"unknown opcode", bs(0xff), wasm.All, "illegal opcode ff"},
		{"unknown prefixed", bs(0xfc, 0x7f), wasm.All, "illegal opcode fc 7f"},
		{"huge sub-opcode", bs(0xfd, 0xff, 0xff, 0xff, 0xff, 0x0f), wasm.All, "illegal opcode"},
		{"sub-opcode too long", bs(0xfd, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), wasm.All, "integer representation too long"},
		{"legacy try disabled", bs(0x06, 0x40), wasm.V3, "illegal opcode 06"},
		{"truncated", bs(0x41), wasm.All, "unexpected end"},
		{"truncated f64", bs(0x44, 0, 0, 0), wasm.All, "unexpected end"},
		{"truncated v128", bs(0xfd, 0x0c, 1, 2), wasm.All, "unexpected end"},
		{"i32 too large", bs(0x41, 0x80, 0x80, 0x80, 0x80, 0x10), wasm.All, "integer too large"},
		{"i64 too long", bs(0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), wasm.All, "integer representation too long"},
		{"memop flags", bs(0x28, 0x80, 0x01, 0), wasm.All, "malformed memop flags"},
		{"memop index without multi-memory", bs(0x28, 0x40, 0, 0), wasm.V2, "malformed memop flags"},
		{"memop align 32 without multi-memory", bs(0x28, 0x20, 0), wasm.V2, "malformed memop flags"},
		{"memop offset u32", bs(0x28, 2, 0x80, 0x80, 0x80, 0x80, 0x10), wasm.V2, "integer too large"},
		{"memory.size byte", bs(0x3f, 1), wasm.V2, "zero byte expected"},
		{"memory.grow leb zero", bs(0x40, 0x80, 0x00), wasm.V2, "zero byte expected"},
		{"memory.copy byte", bs(0xfc, 0x0a, 0, 1), wasm.V2, "zero byte expected"},
		{"memory.init byte", bs(0xfc, 0x08, 0, 1), wasm.V2, "zero byte expected"},
		{"call_indirect v1", bs(0x11, 0, 1), wasm.V1, "zero byte expected"},
		{"atomic.fence", bs(0xfe, 0x03, 1), wasm.All, "zero byte expected"},
		{"block type", bs(0x02, 0x7a), wasm.All, "malformed value type"},
		{"block type index v1", bs(0x02, 0x00), wasm.V1, "malformed block type"},
		{"block type negative", bs(0x02, 0x80, 0x7f), wasm.All, "integer representation too long"},
		{"block type index too big", bs(0x02, 0x80, 0x80, 0x80, 0x80, 0x08), wasm.All, "malformed type index"},
		{"select type", bs(0x1c, 1, 0x40), wasm.All, "malformed value type"},
		{"select count", bs(0x1c, 5, 0x7f), wasm.All, "length out of bounds"},
		{"br_table count", bs(0x0e, 0xff, 0xff, 0x03, 0), wasm.All, "length out of bounds"},
		{"heap type", bs(0xd0, 0x7f), wasm.All, "malformed heap type"},
		{"heap type index without function references", bs(0xd0, 0x00), wasm.V2, "malformed heap type"},
		{"heap type any without gc", bs(0xd0, 0x6e), wasm.V2, "malformed heap type"},
		{"heap type negative", bs(0xd0, 0x80, 0x7f), wasm.All, "malformed heap type"},
		{"br_on_cast flags", bs(0xfb, 0x18, 4, 0, 0x6e, 0x6e), wasm.All, "malformed br_on_cast flags"},
		{"catch clause", bs(0x1f, 0x40, 1, 4, 0), wasm.All, "malformed catch clause"},
		{"handler clause", bs(0xe3, 0, 1, 2, 0), wasm.All, "ON opcode expected"},
	}
	var in wasm.Instr
	for _, c := range cases {
		r := NewInstrReader(c.code, 0, c.f)
		err := r.Next(&in)
		wantMalformed(t, c.name, err, c.want)
	}
	// Offsets are module offsets.
	r := NewInstrReader(bs(0x01, 0xff), 0x100, wasm.All)
	r.Next(&in)
	if err := r.Next(&in); err.(*wasm.Error).Offset != 0x101 {
		t.Errorf("error offset %#x, want 0x101", err.(*wasm.Error).Offset)
	}
}

func TestInstrReaderNoAlloc(t *testing.T) {
	code := cat(
		bs(0x0e, 3, 0, 1, 2, 3),    // br_table
		bs(0x1c, 2, 0x7f, 0x7e),    // select t
		bs(0x1f, 0x40, 1, 2, 0),    // try_table
		bs(0xe3, 0, 1, 1, 0),       // resume
		bs(0x41, 0x80, 0x80, 0x04), // i32.const
		bs(0x28, 2, 0x10),          // i32.load
		bs(0x0b),
	)
	r := NewInstrReader(nil, 0, wasm.All)
	var in wasm.Instr
	walk := func() {
		r.Reset(code, 0)
		for !r.AtEnd() {
			if err := r.Next(&in); err != nil {
				t.Fatal(err)
			}
		}
	}
	walk()
	if n := testing.AllocsPerRun(100, walk); n != 0 {
		t.Errorf("%v allocations per walk", n)
	}
}
