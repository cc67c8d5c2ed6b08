/* notify: tells systemd about readiness, reloads and shutdown (sd_notify). */
#include "zhbuild.h"

#include "notify.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

void
notify_ready(const char *status)
{
	(void)sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
notify_reloading(void)
{
	(void)sd_notify(0, "RELOADING=1");
}

void
notify_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1");
}

void
notify_status(const char *status)
{
	(void)sd_notifyf(0, "STATUS=%s", status);
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t	usec = 0;

	return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

void
notify_watchdog(void)
{
	(void)sd_notify(0, "WATCHDOG=1");
}
#else
void notify_ready(const char *status) { (void)status; }
void notify_reloading(void) { }
void notify_stopping(void) { }
void notify_status(const char *status) { (void)status; }
uint64_t notify_watchdog_usec(void) { return 0; }
void notify_watchdog(void) { }
#endif
