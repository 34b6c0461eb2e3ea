// Integer arithmetic the way compiled C uses it: 64-bit multiply, divide
// and shifts, bit counting, rotations, checksums, and switch dispatch and
// indirect calls through function pointer tables.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint64_t rotr64(uint64_t x, int k) { return (x >> k) | (x << (64 - k)); }

static uint32_t crc32(const unsigned char *p, size_t n) {
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

// A tiny bytecode interpreter: compiles to a br_table dispatch loop.
enum { PUSH, ADD, SUB, MUL, DIV, DUP, SWAP, JNZ, DEC, HALT, ROT, XOR };
static int64_t interp(const int64_t *code) {
	int64_t st[64];
	int sp = 0, pc = 0;
	for (;;) {
		switch (code[pc++]) {
		case PUSH: st[sp++] = code[pc++]; break;
		case ADD: sp--; st[sp - 1] += st[sp]; break;
		case SUB: sp--; st[sp - 1] -= st[sp]; break;
		case MUL: sp--; st[sp - 1] *= st[sp]; break;
		case DIV: sp--; st[sp - 1] = st[sp] ? st[sp - 1] / st[sp] : 0; break;
		case DUP: st[sp] = st[sp - 1]; sp++; break;
		case SWAP: { int64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } break;
		case JNZ: { int64_t t = code[pc++]; if (st[sp - 1]) pc = (int)t; } break;
		case DEC: st[sp - 1]--; break;
		case ROT: st[sp - 1] = (int64_t)rotr64((uint64_t)st[sp - 1], 7); break;
		case XOR: sp--; st[sp - 1] ^= st[sp]; break;
		case HALT: return st[sp - 1];
		}
	}
}

typedef int64_t (*binop)(int64_t, int64_t);
static int64_t op_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t op_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static int64_t op_div(int64_t a, int64_t b) { return b ? a / b : 0; }
static int64_t op_rem(int64_t a, int64_t b) { return b ? a % b : 0; }
static int64_t op_shl(int64_t a, int64_t b) { return (int64_t)((uint64_t)a << (b & 63)); }
static int64_t op_sar(int64_t a, int64_t b) { return a >> (b & 63); }
static binop ops[] = {op_add, op_mul, op_div, op_rem, op_shl, op_sar};

// Many arguments, mixed types: some are passed on the wasm stack.
__attribute__((noinline)) static double mix(int32_t a, int64_t b, double c, float d, int32_t e,
                                            int64_t f, double g, float h, int32_t i, int64_t j,
                                            double k, float l, int32_t m, int64_t n) {
	return a + (double)b * c - d + e * f + g / h - i + (double)j * k + l - m + (double)n;
}

static int ackermann(int m, int n) {
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

int main(void) {
	static volatile int64_t vals[] = {0, 1, -1, 7, -7, 1000000007, INT64_MAX, INT64_MIN, 0x123456789abcdefll,
	                  -0x0fedcba987654321ll};
	uint64_t h = 0;
	for (int i = 0; i < 10; i++)
		for (int j = 0; j < 10; j++)
			for (int k = 0; k < 6; k++) {
				if ((k == 2 || k == 3) && vals[i] == INT64_MIN && vals[j] == -1)
					continue;
				h = h * 31 + (uint64_t)ops[k](vals[i], vals[j]);
			}
	printf("ops hash %016" PRIx64 "\n", h);
	for (int i = 0; i < 10; i++) {
		uint64_t u = (uint64_t)vals[i];
		printf("%" PRId64 ": clz %d ctz %d pop %d udiv %" PRIu64 " urem %" PRIu64
		       " rot %016" PRIx64 " lo %08" PRIx32 " rotl %08" PRIx32 "\n",
		       vals[i], u ? __builtin_clzll(u) : 64, u ? __builtin_ctzll(u) : 64,
		       __builtin_popcountll(u), u / 1000003u, u % 1000003u, rotr64(u, 13),
		       (uint32_t)u, rotl32((uint32_t)(u >> 16), 9));
	}
	volatile uint32_t a32 = 0x9e3779b9u;
	volatile int32_t s32 = -123456789;
	printf("u32 mul %" PRIu32 " div %" PRIu32 " s32 div %" PRId32 " rem %" PRId32 " sar %" PRId32
	       " shr %" PRIu32 "\n",
	       a32 * 2654435761u, a32 / 7u, s32 / 7, s32 % 7, s32 >> 5, (uint32_t)s32 >> 5);
	int64_t wide = (int64_t)s32 * (int64_t)a32;
	printf("widening %" PRId64 " narrow %" PRId32 " sext8 %d sext16 %d zext %u\n", wide,
	       (int32_t)wide, (int8_t)0xf0, (int16_t)0x8001, (unsigned)(uint8_t)-3);

	static unsigned char data[10000];
	for (int i = 0; i < 10000; i++)
		data[i] = (unsigned char)(i * 131 + (i >> 3));
	printf("crc32 %08" PRIx32 " (\"123456789\" -> %08" PRIx32 ")\n", crc32(data, sizeof data),
	       crc32((const unsigned char *)"123456789", 9));

	// 25 times: acc = rot(acc*3) ^ 12345; acc -= acc/3.
	int64_t prog[] = {PUSH, 1,  PUSH, 25, SWAP, PUSH, 3, MUL, ROT, PUSH, 12345,
	                  XOR,  DUP, PUSH, 3,  DIV,  SUB,  SWAP, DEC, JNZ, 4, ADD, HALT};
	printf("interp %" PRId64 "\n", interp(prog));
	printf("mix %.6f\n", mix(1, -2, 3.5, 4.25f, -5, 6, 7.5, 8.0f, 9, -10, 11.25, 12.5f, 13, 1 << 20));
	printf("ackermann(2,3)=%d (3,4)=%d\n", ackermann(2, 3), ackermann(3, 4));
	uint64_t fib[94];
	fib[0] = 0;
	fib[1] = 1;
	for (int i = 2; i < 94; i++)
		fib[i] = fib[i - 1] + fib[i - 2];
	printf("fib93 %" PRIu64 "\n", fib[93]);
	return 0;
}
