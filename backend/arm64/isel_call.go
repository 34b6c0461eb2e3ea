package arm64

import (
	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// tupleRegs returns the registers of a call's results, creating them on
// first reference.
func (s *isel) tupleRegs(call *ssa.Value) []regalloc.Reg {
	if call.Sig == nil {
		return nil
	}
	return s.results.Of(call.ID, call.Sig.Results, s.typedVReg)
}

// resultRegs returns fresh registers for the results of sig.
func (s *isel) resultRegs(sig *ssa.Signature) []regalloc.Reg {
	return s.results.Fresh(sig.Results, s.typedVReg)
}

// typedVReg returns a new virtual register for a value of type t.
func (s *isel) typedVReg(t ssa.Type) regalloc.Reg { return s.newVReg(classOf(t)) }

// call selects call, call_indirect and call_builtin.
func (s *isel) call(v *ssa.Value) {
	sig := v.Sig
	if sig == nil {
		s.fail("%v without a signature", v.Op)
		return
	}
	if v.Op == ssa.OpCallBuiltin {
		s.callBuiltin(v)
		return
	}
	l, err := s.layoutOf(sig)
	if err != nil {
		s.fail("%v", err)
		return
	}
	args := v.Args
	in := instr{op: mCall, imm: v.AuxInt}
	seen := map[regalloc.Reg]bool{}
	if v.Op == ssa.OpCallIndirect {
		if len(args) < 2 {
			s.fail("call_indirect without code and vmctx")
			return
		}
		code, vmctx := s.reg(args[0]), s.reg(args[1])
		if vmctx == code {
			vmctx = s.newVReg(regalloc.ClassInt)
			s.copyInto(vmctx, args[1])
		}
		seen[code], seen[vmctx] = true, true
		in = instr{op: mCallInd}
		in.add(regOp(code, rUse), regOp(vmctx, rUse))
		args = args[2:]
		s.mf.saveVMCtx = true
	}
	if len(args) != len(l.Params) {
		s.fail("%v with %d arguments, signature has %d", v.Op, len(args), len(l.Params))
		return
	}
	for i, a := range args {
		if loc := l.Params[i]; loc.OnStack() {
			s.storeSlot(realMem(SP, int64(loc.Offset)), a)
		}
	}
	uses := s.fixedUses(args, l.Params, seen)
	regs := s.callResults(v)
	in.fixed = mach.WithResults(&s.opnds, uses, regs, l.Results, resultDef)
	s.emit(in)
	for i, loc := range l.Results {
		if loc.OnStack() {
			s.loadSlot(regs[i], sig.Results[i], realMem(SP, int64(loc.Offset)))
		}
	}
	s.mf.outArea = max(s.mf.outArea, int64(l.ArgArea()))
	s.bindResults(v, regs)
}

// callResults returns fresh registers for a call's results.
func (s *isel) callResults(v *ssa.Value) []regalloc.Reg {
	if len(v.Sig.Results) > 1 {
		return s.tupleRegs(v)
	}
	return s.resultRegs(v.Sig)
}

// bindResults makes a single-result call's register the value's own.
func (s *isel) bindResults(v *ssa.Value, regs []regalloc.Reg) {
	if len(regs) != 1 {
		return
	}
	if r := s.vregs[v.ID]; r != regalloc.NoReg {
		op := mMov
		if v.Type.IsFloat() {
			op = mFMov
		}
		s.emitOp(op, S64, regOp(r, rDef), regOp(regs[0], rUse))
		return
	}
	s.vregs[v.ID] = regs[0]
}

// callBuiltin passes arguments and results through the ExecCtx buffer.
func (s *isel) callBuiltin(v *ssa.Value) {
	sig := v.Sig
	if len(v.Args) != len(sig.Params) || 8*max(len(sig.Params), len(sig.Results)) > abi.ExecArgsSize {
		s.fail("malformed call_builtin")
		return
	}
	for i, a := range v.Args {
		s.storeSlot(realMem(ExecReg, int64(abi.ExecArgs)+8*int64(i)), a)
	}
	s.emit(instr{op: mCallBltin, imm: v.AuxInt})
	regs := s.callResults(v)
	for i, t := range sig.Results {
		s.loadSlot(regs[i], t, realMem(ExecReg, int64(abi.ExecArgs)+8*int64(i)))
	}
	s.bindResults(v, regs)
}

// resultDef is the fixed definition of a call result in register r.
func resultDef(v regalloc.Reg, r Reg) operand { return fixedOp(v, rDef, r) }
