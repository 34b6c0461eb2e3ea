package ssa

// Memory epochs: a memory's length changes only in calls (MemInfo), so
// two loads of it read the same value when no call lies between them.
// An epoch names the memory state at a point: 0 at entry, 1+v.ID after
// call v, and 1+NumValues+b.ID at a merge block b whose predecessors end
// in different epochs (a memory phi). This is memory SSA for "calls".

const epochTop = -1 // not yet known (optimistic start)

// memEpochs returns the epoch at the start of each block, by block ID,
// for the reachable blocks order (in reverse postorder).
func memEpochs(f *Func, order []*Block) []int32 {
	nb := f.NumBlocks()
	in := f.tempInt32(0, nb)
	out := f.tempInt32(1, nb)
	last := f.tempInt32(2, nb) // the block's last call's epoch, or -1
	for i := range in {
		in[i], out[i], last[i] = epochTop, epochTop, epochTop
	}
	for _, b := range order {
		for _, v := range b.Values {
			if v.Op.IsCall() {
				last[b.ID] = 1 + int32(v.ID)
			}
		}
	}
	merge := func(b *Block) int32 { return 1 + int32(f.NumValues()) + int32(b.ID) }
	setOut := func(b *Block) {
		out[b.ID] = in[b.ID]
		if last[b.ID] != epochTop {
			out[b.ID] = last[b.ID]
		}
	}
	in[order[0].ID] = 0
	setOut(order[0])
	// Optimistic iteration: loops without calls keep their entry epoch.
	// Merges are sticky, so a block changes epoch only a few times; the
	// round cap guards the worst case with the pessimistic answer.
	for round := 0; round < 8; round++ {
		changed := false
		for _, b := range order[1:] {
			if in[b.ID] == merge(b) {
				continue
			}
			e := int32(epochTop)
			for _, p := range b.Preds {
				o := out[p.ID]
				if o == epochTop {
					continue
				}
				if e == epochTop {
					e = o
				} else if e != o {
					e = merge(b)
					break
				}
			}
			if e != in[b.ID] {
				in[b.ID] = e
				setOut(b)
				changed = true
			}
		}
		if !changed {
			return in
		}
	}
	// One pessimistic pass is exact: a single-predecessor block comes
	// after its predecessor in reverse postorder.
	for _, b := range order[1:] {
		if len(b.Preds) == 1 {
			in[b.ID] = out[b.Preds[0].ID]
		} else {
			in[b.ID] = merge(b)
		}
		setOut(b)
	}
	return in
}

// memOf returns the index in f.Mems of the memory whose record v is, or -1.
func memOf(f *Func, v *Value) int {
	for i := range f.Mems {
		if f.Mems[i].Rec == v {
			return i
		}
	}
	return -1
}

// hasLenLoad reports whether f loads a memory length: without one there
// is no bounds check to remove (guard pages leave none) and no load to
// share, and a scan is much cheaper than the pass.
func hasLenLoad(f *Func) bool {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == OpI64Load && lenLoad(f, v) >= 0 {
				return true
			}
		}
	}
	return false
}

// lenLoad returns the memory whose length v loads, or -1.
func lenLoad(f *Func, v *Value) int {
	if v.Op != OpI64Load || len(f.Mems) == 0 {
		return -1
	}
	m := memOf(f, v.Args[0])
	if m < 0 || f.Mems[m].LenOff != v.AuxInt {
		return -1
	}
	return m
}

type lenKey struct {
	mem   int
	epoch int32
}

type checkKey struct {
	mem int
	ea  ID
}

type checkUndo struct {
	k   checkKey
	old int64 // 0: absent (checks always cover at least one byte)
}

// boundsChecks reuses memory-length loads within an epoch and removes the
// bounds checks trap_if(i64.gt_u(end, len)) that cannot fire: a constant
// end within the memory's minimum length, or end = ea+k (ea a zero-extended
// i32) dominated by a check of ea+k2 with k2 >= k on the same memory
// (lengths never shrink, so that check holds here too).
func boundsChecks(f *Func) {
	if len(f.Mems) == 0 || len(f.Blocks) == 0 || !hasLenLoad(f) {
		return
	}
	d := f.dominators()
	epochs := memEpochs(f, d.order)
	r := newReplacer(f)
	lens := make(map[lenKey]*Value)
	checks := make(map[checkKey]int64)
	var lenUndo []lenKey
	var chkUndo []checkUndo
	type frame struct {
		b          *Block
		lmark, cmk int
		next       int
	}
	stack := []frame{{f.Blocks[0], 0, 0, -1}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		b := top.b
		if top.next < 0 {
			top.lmark, top.cmk, top.next = len(lenUndo), len(chkUndo), 0
			epoch := epochs[b.ID]
			kept := b.Values[:0]
			for _, v := range b.Values {
				r.resolveAll(v.Args)
				switch {
				case v.Op.IsCall():
					epoch = 1 + int32(v.ID)
				case v.Op == OpI64Load:
					if m := lenLoad(f, v); m >= 0 {
						k := lenKey{m, epoch}
						if w, ok := lens[k]; ok {
							r.set(v, w)
							continue
						}
						lens[k] = v
						lenUndo = append(lenUndo, k)
					}
				case v.Op == OpTrapIf:
					m, ea, k := boundsCheck(f, v.Args[0])
					if m < 0 {
						break
					}
					if ea == nil {
						if uint64(k) <= f.Mems[m].MinLen {
							continue
						}
						break
					}
					ck := checkKey{m, ea.ID}
					old := checks[ck]
					if old >= k {
						continue
					}
					checks[ck] = k
					chkUndo = append(chkUndo, checkUndo{ck, old})
				}
				kept = keep(kept, v)
			}
			clearTail(b, kept)
		}
		if kids := d.Children(b); top.next < len(kids) {
			c := kids[top.next]
			top.next++
			stack = append(stack, frame{c, 0, 0, -1})
			continue
		}
		for _, k := range lenUndo[top.lmark:] {
			delete(lens, k)
		}
		lenUndo = lenUndo[:top.lmark]
		for i := len(chkUndo) - 1; i >= top.cmk; i-- {
			if u := chkUndo[i]; u.old == 0 {
				delete(checks, u.k)
			} else {
				checks[u.k] = u.old
			}
		}
		chkUndo = chkUndo[:top.cmk]
		stack = stack[:len(stack)-1]
	}
	r.applyEdges(f, d)
}

// boundsCheck matches a bounds-check condition i64.gt_u(end, len(m)):
// it returns m, and ea and k when end = ea+k with ea a zero-extended i32
// and 0 < k < 2^40 (so the sum cannot wrap), or a nil ea and the constant
// end. m is -1 when c is no such condition.
func boundsCheck(f *Func, c *Value) (m int, ea *Value, k int64) {
	if c.Op != OpI64GtU {
		return -1, nil, 0
	}
	if m = lenLoad(f, c.Args[1]); m < 0 {
		return -1, nil, 0
	}
	end := c.Args[0]
	if end.Op == OpConstI64 {
		if end.AuxInt < 0 {
			return -1, nil, 0
		}
		return m, nil, end.AuxInt
	}
	if end.Op != OpI64Add {
		return -1, nil, 0
	}
	x, kc := end.Args[0], end.Args[1]
	if x.Op == OpConstI64 {
		x, kc = kc, x
	}
	if kc.Op != OpConstI64 || x.Op != OpI64ExtendI32U || kc.AuxInt <= 0 || kc.AuxInt >= 1<<40 {
		return -1, nil, 0
	}
	return m, x, kc.AuxInt
}
