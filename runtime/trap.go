package runtime

import (
	"fmt"
	"strings"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Trap is a Wasm trap: its kind and the Wasm backtrace, innermost first.
type Trap struct {
	Code   abi.TrapCode
	Frames []Frame
	cause  error // ctx.Err() for TrapInterrupted
}

// Frame is one Wasm function activation in a backtrace.
type Frame struct {
	Module    string // module name from the name section, or ""
	FuncIndex uint32
	Name      string // from the name section, or ""
	Offset    uint32 // machine-code offset within the function
}

const interruptedCode = abi.TrapInterrupted

// maxFrames bounds a backtrace (stack exhaustion would give thousands).
const maxFrames = 64

func (t *Trap) Error() string {
	var b strings.Builder
	b.WriteString("wasm trap: ")
	b.WriteString(t.Code.String())
	if t.cause != nil {
		b.WriteString(": ")
		b.WriteString(t.cause.Error())
	}
	for _, f := range t.Frames {
		b.WriteString("\n\tat ")
		b.WriteString(f.String())
	}
	return b.String()
}

// Unwrap returns the context error that interrupted the call, if any.
func (t *Trap) Unwrap() error { return t.cause }

func (f Frame) String() string {
	name := f.Name
	if name == "" {
		name = fmt.Sprintf("func[%d]", f.FuncIndex)
	} else {
		name = fmt.Sprintf("%s (func[%d])", name, f.FuncIndex)
	}
	if f.Module != "" {
		name = f.Module + "." + name
	}
	return fmt.Sprintf("%s+0x%x", name, f.Offset)
}

// frameAt describes return or trap address pc (pointing just after the
// call or trapping instruction) if it lies in a Wasm function, with that
// function's code range and frame size.
func frameAt(pc uintptr) (Frame, backend.FuncRange, bool) {
	c := codeAt(pc - 1)
	if c == nil {
		return Frame{}, backend.FuncRange{}, false
	}
	off := uint32(pc - 1 - c.base)
	i := c.compiled.FuncAt(off)
	if i < 0 {
		return Frame{}, backend.FuncRange{}, false
	}
	fr := c.compiled.Funcs[i]
	idx := c.wasm.NumImportedFuncs + uint32(i)
	f := Frame{FuncIndex: idx, Name: c.wasm.FuncName(idx), Offset: off + 1 - fr.Offset}
	if c.wasm.Names != nil {
		f.Module = c.wasm.Names.Module
	}
	return f, fr, true
}

// backtrace walks the Wasm frames from pc, inside the function whose frame
// address (callerOf) is fp.
func (e *execCtx) backtrace(pc, fp uintptr) []Frame {
	var frames []Frame
	for len(frames) < maxFrames {
		f, fr, ok := frameAt(pc)
		if !ok {
			break
		}
		frames = append(frames, f)
		ret, next, ok := e.callerOf(fr, f.Offset-1, fp)
		if !ok || next <= fp {
			break
		}
		pc, fp = ret, next
	}
	return frames
}

// exitBacktrace is the backtrace at a host call, builtin or yield exit.
// Their stubs set up an RBP frame (docs/abi.md), so WasmBP is the stub's
// frame: above it are the return address into the calling Wasm function
// and that function's frame address.
func (e *execCtx) exitBacktrace() []Frame { return e.stubBacktrace(false) }

// yieldBacktrace is the backtrace at a yield exit. After a signal's
// preemption (StatusPreempted) the stub's return address is the next
// instruction to run, not one after a call: it is looked up one byte on,
// as trap PCs are, so that a function's first instruction is not taken
// for the end of the one before.
func (e *execCtx) yieldBacktrace() []Frame {
	return e.stubBacktrace(abi.Status(load32(e.block, abi.ExecStatus)) == abi.StatusPreempted)
}

func (e *execCtx) stubBacktrace(preempted bool) []Frame {
	pc, fp, ok := e.stubCaller(uintptr(load64(e.block, abi.ExecWasmBP)))
	if !ok {
		return nil
	}
	if preempted {
		pc++
	}
	return e.backtrace(pc, fp)
}
