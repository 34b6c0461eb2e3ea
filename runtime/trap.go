package runtime

import (
	"fmt"
	"strings"

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
// call or trapping instruction) if it lies in a Wasm function.
func frameAt(pc uintptr) (Frame, bool) {
	c := codeAt(pc - 1)
	if c == nil {
		return Frame{}, false
	}
	off := uint32(pc - 1 - c.base)
	i := c.compiled.FuncAt(off)
	if i < 0 {
		return Frame{}, false
	}
	idx := c.wasm.NumImportedFuncs + uint32(i)
	f := Frame{FuncIndex: idx, Name: c.wasm.FuncName(idx), Offset: off + 1 - c.compiled.Funcs[i].Offset}
	if c.wasm.Names != nil {
		f.Module = c.wasm.Names.Module
	}
	return f, true
}

// backtrace walks the frame-pointer chain from a Wasm frame: pc is inside
// the function whose frame pointer is fp.
func (e *execCtx) backtrace(pc, fp uintptr) []Frame {
	var frames []Frame
	for len(frames) < maxFrames {
		f, ok := frameAt(pc)
		if !ok {
			break
		}
		frames = append(frames, f)
		ret, ok1 := e.stackWord(fp + 8)
		next, ok2 := e.stackWord(fp)
		if !ok1 || !ok2 || uintptr(next) <= fp {
			break
		}
		pc, fp = uintptr(ret), uintptr(next)
	}
	return frames
}

// exitBacktrace is the backtrace at a host call or builtin exit. Host
// and builtin stubs set up a frame (docs/abi.md), so WasmBP is the stub's
// frame: above it are the return address into the calling Wasm function and
// that function's frame pointer.
func (e *execCtx) exitBacktrace() []Frame {
	bp := uintptr(load64(e.block, abi.ExecWasmBP))
	ret, ok1 := e.stackWord(bp + 8)
	fp, ok2 := e.stackWord(bp)
	if !ok1 || !ok2 {
		return nil
	}
	return e.backtrace(uintptr(ret), uintptr(fp))
}
