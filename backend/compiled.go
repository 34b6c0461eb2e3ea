// Package backend turns validated modules into machine code: it runs the
// frontend's SSA construction and the SSA passes for each function, hands
// each function to the target's instruction selector and the shared
// register allocator, and links the results into one code blob.
package backend

import (
	"encoding/binary"
	"fmt"
)

// Compiled is a module's machine code for one architecture: a single blob
// in which every internal reference is PC-relative (so it runs wherever it
// is mapped), plus the offsets the runtime needs. Everything outside the
// blob is reached through the vmctx (R15) and the ExecCtx (R14); see
// docs/abi.md.
type Compiled struct {
	Arch string // "amd64" or "arm64"
	Code []byte
	// Funcs[i] is the code of defined function i (function index
	// NumImportedFuncs+i).
	Funcs []FuncRange
	// EntryShims[t] is the offset of the entry shim for type index t, or
	// NoOffset when no function has that type. The shim loads parameters
	// from the ExecCtx buffer per the calling convention, calls the code at
	// ExecTarget, and stores the results back into the buffer.
	EntryShims []uint32
	// HostStubs[i] is the offset of the stub for imported function i, used
	// as its code address when a host function satisfies the import: it
	// stores the arguments in the ExecCtx buffer, exits with StatusHostCall
	// and CallIndex i, and on resume returns the buffer's results.
	HostStubs []uint32
	// GuardPages: compiled with Options.GuardPages, so runnable only by a
	// runtime that reserves guard pages and handles their faults.
	GuardPages bool
	// CheckSkips are the jumps back into loop headers that a runtime
	// preempting Wasm by signal may retarget past the header's interrupt
	// check (amd64; docs/abi.md, "Preemption"). Sorted by At.
	CheckSkips []CheckSkip
}

// CheckSkip is a branch into an interrupt check Delta bytes long:
// patched to skip the check, it lands just past it. On amd64 its
// displacement is the Width (1 or 4) little-endian signed bytes at code
// offset At, relative to their end; on arm64 At is the branch instruction
// and Width the bits of its word offset (26: B at bit 0; 19: B.cond, CBZ,
// CBNZ at bit 5; 14: TBZ, TBNZ at bit 5). Skipping a check is safe only
// when a signal can stop the code anywhere else.
type CheckSkip struct {
	At    uint32
	Width uint8
	Delta uint8
}

// CheckSpans maps the code offset where each interrupt check starts to its
// length: assemblers fill it from their final label positions to list the
// branches back into checks.
type CheckSpans map[int]int

// Skip returns the CheckSkip of a branch of the given width at code offset
// at to target, if target starts a check and the branch lies after it (a
// loop's back branch): only then does a target moved past the check stay
// behind the branch and within the same reach.
func (s CheckSpans) Skip(at, target int, width uint8) (CheckSkip, bool) {
	n, ok := s[target]
	if !ok || at < target+n || n <= 0 || n > 255 {
		return CheckSkip{}, false
	}
	return CheckSkip{At: uint32(at), Width: width, Delta: uint8(n)}, true
}

// FuncRange is a function's code within Compiled.Code and, on amd64
// (which has no frame pointer), its frame: from code offset Body on, its
// return address lies Frame bytes above its SP; before Body, at SP.
type FuncRange struct {
	Offset, Size uint32
	Frame, Body  uint32
}

// NoOffset marks a missing entry shim.
const NoOffset = ^uint32(0)

// FuncsEnd returns the offset where the functions' code ends (the
// linkers place the stubs after it).
func (c *Compiled) FuncsEnd() uint32 {
	if len(c.Funcs) == 0 {
		return 0
	}
	f := c.Funcs[len(c.Funcs)-1]
	return f.Offset + f.Size
}

// FuncAt returns the defined function whose code contains offset, for
// backtraces, or -1.
func (c *Compiled) FuncAt(offset uint32) int {
	lo, hi := 0, len(c.Funcs)
	for lo < hi {
		mid := (lo + hi) / 2
		f := c.Funcs[mid]
		switch {
		case offset < f.Offset:
			hi = mid
		case offset >= f.Offset+f.Size:
			lo = mid + 1
		default:
			return mid
		}
	}
	return -1
}

// CheckSkipsValid checks that every skip lies inside a function's code
// (and the code), in order, has a known form and a branch that still
// points backwards once patched: a corrupted list must not let the
// runtime write elsewhere. It walks the skips and the functions (laid out
// in order) together: loading a large module checks thousands.
func CheckSkipsValid(c *Compiled) error {
	f, end := 0, uint64(0) // the function reached; the end of the last skip
	for i, k := range c.CheckSkips {
		at, n := uint64(k.At), uint64(skipBytes(k))
		for f < len(c.Funcs) && uint64(c.Funcs[f].Offset)+uint64(c.Funcs[f].Size) <= at {
			f++
		}
		if f == len(c.Funcs) || at < uint64(c.Funcs[f].Offset) || n == 0 || k.Delta == 0 ||
			at+n > uint64(c.Funcs[f].Offset)+uint64(c.Funcs[f].Size) || at+n > uint64(len(c.Code)) {
			return fmt.Errorf("check skip %d at %#x is out of range", i, k.At)
		}
		if at < end {
			return fmt.Errorf("check skips %d and %d overlap or are unsorted", i-1, i)
		}
		end = at + n
		if _, _, ok := SkipPatch(c.Code[k.At:], k); !ok {
			return fmt.Errorf("check skip %d at %#x does not branch back into a check", i, k.At)
		}
	}
	return nil
}

// skipBytes is the size of k's field (0 for an unknown form).
func skipBytes(k CheckSkip) int {
	switch k.Width {
	case 1, 4:
		return int(k.Width)
	case 26, 19, 14:
		return 4
	}
	return 0
}

// SkipPatch returns what k's field (code starts at At) holds once patched,
// little-endian in its skipBytes, and the code offset the branch then
// reaches; false unless the branch still points backwards and fits.
func SkipPatch(code []byte, k CheckSkip) (field uint32, target int64, ok bool) {
	n := skipBytes(k)
	if n == 0 || len(code) < n {
		return 0, 0, false
	}
	switch k.Width {
	case 1:
		d := int32(int8(code[0])) + int32(k.Delta)
		return uint32(uint8(d)), int64(k.At) + 1 + int64(d), d < 0
	case 4:
		d := int64(int32(binary.LittleEndian.Uint32(code))) + int64(k.Delta)
		return uint32(int32(d)), int64(k.At) + 4 + d, d < 0 && d >= -1<<31
	}
	if k.Delta%4 != 0 {
		return 0, 0, false
	}
	w := binary.LittleEndian.Uint32(code)
	shift := uint(5)
	switch {
	case k.Width == 26 && w&0xFC000000 == 0x14000000: // b
		shift = 0
	case k.Width == 19 && (w&0xFF000010 == 0x54000000 || w&0x7E000000 == 0x34000000): // b.cond, cbz, cbnz
	case k.Width == 14 && w&0x7E000000 == 0x36000000: // tbz, tbnz
	default:
		return 0, 0, false
	}
	bits := uint(k.Width)
	mask := uint32(1)<<bits - 1
	imm := int64(int32(((w>>shift)&mask)<<(32-bits)) >> (32 - bits)) // sign-extended words
	imm += int64(k.Delta / 4)
	if imm > 0 || imm < -(1<<(bits-1)) { // 0: a branch to itself, an empty loop
		return 0, 0, false
	}
	w = w&^(mask<<shift) | (uint32(imm)&mask)<<shift
	return w, int64(k.At) + 4*imm, true
}
