/* notify: tells systemd about readiness, reloads and shutdown (sd_notify). */
#ifndef ZH_NOTIFY_H
#define ZH_NOTIFY_H

#include <stdint.h>

/* Each is a no-op when not run by systemd or built without libsystemd. */
void notify_ready(const char *status);
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *status);
/* WatchdogSec= of the unit in microseconds, 0 when there is none. */
uint64_t notify_watchdog_usec(void);
/* "Still alive": sent from the event loop, so a stuck loop stops it. */
void notify_watchdog(void);

#endif
