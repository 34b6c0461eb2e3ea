package wasmc

// View returns the memory's contents without copying: the slice aliases
// the linear memory, so reads see the module's writes and writes change
// what the module reads. It is meant for host functions, which run while
// the calling module is suspended.
//
// Lifetime: the slice is valid until the next Grow (it does not cover
// pages added later, and a future runtime may move the memory then) and
// must not be used after the module owning the memory closes, when the
// memory is unmapped. Take a fresh view in each host call.
func (m *Memory) View() []byte { return m.mem.Bytes() }
