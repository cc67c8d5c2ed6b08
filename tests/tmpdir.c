/* tmpdir: a unit test's scratch directory, shared by the tests that read
 * files (config, web config). */
#include "zhbuild.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"
#include "xmalloc.h"

void
tmpdir_make(char *dir, size_t len, const char *prefix)
{
	const char	*base = getenv("TMPDIR");

	snprintf(dir, len, "%s/%s.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp", prefix);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(EXIT_FAILURE);
	}
}

void
tmpdir_remove(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
	rmdir(dir);
}

char *
tmpdir_write(const char *dir, const char *name, const void *data, size_t len)
{
	char	*path;
	FILE	*fp;

	path = xasprintf("%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL || fwrite(data, 1, len, fp) != len ||
	    fclose(fp) != 0) {
		perror(path);
		exit(EXIT_FAILURE);
	}
	return path;
}
