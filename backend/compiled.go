// Package backend turns validated modules into machine code: it runs the
// frontend's SSA construction and the SSA passes for each function, hands
// each function to the target's instruction selector and the shared
// register allocator, and links the results into one code blob.
package backend

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
