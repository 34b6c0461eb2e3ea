// qsort and bsearch over integers, strings and structs, checked against an
// insertion sort, with a deterministic pseudo-random generator.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 12345;
static uint32_t next(void) {
	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}

static int cmpint(const void *a, const void *b) {
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}
static int cmpstr(const void *a, const void *b) {
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct rec {
	int64_t key;
	double weight;
	char name[12];
};
static int cmprec(const void *a, const void *b) {
	const struct rec *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->name, y->name);
}

#define N 5000

int main(void) {
	static int32_t a[N], b[N];
	for (int i = 0; i < N; i++)
		a[i] = b[i] = (int32_t)next() % 100000;
	qsort(a, N, sizeof a[0], cmpint);
	for (int i = 1; i < N; i++) { // insertion sort as the reference
		int32_t v = b[i];
		int j = i - 1;
		while (j >= 0 && b[j] > v) {
			b[j + 1] = b[j];
			j--;
		}
		b[j + 1] = v;
	}
	printf("ints equal: %d, min %" PRId32 " max %" PRId32 " median %" PRId32 "\n",
	       memcmp(a, b, sizeof a) == 0, a[0], a[N - 1], a[N / 2]);
	int found = 0;
	for (int i = 0; i < 1000; i++) {
		int32_t k = (int32_t)(next() % 100000);
		if (bsearch(&k, a, N, sizeof a[0], cmpint))
			found++;
	}
	printf("bsearch found %d of 1000\n", found);

	static char pool[800][8];
	char *strs[800];
	for (int i = 0; i < 800; i++) {
		for (int j = 0; j < 7; j++)
			pool[i][j] = (char)('a' + next() % 26);
		pool[i][7] = 0;
		strs[i] = pool[i];
	}
	qsort(strs, 800, sizeof strs[0], cmpstr);
	printf("strings: %s %s %s ... %s\n", strs[0], strs[1], strs[2], strs[799]);

	static struct rec recs[1000];
	for (int i = 0; i < 1000; i++) {
		recs[i].key = (int64_t)next() * 1000003 - ((int64_t)1 << 40);
		recs[i].weight = (double)(next() % 50) / 7.0;
		snprintf(recs[i].name, sizeof recs[i].name, "r%04d", i);
	}
	qsort(recs, 1000, sizeof recs[0], cmprec);
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 1000; i++) {
		h = (h ^ (uint64_t)recs[i].key) * 1099511628211ull;
		h = (h ^ (uint64_t)(recs[i].weight * 1000)) * 1099511628211ull;
	}
	printf("recs: first %s %.4f %" PRId64 ", last %s %.4f, hash %016" PRIx64 "\n", recs[0].name,
	       recs[0].weight, recs[0].key, recs[999].name, recs[999].weight, h);
	return 0;
}
