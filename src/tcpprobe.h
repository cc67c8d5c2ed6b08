/* tcpprobe: does an address accept TCP connections on a port? One
 * non-blocking connect with a timeout, closed as soon as it is known. */
#ifndef ZH_TCPPROBE_H
#define ZH_TCPPROBE_H

#include <stdint.h>
#include <sys/socket.h>

#include "querydefs.h"

struct event_base;
struct tcpprobe;

/* Called once, from the loop (never from inside tcpprobe_start). */
typedef void (*tcpprobe_cb)(enum tcpprobe_status, double rtt, void *arg);

struct tcpprobe *tcpprobe_start(struct event_base *, const struct sockaddr *,
    socklen_t, uint64_t timeout_ms, tcpprobe_cb, void *arg);
/* No callback follows. */
void tcpprobe_cancel(struct tcpprobe *);

/* Tests: with a hook installed, no socket is opened; the hook says what a
 * connect to the address gets and after how many ms (TCPPROBE_TIMEOUT:
 * nothing, the timeout decides). NULL removes it. */
typedef enum tcpprobe_status (*tcpprobe_sim_fn)(void *arg, const struct sockaddr *,
    uint64_t *delay_ms);
void tcpprobe_sim_install(tcpprobe_sim_fn, void *arg);

#endif
