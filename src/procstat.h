/* procstat: the process_* metrics, read from /proc. */
#ifndef ZH_PROCSTAT_H
#define ZH_PROCSTAT_H

#include <stdbool.h>

struct procstat {
	double		cpu_seconds;		/* user + system */
	double		resident_bytes;
	double		virtual_bytes;
	double		start_time;		/* seconds since the epoch */
	double		open_fds;
	double		max_fds;
	bool		ok;			/* false: /proc unreadable */
};

void procstat_read(struct procstat *);

#endif
