#include "textflag.h"

// func flushICache(addr, n uintptr)
// Makes freshly written code visible to instruction fetch: clean the data
// cache to the point of unification, invalidate the instruction cache,
// line by line (sizes from CTR_EL0), then synchronize. CTR_EL0.IDC/DIC
// say when a step is not needed on this core.
TEXT ·flushICache(SB), NOSPLIT, $0-16
	MOVD	addr+0(FP), R0
	MOVD	n+8(FP), R1
	CBZ	R1, done
	ADD	R0, R1, R1
	MRS	CTR_EL0, R2
	MOVD	$4, R4
	TBNZ	$28, R2, dsync // IDC: no clean needed for coherence
	UBFX	$16, R2, $4, R3 // DminLine: log2 of words per line
	LSL	R3, R4, R3
	SUB	$1, R3, R5
	BIC	R5, R0, R6
dloop:
	DC	CVAU, R6
	ADD	R3, R6, R6
	CMP	R1, R6
	BLO	dloop
dsync:
	DSB	$11 // ish
	TBNZ	$29, R2, isync // DIC: no invalidation needed
	AND	$15, R2, R3 // IminLine
	LSL	R3, R4, R3
	SUB	$1, R3, R5
	BIC	R5, R0, R6
iloop:
	WORD	$0xd50b7526 // IC IVAU, R6
	ADD	R3, R6, R6
	CMP	R1, R6
	BLO	iloop
	DSB	$11
isync:
	ISB	$15
done:
	RET
