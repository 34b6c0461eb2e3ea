//go:build !race

#include "textflag.h"

// func storeRelease(p *uint32, v uint32)
// A plain store: on amd64 every store already has release semantics, and
// a call the compiler cannot see into keeps earlier stores before it.
TEXT ·storeRelease(SB), NOSPLIT, $0-12
	MOVQ	p+0(FP), AX
	MOVL	v+8(FP), BX
	MOVL	BX, (AX)
	RET
