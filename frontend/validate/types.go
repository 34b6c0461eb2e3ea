package validate

import (
	"encoding/binary"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// typeSpace holds the module's types in canonical form. Rec groups are
// hash-consed on a structural key in which references into the group are
// relative and references out of it are canonical ids, so two type indices
// denote the same (iso-recursive) type exactly when their canonical ids are
// equal. Subtyping between defined types then walks the declared supertype
// chain of canonical ids: no structural comparison on the hot path.
type typeSpace struct {
	canon  []uint32    // canonical id of every type index
	info   []canonType // indexed by canonical id
	groups map[string]uint32
	key    []byte
}

// canonType is what subtyping needs to know about one canonical type.
type canonType struct {
	super int32  // canonical id of the declared supertype, -1 if none
	depth uint32 // length of the supertype chain above this type
	kind  wasm.CompKind
	final bool
}

// abstractOf is the abstract heap type just above every defined type of
// a composite kind.
var abstractOf = [...]wasm.HeapType{
	wasm.CompFunc:   wasm.HeapFunc,
	wasm.CompStruct: wasm.HeapStruct,
	wasm.CompArray:  wasm.HeapArray,
	wasm.CompCont:   wasm.HeapCont,
}

// absSupers[-h] is the set of abstract heap types that h is a subtype of,
// one bit per negated code.
var absSupers [0x19]uint32

func absBit(h wasm.HeapType) uint32 { return 1 << uint32(-h) }

func init() {
	set := func(h wasm.HeapType, supers ...wasm.HeapType) {
		m := absBit(h)
		for _, s := range supers {
			m |= absBit(s)
		}
		absSupers[-h] = m
	}
	set(wasm.HeapAny)
	set(wasm.HeapEq, wasm.HeapAny)
	set(wasm.HeapI31, wasm.HeapEq, wasm.HeapAny)
	set(wasm.HeapStruct, wasm.HeapEq, wasm.HeapAny)
	set(wasm.HeapArray, wasm.HeapEq, wasm.HeapAny)
	set(wasm.HeapNone, wasm.HeapI31, wasm.HeapStruct, wasm.HeapArray, wasm.HeapEq, wasm.HeapAny)
	set(wasm.HeapFunc)
	set(wasm.HeapNoFunc, wasm.HeapFunc)
	set(wasm.HeapExtern)
	set(wasm.HeapNoExtern, wasm.HeapExtern)
	set(wasm.HeapExn)
	set(wasm.HeapNoExn, wasm.HeapExn)
	set(wasm.HeapCont)
	set(wasm.HeapNoCont, wasm.HeapCont)
}

func isAbstract(h wasm.HeapType) bool { return h < 0 && h >= -0x18 && absSupers[-h] != 0 }

// typeDef returns the definition of type idx, or nil if it is out of range.
func (c *moduleCtx) typeDef(idx uint32) *wasm.SubType {
	if uint64(idx) >= uint64(len(c.m.Types)) {
		return nil
	}
	return &c.m.Types[idx]
}

// funcTypeOf returns the function type at idx; ok is false when idx is out
// of range or names another kind of type.
func (c *moduleCtx) funcTypeOf(idx uint32) (*wasm.FuncType, bool) {
	st := c.typeDef(idx)
	if st == nil || st.Kind != wasm.CompFunc {
		return nil, false
	}
	return &st.Func, true
}

// checkValType reports a reference to a type index outside the module.
func (c *moduleCtx) checkValType(t wasm.ValType) error {
	if t.Kind == wasm.KindRef && t.Heap >= 0 && int64(t.Heap) >= int64(len(c.m.Types)) {
		return wasm.Invalidf(-1, "unknown type %d", uint32(t.Heap))
	}
	return nil
}

// subtype reports whether a <: b. The bottom type matches everything.
func (c *moduleCtx) subtype(a, b wasm.ValType) bool {
	if a.Kind != b.Kind {
		return a.Kind == wasm.KindBot
	}
	if a.Kind != wasm.KindRef {
		return true
	}
	if a.Nullable && !b.Nullable {
		return false
	}
	return a.Heap == b.Heap || c.heapSubtype(a.Heap, b.Heap)
}

// heapSubtype reports whether heap type a is a subtype of b.
func (c *moduleCtx) heapSubtype(a, b wasm.HeapType) bool {
	if a == b || a == wasm.HeapBot {
		return true
	}
	ts := &c.types
	if a >= 0 {
		if int64(a) >= int64(len(ts.canon)) {
			return false
		}
		ca := ts.canon[a]
		if b >= 0 {
			if int64(b) >= int64(len(ts.canon)) {
				return false
			}
			return ts.canonSubtype(ca, ts.canon[b])
		}
		return isAbstract(b) && absSupers[-abstractOf[ts.info[ca].kind]]&absBit(b) != 0
	}
	if !isAbstract(a) {
		return false
	}
	if b >= 0 {
		// Only the bottom of b's hierarchy is below a defined type.
		if int64(b) >= int64(len(ts.canon)) {
			return false
		}
		return a == bottomOf(abstractOf[ts.info[ts.canon[b]].kind])
	}
	return isAbstract(b) && absSupers[-a]&absBit(b) != 0
}

// canonSubtype walks a's supertype chain up to b's depth.
func (ts *typeSpace) canonSubtype(a, b uint32) bool {
	db := ts.info[b].depth
	for a != b {
		ia := &ts.info[a]
		if ia.depth <= db || ia.super < 0 {
			return false
		}
		a = uint32(ia.super)
	}
	return true
}

// bottomOf returns the bottom heap type of h's hierarchy (h abstract).
func bottomOf(h wasm.HeapType) wasm.HeapType {
	switch topOf(h) {
	case wasm.HeapFunc:
		return wasm.HeapNoFunc
	case wasm.HeapExtern:
		return wasm.HeapNoExtern
	case wasm.HeapExn:
		return wasm.HeapNoExn
	case wasm.HeapCont:
		return wasm.HeapNoCont
	}
	return wasm.HeapNone
}

// topHeap returns the top of h's hierarchy: any, func, extern, exn or cont.
// The bottom heap type has no hierarchy and is returned as is.
func (c *moduleCtx) topHeap(h wasm.HeapType) wasm.HeapType {
	if h >= 0 {
		if int64(h) >= int64(len(c.types.canon)) {
			return wasm.HeapBot
		}
		h = abstractOf[c.types.info[c.types.canon[h]].kind]
	}
	return topOf(h)
}

// topOf returns the top of an abstract heap type's hierarchy, or HeapBot.
func topOf(h wasm.HeapType) wasm.HeapType {
	switch h {
	case wasm.HeapFunc, wasm.HeapNoFunc:
		return wasm.HeapFunc
	case wasm.HeapExtern, wasm.HeapNoExtern:
		return wasm.HeapExtern
	case wasm.HeapExn, wasm.HeapNoExn:
		return wasm.HeapExn
	case wasm.HeapCont, wasm.HeapNoCont:
		return wasm.HeapCont
	case wasm.HeapAny, wasm.HeapEq, wasm.HeapI31, wasm.HeapStruct, wasm.HeapArray, wasm.HeapNone:
		return wasm.HeapAny
	}
	return wasm.HeapBot
}

// checkTypes validates the type section rec group by rec group and assigns
// canonical ids.
func (c *moduleCtx) checkTypes() error {
	types := c.m.Types
	ts := &c.types
	ts.canon = make([]uint32, len(types))
	ts.info = ts.info[:0]
	groups := c.m.RecGroups
	if len(groups) == 0 && len(types) > 0 {
		// A module built without rec groups: every type is its own group.
		groups = make([]wasm.RecGroup, len(types))
		for i := range groups {
			groups[i] = wasm.RecGroup{Start: uint32(i), Len: 1}
		}
	}
	next := uint32(0)
	for _, g := range groups {
		if g.Start != next || uint64(g.Start)+uint64(g.Len) > uint64(len(types)) {
			return wasm.Invalidf(-1, "type section: rec groups do not cover the types")
		}
		next = g.Start + g.Len
		if err := c.checkRecGroup(g.Start, next); err != nil {
			return err
		}
	}
	if next != uint32(len(types)) {
		return wasm.Invalidf(-1, "type section: rec groups do not cover the types")
	}
	return nil
}

// checkRecGroup validates and canonicalizes types [start, end).
func (c *moduleCtx) checkRecGroup(start, end uint32) error {
	types := c.m.Types
	ts := &c.types
	for i := start; i < end; i++ {
		// Before GC a type may refer to earlier types only.
		limit := end
		if !c.features.Has(wasm.GC) {
			limit = i
		}
		if err := checkRefsBelow(&types[i], limit); err != nil {
			return err
		}
		if len(types[i].Func.Results) > 1 && !c.features.Has(wasm.MultiValue) {
			return wasm.Invalidf(-1, "invalid result arity")
		}
	}
	ts.key = ts.key[:0]
	ts.key = binary.AppendUvarint(ts.key, uint64(end-start))
	for i := start; i < end; i++ {
		ts.key = ts.appendSubType(ts.key, &types[i], start)
	}
	if ts.groups == nil {
		ts.groups = make(map[string]uint32)
	}
	if first, ok := ts.groups[string(ts.key)]; ok {
		// Structurally identical to an earlier group, which was valid.
		for i := start; i < end; i++ {
			ts.canon[i] = first + (i - start)
		}
		return nil
	}
	first := uint32(len(ts.info))
	ts.groups[string(ts.key)] = first
	for i := start; i < end; i++ {
		ts.canon[i] = first + (i - start)
		ts.info = append(ts.info, canonType{super: -1, kind: types[i].Kind, final: types[i].Final})
	}
	// Supertype chains first: matching field types below may need any
	// type of the group.
	for i := start; i < end; i++ {
		st := &types[i]
		if len(st.Supers) > 1 {
			return wasm.Invalidf(-1, "sub type %d has multiple supertypes", i)
		}
		if len(st.Supers) == 1 {
			x := st.Supers[0]
			if x >= i {
				return wasm.Invalidf(-1, "forward use of type %d in sub type definition", x)
			}
			sc := ts.canon[x]
			ci := &ts.info[ts.canon[i]]
			ci.super = int32(sc)
			ci.depth = ts.info[sc].depth + 1
		}
		if st.Kind == wasm.CompCont && types[st.Cont].Kind != wasm.CompFunc {
			return wasm.Invalidf(-1, "non-function type %d", st.Cont)
		}
	}
	for i := start; i < end; i++ {
		st := &types[i]
		if len(st.Supers) == 0 {
			continue
		}
		x := st.Supers[0]
		sup := &types[x]
		if sup.Final {
			return wasm.Invalidf(-1, "sub type %d has final super type %d", i, x)
		}
		if !c.matchComp(st, sup) {
			return wasm.Invalidf(-1, "sub type %d does not match super type %d", i, x)
		}
	}
	return nil
}

// checkRefsBelow reports a type index >= end anywhere in st.
func checkRefsBelow(st *wasm.SubType, end uint32) error {
	for _, x := range st.Supers {
		if x >= end {
			return wasm.Invalidf(-1, "unknown type %d", x)
		}
	}
	switch st.Kind {
	case wasm.CompFunc:
		if err := valsBelow(st.Func.Params, end); err != nil {
			return err
		}
		return valsBelow(st.Func.Results, end)
	case wasm.CompStruct, wasm.CompArray:
		for _, f := range st.Fields {
			if err := valBelow(f.Type, end); err != nil {
				return err
			}
		}
	case wasm.CompCont:
		if st.Cont >= end {
			return wasm.Invalidf(-1, "unknown type %d", st.Cont)
		}
	default:
		return wasm.Malformedf(-1, "malformed composite type kind %d", st.Kind)
	}
	return nil
}

func valsBelow(ts []wasm.ValType, end uint32) error {
	for _, t := range ts {
		if err := valBelow(t, end); err != nil {
			return err
		}
	}
	return nil
}

func valBelow(t wasm.ValType, end uint32) error {
	if t.Kind == wasm.KindRef && t.Heap >= 0 && uint32(t.Heap) >= end {
		return wasm.Invalidf(-1, "unknown type %d", uint32(t.Heap))
	}
	return nil
}

// appendSubType appends the structural key of st, whose group starts at
// start: indices inside the group are relative, outer ones canonical.
func (ts *typeSpace) appendSubType(b []byte, st *wasm.SubType, start uint32) []byte {
	flags := byte(st.Kind) << 1
	if st.Final {
		flags |= 1
	}
	b = append(b, flags, byte(len(st.Supers)))
	for _, x := range st.Supers {
		b = ts.appendHeap(b, wasm.HeapType(x), start)
	}
	switch st.Kind {
	case wasm.CompFunc:
		b = binary.AppendUvarint(b, uint64(len(st.Func.Params)))
		for _, t := range st.Func.Params {
			b = ts.appendVal(b, t, start)
		}
		b = binary.AppendUvarint(b, uint64(len(st.Func.Results)))
		for _, t := range st.Func.Results {
			b = ts.appendVal(b, t, start)
		}
	case wasm.CompStruct, wasm.CompArray:
		b = binary.AppendUvarint(b, uint64(len(st.Fields)))
		for _, f := range st.Fields {
			m := byte(f.Packed) << 1
			if f.Mutable {
				m |= 1
			}
			b = append(b, m)
			b = ts.appendVal(b, f.Type, start)
		}
	case wasm.CompCont:
		b = ts.appendHeap(b, wasm.HeapType(st.Cont), start)
	}
	return b
}

func (ts *typeSpace) appendVal(b []byte, t wasm.ValType, start uint32) []byte {
	if t.Kind != wasm.KindRef {
		return append(b, byte(t.Kind))
	}
	n := byte(0)
	if t.Nullable {
		n = 1
	}
	b = append(b, byte(t.Kind), n)
	return ts.appendHeap(b, t.Heap, start)
}

func (ts *typeSpace) appendHeap(b []byte, h wasm.HeapType, start uint32) []byte {
	switch {
	case h < 0:
		return append(b, 0, byte(-h))
	case uint32(h) >= start:
		return binary.AppendUvarint(append(b, 1), uint64(uint32(h)-start))
	}
	return binary.AppendUvarint(append(b, 2), uint64(ts.canon[h]))
}

// matchComp reports whether composite type a matches b (same kind, struct
// width and depth subtyping, func contra/covariance, invariant mutable
// fields).
func (c *moduleCtx) matchComp(a, b *wasm.SubType) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case wasm.CompFunc:
		return c.subtypes(b.Func.Params, a.Func.Params) && c.subtypes(a.Func.Results, b.Func.Results)
	case wasm.CompStruct, wasm.CompArray:
		if len(a.Fields) < len(b.Fields) || (a.Kind == wasm.CompArray && len(a.Fields) != len(b.Fields)) {
			return false
		}
		for i := range b.Fields {
			if !c.matchField(a.Fields[i], b.Fields[i]) {
				return false
			}
		}
		return true
	case wasm.CompCont:
		return c.heapSubtype(wasm.HeapType(a.Cont), wasm.HeapType(b.Cont))
	}
	return false
}

// subtypes reports whether a and b have the same length and every
// a[i] <: b[i].
func (c *moduleCtx) subtypes(a, b []wasm.ValType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !c.subtype(a[i], b[i]) {
			return false
		}
	}
	return true
}

func (c *moduleCtx) matchField(a, b wasm.FieldType) bool {
	if a.Mutable != b.Mutable || a.Packed != b.Packed {
		return false
	}
	if a.Packed != wasm.NotPacked {
		return true
	}
	return c.subtype(a.Type, b.Type) && (!a.Mutable || c.subtype(b.Type, a.Type))
}
