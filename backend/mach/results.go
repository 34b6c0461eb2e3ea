package mach

import (
	"github.com/wasmc/wasmc/internal/bufs"
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/ssa"
)

// CallResults keeps the registers of a function's call results in one
// buffer, found by the call's value ID: no slice per value for the
// collector to scan, no allocation per call.
type CallResults struct {
	at   []int32 // by value ID: 1 + the offset in regs of the call's results, or 0
	regs []regalloc.Reg
}

// Reset prepares c for a function of n values, keeping its storage.
func (c *CallResults) Reset(n int) {
	c.at = bufs.Cleared(c.at, n)
	c.regs = c.regs[:0]
}

// Fresh returns a new register, made by newReg, for each of types.
func (c *CallResults) Fresh(types []ssa.Type, newReg func(ssa.Type) regalloc.Reg) []regalloc.Reg {
	off := len(c.regs)
	for _, t := range types {
		c.regs = append(c.regs, newReg(t))
	}
	return c.regs[off:len(c.regs):len(c.regs)]
}

// Of returns the registers of call id's results (of types), made by
// Fresh on first reference.
func (c *CallResults) Of(id ssa.ID, types []ssa.Type, newReg func(ssa.Type) regalloc.Reg) []regalloc.Reg {
	n := len(types)
	if at := int(c.at[id]) - 1; at >= 0 {
		return c.regs[at : at+n : at+n]
	}
	regs := c.Fresh(types, newReg)
	c.at[id] = int32(len(c.regs)-n) + 1
	return regs
}

// DistinctRegs fills regs with the registers of args for an instruction
// that pins each operand to a fixed register of its own: reg gives a
// value's register, and a value met a second time gets the one dup copies
// it into, as one value cannot sit in two fixed registers at once.
func DistinctRegs(regs []regalloc.Reg, args []*ssa.Value, reg, dup func(*ssa.Value) regalloc.Reg) {
	for i, a := range args {
		regs[i] = reg(a)
		for _, r := range regs[:i] {
			if r == regs[i] {
				regs[i] = dup(a)
				break
			}
		}
	}
}
