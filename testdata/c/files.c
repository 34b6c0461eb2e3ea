// Files in a directory given as the first argument (a preopened directory
// under WASI): create, write, append, seek, read back, rename, list,
// stat and remove, including a subdirectory.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir;

// at joins dir and name; it rotates between buffers so that one call can
// take two paths.
static const char *at(const char *name) {
	static char paths[2][4096];
	static int k;
	char *p = paths[k++ & 1];
	snprintf(p, sizeof paths[0], "%s/%s", dir, name);
	return p;
}

static int cmpname(const void *a, const void *b) {
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *sub) {
	DIR *d = opendir(at(sub));
	if (!d) {
		printf("opendir %s: %s\n", sub, strerror(errno));
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmpname);
	printf("%s:", sub);
	for (int i = 0; i < n; i++) {
		struct stat st;
		char rel[256];
		snprintf(rel, sizeof rel, "%s/%s", sub, names[i]);
		if (stat(at(rel), &st) == 0)
			printf(" %s(%s,%lld)", names[i], S_ISDIR(st.st_mode) ? "dir" : "file",
			       S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
		free(names[i]);
	}
	printf("\n");
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: files DIR\n");
		return 2;
	}
	dir = argv[1];
	FILE *f = fopen(at("numbers.txt"), "w");
	if (!f) {
		printf("fopen: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 1; i <= 100; i++)
		fprintf(f, "%d %d\n", i, i * i);
	fclose(f);
	f = fopen(at("numbers.txt"), "a");
	fputs("end\n", f);
	fclose(f);

	f = fopen(at("numbers.txt"), "r");
	char line[128];
	long sum = 0;
	int lines = 0;
	while (fgets(line, sizeof line, f)) {
		int a, b;
		if (sscanf(line, "%d %d", &a, &b) == 2)
			sum += b;
		lines++;
	}
	printf("lines %d sum %ld last %s", lines, sum, line);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, -10, SEEK_END);
	size_t got = fread(line, 1, 9, f);
	line[got] = 0;
	printf("size %ld tail [%s]\n", size, strchr(line, '\n') ? strchr(line, '\n') + 1 : line);
	fclose(f);

	if (mkdir(at("sub"), 0755) != 0)
		printf("mkdir: %s\n", strerror(errno));
	f = fopen(at("sub/blob.bin"), "wb");
	unsigned char buf[4096];
	for (int i = 0; i < (int)sizeof buf; i++)
		buf[i] = (unsigned char)(i * 7);
	for (int i = 0; i < 10; i++)
		fwrite(buf, 1, sizeof buf, f);
	fclose(f);
	f = fopen(at("sub/blob.bin"), "rb");
	fseek(f, 5000, SEEK_SET);
	unsigned char c4[4];
	fread(c4, 1, 4, f);
	printf("blob at 5000: %d %d %d %d\n", c4[0], c4[1], c4[2], c4[3]);
	fclose(f);

	if (rename(at("numbers.txt"), at("sub/renamed.txt")) != 0)
		printf("rename: %s\n", strerror(errno));
	list(".");
	list("sub");
	printf("missing: %s\n", fopen(at("nope/none.txt"), "r") ? "opened?" : strerror(errno));
	printf("rmdir nonempty: %d\n", rmdir(at("sub")) == 0);
	unlink(at("sub/renamed.txt"));
	unlink(at("sub/blob.bin"));
	printf("rmdir empty: %d\n", rmdir(at("sub")) == 0);
	list(".");
	return 0;
}
