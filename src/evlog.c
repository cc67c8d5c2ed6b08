/* evlog: libevent's own messages, into our log. Apart from log.c so that
 * what logs without an event loop (the checks) links without libevent. */
#include "zhbuild.h"

#include <event2/event.h>

#include "evlog.h"
#include "log.h"

/* libevent's messages, at the matching level. */
static void
evlog_cb(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("libevent: %s", msg);
		break;
	case EVENT_LOG_WARN:
		log_warnx("libevent: %s", msg);
		break;
	default:
		log_error("libevent: %s", msg);
		break;
	}
}

void
evlog_hook(void)
{
	event_set_log_callback(evlog_cb);
}
