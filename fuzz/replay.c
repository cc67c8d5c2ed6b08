/* replay: runs a fuzzing harness on files, without libFuzzer, so that
 * make check replays the seed corpus and every crash ever found. */
#include "zhbuild.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"
#include "fuzz.h"

#ifndef FUZZ_NAME
#error FUZZ_NAME names the harness (its corpus directories)
#endif

/* The file whole, in a buffer of its exact size: ASan sees any overread. */
static int
replay_file(const char *path)
{
	struct stat	 st;
	uint8_t		*data;
	size_t		 len;
	FILE		*fp;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	len = (size_t)st.st_size;
	data = xmalloc(len);
	if (fread(data, 1, len, fp) != len) {
		fprintf(stderr, "replay: %s: short read\n", path);
		fclose(fp);
		free(data);
		return -1;
	}
	fclose(fp);
	printf("replay %s: %s (%zu bytes)\n", FUZZ_NAME, path, len);
	fflush(stdout);		/* the name is in the log if it crashes */
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int
replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or every file of a directory in name order (dot files are not
 * inputs); returns how many inputs ran, -1 on an error. */
static long
replay_path(const char *path)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*dir;
	char		**names = NULL;
	size_t		 n = 0, i;
	long		 count = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) == -1 ? -1 : 1;
	if ((dir = opendir(path)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", path, de->d_name);
	}
	closedir(dir);
	if (n > 0)	/* qsort's array may not be NULL, even empty */
		qsort(names, n, sizeof(*names), replay_cmp);
	for (i = 0; i < n; i++) {
		if (count != -1 && replay_file(names[i]) == 0)
			count++;
		else
			count = -1;
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char **argv)
{
	const char	*top = getenv("top_srcdir");
	char		*dirs[3];
	int		 ndirs = 2;
	long		 n, total = 0;
	int		 i, failed = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			if ((n = replay_path(argv[i])) == -1)
				failed = 1;
			else
				total += n;
		}
	} else {
		/* make check: the seeds and the regressions of this harness. */
		if (top == NULL || *top == '\0')
			top = ".";
		dirs[0] = xasprintf("%s/fuzz/corpus/%s", top, FUZZ_NAME);
		dirs[1] = xasprintf("%s/fuzz/regress/%s", top, FUZZ_NAME);
#ifdef FUZZ_TEST_DATA
		/* and the unit tests' files, seeds too (kept once) */
		dirs[ndirs++] = xasprintf("%s/tests/data", top);
#endif
		for (i = 0; i < ndirs; i++) {
			if ((n = replay_path(dirs[i])) == -1)
				failed = 1;
			else
				total += n;
			free(dirs[i]);
		}
	}
	printf("replay %s: %ld inputs%s\n", FUZZ_NAME, total,
	    failed ? ", and errors reading some" : "");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
