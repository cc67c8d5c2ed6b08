/* log: leveled logging to stderr, the journal (with <N> prefixes) or syslog. */
#include "zhbuild.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>


#include "log.h"

enum log_sink {
	LOG_SINK_STDERR,
	LOG_SINK_JOURNAL,	/* stderr read by journald: "<N>" prefixes */
	LOG_SINK_SYSLOG,
};

static enum log_sink	 log_sink = LOG_SINK_STDERR;
static enum log_level	 log_level = LOG_LEVEL_INFO;
static const char	*log_progname = "zonehealthd";

static const char *const log_level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_NOTICE] = "notice",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static const int log_level_priorities[] = {
	[LOG_LEVEL_ERROR] = LOG_ERR,
	[LOG_LEVEL_WARNING] = LOG_WARNING,
	[LOG_LEVEL_NOTICE] = LOG_NOTICE,
	[LOG_LEVEL_INFO] = LOG_INFO,
	[LOG_LEVEL_DEBUG] = LOG_DEBUG,
};

/* True when stderr is the stream $JOURNAL_STREAM ("DEV:INODE") names. */
static int
log_stderr_is_journal(void)
{
	const char		*env;
	struct stat		 st;
	unsigned long long	 dev, ino;

	if ((env = getenv("JOURNAL_STREAM")) == NULL)
		return 0;
	if (sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname, int use_syslog)
{
	if (progname != NULL)
		log_progname = progname;
	if (use_syslog) {
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_sink = LOG_SINK_SYSLOG;
	} else if (log_stderr_is_journal())
		log_sink = LOG_SINK_JOURNAL;
	else
		log_sink = LOG_SINK_STDERR;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++)
		if (strcmp(s, log_level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	return log_level_names[level];
}

static void
log_vwrite(enum log_level level, const char *errstr, const char *fmt, va_list ap)
{
	char		msg[2048];
	char		stamp[32];
	struct tm	tm;
	time_t		now;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	switch (log_sink) {
	case LOG_SINK_SYSLOG:
		if (errstr != NULL)
			syslog(log_level_priorities[level], "%s: %s", msg, errstr);
		else
			syslog(log_level_priorities[level], "%s", msg);
		break;
	case LOG_SINK_JOURNAL:
		fprintf(stderr, "<%d>%s%s%s\n", log_level_priorities[level],
		    msg, errstr != NULL ? ": " : "", errstr != NULL ? errstr : "");
		break;
	case LOG_SINK_STDERR:
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s %s[%ld]: %s: %s%s%s\n", stamp, log_progname,
		    (long)getpid(), log_level_names[level], msg,
		    errstr != NULL ? ": " : "", errstr != NULL ? errstr : "");
		break;
	}
}

#define LOG_DEFINE(fn, level, with_errno)				\
void									\
fn(const char *fmt, ...)						\
{									\
	va_list	ap;							\
	int	saved = errno;						\
									\
	va_start(ap, fmt);						\
	log_vwrite(level, with_errno ? strerror(saved) : NULL, fmt, ap);\
	va_end(ap);							\
	errno = saved;							\
}

LOG_DEFINE(log_warn, LOG_LEVEL_WARNING, 1)
LOG_DEFINE(log_warnx, LOG_LEVEL_WARNING, 0)
LOG_DEFINE(log_notice, LOG_LEVEL_NOTICE, 0)
LOG_DEFINE(log_info, LOG_LEVEL_INFO, 0)
LOG_DEFINE(log_debug, LOG_LEVEL_DEBUG, 0)
LOG_DEFINE(log_error, LOG_LEVEL_ERROR, 0)

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
