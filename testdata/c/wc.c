// Reads the file named by argv[1], counts lines, words and bytes and the
// most frequent letters, and writes a report to the file named by argv[2]
// before printing it.
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: wc IN OUT\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	if (!in) {
		perror("open input");
		return 1;
	}
	long lines = 0, words = 0, bytes = 0, freq[26] = {0};
	int c, inword = 0;
	while ((c = getc(in)) != EOF) {
		bytes++;
		if (c == '\n')
			lines++;
		if (isalpha(c))
			freq[tolower(c) - 'a']++;
		if (isspace(c))
			inword = 0;
		else if (!inword) {
			inword = 1;
			words++;
		}
	}
	fclose(in);
	FILE *out = fopen(argv[2], "w");
	if (!out) {
		perror("open output");
		return 1;
	}
	fprintf(out, "%ld %ld %ld\n", lines, words, bytes);
	for (int k = 0; k < 5; k++) {
		int best = 0;
		for (int i = 1; i < 26; i++)
			if (freq[i] > freq[best])
				best = i;
		fprintf(out, "%c=%ld\n", 'a' + best, freq[best]);
		freq[best] = -1;
	}
	fclose(out);
	out = fopen(argv[2], "r");
	char line[64];
	while (fgets(line, sizeof line, out))
		fputs(line, stdout);
	fclose(out);
	return lines > 0 ? 0 : 3;
}
