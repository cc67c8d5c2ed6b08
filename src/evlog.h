/* evlog: libevent's own messages, into our log. */
#ifndef ZH_EVLOG_H
#define ZH_EVLOG_H

/* Routes libevent's internal messages into the log, at matching levels. */
void evlog_hook(void);

#endif
