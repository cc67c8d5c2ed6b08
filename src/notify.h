/* notify: tells systemd about readiness, reloads and shutdown (sd_notify). */
#ifndef ZH_NOTIFY_H
#define ZH_NOTIFY_H

/* Each is a no-op when not run by systemd or built without libsystemd. */
void notify_ready(const char *status);
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *status);

#endif
