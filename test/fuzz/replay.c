/* replay.c — a main() for the fuzz harnesses built without libFuzzer:
 * feed every file named, or every file of every directory named, to
 * LLVMFuzzerTestOneInput() once.  make check runs it over the seed corpus
 * and the regression inputs, so a fixed crash stays fixed. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file; 0 or -1 if it cannot be read. */
static int
feed(const char *path)
{
	FILE *fp;
	char *buf;
	long n;

	if ((fp = fopen(path, "rb")) == NULL ||
	    fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp)
			fclose(fp);
		return -1;
	}
	/* Exactly n bytes, so that ASan sees a read past the input. */
	buf = malloc(n ? (size_t)n : 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
	free(buf);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	char *p;
	int i, n = 0, bad = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			bad = 1;
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			bad |= feed(argv[i]) != 0;
			n++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			bad = 1;
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (asprintf(&p, "%s/%s", argv[i], de->d_name) < 0)
				return 2;
			bad |= feed(p) != 0;
			free(p);
			n++;
		}
		closedir(d);
	}
	printf("%d inputs\n", n);
	return bad;
}
