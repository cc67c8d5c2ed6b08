/* clock: the two clocks the daemon reads; pure code takes their values as arguments. */
#ifndef ZH_CLOCK_H
#define ZH_CLOCK_H

#include <stdint.h>
#include <sys/time.h>

/* Monotonic milliseconds: for scheduling and durations. */
uint64_t clock_mono_ms(void);
/* Converts a millisecond delay to a timeval for libevent. */
struct timeval clock_tv_ms(uint64_t ms);

#endif
