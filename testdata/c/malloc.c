// Allocation-heavy code: a binary search tree, a growing vector, a chained
// hash table and many short-lived blocks of varied sizes.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	int64_t key;
	struct node *l, *r;
	char *label;
};

static struct node *insert(struct node *t, int64_t k) {
	if (!t) {
		t = calloc(1, sizeof *t);
		t->key = k;
		t->label = malloc(24);
		snprintf(t->label, 24, "n%" PRId64, k);
		return t;
	}
	if (k < t->key)
		t->l = insert(t->l, k);
	else if (k > t->key)
		t->r = insert(t->r, k);
	return t;
}

static int depth(struct node *t) {
	if (!t)
		return 0;
	int a = depth(t->l), b = depth(t->r);
	return 1 + (a > b ? a : b);
}

static int64_t sum(struct node *t, int *count) {
	if (!t)
		return 0;
	(*count)++;
	return t->key + sum(t->l, count) + sum(t->r, count);
}

static void freetree(struct node *t) {
	if (!t)
		return;
	freetree(t->l);
	freetree(t->r);
	free(t->label);
	free(t);
}

struct entry {
	char *key;
	int value;
	struct entry *next;
};

static uint32_t hash(const char *s) {
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int main(void) {
	struct node *root = NULL;
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		root = insert(root, (int64_t)(x % 1000000) - 500000);
	}
	int count = 0;
	int64_t s = sum(root, &count);
	printf("tree: %d nodes, depth %d, sum %" PRId64 ", root %s\n", count, depth(root), s,
	       root->label);
	freetree(root);

	size_t cap = 1, len = 0;
	double *v = malloc(cap * sizeof *v);
	for (int i = 0; i < 100000; i++) {
		if (len == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof *v);
		}
		v[len++] = i * 0.5;
	}
	double t = 0;
	for (size_t i = 0; i < len; i++)
		t += v[i];
	printf("vector: len %d cap %d total %.1f\n", (int)len, (int)cap, t);
	free(v);

	enum { B = 257 };
	struct entry *tab[B] = {0};
	char key[32];
	for (int i = 0; i < 30000; i++) {
		snprintf(key, sizeof key, "k%d", (i * 7919) % 12000);
		uint32_t h = hash(key) % B;
		struct entry *e;
		for (e = tab[h]; e; e = e->next)
			if (strcmp(e->key, key) == 0)
				break;
		if (!e) {
			e = malloc(sizeof *e);
			e->key = strdup(key);
			e->value = 0;
			e->next = tab[h];
			tab[h] = e;
		}
		e->value += i % 13;
	}
	int n = 0, longest = 0;
	int64_t vs = 0;
	for (int i = 0; i < B; i++) {
		int l = 0;
		for (struct entry *e = tab[i], *nx; e; e = nx) {
			nx = e->next;
			n++;
			l++;
			vs += e->value;
			free(e->key);
			free(e);
		}
		if (l > longest)
			longest = l;
	}
	printf("hash: %d keys, longest chain %d, values %" PRId64 "\n", n, longest, vs);

	void *blocks[512] = {0};
	uint32_t chk = 0;
	for (int i = 0; i < 200000; i++) {
		int slot = (int)((x = x * 6364136223846793005ull + 1442695040888963407ull) >> 55);
		if (blocks[slot]) {
			chk += ((unsigned char *)blocks[slot])[0];
			free(blocks[slot]);
		}
		size_t sz = 1 + (size_t)((x >> 20) % 4096);
		blocks[slot] = malloc(sz);
		memset(blocks[slot], i & 0xff, sz);
	}
	for (int i = 0; i < 512; i++)
		free(blocks[i]);
	printf("churn checksum %" PRIu32 "\n", chk);
	return 0;
}
