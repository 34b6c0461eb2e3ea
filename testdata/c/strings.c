// String handling: tokenizing, searching, formatting and case mapping.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *text =
    "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox "
    "runs away, quick as ever. A lazy afternoon, a quick fox, a brown dog.";

struct word {
	char w[32];
	int n;
};

static int bycount(const void *a, const void *b) {
	const struct word *x = a, *y = b;
	if (x->n != y->n)
		return y->n - x->n;
	return strcmp(x->w, y->w);
}

static void reverse(char *s) {
	size_t n = strlen(s);
	for (size_t i = 0; i < n / 2; i++) {
		char c = s[i];
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = c;
	}
}

int main(void) {
	char buf[512];
	strcpy(buf, text);
	struct word words[64];
	int nw = 0, total = 0;
	for (char *t = strtok(buf, " .,;"); t; t = strtok(NULL, " .,;")) {
		for (char *p = t; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		total++;
		int i;
		for (i = 0; i < nw; i++)
			if (strcmp(words[i].w, t) == 0)
				break;
		if (i == nw) {
			snprintf(words[nw].w, sizeof words[nw].w, "%s", t);
			words[nw++].n = 0;
		}
		words[i].n++;
	}
	qsort(words, nw, sizeof words[0], bycount);
	printf("%d words, %d distinct\n", total, nw);
	for (int i = 0; i < nw; i++)
		printf("%-10s|%3d|%s\n", words[i].w, words[i].n, i % 2 ? "odd" : "even");

	const char *p = text;
	int hits = 0;
	while ((p = strstr(p, "fox")) != NULL) {
		printf("fox at %d\n", (int)(p - text));
		p++;
		hits++;
	}
	char up[128];
	size_t n = strlen("Mixed Case 123 ünï");
	memcpy(up, "Mixed Case 123 ünï", n + 1);
	for (size_t i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)up[i]);
	printf("upper: %s (len %d)\n", up, (int)n);
	memmove(up + 2, up, 10);
	up[12] = 0;
	printf("memmove: %s\n", up);
	strcpy(up, "stressed");
	reverse(up);
	printf("reversed: %s, cmp=%d, ncmp=%d\n", up, strcmp(up, "desserts") == 0,
	       strncmp("abcdef", "abcxyz", 3));
	printf("chr=%s rchr=%s spn=%d cspn=%d\n", strchr(text, 'q'), strrchr(text, 'q'),
	       (int)strspn("aaabbbccc", "ab"), (int)strcspn("hello, world", ",!"));
	char num[64];
	snprintf(num, sizeof num, "[%5d|%-5d|%05d|%x|%X|%o|%+d|%c|%.3s]", 42, 42, 42, 48879, 48879,
	         8, 7, 'Z', "truncate");
	printf("%s\n", num);
	long v = strtol("  -12345xyz", NULL, 10);
	unsigned long h = strtoul("ff", NULL, 16);
	printf("strtol=%ld strtoul=%lu atoi=%d\n", v, h, atoi("987"));
	return hits == 4 ? 0 : 1;
}
