package ssa

import (
	"fmt"
	"math"
)

// Verify checks f's invariants: terminators, operand counts and types,
// block arguments against parameters, predecessor lists, reachability and
// dominance of every use by its definition. It returns the first problem.
func Verify(f *Func) error {
	if len(f.Blocks) == 0 {
		return fmt.Errorf("%s: no blocks", f.Name)
	}
	vr := verifier{f: f, def: make([]*Value, f.NumValues()), pos: make([]int32, f.NumValues())}
	return vr.run()
}

type verifier struct {
	f   *Func
	def []*Value // value by ID, to catch duplicates and foreign values
	in  map[*Block]bool
	pos []int32 // position within its block: params -1, values 0.., terminator len
}

func (vr *verifier) errf(b *Block, v *Value, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if v != nil {
		return fmt.Errorf("%s: %s: %s: %s", vr.f.Name, b, v.LongString(), msg)
	}
	return fmt.Errorf("%s: %s: %s", vr.f.Name, b, msg)
}

func (vr *verifier) run() error {
	f := vr.f
	vr.in = make(map[*Block]bool, len(f.Blocks))
	for _, b := range f.Blocks {
		if b.Func != f || vr.in[b] || int(b.ID) >= f.NumBlocks() {
			return vr.errf(b, nil, "block listed twice or foreign")
		}
		vr.in[b] = true
	}
	// Register definitions first so that any order of blocks is accepted.
	for _, b := range f.Blocks {
		for i, p := range b.Params {
			if p.Op != OpParam || p.AuxInt != int64(i) {
				return vr.errf(b, p, "parameter %d is not param [%d]", i, i)
			}
			if err := vr.define(b, p, -1); err != nil {
				return err
			}
		}
		for i, v := range b.Values {
			if err := vr.define(b, v, int32(i)); err != nil {
				return err
			}
		}
		if b.Term == nil {
			return vr.errf(b, nil, "no terminator")
		}
		if err := vr.define(b, b.Term, int32(len(b.Values))); err != nil {
			return err
		}
	}
	entry := f.Blocks[0]
	if len(entry.Preds) != 0 {
		return vr.errf(entry, nil, "entry block has predecessors")
	}
	if len(entry.Params) != len(f.Sig.Params) {
		return vr.errf(entry, nil, "entry has %d params, signature %d", len(entry.Params), len(f.Sig.Params))
	}
	for i, p := range entry.Params {
		if p.Type != f.Sig.Params[i] {
			return vr.errf(entry, p, "entry param type %s, signature %s", p.Type, f.Sig.Params[i])
		}
	}
	if err := vr.checkPreds(); err != nil {
		return err
	}
	dom := f.Dominators()
	for _, b := range f.Blocks {
		if !dom.Reachable(b) {
			return vr.errf(b, nil, "unreachable block")
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op.IsTerminator() || v.Op == OpParam {
				return vr.errf(b, v, "%s among the block's values", v.Op)
			}
			if err := vr.checkValue(b, v, dom); err != nil {
				return err
			}
		}
		if !b.Term.Op.IsTerminator() {
			return vr.errf(b, b.Term, "terminator op is not a terminator")
		}
		if err := vr.checkValue(b, b.Term, dom); err != nil {
			return err
		}
		if err := vr.checkTerm(b, dom); err != nil {
			return err
		}
	}
	return nil
}

func (vr *verifier) define(b *Block, v *Value, pos int32) error {
	if v.Block != b {
		return vr.errf(b, v, "value's Block is %v", v.Block)
	}
	if v.ID < 0 || int(v.ID) >= len(vr.def) || vr.def[v.ID] != nil {
		return vr.errf(b, v, "duplicate or out-of-range value ID")
	}
	vr.def[v.ID] = v
	vr.pos[v.ID] = pos
	return nil
}

// checkPreds compares every block's Preds with the edges that enter it.
func (vr *verifier) checkPreds() error {
	in := make(map[[2]ID]int)
	for _, b := range vr.f.Blocks {
		for _, e := range b.Succs {
			if e.Block == nil || !vr.in[e.Block] {
				return vr.errf(b, nil, "edge to a block not in the function")
			}
			in[[2]ID{b.ID, e.Block.ID}]++
		}
	}
	for _, b := range vr.f.Blocks {
		for _, p := range b.Preds {
			k := [2]ID{p.ID, b.ID}
			if in[k] == 0 {
				return vr.errf(b, nil, "predecessor %s has no matching edge", p)
			}
			in[k]--
		}
	}
	for k, n := range in {
		if n != 0 {
			return fmt.Errorf("%s: edge b%d -> b%d missing from predecessors", vr.f.Name, k[0], k[1])
		}
	}
	return nil
}

// checkUse checks that a (used in b at position pos) is a value of this
// function defined before the use.
func (vr *verifier) checkUse(b *Block, v, a *Value, pos int32, dom *DomTree) error {
	if a == nil {
		return vr.errf(b, v, "nil operand")
	}
	if a.ID < 0 || int(a.ID) >= len(vr.def) || vr.def[a.ID] != a {
		return vr.errf(b, v, "operand %s is not a value of this function", a)
	}
	if a.Type == TypeNone {
		return vr.errf(b, v, "operand %s has no value", a)
	}
	if a.Block == b {
		if vr.pos[a.ID] >= pos {
			return vr.errf(b, v, "operand %s used before its definition", a)
		}
		return nil
	}
	if !dom.Dominates(a.Block, b) {
		return vr.errf(b, v, "operand %s (in %s) does not dominate its use", a, a.Block)
	}
	return nil
}

func (vr *verifier) checkValue(b *Block, v *Value, dom *DomTree) error {
	pos := vr.pos[v.ID]
	for _, a := range v.Args {
		if err := vr.checkUse(b, v, a, pos, dom); err != nil {
			return err
		}
	}
	info := v.Op.Info()
	if v.Op == OpInvalid || v.Op >= numOps {
		return vr.errf(b, v, "invalid op")
	}
	if info.Aux == AuxOffset && (v.AuxInt < math.MinInt32 || v.AuxInt > math.MaxInt32) {
		return vr.errf(b, v, "offset does not fit in 32 bits")
	}
	if info.Sig == "*" {
		return vr.checkVariadic(b, v)
	}
	params, result, _ := cut(info.Sig)
	if len(params) != len(v.Args) {
		return vr.errf(b, v, "%d operands, want %d", len(v.Args), len(params))
	}
	if v.Sig != nil {
		return vr.errf(b, v, "signature on a non-call op")
	}
	for i := 0; i < len(params); i++ {
		want := typeByLetter(params[i])
		switch params[i] {
		case 'T':
			want = v.Type
		case 'X':
			want = Tuple
		}
		if v.Args[i].Type != want {
			return vr.errf(b, v, "operand %d has type %s, want %s", i, v.Args[i].Type, want)
		}
	}
	switch {
	case result == "":
		if v.Type != TypeNone {
			return vr.errf(b, v, "type %s, want none", v.Type)
		}
	case result == "T":
		if !v.Type.IsInt() && !v.Type.IsFloat() {
			return vr.errf(b, v, "type %s is not a value type", v.Type)
		}
	case typeByLetter(result[0]) != v.Type:
		return vr.errf(b, v, "type %s, want %s", v.Type, typeByLetter(result[0]))
	}
	if v.Op == OpExtract {
		t := v.Args[0]
		if t.Sig == nil || v.AuxInt < 0 || v.AuxInt >= int64(len(t.Sig.Results)) || t.Sig.Results[v.AuxInt] != v.Type {
			return vr.errf(b, v, "extract index or type does not match the tuple")
		}
	}
	return nil
}

func (vr *verifier) checkVariadic(b *Block, v *Value) error {
	if v.Op == OpReturn {
		res := vr.f.Sig.Results
		if len(v.Args) != len(res) {
			return vr.errf(b, v, "returns %d values, signature %d", len(v.Args), len(res))
		}
		for i, a := range v.Args {
			if a.Type != res[i] {
				return vr.errf(b, v, "result %d has type %s, want %s", i, a.Type, res[i])
			}
		}
		return nil
	}
	if v.Sig == nil {
		return vr.errf(b, v, "call without a signature")
	}
	args := v.Args
	if v.Op == OpCallIndirect {
		if len(args) < 2 || args[0].Type != I64 || args[1].Type != I64 {
			return vr.errf(b, v, "call_indirect needs i64 code and vmctx operands")
		}
		args = args[2:]
	}
	if len(args) != len(v.Sig.Params) {
		return vr.errf(b, v, "%d arguments, signature %d", len(args), len(v.Sig.Params))
	}
	for i, a := range args {
		if a.Type != v.Sig.Params[i] {
			return vr.errf(b, v, "argument %d has type %s, want %s", i, a.Type, v.Sig.Params[i])
		}
	}
	if v.Type != v.Sig.ResultType() {
		return vr.errf(b, v, "type %s, signature gives %s", v.Type, v.Sig.ResultType())
	}
	return nil
}

func (vr *verifier) checkTerm(b *Block, dom *DomTree) error {
	t := b.Term
	want := -1
	switch t.Op {
	case OpJump:
		want = 1
	case OpBrIf:
		want = 2
	case OpReturn, OpTrap:
		want = 0
	case OpBrTable:
		if len(b.Succs) == 0 {
			return vr.errf(b, t, "br_table without targets")
		}
	}
	if want >= 0 && len(b.Succs) != want {
		return vr.errf(b, t, "%d successors, want %d", len(b.Succs), want)
	}
	end := int32(len(b.Values)) + 1 // edge arguments are used after the terminator
	for i, e := range b.Succs {
		if len(e.Args) != len(e.Block.Params) {
			return vr.errf(b, t, "edge %d to %s has %d arguments for %d parameters", i, e.Block, len(e.Args), len(e.Block.Params))
		}
		for j, a := range e.Args {
			if err := vr.checkUse(b, t, a, end, dom); err != nil {
				return err
			}
			if a.Type != e.Block.Params[j].Type {
				return vr.errf(b, t, "edge %d argument %d has type %s, parameter %s", i, j, a.Type, e.Block.Params[j].Type)
			}
		}
	}
	return nil
}

func cut(sig string) (params, result string, ok bool) {
	for i := 0; i < len(sig); i++ {
		if sig[i] == '>' {
			return sig[:i], sig[i+1:], true
		}
	}
	return sig, "", false
}
