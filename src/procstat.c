/* procstat: the process_* metrics, read from /proc. */
#include "zhbuild.h"

#include <sys/resource.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "procstat.h"

/*
 * Boot time in seconds since the epoch: /proc/self/stat counts from it.
 * /proc/stat can be large (its "intr" line counts every interrupt source),
 * so it is read in pieces; a piece starts a line only after a newline.
 */
static int
procstat_btime(unsigned long long *btime)
{
	FILE	*f;
	char	 line[256], *end;
	bool	 at_start = true, found = false;

	if ((f = fopen("/proc/stat", "re")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		if (at_start && strncmp(line, "btime ", 6) == 0) {
			errno = 0;
			*btime = strtoull(line + 6, &end, 10);
			found = errno == 0 && end != line + 6;
		}
		at_start = strchr(line, '\n') != NULL;
	}
	fclose(f);
	return found ? 0 : -1;
}

/*
 * Fields 14 (utime), 15 (stime), 22 (starttime), 23 (vsize) and 24 (rss)
 * of /proc/self/stat. Field 2, the command name, may itself hold spaces
 * and parentheses, so counting starts after the last ')'.
 */
static int
procstat_parse_self(const char *text, unsigned long long *utime,
    unsigned long long *stime, unsigned long long *start,
    unsigned long long *vsize, long long *rss)
{
	const char	*p;
	char		*end;
	int		 field;

	if ((p = strrchr(text, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
		return -1;
	p += 3;				/* field 3, the state letter */
	if ((p = strchr(p, ' ')) == NULL)
		return -1;
	for (field = 4; field <= 24; field++) {
		errno = 0;
		if (field == 24) {
			*rss = strtoll(p, &end, 10);
		} else {
			unsigned long long	v = strtoull(p, &end, 10);

			if (field == 14)
				*utime = v;
			else if (field == 15)
				*stime = v;
			else if (field == 22)
				*start = v;
			else if (field == 23)
				*vsize = v;
		}
		if (errno != 0 || end == p || (*end != ' ' && *end != '\n' &&
		    *end != '\0'))
			return -1;
		p = end;
	}
	return 0;
}

static int
procstat_self(unsigned long long *utime, unsigned long long *stime,
    unsigned long long *start, unsigned long long *vsize, long long *rss)
{
	const char	*why;
	char		*text;
	int		 rc;

	if ((text = file_read("/proc/self/stat", 4096, NULL, &why)) == NULL)
		return -1;
	rc = procstat_parse_self(text, utime, stime, start, vsize, rss);
	free(text);
	return rc;
}

/* Entries of /proc/self/fd, less the one this count itself holds open. */
static int
procstat_open_fds(double *count)
{
	DIR		*dir;
	struct dirent	*de;
	char		 self[32];
	double		 n = 0;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return -1;
	snprintf(self, sizeof(self), "%d", dirfd(dir));
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, self) == 0)
			continue;
		n++;
	}
	if (errno != 0) {
		closedir(dir);
		return -1;
	}
	closedir(dir);
	*count = n;
	return 0;
}

void
procstat_read(struct procstat *ps)
{
	unsigned long long	 utime = 0, stime = 0, start = 0, vsize = 0, btime;
	long long		 rss = 0;
	struct rlimit		 rl;
	long			 ticks, pagesize;

	memset(ps, 0, sizeof(*ps));
	if ((ticks = sysconf(_SC_CLK_TCK)) <= 0 ||
	    (pagesize = sysconf(_SC_PAGESIZE)) <= 0)
		return;
	if (procstat_self(&utime, &stime, &start, &vsize, &rss) == -1 ||
	    procstat_btime(&btime) == -1 ||
	    procstat_open_fds(&ps->open_fds) == -1 ||
	    getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	ps->cpu_seconds = (double)(utime + stime) / (double)ticks;
	ps->resident_bytes = rss > 0 ? (double)rss * (double)pagesize : 0;
	ps->virtual_bytes = (double)vsize;
	ps->start_time = (double)btime + (double)start / (double)ticks;
	/* Unlimited shows as RLIM_INFINITY's value: huge, which is what it means. */
	ps->max_fds = (double)rl.rlim_cur;
	ps->ok = true;
}
