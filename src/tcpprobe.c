/* tcpprobe: one non-blocking TCP connect with a timeout. */
#include "zhbuild.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "tcpprobe.h"
#include "xmalloc.h"

struct tcpprobe {
	int			 fd;
	struct event		*ev;		/* writable, or the timeout */
	struct event		*ev_now;	/* an outcome known at start */
	enum tcpprobe_status	 now_status;
	uint64_t		 started_ms;
	tcpprobe_cb		 cb;
	void			*arg;
};

static tcpprobe_sim_fn	 tcpprobe_sim;
static void		*tcpprobe_sim_arg;

void
tcpprobe_sim_install(tcpprobe_sim_fn fn, void *arg)
{
	tcpprobe_sim = fn;
	tcpprobe_sim_arg = arg;
}

static void
tcpprobe_finish(struct tcpprobe *p, enum tcpprobe_status st)
{
	tcpprobe_cb	 cb = p->cb;
	void		*arg = p->arg;
	double		 rtt = (double)(clock_mono_ms() - p->started_ms) / 1000;

	tcpprobe_cancel(p);
	cb(st, rtt, arg);
}

static enum tcpprobe_status
tcpprobe_errno_status(int err)
{
	switch (err) {
	case 0:
		return TCPPROBE_OPEN;
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ECONNRESET:
		return TCPPROBE_REFUSED;
	case ETIMEDOUT:
		return TCPPROBE_TIMEOUT;
	default:
		return TCPPROBE_ERROR;
	}
}

static void
tcpprobe_cb_io(evutil_socket_t fd, short what, void *arg)
{
	struct tcpprobe	*p = arg;
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (what & EV_TIMEOUT) {
		tcpprobe_finish(p, TCPPROBE_TIMEOUT);
		return;
	}
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	tcpprobe_finish(p, tcpprobe_errno_status(err));
}

static void
tcpprobe_cb_now(evutil_socket_t fd, short what, void *arg)
{
	struct tcpprobe	*p = arg;

	tcpprobe_finish(p, p->now_status);
}

struct tcpprobe *
tcpprobe_start(struct event_base *base, const struct sockaddr *sa, socklen_t salen,
    uint64_t timeout_ms, tcpprobe_cb cb, void *arg)
{
	struct tcpprobe	*p;
	struct timeval	 tv = clock_tv_ms(timeout_ms), zero = { 0, 0 };

	p = xcalloc(1, sizeof(*p));
	p->cb = cb;
	p->arg = arg;
	p->started_ms = clock_mono_ms();
	if ((p->ev_now = evtimer_new(base, tcpprobe_cb_now, p)) == NULL)
		fatalx("tcpprobe: event_new failed");
	if (tcpprobe_sim != NULL) {
		uint64_t	delay = 0;

		p->fd = -1;
		p->now_status = tcpprobe_sim(tcpprobe_sim_arg, sa, &delay);
		if (p->now_status == TCPPROBE_TIMEOUT || delay > timeout_ms)
			p->now_status = TCPPROBE_TIMEOUT, delay = timeout_ms;
		zero = clock_tv_ms(delay);
		goto now;
	}
	p->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd == -1) {
		p->now_status = errno == EAFNOSUPPORT ? TCPPROBE_NO_ROUTE :
		    TCPPROBE_ERROR;
		goto now;
	}
	if (connect(p->fd, sa, salen) == 0) {
		p->now_status = TCPPROBE_OPEN;
		goto now;
	}
	if (errno != EINPROGRESS) {
		/* At once: a local reason (no route to the family), not the
		 * network's refusal, which comes later through SO_ERROR. */
		p->now_status = errno == ENETUNREACH ? TCPPROBE_NO_ROUTE :
		    tcpprobe_errno_status(errno);
		goto now;
	}
	if ((p->ev = event_new(base, p->fd, EV_WRITE, tcpprobe_cb_io, p)) == NULL ||
	    event_add(p->ev, &tv) == -1)
		fatalx("tcpprobe: cannot add event");
	return p;
now:
	if (evtimer_add(p->ev_now, &zero) == -1)
		fatalx("tcpprobe: cannot add event");
	return p;
}

void
tcpprobe_cancel(struct tcpprobe *p)
{
	if (p == NULL)
		return;
	if (p->ev != NULL)
		event_free(p->ev);
	if (p->ev_now != NULL)
		event_free(p->ev_now);
	if (p->fd != -1)
		close(p->fd);
	free(p);
}
