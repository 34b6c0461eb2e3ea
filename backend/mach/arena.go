package mach

import (
	"github.com/wasmc/wasmc/internal/bufs"
	"github.com/wasmc/wasmc/regalloc"
)

// Arena hands out small slices (branch targets, fixed operands) for one
// function at a time from large chunks, so that selecting a function does
// not allocate once the chunks have grown; Reset recycles them for the
// next function, whose slices replace the last one's.
type Arena[T any] struct {
	chunks [][]T
	cur    int // chunks before it are full
	// big holds the arrays of large requests (per-value tables), kept for
	// the next function's; those before bigUsed are taken.
	big     [][]T
	bigUsed int
}

const arenaChunk = 4096

// Reset makes every chunk available again: slices taken before are dead.
func (a *Arena[T]) Reset() {
	for i := 0; i < len(a.chunks) && i <= a.cur; i++ {
		a.chunks[i] = a.chunks[i][:0]
	}
	a.cur = 0
	a.bigUsed = 0
}

// Take returns n zeroed elements whose capacity is n, so that appending
// to them copies rather than writing over a neighbour.
func (a *Arena[T]) Take(n int) []T {
	if n > arenaChunk/4 {
		return a.takeBig(n)
	}
	for a.cur < len(a.chunks) && len(a.chunks[a.cur])+n > cap(a.chunks[a.cur]) {
		a.cur++
	}
	if a.cur == len(a.chunks) {
		// Chunks grow from small, for functions compiled one at a time.
		size := 64
		if a.cur > 0 {
			size = min(2*cap(a.chunks[a.cur-1]), arenaChunk)
		}
		a.chunks = append(a.chunks, make([]T, 0, max(size, n)))
	}
	c := a.chunks[a.cur]
	l := len(c)
	c = c[:l+n]
	a.chunks[a.cur] = c
	s := c[l : l+n : l+n]
	clear(s)
	return s
}

// takeBig serves a large request from an array of an earlier function
// when one is large enough.
func (a *Arena[T]) takeBig(n int) []T {
	for i := a.bigUsed; i < len(a.big); i++ {
		if cap(a.big[i]) >= n {
			a.big[i], a.big[a.bigUsed] = a.big[a.bigUsed], a.big[i]
			s := a.big[a.bigUsed][:n:n]
			a.bigUsed++
			clear(s)
			return s
		}
	}
	s := bufs.ZeroedCap[T](n, n+n/4)
	a.big = append(a.big, nil)
	a.big[len(a.big)-1], a.big[a.bigUsed] = a.big[a.bigUsed], s
	a.bigUsed++
	return s[:n:n]
}

// Copy returns a copy of xs in the arena.
func (a *Arena[T]) Copy(xs ...T) []T {
	s := a.Take(len(xs))
	copy(s, xs)
	return s
}

// WithResults returns a call's fixed uses followed by def(regs[i], reg)
// for each result i passed in a register, in a (appending to uses would
// copy them to the heap); uses itself when no result is in a register.
func WithResults[T any, R Register](a *Arena[T], uses []T, regs []regalloc.Reg, locs []Loc[R], def func(regalloc.Reg, R) T) []T {
	n := 0
	for _, loc := range locs {
		if !loc.OnStack() {
			n++
		}
	}
	if n == 0 {
		return uses
	}
	fixed := a.Take(len(uses) + n)
	k := copy(fixed, uses)
	for i, loc := range locs {
		if !loc.OnStack() {
			fixed[k] = def(regs[i], loc.Reg)
			k++
		}
	}
	return fixed
}
